"""The Kubernetes side of rwc on the wire: label/annotation names, and parsers from JSON to domain objects.

Two jobs, both free of the `kubernetes` package (this module imports only the standard library and
`console.model`/`console.data`, so it is cheap and its parsers are plain functions over `json.loads` output):

1. **Names.** Which node labels, pod labels and pod annotations carry Run:ai's view of the cluster. Several
   are unsure in reference/kubernetes.md §11-12 and reference/runai.md §9; each constant says where it comes
   from and how sure we are. This is the one place those choices are made: the simulator's Kubernetes face
   (`console/sim/http/kube.py`) imports these names to write what `KubeClient` reads.
2. **Parsers.** List bodies -> slim rows (`NodeRow`, `PodRow`) -> `Node`, `GpuDevice`, `Pod`. Reading raw
   JSON instead of the client's pydantic models is ~8x faster on big lists (reference §10), and a missing or
   mistyped field becomes `BadResponse` naming it, instead of a `pydantic_core.ValidationError`.

What the Kubernetes API cannot carry is left as None (or empty) rather than guessed: GPU utilisation,
temperature, power and used memory (DCGM/NVML, not the API), and GPU UUIDs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from console.data.errors import BadResponse
from console.data.unreadable import readable_items
from console.model.enums import NodeRole, NodeStatus
from console.model.runai import (
    GpuAllocation,
    GpuDevice,
    Node,
    NodeCondition,
    Pod,
    Taint,
)
from console.wire import common

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


# ==============================================================================================
# Slim rows
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class NodeRow:
    """What rwc keeps of one Node object: small, so big lists stay cheap to hold."""

    name: str
    resource_version: str
    node_pool: str
    role: NodeRole
    status: NodeStatus
    conditions: tuple[NodeCondition, ...]
    taints: tuple[Taint, ...]
    raw_taints: tuple[dict[str, Any], ...]
    """The taints as the server sent them (with `timeAdded`), for patches that must send the whole list."""
    unschedulable: bool
    gpu_model: str | None
    gpu_count: int
    gpu_memory_mib: int | None
    mig_enabled: bool
    cpu_millicores: int
    memory_bytes: int
    created_at: datetime
    gpu_replicas: int = 1
    """Pods one physical GPU takes under time-slicing, MPS or GKE time-sharing (1: not shared): each
    `nvidia.com/gpu` a pod holds there is 1/replicas of a GPU, not a GPU."""
    gpu_sharing: str | None = None
    """How the GPUs are shared, in words (`time-slicing x4`, `MIG single 1g.10gb`, `MIG mixed`); None when
    they are not."""
    mig_profile: str | None = None
    """MIG single strategy (and GKE partitions): every `nvidia.com/gpu` on this node is one slice of this
    profile."""
    mig_gpus: int = 0
    """Physical GPUs cut into MIG slices: all of them under the single strategy, the last ones under mixed."""


@dataclass(frozen=True, slots=True)
class PodRow:
    """What rwc keeps of one Pod object: where it runs, what it requests, whose it is."""

    name: str
    namespace: str
    node_name: str | None
    phase: str
    workload_id: str
    workload_name: str
    project_name: str
    cpu_millicores: int
    memory_bytes: int
    whole_gpus: int
    mig_slices: tuple[tuple[str, int], ...]
    """(profile, count) for each `nvidia.com/mig-<profile>` resource."""
    gpu_fraction: float | None
    gpu_memory_mib: int | None
    gpu_indexes: tuple[int, ...]
    created_at: datetime | None
    is_runai: bool = True
    """A Run:ai workload's pod (Run:ai's labels or scheduler); other pods' holders are named
    `namespace/pod` and open no workload."""

    @property
    def holds_resources(self) -> bool:
        """Bound to a node and not finished: what counts against the node's allocatable."""
        return self.node_name is not None and self.phase not in TERMINAL_POD_PHASES


@dataclass(frozen=True, slots=True)
class GpuShare:
    """One pod's share of one GPU; `index` None when the server did not say which GPU."""

    index: int | None
    fraction: float
    memory_mib: int | None
    mig_profile: str | None


# ==============================================================================================
# Small parsers
# ==============================================================================================
QUANTITY_LIMIT = common.QUANTITY_LIMIT


def parse_quantity(value: object, where: str = "quantity") -> Decimal:
    """A Kubernetes resource quantity (`64`, `500m`, `1056000000Ki`, `1.5Gi`, `1e3`) as an exact Decimal
    (`console.wire.common.parse_quantity`). Total: anything else (NaN, infinity, past 2**63) is
    `BadResponse`, never an arithmetic error."""
    quantity = common.parse_quantity(value)
    if quantity is None:
        raise BadResponse(f"The {where} is not a quantity: {str(value)[:40]!r}.", service=SERVICE)
    return quantity


