"""Which Kubernetes node labels, resources, pod labels and annotations carry Run:ai's view of the cluster.

Several are unsure in reference/kubernetes.md §11-12 and reference/runai.md §9; each constant says where it
comes from and how sure we are. This is the one place those choices are made: the parsers beside it
(`console.wire.kube_nodes`, `kube_pods`, `kube_gpus`) read these names, and the simulator's Kubernetes face
(`console/sim/http/kube.py`) writes them, through `console.wire.kube`, which re-exports them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# What `console.wire.kube` re-exports (all but MIG_PROFILE, which only the parsers beside it read).
__all__ = [
    "SERVICE",
    "LABEL_HOSTNAME",
    "ROLE_SYSTEM_LABELS",
    "ROLE_GPU_WORKER_LABEL",
    "ROLE_CPU_WORKER_LABEL",
    "DEFAULT_NODE_POOL_LABEL",
    "DEFAULT_NODE_POOL",
    "GFD_PRODUCT_LABEL",
    "GFD_COUNT_LABEL",
    "GFD_MEMORY_LABEL",
    "GFD_MIG_STRATEGY_LABEL",
    "GPU_PRESENT_LABEL",
    "MIG_STRATEGIES_ON",
    "RESOURCE_GPU",
    "RESOURCE_GPU_SHARED",
    "RESOURCE_MIG_PREFIX",
    "MIG_COMPUTE_SLICES",
    "GFD_REPLICAS_LABEL",
    "GFD_SHARING_STRATEGY_LABEL",
    "GFD_SHARED_SUFFIX",
    "GFD_MIG_CAPABLE_LABEL",
    "GFD_SLICES_GI_LABEL",
    "GFD_MIG_PRODUCT",
    "GFD_MIG_COUNT_LABEL",
    "GKE_ACCELERATOR_LABEL",
    "GKE_SHARING_STRATEGY_LABEL",
    "GKE_MAX_SHARED_CLIENTS_LABEL",
    "GKE_PARTITION_SIZE_LABEL",
    "INSTANCE_TYPE_LABEL",
    "EKS_NODEGROUP_LABEL",
    "MAX_GPUS_PER_NODE",
    "MAX_REPLICAS",
    "MAX_GPU_MEMORY_MIB",
    "KnownGpu",
    "GKE_ACCELERATORS",
    "EC2_GPU_FAMILIES",
    "LABEL_WORKLOAD_ID",
    "LABEL_WORKLOAD_NAME",
    "LABEL_PROJECT",
    "LABEL_QUEUE",
    "ANNOTATION_GPU_FRACTION",
    "ANNOTATION_GPU_MEMORY",
    "ANNOTATION_GPU_INDEXES",
    "ANNOTATION_POD_GROUP",
    "RUNAI_SCHEDULERS",
    "TERMINAL_POD_PHASES",
    "ACTIVE_PODS_FIELD_SELECTOR",
    "DRAIN_TAINT_KEY",
    "DRAIN_TAINT_VALUE",
    "DRAIN_TAINT_EFFECT",
]

SERVICE = "kubernetes"
"""`BackendError.service` for everything the Kubernetes API answers."""

# ==============================================================================================
# Node labels
# ==============================================================================================
LABEL_HOSTNAME = "kubernetes.io/hostname"

ROLE_SYSTEM_LABELS = (
    "node-role.kubernetes.io/runai-system",
    "node-role.kubernetes.io/runai-system-worker",  # an older CLI's spelling (reference §11): also system
)
ROLE_GPU_WORKER_LABEL = "node-role.kubernetes.io/runai-gpu-worker"
ROLE_CPU_WORKER_LABEL = "node-role.kubernetes.io/runai-cpu-worker"
"""Run:ai node roles (reference §11). Clusters that never set roles get one from the GPU count instead."""

DEFAULT_NODE_POOL_LABEL = "run.ai/node-pool"
"""[unsure] The label that puts a node in a Run:ai node pool. Run:ai pools select nodes by an admin-chosen
`labelKey`/`labelValue` (reference/runai.md §5.3), so no key is universal; KAI's default is
`kai.scheduler/node-pool` (reference/kubernetes.md §11). rwc reads this key when it knows no better; the live
backend should hand `KubeClient.set_node_pools` the pools from Run:ai's `/api/v1/node-pools`, whose exact
key/value pairs then win. The simulator labels its pools with this key (its `PoolState.label_key`)."""
DEFAULT_NODE_POOL = "default"
"""The pool of nodes that carry no pool label (Run:ai: "the `default` pool holds all unlabelled nodes")."""

GFD_PRODUCT_LABEL = "nvidia.com/gpu.product"
"""GPU model with spaces as dashes (`NVIDIA-H100-80GB-HBM3`). rwc shows it as is: the dash form cannot be
turned back into the marketing name (`NVIDIA A100-SXM4-80GB` and `NVIDIA A100 SXM4 80GB` both become
`NVIDIA-A100-SXM4-80GB`), and Run:ai's own node API shows the same dashed form (`Tesla-V100`)."""
GFD_COUNT_LABEL = "nvidia.com/gpu.count"
GFD_MEMORY_LABEL = "nvidia.com/gpu.memory"
"""Memory per GPU; GFD documents "MB" but writes the MiB figure NVML reports (81920 on an 80 GB card)."""
GFD_MIG_STRATEGY_LABEL = "nvidia.com/mig.strategy"
GPU_PRESENT_LABEL = "nvidia.com/gpu.present"
MIG_STRATEGIES_ON = frozenset({"single", "mixed"})

