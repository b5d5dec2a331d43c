"""What a Kubernetes answer becomes: its JSON, read bounded, or the `console.data` error it means.

`KubeClient` reads every body raw (`_preload_content=False`), so both halves live here: `read_json` reads at
most `MAX_BODY_BYTES` (a bigger answer is refused, never buffered whole) and turns JSON nested too deep into a
`BadResponse`; `map_kube_error` turns whatever the kubernetes client or urllib3 raised into the typed error
the screens show, through the same HTTP mapping as Run:ai and WEKA (`http_errors.error_for_response`). No
exception text is copied, so nothing from the request (the bearer token) can reach a message.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import urllib3
from kubernetes.client.exceptions import ApiException, ApiTypeError, ApiValueError, OpenApiException

from console.backends.live.http_errors import error_for_response
from console.data.errors import BackendError, BadResponse, Invalid, Timeout, Unavailable
from console.wire.kube import SERVICE

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest answer read (a 500-item page of pods is ~2 MB); a bigger one is refused, not buffered."""


def map_kube_error(error: BaseException) -> BackendError:
    """Anything the kubernetes client or urllib3 raised, as the `console.data` error the screens show.

    The exception's own text is never copied (urllib3 puts URLs in it, ApiException its headers): messages
    come from the server's Status `message` or from fixed sentences.
    """
    if isinstance(error, BackendError):
        return error
    if isinstance(error, ApiException):
        return _api_error(error)
    if isinstance(error, ApiTypeError | ApiValueError):
        return Invalid("rwc built a request the Kubernetes client refused.", service=SERVICE)
    if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason is not None:
        return map_kube_error(error.reason)
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: a refused connection is not a timeout.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return Unavailable("Could not connect to the Kubernetes API.", service=SERVICE)
    if isinstance(error, urllib3.exceptions.TimeoutError | TimeoutError):
        return Timeout("The Kubernetes API did not answer in time.", service=SERVICE)
    if isinstance(error, urllib3.exceptions.SSLError):
        return Unavailable("The TLS handshake with the Kubernetes API failed.", service=SERVICE)
    if isinstance(error, urllib3.exceptions.ProtocolError):
        return Unavailable(
            "The Kubernetes API closed the connection without a complete answer.", service=SERVICE
        )
    if isinstance(error, urllib3.exceptions.DecodeError | UnicodeDecodeError | json.JSONDecodeError):
        return BadResponse("The Kubernetes API answered with a body rwc cannot read.", service=SERVICE)
    if isinstance(error, urllib3.exceptions.HTTPError | OSError):
        return Unavailable("The connection to the Kubernetes API failed.", service=SERVICE)
    if isinstance(error, ValueError | TypeError | KeyError | OpenApiException):
        return BadResponse("The Kubernetes API answered with something rwc cannot read.", service=SERVICE)
    return Unavailable(f"The Kubernetes request failed ({type(error).__name__}).", service=SERVICE)


def _api_error(error: ApiException) -> BackendError:
    """An HTTP error answer through the shared mapping; status 0 is the client's wrapper for a TLS failure."""
    if not error.status:
        return Unavailable("The TLS handshake with the Kubernetes API failed.", service=SERVICE)
    headers = {str(key): str(value) for key, value in (error.headers or {}).items()}
    body = error.body if isinstance(error.body, str | bytes) else b""
    response = httpx.Response(
        error.status, headers=headers, content=body.encode() if isinstance(body, str) else body
    )
    mapped = error_for_response(response, SERVICE)
    status_body = _status_body(body)
    details = status_body.get("details")
    causes = details.get("causes") if isinstance(details, dict) else None
    cause = causes[0] if isinstance(causes, list) and causes and isinstance(causes[0], dict) else {}
    if isinstance(mapped, Invalid) and mapped.field is None and isinstance(cause.get("field"), str):
        mapped.field = cause["field"]
    if error.status == 429 and isinstance(cause.get("message"), str):
        # A disruption budget's refusal says which budget and how many pods it needs: worth showing.
        mapped.message = f"{mapped.message} {cause['message']}"
    return mapped


def _status_body(body: str | bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body) if body else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def read_json(response: Any) -> Any:
    """The body of a raw (`_preload_content=False`) response as JSON; the connection goes back to the pool.

    At most `MAX_BODY_BYTES` are read (a bigger answer is refused and its connection closed, never
    buffered whole), and JSON nested too deep for Python's parser is a `BadResponse`, not a
    `RecursionError`.
    """
    oversized = False
    try:
        data = response.read(MAX_BODY_BYTES + 1) if hasattr(response, "read") else response.data
        oversized = len(data) > MAX_BODY_BYTES
    finally:
        if oversized and hasattr(response, "close"):
            response.close()  # the rest is never read; this connection cannot be reused
        else:
            response.release_conn()
    if oversized:
        raise BadResponse(
            f"The Kubernetes API sent an answer over {MAX_BODY_BYTES // (1024 * 1024)} MiB; refused.",
            service=SERVICE,
        )
    try:
        return json.loads(data)
    except RecursionError:
        raise BadResponse("The Kubernetes API sent JSON nested too deep to read.", service=SERVICE) from None
