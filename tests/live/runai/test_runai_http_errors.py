"""The shared httpx -> console.data.errors mapping (console/backends/live/http_errors.py)."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from console.backends.live.http_errors import (
    error_for_response,
    map_transport_error,
    parse_json,
    raise_for_response,
    require,
    retry_after_seconds,
)
from console.data.errors import (
    BackendError,
    BadResponse,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Timeout,
    Unauthorized,
    Unavailable,
)

REQUEST = httpx.Request("GET", "https://example.invalid/api/v1/projects?clientSecret=hunter2")


def _response(status: int, body: object = None, *, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers, request=REQUEST)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, Invalid),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (408, Timeout),
        (409, Conflict),
        (410, NotFound),
        (422, Invalid),
        (429, RateLimited),
        (500, Unavailable),
        (502, Unavailable),
        (503, Unavailable),
        (418, BadResponse),
    ],
)
def test_statuses_map_to_typed_errors(status: int, expected: type[BackendError]) -> None:
    error = error_for_response(_response(status, {"code": status, "message": "from the body"}), "runai")
    assert type(error) is expected
    assert error.status == status
    assert error.service == "runai"
    assert error.message == "from the body"


def test_success_does_not_raise_and_parses() -> None:
    raise_for_response(_response(204), "runai")
    assert parse_json(_response(200, {"a": 1}), "runai") == {"a": 1}


def test_default_message_when_body_has_none() -> None:
    error = error_for_response(httpx.Response(503, content=b"<html>oops</html>", request=REQUEST), "weka")
    assert isinstance(error, Unavailable)
    assert error.message == Unavailable.default_message


def test_long_messages_are_cut() -> None:
    error = error_for_response(_response(500, {"message": "x" * 5000}), "runai")
    assert len(error.message) <= 300


def test_invalid_names_the_field() -> None:
    body = {"code": 400, "message": "policy", "complianceIssues": [{"field": "compute.gpuDevicesRequest"}]}
    error = error_for_response(_response(400, body), "runai")
    assert isinstance(error, Invalid) and error.field == "compute.gpuDevicesRequest"


def test_rate_limited_carries_retry_after() -> None:
    error = error_for_response(_response(429, {"message": "slow"}, headers={"Retry-After": "7"}), "runai")
    assert isinstance(error, RateLimited)
    assert error.retry_after == 7.0


def test_retry_after_as_http_date() -> None:
    when = email.utils.formatdate(1_000_060, usegmt=True)
    response = _response(429, headers={"Retry-After": when})
    assert retry_after_seconds(response, now=1_000_000) == pytest.approx(60.0)
    assert retry_after_seconds(_response(429, headers={"Retry-After": "soon"})) is None


def test_non_json_success_is_bad_response() -> None:
    with pytest.raises(BadResponse):
        parse_json(httpx.Response(200, content=b'{"trunc', request=REQUEST), "runai")


def test_require_missing_field() -> None:
    with pytest.raises(BadResponse, match="'id'"):
        require({"name": "a"}, "id", "runai", where="project")
    with pytest.raises(BadResponse):
        require(["not", "a", "mapping"], "id", "runai")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ReadTimeout("t", request=REQUEST), Timeout),
        (httpx.ConnectTimeout("t", request=REQUEST), Timeout),
        (httpx.PoolTimeout("t", request=REQUEST), Timeout),
        (httpx.ConnectError("refused https://x.invalid/?clientSecret=hunter2", request=REQUEST), Unavailable),
        (httpx.RemoteProtocolError("closed", request=REQUEST), Unavailable),
        (httpx.ReadError("reset", request=REQUEST), Unavailable),
        (httpx.DecodingError("gzip", request=REQUEST), BadResponse),
        (httpx.TooManyRedirects("loop", request=REQUEST), BadResponse),
    ],
)
def test_transport_errors(exc: Exception, expected: type[BackendError]) -> None:
    error = map_transport_error(exc, "runai")
    assert type(error) is expected
    assert error.service == "runai"
    assert "hunter2" not in str(error) and "hunter2" not in repr(error)


def test_typed_errors_pass_through() -> None:
    original = Forbidden("no", service="runai")
    assert map_transport_error(original, "runai") is original
