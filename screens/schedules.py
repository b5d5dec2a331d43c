"""Snapshot schedules (`:sched`, `p` on a filesystem or on the RPO view): per filesystem, how often it is
snapshotted, how many are kept, where they are uploaded, the RPO target that follows, and the next run.
`c` create, `e` edit, `d` delete (confirmed; the snapshots it took stay), `r` run once now; enter lists the
filesystem's snapshots.

WEKA's API has no schedules (`console.model.schedules`): rwc keeps them on the WEKA face it talks to, which
the simulator serves; against a real cluster the list is empty and says where snaptool keeps its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from console.data.errors import BackendError
from console.data.resource_keys import ResourceValues
from console.data.resources import SNAPSHOT_SCHEDULES
from console.model.schedules import SnapshotSchedule, every_words
from console.ui.format import format_duration
from console.ui.keymap import SCHEDULE_KEYS
from screens.action_runner import run_action
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.dialogs import ConfirmDialog, confirm_then_run
from screens.dialogs.schedule_form import ScheduleForm
from widgets.resource_table import Column, Row


class SchedulesScreen(ResourceScreen):
    """Every filesystem's schedules; opened from one filesystem, only its own."""

    SCREEN_NAME = "schedules"
    TITLE = "Snapshot schedules"
    RESOURCES = (SNAPSHOT_SCHEDULES,)
    KEYS = SCHEDULE_KEYS
    WRITE_ACTIONS = frozenset(key.action for key in SCHEDULE_KEYS)
    ADMIN_WRITES = "change snapshot schedules"
    EMPTY_MESSAGE = "No snapshot schedules (c creates one; a real WEKA's are snaptool's, in snaptool.yml)."
    DEFAULT_SORT = "filesystem"
    COLUMNS = (
        Column("filesystem", "FILESYSTEM", 12, sort_hotkey="L"),
        Column("name", "NAME", 10, sort_hotkey="N", grow=True, identifies=True),
        Column("every", "RUNS", 14, sort_hotkey="E"),
        Column("keep", "KEEP", 4, align="right", priority=2, sort_hotkey="K"),
        Column("upload", "UPLOAD", 6, sort_hotkey="O"),
        Column("rpo", "RPO", 5, align="right", priority=1, sort_hotkey="T"),
        Column("next", "NEXT", 6, align="right", priority=3, sort_hotkey="X"),
    )

    def __init__(
        self,
        context: ConsoleContext,
        *,
        filesystem_uid: str | None = None,
        filesystem_name: str | None = None,
    ) -> None:
        super().__init__(context)
        self.filesystem_uid = filesystem_uid
        self.filesystem_name = filesystem_name

    @property
    def screen_title(self) -> str:
        return f"Schedules of {self.filesystem_name}" if self.filesystem_name else self.TITLE

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        schedules: Sequence[SnapshotSchedule] = values[SNAPSHOT_SCHEDULES]
        if self.filesystem_uid is not None:
            schedules = [s for s in schedules if s.filesystem_uid == self.filesystem_uid]
        return [self._row(schedule) for schedule in schedules]

    def _row(self, schedule: SnapshotSchedule) -> Row:
        palette = self.palette
        spec = schedule.spec
        target = spec.rpo_target_seconds or schedule.derived_target_seconds
        upload = (
            Text(spec.upload_site.word, end="") if spec.upload_site else Text("none", palette.muted, end="")
        )
        rpo = Text(format_duration(target), end="") if target else Text("—", palette.muted, end="")
        if spec.rpo_target_seconds:
            rpo.append("*", palette.muted)  # set by hand, not derived
        return Row(
            key=schedule.uid,
            cells=(
                schedule.filesystem_name,
                spec.name,
                every_words(spec),
                str(spec.keep),
                upload,
                rpo,
                self._when(schedule),
            ),
            sort_values=(
                (schedule.filesystem_name, spec.period_seconds),
                spec.name,
                spec.period_seconds,
                spec.keep,
                spec.upload_site.value if spec.upload_site else "",
                target,
                schedule.next_run_at.timestamp() if schedule.next_run_at else None,
            ),
        )

    def _when(self, schedule: SnapshotSchedule) -> str:
        """`02:00` within a day, `01 Dec` beyond (UTC, as the schedule's own times)."""
        at = schedule.next_run_at
        if at is None:
            return "—"
        return f"{at:%H:%M}" if (at - self.now).total_seconds() < 86_400 else f"{at:%d %b}"

    def open_detail(self, key: str) -> None:
        """Enter: the snapshots of the schedule's filesystem (what it took, among the others)."""
        from screens.snapshots import SnapshotsScreen

        schedule = self.schedule_for(key)
        if schedule is not None:
            self.app.push_screen(
                SnapshotsScreen(
                    self.context,
                    filesystem_uid=schedule.filesystem_uid,
                    filesystem_name=schedule.filesystem_name,
                )
            )

    def schedule_for(self, key: str | None) -> SnapshotSchedule | None:
        schedules: Sequence[SnapshotSchedule] = self.values().get(SNAPSHOT_SCHEDULES) or ()
        return next((s for s in schedules if s.uid == key), None)

    def _chosen(self) -> SnapshotSchedule | None:
        schedule = self.schedule_for(self.table.cursor_key)
        if schedule is None:
            self.notify("Choose a schedule first.", severity="warning", timeout=3)
        return schedule

    # -- actions --------------------------------------------------------------------------------------
    def action_create_schedule(self) -> None:
        cursor = self.schedule_for(self.table.cursor_key)
        filesystem_uid = self.filesystem_uid or (cursor.filesystem_uid if cursor is not None else None)
        self.open_after(self._open_form(None, filesystem_uid))

    def action_edit_schedule(self) -> None:
        schedule = self._chosen()
        if schedule is not None:
            self.open_after(self._open_form(schedule, schedule.filesystem_uid))

    async def _open_form(self, schedule: SnapshotSchedule | None, filesystem_uid: str | None) -> None:
        try:
            filesystems = await self.context.backend.filesystems()
        except BackendError as error:
            self.notify(str(error), title="Snapshot schedule", severity="error", markup=False)
            return
        form = ScheduleForm(self.context, filesystems, schedule=schedule, filesystem_uid=filesystem_uid)
        self.app.push_screen(form, self._saved)

    def _saved(self, schedule: SnapshotSchedule | None) -> None:
        if schedule is not None:
            self.show_new_row(schedule.uid)

    def action_delete_schedule(self) -> None:
        schedule = self._chosen()
        if schedule is None:
            return
        backend = self.context.backend
        lines: list[str | Text] = [
            Text.assemble(
                "Delete schedule ",
                (schedule.name, "bold"),
                f" of {schedule.filesystem_name} ({every_words(schedule.spec)})?",
                end="",
            ),
            f"The {schedule.kept} snapshots it took stay; no new ones are taken.",
        ]
        confirm_then_run(
            self,
            ConfirmDialog(f"Delete schedule {schedule.name}", lines, confirm_label="Delete", danger=True),
            f"Delete schedule {schedule.name} of {schedule.filesystem_name}",
            lambda: backend.delete_snapshot_schedule(schedule.uid),
            success=f"Schedule {schedule.name} of {schedule.filesystem_name} deleted.",
        )

    def action_run_schedule(self) -> None:
        schedule = self._chosen()
        if schedule is None:
            return
        backend = self.context.backend
        upload = (
            f", uploading it to the {schedule.spec.upload_site.word} bucket"
            if schedule.spec.upload_site
            else ""
        )
        run_action(
            self,
            f"Run schedule {schedule.name} of {schedule.filesystem_name}",
            lambda: backend.run_snapshot_schedule(schedule.uid),
            success=lambda snapshot: f"Snapshot {snapshot.name} of {schedule.filesystem_name} taken{upload}.",
        )
