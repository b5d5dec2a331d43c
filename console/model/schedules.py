"""Snapshot schedules: when a filesystem is snapshotted, how many are kept, where they are uploaded, and
the recovery-point target that follows from that.

WEKA's REST API has no snapshot-schedule resource in the versions rwc's references cover (the 3.14 spec's
paths under `/snapshots` are create, read, update, delete, copy, restore and upload; the 4.4 path map adds
download only, reference/weka.md §12.2). Sites schedule snapshots with WEKA's snaptool, which keeps them
in its own YAML (`weka/snaptool`, `snaptool.yml`): a schedule runs `every` month, day or list of days,
`at` a time, optionally every `interval` minutes, `retain`s N and may `upload` to the local or remote
bucket. rwc's schedule is that shape, cut to what a console edits: every N minutes, daily at a time, or
monthly on a day at a time (UTC), keep N, upload to a site or not, and an optional RPO target.

Pure (no I/O): the simulator runs schedules with `next_run_after`, the RPO view reads `rpo_target`.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from console.model.enums import UploadSite

DAY_SECONDS = 86_400.0
MONTH_SECONDS = 31 * DAY_SECONDS
"""A monthly schedule's longest period, what its RPO is judged against."""
LATE_RUNS = 2
"""A filesystem whose uploading schedule runs every P is past its recovery point after `LATE_RUNS` x P
without a finished upload: one run may be late, or still uploading, the next may not."""


class ScheduleEvery(StrEnum):
    """How often a schedule runs (snaptool's `every` and `interval`)."""

    INTERVAL = "interval"
    """Every `interval_minutes`, on the UTC clock's multiples of it (60: on the hour)."""
    DAILY = "daily"
    """Once a day at `at_minute` (minutes after midnight UTC)."""
    MONTHLY = "monthly"
    """On `day_of_month` at `at_minute`; a day past the month's end means its last day (as snaptool)."""


@dataclass(frozen=True, slots=True)
class SnapshotScheduleSpec:
    """What an admin sets: a schedule to create, or the new values of one to edit."""

    filesystem_uid: str
    name: str
    """Also the prefix of the snapshots it takes: `<name>-<start of the period>`."""
    every: ScheduleEvery
    interval_minutes: int = 60
    at_minute: int = 0
    day_of_month: int = 1
    keep: int = 24
    upload_site: UploadSite | None = None
    rpo_target_seconds: float | None = None
    """The filesystem's recovery-point target when set; otherwise it follows from the period."""

    @property
    def period_seconds(self) -> float:
        """The nominal time between two runs (a month counts as its longest)."""
        if self.every is ScheduleEvery.INTERVAL:
            return self.interval_minutes * 60.0
        return DAY_SECONDS if self.every is ScheduleEvery.DAILY else MONTH_SECONDS

    @property
    def name_format(self) -> str:
        """How the period's start is written into a snapshot's name."""
        return "%Y%m%d-%H%M" if self.every is ScheduleEvery.INTERVAL else "%Y%m%d"


@dataclass(frozen=True, slots=True)
class SnapshotSchedule:
    """A schedule as the cluster keeps it: the spec, its filesystem's name, and when it runs."""

    uid: str
    filesystem_name: str
    spec: SnapshotScheduleSpec
    next_run_at: datetime | None
    last_run_at: datetime | None = None
    kept: int = 0
    """Snapshots of it the filesystem holds now."""

    @property
    def filesystem_uid(self) -> str:
        return self.spec.filesystem_uid

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def derived_target_seconds(self) -> float | None:
        """The RPO this schedule keeps by uploading: `LATE_RUNS` periods; None when it does not upload."""
        return LATE_RUNS * self.spec.period_seconds if self.spec.upload_site is not None else None