RESOURCE_GPU = "nvidia.com/gpu"
RESOURCE_GPU_SHARED = "nvidia.com/gpu.shared"
"""The device plugin's time-slicing with `renameByDefault: true` advertises the replicas under this name
instead of `nvidia.com/gpu` (NVIDIA/k8s-device-plugin README, "Shared Access to GPUs")."""
RESOURCE_MIG_PREFIX = "nvidia.com/mig-"
"""Mixed-strategy MIG resources: `nvidia.com/mig-1g.10gb: 1` asks for one 1g.10gb slice."""
MIG_COMPUTE_SLICES = 7
"""A100/H100 MIG: a `<g>g.<mem>gb` slice is g of 7 compute slices; rwc counts it as g/7 of a GPU."""
MIG_PROFILE = re.compile(r"^(\d+)g\.(\d+)gb$")
"""A MIG profile's name, `<g>g.<mem>gb`: g compute slices and mem GB of memory."""

# -- GPU sharing and MIG, as GPU Feature Discovery (GFD) and GKE label them ---------------------------------
GFD_REPLICAS_LABEL = "nvidia.com/gpu.replicas"
"""Time-slicing/MPS replicas per physical GPU. With `replicas: 4` the device plugin advertises 4 x the
physical GPUs as `nvidia.com/gpu`, GFD keeps `nvidia.com/gpu.count` at the physical count and appends
`-SHARED` to `nvidia.com/gpu.product` (NVIDIA GPU Operator docs, "Time-Slicing GPUs in Kubernetes"; GFD's
own tests in NVIDIA/k8s-device-plugin: "shared appends suffix and doubles count")."""
GFD_SHARING_STRATEGY_LABEL = "nvidia.com/gpu.sharing-strategy"
"""`none`, `time-slicing` or `mps` (GFD, device plugin >= 0.15)."""
GFD_SHARED_SUFFIX = "-SHARED"
GFD_MIG_CAPABLE_LABEL = "nvidia.com/mig.capable"
GFD_SLICES_GI_LABEL = "nvidia.com/gpu.slices.gi"
"""MIG single strategy: GPU-instance slices of each MIG device (1 for 1g.*)."""
GFD_MIG_PRODUCT = re.compile(r"^(?P<model>.+)-MIG-(?P<profile>\d+g\.\d+gb)$")
"""MIG single strategy: GFD writes `nvidia.com/gpu.product=A100-SXM4-40GB-MIG-1g.5gb`, `nvidia.com/gpu.count`
as the number of MIG devices (56 on 8 GPUs) and `nvidia.com/gpu.memory` as each device's memory
(NVIDIA/k8s-device-plugin docs/gpu-feature-discovery/README.md, "MIG 'single' strategy")."""
GFD_MIG_COUNT_LABEL = re.compile(r"^nvidia\.com/mig-(?P<profile>\d+g\.\d+gb)\.count$")
"""MIG mixed strategy: one `nvidia.com/mig-<profile>.count` label per slice type (GFD README, "MIG 'mixed'
strategy"); the node's allocatable carries the same counts as `nvidia.com/mig-<profile>` resources."""
GKE_ACCELERATOR_LABEL = "cloud.google.com/gke-accelerator"
"""GKE names each GPU node's accelerator (`nvidia-l4`, `nvidia-tesla-a100`, ...) and, without the GPU
operator, sets no GFD labels (cloud.google.com/kubernetes-engine/docs/how-to/gpus)."""
GKE_SHARING_STRATEGY_LABEL = "cloud.google.com/gke-gpu-sharing-strategy"
"""`time-sharing` or `mps` (GKE GPUSharingConfig.GPUSharingStrategy TIME_SHARING / MPS)."""
GKE_MAX_SHARED_CLIENTS_LABEL = "cloud.google.com/gke-max-shared-clients-per-gpu"
"""GKE's `max_shared_clients_per_gpu` ("the max number of containers that can share a physical GPU"): the
node then advertises that many `nvidia.com/gpu` per physical GPU (GKE docs, "Share GPUs with multiple
workloads using GPU time-sharing")."""
GKE_PARTITION_SIZE_LABEL = "cloud.google.com/gke-gpu-partition-size"
"""GKE's MIG: every GPU cut into partitions of this profile (`1g.5gb`), each one `nvidia.com/gpu` (GKE docs,
"Running multi-instance GPUs") -- GFD's single strategy by another name."""
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
"""The cloud machine type (well-known label, kubernetes.io/docs/reference/labels-annotations-taints)."""
EKS_NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"

