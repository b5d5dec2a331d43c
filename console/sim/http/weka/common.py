"""What every handler set of the WEKA face shares: refusals as WEKA's errors, reading request bodies (a
key the simulator does not model is refused, never ignored), and the `{"data": ...}` answer."""

from __future__ import annotations

from typing import Any

from console.data.errors import BackendError, Invalid, NotFound
from console.sim.http.base import HttpError, Request, Response
from console.wire import weka as wire
from console.wire.common import status_of_error

# -- errors --------------------------------------------------------------------------------------------------


def http_error(error: BackendError, kind: str) -> HttpError:
    """A `WekaSim` refusal as the HTTP error WEKA would answer; `kind` names the object for 404s."""
    status = status_of_error(error, default=error.status or 500)
    extra: dict[str, Any] = {}
    if isinstance(error, NotFound):
        extra["exceptionClass"] = [f"{kind}DoesNotExistException", "OperationFailedException"]
    if isinstance(error, Invalid) and error.field:
        extra["param"] = error.field
    return HttpError(status, error.message, extra=extra)


def bad_request(message: str, *, param: str | None = None, missing: list[str] | None = None) -> HttpError:
    extra: dict[str, Any] = {}
    if param:
        extra["param"] = param
    if missing:
        extra["missing_params"] = missing
    return HttpError(400, message, extra=extra)


# -- request bodies ------------------------------------------------------------------------------------------


class RequestBody(dict[str, Any]):
    """A request's JSON object, read key by key: a missing key or one of the wrong type is a 400 naming it."""

    @classmethod
    def of(cls, request: Request) -> RequestBody:
        """The request's body; a 400 unless it is a JSON object."""
        body = request.json()
        if not isinstance(body, dict):
            raise bad_request("Request body must be a JSON object.")
        return cls(body)

    def require(self, *keys: str) -> None:
        missing = [key for key in keys if self.get(key) in (None, "")]
        if missing:
            raise bad_request(
                f"Missing required parameter{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                param=missing[0],
                missing=missing,
            )

    def string(self, key: str) -> str:
        value = self[key]
        if not isinstance(value, str):
            raise bad_request(f"{key} must be a string.", param=key)
        return value

    def optional_string(self, key: str) -> str | None:
        return None if self.get(key) in (None, "") else self.string(key)

    def flag(self, key: str) -> bool:
        value = self.get(key, False)
        if not isinstance(value, bool):
            raise bad_request(f"{key} must be true or false.", param=key)
        return value

    def capacity(self, key: str) -> int:
        """Bytes as an integer or a unit string (`wire.parse_capacity`)."""
        value = self[key]
        capacity = wire.parse_capacity(value)
        if capacity is None:
            raise bad_request(
                f"{key} must be a capacity such as 1099511627776 or 1TiB, not {value!r}.", param=key
            )
        return capacity

    def reject(self, *keys: str) -> None:
        """Keys the real API takes but the simulator does not model: refused, never silently ignored."""
        for key in keys:
            if self.get(key) not in (None, "", False):
                raise bad_request(f"{key} is not supported by the simulator.", param=key)


# -- answers -------------------------------------------------------------------------------------------------


def ok(data: Any) -> Response:
    """A 200 answer in WEKA's envelope."""
    return Response.json(200, {"data": data})
