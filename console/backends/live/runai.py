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

import asyncio
import dataclasses
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from console import __version__
from console.backends.live import runai_versions as versions
from console.backends.live.accepted import read_back
from console.backends.live.bounded_http import REQUEST_DEADLINE_SECONDS, bounded_request
from console.backends.live.http_errors import (
    error_for_response,
    parse_json,
    raise_for_response,
    require,
)
from console.config import ConfigError, Profile
from console.data.errors import (
    BackendError,
    BadResponse,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from console.data.unreadable import answered_parts, report_missing_part
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
from console.model.events import Event, workload_event
from console.model.windows import newest_window
from console.wire import runai as wire

SERVICE = wire.SERVICE

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
"""Seconds per phase; a control plane slower than this is reported as a `Timeout` and the Store retries."""

PAGE_SIZE = 500
"""The API's maximum `limit`: fewest round trips for the large lists."""

MAX_LIST_ITEMS = 50_000
"""The most items one list is read to. The biggest list a screen shows is the workloads of a large
cluster (the `large` scenario and `make bench` hold 20,000); past this, memory and paging time grow for
rows nobody scrolls to. A list cut here says so on screen ("list truncated at 50,000")."""

MAX_EVENTS_PER_WORKLOAD = 100
"""The newest this many events of a workload for the cluster-wide event list (one page)."""

TOKEN_REFRESH_MARGIN_SECONDS = 60.0
DEFAULT_TOKEN_LIFETIME_SECONDS = 300.0
"""Assumed when a token says neither `exp` nor `expiresIn` (the 2.18 token answer has no `expiresIn`)."""

EVENTS_PAGE_LIMIT = 500


def _sign_in_failed(error: BackendError) -> BackendError:
    """`error` of the token request, worded as what it is to the user: the sign-in failed, and why."""
    message = f"sign-in to Run:ai failed: {error.message}"
    if isinstance(error, RateLimited):
        return RateLimited(message, retry_after=error.retry_after, status=error.status, service=SERVICE)
    if isinstance(error, Invalid):
        return Unauthorized(message, status=error.status, service=SERVICE)
    return type(error)(message, status=error.status, service=error.service or SERVICE)


METRICS_CONCURRENCY = 8
PLACED_PHASES = frozenset(
    {WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED, WorkloadPhase.STOPPING}
)
"""Phases whose pods sit on nodes (a list's NODE column)."""
NODE_LOOKUPS_PER_READ = 32
"""Workloads whose nodes one window read looks up (their own pods); the rest on the next reads."""
"""Per-workload metrics requests in flight at once: enough to read a screenful quickly, few enough not
to look like a flood to the control plane."""


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


async def _nothing() -> None:
    return None


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
        self.base_url = base_url.rstrip("/")
        self.deadline_seconds = deadline_seconds
        """The whole of one request, connect to last byte (`bounded_http`)."""
        self.client_id = client_id
        self._secret = _Secret(client_secret)
        self._cluster_id = cluster_id
        self._profile_cluster_id = cluster_id
        """The cluster the profile named; None means "the tenant's only or first-created", re-picked by
        `cluster()` (so an error never blames a profile setting the user did not make)."""
        self._legacy_routes: set[str] = set()
        """Lists this control plane serves only on their 2.18 routes ("nodes", "node-pools",
        "access-rules"), learned from a 404 on the top-level route."""
        self._latest_routes: set[str] = set()
        """Lists this control plane has answered on their top-level route."""
        self._unknown_telemetry: set[str] = set()
        """Node telemetry types this control plane refused as unknown (a version between 2.18 and ours)."""
        self._page_size = max(1, min(PAGE_SIZE, page_size))
        self._max_list_items = max(1, max_list_items)
        self._placements: dict[str, tuple[datetime | None, tuple[str, ...]]] = {}
        """{workload id: (its phase change when read, the nodes its pods run on)} for `workload_page`."""
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
        self._grant: str | None = None
        """The token request form this control plane accepted (`runai_versions.GRANTS`), once known."""
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
        """Exchange the client credentials for a token, in the form this control plane accepts.

        The latest form first (`client_credentials`); a 400/422 (the request not understood, as a 2.18
        control plane answers it) makes the client try 2.18's `app_token` form once, and the form that
        worked is kept for every later token (`runai_versions`). Any failure reads "sign-in to Run:ai
        failed: <the server's words>", keeping its type (credentials refused: `Unauthorized`)."""
        try:
            answer = await self._token_answer()
        except BackendError as error:
            raise _sign_in_failed(error) from None
        token = answer.get("accessToken") if isinstance(answer, Mapping) else None
        if not isinstance(token, str) or not token:
            raise BadResponse(
                "sign-in to Run:ai failed: the token response has no access token.", service=SERVICE
            )
        now = self._wall_clock()
        expires = wire.jwt_claims(token).get("exp")
        if not isinstance(expires, (int, float)) or isinstance(expires, bool):
            lifetime = answer.get("expiresIn")
            valid = (
                lifetime
                if isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool) and lifetime > 0
                else DEFAULT_TOKEN_LIFETIME_SECONDS
            )
            expires = now + valid
        margin = min(TOKEN_REFRESH_MARGIN_SECONDS, max(0.0, expires - now) * 0.2)
        self._token = token
        self._refresh_at = expires - margin
        self.tokens_fetched += 1

    async def _token_answer(self) -> Any:
        """The token response's JSON, from the first grant form the server understands."""
        grants = (self._grant,) if self._grant is not None else versions.GRANTS
        response: httpx.Response | None = None
        for grant in grants:
            body = versions.token_body(grant, self.client_id, self._secret.reveal())
            try:
                response = await bounded_request(
                    self._http,
                    "POST",
                    "/api/v1/token",
                    service=SERVICE,
                    deadline_seconds=self.deadline_seconds,
                    json=body,
                )
            finally:
                del body
            if response.status_code not in versions.MALFORMED_TOKEN_REQUEST:
                break
        assert response is not None
        if response.status_code in (400, 401, 403, 422):
            # The v1 token endpoint answers a bad secret with 400 or 401 (reference §2.3): the credentials.
            error = error_for_response(response, SERVICE)
            raise Unauthorized(error.message, status=response.status_code, service=SERVICE)
        answer = parse_json(response, SERVICE)
        self._grant = grant
        return answer

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
        return await bounded_request(
            self._http,
            method,
            path,
            service=SERVICE,
            deadline_seconds=self.deadline_seconds,
            params=params,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )

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

    async def _list(
        self, path: str, key: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None
    ) -> list[Any]:
        """Every item of a paged list, up to `max_list_items` (or the first `limit`: a window's pages).

        Follows `next` while it moves forward; when a list has no `next` (the nodes and node-pool lists'
        schemas have none) a full page means there may be more. [UNSURE] reference §1 on `next`.

        Bounded: a `next` that goes back to an offset already read is a server that would loop forever,
        a clear `BadResponse`; a list whose pages go on past `max_list_items` is cut there, and the cut
        is reported (`report_missing_part`), so the screen says "list truncated at N" beside the rows.
        """
        items: list[Any] = []
        offset = 0
        requested: set[int] = set()
        while True:
            requested.add(offset)
            page = self._page_size if limit is None else max(1, min(self._page_size, limit - len(items)))
            body = await self._get(path, {**(params or {}), "offset": offset, "limit": page})
            chunk = require(body, key, SERVICE, where=f"{path} response")
            if not isinstance(chunk, list):
                raise BadResponse(f"The {path} response field {key!r} is not an array.", service=SERVICE)
            items += chunk
            if limit is not None and len(items) >= limit:
                del items[limit:]
                break
            if len(items) > self._max_list_items:
                del items[self._max_list_items :]
                report_missing_part(
                    f"{key} past the first {self._max_list_items:,}",
                    BadResponse(f"list truncated at {self._max_list_items:,}", service=SERVICE),
                )
                break
            following = body.get("next")
            if isinstance(following, int) and not isinstance(following, bool) and chunk:
                if following in requested or following < offset:
                    raise BadResponse(
                        f"The Run:ai API sent the {path} list back to offset {following} after "
                        f"{len(requested)} pages; stopped instead of reading it again.",
                        service=SERVICE,
                    )
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
        """The profile's cluster (`cluster_id`), or the tenant's only / first-created cluster (picked again
        on each call, so a NotFound here is about the profile's setting only when the profile made one)."""
        chosen = wire.choose_cluster(await self._get("/api/v1/clusters"), self._profile_cluster_id)
        info = wire.parse_cluster(chosen)
        self._cluster_id = info.uuid
        return info

    async def identity(self) -> Identity:
        """Who the token acts as: the user from the token's claims, the role from the caller's access rules
        (`/api/v1/authorization/me/access-rules`, or on 2.18 the tenant's rules of this subject) and, for a
        researcher, the projects the API shows them."""
        token = await self._access_token()
        user = wire.user_from_claims(wire.jwt_claims(token), self.client_id)
        if wire.is_admin(await self._my_access_rules(user)):
            return wire.identity_from(user, True, ())
        projects = await self._list(
            "/api/v1/org-unit/projects", "projects", self._filter(f"clusterId=={await self._cluster_uuid()}")
        )
        return wire.identity_from(user, False, wire.project_names(projects))

    async def _my_access_rules(self, user: str) -> list[Any]:
        if "access-rules" not in self._legacy_routes:
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
        self._legacy_routes.add("access-rules")
        return versions.rules_of_subject(rules, (user, self.client_id))

    async def _paged_rules(self, path: str, read: Callable[[Any], tuple[list[Any], Any]]) -> list[Any]:
        """Access rules, paged by their `totalRecords`; a total that never comes ends at the list cap."""
        rules: list[Any] = []
        offset = 0
        while len(rules) < self._max_list_items:
            chunk, total = read(await self._get(path, {"offset": offset, "limit": self._page_size}))
            rules += chunk
            if not chunk or not isinstance(total, int) or len(rules) >= total:
                break
            offset += len(chunk)
        return rules[: self._max_list_items]

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
        pools = await self._node_pools_raw(await self._cluster_uuid())
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
    async def _either(
        self,
        what: str,
        latest: Callable[[], Awaitable[list[Any]]],
        legacy: Callable[[], Awaitable[list[Any]]],
    ) -> list[Any]:
        """`latest()` (the top-level route), or `legacy()` (2.18's route) once the top-level one 404'd."""
        if what not in self._legacy_routes:
            try:
                items = await latest()
            except NotFound:
                pass
            else:
                self._latest_routes.add(what)
                return items
        try:
            items = await legacy()
        except NotFound:
            raise NotFound(
                f"The {what} list is {versions.NOT_AVAILABLE}.", status=404, service=SERVICE
            ) from None
        self._legacy_routes.add(what)
        return items

    async def _nodes_raw(self, cluster: str) -> list[Any]:
        async def legacy() -> list[Any]:
            body = await self._get(f"/api/v1/clusters/{cluster}/nodes")
            chunk = require(body, "nodes", SERVICE, where="nodes response")
            if not isinstance(chunk, list):
                raise BadResponse("The nodes response field 'nodes' is not an array.", service=SERVICE)
            return chunk

        return await self._either(
            "nodes",
            lambda: self._list("/api/v1/nodes", "nodes", self._filter(f"clusterUuid=={cluster}")),
            legacy,
        )

    async def _node_pools_raw(self, cluster: str) -> list[Any]:
        async def legacy() -> list[Any]:
            body = await self._get(f"/v1/k8s/clusters/{cluster}/node-pools")
            if not isinstance(body, list):
                raise BadResponse("The node-pools response is not an array.", service=SERVICE)
            return [versions.node_pool_from_2_18(item) for item in body]

        return await self._either(
            "node-pools",
            lambda: self._list("/api/v1/node-pools", "nodepools", self._filter(f"clusterId=={cluster}")),
            legacy,
        )

    def _route_known(self, what: str) -> bool:
        return what in self._legacy_routes or what in self._latest_routes

    def _telemetry_known(self, kind: str) -> bool:
        """Whether to ask for `kind`: not one the server refused, and on a 2.18 control plane (it has no
        `/api/v1/nodes`) only 2.18's types."""
        if kind in self._unknown_telemetry:
            return False
        return "nodes" not in self._legacy_routes or kind in versions.NODE_TELEMETRY_2_18

    async def _node_telemetry(self, cluster: str, kind: str, group: str) -> dict[str, float] | None:
        """One node telemetry type grouped by `group`; None when the server does not know the type (it is
        then never asked for again)."""
        params = {"telemetryType": kind, "groupBy": group, "clusterId": cluster}
        try:
            body = await self._get("/api/v1/nodes/telemetry", params)
        except Invalid:
            self._unknown_telemetry.add(kind)
            return None
        return wire.telemetry_by(body, group)

    async def _allocated_gpus_by_node(self, cluster: str) -> dict[str, float]:
        """Per node, the ALLOCATED_GPUS reading, or where the server has no such type, the sum over the
        pods placed there (`runai_versions`)."""
        if self._telemetry_known("ALLOCATED_GPUS"):
            reading = await self._node_telemetry(cluster, "ALLOCATED_GPUS", "Node")
            if reading is not None:
                return reading
        pods = await self._list("/api/v1/workloads/pods", "pods", self._filter(f"clusterId=={cluster}"))
        return versions.allocated_gpus_by_node(pods)

    async def _node_readings(self, cluster: str, kinds: Sequence[str]) -> dict[str, dict[str, float]]:
        """The NODE_TELEMETRY `kinds` the server has, by type and node name; absent types are left out."""
        others = [kind for kind in kinds if kind != "ALLOCATED_GPUS" and self._telemetry_known(kind)]
        allocated = self._allocated_gpus_by_node(cluster) if "ALLOCATED_GPUS" in kinds else _nothing()
        by_node, *readings = await _together(
            allocated, *(self._node_telemetry(cluster, kind, "Node") for kind in others)
        )
        found = {kind: reading for kind, reading in zip(others, readings, strict=True) if reading is not None}
        if by_node is not None:
            found["ALLOCATED_GPUS"] = by_node
        return found

    async def nodes(self, *, with_telemetry: bool = True) -> list[Node]:
        """Nodes as Run:ai sees them. Allocation and capacity come from node telemetry (five requests; with
        `with_telemetry=False` they are skipped and those fields are 0, for callers that need only status,
        conditions and taints); whether a node is a system node is Kubernetes' to say. A control plane
        without some of those types (2.18) gives the allocation from the pods, and the nodes carry
        `telemetry_unavailable_reason` for CPU and memory."""
        cluster = await self._cluster_uuid()
        kinds = wire.NODE_TELEMETRY if with_telemetry else ()
        if self._route_known("nodes") or not kinds:
            raw, readings = await _together(self._nodes_raw(cluster), self._node_readings(cluster, kinds))
        else:
            # Which types to ask for depends on the version, which the nodes route tells: it goes first
            # until it has answered once on the top-level route.
            raw = await self._nodes_raw(cluster)
            readings = await self._node_readings(cluster, kinds)
        note = versions.missing_readings_note(kind for kind in kinds if kind not in readings)
        return [
            dataclasses.replace(node, telemetry_unavailable_reason=note) if note else node
            for node in wire.parse_nodes(raw, readings)
        ]

    async def _pool_allocation(self, cluster: str) -> dict[str, float] | None:
        """ALLOCATED_GPUS by node pool; None where the server has no such type."""
        if not self._telemetry_known("ALLOCATED_GPUS"):
            return None
        return await self._node_telemetry(cluster, "ALLOCATED_GPUS", "Nodepool")

    async def node_pools(self) -> list[NodePool]:
        cluster = await self._cluster_uuid()
        if self._route_known("nodes"):
            pools, raw_nodes, allocated = await _together(
                self._node_pools_raw(cluster), self._nodes_raw(cluster), self._pool_allocation(cluster)
            )
        else:
            pools, raw_nodes = await _together(self._node_pools_raw(cluster), self._nodes_raw(cluster))
            allocated = await self._pool_allocation(cluster)
        if allocated is None:
            allocated = versions.allocated_gpus_by_pool(
                raw_nodes, await self._allocated_gpus_by_node(cluster)
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

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        """The newest `window.limit` workloads (`sortBy=createdAt` descending) and the server's count of all
        that pass the filter: a page or two and a count, however large the cluster.

        Node names come from each workload's own pods, only for the newest `NODE_LOOKUPS_PER_READ` that
        hold GPUs and are not known yet (the rows a list opens on), and are remembered until the workload's
        phase changes: a steady list costs no pod request at all, never the cluster's whole pod list."""
        cluster = await self._cluster_uuid()
        terms, left = wire.workload_filter_terms(window.filter)
        if left is not None:  # a filter the server cannot apply: read the list and cut it here
            return newest_window(await self.workloads(window.filter), window)
        narrowed = self._filter(f"clusterId=={cluster}", *terms)
        newest = {"sortBy": "createdAt", "sortOrder": "desc"}
        items, counted = await _together(
            self._list("/api/v1/workloads", "workloads", {**narrowed, **newest}, limit=window.limit),
            self._get("/api/v1/workloads/count", narrowed),
        )
        workloads = wire.parse_workloads(items)
        placed = await self._node_names_of(workloads)
        page = tuple(
            dataclasses.replace(w, node_names=placed[w.id]) if placed.get(w.id) else w for w in workloads
        )
        return WorkloadPage(page, max(wire.parse_count(counted), len(page)))

    async def _node_names_of(self, workloads: Sequence[Workload]) -> dict[str, tuple[str, ...]]:
        """{id: nodes} for the GPU-holding `workloads`, from memory or (a few, newest first) their pods."""
        holding = [w for w in workloads if w.phase in PLACED_PHASES]
        known = self._placements
        unknown = [w for w in holding if known.get(w.id, (None,))[0] != w.phase_updated_at][
            :NODE_LOOKUPS_PER_READ
        ]
        gate = asyncio.Semaphore(METRICS_CONCURRENCY)

        async def look_up(workload: Workload) -> None:
            async with gate:
                body = await self._get(f"/api/v1/workloads/{quote(workload.id, safe='')}/pods", {"limit": 50})
            pods = wire.parse_items(_pod_items(body), wire.parse_pod, "pod")
            names = tuple(dict.fromkeys(pod.node_name for pod in pods if pod.node_name))
            known[workload.id] = (workload.phase_updated_at, names)

        await _together(*(look_up(workload) for workload in unknown))
        current = {w.id for w in holding}
        for gone in [workload_id for workload_id in known if workload_id not in current]:
            del known[gone]  # only what the last window holds is remembered
        return {workload_id: names for workload_id, (_, names) in known.items()}

    async def recently_changed_workloads(
        self, limit: int, workload_filter: WorkloadFilter | None = None
    ) -> list[Workload]:
        """The `limit` workloads whose phase changed last (one page: `sortBy=phaseUpdatedAt`, newest first),
        without node names: whose events the event list reads, without listing a cluster of thousands."""
        cluster = await self._cluster_uuid()
        terms, left = wire.workload_filter_terms(workload_filter)
        params = {
            **self._filter(f"clusterId=={cluster}", *terms),
            "sortBy": "phaseUpdatedAt",
            "sortOrder": "desc",
            "offset": 0,
            "limit": max(1, min(limit, self._page_size)),
        }
        body = await self._get("/api/v1/workloads", params)
        items = require(body, "workloads", SERVICE, where="/api/v1/workloads response")
        if not isinstance(items, list):
            raise BadResponse(
                "The /api/v1/workloads response field 'workloads' is not an array.", service=SERVICE
            )
        workloads = wire.parse_workloads(items, [])
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

    async def workload_utilisation(
        self, workload_ids: Sequence[str], start: datetime, end: datetime, samples: int
    ) -> dict[str, list[tuple[datetime, float | None]]]:
        """GPU_UTILIZATION of each workload between `start` and `end` (§6), `METRICS_CONCURRENCY` requests
        at a time. A workload whose metrics cannot be read is left out (and reported as a missing part);
        only when none can be read does the call fail."""
        gate = asyncio.Semaphore(METRICS_CONCURRENCY)
        params = wire.metrics_params(wire.GPU_UTILIZATION, start, end, samples)

        async def one(workload_id: str) -> list[tuple[datetime, float | None]]:
            async with gate:
                body = await self._get(f"/api/v1/workloads/{quote(workload_id, safe='')}/metrics", params)
            return wire.parse_metric_points(body, wire.GPU_UTILIZATION)

        if not workload_ids:
            return {}
        answers = await answered_parts({workload_id: one(workload_id) for workload_id in workload_ids})
        return dict(answers)

    async def workload(self, workload_id: str) -> Workload:
        """One workload with its pods and events (oldest event first), for the detail view."""
        item, pods, events = await _together(
            self._get(f"/api/v1/workloads/{workload_id}"),
            self._list(f"/api/v1/workloads/{workload_id}/pods", "pods"),
            self._list(f"/api/v1/workloads/{workload_id}/events", "events", {"sortOrder": "asc"}),
        )
        return wire.parse_workload_detail(item, pods, events)

    async def workload_events(
        self, workload_id: str, limit: int = MAX_EVENTS_PER_WORKLOAD
    ) -> list[WorkloadEvent]:
        """The newest `limit` events of one workload (one page, `sortOrder=desc`, the spec's default), newest
        first; unreadable ones are left out and counted."""
        body = await self._get(
            f"/api/v1/workloads/{quote(workload_id, safe='')}/events",
            {"sortOrder": "desc", "offset": 0, "limit": max(1, min(limit, self._page_size))},
        )
        chunk = require(body, "events", SERVICE, where="/api/v1/workloads/{id}/events response")
        if not isinstance(chunk, list):
            raise BadResponse("The workload events response field 'events' is not an array.", service=SERVICE)
        return wire.parse_items(chunk, wire.parse_event, "event")

    async def events_of(self, workloads: Sequence[Workload], limit: int) -> list[Event]:
        """The newest `limit` events of each of `workloads` in the one model, `METRICS_CONCURRENCY` requests
        at a time. A workload whose events do not come is left out (reported as a missing part); only when
        none come does the call fail."""
        gate = asyncio.Semaphore(METRICS_CONCURRENCY)

        async def one(workload: Workload) -> list[Event]:
            async with gate:
                records, pods = await _together(
                    self.workload_events(workload.id, limit),
                    self._get(f"/api/v1/workloads/{quote(workload.id, safe='')}/pods", {"limit": 50}),
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
        try:
            await self._request("POST", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}/{verb}")
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
        await self._request("DELETE", f"/api/v1/workloads/{wire.SEGMENTS[kind]}/{workload_id}")


__all__ = ["DEFAULT_TIMEOUT", "RunaiClient", "tls_verify"]
