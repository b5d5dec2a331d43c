"""The backend's clock as the screens read it: its `now()`, and how fast it runs against real time.

Ages on screen (`16s`, `26m`) are in the backend's time: wall time live, the simulator's clock in the
demo, which runs at `--clock-speed` (60 = a simulated minute per real second, 0 = frozen). To redraw an
age exactly when its text changes, a screen has to turn "the backend's 09:26:00" into "so many real
seconds from now". The rate is measured from the clock itself rather than configured, so the live
backend, the demo at any speed and a frozen test clock need no flag: a clock that does not move never
wakes anyone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

MEASURE_SPAN_SECONDS = 0.25
"""Real seconds between two readings before their difference counts as a rate (shorter is noise)."""
UNMEASURED_WAIT_SECONDS = 0.5
"""The longest wait before the rate is known: long enough to measure it, short enough to look live."""
SHORTEST_WAIT_SECONDS = 0.1
"""No age redraws more often than this: at `--clock-speed 60` seconds tick sixty times a real second."""
LONGEST_WAIT_SECONDS = 60.0
"""A wait is re-planned at least this often, in case the clock's pace changed."""


class BackendClock:
    """Reads a backend's `now()` and measures how many backend seconds pass per real second."""

    def __init__(
        self, read: Callable[[], datetime], *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._read = read
        self._monotonic = monotonic
        self._anchor: tuple[datetime, float] | None = None
        self._rate: float | None = None

    @property
    def rate(self) -> float | None:
        """Backend seconds per real second (1 live, the clock speed in the demo, 0 frozen); None until
        two readings far enough apart measured it."""
        return self._rate

    def now(self) -> datetime:
        """The backend's time now; each reading also refines the measured rate."""
        moment, wall = self._read(), self._monotonic()
        anchor = self._anchor
        if anchor is None or moment < anchor[0]:
            self._anchor = (moment, wall)  # first reading, or a clock set back: measure afresh
        elif wall - anchor[1] >= MEASURE_SPAN_SECONDS:
            self._rate = (moment - anchor[0]).total_seconds() / (wall - anchor[1])
            self._anchor = (moment, wall)
        return moment

    def real_seconds_until(self, moment: datetime) -> float | None:
        """Real seconds to wait from now until the backend's clock reaches `moment`; None when the clock
        is frozen, so nothing needs to wake. (It reads the clock, which also keeps the rate measured.)"""
        now = self.now()
        rate = self._rate
        backend_seconds = max(0.0, (moment - now).total_seconds())
        if rate is None:
            wait = min(backend_seconds, UNMEASURED_WAIT_SECONDS)
        elif rate <= 0:
            return None
        else:
            wait = min(backend_seconds / rate, LONGEST_WAIT_SECONDS)
        return max(wait, SHORTEST_WAIT_SECONDS)


class AgeClock(Protocol):
    """Where a table's ages read the time, and how long until the clock reaches a moment
    (`BackendClock`: the backend's time, at whatever pace it runs)."""

    def now(self) -> datetime: ...

    def real_seconds_until(self, moment: datetime) -> float | None: ...


def wall_time() -> datetime:
    """Now, in UTC: the clock of a table no screen gave the backend's."""
    return datetime.now(UTC)
