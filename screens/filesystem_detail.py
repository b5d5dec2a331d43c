"""One WEKA filesystem in full (enter on Filesystems): how full and how tiered it is, how old its newest
off-site copy is, its alerts, who mounts it — the workloads (and their projects) whose pods mount a
claim bound to it, with where and whether they write — and its own timeline (WEKA's events about it:
snapshots, uploads, resizes, tiering), newest first, as the workload and node details have theirs; and the
schedules that snapshot it, with the RPO target they give. `s` lists its snapshots, `p` its schedules; esc
goes back.

"Who mounts it" is the reverse of the workload detail's data section (`Backend.data_mounts`: Kubernetes
pods -> claims -> csi-wekafs volumes), which no single tool answers: WEKA sees client hosts, Kubernetes
sees claims, Run:ai sees neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from console.data.resource_keys import ResourceKey
from console.data.resources import ALERTS, DATA_MOUNTS, EVENTS, FILESYSTEMS, SNAPSHOT_SCHEDULES
from console.model import Alert, Filesystem
from console.model.events import EventFilter, EventObjectKind
from console.model.schedules import SnapshotSchedule, every_words, rpo_target
from console.model.storage import WorkloadMount
from console.ui.data_path import (
    alerts_about,
    mounted_by,
    projects_of,
    tiering_words,
    upload_words,
    used_words,
)
from console.ui.format import format_bytes_pair, format_duration
from console.ui.keymap import FILESYSTEM_DETAIL_KEYS
from console.ui.palette import CellPalette, phase_style
from console.ui.protection import DEFAULT_RPO_SECONDS, capacity_trend, days_to_full
from screens.context import ConsoleContext
from screens.detail_screen import DetailScreen
from screens.detail_text import label_grid, plain_text, section_table
from screens.protection import full_in_words, growth_words
from widgets.event_timeline import MAX_TIMELINE_EVENTS, event_timeline, is_object

FILESYSTEM_DETAIL_RESOURCES = (FILESYSTEMS, ALERTS, DATA_MOUNTS, SNAPSHOT_SCHEDULES)


class FilesystemDetailScreen(DetailScreen):
    """Pushed over the filesystems list by enter; esc returns to the same row."""

    SCREEN_NAME = "filesystem_detail"
    TITLE = "Filesystem"
    KEYS = FILESYSTEM_DETAIL_KEYS
    RESOURCES = FILESYSTEM_DETAIL_RESOURCES

    SECTIONS = ("#summary", "#mounted-by", "#fs-alerts", "#events")

    def __init__(self, context: ConsoleContext, *, filesystem_name: str) -> None:
        super().__init__(context)
        self.filesystem_name = filesystem_name
        self.filesystem: Filesystem | None = None
        self._sections: tuple[RenderableType, ...] = ()
        self._shown: tuple[object, ...] = ()
        # Its own timeline resource (as a node detail's): the same events `v` on the list opens.
        self.events_key = EVENTS(EventFilter(filesystem=filesystem_name, limit=MAX_TIMELINE_EVENTS))

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (*self.RESOURCES, self.events_key)

    @property
    def screen_title(self) -> str:
        return f"Filesystem {self.filesystem_name}"

    def palette_changed(self) -> None:
        self._shown = ()

    def resources_changed(self) -> None:
        super().resources_changed()
        bridge = self.context.bridge
        filesystems: Sequence[Filesystem] | None = bridge.snapshot(FILESYSTEMS).value
        if filesystems is None:
            return
        filesystem = next((f for f in filesystems if f.name == self.filesystem_name), None)
        palette = self.palette
        if filesystem is None:
            self.query_one("#summary", Static).update(
                Text(f"{self.filesystem_name} is not a filesystem of this WEKA cluster.", palette.warning)
            )
            return
        self.filesystem = filesystem
        mounts_state = bridge.snapshot(DATA_MOUNTS)
        mounts = mounted_by(filesystem.name, mounts_state.value or ())
        alerts = alerts_about(filesystem.name, bridge.snapshot(ALERTS).value or ())
        now = self.backend_clock.now()
        mounts_error = str(mounts_state.error) if mounts_state.failed and mounts_state.value is None else None
        capacity_trend(self.context.backend).observe(
            filesystems, bridge.snapshot(FILESYSTEMS).fetched_at or now
        )
        growth = self._growth(filesystem)
        events = bridge.snapshot(self.events_key).value
        schedules = bridge.snapshot(SNAPSHOT_SCHEDULES).value
        shown = (
            filesystem,
            schedules,
            tuple(mounts),
            tuple(alerts),
            mounts_error,
            upload_words(filesystem, now),
            growth,
            palette,
            events,
        )
        if shown == self._shown:
            return
        self._shown = shown
        self._sections = (
            self._summary(filesystem, growth, palette, now, schedules),
            self._mounted_by(mounts, mounts_state.value is not None, mounts_error, palette),
            self._alerts(alerts, palette),
            event_timeline(
                events or (),
                palette,
                is_object(EventObjectKind.FILESYSTEM, filesystem.name),
                loading=events is None,
            ),
        )
        for section_id, renderable in zip(self.SECTIONS, self._sections, strict=True):
            self.query_one(section_id, Static).update(renderable)

    def _growth(self, filesystem: Filesystem) -> str:
        """`9.4TiB/d, full in 2d17h`, or that rwc is still measuring (see console.ui.protection)."""
        rate = capacity_trend(self.context.backend).rate(filesystem.uid)
        days = days_to_full(filesystem.used_total_bytes, filesystem.total_budget_bytes, rate)
        if rate is None:
            return "measuring (rwc measures it while it watches: 10 minutes)"
        return f"{growth_words(rate)}, full in {full_in_words(days, rate)}"

    def rendered_text(self, width: int = 78) -> str:
        return plain_text(self._sections, width)

    def action_filesystem_snapshots(self) -> None:
        """`s`: this filesystem's snapshots."""
        from screens.snapshots import SnapshotsScreen

        if self.filesystem is not None:
            self.app.push_screen(
                SnapshotsScreen(
                    self.context, filesystem_uid=self.filesystem.uid, filesystem_name=self.filesystem.name
                )
            )

    def action_filesystem_schedules(self) -> None:
        """`p`: this filesystem's snapshot schedules."""
        from screens.schedules import SchedulesScreen

        if self.filesystem is not None:
            self.app.push_screen(
                SchedulesScreen(
                    self.context, filesystem_uid=self.filesystem.uid, filesystem_name=self.filesystem.name
                )
            )

    # -- rendering ---------------------------------------------------------------------------------
    @staticmethod
    def _summary(
        filesystem: Filesystem,
        growth: str,
        palette: CellPalette,
        now: datetime,
        schedules: Sequence[SnapshotSchedule] | None,
    ) -> Table:
        grid = label_grid(palette)
        name = Text(filesystem.name, palette.accent)
        name.append(f"  {filesystem.status}", palette.ok if filesystem.is_ready else palette.warning)
        if filesystem.is_encrypted:
            name.append("  encrypted", palette.muted)
        grid.add_row("Name", name)
        grid.add_row("Group", Text(filesystem.group_name))
        grid.add_row("Used", Text(used_words(filesystem)))
        ssd = format_bytes_pair(filesystem.used_ssd_bytes, filesystem.ssd_budget_bytes)
        grid.add_row("SSD", Text(f"{ssd} ({filesystem.ssd_used_fraction:.0%} of its SSD budget)"))
        buckets = ", ".join(f"{b.bucket_name} ({b.mode.value.lower()})" for b in filesystem.buckets)
        tiering = Text(tiering_words(filesystem))
        if buckets:
            tiering.append(f"  buckets: {buckets}", palette.muted)
        grid.add_row("Tiering", tiering)
        upload = upload_words(filesystem, now)
        grid.add_row(
            "Off-site copy",
            Text(f"newest uploaded snapshot taken {upload}", palette.muted)
            if filesystem.last_uploaded_snapshot_at
            else Text("no snapshot of it is in an object store", palette.warning),
        )
        grid.add_row("Snapshots", Text(f"{filesystem.snapshot_count}  s: list them"))
        grid.add_row("Schedules", schedules_words(filesystem, schedules, palette))
        grid.add_row("Growth", Text(growth))
        return grid

    @staticmethod
    def _mounted_by(
        mounts: Sequence[WorkloadMount], known: bool, error: str | None, palette: CellPalette
    ) -> Table | Text:
        if error is not None:
            return Text.assemble(("Mounted by", "bold"), (f"  not known: {error}", palette.warning))
        if not known:
            return Text.assemble(("Mounted by", "bold"), ("  loading…", palette.muted))
        if not mounts:
            return Text.assemble(("Mounted by", "bold"), ("  no workload's pods mount it", palette.muted))
        workloads = len({mount.workload_id for mount in mounts})
        projects = projects_of(mounts)
        title = (
            f"Mounted by {workloads} workload{'s' if workloads != 1 else ''} of "
            f"{len(projects)} project{'s' if len(projects) != 1 else ''}"
        )
        table = section_table(title, palette)
        table.add_column("WORKLOAD", no_wrap=True, overflow="ellipsis", ratio=2)
        table.add_column("PROJECT", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("PHASE", no_wrap=True, min_width=11)  # Terminating
        table.add_column("ACC", no_wrap=True, min_width=3)
        table.add_column("MOUNT → PATH IN FS", overflow="fold", ratio=3)
        for entry in mounts:
            mount = entry.mount
            where = f"{mount.mount_path or '—'} → /{mount.location.path if mount.location else ''}"
            table.add_row(
                Text(entry.workload_name),
                Text(entry.project_name),
                Text(entry.phase.value, phase_style(entry.phase, palette)),
                Text(
                    "ro" if mount.read_only else "rw", palette.muted if mount.read_only else palette.warning
                ),
                Text(where),
            )
        return table

    @staticmethod
    def _alerts(alerts: Sequence[Alert], palette: CellPalette) -> Table | Text:
        if not alerts:
            return Text.assemble(("Alerts", "bold"), ("  none name it", palette.muted))
        table = section_table(f"Alerts ({len(alerts)})", palette)
        table.add_column("SEVERITY", no_wrap=True)
        table.add_column("ALERT", overflow="fold", ratio=1)
        for alert in alerts:
            table.add_row(Text(alert.severity.value), Text(f"{alert.title}: {alert.description}"))
        return table


def schedules_words(
    filesystem: Filesystem, schedules: Sequence[SnapshotSchedule] | None, palette: CellPalette
) -> Text:
    """`hourly every 1h → local, nightly daily 02:00 · RPO 2h  p: edit`: what snapshots it and the
    recovery-point target that follows (`console.model.schedules.rpo_target`)."""
    if schedules is None:
        return Text("loading…", palette.muted)
    own = [s for s in schedules if s.filesystem_uid == filesystem.uid]
    target = rpo_target(own, filesystem.uid)
    words = ", ".join(
        f"{s.name} {every_words(s.spec)}" + (f" → {s.spec.upload_site.word}" if s.spec.upload_site else "")
        for s in own
    )
    text = Text(words or "none", "" if own else palette.warning, end="")
    rpo = (
        f"RPO {format_duration(target)}"
        if target
        else f"RPO {format_duration(DEFAULT_RPO_SECONDS)} (default)"
    )
    text.append(f" · {rpo}", palette.muted)
    return text
