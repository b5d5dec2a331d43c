"""Run:ai `/api/v1` JSON <-> `console.model` objects, with no I/O: what `RunaiClient` reads and sends.

Kept apart from the client so that every interpretation of the wire (which field means what, what a
missing value defaults to, where the reference is unsure) sits in one file that tests can read without a
server. Parsers raise `BadResponse` (service "runai") naming the field when a field the domain needs is
missing or has the wrong type; enum values the domain does not know become the enum's "unknown" member
instead of failing, so a newer control plane with a new phase still shows its workloads.

Choices where reference/runai.md is unsure, each made here once:

- `limit` of `null` means unlimited (-1), like `-1` (§3.3 [UNSURE]); rwc always sends -1 for "no limit".
- Workload `type` (§4.3 [UNSURE]): the native names `Training`, `Workspace`, `Distributed`, `Inference`
  (any case, with or without a `Workload` suffix, and the spec example `runai-job` as Training); anything
  else by its `category` (Train/Build/Deploy), else Training.
- Node conditions have no `status` on the wire (§5.2): it is read from the kubelet's reason strings.
- A cordon shows as the Kubernetes taint `node.kubernetes.io/unschedulable:NoSchedule`; it becomes
  `Node.unschedulable` and is left out of `Node.taints`, as the domain keeps it apart.
- Role (Identity): admin when an access rule of the caller grants an administrator role on the system,
  tenant or cluster scope; a researcher otherwise. The user is the token's `email` claim (then
  `preferred_username`, then `sub`).
- Telemetry groups (§6): matched by `key` without case; a node or node pool by its `name`, else `value`.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from console.data.errors import BadResponse, NotFound
from console.model.identity import Identity, Role
from console.model.runai import (
    UNLIMITED,
    ClusterInfo,
    Department,
    GpuRequest,
    GpuRequestKind,
    Node,
    NodeCondition,
    NodePool,
    NodeRole,
    NodeStatus,
    PhaseReason,
    Pod,
    PoolQuota,
    Project,
    ProjectPhase,
    Taint,
    Workload,
    WorkloadEvent,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)

SERVICE = "runai"

CORDON_TAINT_KEY = "node.kubernetes.io/unschedulable"

RUNNING_PHASES = (WorkloadPhase.RUNNING.value, WorkloadPhase.DEGRADED.value)
"""Phases a project's `running_workloads` counts (its containers run), as the simulator counts them."""
PENDING_PHASES = (WorkloadPhase.PENDING.value,)

SEGMENTS: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "trainings",
    WorkloadType.WORKSPACE: "workspaces",
    WorkloadType.DISTRIBUTED: "distributed",
    WorkloadType.INFERENCE: "inferences",
}
"""`/api/v1/workloads/<segment>` for submit, suspend, resume and delete of each type."""

SUSPENDABLE = frozenset({WorkloadType.TRAINING, WorkloadType.WORKSPACE, WorkloadType.DISTRIBUTED})
"""Inferences have no suspend/resume endpoint in the spec (reference §4.1)."""

DISTRIBUTED_FRAMEWORK = "PyTorch"
"""What rwc submits distributed work as; the domain has no framework choice."""

_WORKLOAD_TYPES: dict[str, WorkloadType] = {
    "training": WorkloadType.TRAINING,
    "trainingworkload": WorkloadType.TRAINING,
    "runai-job": WorkloadType.TRAINING,
    "workspace": WorkloadType.WORKSPACE,
    "interactiveworkload": WorkloadType.WORKSPACE,
    "distributed": WorkloadType.DISTRIBUTED,
    "distributedworkload": WorkloadType.DISTRIBUTED,
    "inference": WorkloadType.INFERENCE,
    "inferenceworkload": WorkloadType.INFERENCE,
}
_CATEGORY_TYPES: dict[str, WorkloadType] = {
    "train": WorkloadType.TRAINING,
    "build": WorkloadType.WORKSPACE,
    "deploy": WorkloadType.INFERENCE,
}

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

DEFAULT_WEIGHT = PoolQuota("", 0.0).over_quota_weight
"""A quota whose over-quota weight is `null` or missing has the default weight (as the simulator's face)."""

ADMIN_SCOPES = frozenset({"system", "tenant", "cluster"})

FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("projectId", "project_name"),
    ("spec.image", "image"),
    ("spec.compute", "gpu"),
    ("spec.nodePools", "node_pools"),
    ("spec.numWorkers", "workers"),
    ("spec.command", "command"),
    ("spec.args", "arguments"),
    ("spec.preemptibility", "preemptible"),
)
"""A submission's `complianceIssues[].field` (a wire path, prefix-matched) as the form field it concerns."""


# ====================================================================================================
# field access
# ====================================================================================================
def _bad(message: str) -> BadResponse:
    return BadResponse(message, service=SERVICE)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(f"Expected an object for {where}, got {type(value).__name__}.")
    return value


def _field(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    return obj[key]


def _str(obj: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    value = obj.get(key)
    if value is None:
        if default is not None:
            return default
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # ids were integers on the legacy API; treat every id as an opaque string
    if not isinstance(value, str):
        raise _bad(f"The Run:ai {where} field {key!r} is not a string.")
    return value


def _num(obj: Mapping[str, Any] | None, key: str, where: str, *, default: float | None = None) -> float:
    value = obj.get(key) if obj is not None else None
    if value is None:
        if default is not None:
            return default
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(value)  # telemetry and metrics send numbers as strings
        except (TypeError, ValueError):
            raise _bad(f"The Run:ai {where} field {key!r} is not a number.") from None
    return value


def _list(obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[Any]:
    value = obj.get(key)
    if value is None:
        if required:
            raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
        return []
    if not isinstance(value, list):
        raise _bad(f"The Run:ai {where} field {key!r} is not an array.")
    return value


def parse_datetime(value: Any, where: str) -> datetime:
    """An ISO 8601 / RFC 3339 timestamp (`Z` or an offset; a naive one is taken as UTC)."""
    if not isinstance(value, str):
        raise _bad(f"The Run:ai {where} is not a timestamp.")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(f"The Run:ai {where} is not a timestamp: {value[:40]!r}.") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _time(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    return parse_datetime(_field(obj, key, where), f"{where} field {key!r}")


def _optional_time(obj: Mapping[str, Any], key: str, where: str) -> datetime | None:
    value = obj.get(key)
    return None if value is None else parse_datetime(value, f"{where} field {key!r}")


def memory_mib(quantity: Any, where: str) -> int:
    """A Kubernetes quantity (`8192Mi`, `10G`, `2Gi`, bytes) in MiB, rounded up."""
    found = re.fullmatch(r"\+?([0-9.]+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?", str(quantity).strip())
    if not found:
        raise _bad(f"The Run:ai {where} is not a memory quantity: {str(quantity)[:40]!r}.")
    factor = {None: 1, "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    factor |= {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return math.ceil(float(found[1]) * factor[found[2]] / 2**20)


# ====================================================================================================
# tokens and identity
# ====================================================================================================
def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, read without checking the signature (only for `exp` and the user's name)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def user_from_claims(claims: Mapping[str, Any], fallback: str) -> str:
    for key in ("email", "preferred_username", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value
    return fallback


def is_admin(access_rules: Iterable[Any]) -> bool:
    """Whether any of the caller's access rules grants an administrator role on a system-wide scope."""
    for rule in access_rules:
        if not isinstance(rule, Mapping):
            continue
        scope = str(rule.get("scopeType") or "").lower()
        role = str(rule.get("roleName") or "").lower()
        if scope in ADMIN_SCOPES and "admin" in role:
            return True
    return False


def access_rules_of(body: Any) -> list[Any]:
    """The rule list of `GET /api/v1/authorization/me/access-rules`."""
    outer = _obj(_field(_obj(body, "access rules"), "accessRules", "access-rules response"), "accessRules")
    return _list(outer, "accessRules", "access-rules response", required=True)


def identity_from(user: str, admin: bool, visible_projects: Sequence[str]) -> Identity:
    if admin:
        return Identity(user=user, role=Role.ADMIN)
    return Identity(user=user, role=Role.RESEARCHER, project_names=tuple(visible_projects))


# ====================================================================================================
# clusters
# ====================================================================================================
def parse_cluster(item: Any) -> ClusterInfo:
    obj = _obj(item, "cluster")
    status = obj.get("status")
    state = status.get("state") if isinstance(status, Mapping) else None
    return ClusterInfo(
        uuid=_str(obj, "uuid", "cluster"),
        name=_str(obj, "name", "cluster"),
        version=_str(obj, "version", "cluster", default=""),
        state=state if isinstance(state, str) else "Unknown",
    )


def choose_cluster(clusters: Any, cluster_id: str | None) -> Mapping[str, Any]:
    """The profile's cluster when it names one; otherwise the tenant's only (or first-created) cluster."""
    if not isinstance(clusters, list):
        raise _bad("The Run:ai cluster list is not an array.")
    items = [_obj(item, "cluster") for item in clusters]
    if cluster_id is not None:
        for item in items:
            if str(item.get("uuid", "")).lower() == cluster_id.lower():
                return item
        raise NotFound(
            f"Cluster {cluster_id} (the profile's cluster_id) is not in this tenant.", service=SERVICE
        )
    if not items:
        raise NotFound("This Run:ai tenant has no clusters.", service=SERVICE)
    return min(items, key=lambda item: str(item.get("createdAt") or ""))


# ====================================================================================================
# org units
# ====================================================================================================
def limit_from_wire(value: Any) -> float:
    """[UNSURE] reference §3.3: `null` (or a missing limit) is read as unlimited, like -1."""
    if value is None:
        return UNLIMITED
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad("The Run:ai quota limit is not a number.")
    return value


def parse_quotas(resources: Sequence[Any], statuses: Sequence[Any], where: str) -> tuple[PoolQuota, ...]:
    """`resources[]` (what was set) joined with `status.nodePoolQuotaStatuses[]` (what is used), per pool."""
    used: dict[str, Mapping[str, Any]] = {}
    for status in statuses:
        status = _obj(status, f"{where} quota status")
        used[_str(status, "nodePoolName", f"{where} quota status")] = status
    quotas = []
    for item in resources:
        item = _obj(item, f"{where} resources")
        pool = _obj(_field(item, "nodePool", f"{where} resources"), f"{where} resources nodePool")
        name = _str(pool, "name", f"{where} resources nodePool")
        gpu = item.get("gpu")
        gpu = _obj(gpu, f"{where} resources gpu") if gpu is not None else {}
        status = used.get(name, {})
        quotas.append(
            PoolQuota(
                node_pool=name,
                deserved_gpus=_num(gpu, "deserved", f"{where} gpu quota", default=0.0),
                limit_gpus=limit_from_wire(gpu.get("limit")),
                over_quota_weight=_num(gpu, "overQuotaWeight", f"{where} gpu quota", default=DEFAULT_WEIGHT),
                allocated_gpus=_gpu_of(status, "allocated", where),
                allocated_non_preemptible_gpus=_gpu_of(status, "allocatedNonPreemptible", where),
                requested_gpus=_gpu_of(status, "requested", where),
            )
        )
    return tuple(quotas)


def _gpu_of(status: Mapping[str, Any], key: str, where: str) -> float:
    value = status.get(key)
    if value is None:
        return 0.0
    return _num(_obj(value, f"{where} {key}"), "gpu", f"{where} {key}", default=0.0)


def parse_project(item: Any, counts: Mapping[str, tuple[int, int]] | None = None) -> Project:
    """A `Project`; `counts` maps project id -> (running, pending) workloads (from workload telemetry)."""
    obj = _obj(item, "project")
    status = obj.get("status")
    status = _obj(status, "project status") if status is not None else {}
    parent = obj.get("parent")
    parent = _obj(parent, "project parent") if parent is not None else {}
    project_id = _str(obj, "id", "project")
    name = _str(obj, "name", "project")
    running, pending = (counts or {}).get(project_id, (0, 0))
    phase = status.get("phase")
    return Project(
        id=project_id,
        name=name,
        department_id=_str(obj, "parentId", "project", default=""),
        department_name=_str(parent, "name", "project parent", default=""),
        namespace=_str(status, "namespace", "project status", default=f"runai-{name}"),
        phase=ProjectPhase(phase) if phase in ProjectPhase._value2member_map_ else ProjectPhase.UNKNOWN,
        quotas=parse_quotas(
            _list(obj, "resources", "project", required=True),
            _list(status, "nodePoolQuotaStatuses", "project status"),
            "project",
        ),
        created_at=_time(obj, "createdAt", "project"),
        running_workloads=running,
        pending_workloads=pending,
    )


def parse_department(item: Any) -> Department:
    """A `Department` from `GET /org-unit/departments/{id}` (the list lacks the per-pool statuses)."""
    obj = _obj(item, "department")
    status = obj.get("status")
    status = _obj(status, "department status") if status is not None else {}
    return Department(
        id=_str(obj, "id", "department"),
        name=_str(obj, "name", "department"),
        quotas=parse_quotas(
            _list(obj, "resources", "department"),
            _list(status, "nodePoolQuotaStatuses", "department status"),
            "department",
        ),
        project_ids=tuple(
            _str(_obj(child, "department child"), "id", "department child")
            for child in _list(obj, "children", "department")
        ),
    )


def workload_counts(telemetry: Any) -> dict[str, tuple[int, int]]:
    """(running, pending) per project id from WORKLOADS_COUNT telemetry grouped by ProjectId and Phase."""
    running: dict[str, int] = {}
    pending: dict[str, int] = {}
    for groups, value in parse_telemetry(telemetry):
        project = groups.get("projectid")
        phase = groups.get("phase")
        if project is None or phase is None:
            continue
        if phase[0] in RUNNING_PHASES:
            running[project[0]] = running.get(project[0], 0) + int(value)
        elif phase[0] in PENDING_PHASES:
            pending[project[0]] = pending.get(project[0], 0) + int(value)
    return {key: (running.get(key, 0), pending.get(key, 0)) for key in {*running, *pending}}


def resources_body(quotas: Iterable[PoolQuota], pool_ids: Mapping[str, str]) -> list[dict[str, Any]]:
    """`ResourcesNullable[]` for the listed pools (GPU only: the domain's quotas are GPU quotas).

    A pool rwc does not know the id of is sent with its name as the id, so the server refuses it by name.
    """
    return [
        {
            "nodePool": {"id": pool_ids.get(quota.node_pool, quota.node_pool), "name": quota.node_pool},
            "gpu": {
                "deserved": quota.deserved_gpus,
                "limit": quota.limit_gpus,
                "overQuotaWeight": quota.over_quota_weight,
            },
        }
        for quota in quotas
    ]


def project_creation_body(
    name: str, department_id: str, quotas: Iterable[PoolQuota], cluster_id: str, pool_ids: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "name": name,
        "clusterId": cluster_id,
        "parentId": department_id,
        "resources": resources_body(quotas, pool_ids),
    }


# ====================================================================================================
# nodes and node pools
# ====================================================================================================
def parse_telemetry(body: Any) -> list[tuple[dict[str, tuple[str, str]], float]]:
    """Each telemetry value with its groups as {lower-case key: (value, name)}."""
    obj = _obj(body, "telemetry")
    result = []
    for entry in _list(obj, "values", "telemetry", required=True):
        entry = _obj(entry, "telemetry value")
        groups: dict[str, tuple[str, str]] = {}
        for group in _list(entry, "groups", "telemetry value"):
            group = _obj(group, "telemetry group")
            value = _str(group, "value", "telemetry group", default="")
            groups[_str(group, "key", "telemetry group").lower()] = (
                value,
                _str(group, "name", "group", default=value),
            )
        result.append((groups, _num(entry, "value", "telemetry value")))
    return result


def telemetry_by(body: Any, key: str) -> dict[str, float]:
    """Telemetry grouped by one key, keyed by the group's name (node and node-pool names)."""
    return {groups[key.lower()][1]: value for groups, value in parse_telemetry(body) if key.lower() in groups}


NODE_TELEMETRY = (
    "ALLOCATED_GPUS",
    "TOTAL_CPU_CORES",
    "ALLOCATED_CPU_CORES",
    "TOTAL_CPU_MEMORY_BYTES",
    "ALLOCATED_CPU_MEMORY_BYTES",
)
"""What `nodes()` asks `/api/v1/nodes/telemetry` for, grouped by node: the node object has none of it."""


def parse_node(item: Any, telemetry: Mapping[str, Mapping[str, float]]) -> Node:
    """A `Node`; `telemetry` maps a NODE_TELEMETRY type to {node name: value}."""
    obj = _obj(item, "node")
    name = _str(obj, "name", "node")
    status_text = obj.get("status")
    status = NodeStatus(status_text) if status_text in NodeStatus._value2member_map_ else NodeStatus.UNKNOWN
    taints = []
    cordoned = False
    for taint in _list(obj, "taints", "node"):
        taint = _obj(taint, "node taint")
        key = _str(taint, "key", "node taint")
        effect = _str(taint, "effect", "node taint")
        if key == CORDON_TAINT_KEY:
            cordoned = True
            continue
        taints.append(Taint(key=key, value=_str(taint, "value", "node taint", default=""), effect=effect))
    conditions = []
    for condition in _list(obj, "conditions", "node"):
        condition = _obj(condition, "node condition")
        kind = _str(condition, "type", "node condition")
        reason = _str(condition, "reason", "node condition", default="")
        implied = _CONDITION_STATUS.get(reason)
        if implied is None:
            implied = ("True" if status is NodeStatus.READY else "Unknown") if kind == "Ready" else "Unknown"
        conditions.append(
            NodeCondition(kind, implied, reason, _str(condition, "message", "node condition", default=""))
        )
    gpu_info = obj.get("gpuInfo")
    gpu_info = _obj(gpu_info, "node gpuInfo") if gpu_info is not None else None
    gpu_count = int(_num(gpu_info, "gpuCount", "node gpuInfo")) if gpu_info else 0

    def reading(kind: str) -> float:
        return telemetry.get(kind, {}).get(name, 0.0)

    return Node(
        name=name,
        node_pool=_str(obj, "nodePool", "node"),
        # The Run:ai node says nothing of system nodes; only the Kubernetes labels would.
        role=NodeRole.GPU_WORKER if gpu_count else NodeRole.CPU_WORKER,
        status=status,
        conditions=tuple(conditions),
        taints=tuple(taints),
        unschedulable=cordoned,
        gpu_model=_str(gpu_info, "gpuType", "node gpuInfo") if gpu_count and gpu_info else None,
        gpu_count=gpu_count,
        allocated_gpus=reading("ALLOCATED_GPUS"),
        cpu_millicores=round(reading("TOTAL_CPU_CORES") * 1000),
        allocated_cpu_millicores=round(reading("ALLOCATED_CPU_CORES") * 1000),
        memory_bytes=round(reading("TOTAL_CPU_MEMORY_BYTES")),
        allocated_memory_bytes=round(reading("ALLOCATED_CPU_MEMORY_BYTES")),
        created_at=_time(obj, "createdAt", "node"),
    )


def parse_node_pool(item: Any, nodes: Sequence[Any], allocated: Mapping[str, float]) -> NodePool:
    """A `NodePool`; the GPU model and count come from the raw `nodes` (the pool object has neither), the
    allocated GPUs from ALLOCATED_GPUS telemetry grouped by node pool."""
    obj = _obj(item, "node pool")
    name = _str(obj, "name", "node pool")
    status = obj.get("status")
    status = _obj(status, "node pool status") if isinstance(status, Mapping) else {}
    members = [_obj(node, "node") for node in nodes if _obj(node, "node").get("nodePool") == name]
    listed = status.get("nodes")
    if isinstance(listed, list) and all(isinstance(node, str) for node in listed):
        order = {node_name: index for index, node_name in enumerate(listed)}
        members.sort(key=lambda node: order.get(str(node.get("name")), len(order)))
        node_names = tuple(listed)
    else:
        node_names = tuple(_str(node, "name", "node") for node in members)
    gpu_model = None
    total = 0
    for node in members:
        info = node.get("gpuInfo")
        if isinstance(info, Mapping) and info.get("gpuCount"):
            total += int(_num(info, "gpuCount", "node gpuInfo"))
            gpu_model = gpu_model or _str(info, "gpuType", "node gpuInfo")
    scheduling = obj.get("schedulingConfiguration")
    placement = scheduling.get("placementStrategy") if isinstance(scheduling, Mapping) else None
    if not isinstance(placement, Mapping):
        placement = obj.get("placementStrategy")  # deprecated top-level copy
    strategy = placement.get("gpu") if isinstance(placement, Mapping) else None
    return NodePool(
        id=_str(obj, "id", "node pool"),
        name=name,
        label_key=_str(obj, "labelKey", "node pool", default=""),
        label_value=_str(obj, "labelValue", "node pool", default=""),
        phase=_str(obj, "phase", "node pool", default="Unknown"),
        gpu_model=gpu_model,
        node_names=node_names,
        total_gpus=total,
        allocated_gpus=allocated.get(name, 0.0),
        placement_strategy=strategy if isinstance(strategy, str) else "binpack",
    )


# ====================================================================================================
# workloads
# ====================================================================================================
def workload_type(obj: Mapping[str, Any]) -> WorkloadType:
    raw = str(obj.get("type") or "").lower()
    found = _WORKLOAD_TYPES.get(raw)
    if found is not None:
        return found
    return _CATEGORY_TYPES.get(str(obj.get("category") or "").lower(), WorkloadType.TRAINING)


def gpu_request_of(obj: Mapping[str, Any]) -> GpuRequest:
    """Per-pod GPU request from `workloadRequestedResources` (`gpuRequestType` + `gpu`/`gpuMemory`)."""
    requested = obj.get("workloadRequestedResources")
    if not isinstance(requested, Mapping):
        return GpuRequest.whole(0)
    gpu = requested.get("gpu") if isinstance(requested.get("gpu"), Mapping) else {}
    kind = requested.get("gpuRequestType")
    if kind == GpuRequestKind.MEMORY.value:
        memory = requested.get("gpuMemory") if isinstance(requested.get("gpuMemory"), Mapping) else {}
        return GpuRequest.memory(memory_mib(memory.get("request"), "workload gpuMemory.request"))
    amount = _num(gpu, "request", "workload gpu request", default=0.0)
    if kind == GpuRequestKind.PORTION.value and amount < 1:
        return GpuRequest.fraction(amount)
    return GpuRequest.whole(round(amount))


def parse_workload(
    item: Any,
    *,
    pods: Sequence[Pod] = (),
    events: Sequence[WorkloadEvent] = (),
    node_names: Sequence[str] | None = None,
) -> Workload:
    """A `Workload`; the list and detail objects carry no node names, so they come from its pods."""
    obj = _obj(item, "workload")
    phase = obj.get("phase")
    reason = obj.get("phaseReason")
    preemptible = obj.get("preemptible")
    kind = workload_type(obj)
    if not isinstance(preemptible, bool):
        preemptible = kind in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED)
    requested_pods = obj.get("requestedPods")
    number = requested_pods.get("number") if isinstance(requested_pods, Mapping) else None
    allocated = obj.get("allocatedResources")
    images = _list(obj, "images", "workload")
    current = _list(obj, "currentNodePools", "workload")
    if node_names is None:
        node_names = tuple(dict.fromkeys(pod.node_name for pod in pods if pod.node_name))
    return Workload(
        id=_str(obj, "id", "workload"),
        name=_str(obj, "name", "workload"),
        type=kind,
        project_id=_str(obj, "projectId", "workload"),
        project_name=_str(obj, "projectName", "workload"),
        department_name=_str(obj, "departmentName", "workload", default=""),
        submitted_by=_str(obj, "submittedBy", "workload", default=""),
        phase=WorkloadPhase(phase) if phase in WorkloadPhase._value2member_map_ else WorkloadPhase.UNKNOWN,
        phase_message=_str(obj, "phaseMessage", "workload", default=""),
        phase_reason=PhaseReason(reason) if reason in PhaseReason._value2member_map_ else None,
        phase_updated_at=_time(obj, "phaseUpdatedAt", "workload"),
        created_at=_time(obj, "createdAt", "workload"),
        completed_at=_optional_time(obj, "completedAt", "workload"),
        preemptible=preemptible,
        priority_class=_str(obj, "priorityClassName", "workload", default=""),
        image=str(images[0]) if images else "",
        command=_str(obj, "command", "workload", default=""),
        arguments=_str(obj, "arguments", "workload", default=""),
        requested_node_pools=tuple(str(pool) for pool in _list(obj, "requestedNodePools", "workload")),
        current_node_pool=str(current[0]) if current else None,
        gpu_request=gpu_request_of(obj),
        requested_pods=int(number) if isinstance(number, int) else 1,
        running_pods=int(_num(obj, "runningPods", "workload", default=0)),
        allocated_gpus=_num(allocated, "gpu", "workload allocatedResources", default=0.0)
        if isinstance(allocated, Mapping)
        else 0.0,
        node_names=tuple(node_names),
        pods=tuple(pods),
        events=tuple(events),
    )


def parse_pod(item: Any) -> Pod:
    """A `Pod`. The API's pod has no GPU indexes (`gpu_indexes` stays empty: the Kubernetes pod's
    `runai-gpu` annotation has them)."""
    obj = _obj(item, "pod")
    allocated = obj.get("allocatedResources")
    return Pod(
        name=_str(obj, "name", "pod"),
        workload_id=_str(obj, "workloadId", "pod"),
        node_name=obj.get("nodeName") if isinstance(obj.get("nodeName"), str) else None,
        k8s_phase=_str(obj, "k8sPhase", "pod", default="Unknown"),
        allocated_gpus=_num(allocated, "gpu", "pod allocatedResources", default=0.0)
        if isinstance(allocated, Mapping)
        else 0.0,
        gpu_indexes=(),
        created_at=_optional_time(obj, "createdAt", "pod"),
    )


def parse_event(item: Any) -> WorkloadEvent:
    obj = _obj(item, "event")
    return WorkloadEvent(
        created_at=_time(obj, "createdAt", "event"),
        type=_str(obj, "type", "event", default="Normal"),
        reason=_str(obj, "reason", "event", default=""),
        message=_str(obj, "message", "event", default=""),
        source=_str(obj, "source", "event", default=""),
    )


def workload_filter_terms(workload_filter: WorkloadFilter | None) -> tuple[list[str], WorkloadFilter | None]:
    """`filterBy` terms for the server, and what is left to filter here (a value with a comma cannot be
    sent: the terms are comma-joined and the syntax has no escape)."""
    if workload_filter is None:
        return [], None
    terms: list[str] = []
    left: dict[str, Any] = {}
    for attribute, field, op in (
        ("project_name", "projectName", "=="),
        ("phase", "phase", "=="),
        ("node_pool", "nodepool", "=="),
        ("submitted_by", "submittedBy", "=="),
        ("name_contains", "name", "=@"),
    ):
        value = getattr(workload_filter, attribute)
        if value is None:
            continue
        text = value.value if isinstance(value, WorkloadPhase) else str(value)
        if "," in text or not text:
            left[attribute] = value
        else:
            terms.append(f"{field}{op}{text}")
    return terms, (WorkloadFilter(**left) if left else None)


def matches_locally(workload: Workload, left: WorkloadFilter) -> bool:
    """The part of a filter the server could not be sent, applied as the server would."""
    if left.project_name is not None and workload.project_name != left.project_name:
        return False
    if left.submitted_by is not None and workload.submitted_by != left.submitted_by:
        return False
    if left.node_pool is not None:
        pools = (workload.current_node_pool,) if workload.current_node_pool else workload.requested_node_pools
        if left.node_pool not in pools:
            return False
    return left.name_contains is None or left.name_contains.lower() in workload.name.lower()


def submission_body(spec: WorkloadSpec, project_id: str, cluster_id: str) -> dict[str, Any]:
    """`TrainingCreationRequest` / `WorkspaceCreationRequest` / `DistributedCreationRequest` /
    `InferenceCreationRequest` for `spec` (reference §4.5). `duration_seconds` is the simulator's own and
    is not sent."""
    request = spec.gpu_request
    compute: dict[str, Any]
    if request.kind is GpuRequestKind.DEVICES:
        compute = {"gpuDevicesRequest": request.devices}
    elif request.kind is GpuRequestKind.PORTION:
        compute = {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": request.portion}
    else:
        compute = {
            "gpuDevicesRequest": 1,
            "gpuRequestType": "memory",
            "gpuMemoryRequest": f"{request.memory_mib}Mi",
        }
    body_spec: dict[str, Any] = {"image": spec.image, "compute": compute}
    if spec.command:
        body_spec["command"] = spec.command
    if spec.arguments:
        body_spec["args"] = spec.arguments
    if spec.node_pools:
        body_spec["nodePools"] = list(spec.node_pools)
    if spec.preemptible is not None:
        body_spec["preemptibility"] = "preemptible" if spec.preemptible else "non-preemptible"
    body: dict[str, Any] = {"name": spec.name, "projectId": project_id, "clusterId": cluster_id}
    if spec.type is WorkloadType.DISTRIBUTED:
        # numWorkers counts the workers beside the master; `WorkloadSpec.workers` counts every pod.
        body_spec["distributedFramework"] = DISTRIBUTED_FRAMEWORK
        body_spec["numWorkers"] = spec.workers - 1
        body["masterSpecSameAsWorker"] = True
    body["spec"] = body_spec
    return body


def form_field(wire_field: str | None) -> str | None:
    """The form field (the simulator's names) that a submission's `complianceIssues[].field` points at."""
    if not wire_field:
        return None
    path = wire_field if wire_field.startswith("spec") or "." not in wire_field else f"spec.{wire_field}"
    for prefix, name in FORM_FIELDS:
        if path == prefix or path.startswith(prefix + "."):
            return name
    return None
