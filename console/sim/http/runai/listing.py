"""The Run:ai face's list queries: `filterBy`, `sortBy`, `search` and `offset`/`limit` paging.

Kept apart from the handlers so that every listing (workloads, nodes, org units, pods, ...) reads and
pages the same way, and a reader can see the whole query language in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.sim.http.base import HttpError, Request, Response

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# ====================================================================================================
# list queries: filterBy, sortBy, search, offset/limit
# ====================================================================================================
Getter = Callable[[Any], Any]
_FILTER_TERM = re.compile(r"^(?P<field>[A-Za-z0-9]+)(?P<op>==|!=|<=|>=|=@|!@|=\^|=\$)(?P<value>.+)$", re.S)


def terms(request: Request, name: str = "filterBy") -> list[str]:
    """All terms of a comma-joined array parameter (`explode: false`), also accepting it repeated."""
    return [term for value in request.query.get(name, []) for term in value.split(",") if term]


def int_param(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(400, f"Query parameter {name} must be an integer, not {raw!r}.") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise HttpError(400, f"Query parameter {name} must be {bounds}, not {value}.")
    return value


def _coerce(sample: Any, raw: str, field_name: str) -> Any:
    if isinstance(sample, bool):
        return raw.lower() == "true"
    if isinstance(sample, (int, float)):
        try:
            return float(raw)
        except ValueError:
            raise HttpError(400, f"Filter value for {field_name} must be a number, not {raw!r}.") from None
    if isinstance(sample, datetime):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise HttpError(
                400, f"Filter value for {field_name} must be an ISO 8601 date, not {raw!r}."
            ) from None
    return raw


def _compare(actual: Any, op: str, raw: str, field_name: str) -> bool:
    if isinstance(actual, (tuple, list)):
        if op in ("!=", "!@"):
            positive = "==" if op == "!=" else "=@"
            return not any(_compare(item, positive, raw, field_name) for item in actual)
        return any(_compare(item, op, raw, field_name) for item in actual)
    if actual is None:
        return op in ("!=", "!@")
    if isinstance(actual, datetime) and op not in ("==", "!=", "<=", ">="):
        raise HttpError(400, f"Operator {op} does not apply to the date field {field_name}.")
    wanted = _coerce(actual, raw, field_name)
    if op == "==":
        return actual == wanted
    if op == "!=":
        return actual != wanted
    if op == "<=":
        return actual <= wanted
    if op == ">=":
        return actual >= wanted
    # [UNSURE] the spec does not say whether text operators are case-sensitive; this face matches
    # `=@ !@ =^ =$` without case (what a search box does) and `==`/`!=` exactly.
    text, needle = str(actual).lower(), raw.lower()
    if op == "=@":
        return needle in text
    if op == "!@":
        return needle not in text
    if op == "=^":
        return text.startswith(needle)
    return text.endswith(needle)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (tuple, list)):
        value = value[0] if value else None
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, float(value))
    if isinstance(value, datetime):
        return (2, value.timestamp())
    return (3, str(value))


def query_list(
    items: Iterable[Any],
    request: Request,
    getters: Mapping[str, Getter],
    *,
    search: Getter | None = None,
    sortable: bool = True,
) -> list[Any]:
    """Apply `filterBy`, `search` and `sortBy`/`sortOrder` (not the page) to `items`."""
    result = list(items)
    for term in terms(request):
        found = _FILTER_TERM.match(term)
        if not found:
            raise HttpError(400, f"Invalid filterBy term {term!r}: use <field><operator><value>.")
        name, op, raw = found["field"], found["op"], found["value"]
        getter = getters.get(name)
        if getter is None:
            raise HttpError(400, f"Filtering by {name!r} is not supported; supported: {', '.join(getters)}.")
        result = [item for item in result if _compare(getter(item), op, raw, name)]
    text = request.param("search")
    if text and search is not None:
        result = [item for item in result if text.lower() in str(search(item)).lower()]
    sort_by = request.param("sortBy")
    order = request.param("sortOrder") or "asc"
    if order not in ("asc", "desc"):
        raise HttpError(400, f"sortOrder must be asc or desc, not {order!r}.")
    if sort_by and sortable:
        getter = getters.get(sort_by)
        if getter is None:
            raise HttpError(400, f"Sorting by {sort_by!r} is not supported; supported: {', '.join(getters)}.")
        result.sort(key=lambda item: _sort_key(getter(item)), reverse=order == "desc")
    return result


def page(items: Sequence[Any], request: Request) -> tuple[Sequence[Any], int | None]:
    """One page by `offset`/`limit`, and the offset of the next page (None when this is the last).

    [UNSURE] reference §1: `next` is taken to be the offset of the next page and is left out on the last
    page; the live client also stops on a short page, so either reading of `next` works against it.
    """
    offset = int_param(request, "offset", 0, 0, None)
    limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    chunk = items[offset : offset + limit]
    return chunk, (offset + limit if offset + limit < len(items) else None)


def paged(key: str, items: Sequence[Any], request: Request, to_json: Callable[[Any], Any]) -> Response:
    chunk, next_offset = page(items, request)
    body: dict[str, Any] = {key: [to_json(item) for item in chunk]}
    if next_offset is not None:
        body["next"] = next_offset
    return Response.json(200, body)


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    """The query of every `…/metrics` route (reference §6): the types asked for, the time range and how
    many samples in it."""

    metrics: list[str]
    start: datetime
    end: datetime
    samples: int


def metrics_query(request: Request) -> MetricsQuery:
    """`metricType` (required, comma-joined), `start` and `end` (ISO 8601, required) and `numberOfSamples`
    (0–1000, default 20); 400 in Run:ai's words for a missing or unreadable one."""
    from console.wire import runai as wire
    from console.wire.common import parse_rfc3339

    metrics = [name for name in (request.param("metricType") or "").split(",") if name]
    if not metrics:
        raise HttpError(400, "Query parameter metricType is required.")
    bounds = []
    for bound in ("start", "end"):
        at = parse_rfc3339(request.param(bound))
        if at is None:
            raise HttpError(400, f"Query parameter {bound} must be an ISO 8601 date-time.")
        bounds.append(at)
    samples = int_param(request, "numberOfSamples", wire.DEFAULT_METRIC_SAMPLES, 0, wire.MAX_METRIC_SAMPLES)
    return MetricsQuery(metrics, bounds[0], bounds[1], samples)
