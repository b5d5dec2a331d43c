"""Workloads of the Run:ai face: list, count, get, pods (one workload's and all), events, metrics and
telemetry, submissions (trainings, workspaces, distributed, inferences) and suspend/resume/delete.

Bodies come from the simulator's `describe_workload` (already in the wire's shape) and console.wire.runai;
the pods of the all-pods list are cut to a page before their views are built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from console.data.errors import Invalid
from console.model.identity import Identity
from console.model.runai import Workload, WorkloadSpec, WorkloadType
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.runai.common import (
    ACCEPTED,
    V2_18,
    Handler,
    bad_request,
    check_telemetry_type,
    expect,
    face_uuid,
    group_by,
    settled,
    telemetry,
)
from console.sim.http.runai.listing import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Getter,
    int_param,
    metrics_query,
    paged,
    query_list,
    terms,
)
from console.sim.runai_state import PRIORITY_CLASS_VALUES, ProjectState
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.runai import CATEGORY, KIND_SEGMENTS, iso

WORKLOAD_FIELDS_SINCE_2_18 = (
    "aiApplicationId",
    "aiApplicationName",
    "arguments",
    "category",
    "command",
    "environmentVariables",
    "guaranteedRuntimeEndsAt",
    "idleAllocatedGpus",
    "idleGpus",
    "phaseReason",
    "priority",
    "sourceApi",
    "topology",
    "totalPendingTimeSeconds",
    "totalRunningTimeSeconds",
)
"""`Workload` properties of the latest spec that the 2.18 spec does not have."""
WORKLOAD_GROUP_KEYS = {
    "clusterid": "ClusterId",
    "departmentid": "DepartmentId",
    "projectid": "ProjectId",
    "type": "Type",
    "currentnodepools": "CurrentNodepools",
    "phase": "Phase",
    "category": "Category",
}
# [UNSURE] the spec's telemetry example shows a group `{key: "department", value: "1", name: "department-A"}`
# without saying how keys are spelled; this face answers each group with the `groupBy` name as sent in the
# spec's enum (e.g. "Node"), the id (or name, for nodes and node pools) as `value`, and a display `name`.


class Workloads:
    """The workload handlers; `version` is the control plane the face answers as."""

    def __init__(self, version: str) -> None:
        self.version = version

    def _workload_getters(self, sim: Simulator) -> dict[str, Getter]:
        cluster = sim.runai.cluster.uuid
        return {
            "type": lambda w: w.type.value,
            "name": lambda w: w.name,
            "clusterId": lambda w: cluster,
            "projectId": lambda w: w.project_id,
            "projectName": lambda w: w.project_name,
            "departmentId": lambda w: _department_id(sim, w.project_id),
            "departmentName": lambda w: w.department_name,
            "createdAt": lambda w: w.created_at,
            "submittedBy": lambda w: w.submitted_by,
            "phase": lambda w: w.phase.value,
            "completedAt": lambda w: w.completed_at,
            # The node pool a workload runs in, or the ones it asks for while it runs nowhere (the demo's
            # WorkloadFilter.node_pool reads it the same way).
            "nodepool": lambda w: (w.current_node_pool,) if w.current_node_pool else w.requested_node_pools,
            "allocatedGPU": lambda w: w.allocated_gpus,
            "phaseUpdatedAt": lambda w: w.phase_updated_at,
            "category": lambda w: CATEGORY[w.type],
            "priorityClassName": lambda w: w.priority_class,
            "priority": lambda w: PRIORITY_CLASS_VALUES.get(w.priority_class, 0),
        }

    @staticmethod
    def _visible_workloads(sim: Simulator, actor: Identity, request: Request) -> list[Workload]:
        if (request.param("deleted") or "").lower() == "true":
            return []  # deleted workloads are gone from the simulator
        return sim.runai.workloads(actor)

    def _workload_json(
        self, sim: Simulator, actor: Identity, workload_id: str, *, detailed: bool
    ) -> dict[str, Any]:
        body = dict(sim.runai.describe_workload(actor, workload_id))
        if not detailed:
            body.pop("pendingSchedulingMessages", None)  # WorkloadDetailed only
        if self.version == V2_18:
            for key in WORKLOAD_FIELDS_SINCE_2_18:
                body.pop(key, None)
        return body

    def _pod_json(self, sim: Simulator, workload: Workload, pod: Any) -> dict[str, Any]:
        pod_id = face_uuid("pod", workload.id, pod.name)
        return wire.pod_json(pod, pod_id, workload, sim.runai.cluster.uuid)

    def _event_json(self, sim: Simulator, workload: Workload, index: int, event: Any) -> dict[str, Any]:
        namespace = _project(sim, workload.project_id).namespace
        event_id = face_uuid("event", workload.id, str(index))
        return wire.event_json(event, event_id, workload, namespace, sim.runai.cluster.uuid)

    # -- workloads: handlers --------------------------------------------------------------------------
    def _query(self, request: Request, sim: Simulator, actor: Identity, *, sortable: bool) -> list[Workload]:
        workloads = self._visible_workloads(sim, actor, request)
        getters = self._workload_getters(sim)
        return query_list(workloads, request, getters, search=lambda w: w.name, sortable=sortable)

    def list_all(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = self._query(request, sim, actor, sortable=True)
        return paged(
            "workloads", items, request, lambda w: self._workload_json(sim, actor, w.id, detailed=False)
        )

    def count(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(200, {"count": len(self._query(request, sim, actor, sortable=False))})

    def get(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(
            200, self._workload_json(sim, actor, request.path_params["workload_id"], detailed=True)
        )

    def pods(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        workload = sim.runai.workload(actor, request.path_params["workload_id"])
        pods = [(workload, pod) for pod in workload.pods]
        pods = query_list(pods, request, {}, search=lambda pair: pair[1].name)
        return paged("pods", pods, request, lambda pair: self._pod_json(sim, *pair))

    def all_pods(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """Every pod of every visible workload (`GET /api/v1/workloads/pods`), in workload order."""
        workloads = self._visible_workloads(sim, actor, request)
        cluster = sim.runai.cluster.uuid
        plain = (
            all(term == f"clusterId=={cluster}" for term in terms(request))
            and not request.param("search")
            and not request.param("sortBy")
            and (request.param("completed") or "").lower() not in ("true", "false")
        )
        if plain:
            return self._pods_window(sim, workloads, request)
        pairs = []
        for workload in workloads:
            pairs += [(workload, pod) for pod in sim.runai.workload_pods(workload.id)]
        getters: dict[str, Getter] = {
            "clusterId": lambda pair: cluster,
            "workloadId": lambda pair: pair[0].id,
            "nodeName": lambda pair: pair[1].node_name,
            "currentNodepool": lambda pair: pair[0].current_node_pool,
            "createdAt": lambda pair: pair[1].created_at,
        }
        completed = (request.param("completed") or "").lower()
        if completed in ("true", "false"):
            wanted = completed == "true"
            pairs = [pair for pair in pairs if (pair[1].k8s_phase in ("Succeeded", "Failed")) is wanted]
        pairs = query_list(pairs, request, getters, search=lambda pair: pair[1].name)
        return paged("pods", pairs, request, lambda pair: self._pod_json(sim, *pair))

    def _pods_window(self, sim: Simulator, workloads: Sequence[Workload], request: Request) -> Response:
        """One page of all pods without building every pod's view (20,000 workloads make 40 pages)."""
        offset = int_param(request, "offset", 0, 0, None)
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        seen = 0
        chunk: list[dict[str, Any]] = []
        for workload in workloads:
            # A Stopped workload has no pods (they are gone); the count says so without building views.
            count = sim.runai.workload_pod_count(workload.id)
            if count and seen + count > offset and len(chunk) < limit:
                for index, pod in enumerate(sim.runai.workload_pods(workload.id)):
                    if offset <= seen + index and len(chunk) < limit:
                        chunk.append(self._pod_json(sim, workload, pod))
            seen += count
        body: dict[str, Any] = {"pods": chunk}
        if offset + limit < seen:
            body["next"] = offset + limit
        return Response.json(200, body)

    def events(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        workload_id = request.path_params["workload_id"]
        workload = sim.runai.workload(actor, workload_id)
        events = list(enumerate(sim.runai.workload_events(actor, workload_id)))
        events.sort(key=lambda pair: pair[1].created_at)  # stable: same-time events keep their order
        order = request.param("sortOrder") or "desc"  # events default to newest first (EventsSort)
        if order not in ("asc", "desc"):
            raise HttpError(400, f"sortOrder must be asc or desc, not {order!r}.")
        if order == "desc":
            events.reverse()
        return paged("events", events, request, lambda pair: self._event_json(sim, workload, *pair))

    def metrics(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """`MetricsResponse` of one workload (§6): GPU_UTILIZATION from the simulator's loads; the other
        types it does not model answer with no values, as a metric with no samples does."""
        query = metrics_query(request)
        start, end, samples = query.start, query.end, query.samples
        workload_id = request.path_params["workload_id"]
        wanted = query.metrics
        sim.runai.workload(actor, workload_id)  # 404 / 403 as for any workload route
        measurements = []
        if wire.GPU_UTILIZATION in wanted:
            points = sim.runai.workload_utilisation_samples(actor, workload_id, start, end, samples)
            measurements += wire.metrics_json(wire.GPU_UTILIZATION, points)["measurements"]
        if wire.GPU_MEMORY_USAGE_BYTES in wanted:
            used = sim.runai.workload_memory_samples(actor, workload_id, start, end, samples)
            measurements += wire.metrics_json(wire.GPU_MEMORY_USAGE_BYTES, used)["measurements"]
        if not measurements:  # a type it does not model: one measurement with no values
            measurements = wire.metrics_json(wanted[0], [])["measurements"]
        return Response.json(200, {"measurements": measurements})

    def workload_telemetry(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        kind = request.param("telemetryType")
        measures: dict[str, Callable[[Workload], float]] = {
            "WORKLOADS_COUNT": lambda w: 1,
            "GPU_ALLOCATION": lambda w: w.allocated_gpus,
        }
        kind = check_telemetry_type(kind, measures)
        allowed = WORKLOAD_GROUP_KEYS
        if self.version == V2_18:
            allowed = {key: name for key, name in allowed.items() if name != "Category"}
        groups = group_by(request, allowed)
        workloads = sim.runai.workloads(actor)
        cluster = sim.runai.cluster_info()
        if request.param("clusterId") and request.param("clusterId") != cluster.uuid:
            workloads = []
        phases = set(terms(request, "filterByPhases")) if self.version != V2_18 else set()
        if phases:
            workloads = [w for w in workloads if w.phase.value in phases]
        department_id = request.param("departmentId")
        if department_id:
            workloads = [w for w in workloads if _project(sim, w.project_id).department_id == department_id]
        pool_name = request.param("nodepoolName")
        if pool_name:
            workloads = [w for w in workloads if w.current_node_pool == pool_name]

        def group_of(workload: Workload) -> tuple[tuple[str, str, str], ...]:
            project = _project(sim, workload.project_id)
            parts = {
                "ClusterId": (cluster.uuid, cluster.name),
                "DepartmentId": (project.department_id, workload.department_name),
                "ProjectId": (workload.project_id, workload.project_name),
                "Type": (workload.type.value, workload.type.value),
                "CurrentNodepools": (workload.current_node_pool or "", workload.current_node_pool or ""),
                "Phase": (workload.phase.value, workload.phase.value),
                "Category": (CATEGORY[workload.type], CATEGORY[workload.type]),
            }
            return tuple((key, *parts[key]) for key in groups)

        return telemetry(sim, kind, workloads, group_of, measures[kind])

    # -- workloads: actions ---------------------------------------------------------------------------
    def submitter(self, segment: str) -> Handler:
        workload_type = KIND_SEGMENTS[segment]

        def submit(request: Request, sim: Simulator, actor: Identity) -> Response:
            body = request.json()
            spec = self._spec_from_body(sim, body, workload_type)
            workload_id = sim.runai.submit_workload(actor, spec)
            settled(sim)
            workload = sim.runai.workload(actor, workload_id)
            return Response.json(202, _typed_answer(sim, workload, actor.user, body.get("spec") or {}))

        return submit

    def getter(self, segment: str) -> Handler:
        """`GET /api/v1/workloads/{trainings,...}/{workloadId}`: the workload with its `spec` as submitted
        (image, compute, storage.pvc, ...), which the generic `/workloads/{id}` does not carry: where a
        suspended workload's volumes are read from, as it has no pods to follow."""
        workload_type = KIND_SEGMENTS[segment]

        def get(request: Request, sim: Simulator, actor: Identity) -> Response:
            workload_id = request.path_params["workload_id"]
            if sim.runai.workload_type(workload_id) is not workload_type:
                raise HttpError(404, f"Workload {workload_id} not found.")
            workload = sim.runai.workload(actor, workload_id)
            spec = sim.runai.workload_spec(actor, workload_id)
            body = wire.submission_body(spec, workload.project_id, sim.runai.cluster.uuid)
            return Response.json(200, _typed_answer(sim, workload, workload.submitted_by, body["spec"]))

        return get

    def _spec_from_body(self, sim: Simulator, body: Any, workload_type: WorkloadType) -> WorkloadSpec:
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        expect(body, "name", str, "name", required=True)
        project_id = expect(body, "projectId", (str, int), "projectId", required=True)
        cluster_id = expect(body, "clusterId", str, "clusterId", required=True)
        if cluster_id != sim.runai.cluster.uuid:
            raise bad_request(f"Cluster {cluster_id} does not exist.", "clusterId")
        project = sim.runai.project_record(str(project_id))
        if project is None:
            raise bad_request(f"Project {project_id} does not exist.", "projectId")
        try:
            return wire.spec_from_body(body, workload_type, project.name)
        except Invalid as error:
            raise bad_request(error.message, error.field) from None

    def action(self, segment: str, verb: str) -> Handler:
        workload_type = KIND_SEGMENTS[segment]

        def act(request: Request, sim: Simulator, actor: Identity) -> Response:
            workload_id = request.path_params["workload_id"]
            # [UNSURE] a workload addressed under another type's path is answered as not found.
            if sim.runai.workload_type(workload_id) is not workload_type:
                raise HttpError(404, f"Workload {workload_id} not found.")
            action = {
                "suspend": sim.runai.suspend_workload,
                "resume": sim.runai.resume_workload,
                "delete": sim.runai.delete_workload,
            }[verb]
            action(actor, workload_id)
            settled(sim)
            return Response.json(202, ACCEPTED)

        return act


def _project(sim: Simulator, project_id: str) -> ProjectState:
    """The project of a workload the simulator listed (it exists while the workload does)."""
    project = sim.runai.project_record(project_id)
    if project is None:
        raise HttpError(404, f"Project {project_id} not found.")
    return project


def _department_id(sim: Simulator, project_id: str) -> str | None:
    project = sim.runai.project_record(project_id)
    return project.department_id if project is not None else None


def _typed_answer(sim: Simulator, workload: Workload, created_by: str, spec: Any) -> dict[str, Any]:
    """`Training` / `Workspace` / ... as the typed routes answer (a submit's 202, a GET's 200)."""
    return {
        "name": workload.name,
        "requestedName": workload.name,
        "workloadId": workload.id,
        "projectId": workload.project_id,
        "departmentId": _project(sim, workload.project_id).department_id,
        "clusterId": sim.runai.cluster.uuid,
        "createdBy": created_by,
        "createdAt": iso(workload.created_at),
        "deletedAt": None,
        "desiredPhase": "Stopped" if workload.phase.value in ("Stopping", "Stopped") else "Running",
        "actualPhase": workload.phase.value,
        "spec": spec,
    }