def cpu_millicores(value: object, where: str = "cpu quantity") -> int:
    """CPU in millicores, rounded up as the scheduler does (`0.1` -> 100, `2` -> 2000)."""
    return int((parse_quantity(value, where) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def memory_bytes(value: object, where: str = "memory quantity") -> int:
    return int(parse_quantity(value, where).to_integral_value(rounding="ROUND_CEILING"))


def parse_time(value: object, where: str = "timestamp") -> datetime | None:
    """An RFC 3339 timestamp (`2026-11-23T09:00:00Z`, fractions allowed) as an aware UTC datetime; None
    when absent, `BadResponse` when it is not one."""
    if value is None:
        return None
    parsed = common.parse_rfc3339(value)
    if parsed is None:
        raise BadResponse(f"The {where} is not a timestamp: {str(value)[:40]!r}.", service=SERVICE)
    return parsed.astimezone(UTC)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if type(value) is dict:  # the common case, without the ABC check (hot: ~10 calls per pod)
        return value
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadResponse(f"Expected an object for {where}, got {type(value).__name__}.", service=SERVICE)
    return value


def _sequence(value: object, where: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadResponse(f"Expected a list for {where}, got {type(value).__name__}.", service=SERVICE)
    return value


def _string(value: object, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadResponse(f"Expected a string for {where}, got {value!r}.", service=SERVICE)
    return value


def _int(value: object, where: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadResponse(f"Expected a whole number for {where}, got {value!r}.", service=SERVICE) from None


def list_items(payload: object, kind: str) -> tuple[Sequence[Mapping[str, Any]], str]:
    """The items of a `<kind>List` body and its `metadata.continue` token ("" when it was the last page)."""
    body = _mapping(payload, f"the {kind} list")
    if "items" not in body:
        raise BadResponse(f"The {kind} list has no items.", service=SERVICE)
    items = _sequence(body.get("items"), f"the {kind} list's items")
    for item in items:
        _mapping(item, f"an item of the {kind} list")
    metadata = _mapping(body.get("metadata"), f"the {kind} list's metadata")
    return items, _string(metadata.get("continue"), "metadata.continue", required=False)


# ==============================================================================================
# Nodes
# ==============================================================================================
PoolResolver = Callable[[Mapping[str, str]], str]


def pool_resolver(
    pool_labels: Mapping[tuple[str, str], str] | None = None, label_key: str = DEFAULT_NODE_POOL_LABEL
) -> PoolResolver:
    """Node labels -> Run:ai pool name: an exact (key, value) Run:ai gave us, else `label_key`'s value."""
    known = dict(pool_labels or {})

    def resolve(labels: Mapping[str, str]) -> str:
        for (key, value), pool in known.items():
            if labels.get(key) == value:
                return pool
        return labels.get(label_key) or DEFAULT_NODE_POOL

    return resolve


def _role(labels: Mapping[str, str], gpu_count: int) -> NodeRole:
    if any(label in labels for label in ROLE_SYSTEM_LABELS):
        return NodeRole.SYSTEM
    if ROLE_GPU_WORKER_LABEL in labels:
        return NodeRole.GPU_WORKER
    if ROLE_CPU_WORKER_LABEL in labels:
        return NodeRole.CPU_WORKER
    return NodeRole.GPU_WORKER if gpu_count else NodeRole.CPU_WORKER


def _status(conditions: Sequence[NodeCondition]) -> NodeStatus:
    """Ready=True -> Ready; False or Unknown -> NotReady (as `kubectl get nodes` shows both); none -> Unknown.

    A kubelet that stopped posting leaves Ready=Unknown; the console, like kubectl, calls that NotReady.
    """
    ready = next((condition for condition in conditions if condition.type == "Ready"), None)
    if ready is None:
        return NodeStatus.UNKNOWN
    return NodeStatus.READY if ready.status == "True" else NodeStatus.NOT_READY


def _resource(status: Mapping[str, Any], resource: str) -> object:
    """A resource from `status.allocatable` (what pods may use), falling back to `status.capacity`."""
    allocatable = _mapping(status.get("allocatable"), "status.allocatable")
    if resource in allocatable:
        return allocatable[resource]
    return _mapping(status.get("capacity"), "status.capacity").get(resource)


def _label_int(labels: Mapping[str, str], key: str, low: int, high: int) -> int | None:
    """A whole-number label within [low, high]; None when absent or garbage (`NaN`, `-4`, `1e400`, `8.5`):
    a label is a hint from whoever wrote it, so a bad one costs the field it says, never the node."""
    text = labels.get(key)
    # ASCII digits only (`"²".isdigit()` is true and int() refuses it); 12 digits is past every bound.
    if text is None or not re.fullmatch(r"[0-9]{1,12}", text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


def _gpu_quantity(status: Mapping[str, Any], resource: str) -> int | None:
    """A GPU resource's allocatable (else capacity) as a count; None when absent, fractional, negative or
    past any machine (`MAX_GPUS_PER_NODE` x `MAX_REPLICAS`)."""
    raw = _resource(status, resource)
    if raw is None:
        return None
    quantity = common.parse_quantity(raw)
    if quantity is None or quantity < 0 or quantity != quantity.to_integral_value():
        return None
    return int(quantity) if quantity <= MAX_GPUS_PER_NODE * MAX_REPLICAS else None


def _mig_profile_slices(profile: str) -> int | None:
    """Compute slices (of 7) of a `<g>g.<mem>gb` profile; None for a name rwc cannot size."""
    found = _MIG_PROFILE.match(profile)
    if found is None:
        return None
    slices = int(found.group(1))
    return slices if 1 <= slices <= MIG_COMPUTE_SLICES else None


def _gigabytes_in_name(model: str) -> int | None:
    """`NVIDIA-A100-SXM4-80GB` -> 81920: the memory a model's own name states, when it states one."""
    found = re.search(r"(?<![0-9])(\d{1,4})GB(?![a-z0-9])", model, re.IGNORECASE)
    return int(found.group(1)) * 1024 if found else None


@dataclass(frozen=True, slots=True)
class GpuShape:
    """What a node's labels and allocatable say of its GPUs: how many physical ones, which model, how much
    memory each, and how pods are given them (whole, replicas of one, or MIG slices)."""

    count: int
    model: str | None
    memory_mib: int | None
    replicas: int = 1
    sharing: str | None = None
    mig_strategy: str | None = None
    mig_profile: str | None = None
    mig_gpus: int = 0


def gpu_shape(labels: Mapping[str, str], status: Mapping[str, Any]) -> GpuShape:
    """The node's GPUs from GFD labels, else GKE's and EC2's (see the label constants for sources).

    Time-slicing (GFD `gpu.replicas`, GKE `gke-max-shared-clients-per-gpu`) multiplies what the node
    advertises, not what it has: the count is the physical GPUs and each advertised one a replica. Under
    MIG single (GFD product `...-MIG-<profile>`, or GKE's partition size) the advertised `nvidia.com/gpu` are
    slices, 7 // g of them per GPU; under mixed the `nvidia.com/mig-<profile>` slices fill whole GPUs, 7
    compute slices each, beside the GPUs still whole. Every label is read tolerantly: one that is garbage
    is as if absent, and the count falls back to what the node advertises.
    """
    advertised = _gpu_quantity(status, RESOURCE_GPU)
    advertised_shared = _gpu_quantity(status, RESOURCE_GPU_SHARED)
    gfd_count = _label_int(labels, GFD_COUNT_LABEL, 0, MAX_GPUS_PER_NODE * MIG_COMPUTE_SLICES)
    gfd_memory = _label_int(labels, GFD_MEMORY_LABEL, 1, MAX_GPU_MEMORY_MIB)

    product = (labels.get(GFD_PRODUCT_LABEL) or "").strip() or None
    if product is not None and product.endswith(GFD_SHARED_SUFFIX):
        product = product.removesuffix(GFD_SHARED_SUFFIX)
    mig_profile: str | None = None
    if product is not None and (found := GFD_MIG_PRODUCT.match(product)):
        product, mig_profile = found.group("model"), found.group("profile")
    if mig_profile is None and (partition := (labels.get(GKE_PARTITION_SIZE_LABEL) or "").strip()):
        mig_profile = partition
    strategy: str | None = None  # set below only where slices are seen

    known: KnownGpu | None = None
    accelerator = (labels.get(GKE_ACCELERATOR_LABEL) or "").strip()
    if accelerator:
        known = GKE_ACCELERATORS.get(accelerator) or KnownGpu(accelerator, 0)
    elif (instance := labels.get(INSTANCE_TYPE_LABEL)) is not None:
        known = EC2_GPU_FAMILIES.get(instance.split(".", 1)[0])
    model = product or (known.model if known else None)

    # Replicas: GFD's label, else GKE's clients per GPU (only when GKE says the GPUs are shared).
    replicas = _label_int(labels, GFD_REPLICAS_LABEL, 1, MAX_REPLICAS)
    sharing = labels.get(GFD_SHARING_STRATEGY_LABEL)
    gke_sharing = labels.get(GKE_SHARING_STRATEGY_LABEL)
    if (replicas is None or replicas == 1) and gke_sharing:
        replicas = _label_int(labels, GKE_MAX_SHARED_CLIENTS_LABEL, 1, MAX_REPLICAS) or replicas
        sharing = gke_sharing
    replicas = replicas or 1

    mig_slices = _mig_resources(labels, status)
    mig_gpus = 0
    memory = None if mig_profile else gfd_memory  # under single, gpu.memory is one slice's
    if mig_profile is not None:
        # Single strategy: every advertised GPU is a slice; 7 // g of them fill one physical GPU.
        slices = gfd_count if gfd_count is not None else (advertised or 0)
        per_gpu = MIG_COMPUTE_SLICES // (_mig_profile_slices(mig_profile) or MIG_COMPUTE_SLICES)
        count = mig_gpus = -(-slices // per_gpu)
        strategy, replicas = "single", 1
    elif mig_slices:
        used = sum(
            count * (_mig_profile_slices(profile) or MIG_COMPUTE_SLICES) for profile, count in mig_slices
        )
        mig_gpus = -(-used // MIG_COMPUTE_SLICES)
        # GFD's gpu.count may be every GPU or only the whole ones: the larger reading is the machine.
        count = max(gfd_count or 0, (advertised or 0) + mig_gpus)
        strategy = "mixed"
    elif replicas > 1:
        shared = advertised_shared if advertised_shared is not None else advertised
        count = gfd_count if gfd_count is not None else -(-(shared or 0) // replicas)
    else:
        count = gfd_count if gfd_count is not None else (advertised or advertised_shared or 0)
    if count > MAX_GPUS_PER_NODE:
        count = 0
    mig_gpus = min(mig_gpus, count)
    if memory is None and known is not None and known.memory_mib:
        memory = known.memory_mib
    if memory is None and model is not None:
        memory = _gigabytes_in_name(model)
    if not count:
        return GpuShape(0, None, None)
    words = None
    if mig_profile is not None:
        words = f"MIG single {mig_profile}"
    elif mig_slices:
        words = "MIG mixed"
    elif replicas > 1:
        words = f"{sharing if sharing and sharing != 'none' else 'shared'} ×{replicas}"
    return GpuShape(
        count=count,
        model=model or "GPU",
        memory_mib=memory,
        replicas=replicas,
        sharing=words,
        mig_strategy=strategy if strategy in MIG_STRATEGIES_ON else None,
        mig_profile=mig_profile,
        mig_gpus=mig_gpus,
    )


def _mig_resources(labels: Mapping[str, str], status: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Mixed-strategy slices: (profile, count) from the `nvidia.com/mig-<profile>` resources, else GFD's
    `nvidia.com/mig-<profile>.count` labels; garbage counts are left out."""
    found: dict[str, int] = {}
    allocatable = _mapping(status.get("allocatable"), "status.allocatable")
    capacity = _mapping(status.get("capacity"), "status.capacity")
    for resource in {**capacity, **allocatable}:
        if isinstance(resource, str) and resource.startswith(RESOURCE_MIG_PREFIX):
            count = _gpu_quantity(status, resource)
            if count:
                found[resource[len(RESOURCE_MIG_PREFIX) :]] = count
    if not found:
        for key in labels:
            if (match := GFD_MIG_COUNT_LABEL.match(key)) is not None:
                count = _label_int(labels, key, 1, MAX_GPUS_PER_NODE * MIG_COMPUTE_SLICES)
                if count:
                    found[match.group("profile")] = count
    return sorted(found.items())


def _mig_enabled(shape: GpuShape, labels: Mapping[str, str]) -> bool:
    """MIG is on where slices are seen (single's `-MIG-` product, mixed's resources). A MIG strategy label
    alone is the cluster's policy, written on every GPU node, so it counts only where GFD does not say the
    GPU cannot do MIG (`nvidia.com/mig.capable=false`, an L4 under `mig.strategy=single`)."""
    # UNSURE(mig-strategy-label): a MIG-capable GPU with MIG off still reads as MIG under that policy label;
    # kept because the simulator's face labels its MIG node so, without `nvidia.com/mig-<profile>` resources.
    if shape.mig_strategy is not None:
        return True
    return (
        labels.get(GFD_MIG_STRATEGY_LABEL) in MIG_STRATEGIES_ON
        and labels.get(GFD_MIG_CAPABLE_LABEL) != "false"
    )


def parse_node(obj: Mapping[str, Any], resolve_pool: PoolResolver) -> NodeRow:
    metadata = _mapping(obj.get("metadata"), "node metadata")
    name = _string(metadata.get("name"), "node metadata.name")
    where = f"node {name}"
    labels = {str(k): str(v) for k, v in _mapping(metadata.get("labels"), f"{where} labels").items()}
    spec = _mapping(obj.get("spec"), f"{where} spec")
    status = _mapping(obj.get("status"), f"{where} status")

    conditions = []
    for raw in _sequence(status.get("conditions"), f"{where} status.conditions"):
        item = _mapping(raw, f"{where} condition")
        conditions.append(
            NodeCondition(
                type=_string(item.get("type"), f"{where} condition type"),
                status=_string(item.get("status"), f"{where} condition status"),
                reason=_string(item.get("reason"), f"{where} condition reason", required=False),
                message=_string(item.get("message"), f"{where} condition message", required=False),
                # An unreadable transition time is not worth the node: the detail then says "—".
                since=common.parse_rfc3339(item.get("lastTransitionTime")),
            )
        )
    raw_taints = []
    taints = []
    for raw in _sequence(spec.get("taints"), f"{where} spec.taints"):
        item = dict(_mapping(raw, f"{where} taint"))
        taints.append(
            Taint(
                key=_string(item.get("key"), f"{where} taint key"),
                value=_string(item.get("value"), f"{where} taint value", required=False),
                effect=_string(item.get("effect"), f"{where} taint effect"),
            )
        )
        raw_taints.append(item)

    shape = gpu_shape(labels, status)
    gpu_count = shape.count
    cpu = _resource(status, "cpu")
    memory = _resource(status, "memory")
    return NodeRow(
        name=name,
        resource_version=_string(metadata.get("resourceVersion"), f"{where} resourceVersion", required=False),
        node_pool=resolve_pool(labels),
        role=_role(labels, gpu_count),
        status=_status(conditions),
        conditions=tuple(conditions),
        taints=tuple(taints),
        raw_taints=tuple(raw_taints),
        unschedulable=spec.get("unschedulable") is True,
        gpu_model=shape.model,
        gpu_count=gpu_count,
        gpu_memory_mib=shape.memory_mib,
        mig_enabled=_mig_enabled(shape, labels),
        cpu_millicores=cpu_millicores(cpu, f"{where} cpu") if cpu is not None else 0,
        memory_bytes=memory_bytes(memory, f"{where} memory") if memory is not None else 0,
        created_at=parse_time(metadata.get("creationTimestamp"), f"{where} creationTimestamp")
        or datetime.fromtimestamp(0, UTC),
        gpu_replicas=shape.replicas,
        gpu_sharing=shape.sharing,
        mig_profile=shape.mig_profile,
        mig_gpus=shape.mig_gpus,
    )


def parse_nodes(items: Iterable[Any], resolve_pool: PoolResolver) -> list[NodeRow]:
    """The readable nodes of a list; one that is not is left out, logged and counted."""
    return readable_items(
        items, lambda item, _index: parse_node(_mapping(item, "node"), resolve_pool), "node"
    )


def row_shares(row: NodeRow, pod: PodRow) -> tuple[GpuShare, ...]:
    """`pod_shares` of a pod on this node: its GPU memory, replicas and MIG profile."""
    return pod_shares(pod, row.gpu_memory_mib, replicas=row.gpu_replicas, mig_profile=row.mig_profile)


def node_view(row: NodeRow, pods: Iterable[PodRow]) -> Node:
    """The domain `Node`: allocations are the requests of the pods that hold resources on it.

    GPUs allocated are in physical GPUs: a replica of a time-sliced GPU counts 1/replicas, a MIG slice g/7.
    """
    cpu = memory = 0
    gpus = 0.0
    for pod in pods:
        if pod.node_name != row.name or not pod.holds_resources:
            continue
        cpu += pod.cpu_millicores
        memory += pod.memory_bytes
        gpus += sum(share.fraction for share in row_shares(row, pod))
    return Node(
        name=row.name,
        node_pool=row.node_pool,
        role=row.role,
        status=row.status,
        conditions=row.conditions,
        taints=row.taints,
        unschedulable=row.unschedulable,
        gpu_model=row.gpu_model,
        gpu_count=row.gpu_count,
        allocated_gpus=round(gpus, 6),
        cpu_millicores=row.cpu_millicores,
        allocated_cpu_millicores=cpu,
        memory_bytes=row.memory_bytes,
        allocated_memory_bytes=memory,
        created_at=row.created_at,
        gpu_sharing=row.gpu_sharing,
    )


_FULL = 1.0 + 1e-9
"""A GPU's whole, with room for float sums (3 x 1/3)."""


def _mig_flags(row: NodeRow) -> list[bool]:
    """Which of the node's GPUs are cut into MIG slices: the last `mig_gpus` (mixed: the whole ones are
    taken to come first; the API does not say which), or all of them when only the strategy label says."""
    if row.mig_gpus:
        whole = row.gpu_count - row.mig_gpus
        return [index >= whole for index in range(row.gpu_count)]
    return [row.mig_enabled] * row.gpu_count


def gpu_views(row: NodeRow, pods: Iterable[PodRow]) -> list[GpuDevice]:
    """One `GpuDevice` per physical GPU of the node, with the shares its pods hold (readings: None, see the
    module doc). Every holder is shown: none is dropped for want of room.

    Shares without an index (a whole-GPU pod without `runai-gpu`, every pod on a time-sliced node) are an
    estimate, in pod order: a MIG slice goes to the first MIG GPU with room, anything else to the first
    whole GPU with room; replicas of a time-sliced GPU go to the GPU holding the fewest, as the device
    plugin hands them out (NVIDIA/k8s-device-plugin `internal/rm/allocate.go`, `distributedAlloc`). A share
    that fits nowhere (the node holds more than it has) goes to the least-held GPU rather than vanish.
    """
    per_gpu: list[list[GpuAllocation]] = [[] for _ in range(row.gpu_count)]
    held = [0.0] * row.gpu_count
    mig = _mig_flags(row)
    unplaced: list[tuple[GpuShare, GpuAllocation]] = []
    for pod in pods:
        if pod.node_name != row.name or not pod.holds_resources:
            continue
        for share in row_shares(row, pod):
            allocation = GpuAllocation(
                workload_id=pod.workload_id,
                workload_name=pod.workload_name,
                project_name=pod.project_name,
                fraction=share.fraction,
                memory_mib=share.memory_mib,
                mig_profile=share.mig_profile,
            )
            if share.index is not None and 0 <= share.index < row.gpu_count:
                per_gpu[share.index].append(allocation)
                held[share.index] += share.fraction
            else:
                unplaced.append((share, allocation))
    for share, allocation in unplaced:
        if not per_gpu:
            break
        wants_mig = share.mig_profile is not None
        candidates = [index for index in range(row.gpu_count) if mig[index] == wants_mig]
        candidates = candidates or list(range(row.gpu_count))
        if row.gpu_replicas > 1 and not wants_mig:
            target = min(candidates, key=lambda index: (held[index], index))
        else:
            target = next(
                (index for index in candidates if held[index] + share.fraction <= _FULL),
                min(candidates, key=lambda index: (held[index], index)),
            )
        per_gpu[target].append(allocation)
        held[target] += share.fraction
    return [
        GpuDevice(
            node_name=row.name,
            index=index,
            uuid="",  # not in the Kubernetes API (GFD labels no UUIDs); NVML/DCGM have it
            model=row.gpu_model or "GPU",
            memory_total_mib=row.gpu_memory_mib or 0,
            memory_used_mib=None,
            utilization_percent=None,
            temperature_celsius=None,
            power_watts=None,
            allocations=tuple(allocations),
            mig_enabled=mig[index],
        )
        for index, allocations in enumerate(per_gpu)
    ]


# ==============================================================================================
# Pods
# ==============================================================================================
def _container_requests(spec: Mapping[str, Any], where: str) -> dict[str, Decimal]:
    """Summed requests of the pod's containers; a resource with only a limit requests its limit (as k8s
    defaults it). Init containers are left out: they have finished by the time the pod holds resources."""
    total: dict[str, Decimal] = {}
    for raw in _sequence(spec.get("containers"), f"{where} spec.containers"):
        container = _mapping(raw, f"{where} container")
        resources = _mapping(container.get("resources"), f"{where} container resources")
        requests = dict(_mapping(resources.get("requests"), f"{where} resources.requests"))
        for resource, value in _mapping(resources.get("limits"), f"{where} resources.limits").items():
            requests.setdefault(resource, value)
        for resource, value in requests.items():
            total[resource] = total.get(resource, Decimal(0)) + parse_quantity(value, f"{where} {resource}")
    return total


def _indexes(value: str | None, where: str) -> tuple[int, ...]:
    if not value:
        return ()
    return tuple(_int(part, where) for part in value.split(",") if part.strip())


def parse_pod(obj: Mapping[str, Any]) -> PodRow:
    metadata = _mapping(obj.get("metadata"), "pod metadata")
    name = _string(metadata.get("name"), "pod metadata.name")
    where = f"pod {name}"
    labels = _mapping(metadata.get("labels"), f"{where} labels")
    annotations = _mapping(metadata.get("annotations"), f"{where} annotations")
    spec = _mapping(obj.get("spec"), f"{where} spec")
    status = _mapping(obj.get("status"), f"{where} status")
    requests = _container_requests(spec, where)
    for resource, amount in requests.items():
        if resource.startswith("nvidia.com/") and not 0 <= amount <= MAX_GPUS_PER_NODE * MAX_REPLICAS:
            # More GPUs than any node advertises: garbage, and one share per GPU would exhaust memory.
            raise BadResponse(f"The {where} requests {amount} {resource}.", service=SERVICE)

    workload_id = str(labels.get(LABEL_WORKLOAD_ID) or "")
    workload_name = str(labels.get(LABEL_WORKLOAD_NAME) or "")
    namespace = _string(metadata.get("namespace"), f"{where} namespace", required=False)
    is_runai = bool(
        workload_id
        or workload_name
        or labels.get(LABEL_PROJECT)
        or labels.get(LABEL_QUEUE)
        or spec.get("schedulerName") in RUNAI_SCHEDULERS
    )
    if not is_runai:
        # Any other pod holding GPUs (a Deployment, a Job, a notebook): named as kubectl names it.
        workload_id, workload_name = "", f"{namespace}/{name}" if namespace else name
    elif not workload_id or not workload_name:
        owners = _sequence(metadata.get("ownerReferences"), f"{where} ownerReferences")
        owner = _mapping(owners[0], f"{where} owner") if owners else {}
        workload_id = workload_id or str(owner.get("uid") or "")
        workload_name = workload_name or str(owner.get("name") or "")
    fraction = annotations.get(ANNOTATION_GPU_FRACTION)
    gpu_memory = annotations.get(ANNOTATION_GPU_MEMORY)
    try:
        gpu_fraction = float(fraction) if fraction not in (None, "") else None
    except (TypeError, ValueError):
        raise BadResponse(f"The {where} annotation gpu-fraction is {fraction!r}.", service=SERVICE) from None
    if gpu_fraction is not None and not (math.isfinite(gpu_fraction) and gpu_fraction >= 0):
        raise BadResponse(f"The {where} annotation gpu-fraction is {fraction!r}.", service=SERVICE)
    node_name = spec.get("nodeName")
    return PodRow(
        name=name,
        namespace=namespace,
        node_name=_string(node_name, f"{where} spec.nodeName") if node_name else None,
        phase=_string(status.get("phase"), f"{where} status.phase", required=False) or "Unknown",
        workload_id=workload_id,
        workload_name=workload_name,
        project_name=str(labels.get(LABEL_PROJECT) or labels.get(LABEL_QUEUE) or ""),
        cpu_millicores=int((requests.get("cpu", Decimal(0)) * 1000).to_integral_value("ROUND_CEILING")),
        memory_bytes=int(requests.get("memory", Decimal(0)).to_integral_value("ROUND_CEILING")),
        whole_gpus=int(
            requests.get(RESOURCE_GPU, Decimal(0)) + requests.get(RESOURCE_GPU_SHARED, Decimal(0))
        ),
        mig_slices=tuple(
            (resource[len(RESOURCE_MIG_PREFIX) :], int(count))
            for resource, count in requests.items()
            if resource.startswith(RESOURCE_MIG_PREFIX) and count > 0
        ),
        gpu_fraction=gpu_fraction,
        gpu_memory_mib=_int(gpu_memory, f"{where} annotation gpu-memory") if gpu_memory else None,
        gpu_indexes=_indexes(annotations.get(ANNOTATION_GPU_INDEXES), f"{where} annotation runai-gpu"),
        created_at=parse_time(metadata.get("creationTimestamp"), f"{where} creationTimestamp"),
        is_runai=is_runai,
    )


def parse_pods(items: Iterable[Any]) -> list[PodRow]:
    """The readable pods of a list; one that is not is left out, logged and counted."""
    return readable_items(items, lambda item, _index: parse_pod(_mapping(item, "pod")), "pod")


_MIG_PROFILE = re.compile(r"^(\d+)g\.(\d+)gb$")


def pod_shares(
    pod: PodRow, gpu_memory_mib: int | None, *, replicas: int = 1, mig_profile: str | None = None
) -> tuple[GpuShare, ...]:
    """What the pod holds of which GPU, from its requests and annotations (none unless it holds resources).

    Precedence: MIG slices it was given, whole GPUs, then a fraction or an amount of memory of a shared GPU.
    A fraction's memory is that share of the GPU's memory; a memory request's fraction is memory / GPU memory.
    On a node whose GPUs are shared (`replicas` > 1) each `nvidia.com/gpu` is one replica, 1/replicas of a
    GPU with no memory of its own; on a MIG-single node (`mig_profile`) each is one slice of that profile.
    """
    if not pod.holds_resources:
        return ()
    indexes = list(pod.gpu_indexes)
    shares: list[GpuShare] = []

    def next_index() -> int | None:
        return indexes.pop(0) if indexes else None

    for profile, count in pod.mig_slices:
        found = _MIG_PROFILE.match(profile)
        if found is None:  # a profile rwc cannot size (e.g. a future naming): one GPU's worth, unsized
            shares += [GpuShare(next_index(), 1.0, None, profile) for _ in range(count)]
            continue
        slices, gigabytes = int(found.group(1)), int(found.group(2))
        fraction = slices / MIG_COMPUTE_SLICES
        shares += [GpuShare(next_index(), fraction, gigabytes * 1024, profile) for _ in range(count)]
    single = _MIG_PROFILE.match(mig_profile) if mig_profile else None
    if mig_profile is not None:
        profile_slices = _mig_profile_slices(mig_profile)
        fraction = profile_slices / MIG_COMPUTE_SLICES if profile_slices else 1.0
        memory = int(single.group(2)) * 1024 if single else None
        shares += [GpuShare(next_index(), fraction, memory, mig_profile) for _ in range(pod.whole_gpus)]
    elif replicas > 1:
        shares += [GpuShare(next_index(), 1.0 / replicas, None, None) for _ in range(pod.whole_gpus)]
    else:
        shares += [GpuShare(next_index(), 1.0, gpu_memory_mib, None) for _ in range(pod.whole_gpus)]
    if shares:
        return tuple(shares)
    targets: list[int | None] = list(indexes) or [None]
    if pod.gpu_fraction is not None:
        memory = int(round(pod.gpu_fraction * gpu_memory_mib)) if gpu_memory_mib else None
        return tuple(GpuShare(index, pod.gpu_fraction, memory, None) for index in targets)
    if pod.gpu_memory_mib is not None:
        fraction = pod.gpu_memory_mib / gpu_memory_mib if gpu_memory_mib else 0.0
        return tuple(GpuShare(index, fraction, pod.gpu_memory_mib, None) for index in targets)
    return ()


def pod_view(pod: PodRow, gpu_memory_mib: int | None, node: NodeRow | None = None) -> Pod:
    """The domain `Pod`; with its node's row, replicas and MIG slices are counted as that node gives them."""
    shares = row_shares(node, pod) if node is not None else pod_shares(pod, gpu_memory_mib)
    return Pod(
        name=pod.name,
        workload_id=pod.workload_id,
        node_name=pod.node_name,
        k8s_phase=pod.phase,
        allocated_gpus=sum(share.fraction for share in shares),
        gpu_indexes=tuple(share.index for share in shares if share.index is not None),
        created_at=pod.created_at,
    )


# ==============================================================================================
# Taint edits (spec.taints has no merge key: a patch sends the whole list)
# ==============================================================================================
def is_drain_taint(raw: Mapping[str, Any]) -> bool:
    return (
        raw.get("key") == DRAIN_TAINT_KEY
        and (raw.get("value") or "") == DRAIN_TAINT_VALUE
        and raw.get("effect") == DRAIN_TAINT_EFFECT
    )


def taints_with_drain(raw_taints: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The full list with the drain taint (added once; every other taint kept as the server sent it)."""
    taints = [dict(taint) for taint in raw_taints]
    if not any(is_drain_taint(taint) for taint in taints):
        taints.append({"key": DRAIN_TAINT_KEY, "value": DRAIN_TAINT_VALUE, "effect": DRAIN_TAINT_EFFECT})
    return taints


def taints_without_drain(raw_taints: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The full list without the drain taint, every other taint kept."""
    return [dict(taint) for taint in raw_taints if not is_drain_taint(taint)]