def validate_schedule(spec: SnapshotScheduleSpec) -> str | None:
    """What is wrong with `spec` in words, or None: the simulator refuses with it, forms show it."""
    if spec.every is ScheduleEvery.INTERVAL and not 1 <= spec.interval_minutes <= 1440:
        return "The interval is 1 to 1440 minutes."
    if not 0 <= spec.at_minute < 1440:
        return "The time of day is 00:00 to 23:59."
    if not 1 <= spec.day_of_month <= 31:
        return "The day of the month is 1 to 31."
    if not 1 <= spec.keep <= 1000:
        return "Keep 1 to 1000 snapshots."
    if spec.rpo_target_seconds is not None and not 60 <= spec.rpo_target_seconds <= 366 * DAY_SECONDS:
        return "The RPO target is one minute to a year."
    return None


def _month_run(year: int, month: int, spec: SnapshotScheduleSpec) -> datetime:
    day = min(spec.day_of_month, calendar.monthrange(year, month)[1])
    return datetime(year, month, day, tzinfo=UTC) + timedelta(minutes=spec.at_minute)


def _months(spec: SnapshotScheduleSpec, year: int, month: int, step: int) -> Iterator[datetime]:
    """The monthly runs from (year, month) on, one month forward (`step` 1) or back (-1) at a time."""
    while True:
        yield _month_run(year, month, spec)
        month += step
        if month > 12 or month < 1:
            year, month = year + step, 1 if step > 0 else 12


def _fixed_runs(spec: SnapshotScheduleSpec, moment: datetime) -> tuple[float, float, int]:
    """(period, offset, count) of a fixed-period schedule: runs at `offset + k x period` epoch seconds,
    and `count` the k of the newest run at or before `moment`."""
    period = spec.period_seconds
    offset = 0.0 if spec.every is ScheduleEvery.INTERVAL else spec.at_minute * 60.0
    return period, offset, math.floor((moment.timestamp() - offset) / period + 1e-9)


def next_run_after(spec: SnapshotScheduleSpec, after: datetime) -> datetime:
    """The first run strictly after `after`."""
    after = after.astimezone(UTC)
    if spec.every is ScheduleEvery.MONTHLY:
        return next(run for run in _months(spec, after.year, after.month, 1) if run > after)
    period, offset, count = _fixed_runs(spec, after)
    return datetime.fromtimestamp(offset + (count + 1) * period, UTC)


def run_at_or_before(spec: SnapshotScheduleSpec, moment: datetime) -> datetime:
    """The newest run at or before `moment` (the start of the period that holds it)."""
    moment = moment.astimezone(UTC)
    if spec.every is ScheduleEvery.MONTHLY:
        return next(run for run in _months(spec, moment.year, moment.month, -1) if run <= moment)
    period, offset, count = _fixed_runs(spec, moment)
    return datetime.fromtimestamp(offset + count * period, UTC)


def rpo_target(schedules: Iterable[SnapshotSchedule], filesystem_uid: str) -> float | None:
    """The filesystem's recovery-point target from its schedules: the tightest explicit target, else the
    tightest one its uploading schedules keep (`derived_target_seconds`); None when they set none."""
    own = [schedule for schedule in schedules if schedule.filesystem_uid == filesystem_uid]
    explicit = [s.spec.rpo_target_seconds for s in own if s.spec.rpo_target_seconds is not None]
    if explicit:
        return min(explicit)
    derived = [target for s in own if (target := s.derived_target_seconds) is not None]
    return min(derived) if derived else None


def every_words(spec: SnapshotScheduleSpec) -> str:
    """`every 60m`, `daily 02:00`, `monthly 1st 00:00`: how lists and toasts say when it runs."""
    at = f"{spec.at_minute // 60:02d}:{spec.at_minute % 60:02d}"
    if spec.every is ScheduleEvery.INTERVAL:
        minutes = spec.interval_minutes
        return f"every {minutes // 60}h" if minutes % 60 == 0 else f"every {minutes}m"
    if spec.every is ScheduleEvery.DAILY:
        return f"daily {at}"
    day = spec.day_of_month
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"monthly {day}{suffix} {at}"
