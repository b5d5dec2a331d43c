"""Nodes and node pools (`/api/v1/nodes`, `/api/v1/node-pools`), both sides.

The Run:ai node carries no readings: they come from node telemetry (`NODE_TELEMETRY`), and one the
server did not send, or sent as something other than a finite number, shows as 0 [UNSURE] (the domain has
no unknown there). Its conditions have no `status` (reference §5.2): it is read from the kubelet's reason
strings. A cordon shows as the Kubernetes taint `node.kubernetes.io/unschedulable:NoSchedule`
(`CORDON_TAINT`); it becomes `Node.unschedulable` and is left out of `Node.taints`, as the domain keeps it
apart. A node pool's GPU model and count come from its nodes, which the pool object does not carry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from console.model.enums import NodeRole, NodeStatus
from console.model.runai import ClusterInfo, Node, NodeCondition, NodePool, Taint
from console.wire.runai.fields import (
    _count,
    _enum,
    _keyed,
    _list,
    _mapping,
    _obj,
    _str,
    _time,
    iso,
    parse_items,
)
from console.wire.runai.org_units import DEFAULT_POOL
from console.wire.runai.tenant import CREATED_BY, TENANT_ID

CORDON_TAINT_KEY = "node.kubernetes.io/unschedulable"

CORDON_TAINT: dict[str, str] = {"key": CORDON_TAINT_KEY, "effect": "NoSchedule"}
"""Kubernetes taints a cordoned node with this (TaintNodesByCondition) and Run:ai lists node taints, so a
cordon shows through the Run:ai API as this taint; the node object has no `unschedulable` field."""

_CONDITION_STATUS: dict[str, str] = {
    "KubeletReady": "True",
    "KubeletNotReady": "False",
    "NodeStatusUnknown": "Unknown",
    "KubeletHasSufficientMemory": "False",
    "KubeletHasInsufficientMemory": "True",
    "KubeletHasNoDiskPressure": "False",
    "KubeletHasDiskPressure": "True",
    "KubeletHasSufficientPID": "False",
    "KubeletHasInsufficientPID": "True",
}
"""Kubelet condition reasons and the condition status each one implies (Kubernetes' own strings)."""

NODE_TELEMETRY = (
    "ALLOCATED_GPUS",
    "TOTAL_CPU_CORES",
    "ALLOCATED_CPU_CORES",
    "TOTAL_CPU_MEMORY_BYTES",
    "ALLOCATED_CPU_MEMORY_BYTES",
)
"""What `nodes()` asks `/api/v1/nodes/telemetry` for, grouped by node: the node object has none of it."""


# -- reading an answer -----------------------------------------------------------------------------
def _gpu_info(obj: Mapping[str, Any]) -> tuple[int, str | None]:
    """(GPU count, GPU model) of a node's optional, nullable `gpuInfo`; (0, None) when it says nothing."""
    info = _mapping(obj.get("gpuInfo"))
    count = _count(info, "gpuCount")
    model = _str(info, "gpuType", "node gpuInfo", default="") or None
    return count, model if count else None


def parse_node(item: Any, telemetry: Mapping[str, Mapping[str, float]]) -> Node:
    """A `Node`; `telemetry` maps a NODE_TELEMETRY type to {node name: value}."""
    obj = _obj(item, "node")
    name = _str(obj, "name", "node")
    status = _enum(NodeStatus, obj.get("status"), NodeStatus.UNKNOWN)
    taints = []
    cordoned = False
    for key, taint in _keyed(_list(obj, "taints", "node"), "key", "node taint"):
        if key == CORDON_TAINT_KEY:
            cordoned = True
            continue
        value = _str(taint, "value", "node taint", default="")
        taints.append(Taint(key=key, value=value, effect=_str(taint, "effect", "node taint", default="")))
    conditions = []
    for kind, condition in _keyed(_list(obj, "conditions", "node"), "type", "node condition"):
        reason = _str(condition, "reason", "node condition", default="")
        implied = _CONDITION_STATUS.get(reason)
        if implied is None:
            implied = ("True" if status is NodeStatus.READY else "Unknown") if kind == "Ready" else "Unknown"
        conditions.append(
            NodeCondition(kind, implied, reason, _str(condition, "message", "node condition", default=""))
        )
    gpu_count, gpu_model = _gpu_info(obj)

    def reading(kind: str) -> float:
        """[UNSURE] a reading the server did not send, or sent unreadably (logged by `parse_telemetry`),
        shows as 0: the domain has no unknown here."""
        return _finite_or_zero(telemetry.get(kind, {}).get(name, 0.0))

    return Node(
        name=name,
        node_pool=_str(obj, "nodePool", "node", default=""),
        # The Run:ai node says nothing of system nodes; only the Kubernetes labels would.
        role=NodeRole.GPU_WORKER if gpu_count else NodeRole.CPU_WORKER,
        status=status,
        conditions=tuple(conditions),
        taints=tuple(taints),
        unschedulable=cordoned,
        gpu_model=gpu_model,
        gpu_count=gpu_count,
        allocated_gpus=reading("ALLOCATED_GPUS"),
        cpu_millicores=_whole(reading("TOTAL_CPU_CORES") * 1000),
        allocated_cpu_millicores=_whole(reading("ALLOCATED_CPU_CORES") * 1000),
        memory_bytes=_whole(reading("TOTAL_CPU_MEMORY_BYTES")),
        allocated_memory_bytes=_whole(reading("ALLOCATED_CPU_MEMORY_BYTES")),
        created_at=_time(obj, "createdAt", "node"),
    )


def _whole(value: float) -> int:
    """A reading as a whole number; a product that overflowed to infinity, or a negative one, is 0."""
    return round(value) if math.isfinite(value) and value > 0 else 0


def _finite_or_zero(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else 0.0


def parse_nodes(items: Iterable[Any], telemetry: Mapping[str, Mapping[str, float]]) -> list[Node]:
    return parse_items(items, lambda item: parse_node(item, telemetry), "node")


def parse_node_pool(item: Any, nodes: Sequence[Any], allocated: Mapping[str, float]) -> NodePool:
    """A `NodePool`; the GPU model and count come from the raw `nodes` (the pool object has neither), the
    allocated GPUs from ALLOCATED_GPUS telemetry grouped by node pool. Nodes that cannot be read (no
    name) are not counted here; the node list says so."""
    obj = _obj(item, "node pool")
    name = _str(obj, "name", "node pool")
    status = _mapping(obj.get("status"))
    members = [
        node
        for node in nodes
        if isinstance(node, Mapping)
        and node.get("nodePool") == name
        and _str(node, "name", "node", default="")
    ]
    listed = status.get("nodes")
    if isinstance(listed, list) and all(isinstance(node, str) for node in listed):
        order = {node_name: index for index, node_name in enumerate(listed)}
        members.sort(key=lambda node: order.get(_str(node, "name", "node"), len(order)))
        node_names = tuple(listed)
    else:
        node_names = tuple(_str(node, "name", "node") for node in members)
    gpu_model = None
    total = 0
    for node in members:
        count, model = _gpu_info(node)
        total += count
        gpu_model = gpu_model or model
    scheduling = _mapping(obj.get("schedulingConfiguration"))
    placement = scheduling.get("placementStrategy")
    if not isinstance(placement, Mapping):
        placement = obj.get("placementStrategy")  # deprecated top-level copy
    strategy = _str(_mapping(placement), "gpu", "node pool placementStrategy", default="")
    return NodePool(
        id=_str(obj, "id", "node pool"),
        name=name,
        label_key=_str(obj, "labelKey", "node pool", default=""),
        label_value=_str(obj, "labelValue", "node pool", default=""),
        phase=_str(obj, "phase", "node pool", default="Unknown"),
        gpu_model=gpu_model,
        node_names=node_names,
        total_gpus=total,
        allocated_gpus=_finite_or_zero(allocated.get(name, 0.0)),
        placement_strategy=strategy or "binpack",
    )


def parse_node_pools(
    items: Iterable[Any], nodes: Sequence[Any], allocated: Mapping[str, float]
) -> list[NodePool]:
    return parse_items(items, lambda item: parse_node_pool(item, nodes, allocated), "node pool")


def pool_ids(items: Iterable[Any]) -> dict[str, str]:
    """{node pool name: id} of a node-pool list's readable entries (quota edits send pools by id)."""

    def name_and_id(item: Any) -> tuple[str, str]:
        obj = _obj(item, "node pool")
        return _str(obj, "name", "node pool"), _str(obj, "id", "node pool")

    return dict(parse_items(items, name_and_id, "node pool"))


# -- writing an answer (the simulator's face) ------------------------------------------------------
def node_pool_json(pool: NodePool, cluster: ClusterInfo, created_at: datetime) -> dict[str, Any]:
    created = iso(created_at)
    placement = {"gpu": pool.placement_strategy, "cpu": pool.placement_strategy}
    return {
        "id": pool.id,
        "name": pool.name,
        "labelKey": pool.label_key,
        "labelValue": pool.label_value,
        "clusterId": cluster.uuid,
        "clusterName": cluster.name,
        "tenantId": TENANT_ID,
        "isDefault": pool.name == DEFAULT_POOL,
        "phase": pool.phase,
        "phaseMessage": "",
        "status": {"nodes": list(pool.node_names), "conditions": []},
        "schedulingConfiguration": {"placementStrategy": placement, "minGuaranteedRuntime": None},
        "gpuNetworkAccelerationDetection": "Auto",
        "createdBy": CREATED_BY,
        "createdAt": created,
        "updatedBy": CREATED_BY,
        "updatedAt": created,
    }


def node_json(node: Node, node_id: str, cluster_id: str, updated_at: datetime) -> dict[str, Any]:
    """A node; a cordon is written as `CORDON_TAINT` (`parse_node` reads it back as `unschedulable`)."""
    taints: list[dict[str, Any]] = [
        {"key": taint.key, "value": taint.value, "effect": taint.effect} for taint in node.taints
    ]
    if node.unschedulable:
        taints.append(dict(CORDON_TAINT))
    return {
        "id": node_id,
        "name": node.name,
        "clusterUuid": cluster_id,
        "status": node.status.value,
        # The API's conditions carry no `status` (reference §5.2); the reason says it.
        "conditions": [
            {"type": condition.type, "reason": condition.reason, "message": condition.message}
            for condition in node.conditions
        ],
        "taints": taints,
        "nodePool": node.node_pool,
        "gpuInfo": {"gpuType": node.gpu_model, "gpuCount": node.gpu_count} if node.gpu_count else None,
        "nvLinkDomainUid": None,
        "nvLinkCliqueId": None,
        "createdAt": iso(node.created_at),
        "updatedAt": iso(updated_at),
    }
