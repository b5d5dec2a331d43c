"""Run:ai `/api/v1` JSON <-> `console.model` objects, with no I/O: what `RunaiClient` reads and sends, and
(at the end) what the simulator's Run:ai face answers and how it reads what the client sends.

Both sides in one file, so that every interpretation of the wire (which field means what, what a missing
value defaults to, where the reference is unsure) is written once and round-trips
(tests/unit/wire/test_runai_roundtrip.py).

A tolerant reader, following the spec's `required`/`nullable` (both the 2.18 and the latest spec in
reference/openapi/runai; tests/contract/test_runai_generated.py feeds it bodies generated from them):

- An item is unreadable only without what it cannot be shown without, which the spec requires: a
  workload's id, name, project and timestamps; a project's or department's id and name (and a project's
  creation time); a node's name and creation time; a node pool's id and name; a pod's name and workload.
  The parser then raises `BadResponse` naming the field, and `parse_items` leaves that item out of its
  list, logs why and counts it (`console.data.unreadable`: the screen says "1 workload could not be
  read — see log"); the rest of the list is shown.
- Any other field that is missing, null, of another type, or not a finite number ("NaN", "+Inf",
  overflow, garbage) reads as its default: an empty text, 0, the enum's "unknown" member (so a newer
  control plane with a new phase still shows its workloads). Telemetry values are numeric strings and
  are read strictly (`finite_number`); quantities strictly and totally (`parse_quantity`): neither
  ever raises.
- Null items of a list (some item schemas are nullable, e.g. `Event2`) carry nothing and are skipped.

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
- A `resources[]` entry without `nodePool` (optional and nullable in both specs) is the quota of the
  default pool (`default`), as on a cluster without node pools; one whose pool has only an `id` (the
  only required key) is shown under that id.
- A node reading the server did not send, or sent as something other than a finite number, shows as 0
  (the domain has no unknown there); a GPU-memory request that cannot be read shows as unknown
  (`UNREADABLE_MEMORY_REQUEST`).
"""

from __future__ import annotations

import base64
import json
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from console.data.errors import BadResponse, Invalid, NotFound
from console.data.unreadable import readable_items
from console.model.enums import (
    UNLIMITED,
    GpuRequestKind,
    NodeRole,
    NodeStatus,
    PhaseReason,
    ProjectPhase,
    Role,
    WorkloadPhase,
    WorkloadType,
)
from console.model.identity import Identity
from console.model.runai import (
    ClusterInfo,
    Department,
    GpuRequest,
    Node,
    NodeCondition,
    NodePool,
    Pod,
    PoolQuota,
    Project,
    Taint,
    Workload,
    WorkloadEvent,
    WorkloadFilter,
    WorkloadSpec,
)
from console.wire.common import finite_number, format_rfc3339, parse_quantity, parse_rfc3339

logger = logging.getLogger(__name__)

T = TypeVar("T")

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

DEFAULT_POOL = "default"
"""Run:ai's default node pool: where quotas set without a pool apply."""

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
# Two kinds of field: what an item cannot be shown without (its id, name, project, creation time: the
# spec requires them) raises `BadResponse` naming the field, and the item is left out of its list
# (`parse_items`); everything else is decoration and reads as a default (an empty string, 0, "unknown")
# when it is missing, null or unreadable, so that one odd field never costs a row.
def _bad(message: str) -> BadResponse:
    return BadResponse(message, service=SERVICE)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(f"Expected an object for {where}, got {type(value).__name__}.")
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    """An optional object: `{}` when it is missing, null or not an object."""
    return value if isinstance(value, Mapping) else {}


