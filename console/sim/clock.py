"""The simulator's virtual clock: time moves only when someone advances it.

Tests advance it by hand; the demo advances it with real time. Same seed + same steps = same history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
"""A fixed start so seeded runs (tests, snapshots) print the same timestamps."""


class Clock:
    """A settable clock in UTC; `advance` is the only way it moves."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulator clock needs an aware datetime (UTC)")
        self._now = start
        self.start = start

    def now(self) -> datetime:
        return self._now

    @property
    def elapsed_seconds(self) -> float:
        return (self._now - self.start).total_seconds()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the simulator clock never goes backwards")
        self._now += timedelta(seconds=seconds)
        return self._now
