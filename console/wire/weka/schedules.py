"""Snapshot schedules on the WEKA face: rwc's own resource, `/snapshotSchedules`, in snaptool's words.

[UNSURE] WEKA's REST API has no schedule resource in the versions rwc's references cover (3.14 spec, 4.4
path map: reference/weka.md §12.2); sites run WEKA's snaptool, which keeps schedules in its YAML
(`weka/snaptool` `snaptool.yml`: `every`, `at`, `interval`, `day`, `retain`, `upload`). The simulator serves
them under the WEKA API so rwc can manage them beside the snapshots they take; the keys reuse snaptool's
names, snake_case like WEKA's request bodies:

`{"uid", "name", "filesystem", "filesystem_uid", "every": "interval"|"daily"|"monthly", "interval"
(minutes), "at": "HH:MM" (UTC), "day" (of the month), "retain", "upload": "LOCAL"|"REMOTE"|null,
"rpo_target_secs": number|null, "next_run", "last_run" (ISO-8601 or null), "kept"}`

A real WEKA answers 404 for the path; the live client then lists none (`console.backends.live.weka`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from console.data.unreadable import readable_items
from console.model import UploadSite
from console.model.schedules import ScheduleEvery, SnapshotSchedule, SnapshotScheduleSpec
from console.wire.weka.envelope import (
    as_int,
    as_object,
    as_str,
    bad_type,
    format_time,
    parse_time,
    to_number,
)

SCHEDULES_PATH = "/snapshotSchedules"


def _at_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _at_minute(raw: Mapping[str, Any], where: str) -> int:
    """`"02:00"` -> 120; absent means midnight (snaptool's default)."""
    text = as_str(raw, "at", where, default="00:00").strip()
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise bad_type(where, "at", "a time as HH:MM", text)
    return int(hours) * 60 + int(minutes)


def _every(raw: Mapping[str, Any], where: str) -> ScheduleEvery:
    text = as_str(raw, "every", where)
    try:
        return ScheduleEvery(text.strip().lower())
    except ValueError:
        raise bad_type(where, "every", "interval, daily or monthly", text) from None


def _site(raw: Mapping[str, Any], where: str) -> UploadSite | None:
    value = raw.get("upload")
    if value in (None, "", False):
        return None
    try:
        return UploadSite(str(value).strip().upper())
    except ValueError:
        raise bad_type(where, "upload", "LOCAL, REMOTE or null", value) from None


def _target(raw: Mapping[str, Any]) -> float | None:
    value = to_number(raw.get("rpo_target_secs"))
    return value if value is not None and value > 0 else None


def parse_schedule_spec(raw: Any, where: str = "schedule") -> SnapshotScheduleSpec:
    """A create or update body, or the spec inside an answer."""
    raw = as_object(raw, where)
    return SnapshotScheduleSpec(
        filesystem_uid=as_str(raw, "filesystem_uid", where),
        name=as_str(raw, "name", where),
        every=_every(raw, where),
        interval_minutes=as_int(raw, "interval", where, default=60),
        at_minute=_at_minute(raw, where),
        day_of_month=as_int(raw, "day", where, default=1),
        keep=as_int(raw, "retain", where, default=24),
        upload_site=_site(raw, where),
        rpo_target_seconds=_target(raw),
    )


def parse_schedule(raw: Any, index: int = 0) -> SnapshotSchedule:
    where = f"snapshotSchedules[{index}]"
    raw = as_object(raw, where)
    next_run, last_run = raw.get("next_run"), raw.get("last_run")
    return SnapshotSchedule(
        uid=as_str(raw, "uid", where),
        filesystem_name=as_str(raw, "filesystem", where, default=""),
        spec=parse_schedule_spec(raw, where),
        next_run_at=parse_time(next_run, f"{where}.next_run") if next_run else None,
        last_run_at=parse_time(last_run, f"{where}.last_run") if last_run else None,
        kept=as_int(raw, "kept", where, default=0),
    )


def parse_schedules(items: Iterable[Any]) -> list[SnapshotSchedule]:
    return readable_items(items, parse_schedule, "snapshot schedule")


def schedule_body(spec: SnapshotScheduleSpec) -> dict[str, Any]:
    """What a create (`POST`) or an update (`PUT .../{uid}`) sends."""
    return {
        "filesystem_uid": spec.filesystem_uid,
        "name": spec.name,
        "every": spec.every.value,
        "interval": spec.interval_minutes,
        "at": _at_text(spec.at_minute),
        "day": spec.day_of_month,
        "retain": spec.keep,
        "upload": spec.upload_site.value if spec.upload_site is not None else None,
        "rpo_target_secs": spec.rpo_target_seconds,
    }


def schedule_json(schedule: SnapshotSchedule) -> dict[str, Any]:
    """The face's answer: the body's keys plus what the cluster keeps."""
    return {
        "uid": schedule.uid,
        "filesystem": schedule.filesystem_name,
        **schedule_body(schedule.spec),
        "next_run": format_time(schedule.next_run_at) if schedule.next_run_at else None,
        "last_run": format_time(schedule.last_run_at) if schedule.last_run_at else None,
        "kept": schedule.kept,
    }


def schedule_path(uid: str | None = None, *, run: bool = False) -> str:
    if uid is None:
        return SCHEDULES_PATH
    path = f"{SCHEDULES_PATH}/{quote(uid, safe='')}"
    return f"{path}/run" if run else path
