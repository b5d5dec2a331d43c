"""`RunaiClient`: the Run:ai control-plane REST API (`/api/v1`) as async methods returning domain objects.

One `httpx.AsyncClient` per client, with explicit timeouts and TLS verification from the profile (a CA bundle,
or verification off only when `insecure` is set explicitly). Authentication is an application token: the
client id and secret are exchanged at `POST /api/v1/token`, the token is reused until shortly before its
`exp` (60 s, or a fifth of its lifetime when that is shorter, as runapy does) and renewed once when a request
answers 401 anyway. That single renewal is the only retry in here: the Store owns backoff, so a failing call
raises at once with a typed `console.data.errors` error (see `http_errors`), never an httpx exception.

Every list is paged (`offset`/`limit` 500, following `next`, and a full page when a list has no `next`), and
every list is narrowed to the profile's cluster on the server (`filterBy=clusterId==…`); a workload filter
goes to the server as `filterBy` terms. What the Run:ai objects lack is read from the API's own side
endpoints: per-node allocation and capacity from `/api/v1/nodes/telemetry`, per-project running/pending
counts from `/api/v1/workloads/telemetry`, a workload's nodes from its pods (`runai_wire` says which field
comes from where).

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

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from console import __version__
from console.backends.live import runai_wire as wire
from console.backends.live.accepted import read_back
from console.backends.live.http_errors import (
    error_for_response,
    map_transport_error,
    parse_json,
    raise_for_response,
    require,
)
from console.config import ConfigError, Profile
from console.data.errors import BackendError, BadResponse, Invalid, Unauthorized, Unavailable
from console.model import (
    ClusterInfo,
    Department,
    Identity,
    Node,
    NodePool,
    PoolQuota,
    Project,
    Workload,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)

SERVICE = wire.SERVICE

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
"""Seconds per phase; a control plane slower than this is reported as a `Timeout` and the Store retries."""

PAGE_SIZE = 500
"""The API's maximum `limit`: fewest round trips for the large lists."""

MAX_PAGES = 10_000
"""A guard against a server whose `next` never ends (5 million items)."""

TOKEN_REFRESH_MARGIN_SECONDS = 60.0
DEFAULT_TOKEN_LIFETIME_SECONDS = 300.0
"""Assumed when a token says neither `exp` nor `expiresIn` (the 2.18 token answer has no `expiresIn`)."""

EVENTS_PAGE_LIMIT = 500


async def _together(*awaitables: Awaitable[Any]) -> list[Any]:
    """Run requests concurrently; the first failure cancels the rest and is raised alone (a `BackendError`
    when any failed that way), so callers never see an ExceptionGroup or a half-finished sibling."""
    tasks: list[asyncio.Task[Any]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(awaitable)) for awaitable in awaitables]
    except BaseExceptionGroup as failures:
        leaves = _leaves(failures)
        raise next((leaf for leaf in leaves if isinstance(leaf, BackendError)), leaves[0]) from None
    return [task.result() for task in tasks]


