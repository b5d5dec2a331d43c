"""Login and refresh (reference §2.1): the request body and the tokens it answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.data.errors import BadResponse
from console.wire.weka.envelope import SERVICE, as_float, as_str


@dataclass(frozen=True, slots=True)
class Tokens:
    """A login's answer; the tokens stay out of repr so they never reach a log or a traceback."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in_seconds: float
    token_type: str = "Bearer"


def parse_tokens(data: Any) -> Tokens:
    """Object or one-element list (§2.1): both are read; `expires_in` defaults to WEKA's 300 s."""
    if isinstance(data, list):
        if not data:
            raise BadResponse("The WEKA login answer holds an empty list.", service=SERVICE)
        data = data[0]
    where = "login data"
    access = as_str(data, "access_token", where)
    refresh = as_str(data, "refresh_token", where, default="") or None
    return Tokens(
        access_token=access,
        refresh_token=refresh,
        expires_in_seconds=as_float(data, "expires_in", where, default=300.0),
        token_type=as_str(data, "token_type", where, default="Bearer"),
    )


def login_body(username: str, password: str, org: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"username": username, "password": password}
    if org:
        body["org"] = org
    return body
