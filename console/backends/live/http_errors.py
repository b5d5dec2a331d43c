"""One mapping from httpx responses and exceptions to `console.data.errors`, shared by every REST client.

The Run:ai, WEKA and Kubernetes clients all talk HTTP; if each mapped statuses on its own, the screens would
see a 403 from one service as `Forbidden` and from another as a generic failure. Every live client therefore
funnels its responses through here:

- `raise_for_response(response, service)`: nothing for 2xx; otherwise the typed error for the status.
- `error_for_response(response, service)`: the same error, returned instead of raised.
- `map_transport_error(exc, service)`: an httpx exception (timeout, refused/dropped connection, protocol
  garbage) as a `BackendError`; use it as
  ``except httpx.HTTPError as exc: raise map_transport_error(exc, SERVICE) from None``.
- `parse_json(response, service)`: `raise_for_response`, then the body as JSON or `BadResponse`.
- `require(mapping, key, service)`: a field the client cannot work without, or `BadResponse`.

Status mapping: 400/422 `Invalid` (with `field` when the body names one), 401 `Unauthorized`, 403
`Forbidden`, 404/410 `NotFound`, 408 `Timeout`, 409/412 `Conflict`, 429 `RateLimited` (with `retry_after`
seconds from the Retry-After header, or None), 5xx `Unavailable`, any other non-2xx `BadResponse`.

The user-facing message is the body's own `message` (Run:ai `{code, message}`, WEKA `{message}`, Kubernetes
`Status.message`, OAuth2 `error_description`) when there is one, else the error class's default. Messages are
cut to `MAX_MESSAGE_CHARS`, and nothing from the *request* (headers, body, URL query) is ever copied into an
error, so a secret sent to a server cannot come back out through `str(error)` or `repr(error)`. A server may
still echo the request in its own message (the login body in a 400): every secret the request carried (the
bearer token, and the values of secret-named fields of a JSON or form body) is replaced by `••••` in the
message before the error exists, so it never reaches the screen, the log or the audit log.

httpx is imported here, so only modules under `console.backends.live` may import this one.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from console.data.errors import (
    BackendError,
    BadResponse,
    Invalid,
    RateLimited,
    Timeout,
    Unavailable,
)
from console.wire.common import ERROR_OF_STATUS

MAX_MESSAGE_CHARS = 300
"""A server's message longer than this (an HTML error page, a stack trace) is cut: the screen has one line."""


def raise_for_response(response: httpx.Response, service: str) -> None:
    """Return for a 2xx answer; raise the typed `BackendError` for anything else."""
    if not 200 <= response.status_code < 300:
        raise error_for_response(response, service)


def error_for_response(response: httpx.Response, service: str) -> BackendError:
    """The typed error for a non-2xx `response` (callers that collect errors instead of raising use this)."""
    status = response.status_code
    body = _body_json(response)
    message = _body_message(body, request_secrets(response))
    if status >= 500:
        return Unavailable(message, status=status, service=service)
    error_class = ERROR_OF_STATUS.get(status)
    if error_class is Invalid:
        return Invalid(message, field=_body_field(body), status=status, service=service)
    if error_class is RateLimited:
        return RateLimited(message, retry_after=retry_after_seconds(response), status=status, service=service)
    if error_class is not None:
        return error_class(message, status=status, service=service)
    return BadResponse(message or f"Unexpected HTTP status {status}.", status=status, service=service)


