"""Kubernetes Node objects -> `NodeRow`, the slim row rwc keeps of each: its pool, role, status, taints,
CPU, memory and GPUs.

Why slim rows: reading raw JSON instead of the `kubernetes` client's pydantic models is ~8x faster on big
lists (reference/kubernetes.md §10), and a row holds only what the console shows, so a cluster of thousands
of nodes stays cheap to hold. What the node's GPUs are is `console.wire.kube_gpus`'s reading; the domain
`Node` (with its pods' allocations) is made in `console.wire.kube`, which re-exports all of this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.data.unreadable import readable_items
from console.model.enums import NodeRole, NodeStatus
from console.model.runai import NodeCondition, Taint
from console.wire import common
from console.wire.kube_fields import (
    allocatable,
    as_list,
    as_mapping,
    as_string,
    cpu_millicores,
    memory_bytes,
    parse_time,
)
from console.wire.kube_gpus import gpu_shape, mig_enabled
from console.wire.kube_names import (
    DEFAULT_NODE_POOL,
    DEFAULT_NODE_POOL_LABEL,
    ROLE_CPU_WORKER_LABEL,
    ROLE_GPU_WORKER_LABEL,
    ROLE_SYSTEM_LABELS,
)


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


def parse_node(obj: Mapping[str, Any], resolve_pool: PoolResolver) -> NodeRow:
    metadata = as_mapping(obj.get("metadata"), "node metadata")
    name = as_string(metadata.get("name"), "node metadata.name")
    where = f"node {name}"
    labels = {str(k): str(v) for k, v in as_mapping(metadata.get("labels"), f"{where} labels").items()}
    spec = as_mapping(obj.get("spec"), f"{where} spec")
    status = as_mapping(obj.get("status"), f"{where} status")

    conditions = []
    for raw in as_list(status.get("conditions"), f"{where} status.conditions"):
        item = as_mapping(raw, f"{where} condition")
        conditions.append(
            NodeCondition(
                type=as_string(item.get("type"), f"{where} condition type"),
                status=as_string(item.get("status"), f"{where} condition status"),
                reason=as_string(item.get("reason"), f"{where} condition reason", required=False),
                message=as_string(item.get("message"), f"{where} condition message", required=False),
                # An unreadable transition time is not worth the node: the detail then says "—".
                since=common.parse_rfc3339(item.get("lastTransitionTime")),
            )
        )
    raw_taints = []
    taints = []
    for raw in as_list(spec.get("taints"), f"{where} spec.taints"):
        item = dict(as_mapping(raw, f"{where} taint"))
        taints.append(
            Taint(
                key=as_string(item.get("key"), f"{where} taint key"),
                value=as_string(item.get("value"), f"{where} taint value", required=False),
                effect=as_string(item.get("effect"), f"{where} taint effect"),
            )
        )
        raw_taints.append(item)

    shape = gpu_shape(labels, status)
    gpu_count = shape.count
    cpu = allocatable(status, "cpu")
    memory = allocatable(status, "memory")
    return NodeRow(
        name=name,
        resource_version=as_string(
            metadata.get("resourceVersion"), f"{where} resourceVersion", required=False
        ),
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
        mig_enabled=mig_enabled(shape, labels),
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
        items, lambda item, _index: parse_node(as_mapping(item, "node"), resolve_pool), "node"
    )
