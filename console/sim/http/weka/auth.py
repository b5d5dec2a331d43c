"""Who may call the WEKA face: local users and their roles (§15), access and refresh tokens (§2.1), the
login and refresh requests, and `Handlers`, the base of every other handler set (a signed-in call on the
simulator under its lock)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from console.data.errors import BackendError
from console.model import Identity, Role
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.weka.common import RequestBody, http_error, ok
from console.sim.simulator import Simulator
from console.sim.weka import WekaSim

ACCESS_TOKEN_SECONDS = 300
"""`expires_in` of an access token (reference §2.1: five minutes), so long tests exercise refresh."""

REFRESH_TOKEN_SECONDS = 365 * 86_400
"""Refresh tokens last a year (reference §2.1)."""

ADMIN_ROLES = frozenset({"ClusterAdmin", "OrgAdmin"})
"""WEKA roles that may change filesystems and snapshots (reference §15)."""

READ_ROLES = ADMIN_ROLES | {"ReadOnly", "CSI"}
"""Roles that may read; `Regular` may only log in and change its password (reference §15)."""


@dataclass(frozen=True, slots=True)
class WekaUser:
    """A local WEKA user of the simulated cluster; `role` uses the API's spelling (reference §15)."""

    username: str
    password: str = field(repr=False)
    role: str = "ClusterAdmin"
    org: str = "Root"

    @property
    def identity(self) -> Identity:
        """Who `WekaSim` sees: admins act, everyone else is refused like a researcher (403)."""
        role = Role.ADMIN if self.role in ADMIN_ROLES else Role.RESEARCHER
        return Identity(user=self.username, role=role)


@dataclass(slots=True)
class _Session:
    username: str
    expires_at: float


class _TokenBook:
    """Access and refresh tokens, expiring on the face's clock (injectable, so tests need not wait)."""

    def __init__(self, clock: Callable[[], float], access_seconds: float) -> None:
        self._clock = clock
        self._access_seconds = access_seconds
        self._access: dict[str, _Session] = {}
        self._refresh: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def issue(self, username: str) -> dict[str, Any]:
        now = self._clock()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._access[access] = _Session(username, now + self._access_seconds)
            self._refresh[refresh] = _Session(username, now + REFRESH_TOKEN_SECONDS)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self._access_seconds),
            "refresh_token": refresh,
        }

    def user_of(self, access_token: str) -> str | None:
        with self._lock:
            session = self._access.get(access_token)
            if session is None or self._clock() >= session.expires_at:
                return None
            return session.username

    def redeem(self, refresh_token: str) -> str | None:
        """The user of a valid refresh token, which is used up: the new one replaces it (§2.1)."""
        with self._lock:
            session = self._refresh.pop(refresh_token, None)
        if session is None or self._clock() >= session.expires_at:
            return None
        return session.username


def _tokens_body(tokens: dict[str, Any]) -> Any:
    """Open question 1 (§2.1, §19): an object, as every working client reads it; the docs show a list."""
    return tokens


class SignIn:
    """The face's users and their tokens: login, refresh, and the token and role check of every other
    request."""

    def __init__(
        self, users: Mapping[str, WekaUser], clock: Callable[[], float], access_token_seconds: float
    ) -> None:
        self.users = dict(users)
        self.tokens = _TokenBook(clock, access_token_seconds)

    def authorize(self, request: Request, *, write: bool = False) -> WekaUser:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Authentication token is missing; log in at /api/v2/login.")
        username = self.tokens.user_of(token.strip())
        user = self.users.get(username) if username else None
        if user is None:
            raise HttpError(401, "Authentication token is invalid or expired; refresh it or log in again.")
        allowed = ADMIN_ROLES if write else READ_ROLES
        if user.role not in allowed:
            doing = "make changes" if write else "read cluster information"
            raise HttpError(
                403,
                f"User {user.username} has role {user.role}, which may not {doing}.",
                extra={"exceptionClass": ["PermissionDeniedException", "OperationFailedException"]},
            )
        return user

    def login(self, request: Request) -> Response:
        body = RequestBody.of(request)
        body.require("username", "password")
        username, password = body.string("username"), body.string("password")
        org = body.optional_string("org") or "Root"
        user = self.users.get(username)
        # Org names match case-insensitively (WMS sends "root", CSI "Root": §2.1).
        if (
            user is None
            or not secrets.compare_digest(user.password.encode(), password.encode())
            or user.org.lower() != org.lower()
        ):
            raise HttpError(401, "Invalid username, password or organization.")
        return ok(_tokens_body(self.tokens.issue(user.username)))

    def refresh(self, request: Request) -> Response:
        body = RequestBody.of(request)
        body.require("refresh_token")
        username = self.tokens.redeem(body.string("refresh_token"))
        if username is None or username not in self.users:
            raise HttpError(401, "Refresh token is invalid or expired; log in again.")
        return ok(_tokens_body(self.tokens.issue(username)))


class Handlers:
    """A handler set of the face: authentication, then one `WekaSim` call under the host's lock."""

    def __init__(self, host: SimulatorHost, sign_in: SignIn) -> None:
        self.host = host
        self.sign_in = sign_in

    @contextmanager
    def weka(self, kind: str = "Object") -> Iterator[tuple[Simulator, WekaSim]]:
        """The simulator, locked; its refusals leave as WEKA's HTTP errors."""
        try:
            with self.host.session() as sim:
                yield sim, sim.weka
        except BackendError as error:
            raise http_error(error, kind) from None

    def authorize(self, request: Request, *, write: bool = False) -> WekaUser:
        """The signed-in user, allowed to read (or with `write`, to change); 401 or 403 otherwise."""
        return self.sign_in.authorize(request, write=write)