def map_transport_error(exc: BaseException, service: str) -> BackendError:
    """An httpx exception (or an already-typed `BackendError`) as the `BackendError` the screens show.

    Timeouts of any phase are `Timeout`; refused, reset and dropped connections and protocol errors (the
    server closed without answering) are `Unavailable`; a body httpx cannot decode is `BadResponse`. The
    exception's own text is not copied: httpx puts the request URL in some messages.
    """
    if isinstance(exc, BackendError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return Timeout(service=service)
    if isinstance(exc, httpx.DecodingError):
        return BadResponse("The service sent a body that could not be decoded.", service=service)
    if isinstance(exc, httpx.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
            return Unavailable(
                "The service's TLS certificate is not trusted: set a CA bundle for it (or insecure = true).",
                service=service,
            )
        return Unavailable("Could not connect to the service.", service=service)
    if isinstance(exc, httpx.RemoteProtocolError):
        return Unavailable("The service closed the connection without a valid answer.", service=service)
    if isinstance(exc, httpx.TransportError):
        return Unavailable("The connection to the service failed.", service=service)
    if isinstance(exc, httpx.TooManyRedirects):
        return BadResponse("The service redirected too many times.", service=service)
    if isinstance(exc, httpx.HTTPStatusError):
        return error_for_response(exc.response, service)
    return Unavailable(f"The request failed ({type(exc).__name__}).", service=service)


def parse_json(response: httpx.Response, service: str) -> Any:
    """The body of a successful response as JSON; raises the status's error, or `BadResponse` for non-JSON."""
    raise_for_response(response, service)
    try:
        return json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadResponse(
            "The service answered with a body that is not JSON.", status=response.status_code, service=service
        ) from None
    except RecursionError:
        raise BadResponse(
            "The service answered with JSON nested too deep to read.",
            status=response.status_code,
            service=service,
        ) from None


def require(mapping: Any, key: str, service: str, *, where: str = "response") -> Any:
    """`mapping[key]`, or `BadResponse` naming the missing field (and `where` it was expected)."""
    if not isinstance(mapping, Mapping):
        kind = type(mapping).__name__
        raise BadResponse(f"Expected an object in the {where}, got {kind}.", service=service)
    try:
        return mapping[key]
    except KeyError:
        raise BadResponse(f"The {where} lacks the field {key!r}.", service=service) from None


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """The Retry-After header in seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _body_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


SECRET_FIELDS = frozenset(
    {
        "password",
        "clientsecret",
        "client_secret",
        "appsecret",
        "secret",
        "refreshtoken",
        "refresh_token",
        "token",
        "access_token",
        "accesstoken",
        "apikey",
        "api_key",
    }
)
"""Request fields whose values are secrets (compared without case): login bodies of Run:ai (both
grants), WEKA (`password`, refresh tokens) and OAuth2 forms."""
MIN_SECRET_CHARS = 4
"""Shorter values are not scrubbed: replacing every "a" in a message would hide it, not protect it."""
SCRUBBED = "••••"


def request_secrets(response: httpx.Response) -> list[str]:
    """The secrets the request behind `response` carried: its bearer or basic credential and the values
    of secret-named fields in a JSON or form body (longest first, so a secret containing another goes
    whole)."""
    try:
        request = response.request
    except RuntimeError:  # a response built without a request (tests) carries nothing to scrub
        return []
    found: list[str] = []
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme and credential:
        found.append(credential.strip())
    try:
        text = request.content.decode("utf-8", errors="replace")
    except (httpx.RequestNotRead, RuntimeError):
        text = ""
    if text:
        found.extend(_secret_values(text))
    unique = {value for value in found if len(value) >= MIN_SECRET_CHARS}
    return sorted(unique, key=len, reverse=True)


def _secret_values(text: str) -> list[str]:
    try:
        document = json.loads(text)
    except ValueError:
        from urllib.parse import parse_qsl

        return [value for key, value in parse_qsl(text) if key.lower() in SECRET_FIELDS]
    values: list[str] = []
    stack = [document]
    while stack and len(values) < 64:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if isinstance(value, str) and str(key).lower() in SECRET_FIELDS:
                    values.append(value)
                elif isinstance(value, Mapping | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item[:64])
    return values


def scrub(text: str, secrets: Sequence[str]) -> str:
    """`text` with each of `secrets` (as sent, and as JSON would escape it) replaced by `••••`."""
    for secret in secrets:
        for form in {secret, json.dumps(secret)[1:-1]}:
            text = text.replace(form, SCRUBBED)
    return text


def _body_message(body: Any, secrets: Sequence[str] = ()) -> str | None:
    """The server's message, secrets scrubbed before it is cut (a cut must not leave half a secret)."""
    if not isinstance(body, Mapping):
        return None
    for key in ("message", "error_description", "error", "detail"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            text = " ".join(scrub(value, secrets).split())
            return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"
    return None


def _body_field(body: Any) -> str | None:
    """The field a validation error points at: a top-level `field`, or Run:ai's first compliance issue."""
    if not isinstance(body, Mapping):
        return None
    field = body.get("field")
    if isinstance(field, str):
        return field
    issues = body.get("complianceIssues")
    if isinstance(issues, list) and issues and isinstance(issues[0], Mapping):
        first = issues[0].get("field")
        if isinstance(first, str):
            return first
    return None