MAX_GPUS_PER_NODE = 256
"""More physical GPUs than any machine has (a DGX GB200 node has 4, an 8-GPU server is common): a label or
allocatable past this is garbage, and the count shows `—` instead of rwc building a million GPU rows."""
MAX_REPLICAS = 1024
"""Replicas per GPU past this are garbage too (GKE allows at most 48 clients per GPU)."""
MAX_GPU_MEMORY_MIB = 16 * 1024 * 1024
"""16 TiB of memory on one GPU is no GPU yet made: a larger label reads as unknown."""


@dataclass(frozen=True, slots=True)
class KnownGpu:
    """A GPU model rwc can name and size from a cloud's label when no GFD label says."""

    model: str
    memory_mib: int


GKE_ACCELERATORS: Mapping[str, KnownGpu] = {
    # cloud.google.com/compute/docs/gpus ("GPU machine types") and the GKE accelerator names of
    # cloud.google.com/kubernetes-engine/docs/how-to/gpus; memory is the card's nominal GB x 1024.
    "nvidia-tesla-k80": KnownGpu("Tesla-K80", 12 * 1024),
    "nvidia-tesla-p4": KnownGpu("Tesla-P4", 8 * 1024),
    "nvidia-tesla-p100": KnownGpu("Tesla-P100-PCIE-16GB", 16 * 1024),
    "nvidia-tesla-v100": KnownGpu("Tesla-V100-SXM2-16GB", 16 * 1024),
    "nvidia-tesla-t4": KnownGpu("Tesla-T4", 16 * 1024),
    "nvidia-l4": KnownGpu("NVIDIA-L4", 24 * 1024),
    "nvidia-tesla-a100": KnownGpu("NVIDIA-A100-SXM4-40GB", 40 * 1024),
    "nvidia-a100-80gb": KnownGpu("NVIDIA-A100-SXM4-80GB", 80 * 1024),
    "nvidia-h100-80gb": KnownGpu("NVIDIA-H100-80GB-HBM3", 80 * 1024),
    "nvidia-h100-mega-80gb": KnownGpu("NVIDIA-H100-80GB-HBM3", 80 * 1024),
    "nvidia-h200-141gb": KnownGpu("NVIDIA-H200", 141 * 1024),
    "nvidia-b200": KnownGpu("NVIDIA-B200", 180 * 1024),
    "nvidia-rtx-pro-6000": KnownGpu("NVIDIA-RTX-PRO-6000", 96 * 1024),
}
"""GKE's `cloud.google.com/gke-accelerator` values -> the model in GFD's dashed form and its memory."""

