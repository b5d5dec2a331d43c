"""The Run:ai face's sign-in: the application credentials it accepts, the HS256 tokens it issues, the
token request (`POST /api/v1/token`, latest and 2.18 grants) and the access-rule routes that say who the
caller is.

How a token is made, checked and revoked (`expire_all`, the fault that makes every client sign in
again) reads in one place, `Tokens`; `SignIn` holds the handlers over it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.data.errors import Unauthorized
from console.model.identity import Identity, Role
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.runai.common import V2_18
from console.sim.http.runai.listing import page
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.runai import TENANT_ID, iso

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


class SignIn:
    """The token request, the bearer-token check every other route makes, and the access-rule routes."""

    def __init__(
        self, credentials: Mapping[str, AppCredential], tokens: Tokens, issuer: str, version: str
    ) -> None:
        self.credentials = {credential.client_id.lower(): credential for credential in credentials.values()}
        self.tokens = tokens
        self.issuer = issuer
        self.version = version

    def credential_of(self, request: Request) -> AppCredential:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Issuer is not familiar.")
        try:
            client_id = self.tokens.check(token.strip())
        except Unauthorized as error:
            raise HttpError(401, error.message) from None
        credential = self.credentials.get(client_id.lower())
        if credential is None:
            raise HttpError(401, "Issuer is not familiar.")
        return credential

    def token(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        # reference §2.2 [CONFLICT]: clientID (spec), clientId (docs), AppId (runapy): any case matches.
        keys = {str(key).lower(): value for key, value in body.items()}
        if self.version == V2_18:
            return self._token_2_18(keys)
        grant = keys.get("granttype")
        if grant not in ("client_credentials", "app_token"):
            raise HttpError(400, f"Unsupported grantType {grant!r}; this server accepts client_credentials.")
        client_id = keys.get("clientid") or keys.get("appid")
        secret = keys.get("clientsecret") or keys.get("appsecret")
        if not isinstance(client_id, str) or not isinstance(secret, str):
            raise HttpError(400, "Required parameter is missing: clientId and clientSecret.")
        credential = self._signed_in(client_id, secret)
        token, lifetime = self.tokens.issue(credential, self.issuer)
        return Response.json(200, {"accessToken": token, "idToken": token, "expiresIn": lifetime})

    def _signed_in(self, client_id: str, secret: str) -> AppCredential:
        """The credential with this id and secret; 401 otherwise (the secret compared in constant time)."""
        credential = self.credentials.get(client_id.lower())
        if credential is None or not hmac.compare_digest(credential.client_secret.encode(), secret.encode()):
            raise HttpError(401, "Invalid client credentials.")
        return credential

    def _token_2_18(self, keys: Mapping[str, Any]) -> Response:
        """2.18's token request: an application signs in with `app_token` and `appID`/`appSecret` (no
        `client_credentials`, no `clientSecret`); the answer carries no `expiresIn`."""
        client_id, secret = keys.get("appid"), keys.get("appsecret")
        if (
            keys.get("granttype") != "app_token"
            or not isinstance(client_id, str)
            or not isinstance(secret, str)
        ):
            raise HttpError(400, "Required parameter is missing")
        credential = self._signed_in(client_id, secret)
        token, _ = self.tokens.issue(credential, self.issuer)
        return Response.json(200, {"accessToken": token, "idToken": token, "refreshToken": token})

    def access_rules(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /api/v1/authorization/access-rules`: every subject's rules (one per credential this
        face knows), for administrators only; `{totalRecords, displayRecords, accessRules}` unwrapped."""
        if not actor.is_admin:
            raise HttpError(403, "You do not have sufficient permissions.")
        rules: list[dict[str, Any]] = []
        for credential in self.credentials.values():
            subject = sim.runai.identity_for(credential.user, credential.role)
            rules += self._rules_of(sim, subject, first_id=len(rules) + 1)
        chunk, _ = page(rules, request)
        return Response.json(
            200, {"totalRecords": len(rules), "displayRecords": len(chunk), "accessRules": list(chunk)}
        )

    def my_access_rules(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """The caller's access rules: admins hold System administrator on the tenant, researchers a rule per
        project they are a member of (Run:ai's role names; the client reads the role from these)."""
        rules = self._rules_of(sim, actor, first_id=1 if actor.is_admin else 100)
        chunk, _ = page(rules, request)
        return Response.json(
            200,
            {
                "accessRules": {
                    "totalRecords": len(rules),
                    "displayRecords": len(chunk),
                    "accessRules": list(chunk),
                }
            },
        )

    @staticmethod
    def _rules_of(sim: Simulator, actor: Identity, *, first_id: int) -> list[dict[str, Any]]:
        created = iso(sim.clock.start)
        subject = {
            "subjectId": actor.user,
            "subjectType": "user",
            "tenantId": TENANT_ID,
            "createdAt": created,  # 2.18's access rules require their metadata (MetadataFields)
            "updatedAt": created,
            "createdBy": wire.CREATED_BY,
        }
        if actor.is_admin:
            return [
                {
                    **subject,
                    "id": first_id,
                    "roleId": 1,
                    "roleName": "System administrator",
                    "scopeId": str(TENANT_ID),
                    "scopeType": "tenant",
                    "scopeName": "runai",
                },
            ]
        names = {project.name: project.id for project in sim.runai.projects(actor)}
        return [
            {
                **subject,
                "id": first_id + index,
                "roleId": 5,
                "roleName": "L1 researcher",
                "scopeId": project_id,
                "scopeType": "project",
                "scopeName": name,
                "clusterId": sim.runai.cluster.uuid,
            }
            for index, (name, project_id) in enumerate(names.items())
        ]
