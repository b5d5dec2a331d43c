"""What the WEKA simulator reports besides resources: events (§8) and background tasks (§16).

The domain model has no WEKA event or task type yet, so these small frozen records live with the
simulator; the HTTP face can serve them as `/events` and `/tasks`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

EVENT_HISTORY = 2000
"""Events kept; WEKA keeps far more, the console shows the latest few dozen."""


@dataclass(frozen=True, slots=True)
class WekaEvent:
    """One entry of `GET /events`: type names and categories as WEKA's list of events spells them."""

    at: datetime
    type: str
    category: str
    severity: str  # DEBUG | INFO | WARNING | MINOR | MAJOR | CRITICAL
    description: str
    entity: str = ""


@dataclass(frozen=True, slots=True)
class WekaTask:
    """One entry of `GET /tasks`: uploads, filesystem downloads and bucket detaches in flight."""

    uid: str
    id: str
    type: str  # STOW_UPLOAD | STOW_DOWNLOAD_FILESYSTEM | OBS_DETACH
    state: str  # RUNNING
    progress_percent: float
    description: str
    filesystem_uid: str
    bucket_name: str


class EventLog:
    """A bounded, append-only log; the newest events are what an admin scrolls."""

    def __init__(self) -> None:
        self._events: deque[WekaEvent] = deque(maxlen=EVENT_HISTORY)

    def emit(
        self,
        at: datetime,
        type_: str,
        category: str,
        description: str,
        *,
        severity: str = "INFO",
        entity: str = "",
    ) -> WekaEvent:
        event = WekaEvent(
            at=at, type=type_, category=category, severity=severity, description=description, entity=entity
        )
        self._events.append(event)
        return event

    def backfill(self, records: Iterable[tuple[datetime, str, str, str, str]]) -> None:
        """Add past INFO events (at, type, category, description, entity), kept in time order with the rest
        (a scenario's history, recorded before the clock starts)."""
        events = [*self._events]
        events.extend(
            WekaEvent(at=at, type=type_, category=category, severity="INFO", description=text, entity=entity)
            for at, type_, category, text, entity in records
        )
        events.sort(key=lambda event: event.at)  # stable: same-time events keep their order
        self._events = deque(events, maxlen=EVENT_HISTORY)

    def latest(self, limit: int = 50) -> list[WekaEvent]:
        """The newest `limit` events, oldest first (how `weka events` prints them)."""
        if limit <= 0:
            return []
        count = min(limit, len(self._events))
        return [self._events[index] for index in range(len(self._events) - count, len(self._events))]
