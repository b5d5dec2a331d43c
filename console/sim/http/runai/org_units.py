"""Departments and projects (`/api/v1/org-unit/...`): one handler set, parameterised by the kind of org
unit, for what both have (list, count, get one, PUT/PATCH resources), and the project-only actions
(create, update, delete).

What differs between the two kinds is said once, in an `OrgUnitKind`: how the simulator lists and
updates them, how they are written on the wire, and which fields a list filters and sorts on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.data.errors import Invalid
from console.model.identity import Identity
from console.model.runai import Department, PoolQuota, Project
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.runai.common import ACCEPTED, ADMIN, V2_18, expect, settled
from console.sim.http.runai.listing import Getter, paged, query_list
from console.sim.simulator import Simulator
from console.wire import runai as wire

OrgUnit = Department | Project


@dataclass(frozen=True)
class OrgUnitKind:
    """What a handler set needs to know about one kind of org unit."""

    noun: str
    """"Department" or "Project", as the API's messages name it."""
    plural: str
    """The list's key in the answer and the path segment: "departments" or "projects"."""
    id_param: str
    """The route template's name for the unit's id."""
    units: Callable[[Simulator, Identity], list[Any]]
    exists: Callable[[Simulator, str], bool]
    update_quotas: Callable[[Simulator, Identity, str, Sequence[PoolQuota]], Any]
    extra_getters: Callable[[Simulator], dict[str, Getter]]
    """The fields it filters and sorts on besides name and cluster, in the order a refusal lists them."""
    created_at: Callable[[Simulator, Any], Any]
    searchable: bool


DEPARTMENTS = OrgUnitKind(
    noun="Department",
    plural="departments",
    id_param="department_id",
    units=lambda sim, actor: sim.runai.departments(actor),
    exists=lambda sim, unit_id: sim.runai.department_exists(unit_id),
    update_quotas=lambda sim, actor, unit_id, quotas: sim.runai.update_department_quotas(
        actor, unit_id, quotas
    ),
    extra_getters=lambda sim: {},
    created_at=lambda sim, d: sim.runai.department_created_at(d.id),
    searchable=False,
)
PROJECTS = OrgUnitKind(
    noun="Project",
    plural="projects",
    id_param="project_id",
    units=lambda sim, actor: sim.runai.projects(actor),
    exists=lambda sim, unit_id: sim.runai.project_exists(unit_id),
    update_quotas=lambda sim, actor, unit_id, quotas: sim.runai.update_project_quotas(actor, unit_id, quotas),
    extra_getters=lambda sim: {
        "departmentId": lambda p: p.department_id,
        "parentId": lambda p: p.department_id,
        "parentName": lambda p: p.department_name,
        "phase": lambda p: p.phase.value,
    },
    created_at=lambda sim, p: p.created_at,
    searchable=True,
)


def pool_ids(sim: Simulator) -> dict[str, str]:
    return {pool.name: pool.id for pool in sim.runai.node_pools()}


