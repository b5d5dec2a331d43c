"""`RunaiApi`: how the Run:ai client signs in, sends a call, reads a list and learns which routes exist.

The parts of `RunaiClient` that are about the control plane's HTTP rather than its objects: the sign-in
(an application token from `POST /api/v1/token`, in the form this control plane accepts), one call through
the shared `ApiSession` (renewed once on 401, errors mapped by `http_errors`), the paged lists, the cluster
every list is narrowed to, and what this control plane's version turned out to serve (`runai_versions`).
`runai_nodes` and `runai` build on it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

import httpx

from console import __version__
from console.backends.live import runai_versions as versions
from console.backends.live.bounded_http import REQUEST_DEADLINE_SECONDS
from console.backends.live.http_errors import error_for_response, parse_json, raise_for_response, require
from console.backends.live.session import ApiSession, IssuedToken, Secret, read_pages
from console.data.errors import BackendError, BadResponse, Invalid, NotFound, RateLimited, Unauthorized
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

TOKEN_REFRESH_MARGIN_SECONDS = 60.0
DEFAULT_TOKEN_LIFETIME_SECONDS = 300.0
"""Assumed when a token says neither `exp` nor `expiresIn` (the 2.18 token answer has no `expiresIn`)."""


def _sign_in_failed(error: BackendError) -> BackendError:
    """`error` of the token request, worded as what it is to the user: the sign-in failed, and why."""
    message = f"sign-in to Run:ai failed: {error.message}"
    if isinstance(error, RateLimited):
        return RateLimited(message, retry_after=error.retry_after, status=error.status, service=SERVICE)
    if isinstance(error, Invalid):
        return Unauthorized(message, status=error.status, service=SERVICE)
    return type(error)(message, status=error.status, service=error.service or SERVICE)


class RunaiApi:
    """The HTTP side of one Run:ai control plane, narrowed to one cluster (see the module doc)."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str | Callable[[], str],
        *,
        cluster_id: str | None,
        verify: ssl.SSLContext | bool = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        page_size: int = PAGE_SIZE,
        max_list_items: int = MAX_LIST_ITEMS,
        wall_clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self._secret = Secret(
            client_secret, unreadable="The Run:ai client secret cannot be read: {error}", service=SERVICE
        )
        self.cluster_id = cluster_id
        self.page_size = max(1, min(PAGE_SIZE, page_size))
        self.max_list_items = max(1, max_list_items)
        self._wall_clock = wall_clock
        self.legacy_routes: set[str] = set()
        """Lists this control plane serves only on their 2.18 routes ("nodes", "node-pools",
        "access-rules"), learned from a 404 on the top-level route."""
        self.latest_routes: set[str] = set()
        """Lists this control plane has answered on their top-level route."""
        self._in_flight: dict[tuple[str, tuple[tuple[str, str], ...]], asyncio.Future[Any]] = {}
        """GETs under way, by path and parameters (see `get`)."""
        self._waiting: dict[asyncio.Future[Any], int] = {}
        """How many callers await each shared GET: the last to give up cancels it."""
        self._grant: str | None = None
        """The token request form this control plane accepted (`runai_versions.GRANTS`), once known."""
        self.session = ApiSession(
            self.base_url,
            service=SERVICE,
            sign_in=self._sign_in,
            verify=verify,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": f"rwc/{__version__}"},
            clock=wall_clock,  # a token's `exp` is wall-clock time
            deadline_seconds=deadline_seconds,
            transport=transport,
        )

    # -- signing in -----------------------------------------------------------------------------------------
    async def _sign_in(self) -> IssuedToken:
        """Exchange the client credentials for a token, in the form this control plane accepts.

        The latest form first (`client_credentials`); a 400/422 (the request not understood, as a 2.18
        control plane answers it) makes the client try 2.18's `app_token` form once, and the form that
        worked is kept for every later token (`runai_versions`). Any failure reads "sign-in to Run:ai
        failed: <the server's words>", keeping its type (credentials refused: `Unauthorized`). The token is
        reused until shortly before its `exp` (60 s, or a fifth of its lifetime when that is shorter, as
        runapy does)."""
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
        return IssuedToken(token, expires - margin)

    async def _token_answer(self) -> Any:
        """The token response's JSON, from the first grant form the server understands. The secret is
        sent only in this request's JSON body (never a URL), and no message is built from the request."""
        grants = (self._grant,) if self._grant is not None else versions.GRANTS
        response: httpx.Response | None = None
        for grant in grants:
            body = versions.token_body(grant, self.client_id, self._secret.reveal())
            try:
                response = await self.session.send("POST", "/api/v1/token", json=body)
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

    # -- calls ----------------------------------------------------------------------------------------------
    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        """One call; raises the mapped error of an error answer (401 twice: `Unauthorized`)."""
        response = await self.session.request(method, path, json=body, params=params)
        raise_for_response(response, SERVICE)
        return response

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """A GET's parsed answer. Identical GETs in flight at once share one request (the header's GPU
        totals and its alerts both read `/api/v1/nodes`; a screen and the header ask at the same moment):
        the answer is read-only to every caller, and one caller giving up does not cancel it for others.
        When the last one gives up (a sibling in `together` failed), the request is cancelled: an orphan
        left running would hand its answer, asked for before, to the next caller."""
        key = (path, tuple(sorted((name, str(value)) for name, value in (params or {}).items())))
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self._get_once(path, params))
            self._in_flight[key] = shared
            self._waiting[shared] = 0
            shared.add_done_callback(partial(self._landed, key))
        self._waiting[shared] += 1
        try:
            return await asyncio.shield(shared)
        finally:
            self._waiting[shared] -= 1
            if not self._waiting[shared]:
                del self._waiting[shared]
                if not shared.done():
                    shared.cancel()
                    self._landed(key, shared)  # forgotten now: nobody may join a cancelled request

    async def _get_once(self, path: str, params: Mapping[str, Any] | None) -> Any:
        return parse_json(await self.request("GET", path, params=params), SERVICE)

    def _landed(self, key: tuple[str, tuple[tuple[str, str], ...]], done: asyncio.Future[Any]) -> None:
        """Forget a shared GET that ended (or that nobody waits for any more)."""
        if self._in_flight.get(key) is done:
            del self._in_flight[key]
        if done.done() and not done.cancelled():
            done.exception()  # retrieved: a failure nobody waited for any more is not "never retrieved"

    async def list_all(
        self, path: str, key: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None
    ) -> list[Any]:
        """Every item of a paged list, up to `max_list_items` (`session.read_pages`), or its first `limit`
        (a window of a sorted list). [UNSURE] reference §1 on `next`: the nodes and node-pool lists' schemas
        have none, so a full page means there may be more."""
        size = self.page_size if limit is None else max(1, min(self.page_size, limit))

        async def page(offset: int) -> tuple[list[Any], Any]:
            body = await self.get(path, {**(params or {}), "offset": offset, "limit": size})
            return self.items(body, key, path), body.get("next")

        return await read_pages(
            page,
            path=path,
            key=key,
            page_size=size,
            max_items=self.max_list_items,
            service=SERVICE,
            api="Run:ai",
            wanted=limit,
        )

    async def first_page(self, path: str, key: str, params: Mapping[str, Any], limit: int) -> list[Any]:
        """One page of at most `limit` items (the newest, when `params` sort so): no paging past it."""
        page = {**params, "offset": 0, "limit": max(1, min(limit, self.page_size))}
        return self.items(await self.get(path, page), key, path)

    @staticmethod
    def items(body: Any, key: str, path: str) -> list[Any]:
        """The `key` array of a list answer; a `BadResponse` naming it when it is missing or not one."""
        chunk = require(body, key, SERVICE, where=f"{path} response")
        if not isinstance(chunk, list):
            raise BadResponse(f"The {path} response field {key!r} is not an array.", service=SERVICE)
        return chunk

    @staticmethod
    def filter(*terms: str) -> dict[str, str]:
        """`filterBy` is one comma-joined parameter (`explode: false`), not a repeated one."""
        present = [term for term in terms if term]
        return {"filterBy": ",".join(present)} if present else {}

    async def cluster_uuid(self) -> str:
        """The cluster every list is narrowed to: the profile's, else the tenant's only / first-created."""
        if self.cluster_id is None:
            self.cluster_id = str(wire.choose_cluster(await self.get("/api/v1/clusters"), None)["uuid"])
        return self.cluster_id

    async def cluster_filter(self, *terms: str, key: str = "clusterId") -> dict[str, str]:
        """`filterBy` narrowed to the cluster (`key==uuid`) and `terms`."""
        return self.filter(f"{key}=={await self.cluster_uuid()}", *terms)

    # -- which version's routes -----------------------------------------------------------------------------
    def route_known(self, what: str) -> bool:
        return what in self.legacy_routes or what in self.latest_routes

    async def either(
        self,
        what: str,
        latest: Callable[[], Awaitable[list[Any]]],
        legacy: Callable[[], Awaitable[list[Any]]],
    ) -> list[Any]:
        """`latest()` (the top-level route), or `legacy()` (2.18's route) once the top-level one 404'd."""
        if what not in self.legacy_routes:
            try:
                items = await latest()
            except NotFound:
                pass
            else:
                self.latest_routes.add(what)
                return items
        try:
            items = await legacy()
        except NotFound:
            raise NotFound(
                f"The {what} list is {versions.NOT_AVAILABLE}.", status=404, service=SERVICE
            ) from None
        self.legacy_routes.add(what)
        return items

    async def aclose(self) -> None:
        for pending in list(self._in_flight.values()):
            pending.cancel()
        await self.session.aclose()
