"""Events (`GET /events`, §8): the query, the items read as the model's `Event`s, and written as the
simulator's face serves them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from console.data.unreadable import readable_items
from console.model.events import Event, newest_first, weka_event
from console.wire.weka.envelope import as_object, as_str, format_time, parse_time

MAX_EVENTS = 500
"""`num_results` asked of `GET /events`: the newest this many (the CLI's default is 50)."""


def parse_event(raw: Any, index: int, cluster_name: str = "WEKA") -> Event:
    """One `GET /events` item (3.14 `Event`, §8): unreadable without its `timestamp` and `type`; a missing
    severity reads as WARNING (shown, not hidden among the INFO ones), `guid` is the row's identity."""
    where = f"events[{index}]"
    raw = as_object(raw, where)
    return weka_event(
        at=parse_time(raw.get("timestamp"), f"{where}.timestamp"),
        type_=as_str(raw, "type", where),
        category=as_str(raw, "category", where, default=""),
        severity=as_str(raw, "severity", where, default="WARNING"),
        description=as_str(raw, "description", where, default=""),
        entity=as_str(raw, "entity", where, default=""),
        cluster_name=cluster_name,
        event_id=as_str(raw, "guid", where, default=""),
    )


def parse_events(items: Iterable[Any], cluster_name: str = "WEKA") -> list[Event]:
    """The readable events of `GET /events`, newest first (whatever order the server sent)."""
    events = readable_items(items, lambda raw, index: parse_event(raw, index, cluster_name), "WEKA event")
    return newest_first(events, len(events))


def events_params(limit: int = MAX_EVENTS) -> dict[str, Any]:
    """`GET /events` asking for the newest `limit`, newest first (§8: `num_results`, `sort_order`)."""
    return {"num_results": max(1, min(limit, MAX_EVENTS)), "sort_order": "desc"}


# -- encoding ------------------------------------------------------------------------------------------------


def event_json(
    *, at: datetime, type_: str, category: str, severity: str, description: str, entity: str, guid: str
) -> dict[str, Any]:
    """One event as 3.14's `Event` spells it (§8), with the keys rwc reads and a few it does not."""
    return {
        "timestamp": format_time(at),
        "type": type_,
        "category": category,
        "severity": severity,
        "description": description,
        "entity": entity,
        "guid": guid,
        "permission": "Cluster",
        "is_backend": True,
        "processed": True,
        "params": {},
    }