async def _awaited(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    found: list[BaseException] = []
    for error in group.exceptions:
        found += _leaves(error) if isinstance(error, BaseExceptionGroup) else [error]
    return found


class _Secret:
    """The client secret, or where to read it: it never shows in repr, str or a traceback's locals.

    Given a callable (what `from_profile` passes: the profile's env var or file reader), the secret is read
    each time a token is needed and not kept, as `console.config.Profile` intends.
    """

    __slots__ = ("_source",)

    def __init__(self, source: str | Callable[[], str]) -> None:
        self._source = source

    def reveal(self) -> str:
        if isinstance(self._source, str):
            return self._source
        try:
            return self._source()
        except ConfigError as error:
            raise Unauthorized(f"The Run:ai client secret cannot be read: {error}", service=SERVICE) from None

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__


def tls_verify(ca_bundle: str | None, insecure: bool) -> ssl.SSLContext | bool:
    """What httpx's `verify` gets: off only when `insecure`; a context trusting `ca_bundle` when given."""
    if insecure:
        return False
    if ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise Unavailable(f"Cannot use the CA bundle {ca_bundle}: {reason}.", service=SERVICE) from None


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
        wall_clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = _Secret(client_secret)
        self._cluster_id = cluster_id
        self._page_size = max(1, min(PAGE_SIZE, page_size))
        self._wall_clock = wall_clock
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            verify=verify,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            headers={"Accept": "application/json", "User-Agent": f"rwc/{__version__}"},
            transport=transport,
            follow_redirects=False,
        )
        self._token: str | None = None
        self._refresh_at = 0.0
        self._token_lock = asyncio.Lock()
        self.tokens_fetched = 0
        """How many tokens this client has obtained (tests check refreshes with it)."""

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
            verify=tls_verify(str(profile.ca_bundle) if profile.ca_bundle else None, off),
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return (
            f"RunaiClient({self.base_url!r}, client_id={self.client_id!r}, cluster_id={self._cluster_id!r})"
        )

    async def __aenter__(self) -> RunaiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ================================================================================================
    # HTTP and tokens
    # ================================================================================================
    async def _fetch_token(self) -> None:
        """Exchange the client credentials for a token (reference §2: `clientId` as the docs spell it)."""
        body = {
            "grantType": "client_credentials",
            "clientId": self.client_id,
            "clientSecret": self._secret.reveal(),
        }
        try:
            response = await self._http.post("/api/v1/token", json=body)
        except httpx.HTTPError as exc:
            raise map_transport_error(exc, SERVICE) from None
        finally:
            del body
        if response.status_code in (400, 401, 403):
            # The v1 token endpoint answers a bad secret with 400 or 401 (reference §2.3): the credentials.
            error = error_for_response(response, SERVICE)
            raise Unauthorized(
                error.message if error.message != type(error).default_message else None,
                status=response.status_code,
                service=SERVICE,
            )
        answer = parse_json(response, SERVICE)
        token = require(answer, "accessToken", SERVICE, where="token response")
        if not isinstance(token, str) or not token:
            raise BadResponse("The token response has no access token.", service=SERVICE)
        now = self._wall_clock()
        expires = wire.jwt_claims(token).get("exp")
        if not isinstance(expires, (int, float)) or isinstance(expires, bool):
            lifetime = answer.get("expiresIn")
            valid = (
                lifetime
                if isinstance(lifetime, (int, float)) and lifetime > 0
                else DEFAULT_TOKEN_LIFETIME_SECONDS
            )
            expires = now + valid
        margin = min(TOKEN_REFRESH_MARGIN_SECONDS, max(0.0, expires - now) * 0.2)
        self._token = token
        self._refresh_at = expires - margin
        self.tokens_fetched += 1

    async def _access_token(self, *, stale: str | None = None) -> str:
        """A usable token: the cached one until its refresh time; a new one when `stale` is still cached."""
        async with self._token_lock:
            renew = self._token is None or self._wall_clock() >= self._refresh_at
            if stale is not None and self._token == stale:
                renew = True
            if renew:
                self._token = None
                await self._fetch_token()
            assert self._token is not None
            return self._token

    async def _send(self, method: str, path: str, token: str, params: Any, body: Any) -> httpx.Response:
        try:
            return await self._http.request(
                method, path, params=params, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise map_transport_error(exc, SERVICE) from None

    async def _request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        """One call; on 401 the token is renewed once and the call repeated (the only retry here)."""
        token = await self._access_token()
        response = await self._send(method, path, token, params, body)
        if response.status_code == 401:
            token = await self._access_token(stale=token)
            response = await self._send(method, path, token, params, body)
        raise_for_response(response, SERVICE)
        return response

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return parse_json(await self._request("GET", path, params=params), SERVICE)

    async def _list(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every item of a paged list.

        Follows `next` while it moves forward; when a list has no `next` (the nodes and node-pool lists'
        schemas have none) a full page means there may be more. [UNSURE] reference §1 on `next`.
        """
        items: list[Any] = []
        offset = 0
        for _ in range(MAX_PAGES):
            body = await self._get(path, {**(params or {}), "offset": offset, "limit": self._page_size})
            chunk = require(body, key, SERVICE, where=f"{path} response")
            if not isinstance(chunk, list):
                raise BadResponse(f"The {path} response field {key!r} is not an array.", service=SERVICE)
            items += chunk
            following = body.get("next")
            if (
                isinstance(following, int)
                and not isinstance(following, bool)
                and following > offset
                and chunk
            ):
                offset = following
            elif following is None and len(chunk) >= self._page_size:
                offset += len(chunk)
            else:
                break
        return items

    @staticmethod
    def _filter(*terms: str) -> dict[str, str]:
        """`filterBy` is one comma-joined parameter (`explode: false`), not a repeated one."""
        present = [term for term in terms if term]
        return {"filterBy": ",".join(present)} if present else {}

    async def _cluster_uuid(self) -> str:
        if self._cluster_id is None:
            self._cluster_id = str(wire.choose_cluster(await self._get("/api/v1/clusters"), None)["uuid"])
        return self._cluster_id

    # ================================================================================================
    # who and where
    # ================================================================================================
    async def cluster(self) -> ClusterInfo:
        """The profile's cluster (`cluster_id`), or the tenant's only / first-created cluster."""
        chosen = wire.choose_cluster(await self._get("/api/v1/clusters"), self._cluster_id)
        info = wire.parse_cluster(chosen)
        self._cluster_id = info.uuid
        return info

    async def identity(self) -> Identity:
        """Who the token acts as: the user from the token's claims, the role from the caller's access rules
        (`/api/v1/authorization/me/access-rules`) and, for a researcher, the projects the API shows them."""
        token = await self._access_token()
        user = wire.user_from_claims(wire.jwt_claims(token), self.client_id)
        rules: list[Any] = []
        offset = 0
        for _ in range(MAX_PAGES):
            body = await self._get(
                "/api/v1/authorization/me/access-rules", {"offset": offset, "limit": self._page_size}
            )
            chunk = wire.access_rules_of(body)
            rules += chunk
            total = body["accessRules"].get("totalRecords")
            if not chunk or not isinstance(total, int) or len(rules) >= total:
                break
            offset += len(chunk)
        if wire.is_admin(rules):
            return wire.identity_from(user, True, ())
        projects = await self._list(
            "/api/v1/org-unit/projects", "projects", self._filter(f"clusterId=={await self._cluster_uuid()}")
        )
        return wire.identity_from(user, False, wire.project_names(projects))

    # ================================================================================================
    # org units
    # ================================================================================================
    async def _workload_counts(self) -> dict[str, tuple[int, int]]:
        params = {
            "telemetryType": "WORKLOADS_COUNT",
            "groupBy": "ProjectId,Phase",
            "clusterId": await self._cluster_uuid(),
            "filterByPhases": ",".join((*wire.RUNNING_PHASES, *wire.PENDING_PHASES)),
        }
        return wire.workload_counts(await self._get("/api/v1/workloads/telemetry", params))

    async def projects(self) -> list[Project]:
        cluster = await self._cluster_uuid()
        items, counts = await _together(
            self._list("/api/v1/org-unit/projects", "projects", self._filter(f"clusterId=={cluster}")),
            self._workload_counts(),
        )
        return wire.parse_projects(items, counts)

    async def project(self, project_id: str) -> Project:
        item, counts = await _together(
            self._get(f"/api/v1/org-unit/projects/{project_id}"), self._workload_counts()
        )
        return wire.parse_project(item, counts)

    async def departments(self) -> list[Department]:
        """Each department by id: only `GET /org-unit/departments/{id}` has the per-pool quota statuses."""
        cluster = await self._cluster_uuid()
        items = await self._list(
            "/api/v1/org-unit/departments", "departments", self._filter(f"clusterId=={cluster}")
        )
        ids = wire.department_ids(items)
        return await _together(*(self.department(department_id) for department_id in ids))

    async def department(self, department_id: str) -> Department:
        return wire.parse_department(await self._get(f"/api/v1/org-unit/departments/{department_id}"))

    async def _pool_ids(self) -> dict[str, str]:
        cluster = await self._cluster_uuid()
        pools = await self._list("/api/v1/node-pools", "nodepools", self._filter(f"clusterId=={cluster}"))
        return wire.pool_ids(pools)

    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        cluster = await self._cluster_uuid()
        body = wire.project_creation_body(name, department_id, quotas, cluster, await self._pool_ids())
        response = await self._request("POST", "/api/v1/org-unit/projects", body=body)
        with read_back(SERVICE):
            return wire.parse_project(parse_json(response, SERVICE), {})

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        """PATCH the listed node pools' quotas (pools not listed keep theirs), then read the project back."""
        body = wire.resources_body(quotas, await self._pool_ids())
        await self._request("PATCH", f"/api/v1/org-unit/projects/{project_id}/resources", body=body)
        with read_back(SERVICE):
            return await self.project(project_id)

    async def delete_project(self, project_id: str) -> None:
        await self._request("DELETE", f"/api/v1/org-unit/projects/{project_id}")

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        body = wire.resources_body(quotas, await self._pool_ids())
        await self._request("PATCH", f"/api/v1/org-unit/departments/{department_id}/resources", body=body)
        with read_back(SERVICE):
            return await self.department(department_id)

    # ================================================================================================
    # nodes and node pools
    # ================================================================================================
    async def _nodes_raw(self, cluster: str) -> list[Any]:
        return await self._list("/api/v1/nodes", "nodes", self._filter(f"clusterUuid=={cluster}"))

    async def _node_telemetry(self, cluster: str, kind: str, group: str) -> dict[str, float]:
        params = {"telemetryType": kind, "groupBy": group, "clusterId": cluster}
        return wire.telemetry_by(await self._get("/api/v1/nodes/telemetry", params), group)

    async def nodes(self, *, with_telemetry: bool = True) -> list[Node]:
        """Nodes as Run:ai sees them. Allocation and capacity come from node telemetry (five requests; with
        `with_telemetry=False` they are skipped and those fields are 0, for callers that need only status,
        conditions and taints); whether a node is a system node is Kubernetes' to say."""
        cluster = await self._cluster_uuid()
        kinds = wire.NODE_TELEMETRY if with_telemetry else ()
        raw, *readings = await _together(
            self._nodes_raw(cluster), *(self._node_telemetry(cluster, kind, "Node") for kind in kinds)
        )
        telemetry = dict(zip(kinds, readings, strict=True))
        return wire.parse_nodes(raw, telemetry)

    async def node_pools(self) -> list[NodePool]:
        cluster = await self._cluster_uuid()
        pools, raw_nodes, allocated = await _together(
            self._list("/api/v1/node-pools", "nodepools", self._filter(f"clusterId=={cluster}")),
            self._nodes_raw(cluster),
            self._node_telemetry(cluster, "ALLOCATED_GPUS", "Nodepool"),
        )
        return wire.parse_node_pools(pools, raw_nodes, allocated)

    # ================================================================================================
    # workloads
    # ================================================================================================
    async def workloads(
        self, workload_filter: WorkloadFilter | None = None, *, with_node_names: bool = True
    ) -> list[Workload]:
        """Workloads of the cluster, filtered on the server. Node names come from the cluster-wide pod list
        (a second paged request); `with_node_names=False` skips it and leaves `node_names` empty."""
        cluster = await self._cluster_uuid()
        terms, left = wire.workload_filter_terms(workload_filter)
        workload_list = self._list(
            "/api/v1/workloads", "workloads", self._filter(f"clusterId=={cluster}", *terms)
        )
        if with_node_names:
            pod_list = self._list("/api/v1/workloads/pods", "pods", self._filter(f"clusterId=={cluster}"))
            items, pods = await _together(workload_list, pod_list)
        else:
            items, pods = await workload_list, []
        workloads = wire.parse_workloads(items, pods)
        return [workload for workload in workloads if left is None or wire.matches_locally(workload, left)]

    async def nodes_and_degraded_workloads(self) -> tuple[list[Node], list[Workload]]:
        """The nodes (status, conditions, taints; no telemetry) and the Degraded workloads (no node names),
        in two paged requests side by side: what the alert poll reads every few seconds."""
        await self._cluster_uuid()  # resolved once, so the two requests never both ask for the clusters
        nodes, workloads = await _together(
            self.nodes(with_telemetry=False),
            self.workloads(WorkloadFilter(phase=WorkloadPhase.DEGRADED), with_node_names=False),
        )
        return nodes, [workload for workload in workloads if workload.phase is WorkloadPhase.DEGRADED]

    async def workload(self, workload_id: str) -> Workload:
        """One workload with its pods and events (oldest event first), for the detail view."""
        item, pods, events = await _together(
            self._get(f"/api/v1/workloads/{workload_id}"),
            self._list(f"/api/v1/workloads/{workload_id}/pods", "pods"),
            self._list(f"/api/v1/workloads/{workload_id}/events", "events", {"sortOrder": "asc"}),
        )
        return wire.parse_workload_detail(item, pods, events)

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        """`GET /api/v1/workloads/{id}` as the API returns it."""
        body = await self._get(f"/api/v1/workloads/{workload_id}")
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise BadResponse("The workload answer is not a workload (no id).", service=SERVICE)
        return body

    async def _project_id_by_name(self, name: str) -> str:
        cluster = await self._cluster_uuid()
        found = await self._list(
            "/api/v1/org-unit/projects", "projects", self._filter(f"clusterId=={cluster}", f"name=={name}")
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
        body = wire.submission_body(spec, project_id, await self._cluster_uuid())
        try:
            response = await self._request("POST", f"/api/v1/workloads/{wire.SEGMENTS[spec.type]}", body=body)
        except Invalid as error:
            raise Invalid(
                error.message, field=wire.form_field(error.field), status=error.status, service=error.service
            ) from None
        with read_back(SERVICE):
            answer = parse_json(response, SERVICE)
            workload_id = require(answer, "workloadId", SERVICE, where="submission response")
            return await self.workload(str(workload_id))

    async def _workload_type(self, workload_id: str) -> WorkloadType:
        return wire.workload_type(wire._obj(await self._get(f"/api/v1/workloads/{workload_id}"), "workload"))

    async def _lifecycle(self, workload_id: str, verb: str) -> Workload:
        kind = await self._workload_type(workload_id)
        if kind not in wire.SUSPENDABLE:
            raise Invalid(
                f"The Run:ai API cannot {verb} {kind.value.lower()} workloads; delete it instead.",
                service=SERVICE,
            )
        await self._request("POST", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}/{verb}")
        with read_back(SERVICE):
            return await self.workload(workload_id)

    async def suspend_workload(self, workload_id: str) -> Workload:
        return await self._lifecycle(workload_id, "suspend")

    async def resume_workload(self, workload_id: str) -> Workload:
        return await self._lifecycle(workload_id, "resume")

    async def delete_workload(self, workload_id: str) -> None:
        kind = await self._workload_type(workload_id)
        await self._request("DELETE", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}")


__all__ = ["DEFAULT_TIMEOUT", "RunaiClient", "tls_verify"]
