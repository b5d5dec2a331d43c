"""The Kubernetes side of rwc on the wire: label/annotation names, and parsers from JSON to domain objects.

Two jobs, both free of the `kubernetes` package (these modules import only the standard library and
`console.model`/`console.data`, so they are cheap and their parsers are plain functions over `json.loads`
output):

1. **Names** (`console.wire.kube_names`). Which node labels, pod labels and pod annotations carry Run:ai's
   view of the cluster. Several are unsure in reference/kubernetes.md §11-12 and reference/runai.md §9; each
   constant says where it comes from and how sure we are. This is the one place those choices are made: the
   simulator's Kubernetes face (`console/sim/http/kube.py`) imports these names to write what `KubeClient`
   reads.
2. **Parsers.** List bodies -> slim rows (`NodeRow` in `kube_nodes`, with its GPUs read by `kube_gpus`;
   `PodRow` in `kube_pods`; field reads in `kube_fields`) -> `Node`, `GpuDevice`, `Pod` (here). Reading raw
   JSON instead of the client's pydantic models is ~8x faster on big lists (reference §10), and a missing or
   mistyped field becomes `BadResponse` naming it, instead of a `pydantic_core.ValidationError`.

This module joins nodes to the pods on them (the domain views) and edits a node's taints; it re-exports the
names and parsers of its siblings, so `from console.wire import kube as wire` reaches all of them.

What the Kubernetes API cannot carry is left as None (or empty) rather than guessed: GPU utilisation,
temperature, power and used memory (DCGM/NVML, not the API), and GPU UUIDs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from console.model.runai import GpuAllocation, GpuDevice, Node, NodePod, Pod
from console.wire import kube_names
from console.wire.kube_fields import (
    QUANTITY_LIMIT,
    cpu_millicores,
    list_items,
    memory_bytes,
    parse_quantity,
    parse_time,
)
from console.wire.kube_gpus import GpuShape, gpu_shape
from console.wire.kube_names import *  # noqa: F403 (every name, listed in kube_names.__all__)
from console.wire.kube_names import DRAIN_TAINT_EFFECT, DRAIN_TAINT_KEY, DRAIN_TAINT_VALUE
from console.wire.kube_nodes import NodeRow, PoolResolver, parse_node, parse_nodes, pool_resolver
from console.wire.kube_pods import GpuShare, PodRow, parse_pod, parse_pods, pod_shares

__all__ = [
    "NodeRow",
    "PodRow",
    "GpuShare",
    "QUANTITY_LIMIT",
    "parse_quantity",
    "cpu_millicores",
    "memory_bytes",
    "parse_time",
    "list_items",
    "PoolResolver",
    "pool_resolver",
    "GpuShape",
    "gpu_shape",
    "parse_node",
    "parse_nodes",
    "row_shares",
    "node_view",
    "gpu_views",
    "parse_pod",
    "parse_pods",
    "pod_shares",
    "pod_view",
    "node_pod_view",
    "is_drain_taint",
    "taints_with_drain",
    "taints_without_drain",
]
__all__ += kube_names.__all__


# ==============================================================================================
# Domain views: a node joined to the pods on it
# ==============================================================================================
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
        status=pod.waiting_reason,
        restarts=pod.restarts,
    )


def node_pod_view(pod: PodRow, node: NodeRow | None) -> NodePod:
    """The domain `NodePod` (a node detail's row); with its node's row, replicas and MIG slices are counted
    as that node gives them (without it, as whole GPUs)."""
    shares = row_shares(node, pod) if node is not None else pod_shares(pod, None)
    return NodePod(
        name=pod.name,
        namespace=pod.namespace,
        phase=pod.phase,
        workload_id=pod.workload_id,
        workload_name=pod.workload_name if pod.is_runai else "",
        project_name=pod.project_name,
        is_runai=pod.is_runai,
        status=pod.waiting_reason,
        restarts=pod.restarts,
        gpus=sum(share.fraction for share in shares),
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
