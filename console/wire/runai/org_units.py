"""Projects, departments and their per-node-pool GPU quotas (`/api/v1/org-unit/...`), both sides: what the
live client reads and sends (`resources_body` for quota edits and new projects), what the simulator's face
answers (`project_json`, `department_json`) and how it reads a quota edit (`quotas_from_body`).

Quotas are read and written here only, so that each [UNSURE] choice means the same on both sides: a
`null` (or missing) `limit` is unlimited, like -1 (reference §3.3; rwc always sends -1 for "no limit"); a
null over-quota weight is the default weight; a `resources[]` entry without `nodePool` (optional and
nullable in both specs) is the quota of the default pool (`DEFAULT_POOL`), as on a cluster without node
pools, and one whose pool has only an `id` (the only required key) is shown under that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from console.model.enums import UNLIMITED, ProjectPhase
from console.model.runai import Department, PoolQuota, Project
from console.wire.common import finite_number
from console.wire.runai.fields import (
    _enum,
    _list,
    _mapping,
    _num,
    _obj,
    _refused,
    _str,
    _time,
    iso,
    json_number,
    parse_items,
)
from console.wire.runai.tenant import CREATED_BY

DEFAULT_WEIGHT = PoolQuota("", 0.0).over_quota_weight
"""A quota whose over-quota weight is `null` or missing has the default weight (as the simulator's face)."""

DEFAULT_POOL = "default"
"""Run:ai's default node pool: where quotas set without a pool apply."""


# -- reading an answer -----------------------------------------------------------------------------
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


# -- what rwc sends --------------------------------------------------------------------------------
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


# -- writing an answer (the simulator's face) ------------------------------------------------------
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


# -- reading what rwc sends (the simulator's face) -------------------------------------------------
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