def _field(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    return obj[key]


def _str(obj: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    """A text field; with a `default`, the default when it is missing, null or not text."""
    value = obj.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)  # ids were integers on the legacy API; treat every id as an opaque string
    if default is not None:
        return default
    if value is None:
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    raise _bad(f"The Run:ai {where} field {key!r} is not a string.")


def _num(obj: Mapping[str, Any] | None, key: str, *, default: float) -> float:
    """An optional number: `default` when it is missing, null or not a finite number."""
    value = finite_number(obj.get(key)) if isinstance(obj, Mapping) else None
    return default if value is None else value


def _count(obj: Mapping[str, Any] | None, key: str, *, default: int = 0) -> int:
    """An optional count (pods, GPUs): `default` when it is missing, unreadable or negative."""
    value = finite_number(obj.get(key)) if isinstance(obj, Mapping) else None
    return int(value) if value is not None and value >= 0 else default


def _list(obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[Any]:
    """An array field; an optional one that is missing, null or not an array reads as empty."""
    value = obj.get(key)
    if isinstance(value, list):
        return value
    if required:
        if value is None:
            raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
        raise _bad(f"The Run:ai {where} field {key!r} is not an array.")
    return []


def _enum(enum: Any, value: Any, unknown: Any) -> Any:
    """`enum(value)` for a value the domain knows; `unknown` for any other (a newer phase, a non-string)."""
    return enum(value) if isinstance(value, str) and value in enum._value2member_map_ else unknown


def parse_datetime(value: Any, where: str) -> datetime:
    """An RFC 3339 timestamp (`common.parse_rfc3339`); `BadResponse` naming `where` for anything else."""
    parsed = parse_rfc3339(value)
    if parsed is None:
        shown = f": {value[:40]!r}" if isinstance(value, str) else ""
        raise _bad(f"The Run:ai {where} is not a timestamp{shown}.")
    return parsed


def _time(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    return parse_datetime(_field(obj, key, where), f"{where} field {key!r}")


def _optional_time(obj: Mapping[str, Any], key: str, where: str) -> datetime | None:
    """An optional timestamp: None when it is missing, null or unreadable."""
    value = obj.get(key)
    if value is None:
        return None
    try:
        return parse_datetime(value, f"{where} field {key!r}")
    except BadResponse:
        return None


def memory_mib(quantity: Any) -> int | None:
    """A memory quantity in MiB, rounded up; None when it is not a quantity or is negative."""
    value = parse_quantity(quantity)
    return None if value is None or value < 0 else math.ceil(value / 2**20)


def parse_items(items: Iterable[Any], parse: Callable[[Any], T], kind: str) -> list[T]:
    """Each item of a list answer that can be read, in order; an unreadable one is left out, logged and
    counted, a null one skipped (`console.data.unreadable.readable_items`)."""
    return readable_items(items, lambda item, _index: parse(item), kind)


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
        scope = _str(rule, "scopeType", "access rule", default="").lower()
        role = _str(rule, "roleName", "access rule", default="").lower()
        if scope in ADMIN_SCOPES and "admin" in role:
            return True
    return False


def access_rules_of(body: Any) -> list[Any]:
    """The rule list of `GET /api/v1/authorization/me/access-rules`."""
    outer = _obj(_field(_obj(body, "access rules"), "accessRules", "access-rules response"), "accessRules")
    return _list(outer, "accessRules", "access-rules response", required=True)


def project_names(items: Iterable[Any]) -> list[str]:
    """The names of the readable projects of a project list (what a researcher may see)."""
    return [name for name, _ in project_ids_by_name(items)]


def project_ids_by_name(items: Iterable[Any]) -> list[tuple[str, str]]:
    """(name, id) of each project of a list that has both; the others are left out (and counted)."""

    def name_and_id(item: Any) -> tuple[str, str]:
        obj = _obj(item, "project")
        return _str(obj, "name", "project"), _str(obj, "id", "project")

    return parse_items(items, name_and_id, "project")


def identity_from(user: str, admin: bool, visible_projects: Sequence[str]) -> Identity:
    if admin:
        return Identity(user=user, role=Role.ADMIN)
    return Identity(user=user, role=Role.RESEARCHER, project_names=tuple(visible_projects))


# ====================================================================================================
# clusters
# ====================================================================================================
def parse_cluster(item: Any) -> ClusterInfo:
    obj = _obj(item, "cluster")
    return ClusterInfo(
        uuid=_str(obj, "uuid", "cluster"),
        name=_str(obj, "name", "cluster"),
        version=_str(obj, "version", "cluster", default=""),
        state=_str(_mapping(obj.get("status")), "state", "cluster status", default="Unknown"),
    )


def choose_cluster(clusters: Any, cluster_id: str | None) -> Mapping[str, Any]:
    """The profile's cluster when it names one; otherwise the tenant's only (or first-created) cluster.
    Entries without a `uuid` cannot be chosen and are left out."""
    if not isinstance(clusters, list):
        raise _bad("The Run:ai cluster list is not an array.")

    def readable(item: Any) -> Mapping[str, Any]:
        obj = _obj(item, "cluster")
        _str(obj, "uuid", "cluster")
        return obj

    items = parse_items(clusters, readable, "cluster")
    if cluster_id is not None:
        for item in items:
            if _str(item, "uuid", "cluster").lower() == cluster_id.lower():
                return item
        raise NotFound(
            f"Cluster {cluster_id} (the profile's cluster_id) is not in this tenant.", service=SERVICE
        )
    if not items:
        raise NotFound("This Run:ai tenant has no clusters.", service=SERVICE)
    return min(items, key=lambda item: _str(item, "createdAt", "cluster", default=""))


# ====================================================================================================
# org units
# ====================================================================================================
def limit_from_wire(value: Any) -> float:
    """[UNSURE] reference §3.3: `null` (or a missing limit) is read as unlimited, like -1; so is a limit
    that is not a finite number (it limits nothing rwc could show)."""
    number = finite_number(value)
    return UNLIMITED if number is None else number


def _pool_name(resource: Mapping[str, Any]) -> str:
    """The node pool a `resources[]` entry is for. `nodePool` is optional and nullable (and its `name`
    optional, only `id` required): [UNSURE] an entry without one is the default pool's, as on a cluster
    without node pools; one with only an id is shown under its id."""
    pool = _mapping(resource.get("nodePool"))
    return _str(pool, "name", "resources nodePool", default="") or _str(
        pool, "id", "resources nodePool", default=DEFAULT_POOL
    )


def parse_quotas(resources: Sequence[Any], statuses: Sequence[Any], where: str) -> tuple[PoolQuota, ...]:
    """`resources[]` (what was set) joined with `status.nodePoolQuotaStatuses[]` (what is used), per pool.
    Entries that are not objects (the schema has no `type`, so `false` is valid) set nothing and are
    skipped; a pool named twice keeps its first entry."""
    used: dict[str, Mapping[str, Any]] = {}
    for status in statuses:
        status = _mapping(status)
        name = _str(status, "nodePoolName", f"{where} quota status", default="")
        if name:
            used.setdefault(name, status)
    quotas: dict[str, PoolQuota] = {}
    for item in resources:
        if not isinstance(item, Mapping):
            continue
        name = _pool_name(item)
        if name in quotas:
            continue
        gpu = _mapping(item.get("gpu"))
        status = used.get(name, {})
        quotas[name] = PoolQuota(
            node_pool=name,
            deserved_gpus=_num(gpu, "deserved", default=0.0),
            limit_gpus=limit_from_wire(gpu.get("limit")),
            over_quota_weight=_num(gpu, "overQuotaWeight", default=DEFAULT_WEIGHT),
            allocated_gpus=_gpu_of(status, "allocated"),
            allocated_non_preemptible_gpus=_gpu_of(status, "allocatedNonPreemptible"),
            requested_gpus=_gpu_of(status, "requested"),
        )
    return tuple(quotas.values())


def _gpu_of(status: Mapping[str, Any], key: str) -> float:
    return _num(_mapping(status.get(key)), "gpu", default=0.0)


def parse_project(item: Any, counts: Mapping[str, tuple[int, int]] | None = None) -> Project:
    """A `Project`; `counts` maps project id -> (running, pending) workloads (from workload telemetry)."""
    obj = _obj(item, "project")
    status = _mapping(obj.get("status"))
    project_id = _str(obj, "id", "project")
    name = _str(obj, "name", "project")
    running, pending = (counts or {}).get(project_id, (0, 0))
    return Project(
        id=project_id,
        name=name,
        department_id=_str(obj, "parentId", "project", default=""),
        department_name=_str(_mapping(obj.get("parent")), "name", "project parent", default=""),
        namespace=_str(status, "namespace", "project status", default="") or f"runai-{name}",
        # 2.18's project list requires a top-level `phase` its `Project` does not define; read either.
        phase=_enum(ProjectPhase, status.get("phase", obj.get("phase")), ProjectPhase.UNKNOWN),
        quotas=parse_quotas(
            _list(obj, "resources", "project"),
            _list(status, "nodePoolQuotaStatuses", "project status"),
            "project",
        ),
        created_at=_time(obj, "createdAt", "project"),
        running_workloads=running,
        pending_workloads=pending,
    )


def parse_projects(items: Iterable[Any], counts: Mapping[str, tuple[int, int]]) -> list[Project]:
    return parse_items(items, lambda item: parse_project(item, counts), "project")


def parse_department(item: Any) -> Department:
    """A `Department` from `GET /org-unit/departments/{id}` (the list lacks the per-pool statuses)."""
    obj = _obj(item, "department")
    status = _mapping(obj.get("status"))
    children = (_mapping(child) for child in _list(obj, "children", "department"))
    return Department(
        id=_str(obj, "id", "department"),
        name=_str(obj, "name", "department"),
        quotas=parse_quotas(
            _list(obj, "resources", "department"),
            _list(status, "nodePoolQuotaStatuses", "department status"),
            "department",
        ),
        project_ids=tuple(
            child_id for child in children if (child_id := _str(child, "id", "department child", default=""))
        ),
    )


def department_ids(items: Iterable[Any]) -> list[str]:
    """The ids of a department list's readable entries (each is then read whole by id)."""
    return parse_items(items, lambda item: _str(_obj(item, "department"), "id", "department"), "department")


def parse_count(body: Any) -> int:
    """A `CountResponse` (`{"count": n}`, reference §1): 0 when it is unreadable, absurd or negative (a
    count only sizes a list's "of N"; the rows shown are what was read)."""
    return _count(body if isinstance(body, Mapping) else None, "count")


def workload_counts(telemetry: Any) -> dict[str, tuple[int, int]]:
    """(running, pending) per project id from WORKLOADS_COUNT telemetry grouped by ProjectId and Phase."""
    running: dict[str, int] = {}
    pending: dict[str, int] = {}
    for groups, value in parse_telemetry(telemetry):
        project = groups.get("projectid")
        phase = groups.get("phase")
        if project is None or phase is None or value is None or value < 0:
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
def parse_telemetry(body: Any) -> list[tuple[dict[str, tuple[str, str]], float | None]]:
    """Each telemetry value with its groups as {lower-case key: (value, name)}. A value that is not a
    finite number ("NaN": Prometheus' 0/0, "+Inf", garbage) is None: that reading is unknown. Entries and
    groups that are not objects, and groups without a key, say nothing and are skipped."""
    obj = _obj(body, "telemetry")
    result: list[tuple[dict[str, tuple[str, str]], float | None]] = []
    for entry in _list(obj, "values", "telemetry", required=True):
        if not isinstance(entry, Mapping):
            continue
        groups: dict[str, tuple[str, str]] = {}
        for group in _list(entry, "groups", "telemetry value"):
            group = _mapping(group)
            key = _str(group, "key", "telemetry group", default="")
            if not key:
                continue
            label = _str(group, "value", "telemetry group", default="")
            groups[key.lower()] = (label, _str(group, "name", "telemetry group", default="") or label)
        reading = finite_number(entry.get("value"))
        if reading is None:
            logger.debug(
                "Telemetry value %.40r of %r is not a finite number: unknown", entry.get("value"), groups
            )
        result.append((groups, reading))
    return result


def telemetry_by(body: Any, key: str) -> dict[str, float]:
    """Telemetry grouped by one key, keyed by the group's name (node and node-pool names). Unknown
    readings are left out, so the node reads as if the server had sent nothing for it."""
    return {
        groups[key.lower()][1]: value
        for groups, value in parse_telemetry(body)
        if key.lower() in groups and value is not None
    }


NODE_TELEMETRY = (
    "ALLOCATED_GPUS",
    "TOTAL_CPU_CORES",
    "ALLOCATED_CPU_CORES",
    "TOTAL_CPU_MEMORY_BYTES",
    "ALLOCATED_CPU_MEMORY_BYTES",
)
"""What `nodes()` asks `/api/v1/nodes/telemetry` for, grouped by node: the node object has none of it."""


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
    for taint in _list(obj, "taints", "node"):
        taint = _mapping(taint)
        key = _str(taint, "key", "node taint", default="")
        effect = _str(taint, "effect", "node taint", default="")
        if not key:
            continue  # a taint without a key is no taint rwc can show or act on
        if key == CORDON_TAINT_KEY:
            cordoned = True
            continue
        taints.append(Taint(key=key, value=_str(taint, "value", "node taint", default=""), effect=effect))
    conditions = []
    for condition in _list(obj, "conditions", "node"):
        condition = _mapping(condition)
        kind = _str(condition, "type", "node condition", default="")
        if not kind:
            continue
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


# ====================================================================================================
# workloads
# ====================================================================================================
def workload_type(obj: Mapping[str, Any]) -> WorkloadType:
    raw = _str(obj, "type", "workload", default="").lower()
    found = _WORKLOAD_TYPES.get(raw)
    if found is not None:
        return found
    return _CATEGORY_TYPES.get(_str(obj, "category", "workload", default="").lower(), WorkloadType.TRAINING)


UNREADABLE_MEMORY_REQUEST = GpuRequest.memory(0)
"""A GPU-memory request whose amount cannot be read (`gpuMemory` null, `"1..2"`): no real request is
0 MiB, so this one shows as unknown (`GpuRequest.describe`), and the row stays."""


def gpu_request_of(obj: Mapping[str, Any]) -> GpuRequest:
    """Per-pod GPU request from `workloadRequestedResources` (`gpuRequestType` + `gpu`/`gpuMemory`)."""
    requested = _mapping(obj.get("workloadRequestedResources"))
    if not requested:
        return GpuRequest.whole(0)
    kind = requested.get("gpuRequestType")
    if kind == GpuRequestKind.MEMORY.value:
        memory = _mapping(requested.get("gpuMemory")).get("request")
        mib = memory_mib(memory)
        if mib is None or mib <= 0:
            logger.debug("Unreadable GPU memory request %r of workload %r", memory, obj.get("id"))
            return UNREADABLE_MEMORY_REQUEST
        return GpuRequest.memory(mib)
    amount = _num(_mapping(requested.get("gpu")), "request", default=0.0)
    if amount < 0:
        amount = 0.0
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
    kind = workload_type(obj)
    preemptible = obj.get("preemptible")
    if not isinstance(preemptible, bool):
        preemptible = kind in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED)
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
        phase=_enum(WorkloadPhase, obj.get("phase"), WorkloadPhase.UNKNOWN),
        phase_message=_str(obj, "phaseMessage", "workload", default=""),
        phase_reason=_enum(PhaseReason, obj.get("phaseReason"), None),
        phase_updated_at=_time(obj, "phaseUpdatedAt", "workload"),
        created_at=_time(obj, "createdAt", "workload"),
        completed_at=_optional_time(obj, "completedAt", "workload"),
        preemptible=preemptible,
        priority_class=_str(obj, "priorityClassName", "workload", default=""),
        image=images[0] if images and isinstance(images[0], str) else "",
        command=_str(obj, "command", "workload", default=""),
        arguments=_str(obj, "arguments", "workload", default=""),
        requested_node_pools=tuple(
            pool for pool in _list(obj, "requestedNodePools", "workload") if isinstance(pool, str)
        ),
        current_node_pool=current[0] if current and isinstance(current[0], str) else None,
        gpu_request=gpu_request_of(obj),
        requested_pods=_count(_mapping(obj.get("requestedPods")), "number", default=1),
        running_pods=_count(obj, "runningPods"),
        allocated_gpus=max(0.0, _num(_mapping(obj.get("allocatedResources")), "gpu", default=0.0)),
        node_names=tuple(node_names),
        pods=tuple(pods),
        events=tuple(events),
    )


def node_names_by_workload(pods: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """{workload id: the nodes its pods run on} from a pod list; pods without both say nothing."""
    nodes_of: dict[str, dict[str, None]] = {}
    for pod in pods:
        pod = _mapping(pod)
        node = pod.get("nodeName")
        workload_id = pod.get("workloadId")
        if isinstance(node, str) and node and isinstance(workload_id, str):
            nodes_of.setdefault(workload_id, {})[node] = None
    return {workload_id: tuple(nodes) for workload_id, nodes in nodes_of.items()}


def parse_workloads(items: Iterable[Any], pods: Iterable[Any] = ()) -> list[Workload]:
    """The readable workloads of a list, each with the nodes its pods (from the cluster's pod list) run on."""
    nodes_of = node_names_by_workload(pods)

    def parse(item: Any) -> Workload:
        workload_id = _mapping(item).get("id")
        names = nodes_of.get(workload_id, ()) if isinstance(workload_id, str) else ()
        return parse_workload(item, node_names=names)

    return parse_items(items, parse, "workload")


def parse_pod(item: Any) -> Pod:
    """A `Pod`. The API's pod has no GPU indexes (`gpu_indexes` stays empty: the Kubernetes pod's
    `runai-gpu` annotation has them)."""
    obj = _obj(item, "pod")
    node_name = obj.get("nodeName")
    return Pod(
        name=_str(obj, "name", "pod"),
        workload_id=_str(obj, "workloadId", "pod"),
        node_name=node_name if isinstance(node_name, str) and node_name else None,
        k8s_phase=_str(obj, "k8sPhase", "pod", default="Unknown"),
        allocated_gpus=max(0.0, _num(_mapping(obj.get("allocatedResources")), "gpu", default=0.0)),
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


def parse_workload_detail(item: Any, pods: Iterable[Any], events: Iterable[Any]) -> Workload:
    """`GET /workloads/{id}` with its pods and events (the detail view). The workload itself must be
    readable; pods and events that are not are left out (and counted), null events (`Event2` is
    nullable) skipped."""
    return parse_workload(
        item, pods=parse_items(pods, parse_pod, "pod"), events=parse_items(events, parse_event, "event")
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
    return left.matches(workload)


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


# ====================================================================================================
# encoding: what a Run:ai control plane answers (the simulator's face writes these; the parsers above
# read them), and reading what `submission_body`/`resources_body` send
# ====================================================================================================
KIND_SEGMENTS: dict[str, WorkloadType] = {segment: kind for kind, segment in SEGMENTS.items()}
"""`SEGMENTS` the other way: the workload type a `/api/v1/workloads/<segment>` route submits."""

CATEGORY: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "Train",
    WorkloadType.DISTRIBUTED: "Train",
    WorkloadType.WORKSPACE: "Build",
    WorkloadType.INFERENCE: "Deploy",
}
"""A workload's `category` as Run:ai writes it (`_CATEGORY_TYPES` reads it back)."""

CORDON_TAINT: dict[str, str] = {"key": CORDON_TAINT_KEY, "effect": "NoSchedule"}
"""Kubernetes taints a cordoned node with this (TaintNodesByCondition) and Run:ai lists node taints, so a
cordon shows through the Run:ai API as this taint; the node object has no `unschedulable` field."""

SUBMISSION_FIELDS: dict[str, str] = {form: path for path, form in FORM_FIELDS} | {"duration_seconds": "spec"}
"""`FORM_FIELDS` the other way: a form field (`Invalid.field`) as the `complianceIssues[].field` path."""

CREATED_BY = "admin@runai-sim.local"
TENANT_ID = 1001


def error_body(status: int, message: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The `Error` body of the `/api/v1` endpoints: `{code, message}` and extras (complianceIssues)."""
    return {"code": status, "message": message, **extra}


def compliance_issues(message: str, field_path: str | None) -> dict[str, Any]:
    """The extras of a refused submission that points at `field_path` (nothing when it points nowhere)."""
    return {"complianceIssues": [{"field": field_path, "details": message}]} if field_path else {}


def json_number(value: float) -> int | float:
    """A JSON number as the API writes it: integral values without a fraction."""
    return int(value) if float(value).is_integer() else float(value)


def number_text(value: float) -> str:
    """Telemetry and metrics values are strings on the wire (reference §6)."""
    return str(json_number(round(value, 6)))


def iso(at: datetime | None) -> str | None:
    """`format_rfc3339`, and null for no time."""
    return None if at is None else format_rfc3339(at)


def cluster_json(info: ClusterInfo, created_at: datetime, now: datetime) -> dict[str, Any]:
    return {
        "uuid": info.uuid,
        "tenantId": TENANT_ID,
        "name": info.name,
        "createdAt": iso(created_at),
        "domain": f"https://{info.name}.runai-sim.local",
        "version": info.version,
        "status": {
            "state": info.state,
            "conditions": [],
            "platform": {"type": "vanilla", "kubeVersion": "v1.30.4"},
        },
        "updatedAt": iso(created_at),
        "deletedAt": None,
        "lastLiveness": iso(now),
    }


def resources_json(quotas: Iterable[PoolQuota], pool_ids: Mapping[str, str]) -> list[dict[str, Any]]:
    """`Resources[]` as a server answers them: `resources_body` with the unset kinds written as null."""
    body = resources_body(quotas, pool_ids)
    for item in body:
        item["gpu"] = {key: json_number(value) for key, value in item["gpu"].items()}
        item.update(cpu=None, memory=None, priority=None)
    return body


def quota_statuses(quotas: Sequence[PoolQuota], pool_ids: Mapping[str, str]) -> dict[str, Any]:
    """A project's or department's `status`: per-pool quota statuses and their sums."""

    def sums(attribute: str) -> dict[str, Any]:
        return {"gpu": json_number(round(sum(getattr(quota, attribute) for quota in quotas), 6))}

    return {
        "nodePoolQuotaStatuses": [
            {
                "nodePoolId": pool_ids.get(quota.node_pool, quota.node_pool),
                "nodePoolName": quota.node_pool,
                "allocated": {"gpu": json_number(quota.allocated_gpus)},
                "allocatedNonPreemptible": {"gpu": json_number(quota.allocated_non_preemptible_gpus)},
                "requested": {"gpu": json_number(quota.requested_gpus)},
            }
            for quota in quotas
        ],
        "quotaStatus": {
            "allocated": sums("allocated_gpus"),
            "allocatedNonPreemptible": sums("allocated_non_preemptible_gpus"),
            "requested": sums("requested_gpus"),
        },
    }


def _total_resources(deserved_gpus: float) -> dict[str, Any]:
    return {"gpuQuota": json_number(round(deserved_gpus, 6)), "cpuQuota": None, "memoryQuota": None}


def project_json(project: Project, pool_ids: Mapping[str, str], cluster_id: str) -> dict[str, Any]:
    created = iso(project.created_at)
    return {
        "id": project.id,
        "name": project.name,
        "description": "",
        "clusterId": cluster_id,
        "parentId": project.department_id,
        "requestedNamespace": None,
        "enforceRunaiScheduler": True,
        "status": {
            "namespace": project.namespace,
            "phase": project.phase.value,
            "phaseMessage": None,
            "lastUpdatedTime": created,
            **quota_statuses(project.quotas, pool_ids),
        },
        "totalResources": _total_resources(project.deserved_gpus),
        "resources": resources_json(project.quotas, pool_ids),
        "schedulingRules": None,
        "defaultNodePools": None,
        "effective": {"schedulingRules": None, "defaultNodePools": None},
        # [CONFLICT] reference §1: parent ids are typed uuid in the spec but numeric strings in practice.
        "parent": {"id": project.department_id, "name": project.department_name, "parent": None},
        "createdAt": created,
        "updatedAt": created,
        "createdBy": CREATED_BY,
        "updatedBy": CREATED_BY,
    }


def department_json(
    department: Department,
    pool_ids: Mapping[str, str],
    cluster_id: str,
    *,
    created_at: datetime,
    children: Iterable[tuple[str, str]],
    detailed: bool,
) -> dict[str, Any]:
    """`Department` (`detailed`: GET one) or `DepartmentForList`, which carries only the summed
    `quotaStatus`; `children` are the (id, name) of its projects."""
    created = iso(created_at)
    statuses = quota_statuses(department.quotas, pool_ids)
    return {
        "id": department.id,
        "name": department.name,
        "description": "",
        "clusterId": cluster_id,
        "resources": resources_json(department.quotas, pool_ids),
        "totalResources": _total_resources(department.deserved_gpus),
        "children": [{"id": child_id, "name": name} for child_id, name in children],
        "status": statuses if detailed else {"quotaStatus": statuses["quotaStatus"]},
        "createdAt": created,
        "updatedAt": created,
        "createdBy": CREATED_BY,
        "updatedBy": CREATED_BY,
    }


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


def pod_json(pod: Pod, pod_id: str, workload: Workload, cluster_id: str) -> dict[str, Any]:
    return {
        "id": pod_id,
        "name": pod.name,
        "workloadId": workload.id,
        "clusterId": cluster_id,
        "projectId": workload.project_id,
        "nodeName": pod.node_name,
        "currentNodePool": workload.current_node_pool,
        "requestedNodePools": list(workload.requested_node_pools),
        "containers": [{"name": workload.name, "image": workload.image, "startedAt": None}],
        "k8sPhase": pod.k8s_phase,
        "k8sPhaseUpdatedAt": iso(workload.phase_updated_at),
        "priorityClassName": workload.priority_class,
        "allocatedResources": {"gpu": json_number(pod.allocated_gpus)},
        "tenantId": TENANT_ID,
        "createdAt": iso(pod.created_at),
        "completedAt": iso(workload.completed_at),
        "updatedAt": iso(workload.phase_updated_at),
        "deletedAt": None,
    }


K8S_PHASE_OF: dict[WorkloadPhase, str] = {
    WorkloadPhase.CREATING: "Pending",
    WorkloadPhase.PENDING: "Pending",
    WorkloadPhase.RESUMING: "Pending",
    WorkloadPhase.INITIALIZING: "Pending",
    WorkloadPhase.RUNNING: "Running",
    WorkloadPhase.DEGRADED: "Running",
    WorkloadPhase.UPDATING: "Running",
    WorkloadPhase.STOPPING: "Running",
    WorkloadPhase.DELETING: "Running",
    WorkloadPhase.TERMINATING: "Running",
    WorkloadPhase.STOPPED: "Pending",
    WorkloadPhase.COMPLETED: "Succeeded",
    WorkloadPhase.FAILED: "Failed",
    WorkloadPhase.UNKNOWN: "Unknown",
}
"""The raw Kubernetes phase (`k8sPhase`) behind each Run:ai phase (Stopped workloads have no pods)."""


@dataclass(frozen=True, slots=True)
class WorkloadFacts:
    """What the Run:ai workload object carries beyond the domain `Workload`: where it runs, its numeric
    priority, what it holds besides GPUs, and how long it has run and waited. rwc reads none of these
    back (the describe view shows the raw object), so they live here rather than in the model."""

    cluster_id: str
    namespace: str
    department_id: str | None
    priority: int
    updated_at: datetime
    allocated_gpu_memory_mib: float
    allocated_cpu_cores: float
    allocated_cpu_memory_bytes: int
    run_seconds: float
    pending_seconds: float


def _memory_quantity(mib: float | None) -> str | None:
    return None if mib is None else f"{int(mib)}Mi"


def _requested_gpu(request: GpuRequest) -> tuple[str | None, float | None, dict[str, Any] | None]:
    """(`gpuRequestType`, GPUs per pod, `gpuMemory`) of a request: whole devices send no type."""
    if request.kind is GpuRequestKind.DEVICES:
        return None, float(request.devices), None
    if request.kind is GpuRequestKind.PORTION:
        return GpuRequestKind.PORTION.value, request.portion, None
    memory = _memory_quantity(request.memory_mib)
    return GpuRequestKind.MEMORY.value, None, {"request": memory, "limit": memory}


def _pending_messages(workload: Workload) -> list[dict[str, Any]] | None:
    """`pendingSchedulingMessages`: `PendingSchedulingMessage.phaseReason` is the PhaseReason enum, so
    only a pending workload with a reason and a message makes one."""
    if workload.phase is not WorkloadPhase.PENDING or not workload.phase_message or not workload.phase_reason:
        return None
    return [
        {
            "nodePool": pool,
            "phaseReason": workload.phase_reason.value,
            "reason": workload.phase_message,
            "orgType": "PROJECT",
            "userMessage": workload.phase_message,
        }
        for pool in workload.requested_node_pools[:1]
    ]


def workload_json(workload: Workload, facts: WorkloadFacts) -> dict[str, Any]:
    """`GET /api/v1/workloads/{id}` (WorkloadDetailed, reference/runai.md §4.3), the list item too (the
    face drops the detail-only `pendingSchedulingMessages` from lists)."""
    phase = workload.phase
    terminal = phase in (WorkloadPhase.COMPLETED, WorkloadPhase.FAILED)
    distributed = workload.type is WorkloadType.DISTRIBUTED
    request_type, gpu_per_pod, gpu_memory = _requested_gpu(workload.gpu_request)
    pods = workload.requested_pods
    all_pods_gpu = None if gpu_per_pod is None else gpu_per_pod * pods
    reason = workload.phase_reason.value if workload.phase_reason else None
    body: dict[str, Any] = {
        "id": workload.id,
        "name": workload.name,
        # The native type names (`WorkloadType`); see `_WORKLOAD_TYPES` ([UNSURE] reference §4.3).
        "type": workload.type.value,
        "tenantId": TENANT_ID,
        "clusterId": facts.cluster_id,
        "projectId": workload.project_id,
        "projectName": workload.project_name,
        "departmentId": facts.department_id,
        "departmentName": workload.department_name,
        "namespace": facts.namespace,
        "submittedBy": workload.submitted_by,
        "source": "Control-plane",
        "sourceApi": "WorkloadsV2",
        "category": CATEGORY[workload.type],
        "priority": facts.priority,
        "priorityClassName": workload.priority_class,
        "preemptible": workload.preemptible,
        "phase": phase.value,
        "phaseMessage": workload.phase_message,
        "phaseReason": reason,
        "phaseUpdatedAt": iso(workload.phase_updated_at),
        "k8sPhase": K8S_PHASE_OF[phase],
        "k8sPhaseUpdatedAt": iso(workload.phase_updated_at),
        "createdAt": iso(workload.created_at),
        "updatedAt": iso(facts.updated_at),
        "deletedAt": None,
        "completedAt": iso(workload.completed_at),
        "conditions": [
            {
                "type": "Ready" if phase is WorkloadPhase.RUNNING else phase.value,
                "status": "True",
                "message": workload.phase_message,
                "reason": reason or phase.value,
                "lastTransitionTime": iso(workload.phase_updated_at),
            }
        ],
        "runningPods": workload.running_pods,
        "requestedPods": {
            "number": pods,
            "min": pods if distributed else None,
            "max": pods if distributed else None,
            "parallelism": None,
            "completions": None,
        },
        "workloadRequestedResources": {
            "gpuRequestType": request_type,
            "gpu": {"request": gpu_per_pod, "limit": gpu_per_pod},
            "gpuMemory": gpu_memory,
            "cpu": {"request": 0.1, "limit": None},
            "cpuMemory": {"request": "100M", "limit": None},
            "extendedResources": [],
        },
        "podsRequestedResources": {
            "gpuRequestType": request_type,
            "gpu": {"request": all_pods_gpu, "limit": all_pods_gpu},
            "gpuMemory": gpu_memory,
        },
        "allocatedResources": {
            "gpu": json_number(workload.allocated_gpus),
            "gpuMemory": _memory_quantity(facts.allocated_gpu_memory_mib)
            if facts.allocated_gpu_memory_mib
            else None,
            "cpu": facts.allocated_cpu_cores,
            "cpuMemory": f"{facts.allocated_cpu_memory_bytes // (1024 * 1024)}Mi",
            "extendedResources": [],
        },
        "idleAllocatedGpus": 0,
        "requestedNodePools": list(workload.requested_node_pools),
        "currentNodePools": [workload.current_node_pool] if workload.current_node_pool else [],
        "images": [workload.image],
        "command": workload.command,
        "arguments": workload.arguments,
        "environmentVariables": {},
        "urls": [],
        "datasources": [],
        "actionsSupport": {
            "delete": phase is not WorkloadPhase.DELETING,
            "suspend": not terminal and phase is not WorkloadPhase.DELETING,
        },
        "totalPendingTimeSeconds": int(facts.pending_seconds),
        "totalRunningTimeSeconds": int(facts.run_seconds),
        "guaranteedRuntimeEndsAt": None,
        "pendingSchedulingMessages": _pending_messages(workload),
    }
    if distributed:
        body["distributedFramework"] = DISTRIBUTED_FRAMEWORK  # a non-nullable string: only when it applies
    return body


def event_json(
    event: WorkloadEvent, event_id: str, workload: Workload, namespace: str, cluster_id: str
) -> dict[str, Any]:
    return {
        "createdAt": iso(event.created_at),
        "id": event_id,
        "type": event.type,
        "clusterId": cluster_id,
        "message": event.message,
        "reason": event.reason,
        "source": event.source,
        "involvedObject": {
            "uid": workload.id,
            "kind": "Workload",
            "name": workload.name,
            "namespace": namespace,
        },
    }


def telemetry_json(
    kind: str, at: datetime, totals: Mapping[tuple[tuple[str, str, str], ...], float]
) -> dict[str, Any]:
    """A telemetry answer: one value per group, each group a (key, value, name) triple."""
    values = [
        {
            "value": number_text(total),
            "groups": [{"key": key, "value": value, "name": name} for key, value, name in group],
        }
        for group, total in totals.items()
    ]
    return {"type": kind, "timestamp": iso(at), "values": values}


# -- reading what rwc sends ------------------------------------------------------------------------
def _refused(message: str, field_path: str | None = None) -> Invalid:
    return Invalid(message, field=field_path, service=SERVICE)


def expect(body: Any, key: str, kinds: type | tuple[type, ...], field_path: str, *, required: bool) -> Any:
    """`body[key]` if it is of `kinds` (never a bool unless asked); None when optional and absent;
    `Invalid` naming `field_path` otherwise."""
    value = body.get(key) if isinstance(body, Mapping) else None
    if value is None:
        if required:
            raise _refused(f"Required parameter is missing: {field_path}.", field_path)
        return None
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        raise _refused(f"{field_path} has the wrong type ({type(value).__name__}).", field_path)
    return value


def gpu_request_from_compute(compute: Mapping[str, Any]) -> GpuRequest:
    """`spec.compute` as a `GpuRequest` (reference §4.5), as `submission_body` writes it.

    Whole devices: `gpuDevicesRequest` alone (or with a portion of exactly 1). A portion or an amount of
    memory: of one device. [CONFLICT] reference §4.5 on N devices x a fraction: the domain supports
    fractions of a single device only, so more is refused.
    """
    path = "spec.compute."
    devices = expect(compute, "gpuDevicesRequest", int, path + "gpuDevicesRequest", required=False)
    if devices is not None and devices < 0:
        raise _refused("gpuDevicesRequest cannot be negative.", path + "gpuDevicesRequest")
    kind = expect(compute, "gpuRequestType", str, path + "gpuRequestType", required=False)
    if kind is None:
        return GpuRequest.whole(devices or 0)
    if kind == "portion":
        portion = expect(
            compute, "gpuPortionRequest", (int, float), path + "gpuPortionRequest", required=True
        )
        if portion == 1:
            return GpuRequest.whole(devices or 1)
        if devices not in (None, 1):
            raise _refused(
                "A portion applies to one device: ask for whole devices, or one device with a portion.",
                path + "gpuDevicesRequest",
            )
        return GpuRequest.fraction(float(portion))
    if kind == "memory":
        quantity = expect(compute, "gpuMemoryRequest", str, path + "gpuMemoryRequest", required=True)
        if devices not in (None, 1):
            raise _refused("A GPU memory request applies to one device.", path + "gpuDevicesRequest")
        mib = memory_mib(quantity)
        if mib is None:
            raise _refused(
                f"GPU memory {quantity!r} is not a quantity like 8192Mi or 10G.", path + "gpuMemoryRequest"
            )
        return GpuRequest.memory(mib)
    raise _refused(f"Unknown gpuRequestType {kind!r}.", path + "gpuRequestType")


def spec_from_body(body: Any, workload_type: WorkloadType, project_name: str) -> WorkloadSpec:
    """A submission body (`submission_body`) as a `WorkloadSpec`; the caller has checked `name`,
    `projectId` and `clusterId` and found the project (`project_name`)."""
    spec = body.get("spec") if isinstance(body, Mapping) else None
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise _refused("spec must be an object.", "spec")
    compute = spec.get("compute")
    compute = {} if compute is None else compute
    if not isinstance(compute, Mapping):
        raise _refused("spec.compute must be an object.", "spec.compute")
    preemptibility = expect(spec, "preemptibility", str, "spec.preemptibility", required=False)
    if preemptibility not in (None, "preemptible", "non-preemptible"):
        raise _refused(f"Unknown preemptibility {preemptibility!r}.", "spec.preemptibility")
    node_pools = expect(spec, "nodePools", list, "spec.nodePools", required=False) or []
    if not all(isinstance(pool, str) for pool in node_pools):
        raise _refused("spec.nodePools must list node-pool names.", "spec.nodePools")
    workers = 1
    if workload_type is WorkloadType.DISTRIBUTED:
        # numWorkers counts the workers beside the master; `WorkloadSpec.workers` counts every pod.
        num_workers = expect(spec, "numWorkers", int, "spec.numWorkers", required=False)
        workers = (1 if num_workers is None else num_workers) + 1
    return WorkloadSpec(
        name=expect(body, "name", str, "name", required=True),
        project_name=project_name,
        type=workload_type,
        image=expect(spec, "image", str, "spec.image", required=False) or "",
        gpu_request=gpu_request_from_compute(compute),
        command=expect(spec, "command", str, "spec.command", required=False) or "",
        arguments=expect(spec, "args", str, "spec.args", required=False) or "",
        node_pools=tuple(node_pools),
        preemptible=None if preemptibility is None else preemptibility == "preemptible",
        workers=workers,
    )


def quotas_from_body(
    items: Any, current: Sequence[PoolQuota], names_by_id: Mapping[str, str], *, replace: bool
) -> list[PoolQuota]:
    """`Resources[]` (`resources_body`) as quotas.

    PATCH (replace=False) changes only the listed pools and, within one, only the attributes given; PUT
    (replace=True) also resets every unlisted pool to the defaults. A `null` limit is "no limit" and a
    `null` over-quota weight the default weight, as `limit_from_wire` reads them. An unknown pool id goes
    through as the pool's name, so that the caller refuses it in its own words.
    """
    if not isinstance(items, list):
        raise _refused("resources must be an array of per-node-pool resources.")
    old = {quota.node_pool: quota for quota in current}
    result: list[PoolQuota] = []
    for index, item in enumerate(items):
        where = f"resources[{index}]"
        if not isinstance(item, Mapping):
            raise _refused(f"{where} must be an object.")
        pool = item.get("nodePool")
        if not isinstance(pool, Mapping) or not isinstance(pool.get("id"), (str, int)):
            raise _refused(f"Required parameter is missing: {where}.nodePool.id.")
        pool_id = str(pool["id"])
        name = names_by_id.get(pool_id) or str(pool.get("name") or pool_id)
        before = old.get(name) or PoolQuota(node_pool=name, deserved_gpus=0.0)
        gpu = item.get("gpu")
        gpu = {} if gpu is None else gpu
        if not isinstance(gpu, Mapping):
            raise _refused(f"{where}.gpu must be an object.")
        values: dict[str, float] = {}
        for key, attribute, null_value in (
            ("deserved", "deserved_gpus", 0.0),
            ("limit", "limit_gpus", float(UNLIMITED)),
            ("overQuotaWeight", "over_quota_weight", DEFAULT_WEIGHT),
        ):
            value = gpu.get(key, getattr(before, attribute))
            if value is None:
                values[attribute] = null_value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                values[attribute] = value
            else:
                raise _refused(f"{where}.gpu.{key} must be a number.")
        result.append(PoolQuota(node_pool=name, **values))
    if replace:
        listed = {quota.node_pool for quota in result}
        result += [PoolQuota(node_pool=name, deserved_gpus=0.0) for name in old if name not in listed]
    return result


# ====================================================================================================
# workload metrics (§6): GET /api/v1/workloads/{id}/metrics, both sides
# ====================================================================================================
GPU_UTILIZATION = "GPU_UTILIZATION"
MAX_METRIC_SAMPLES = 1000
"""`numberOfSamples` is 0-1000 in the spec (§6); the default is 20."""
DEFAULT_METRIC_SAMPLES = 20


def metrics_params(metric: str, start: datetime, end: datetime, samples: int) -> dict[str, Any]:
    """The query of a metrics request: one type, a time range, a number of samples within bounds."""
    return {
        "metricType": metric,
        "start": format_rfc3339(start),
        "end": format_rfc3339(end),
        "numberOfSamples": max(0, min(MAX_METRIC_SAMPLES, samples)),
    }


def metrics_json(metric: str, points: Iterable[tuple[datetime, float | None]]) -> dict[str, Any]:
    """`MetricsResponse` with one measurement; values are strings, a point without a reading is left out."""
    values = [
        {"value": _metric_text(value), "timestamp": format_rfc3339(at)}
        for at, value in points
        if value is not None
    ]
    return {"measurements": [{"type": metric, "labels": None, "values": values}]}


def _metric_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def parse_metric_points(body: Any, metric: str) -> list[tuple[datetime, float | None]]:
    """The (time, value) points of `metric` in a `MetricsResponse` (200 or 207 partial), oldest first.
    Tolerant: a point without a readable time is skipped, one whose value is not a finite number
    ("NaN", "+Inf", garbage) keeps its time with no value; another metric's measurements are ignored;
    a measurement with labels (per GPU) is left to callers that ask for it."""
    points: list[tuple[datetime, float | None]] = []
    for measurement in _list(_obj(body, "metrics answer"), "measurements", "metrics answer"):
        if not isinstance(measurement, Mapping) or measurement.get("type") != metric:
            continue
        if measurement.get("labels"):
            continue
        for value in measurement.get("values") or ():
            if not isinstance(value, Mapping):
                continue
            at = parse_rfc3339(value.get("timestamp"))
            if at is not None:
                points.append((at, finite_number(value.get("value"))))
    return sorted(points, key=lambda point: point[0])
