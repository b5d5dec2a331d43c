"""`RunaiClient`: the Run:ai control-plane REST API (`/api/v1`) as async methods returning domain objects.

Three modules make the client: `runai_api` (the sign-in, one call through the shared `ApiSession` with its
TLS from the profile, bounds and renew-once-on-401, the paged lists, which version's routes answer),
`runai_nodes` (nodes and node pools with their telemetry) and this one (who and where, org units,
workloads). Authentication is an application token: the client id and secret are exchanged at
`POST /api/v1/token`, the token is reused until shortly before its `exp` and renewed once when a request
answers 401 anyway. That single renewal is the only retry in here: the Store owns backoff, so a failing call
raises at once with a typed `console.data.errors` error (see `http_errors`), never an httpx exception.

Every list is paged (`offset`/`limit` 500, following `next`, and a full page when a list has no `next`), and
every list is narrowed to the profile's cluster on the server (`filterBy=clusterId==…`); a workload filter
goes to the server as `filterBy` terms. What the Run:ai objects lack is read from the API's own side
endpoints: per-node allocation and capacity from `/api/v1/nodes/telemetry`, per-project running/pending
counts from `/api/v1/workloads/telemetry`, a workload's nodes from its pods (`console.wire.runai` says
which field comes from where).

The secret is held in an object whose repr hides it, is sent only in the token request's JSON body (never
a URL), and no error message is built from a request, so it cannot surface in a traceback or a log line.

Public API (all async; every method raises `console.data.errors.BackendError` subclasses):

    RunaiClient(base_url, client_id, client_secret, *, cluster_id=None, verify=True, timeout=DEFAULT_TIMEOUT)
    RunaiClient.from_profile(profile, *, environ=None, insecure=None, timeout=DEFAULT_TIMEOUT)
    cluster() identity() departments() department(id) projects() project(id) node_pools()
    nodes(*, with_telemetry=True) workloads(filter=None, *, with_node_names=True) workload(id)
    nodes_and_degraded_workloads() describe_workload(id)
    create_project(name, department_id, quotas) update_project_quotas(project_id, quotas) delete_project(id)
    update_department_quotas(department_id, quotas)
    submit_workload(spec) suspend_workload(id) resume_workload(id) delete_workload(id)
    aclose()  (also `async with RunaiClient(...)`)
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from console.backends.live import runai_versions as versions
from console.backends.live.accepted import read_back
from console.backends.live.bounded_http import REQUEST_DEADLINE_SECONDS
from console.backends.live.concurrency import bounded, together
from console.backends.live.http_errors import parse_json, require
from console.backends.live.runai_alert_count import RunaiAlertCount
from console.backends.live.runai_api import (
    DEFAULT_TIMEOUT,
    MAX_LIST_ITEMS,
    PAGE_SIZE,
    SERVICE,
    RunaiApi,
)
from console.backends.live.runai_gpu_history import RunaiGpuHistory
from console.backends.live.runai_nodes import RunaiNodes
from console.backends.live.runai_workload_specs import RunaiWorkloadSpecs
from console.backends.live.session import ApiSession, tls_verify
from console.config import Profile
from console.data.errors import BadResponse, Forbidden, Invalid, NotFound
from console.data.unreadable import answered_parts
from console.model import (
    ClusterInfo,
    Department,
    Identity,
    Node,
    NodePool,
    PoolQuota,
    Project,
    Workload,
    WorkloadEvent,
    WorkloadFilter,
    WorkloadPage,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
    WorkloadWindow,
)
from console.model.capacity import GpuCapacity
from console.model.enums import PLACED_PHASES
from console.model.events import Event, workload_event
from console.model.windows import WorkloadPlacement, newest_window
from console.wire import runai as wire

MAX_EVENTS_PER_WORKLOAD = 100
"""The newest this many events of a workload for the cluster-wide event list (one page)."""

EVENTS_PAGE_LIMIT = 500

METRICS_CONCURRENCY = 8
"""Per-workload metrics requests in flight at once: enough to read a screenful quickly, few enough not
to look like a flood to the control plane."""

NODE_LOOKUPS_PER_READ = 32
"""Workloads whose nodes one ask looks up (their own pods); the rest on the next poll."""
REMEMBERED_PLACEMENTS = 2_000
"""Workloads whose nodes are remembered: a few screens of rows, whatever the cluster's size."""


