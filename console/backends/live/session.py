"""`ApiSession`: the one way the Run:ai and WEKA clients talk HTTP.

Both services are REST APIs behind a bearer token, and both clients need the same plumbing, which used to
be written twice: an `httpx.AsyncClient` whose TLS verification comes from the profile (`tls_verify`,
checked when the config is read, so a bad CA bundle is a one-line `ConfigError` at start, not a traceback
at the first request); every answer read whole under a deadline and a byte cap (`bounded_http`); a token
reused until its renewal time, renewed by one sign-in at a time, and renewed once more when a request is
answered 401 anyway (a second 401 is the answer: the caller's error mapping makes it `Unauthorized`);
offset paging that stops on a server that loops or never ends (`read_pages`). What differs per service
stays in its client: how to sign in (the `sign_in` callable), how an error answer reads, which routes
exist.

The Kubernetes client does not use this: the kubernetes library owns kubeconfig, exec plugins and TLS
there, and `console.backends.live.kube` bounds its answers its own way.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from console.backends.live.bounded_http import REQUEST_DEADLINE_SECONDS, bounded_request
from console.config import ConfigError, Profile, check_ca_bundle
from console.data.errors import BadResponse, Unauthorized
from console.data.unreadable import report_missing_part


def tls_verify(
    ca_bundle: Path | str | None, insecure: bool, *, key: str = "ca_bundle"
) -> ssl.SSLContext | bool:
    """What httpx's `verify` gets: off only when `insecure`; a context trusting `ca_bundle` when given;
    else the system's trust store. A bundle that cannot be used is a `ConfigError` naming `key`."""
    if insecure:
        return False
    if ca_bundle is None:
        return True
    return check_ca_bundle(Path(ca_bundle).expanduser(), key)


def profile_tls(profile: Profile, insecure: bool = False) -> ssl.SSLContext | bool:
    """TLS for every REST client of `profile`; `insecure` (--insecure) turns verification off too."""
    return tls_verify(
        profile.ca_bundle, insecure or profile.insecure, key=f"profiles.{profile.name}.ca_bundle"
    )


