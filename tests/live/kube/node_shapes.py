"""Nodes and pods shaped like real GPU clusters' (EKS, GKE, on-prem with the GPU operator), and a small
Kubernetes API on 127.0.0.1 that serves them as they are, for the live backend to read over real HTTP.

Label sets follow what those clusters write (sources beside each builder): GPU Feature Discovery's
`nvidia.com/*` labels (NVIDIA/k8s-device-plugin docs/gpu-feature-discovery/README.md and the GPU Operator
docs), GKE's `cloud.google.com/*` labels and its node-problem-detector conditions, EKS's managed node group
labels. Numbers (CPU, memory, pod limits) are those of the named machine types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer
from console.sim.http.kube import kube_status_body

CREATED = "2026-11-02T08:14:51Z"
HEARTBEAT = "2026-12-05T09:00:00Z"
KUBE_VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.4-eks-2d5f260", "platform": "linux/amd64"}

Obj = dict[str, Any]


def _condition(kind: str, status: str, reason: str, message: str = "") -> Obj:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastHeartbeatTime": HEARTBEAT,
        "lastTransitionTime": CREATED,
    }


KUBELET_CONDITIONS = [
    _condition(
        "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"
    ),
    _condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    _condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    _condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
]
GKE_NPD_CONDITIONS = [
    # node-problem-detector on GKE: all False on a healthy node (kubectl describe node on GKE 1.30).
    _condition(
        "FrequentUnregisterNetDevice",
        "False",
        "NoFrequentUnregisterNetDevice",
        "node is functioning properly",
    ),
    _condition(
        "FrequentKubeletRestart", "False", "NoFrequentKubeletRestart", "kubelet is functioning properly"
    ),
    _condition("FrequentDockerRestart", "False", "NoFrequentDockerRestart", "docker is functioning properly"),
    _condition(
        "FrequentContainerdRestart",
        "False",
        "NoFrequentContainerdRestart",
        "containerd is functioning properly",
    ),
    _condition("KernelDeadlock", "False", "KernelHasNoDeadlock", "kernel has no deadlock"),
    _condition("ReadonlyFilesystem", "False", "FilesystemIsNotReadOnly", "Filesystem is not read-only"),
    _condition(
        "CorruptDockerOverlay2", "False", "NoCorruptDockerOverlay2", "docker overlay2 is functioning properly"
    ),
    _condition("NetworkUnavailable", "False", "RouteCreated", "NodeController create implicit route"),
]


def node(
    name: str,
    labels: dict[str, str],
    *,
    cpu: str,
    memory: str,
    gpus: dict[str, str],
    taints: Sequence[Obj] = (),
    conditions: Sequence[Obj] = KUBELET_CONDITIONS,
    allocatable_cpu: str | None = None,
    allocatable_memory: str | None = None,
    pods: str = "110",
) -> Obj:
    """A Node object as `kubectl get node -o json` prints it (the fields rwc and kubectl read)."""
    capacity = {"cpu": cpu, "memory": memory, "pods": pods, "ephemeral-storage": "209702892Ki", **gpus}
    allocatable = {**capacity, "cpu": allocatable_cpu or cpu, "memory": allocatable_memory or memory}
    return {
        "metadata": {
            "name": name,
            "uid": f"uid-{name}",
            "resourceVersion": "4242",
            "creationTimestamp": CREATED,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                **labels,
            },
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {"taints": list(taints)} if taints else {},
        "status": {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": list(conditions),
            "addresses": [
                {"type": "InternalIP", "address": "10.0.1.23"},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "machineID": "ec2d6f1e9b2a4c0d8e7f6a5b4c3d2e1f",
                "systemUUID": "ec2d6f1e-9b2a-4c0d-8e7f-6a5b4c3d2e1f",
                "bootID": "0b8f3c1e-5d2a-4f6b-9c7e-1a2b3c4d5e6f",
                "kernelVersion": "5.10.228-219.884.amzn2.x86_64",
                "osImage": "Amazon Linux 2",
                "containerRuntimeVersion": "containerd://1.7.23",
                "kubeletVersion": "v1.31.4-eks-aeac579",
                "kubeProxyVersion": "v1.31.4-eks-aeac579",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }


def pod(
    namespace: str,
    name: str,
    node_name: str,
    gpus: dict[str, str],
    *,
    labels: dict[str, str] | None = None,
    owner: tuple[str, str, str] | None = None,
    scheduler: str = "default-scheduler",
    annotations: dict[str, str] | None = None,
    phase: str = "Running",
) -> Obj:
    """A Pod object; `owner` is (kind, name, uid) of its controller."""
    metadata: Obj = {
        "name": name,
        "namespace": namespace,
        "uid": f"uid-{namespace}-{name}",
        "creationTimestamp": "2026-12-05T08:00:00Z",
        "labels": labels or {},
        "annotations": annotations or {},
    }
    if owner is not None:
        kind, owner_name, uid = owner
        metadata["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": kind, "name": owner_name, "uid": uid, "controller": True}
        ]
    return {
        "metadata": metadata,
        "spec": {
            "nodeName": node_name,
            "schedulerName": scheduler,
            "containers": [
                {
                    "name": "main",
                    "image": "nvcr.io/nvidia/pytorch:24.10-py3",
                    "resources": {"requests": {"cpu": "4", "memory": "16Gi", **gpus}, "limits": dict(gpus)},
                }
            ],
        },
        "status": {"phase": phase},
    }


def runai_pod(
    project: str, workload: str, index: int, node_name: str, gpus: dict[str, str], **extra: Any
) -> Obj:
    """A Run:ai workload's pod: `runai-<project>` namespace, Run:ai's labels and scheduler."""
    return pod(
        f"runai-{project}",
        f"{workload}-0-{index}",
        node_name,
        gpus,
        labels={
            "run.ai/top-owner-uid": f"wl-{workload}",
            "workloadName": workload,
            "project": project,
            "runai/queue": project,
        },
        owner=("TrainingWorkload", workload, f"wl-{workload}"),
        scheduler="runai-scheduler",
        **extra,
    )


# ------------------------------------------------------------------------------------------------------
# EKS: a p4d.24xlarge managed node group with only the NVIDIA device plugin (no GFD labels). Labels as an
# EKS managed node group writes them (docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html);
# EKS GPU AMIs taint nothing by default, the node group here taints nvidia.com/gpu as many clusters do.
# ------------------------------------------------------------------------------------------------------
def eks_node(name: str) -> Obj:
    return node(
        name,
        {
            "beta.kubernetes.io/instance-type": "p4d.24xlarge",
            "node.kubernetes.io/instance-type": "p4d.24xlarge",
            "eks.amazonaws.com/nodegroup": "gpu-a100",
            "eks.amazonaws.com/nodegroup-image": "ami-0c7e4b1a2f3d5e6a7",
            "eks.amazonaws.com/capacityType": "ON_DEMAND",
            "eks.amazonaws.com/sourceLaunchTemplateId": "lt-0a1b2c3d4e5f6a7b8",
            "topology.kubernetes.io/region": "us-west-2",
            "topology.kubernetes.io/zone": "us-west-2b",
            "topology.k8s.aws/zone-id": "usw2-az2",
            "k8s.io/cloud-provider-aws": "5a0b9c8d7e6f5a4b3c2d1e0f",
        },
        cpu="96",
        memory="1176508124Ki",
        allocatable_cpu="95690m",
        allocatable_memory="1162713820Ki",
        pods="737",
        gpus={"nvidia.com/gpu": "8"},
        taints=[{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}],
    )


EKS_NODES = [
    eks_node("ip-10-0-1-23.us-west-2.compute.internal"),
    eks_node("ip-10-0-1-57.us-west-2.compute.internal"),
]
EKS_PODS = [
    runai_pod(
        "vision", "train-resnet", 0, "ip-10-0-1-23.us-west-2.compute.internal", {"nvidia.com/gpu": "4"}
    ),
    # Not a Run:ai workload: a Triton Deployment's pod, default scheduler, no Run:ai labels.
    pod(
        "ml-infra",
        "triton-5c8d7b9f4-q2xkz",
        "ip-10-0-1-23.us-west-2.compute.internal",
        {"nvidia.com/gpu": "2"},
        labels={"app": "triton", "pod-template-hash": "5c8d7b9f4"},
        owner=("ReplicaSet", "triton-5c8d7b9f4", "rs-9f1e"),
    ),
]


# ------------------------------------------------------------------------------------------------------
# GKE: an a2-highgpu-8g pool with GPU time-sharing, 2 clients per GPU (GKE docs "Share GPUs with multiple
# workloads using GPU time-sharing": the node advertises 8 x 2 = 16 nvidia.com/gpu; no GFD labels, the
# accelerator named by cloud.google.com/gke-accelerator), GKE's nvidia.com/gpu=present:NoSchedule taint and
# node-problem-detector's conditions.
# ------------------------------------------------------------------------------------------------------
def gke_node(name: str) -> Obj:
    return node(
        name,
        {
            "cloud.google.com/gke-accelerator": "nvidia-tesla-a100",
            "cloud.google.com/gke-gpu": "true",
            "cloud.google.com/gke-gpu-sharing-strategy": "time-sharing",
            "cloud.google.com/gke-max-shared-clients-per-gpu": "2",
            "cloud.google.com/gke-gpu-driver-version": "default",
            "cloud.google.com/gke-nodepool": "a100-pool",
            "cloud.google.com/gke-boot-disk": "pd-balanced",
            "cloud.google.com/gke-container-runtime": "containerd",
            "cloud.google.com/gke-os-distribution": "cos",
            "cloud.google.com/machine-family": "a2",
            "cloud.google.com/private-node": "false",
            "node.kubernetes.io/instance-type": "a2-highgpu-8g",
            "topology.kubernetes.io/region": "us-central1",
            "topology.kubernetes.io/zone": "us-central1-c",
        },
        cpu="96",
        memory="693209360Ki",
        allocatable_cpu="95690m",
        allocatable_memory="680018192Ki",
        gpus={"nvidia.com/gpu": "16"},
        taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
        conditions=[*GKE_NPD_CONDITIONS, *KUBELET_CONDITIONS],
    )


GKE_X9K2 = "gke-ml-a100-pool-1-6f1c2a3b-x9k2"
GKE_B7M4 = "gke-ml-a100-pool-1-6f1c2a3b-b7m4"
GKE_NODES = [gke_node(GKE_X9K2), gke_node(GKE_B7M4)]
GKE_PODS = [
    pod(
        "serving",
        f"llm-7d9f6c5b8-{suffix}",
        GKE_X9K2,
        {"nvidia.com/gpu": "1"},
        labels={"app": "llm"},
        owner=("ReplicaSet", "llm-7d9f6c5b8", "rs-llm"),
    )
    for suffix in ("4kq2n", "8xv7c", "m2p9d")
]


# ------------------------------------------------------------------------------------------------------
# On-prem DGX A100 with the GPU operator and time-slicing, 4 replicas (GFD: gpu.count stays 8, gpu.replicas
# 4, gpu.sharing-strategy time-slicing, product with -SHARED; the device plugin advertises 32).
# ------------------------------------------------------------------------------------------------------
GFD_COMMON = {
    "feature.node.kubernetes.io/pci-10de.present": "true",
    "nvidia.com/gpu.present": "true",
    "nvidia.com/gpu.family": "ampere",
    "nvidia.com/gpu.compute.major": "8",
    "nvidia.com/gpu.compute.minor": "0",
    "nvidia.com/cuda.driver.major": "550",
    "nvidia.com/cuda.driver.minor": "127",
    "nvidia.com/cuda.driver.rev": "08",
    "nvidia.com/cuda.runtime.major": "12",
    "nvidia.com/cuda.runtime.minor": "4",
    "nvidia.com/gfd.timestamp": "1733300000",
    "nvidia.com/mig.capable": "true",
    "node-role.kubernetes.io/runai-gpu-worker": "true",
}
SLICED = "dgx-a100-07"
SLICED_NODES = [
    node(
        SLICED,
        {
            **GFD_COMMON,
            "nvidia.com/gpu.machine": "DGXA100-920-23687-2530-000",
            "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB-SHARED",
            "nvidia.com/gpu.count": "8",
            "nvidia.com/gpu.memory": "81920",
            "nvidia.com/gpu.replicas": "4",
            "nvidia.com/gpu.sharing-strategy": "time-slicing",
            "nvidia.com/mig.strategy": "none",
        },
        cpu="256",
        memory="2113389088Ki",
        gpus={"nvidia.com/gpu": "32"},
    )
]
SLICED_PODS = [runai_pod("team-a", "notebook", index, SLICED, {"nvidia.com/gpu": "1"}) for index in range(10)]


# ------------------------------------------------------------------------------------------------------
# MIG single: a DGX H100, every GPU cut into 7 x 1g.10gb (GPU Operator docs "GPU Operator with MIG": product
# NVIDIA-H100-80GB-HBM3-MIG-1g.10gb, gpu.count = MIG devices, gpu.memory = one device's).
# ------------------------------------------------------------------------------------------------------
MIG_SINGLE = "dgx-h100-02"
MIG_SINGLE_NODES = [
    node(
        MIG_SINGLE,
        {
            **GFD_COMMON,
            "nvidia.com/gpu.family": "hopper",
            "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb",
            "nvidia.com/gpu.count": "56",
            "nvidia.com/gpu.memory": "9856",
            "nvidia.com/gpu.multiprocessors": "16",
            "nvidia.com/gpu.slices.gi": "1",
            "nvidia.com/gpu.slices.ci": "1",
            "nvidia.com/gpu.replicas": "1",
            "nvidia.com/gpu.sharing-strategy": "none",
            "nvidia.com/mig.config": "all-1g.10gb",
            "nvidia.com/mig.config.state": "success",
            "nvidia.com/mig.strategy": "single",
        },
        cpu="224",
        memory="2113389088Ki",
        gpus={"nvidia.com/gpu": "56"},
    )
]
MIG_SINGLE_PODS = [
    runai_pod("nlp", "infer-bert", index, MIG_SINGLE, {"nvidia.com/gpu": "1"}) for index in range(9)
]


# ------------------------------------------------------------------------------------------------------
# MIG mixed: a DGX A100 (40 GB) with 4 GPUs whole and 4 cut (2 x 7 x 1g.5gb, 2 x 2 x 3g.20gb); GFD's
# per-profile count labels and the nvidia.com/mig-<profile> resources (GFD README, "MIG 'mixed' strategy").
# ------------------------------------------------------------------------------------------------------
MIG_MIXED = "dgx-a100-03"
MIG_MIXED_NODES = [
    node(
        MIG_MIXED,
        {
            **GFD_COMMON,
            "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB",
            "nvidia.com/gpu.count": "8",
            "nvidia.com/gpu.memory": "40960",
            "nvidia.com/gpu.replicas": "1",
            "nvidia.com/mig.strategy": "mixed",
            "nvidia.com/mig-1g.5gb.count": "14",
            "nvidia.com/mig-1g.5gb.memory": "4864",
            "nvidia.com/mig-3g.20gb.count": "4",
            "nvidia.com/mig-3g.20gb.memory": "19968",
        },
        cpu="256",
        memory="1056453536Ki",
        gpus={"nvidia.com/gpu": "4", "nvidia.com/mig-1g.5gb": "14", "nvidia.com/mig-3g.20gb": "4"},
    )
]
MIG_MIXED_PODS = [
    *(runai_pod("nlp", "tokenize", index, MIG_MIXED, {"nvidia.com/mig-1g.5gb": "1"}) for index in range(3)),
    runai_pod("nlp", "finetune", 0, MIG_MIXED, {"nvidia.com/mig-3g.20gb": "1"}),
    runai_pod("vision", "detect", 0, MIG_MIXED, {"nvidia.com/gpu": "2"}),
]


# ------------------------------------------------------------------------------------------------------
# Labels that are garbage: what a typo'd or hostile labeller leaves. Each bad field shows as unknown.
# ------------------------------------------------------------------------------------------------------
GARBAGE = "gpu-node-garbage"
GARBAGE_NODES = [
    node(
        GARBAGE,
        {
            "nvidia.com/gpu.count": "NaN",
            "nvidia.com/gpu.memory": "1e400",
            "nvidia.com/gpu.replicas": "-4",
            "nvidia.com/gpu.product": "",
            "cloud.google.com/gke-max-shared-clients-per-gpu": "99999999999999999999",
        },
        cpu="32",
        memory="262144000Ki",
        gpus={"nvidia.com/gpu": "4"},
    ),
    node(
        "gpu-node-absurd",
        {"nvidia.com/gpu.count": "100000000"},
        cpu="8",
        memory="64Gi",
        gpus={"nvidia.com/gpu": "1e18"},
    ),
]

ALL_NODES = [*EKS_NODES, *GKE_NODES, *SLICED_NODES, *MIG_SINGLE_NODES, *MIG_MIXED_NODES, *GARBAGE_NODES]
ALL_PODS = [*EKS_PODS, *GKE_PODS, *SLICED_PODS, *MIG_SINGLE_PODS, *MIG_MIXED_PODS]


# ------------------------------------------------------------------------------------------------------
# A Kubernetes API that serves these objects as they are
# ------------------------------------------------------------------------------------------------------
def _field_matches(obj: Obj, selector: str | None) -> bool:
    """`spec.nodeName=x,status.phase!=Succeeded`: the field selectors rwc sends."""
    for term in (selector or "").split(","):
        if not term:
            continue
        negate = "!=" in term
        key, _, value = term.partition("!=" if negate else "=")
        value = value.lstrip("=")
        actual: Any = obj
        for part in key.split("."):
            actual = actual.get(part, "") if isinstance(actual, dict) else ""
        if (actual == value) == negate:
            return False
    return True


@dataclass
class RecordedCluster:
    """Nodes and pods served read-only over the Kubernetes API paths rwc reads (lists in one page)."""

    nodes: list[Obj]
    pods: list[Obj]
    requests: list[str] = field(default_factory=list)

    def router(self) -> Router:
        router = Router()
        router.add("GET", "/version", self._version)
        router.add("GET", "/version/", self._version)
        router.add("GET", "/api/v1/nodes", self._list(lambda: self.nodes, "NodeList"))
        router.add("GET", "/api/v1/nodes/{name}", self._node)
        router.add("GET", "/api/v1/pods", self._list(lambda: self.pods, "PodList"))
        router.add("GET", "/api/v1/namespaces/{namespace}/pods", self._namespaced_pods)
        return router

    def server(self) -> SimHttpServer:
        return SimHttpServer("recorded-kube", self.router(), kube_status_body)

    @staticmethod
    def _version(request: Request) -> Response:
        return Response.json(200, KUBE_VERSION)

    def _list(self, items: Callable[[], Iterable[Obj]], kind: str) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            self.requests.append(f"{request.path}?{request.param('fieldSelector') or ''}")
            chosen = [item for item in items() if _field_matches(item, request.param("fieldSelector"))]
            body = {
                "kind": kind,
                "apiVersion": "v1",
                "metadata": {"resourceVersion": "4242"},
                "items": chosen,
            }
            return Response(200, json.dumps(body).encode())

        return answer

    def _node(self, request: Request) -> Response:
        name = request.path_params["name"]
        found = next((item for item in self.nodes if item["metadata"]["name"] == name), None)
        if found is None:
            raise HttpError(
                404, f'nodes "{name}" not found', extra={"details": {"name": name, "kind": "nodes"}}
            )
        return Response.json(200, {"kind": "Node", "apiVersion": "v1", **found})

    def _namespaced_pods(self, request: Request) -> Response:
        namespace = request.path_params["namespace"]
        chosen = [item for item in self.pods if item["metadata"]["namespace"] == namespace]
        return self._list(lambda: chosen, "PodList")(request)
