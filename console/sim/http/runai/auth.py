"""The Run:ai face's sign-in: the application credentials it accepts and the HS256 tokens it issues.

Apart from the handlers so that how a token is made, checked and revoked (`expire_all`, the fault that
makes every client sign in again) reads in one place.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from console.data.errors import Unauthorized
from console.model.identity import Role
from console.wire.runai import TENANT_ID

TOKEN_LIFETIME_SECONDS = 300
"""Short on purpose: a client that does not refresh its token fails within minutes of a demo."""


@dataclass(frozen=True)
class AppCredential:
    """An application / service-account credential the face accepts, and who it acts as."""

    client_id: str
    client_secret: str = field(repr=False)
    user: str
    role: Role = Role.ADMIN


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    """Issues and checks HS256 JWTs; `expire_all` makes every issued token fail like an expired one."""

    def __init__(self, lifetime_seconds: float, wall_clock: Callable[[], float]) -> None:
        self.lifetime_seconds = lifetime_seconds
        self._wall_clock = wall_clock
        self._key = secrets.token_bytes(32)
        self._not_before = 0.0
        self._lock = threading.Lock()
        self.issued = 0

    def issue(self, credential: AppCredential, issuer: str) -> tuple[str, int]:
        now = self._wall_clock()
        lifetime = int(self.lifetime_seconds)
        with self._lock:
            self.issued += 1
            serial = self.issued
        claims = {
            "iss": issuer,
            "sub": credential.client_id,
            "aud": "runai",
            "iat": now,
            "exp": now + self.lifetime_seconds,
            "jti": f"{serial}",
            "email": credential.user,
            "preferred_username": credential.user,
            "tenant_id": TENANT_ID,
        }
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}", lifetime

    def check(self, token: str) -> str:
        """The client id the token was issued to; `Unauthorized` for a bad, expired or revoked token."""
        parts = token.split(".")
        if len(parts) != 3:
            raise Unauthorized("Issuer is not familiar.")
        header, payload, signature = parts
        expected = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature):
            raise Unauthorized("Issuer is not familiar.")
        claims = json.loads(_b64decode(payload))
        now = self._wall_clock()
        if claims["exp"] <= now or claims["iat"] < self._not_before:
            raise Unauthorized("Token is expired.")
        return str(claims["sub"])

    def expire_all(self) -> None:
        self._not_before = self._wall_clock() + 1e-6