def _pod_items(body: Any) -> list[Any]:
    """The `pods` of a `/workloads/{id}/pods` answer (none when it carries none)."""
    pods = body.get("pods") if isinstance(body, dict) else None
    return pods if isinstance(pods, list) else []


class RunaiClient:
    """The Run:ai control plane of one tenant, narrowed to one cluster."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str | Callable[[], str],
        *,
        cluster_id: str | None = None,
        verify: ssl.SSLContext | bool = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        page_size: int = PAGE_SIZE,
        max_list_items: int = MAX_LIST_ITEMS,
        wall_clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
    ) -> None:
        self._api = RunaiApi(
            base_url,
            client_id,
            client_secret,
            cluster_id=cluster_id,
            verify=verify,
            timeout=timeout,
            page_size=page_size,
            max_list_items=max_list_items,
            wall_clock=wall_clock,
            transport=transport,
            deadline_seconds=deadline_seconds,
        )
        self._nodes = RunaiNodes(self._api)
        self.gpu_history = RunaiGpuHistory(self._api)
        self.specs = RunaiWorkloadSpecs(self._api)
        """Each GPU's history on a node (node metrics per GPU)."""
        self._alert_count = RunaiAlertCount(
            self._api.page_size,
            not_ready=self._nodes.not_ready,
            all_nodes=lambda: self.nodes(with_telemetry=False),
            degraded=self.degraded_workloads,
        )
        self.base_url = self._api.base_url
        self.client_id = client_id
        self._profile_cluster_id = cluster_id
        """The cluster the profile named; None means "the tenant's only or first-created", re-picked by
        `cluster()` (so an error never blames a profile setting the user did not make)."""
        self._placements: dict[str, tuple[datetime | None, tuple[str, ...]]] = {}
        """{workload id: (its phase change when read, the nodes its pods run on)}, oldest read first."""

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        environ: Mapping[str, str] | None = None,
        insecure: bool | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ) -> RunaiClient:
        """A client for `profile`: its URL, client id, secret (read from its env var or file whenever a
        token is needed), cluster id and TLS settings; `insecure` (--insecure) overrides the profile's."""
        off = profile.insecure if insecure is None else insecure
        return cls(
            profile.runai_url,
            profile.runai_client_id,
            lambda: profile.runai_client_secret(environ),
            cluster_id=profile.cluster_id,
            verify=tls_verify(profile.ca_bundle, off, key=f"profiles.{profile.name}.ca_bundle"),
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return (
            f"RunaiClient({self.base_url!r}, client_id={self.client_id!r}, "
            f"cluster_id={self._api.cluster_id!r})"
        )

    async def __aenter__(self) -> RunaiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._api.aclose()

    @property
    def session(self) -> ApiSession:
        """The HTTP session (its token and connection pool)."""
        return self._api.session

    @property
    def tokens_fetched(self) -> int:
        """How many tokens this client has obtained (tests check refreshes with it)."""
        return self._api.session.tokens_fetched

    # ================================================================================================
    # who and where
    # ================================================================================================
    async def cluster(self) -> ClusterInfo:
        """The profile's cluster (`cluster_id`), or the tenant's only / first-created cluster (picked again
        on each call, so a NotFound here is about the profile's setting only when the profile made one)."""
        chosen = wire.choose_cluster(await self._api.get("/api/v1/clusters"), self._profile_cluster_id)
        info = wire.parse_cluster(chosen)
        self._api.cluster_id = info.uuid
        return info

    async def identity(self) -> Identity:
        """Who the token acts as: the user from the token's claims, the role from the caller's access rules
        (`/api/v1/authorization/me/access-rules`, or on 2.18 the tenant's rules of this subject) and, for a
        researcher, the projects the API shows them."""
        token = await self._api.session.token()
        user = wire.user_from_claims(wire.jwt_claims(token), self.client_id)
        if wire.is_admin(await self._my_access_rules(user)):
            return wire.identity_from(user, True, ())
        projects = await self._api.list_all(
            "/api/v1/org-unit/projects", "projects", await self._api.cluster_filter()
        )
        return wire.identity_from(user, False, wire.project_names(projects))

    async def _my_access_rules(self, user: str) -> list[Any]:
        if "access-rules" not in self._api.legacy_routes:
            try:
                return await self._paged_rules(
                    "/api/v1/authorization/me/access-rules",
                    lambda body: (wire.access_rules_of(body), body["accessRules"].get("totalRecords")),
                )
            except NotFound:
                pass  # 2.18: no "me" route
        try:
            rules = await self._paged_rules("/api/v1/authorization/access-rules", versions.access_rules_2_18)
        except Forbidden:
            rules = []  # on 2.18 only administrators may read access rules: the caller is not one
        except NotFound:
            raise NotFound(
                f"Your access rules are {versions.NOT_AVAILABLE}.", status=404, service=SERVICE
            ) from None
        self._api.legacy_routes.add("access-rules")
        return versions.rules_of_subject(rules, (user, self.client_id))

    async def _paged_rules(self, path: str, read: Callable[[Any], tuple[list[Any], Any]]) -> list[Any]:
        """Access rules, paged by their `totalRecords`; a total that never comes ends at the list cap."""
        rules: list[Any] = []
        offset = 0
        while len(rules) < self._api.max_list_items:
            chunk, total = read(await self._api.get(path, {"offset": offset, "limit": self._api.page_size}))
            rules += chunk
            if not chunk or not isinstance(total, int) or len(rules) >= total:
                break
            offset += len(chunk)
        return rules[: self._api.max_list_items]

    # ================================================================================================
    # org units
    # ================================================================================================
    async def _workload_counts(self) -> dict[str, tuple[int, int]]:
        params = {
            "telemetryType": "WORKLOADS_COUNT",
            "groupBy": "ProjectId,Phase",
            "clusterId": await self._api.cluster_uuid(),
            "filterByPhases": ",".join((*wire.RUNNING_PHASES, *wire.PENDING_PHASES)),
        }
        return wire.workload_counts(await self._api.get("/api/v1/workloads/telemetry", params))

    async def projects(self) -> list[Project]:
        in_cluster = await self._api.cluster_filter()  # resolved once, before the two requests
        items, counts = await together(
            self._api.list_all("/api/v1/org-unit/projects", "projects", in_cluster), self._workload_counts()
        )
        return wire.parse_projects(items, counts)

    async def project(self, project_id: str) -> Project:
        item, counts = await together(
            self._api.get(f"/api/v1/org-unit/projects/{project_id}"), self._workload_counts()
        )
        return wire.parse_project(item, counts)

    async def departments(self) -> list[Department]:
        """Each department by id: only `GET /org-unit/departments/{id}` has the per-pool quota statuses."""
        items = await self._api.list_all(
            "/api/v1/org-unit/departments", "departments", await self._api.cluster_filter()
        )
        ids = wire.department_ids(items)
        return await together(*(self.department(department_id) for department_id in ids))

    async def department(self, department_id: str) -> Department:
        return wire.parse_department(await self._api.get(f"/api/v1/org-unit/departments/{department_id}"))

    async def _pool_ids(self) -> dict[str, str]:
        pools = await self._nodes.node_pools_raw(await self._api.cluster_uuid())
        return wire.pool_ids(pools)

    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        cluster = await self._api.cluster_uuid()
        body = wire.project_creation_body(name, department_id, quotas, cluster, await self._pool_ids())
        response = await self._api.request("POST", "/api/v1/org-unit/projects", body=body)
        with read_back(SERVICE):
            return wire.parse_project(parse_json(response, SERVICE), {})

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        """PATCH the listed node pools' quotas (pools not listed keep theirs), then read the project back."""
        body = wire.resources_body(quotas, await self._pool_ids())
        await self._api.request("PATCH", f"/api/v1/org-unit/projects/{project_id}/resources", body=body)
        with read_back(SERVICE):
            return await self.project(project_id)

    async def delete_project(self, project_id: str) -> None:
        await self._api.request("DELETE", f"/api/v1/org-unit/projects/{project_id}")

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        body = wire.resources_body(quotas, await self._pool_ids())
        await self._api.request("PATCH", f"/api/v1/org-unit/departments/{department_id}/resources", body=body)
        with read_back(SERVICE):
            return await self.department(department_id)

    # ================================================================================================
    # nodes and node pools (`runai_nodes`)
    # ================================================================================================
    async def gpu_capacity(self) -> GpuCapacity:
        return await self._nodes.gpu_capacity()

    async def nodes(self, *, with_telemetry: bool = True) -> list[Node]:
        """Nodes as Run:ai sees them (`RunaiNodes.nodes`)."""
        return await self._nodes.nodes(with_telemetry=with_telemetry)

    async def node_pools(self) -> list[NodePool]:
        return await self._nodes.node_pools()

    # ================================================================================================
    # workloads
    # ================================================================================================
    async def workloads(
        self, workload_filter: WorkloadFilter | None = None, *, with_node_names: bool = True
    ) -> list[Workload]:
        """Workloads of the cluster, filtered on the server. Node names come from the cluster-wide pod list
        (a second paged request); `with_node_names=False` skips it and leaves `node_names` empty."""
        cluster = await self._api.cluster_uuid()
        terms, left = wire.workload_filter_terms(workload_filter)
        workload_list = self._api.list_all(
            "/api/v1/workloads", "workloads", self._api.filter(f"clusterId=={cluster}", *terms)
        )
        if with_node_names:
            pod_list = self._api.list_all(
                "/api/v1/workloads/pods", "pods", self._api.filter(f"clusterId=={cluster}")
            )
            items, pods = await together(workload_list, pod_list)
        else:
            items, pods = await workload_list, []
        workloads = wire.parse_workloads(items, pods)
        return [workload for workload in workloads if left is None or wire.matches_locally(workload, left)]

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        """The newest `window.limit` workloads (`sortBy=createdAt` descending) and the server's count of all
        that pass the filter: a page or two and a count, however large the cluster.

        Node names cost a request per workload (its pods), so the page carries only those already read for
        it (`workload_node_names`, asked for the rows on screen) and still current: a steady list costs no
        pod request at all, never the cluster's whole pod list."""
        terms, left = wire.workload_filter_terms(window.filter)
        if left is not None:  # a filter the server cannot apply: read the list and cut it here
            return newest_window(await self.workloads(window.filter), window)
        narrowed = await self._api.cluster_filter(*terms)
        newest = {"sortBy": "createdAt", "sortOrder": "desc"}
        items, counted = await together(
            self._api.list_all("/api/v1/workloads", "workloads", {**narrowed, **newest}, limit=window.limit),
            self._api.get("/api/v1/workloads/count", narrowed),
        )
        workloads = wire.parse_workloads(items)
        known = self._placements
        page = tuple(
            replace(w, node_names=known[w.id][1])
            if w.phase in PLACED_PHASES and w.id in known and known[w.id][0] == w.phase_updated_at
            else w
            for w in workloads
        )
        return WorkloadPage(page, max(wire.parse_count(counted), len(page)))

    async def workload_node_names(
        self, placements: Sequence[WorkloadPlacement]
    ) -> dict[str, tuple[str, ...]]:
        """{id: nodes} of `placements`, from memory or (`NODE_LOOKUPS_PER_READ` at most, in order) their
        pods (`/api/v1/workloads/{id}/pods`); memory holds what the last few asks named, no more."""
        known = self._placements
        unknown = [
            p
            for p in placements
            if p.workload_id not in known or known[p.workload_id][0] != p.phase_updated_at
        ]
        gate = bounded(METRICS_CONCURRENCY)

        async def look_up(placement: WorkloadPlacement) -> None:
            pods_of = f"/api/v1/workloads/{quote(placement.workload_id, safe='')}/pods"
            body = await gate(self._api.get(pods_of, {"limit": 50}))
            pods = wire.parse_items(_pod_items(body), wire.parse_pod, "pod")
            names = tuple(dict.fromkeys(pod.node_name for pod in pods if pod.node_name))
            known.pop(placement.workload_id, None)
            known[placement.workload_id] = (placement.phase_updated_at, names)

        await together(*(look_up(placement) for placement in unknown[:NODE_LOOKUPS_PER_READ]))
        while len(known) > REMEMBERED_PLACEMENTS:
            del known[next(iter(known))]  # the oldest asked for first
        return {p.workload_id: known[p.workload_id][1] for p in placements if p.workload_id in known}

    async def recently_changed_workloads(
        self, limit: int, workload_filter: WorkloadFilter | None = None
    ) -> list[Workload]:
        """The `limit` workloads whose phase changed last (one page: `sortBy=phaseUpdatedAt`, newest first),
        without node names: whose events the event list reads, without listing a cluster of thousands."""
        terms, left = wire.workload_filter_terms(workload_filter)
        params = {**await self._api.cluster_filter(*terms), "sortBy": "phaseUpdatedAt", "sortOrder": "desc"}
        items = await self._api.first_page("/api/v1/workloads", "workloads", params, limit)
        workloads = wire.parse_workloads(items, [])
        return [workload for workload in workloads if left is None or wire.matches_locally(workload, left)]

    async def nodes_and_degraded_workloads(self) -> tuple[list[Node], list[Workload]]:
        """The nodes (status, conditions, taints; no telemetry) and the Degraded workloads (no node names),
        in two paged requests side by side: what the alert poll reads every few seconds."""
        await self._api.cluster_uuid()  # resolved once, so the two requests never both ask for the clusters
        nodes, degraded = await together(self.nodes(with_telemetry=False), self.degraded_workloads())
        self._alert_count.record(nodes, degraded)
        return nodes, degraded

    async def degraded_workloads(self) -> list[Workload]:
        """The Degraded workloads (one page in a healthy cluster; no node names): what alerts name."""
        workloads = await self.workloads(WorkloadFilter(phase=WorkloadPhase.DEGRADED), with_node_names=False)
        return [workload for workload in workloads if workload.phase is WorkloadPhase.DEGRADED]

    async def open_alert_count(self) -> int:
        """How many alerts `nodes_and_degraded_workloads` would raise, read cheaply (`RunaiAlertCount`)."""
        await self._api.cluster_uuid()
        return await self._alert_count.count()

    def node_taints_changed(self) -> None:
        """A node was drained or undrained here: the alert count reads the taints again."""
        self._alert_count.taints_changed()

    async def workload_utilisation(
        self, workload_ids: Sequence[str], start: datetime, end: datetime, samples: int
    ) -> dict[str, list[tuple[datetime, float | None]]]:
        """GPU_UTILIZATION of each workload between `start` and `end` (§6), `METRICS_CONCURRENCY` requests
        at a time. A workload whose metrics cannot be read is left out (and reported as a missing part);
        only when none can be read does the call fail."""
        gate = bounded(METRICS_CONCURRENCY)
        params = wire.metrics_params(wire.GPU_UTILIZATION, start, end, samples)

        async def one(workload_id: str) -> list[tuple[datetime, float | None]]:
            path = f"/api/v1/workloads/{quote(workload_id, safe='')}/metrics"
            body = await gate(self._api.get(path, params))
            return wire.parse_metric_points(body, wire.GPU_UTILIZATION)

        if not workload_ids:
            return {}
        answers = await answered_parts({workload_id: one(workload_id) for workload_id in workload_ids})
        return dict(answers)

    async def workload(self, workload_id: str) -> Workload:
        """One workload with its pods and events (oldest event first), for the detail view."""
        item, pods, events = await together(
            self._api.get(f"/api/v1/workloads/{workload_id}"),
            self._api.list_all(f"/api/v1/workloads/{workload_id}/pods", "pods"),
            self._api.list_all(f"/api/v1/workloads/{workload_id}/events", "events", {"sortOrder": "asc"}),
        )
        return wire.parse_workload_detail(item, pods, events)

    async def workload_events(
        self, workload_id: str, limit: int = MAX_EVENTS_PER_WORKLOAD
    ) -> list[WorkloadEvent]:
        """The newest `limit` events of one workload (one page, `sortOrder=desc`, the spec's default), newest
        first; unreadable ones are left out and counted."""
        body = await self._api.get(
            f"/api/v1/workloads/{quote(workload_id, safe='')}/events",
            {"sortOrder": "desc", "offset": 0, "limit": max(1, min(limit, self._api.page_size))},
        )
        chunk = require(body, "events", SERVICE, where="/api/v1/workloads/{id}/events response")
        if not isinstance(chunk, list):
            raise BadResponse("The workload events response field 'events' is not an array.", service=SERVICE)
        return wire.parse_items(chunk, wire.parse_event, "event")

    async def events_of(self, workloads: Sequence[Workload], limit: int) -> list[Event]:
        """The newest `limit` events of each of `workloads` in the one model, `METRICS_CONCURRENCY` requests
        at a time. A workload whose events do not come is left out (reported as a missing part); only when
        none come does the call fail."""
        gate = bounded(METRICS_CONCURRENCY)

        async def one(workload: Workload) -> list[Event]:
            pods_path = f"/api/v1/workloads/{quote(workload.id, safe='')}/pods"
            records, pods = await gate(
                together(self.workload_events(workload.id, limit), self._api.get(pods_path, {"limit": 50}))
            )
            # Where it runs now, from its own pods (a small request), not from the cluster-wide pod list.
            running = wire.parse_items(_pod_items(pods), wire.parse_pod, "pod")
            node = next((pod.node_name for pod in running if pod.node_name), None)
            return [
                workload_event(
                    record,
                    workload_id=workload.id,
                    workload_name=workload.name,
                    project=workload.project_name,
                    node=node,
                )
                for record in records
            ]

        if not workloads:
            return []
        answers = await answered_parts(
            {f"events of {workload.name}": one(workload) for workload in workloads}
        )
        return [event for events in answers.values() for event in events]

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        """`GET /api/v1/workloads/{id}` as the API returns it."""
        body = await self._api.get(f"/api/v1/workloads/{workload_id}")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise BadResponse("The workload answer is not a workload (no id).", service=SERVICE)
        return body

    async def _project_id_by_name(self, name: str) -> str:
        found = await self._api.list_all(
            "/api/v1/org-unit/projects", "projects", await self._api.cluster_filter(f"name=={name}")
        )
        for found_name, project_id in wire.project_ids_by_name(found):
            if found_name == name:
                return project_id
        raise Invalid(f"Project {name!r} does not exist.", field="project_name", service=SERVICE)

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        """Submit to `/api/v1/workloads/{trainings,workspaces,distributed,inferences}`; returns the new
        workload as the API shows it right after (with pods and events)."""
        if spec.workers != 1 and spec.type is not WorkloadType.DISTRIBUTED:
            raise Invalid(
                "Only distributed workloads have more than one worker.", field="workers", service=SERVICE
            )
        if "," in spec.project_name:
            raise Invalid(
                f"Project {spec.project_name!r} does not exist.", field="project_name", service=SERVICE
            )
        project_id = await self._project_id_by_name(spec.project_name)
        body = wire.submission_body(spec, project_id, await self._api.cluster_uuid())
        try:
            response = await self._api.request(
                "POST", f"/api/v1/workloads/{wire.SEGMENTS[spec.type]}", body=body
            )
        except Invalid as error:
            raise Invalid(
                error.message, field=wire.form_field(error.field), status=error.status, service=error.service
            ) from None
        with read_back(SERVICE):
            answer = parse_json(response, SERVICE)
            workload_id = require(answer, "workloadId", SERVICE, where="submission response")
            return await self.workload(str(workload_id))

    async def _workload_type(self, workload_id: str) -> WorkloadType:
        return wire.workload_type(
            wire._obj(await self._api.get(f"/api/v1/workloads/{workload_id}"), "workload")
        )

    async def _lifecycle(self, workload_id: str, verb: str) -> Workload:
        kind = await self._workload_type(workload_id)
        if kind not in wire.SUSPENDABLE:
            raise Invalid(
                f"The Run:ai API cannot {verb} {kind.value.lower()} workloads; delete it instead.",
                service=SERVICE,
            )
        try:
            await self._api.request("POST", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}/{verb}")
        except NotFound:
            if kind is not WorkloadType.DISTRIBUTED:
                raise
            await self._workload_type(workload_id)  # NotFound again when the workload itself is gone
            # It exists, so the route does not: 2.18 cannot suspend or resume distributed workloads.
            raise Invalid(
                f"To {verb} a distributed workload is {versions.NOT_AVAILABLE}; delete it instead.",
                status=404,
                service=SERVICE,
            ) from None
        with read_back(SERVICE):
            return await self.workload(workload_id)

    async def suspend_workload(self, workload_id: str) -> Workload:
        return await self._lifecycle(workload_id, "suspend")

    async def resume_workload(self, workload_id: str) -> Workload:
        return await self._lifecycle(workload_id, "resume")

    async def delete_workload(self, workload_id: str) -> None:
        kind = await self._workload_type(workload_id)
        await self._api.request("DELETE", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}")


__all__ = ["DEFAULT_TIMEOUT", "RunaiClient"]