EC2_GPU_FAMILIES: Mapping[str, KnownGpu] = {
    # aws.amazon.com/ec2/instance-types (accelerated computing): the GPU of each instance family.
    "p3": KnownGpu("Tesla-V100-SXM2-16GB", 16 * 1024),
    "p3dn": KnownGpu("Tesla-V100-SXM2-32GB", 32 * 1024),
    "p4d": KnownGpu("NVIDIA-A100-SXM4-40GB", 40 * 1024),
    "p4de": KnownGpu("NVIDIA-A100-SXM4-80GB", 80 * 1024),
    "p5": KnownGpu("NVIDIA-H100-80GB-HBM3", 80 * 1024),
    "p5e": KnownGpu("NVIDIA-H200", 141 * 1024),
    "p5en": KnownGpu("NVIDIA-H200", 141 * 1024),
    "g4dn": KnownGpu("Tesla-T4", 16 * 1024),
    "g5": KnownGpu("NVIDIA-A10G", 24 * 1024),
    "g6": KnownGpu("NVIDIA-L4", 24 * 1024),
    "g6e": KnownGpu("NVIDIA-L40S", 48 * 1024),
}
"""EKS nodes without GFD carry only `node.kubernetes.io/instance-type` (`p4d.24xlarge`): its family names
the GPU."""

# ==============================================================================================
# Pod labels and annotations
# ==============================================================================================
LABEL_WORKLOAD_ID = "run.ai/top-owner-uid"
"""[unsure] The Run:ai workload id on each of its pods. reference §12 found no `workloadId` pod label in any
source; a public Run:ai support script (found through the code index, unattributed) selects a workload's pods
by `metadata.labels["run.ai/top-owner-uid"] == <workload id>` (the id it read from the workload object's
`workloadId` annotation). `pods_of_workload` selects on this label; the owner reference's uid is the
fallback when reading a pod."""
LABEL_WORKLOAD_NAME = "workloadName"
"""[unsure] The workload's name on its pods (the same public scripts select pods with `-l workloadName=`)."""
LABEL_PROJECT = "project"
"""Run:ai project of a workload (reference/runai.md §9: the old CLI reads it; unsure for pods)."""
LABEL_QUEUE = "runai/queue"
"""The scheduler queue (= project) on pods (reference/kubernetes.md §12)."""

ANNOTATION_GPU_FRACTION = "gpu-fraction"
"""User's request: a portion of one GPU, e.g. "0.5" (reference §12)."""
ANNOTATION_GPU_MEMORY = "gpu-memory"
"""User's request: GPU memory in MiB, e.g. "2000" (reference §12)."""
ANNOTATION_GPU_INDEXES = "runai-gpu"
"""[unsure] Scheduler bookkeeping: the GPU index(es) a shared pod landed on, comma-separated ("3" or "0,1";
reference/runai.md §9 names `runai-gpu` "(GPU index)" without an example of several). Whole-GPU pods on a
real cluster may lack it (the device plugin picks the device); rwc then spreads them over free GPUs."""
ANNOTATION_POD_GROUP = "pod-group-name"
RUNAI_SCHEDULERS = frozenset({"runai-scheduler", "runai-scheduler-default", "kai-scheduler"})
"""`spec.schedulerName` of Run:ai's pods (reference/kubernetes.md §12): with Run:ai's labels, what tells a
Run:ai workload's pod from any other pod holding a GPU."""

TERMINAL_POD_PHASES = frozenset({"Succeeded", "Failed"})
ACTIVE_PODS_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed"
"""What `kubectl describe node` sums for "Allocated resources": pods that are not finished."""

DRAIN_TAINT_KEY, DRAIN_TAINT_VALUE, DRAIN_TAINT_EFFECT = "runai", "drain", "NoExecute"
"""Run:ai's maintenance taint `runai=drain:NoExecute` (reference §3; `console.model.runai.DRAIN_TAINT`)."""
