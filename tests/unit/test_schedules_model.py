"""When schedules run and what RPO target they give a filesystem (`console.model.schedules`), and the
form's parsing of durations and times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.model import UploadSite
from console.model.schedules import (
    ScheduleEvery,
    SnapshotSchedule,
    SnapshotScheduleSpec,
    every_words,
    next_run_after,
    rpo_target,
    run_at_or_before,
    validate_schedule,
)
from screens.dialogs.schedule_form import parse_duration, parse_time_of_day


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "after", "expected"),
    [
        (
            SnapshotScheduleSpec("fs", "h", ScheduleEvery.INTERVAL),
            "2026-11-23T09:00:00",
            "2026-11-23T10:00:00",
        ),
        (
            SnapshotScheduleSpec("fs", "q", ScheduleEvery.INTERVAL, 15),
            "2026-11-23T09:07:30",
            "2026-11-23T09:15:00",
        ),
        (
            SnapshotScheduleSpec("fs", "n", ScheduleEvery.DAILY, at_minute=120),
            "2026-11-23T02:00:00",
            "2026-11-24T02:00:00",
        ),
        (
            SnapshotScheduleSpec("fs", "n", ScheduleEvery.DAILY, at_minute=120),
            "2026-11-23T01:59:00",
            "2026-11-23T02:00:00",
        ),
        # The 31st of a month without one is its last day (snaptool's rule); December wraps the year.
        (
            SnapshotScheduleSpec("fs", "m", ScheduleEvery.MONTHLY, day_of_month=31),
            "2026-11-23T09:00:00",
            "2026-11-30T00:00:00",
        ),
        (
            SnapshotScheduleSpec("fs", "m", ScheduleEvery.MONTHLY, day_of_month=31),
            "2026-12-31T00:00:00",
            "2027-01-31T00:00:00",
        ),
        (
            SnapshotScheduleSpec("fs", "m", ScheduleEvery.MONTHLY, day_of_month=30),
            "2027-01-30T00:00:00",
            "2027-02-28T00:00:00",
        ),
    ],
)
def test_next_run_after(spec, after, expected):
    run = next_run_after(spec, at(after))
    assert run == at(expected)
    assert run_at_or_before(spec, run) == run
    assert next_run_after(spec, run_at_or_before(spec, at(after))) > at(after) or run_at_or_before(
        spec, at(after)
    ) == at(after)


def schedule(spec: SnapshotScheduleSpec) -> SnapshotSchedule:
    return SnapshotSchedule("u", "fs", spec, None)


def test_the_rpo_target_a_filesystems_schedules_give():
    hourly_up = SnapshotScheduleSpec("fs", "h", ScheduleEvery.INTERVAL, upload_site=UploadSite.LOCAL)
    nightly_up = SnapshotScheduleSpec("fs", "n", ScheduleEvery.DAILY, upload_site=UploadSite.REMOTE)
    local_only = SnapshotScheduleSpec("fs", "l", ScheduleEvery.INTERVAL, 5)
    by_hand = SnapshotScheduleSpec("fs", "x", ScheduleEvery.DAILY, rpo_target_seconds=6 * 3600)
    other = SnapshotScheduleSpec("other", "h", ScheduleEvery.INTERVAL, 1, upload_site=UploadSite.LOCAL)
    assert rpo_target([schedule(local_only)], "fs") is None  # no upload: no off-cluster copy to judge
    assert rpo_target([schedule(nightly_up), schedule(hourly_up), schedule(other)], "fs") == 2 * 3600
    assert rpo_target([schedule(hourly_up), schedule(by_hand)], "fs") == 6 * 3600  # set by hand wins
    assert rpo_target([], "fs") is None


def test_words_and_validation():
    assert every_words(SnapshotScheduleSpec("fs", "a", ScheduleEvery.INTERVAL, 90)) == "every 90m"
    assert every_words(SnapshotScheduleSpec("fs", "a", ScheduleEvery.INTERVAL, 120)) == "every 2h"
    assert every_words(SnapshotScheduleSpec("fs", "a", ScheduleEvery.DAILY, at_minute=125)) == "daily 02:05"
    assert (
        every_words(SnapshotScheduleSpec("fs", "a", ScheduleEvery.MONTHLY, day_of_month=22))
        == "monthly 22nd 00:00"
    )
    assert (
        every_words(SnapshotScheduleSpec("fs", "a", ScheduleEvery.MONTHLY, day_of_month=11))
        == "monthly 11th 00:00"
    )
    assert validate_schedule(SnapshotScheduleSpec("fs", "a", ScheduleEvery.DAILY)) is None
    assert "Keep" in (validate_schedule(SnapshotScheduleSpec("fs", "a", ScheduleEvery.DAILY, keep=0)) or "")
    assert "day of the month" in (
        validate_schedule(SnapshotScheduleSpec("fs", "a", ScheduleEvery.MONTHLY, day_of_month=32)) or ""
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1d", 86_400), ("12h", 43_200), ("2h30m", 9_000), ("90m", 5_400), ("", None), ("1w", None)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "minute"), [("02:00", 120), ("23:59", 1439), ("24:00", None), ("2", None), ("2:5", None)]
)
def test_parse_time_of_day(text, minute):
    assert parse_time_of_day(text) == minute
