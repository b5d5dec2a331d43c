"""Reading and writing one field of Run:ai JSON: the helpers every other module of the codec reads and
writes the wire with, so that what a missing, null or mistyped field means is decided in one place.

An answer has two kinds of field. What an item cannot be shown without (its id, name, project, creation
time: the spec requires them) raises `BadResponse` naming the field, and the item is left out of its list
(`parse_items`); everything else is decoration and reads as a default (an empty string, 0, "unknown")
when it is missing, null or unreadable, so that one odd field never costs a row.

What rwc sends is read the other way, strictly (`expect`): the simulator's face refuses a field of the
wrong type with `Invalid` naming it, as a control plane does. Numbers and times are written as the API
writes them (`json_number`, `number_text`, `iso`).

The underscore names are the codec's own: the modules beside this one read with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

from console.data.errors import BadResponse, Invalid
from console.data.unreadable import readable_items
from console.wire.common import finite_number, format_rfc3339, parse_quantity, parse_rfc3339

T = TypeVar("T")

SERVICE = "runai"


# -- reading an answer -----------------------------------------------------------------------------
def _bad(message: str) -> BadResponse:
    return BadResponse(message, service=SERVICE)


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(f"Expected an object for {where}, got {type(value).__name__}.")
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    """An optional object: `{}` when it is missing, null or not an object."""
    return value if isinstance(value, Mapping) else {}


def _field(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    return obj[key]


def _str(obj: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    """A text field; with a `default`, the default when it is missing, null or not text."""
    value = obj.get(key)
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)  # ids were integers on the legacy API; treat every id as an opaque string
    if default is not None:
        return default
    if value is None:
        raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
    raise _bad(f"The Run:ai {where} field {key!r} is not a string.")


def _num(obj: Mapping[str, Any] | None, key: str, *, default: float) -> float:
    """An optional number: `default` when it is missing, null or not a finite number."""
    value = finite_number(obj.get(key)) if isinstance(obj, Mapping) else None
    return default if value is None else value


def _count(obj: Mapping[str, Any] | None, key: str, *, default: int = 0) -> int:
    """An optional count (pods, GPUs): `default` when it is missing, unreadable or negative."""
    value = finite_number(obj.get(key)) if isinstance(obj, Mapping) else None
    return int(value) if value is not None and value >= 0 else default


def _list(obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[Any]:
    """An array field; an optional one that is missing, null or not an array reads as empty."""
    value = obj.get(key)
    if isinstance(value, list):
        return value
    if required:
        if value is None:
            raise _bad(f"The Run:ai {where} lacks the field {key!r}.")
        raise _bad(f"The Run:ai {where} field {key!r} is not an array.")
    return []


def _keyed(items: Iterable[Any], key: str, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(its `key`, the entry) of each entry of an array that is an object with a non-empty `key` (a taint's
    key, a condition's type, a telemetry group's key); any other entry says nothing rwc can show or act on
    and is skipped."""
    for item in items:
        entry = _mapping(item)
        value = _str(entry, key, where, default="")
        if value:
            yield value, entry


def _enum(enum: Any, value: Any, unknown: Any) -> Any:
    """`enum(value)` for a value the domain knows; `unknown` for any other (a newer phase, a non-string)."""
    return enum(value) if isinstance(value, str) and value in enum._value2member_map_ else unknown


def parse_datetime(value: Any, where: str) -> datetime:
    """An RFC 3339 timestamp (`common.parse_rfc3339`); `BadResponse` naming `where` for anything else."""
    parsed = parse_rfc3339(value)
    if parsed is None:
        shown = f": {value[:40]!r}" if isinstance(value, str) else ""
        raise _bad(f"The Run:ai {where} is not a timestamp{shown}.")
    return parsed


def _time(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    return parse_datetime(_field(obj, key, where), f"{where} field {key!r}")


def _optional_time(obj: Mapping[str, Any], key: str, where: str) -> datetime | None:
    """An optional timestamp: None when it is missing, null or unreadable."""
    value = obj.get(key)
    if value is None:
        return None
    try:
        return parse_datetime(value, f"{where} field {key!r}")
    except BadResponse:
        return None


def memory_mib(quantity: Any) -> int | None:
    """A memory quantity in MiB, rounded up; None when it is not a quantity or is negative."""
    value = parse_quantity(quantity)
    return None if value is None or value < 0 else math.ceil(value / 2**20)


def parse_items(items: Iterable[Any], parse: Callable[[Any], T], kind: str) -> list[T]:
    """Each item of a list answer that can be read, in order; an unreadable one is left out, logged and
    counted, a null one skipped (`console.data.unreadable.readable_items`)."""
    return readable_items(items, lambda item, _index: parse(item), kind)


def parse_count(body: Any) -> int:
    """A `CountResponse` (`{"count": n}`, reference §1): 0 when it is unreadable, absurd or negative (a
    count only sizes a list's "of N"; the rows shown are what was read)."""
    return _count(body if isinstance(body, Mapping) else None, "count")


# -- writing an answer -----------------------------------------------------------------------------
def error_body(status: int, message: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The `Error` body of the `/api/v1` endpoints: `{code, message}` and extras (complianceIssues)."""
    return {"code": status, "message": message, **extra}


def json_number(value: float) -> int | float:
    """A JSON number as the API writes it: integral values without a fraction."""
    return int(value) if float(value).is_integer() else float(value)


def number_text(value: float) -> str:
    """Telemetry and metrics values are strings on the wire (reference §6)."""
    return str(json_number(round(value, 6)))


def iso(at: datetime | None) -> str | None:
    """`format_rfc3339`, and null for no time."""
    return None if at is None else format_rfc3339(at)


# -- reading what rwc sends ------------------------------------------------------------------------
def _refused(message: str, field_path: str | None = None) -> Invalid:
    return Invalid(message, field=field_path, service=SERVICE)


def expect(body: Any, key: str, kinds: type | tuple[type, ...], field_path: str, *, required: bool) -> Any:
    """`body[key]` if it is of `kinds` (never a bool unless asked); None when optional and absent;
    `Invalid` naming `field_path` otherwise."""
    value = body.get(key) if isinstance(body, Mapping) else None
    if value is None:
        if required:
            raise _refused(f"Required parameter is missing: {field_path}.", field_path)
        return None
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        raise _refused(f"{field_path} has the wrong type ({type(value).__name__}).", field_path)
    return value
