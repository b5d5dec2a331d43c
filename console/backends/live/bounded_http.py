"""Every answer the Run:ai and WEKA clients read is bounded: in time as a whole, in bytes, in depth.

httpx's timeouts are per phase and per read, so a server that drips one byte every few seconds never
trips them, and a 5 GB answer (or a small gzip bomb) is read into memory whole. `bounded_request` sends
one request and reads its answer under a total deadline (`Timeout` past it) and a byte cap on the decoded
body (`BadResponse` past it, stopping at once); `loads_bounded` parses JSON whose nesting a recursive
parser cannot survive as `BadResponse`, not a RecursionError. Kubernetes has its own bounds
(`console.backends.live.kube`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from console.backends.live.http_errors import map_transport_error
from console.data.errors import BadResponse, Timeout

REQUEST_DEADLINE_SECONDS = 30.0
"""The whole of one request, connect to last byte: past this the screen goes stale and says why."""
MAX_ANSWER_BYTES = 32 * 1024 * 1024
"""No list rwc shows needs more in one page (500 workloads are ~1 MB); more is a broken or hostile server."""
_MIB = 1024 * 1024
_DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")
"""The body is kept decoded: these would make httpx decode or frame it a second time."""


async def bounded_request(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    service: str,
    deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
    max_bytes: int = MAX_ANSWER_BYTES,
    **kwargs: Any,
) -> httpx.Response:
    """`http.request(method, url, **kwargs)`, read whole within `deadline_seconds` and `max_bytes`."""
    request = http.build_request(method, url, **kwargs)
    chunks: list[bytes] = []
    try:
        async with asyncio.timeout(deadline_seconds):
            response = await http.send(request, stream=True)
            try:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise _too_big(service, int(declared), max_bytes)
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_big(service, size, max_bytes, at_least=True)
                    chunks.append(chunk)
            finally:
                await response.aclose()
    except TimeoutError:
        raise Timeout(
            f"The {service} answer did not arrive whole within {deadline_seconds:g} s.", service=service
        ) from None
    except httpx.HTTPError as error:
        raise map_transport_error(error, service) from None
    headers = [(key, value) for key, value in response.headers.multi_items() if key not in _DROPPED_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=request)


def _too_big(service: str, size: int, limit: int, *, at_least: bool = False) -> BadResponse:
    more = "more than " if at_least else ""
    return BadResponse(
        f"The {service} answer is {more}{size / _MIB:.0f} MB; "
        f"rwc reads at most {limit / _MIB:.0f} MB of one answer.",
        service=service,
    )


def loads_bounded(content: bytes, service: str, status: int | None = None, *, name: str = "") -> Any:
    """JSON of an answer; `BadResponse` for one that is not JSON or nests too deep to parse. `name` is
    how the message names the service ("WEKA"), `service` the error's tag ("weka")."""
    name = name or service
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadResponse(f"The {name} answer is not JSON.", status=status, service=service) from None
    except RecursionError:
        raise BadResponse(
            f"The {name} answer is JSON nested too deep to read (a broken or hostile server).",
            status=status,
            service=service,
        ) from None
