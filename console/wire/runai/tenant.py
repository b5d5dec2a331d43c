"""The tenant and who is signed in, both sides: a token's claims, the caller's access rules and the role
they give, the projects a researcher may see, and the cluster a profile works on (`choose_cluster`); the
simulator's face writes its cluster with `cluster_json` and its objects with `TENANT_ID`/`CREATED_BY`.

Apart from the rest because the client reads these once, at sign-in, before any list. [UNSURE] choice made
here: the role is admin when an access rule of the caller grants an administrator role on the system,
tenant or cluster scope (`is_admin`), and the user is the token's `email` claim (then
`preferred_username`, then `sub`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from console.data.errors import NotFound
from console.model.enums import Role
from console.model.identity import Identity
from console.model.runai import ClusterInfo
from console.wire.runai.fields import SERVICE, _bad, _field, _list, _mapping, _obj, _str, iso, parse_items

ADMIN_SCOPES = frozenset({"system", "tenant", "cluster"})

CREATED_BY = "admin@runai-sim.local"

TENANT_ID = 1001


# -- tokens and identity ---------------------------------------------------------------------------
def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, read without checking the signature (only for `exp` and the user's name)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def user_from_claims(claims: Mapping[str, Any], fallback: str) -> str:
    for key in ("email", "preferred_username", "sub"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value
    return fallback


def is_admin(access_rules: Iterable[Any]) -> bool:
    """Whether any of the caller's access rules grants an administrator role on a system-wide scope."""
    for rule in access_rules:
        if not isinstance(rule, Mapping):
            continue
        scope = _str(rule, "scopeType", "access rule", default="").lower()
        role = _str(rule, "roleName", "access rule", default="").lower()
        if scope in ADMIN_SCOPES and "admin" in role:
            return True
    return False


def access_rules_of(body: Any) -> list[Any]:
    """The rule list of `GET /api/v1/authorization/me/access-rules`."""
    outer = _obj(_field(_obj(body, "access rules"), "accessRules", "access-rules response"), "accessRules")
    return _list(outer, "accessRules", "access-rules response", required=True)


def project_names(items: Iterable[Any]) -> list[str]:
    """The names of the readable projects of a project list (what a researcher may see)."""
    return [name for name, _ in project_ids_by_name(items)]


def project_ids_by_name(items: Iterable[Any]) -> list[tuple[str, str]]:
    """(name, id) of each project of a list that has both; the others are left out (and counted)."""

    def name_and_id(item: Any) -> tuple[str, str]:
        obj = _obj(item, "project")
        return _str(obj, "name", "project"), _str(obj, "id", "project")

    return parse_items(items, name_and_id, "project")


def identity_from(user: str, admin: bool, visible_projects: Sequence[str]) -> Identity:
    if admin:
        return Identity(user=user, role=Role.ADMIN)
    return Identity(user=user, role=Role.RESEARCHER, project_names=tuple(visible_projects))


# -- clusters --------------------------------------------------------------------------------------
def parse_cluster(item: Any) -> ClusterInfo:
    obj = _obj(item, "cluster")
    return ClusterInfo(
        uuid=_str(obj, "uuid", "cluster"),
        name=_str(obj, "name", "cluster"),
        version=_str(obj, "version", "cluster", default=""),
        state=_str(_mapping(obj.get("status")), "state", "cluster status", default="Unknown"),
    )


def choose_cluster(clusters: Any, cluster_id: str | None) -> Mapping[str, Any]:
    """The profile's cluster when it names one; otherwise the tenant's only (or first-created) cluster.
    Entries without a `uuid` cannot be chosen and are left out."""
    if not isinstance(clusters, list):
        raise _bad("The Run:ai cluster list is not an array.")

    def readable(item: Any) -> Mapping[str, Any]:
        obj = _obj(item, "cluster")
        _str(obj, "uuid", "cluster")
        return obj

    items = parse_items(clusters, readable, "cluster")
    if cluster_id is not None:
        for item in items:
            if _str(item, "uuid", "cluster").lower() == cluster_id.lower():
                return item
        raise NotFound(
            f"Cluster {cluster_id} (the profile's cluster_id) is not in this tenant.", service=SERVICE
        )
    if not items:
        raise NotFound("This Run:ai tenant has no clusters.", service=SERVICE)
    return min(items, key=lambda item: _str(item, "createdAt", "cluster", default=""))


def cluster_json(info: ClusterInfo, created_at: datetime, now: datetime) -> dict[str, Any]:
    return {
        "uuid": info.uuid,
        "tenantId": TENANT_ID,
        "name": info.name,
        "createdAt": iso(created_at),
        "domain": f"https://{info.name}.runai-sim.local",
        "version": info.version,
        "status": {
            "state": info.state,
            "conditions": [],
            "platform": {"type": "vanilla", "kubeVersion": "v1.30.4"},
        },
        "updatedAt": iso(created_at),
        "deletedAt": None,
        "lastLiveness": iso(now),
    }