class Secret:
    """A secret, or where to read it: it never shows in repr, str or a traceback's locals.

    Given a callable (what `from_profile` passes: the profile's env var or file reader), the secret is read
    each time it is needed and not kept, as `console.config.Profile` intends. A source that cannot be read
    is `Unauthorized`, worded by `unreadable` ("... cannot be read: {error}").
    """

    __slots__ = ("_source", "_unreadable", "_service")

    def __init__(self, source: str | Callable[[], str], *, unreadable: str, service: str) -> None:
        self._source = source
        self._unreadable = unreadable
        self._service = service

    def reveal(self) -> str:
        if isinstance(self._source, str):
            return self._source
        try:
            return self._source()
        except ConfigError as error:
            raise Unauthorized(self._unreadable.format(error=error), service=self._service) from None

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A bearer token and when (on the session's clock) to get a new one instead of using it."""

    value: str
    renew_at: float


class ApiSession:
    """One REST service: its HTTP connection pool, its bearer token and its bounds.

    `sign_in` obtains a new token (it sends its request with `send`, unauthenticated); the session calls it
    when there is no token, when the token's renewal time has come, and once after a 401.
    """

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        sign_in: Callable[[], Awaitable[IssuedToken]],
        verify: ssl.SSLContext | bool = True,
        timeout: httpx.Timeout | float = 30.0,
        headers: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
        trust_env: bool = True,
    ) -> None:
        self.service = service
        self.deadline_seconds = deadline_seconds
        """The whole of one request, connect to last byte (`bounded_http`)."""
        self._sign_in = sign_in
        self._clock = clock
        self._http = httpx.AsyncClient(
            base_url=base_url,
            verify=verify,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            headers=dict(headers or {}),
            transport=transport,
            trust_env=trust_env,
            follow_redirects=False,
        )
        self._token: IssuedToken | None = None
        self._lock = asyncio.Lock()
        self.tokens_fetched = 0
        """How many tokens this session has obtained (tests check renewals with it)."""

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- requests -------------------------------------------------------------------------------------------
    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        """One request, read whole within the deadline and byte cap; with `token`, as its bearer."""
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return await bounded_request(
            self._http,
            method,
            path,
            service=self.service,
            deadline_seconds=self.deadline_seconds,
            json=json,
            params=params,
            headers=headers,
        )

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """One authenticated call; on 401 the token is renewed once and the call repeated (the only retry
        here: the Store owns backoff). The answer is returned whatever its status."""
        token = await self.token()
        response = await self.send(method, path, json=json, params=params, token=token)
        if response.status_code == 401:
            token = await self.token(stale=token)
            response = await self.send(method, path, json=json, params=params, token=token)
        return response

    # -- the token ------------------------------------------------------------------------------------------
    @property
    def current_token(self) -> str | None:
        """The token in use, if any (no request is made)."""
        return self._token.value if self._token is not None else None

    async def token(self, *, stale: str | None = None) -> str:
        """A usable token: the cached one until its renewal time; a new one when `stale` is still cached
        (another request may have renewed it meanwhile: then that one is used, not renewed again)."""
        async with self._lock:
            held = self._token
            if held is None or self._clock() >= held.renew_at or (stale is not None and held.value == stale):
                return await self._renew_locked(self._sign_in)
            return held.value

    async def renew(self, sign_in: Callable[[], Awaitable[IssuedToken]] | None = None) -> str:
        """Get a new token now (with `sign_in`, or the session's own), whatever the cached one is."""
        async with self._lock:
            return await self._renew_locked(sign_in or self._sign_in)

    async def _renew_locked(self, sign_in: Callable[[], Awaitable[IssuedToken]]) -> str:
        self._token = None
        issued = await sign_in()
        self._token = issued
        self.tokens_fetched += 1
        return issued.value

    def renew_time(self, lifetime_seconds: float, margin_seconds: float) -> float:
        """The renewal time, on this session's clock, of a token valid `lifetime_seconds` from now."""
        return self._clock() + max(0.0, lifetime_seconds - margin_seconds)


# -- paging -------------------------------------------------------------------------------------------------
PageReader = Callable[[int], Awaitable[tuple[list[Any], Any]]]
"""Reads the page at an offset: (its items, the answer's `next`)."""


async def read_pages(
    read_page: PageReader,
    *,
    path: str,
    key: str,
    page_size: int,
    max_items: int,
    service: str,
    api: str,
    wanted: int | None = None,
) -> list[Any]:
    """Every item of an offset-paged list (`offset`/`limit`, `next`), up to `max_items`.

    Follows `next` while it moves forward; when a list has no `next` a full page means there may be more.
    Bounded: a `next` that goes back to an offset already read is a server that would loop forever, a clear
    `BadResponse`; a list whose pages go on past `max_items` is cut there, and the cut is reported
    (`report_missing_part`), so the screen says "list truncated at N" beside the rows. `path`, `key` and
    `api` ("Run:ai") are how the messages name the list. `wanted` stops quietly after that many (a window
    of a sorted list: nothing is missing, the caller asked for the first N).
    """
    items: list[Any] = []
    offset = 0
    requested: set[int] = set()
    while True:
        requested.add(offset)
        chunk, following = await read_page(offset)
        items += chunk
        if wanted is not None and len(items) >= wanted:
            del items[wanted:]
            break
        if len(items) > max_items:
            del items[max_items:]
            report_missing_part(
                f"{key} past the first {max_items:,}",
                BadResponse(f"list truncated at {max_items:,}", service=service),
            )
            break
        if isinstance(following, int) and not isinstance(following, bool) and chunk:
            if following in requested or following < offset:
                raise BadResponse(
                    f"The {api} API sent the {path} list back to offset {following} after "
                    f"{len(requested)} pages; stopped instead of reading it again.",
                    service=service,
                )
            offset = following
        elif following is None and len(chunk) >= page_size:
            offset += len(chunk)
        else:
            break
    return items
