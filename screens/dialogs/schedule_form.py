"""The snapshot schedule form: create one (`c` on Schedules) or edit the one under the cursor (`e`).

Fields follow snaptool's schedule (`console.model.schedules`): how often (every N minutes, daily at a time,
monthly on a day at a time; times in UTC, as WEKA stamps snapshots), how many to keep, where to upload,
and an optional RPO target (empty: it follows from the schedule, two periods when it uploads).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from console.model import Filesystem, UploadSite
from console.model.schedules import (
    ScheduleEvery,
    SnapshotSchedule,
    SnapshotScheduleSpec,
    every_words,
    validate_schedule,
)
from console.ui.format import format_duration
from screens.context import ConsoleContext
from screens.dialogs.filesystem_forms import NotedForm, validate_weka_name
from screens.dialogs.form import FieldValue, FormField

NO_UPLOAD = "none"
EVERY_OPTIONS: tuple[tuple[str, object], ...] = (
    ("every N minutes", ScheduleEvery.INTERVAL.value),
    ("daily at a time", ScheduleEvery.DAILY.value),
    ("monthly on a day", ScheduleEvery.MONTHLY.value),
)
UPLOAD_OPTIONS: tuple[tuple[str, object], ...] = (
    ("no upload", NO_UPLOAD),
    ("local bucket", UploadSite.LOCAL.value),
    ("remote bucket", UploadSite.REMOTE.value),
)
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def parse_duration(text: str) -> float | None:
    """`1d`, `12h`, `2h30m`, `90m` -> seconds; None when it is not one of those."""
    match = _DURATION.match(text.strip().lower().replace(" ", ""))
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(group or 0) for group in match.groups())
    return float(days * 86_400 + hours * 3600 + minutes * 60)


def parse_time_of_day(text: str) -> int | None:
    """`02:00` -> 120 (minutes after midnight); None when it is not a time."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    value = int(hours) * 60 + int(minutes)
    return value if int(hours) < 24 and int(minutes) < 60 else None


def _whole(text: FieldValue) -> int | None:
    value = str(text or "").strip()
    return int(value) if value.isdigit() else None


class ScheduleForm(NotedForm):
    """Create (no `schedule`) or edit a schedule; the filesystem is fixed when editing."""

    FIELD_ALIASES = {"name": "name", "filesystem_uid": "filesystem", "obs_site": "upload"}
    CONFLICT_FIELD = "name"

    def __init__(
        self,
        context: ConsoleContext,
        filesystems: Sequence[Filesystem],
        *,
        schedule: SnapshotSchedule | None = None,
        filesystem_uid: str | None = None,
    ) -> None:
        self.schedule = schedule
        spec = schedule.spec if schedule is not None else None
        options: list[tuple[str, object]] = [(fs.name, fs.uid) for fs in filesystems]
        chosen = spec.filesystem_uid if spec is not None else filesystem_uid
        chosen = chosen if any(uid == chosen for _, uid in options) else None
        at = spec.at_minute if spec is not None else 0
        target = spec.rpo_target_seconds if spec is not None else None
        fields = (
            FormField("filesystem", "Filesystem", "select", chosen, options, disabled=spec is not None),
            FormField(
                "name",
                "Name (snapshot prefix)",
                value=spec.name if spec is not None else "",
                placeholder="e.g. hourly",
                validate=validate_weka_name,
            ),
            FormField(
                "every",
                "Runs",
                "select",
                spec.every.value if spec is not None else ScheduleEvery.INTERVAL.value,
                EVERY_OPTIONS,
            ),
            FormField("interval", "Every (minutes)", value=str(spec.interval_minutes if spec else 60)),
            FormField("at", "At (UTC, HH:MM)", value=f"{at // 60:02d}:{at % 60:02d}"),
            FormField("day", "Day of the month", value=str(spec.day_of_month if spec else 1)),
            FormField("keep", "Keep (snapshots)", value=str(spec.keep if spec else 24)),
            FormField(
                "upload",
                "Upload to",
                "select",
                spec.upload_site.value if spec is not None and spec.upload_site else NO_UPLOAD,
                UPLOAD_OPTIONS,
            ),
            FormField(
                "rpo",
                "RPO target",
                value=format_duration(target) if target else "",
                placeholder="empty: two periods when uploading",
            ),
        )
        note = (
            "Snapshots named <name>-<start of the period>; the oldest beyond Keep are deleted. "
            "rwc keeps schedules on the cluster's WEKA face (WEKA's API has none: snaptool's role)."
        )
        title = f"Edit schedule {schedule.name}" if schedule is not None else "Create snapshot schedule"
        super().__init__(title, fields, note=note, submit_label="Save", context=context)
        self.filesystem_names = {uid: name for name, uid in options}

    def spec_of(self, values: Mapping[str, FieldValue]) -> tuple[SnapshotScheduleSpec | None, dict[str, str]]:
        """The spec the values describe, or the errors that stop one."""
        errors: dict[str, str] = {}
        if not values["filesystem"]:
            errors["filesystem"] = "Choose the filesystem to snapshot."
        interval, day, keep = _whole(values["interval"]), _whole(values["day"]), _whole(values["keep"])
        at = parse_time_of_day(str(values["at"] or ""))
        for name, value in (("interval", interval), ("day", day), ("keep", keep)):
            if value is None:
                errors[name] = "A whole number."
        if at is None:
            errors["at"] = "A time as HH:MM (UTC)."
        rpo_text = str(values["rpo"] or "").strip()
        rpo = parse_duration(rpo_text) if rpo_text else None
        if rpo_text and rpo is None:
            errors["rpo"] = "A duration such as 1d, 12h or 90m; empty to follow the schedule."
        if errors:
            return None, errors
        upload = str(values["upload"] or NO_UPLOAD)
        spec = SnapshotScheduleSpec(
            filesystem_uid=str(values["filesystem"]),
            name=str(values["name"]),
            every=ScheduleEvery(str(values["every"])),
            interval_minutes=interval or 0,
            at_minute=at or 0,
            day_of_month=day or 0,
            keep=keep or 0,
            upload_site=None if upload == NO_UPLOAD else UploadSite(upload),
            rpo_target_seconds=rpo,
        )
        problem = validate_schedule(spec)
        if problem:
            return None, {_field_of(problem): problem}
        return spec, {}

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        return self.spec_of(values)[1]

    def submit(self, values: dict[str, FieldValue]) -> None:
        spec, _ = self.spec_of(values)
        assert spec is not None  # validated
        fs_name = self.filesystem_names.get(spec.filesystem_uid, spec.filesystem_uid)
        backend = self.context.backend
        if self.schedule is None:
            self.run_submit(
                f"Create schedule {spec.name} of {fs_name}",
                lambda: backend.create_snapshot_schedule(spec),
                success=lambda created: f"Schedule {created.name} of {fs_name}: {every_words(spec)}.",
            )
            return
        uid = self.schedule.uid
        self.run_submit(
            f"Edit schedule {self.schedule.name} of {fs_name}",
            lambda: backend.update_snapshot_schedule(uid, spec),
            success=lambda updated: f"Schedule {updated.name} of {fs_name}: {every_words(spec)}.",
        )


def _field_of(problem: str) -> str:
    """The field `validate_schedule`'s message is about."""
    for word, field in (("interval", "interval"), ("time", "at"), ("day", "day"), ("Keep", "keep")):
        if word in problem:
            return field
    return "rpo"
