"""What every WEKA answer shares: the `{"data": ...}` envelope, the error body a cluster answers with, times
and capacities as WEKA writes them, and the field readers every other module of the package reads with.

Strict where the client cannot work without a key (`require`, and `as_*` without a `default`: `BadResponse`
names the key), lenient everywhere else (`as_*` with a `default` never raise).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from console.data.errors import BadResponse
from console.wire.common import finite_number, parse_rfc3339

SERVICE = "weka"


# -- reading fields ------------------------------------------------------------------------------------------


# JSON objects arrive as dicts; `isinstance(x, dict)` is several times cheaper than the `Mapping` ABC check,
# which matters for 10,000-snapshot lists.


def _where(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def require(mapping: Any, key: str, where: str) -> Any:
    """`mapping[key]` or `BadResponse` naming the key (and the object it was expected in)."""
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] is None:
        raise _missing(mapping, key, where)
    return mapping[key]


def _missing(mapping: Any, key: str, where: str) -> BadResponse:
    """The error for a key that is absent or null, or for a `mapping` that is not an object at all."""
    if not isinstance(mapping, dict):
        return BadResponse(
            f"Expected an object for {where or 'the answer'}, got {_kind(mapping)}.", service=SERVICE
        )
    return BadResponse(f"The WEKA answer lacks {_where(where, key)!r}.", service=SERVICE)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def bad_type(where: str, key: str, expected: str, value: Any) -> BadResponse:
    """The error for a key present but of another type than `expected` (a phrase: "a string")."""
    return BadResponse(
        f"The WEKA answer's {_where(where, key)!r} should be {expected}, got {_kind(value)}.", service=SERVICE
    )


def as_str(mapping: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A text field: required without a `default`; with one, the default when missing or not text."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if isinstance(value, str):
        return value
    if default is not None:
        return default
    if value is None:
        require(mapping, key, where)
    raise bad_type(where, key, "a string", value)


def as_bool(mapping: Mapping[str, Any], key: str, where: str, default: bool | None = None) -> bool:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            require(mapping, key, where)
        return bool(default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if default is not None:
        return default
    raise bad_type(where, key, "true or false", value)


def to_number(value: Any) -> float | None:
    """A finite number from a number or its text (surrounding blanks ignored); None for anything else."""
    return finite_number(value.strip() if isinstance(value, str) else value)


def as_int(mapping: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
    """A 64-bit integer (bytes, counts): ints as they are, integral floats and digit strings converted."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            raise _missing(mapping, key, where)
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
        return int(value.strip())
    number = to_number(value)
    if number is None:
        if default is not None:
            return default
        raise bad_type(where, key, "a number", value)
    return round(number)


def as_float(mapping: Mapping[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            raise _missing(mapping, key, where)
        return float(default)
    number = to_number(value)
    if number is None:
        if default is not None:
            return float(default)
        raise bad_type(where, key, "a number", value)
    return number


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadResponse(f"Expected a list for {where}, got {_kind(value)}.", service=SERVICE)
    return value


def as_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadResponse(f"Expected an object for {where}, got {_kind(value)}.", service=SERVICE)
    return value


def parse_time(value: Any, where: str) -> datetime:
    """ISO-8601 (`Z` or an offset; naive means UTC), or epoch seconds."""
    if isinstance(value, str) and value.strip():
        parsed = parse_rfc3339(value)
        if parsed is None:  # a time that cannot be placed in UTC is no time (ages would overflow)
            raise BadResponse(
                f"The WEKA answer's {where!r} is not a time: {value.strip()[:40]!r}.", service=SERVICE
            )
        return parsed
    number = to_number(value)
    if number is not None:
        try:
            return datetime.fromtimestamp(number, UTC)
        except (ValueError, OverflowError, OSError):
            pass
    raise BadResponse(f"The WEKA answer's {where!r} is not a time.", service=SERVICE)


def unwrap(body: Any, where: str = "response") -> Any:
    """Every answer is `{"data": ...}` (§3.1); anything else is `BadResponse` naming `data`."""
    if not isinstance(body, dict) or "data" not in body:
        raise BadResponse(f"The WEKA {where} lacks the 'data' envelope.", service=SERVICE)
    return body["data"]


# -- the envelope and errors ---------------------------------------------------------------------------------


EXCEPTION_BY_STATUS: dict[int, str] = {
    400: "InvalidParameterException",
    403: "PermissionDeniedException",
    404: "ObjectDoesNotExistException",
    405: "MethodNotAllowedException",
    409: "ObjectConflictException",
    429: "TooManyRequestsException",
    503: "ServiceUnavailableException",
}
"""[UNSURE] reference §3.2 pins only the `...DoesNotExistException` family (used for filesystems,
snapshots and buckets); these generic class names per status are a guess."""


def error_body(status: int, message: str, extra: Mapping[str, Any]) -> Any:
    """The WEKA error body for `status` (reference §3.2): `{"data": text}` for 401, else the recommendation
    `{"message", "data": {"exceptionClass": [...], "error", ...}}` that every known parser reads."""
    if status == 401:
        return {"data": message}
    generic = EXCEPTION_BY_STATUS.get(
        status, "InternalErrorException" if status >= 500 else "OperationFailedException"
    )
    classes = extra.get("exceptionClass") or [generic, "OperationFailedException"]
    data: dict[str, Any] = {"exceptionClass": list(classes), "error": message}
    for key in ("param", "missing_params"):
        if key in extra:
            data[key] = extra[key]
    return {"message": message, "data": data}


# -- times and capacities ------------------------------------------------------------------------------------


def format_time(at: datetime) -> str:
    """ISO-8601 in UTC with `Z`, as WEKA prints times (§5: `2025-02-12T12:07:46.080318Z`)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


_CAPACITY = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe]i?b|b)?\s*", re.IGNORECASE)
_UNIT_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6}


def parse_capacity(value: Any) -> int | None:
    """Bytes as an integer, or a unit string such as `10TiB` / `500GB` (the spec allows both, §10.3);
    None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    found = _CAPACITY.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    number, unit = float(found[1]), (found[2] or "B").lower()
    if unit == "b":
        return int(number)
    return int(number * (1024 if "i" in unit else 1000) ** _UNIT_POWERS[unit[0]])
