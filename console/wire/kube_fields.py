"""Small parsers for Kubernetes object fields: quantities, timestamps, and typed reads that fail as
`BadResponse` naming the field.

Why apart: the node and pod parsers (`console.wire.kube_nodes`, `kube_pods`) read every field through these,
so a missing or mistyped field becomes one `BadResponse` saying where, never a `KeyError` or an arithmetic
error; `console.wire.kube` re-exports the public ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from console.data.errors import BadResponse
from console.wire import common
from console.wire.kube_names import SERVICE

QUANTITY_LIMIT = common.QUANTITY_LIMIT


def parse_quantity(value: object, where: str = "quantity") -> Decimal:
    """A Kubernetes resource quantity (`64`, `500m`, `1056000000Ki`, `1.5Gi`, `1e3`) as an exact Decimal
    (`console.wire.common.parse_quantity`). Total: anything else (NaN, infinity, past 2**63) is
    `BadResponse`, never an arithmetic error."""
    quantity = common.parse_quantity(value)
    if quantity is None:
        raise BadResponse(f"The {where} is not a quantity: {str(value)[:40]!r}.", service=SERVICE)
    return quantity


def cpu_millicores(value: object, where: str = "cpu quantity") -> int:
    """CPU in millicores, rounded up as the scheduler does (`0.1` -> 100, `2` -> 2000)."""
    return int((parse_quantity(value, where) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def memory_bytes(value: object, where: str = "memory quantity") -> int:
    return int(parse_quantity(value, where).to_integral_value(rounding="ROUND_CEILING"))


def parse_time(value: object, where: str = "timestamp") -> datetime | None:
    """An RFC 3339 timestamp (`2026-11-23T09:00:00Z`, fractions allowed) as an aware UTC datetime; None
    when absent, `BadResponse` when it is not one."""
    if value is None:
        return None
    parsed = common.parse_rfc3339(value)
    if parsed is None:
        raise BadResponse(f"The {where} is not a timestamp: {str(value)[:40]!r}.", service=SERVICE)
    return parsed.astimezone(UTC)


def as_mapping(value: object, where: str) -> Mapping[str, Any]:
    """An object field; absent (None) reads as empty."""
    if type(value) is dict:  # the common case, without the ABC check (hot: ~10 calls per pod)
        return value
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadResponse(f"Expected an object for {where}, got {type(value).__name__}.", service=SERVICE)
    return value


def as_list(value: object, where: str) -> Sequence[Any]:
    """A list field; absent (None) reads as empty."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadResponse(f"Expected a list for {where}, got {type(value).__name__}.", service=SERVICE)
    return value


def as_string(value: object, where: str, *, required: bool = True) -> str:
    """A string field; absent reads as "" where it is not `required`."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadResponse(f"Expected a string for {where}, got {value!r}.", service=SERVICE)
    return value


def as_int(value: object, where: str) -> int:
    """A whole number, as a number or its text (annotations are strings)."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise BadResponse(f"Expected a whole number for {where}, got {value!r}.", service=SERVICE) from None


def list_items(payload: object, kind: str) -> tuple[Sequence[Mapping[str, Any]], str]:
    """The items of a `<kind>List` body and its `metadata.continue` token ("" when it was the last page)."""
    body = as_mapping(payload, f"the {kind} list")
    if "items" not in body:
        raise BadResponse(f"The {kind} list has no items.", service=SERVICE)
    items = as_list(body.get("items"), f"the {kind} list's items")
    for item in items:
        as_mapping(item, f"an item of the {kind} list")
    metadata = as_mapping(body.get("metadata"), f"the {kind} list's metadata")
    return items, as_string(metadata.get("continue"), "metadata.continue", required=False)


def allocatable(status: Mapping[str, Any], resource: str) -> object:
    """A resource from a node's `status.allocatable` (what pods may use), else from `status.capacity`."""
    found = as_mapping(status.get("allocatable"), "status.allocatable")
    if resource in found:
        return found[resource]
    return as_mapping(status.get("capacity"), "status.capacity").get(resource)