class OrgUnits:
    """The handlers of one kind of org unit; `version` is the control plane the face answers as."""

    def __init__(self, kind: OrgUnitKind, version: str) -> None:
        self.kind = kind
        self.version = version

    # -- JSON -----------------------------------------------------------------------------------------
    def unit_json(
        self, sim: Simulator, unit: OrgUnit, ids: Mapping[str, str], *, detailed: bool
    ) -> dict[str, Any]:
        cluster = sim.runai.cluster.uuid
        if isinstance(unit, Project):
            body = wire.project_json(unit, ids, cluster)
            if (
                self.version == V2_18
            ):  # its project list requires a top-level `phase` (its `Project` has none)
                body["phase"] = unit.phase.value
            return body
        children = []
        for project_id in unit.project_ids:
            project = sim.runai.project_record(project_id)
            if project is not None:
                children.append((project_id, project.name))
        return wire.department_json(
            unit,
            ids,
            cluster,
            created_at=sim.runai.department_created_at(unit.id),
            children=children,
            detailed=detailed,
        )

    def getters(self, sim: Simulator) -> dict[str, Getter]:
        """The fields `filterBy` and `sortBy` take, in the order a refusal lists them."""
        cluster = sim.runai.cluster.uuid
        kind = self.kind
        return {
            "name": lambda u: u.name,
            "clusterId": lambda u: cluster,
            **kind.extra_getters(sim),
            "totalGpuQuota": lambda u: u.deserved_gpus,
            "gpuAllocated": lambda u: u.allocated_gpus,
            "createdAt": lambda u: kind.created_at(sim, u),
        }

    def _query(self, request: Request, sim: Simulator, actor: Identity, *, sortable: bool) -> list[Any]:
        search = (lambda u: u.name) if self.kind.searchable else None
        units = self.kind.units(sim, actor)
        return query_list(units, request, self.getters(sim), search=search, sortable=sortable)

    # -- handlers -------------------------------------------------------------------------------------
    def list_all(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = self._query(request, sim, actor, sortable=True)
        ids = pool_ids(sim)
        return paged(self.kind.plural, items, request, lambda u: self.unit_json(sim, u, ids, detailed=False))

    def count(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(200, {"count": len(self._query(request, sim, actor, sortable=False))})

    def get(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        unit_id = request.path_params[self.kind.id_param]
        found = next((u for u in self.kind.units(sim, actor) if u.id == unit_id), None)
        if found is None:
            if self.kind.exists(sim, unit_id):
                raise HttpError(403, "You do not have sufficient permissions.")
            raise HttpError(404, f"{self.kind.noun} {unit_id} not found.")
        return Response.json(200, self.unit_json(sim, found, pool_ids(sim), detailed=True))

    def existing(self, sim: Simulator, unit_id: str) -> OrgUnit:
        """The unit as an administrator sees it (its current quotas), or 404."""
        found = next((u for u in self.kind.units(sim, ADMIN) if u.id == unit_id), None)
        if found is None:
            raise HttpError(404, f"{self.kind.noun} {unit_id} not found.")
        return found

    def _resources(self, request: Request, sim: Simulator, actor: Identity, *, replace: bool) -> Response:
        unit_id = request.path_params[self.kind.id_param]
        existing = self.existing(sim, unit_id)
        quotas = quotas_from_body(sim, request.json(), existing.quotas, replace=replace)
        unit = self.kind.update_quotas(sim, actor, unit_id, quotas)
        settled(sim)
        return Response.json(200, wire.resources_json(unit.quotas, pool_ids(sim)))

    def put_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._resources(request, sim, actor, replace=True)

    def patch_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._resources(request, sim, actor, replace=False)

    # -- projects only --------------------------------------------------------------------------------
    def create(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        body = request.json()
        name = expect(body, "name", str, "name", required=True)
        cluster_id = expect(body, "clusterId", str, "clusterId", required=True)
        if cluster_id != sim.runai.cluster.uuid:
            raise HttpError(400, f"Cluster {cluster_id} does not exist.")
        parent_id = expect(body, "parentId", str, "parentId", required=False) or ""
        quotas = quotas_from_body(sim, body.get("resources"), (), replace=False)
        project = sim.runai.create_project(actor, name, parent_id, quotas)
        settled(sim)
        return Response.json(201, self.unit_json(sim, project, pool_ids(sim), detailed=True))

    def put(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """ProjectUpdateRequest: `resources` replace the quotas; name, cluster and parent cannot change."""
        project_id = request.path_params[self.kind.id_param]
        body = request.json()
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        existing = self.existing(sim, project_id)
        quotas = quotas_from_body(sim, body.get("resources"), existing.quotas, replace=True)
        project = sim.runai.update_project_quotas(actor, project_id, quotas)
        settled(sim)
        return Response.json(200, self.unit_json(sim, project, pool_ids(sim), detailed=True))

    def delete(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        sim.runai.delete_project(actor, request.path_params[self.kind.id_param])
        settled(sim)
        return Response.json(202, ACCEPTED)


def quotas_from_body(
    sim: Simulator, items: Any, current: Sequence[PoolQuota], *, replace: bool
) -> list[PoolQuota]:
    """`Resources[]` as quotas for the simulator (`wire.quotas_from_body`)."""
    names_by_id = {pool.id: pool.name for pool in sim.runai.node_pools()}
    try:
        return wire.quotas_from_body(items, current, names_by_id, replace=replace)
    except Invalid as error:
        raise HttpError(400, error.message) from None
