"""Data protection (`:rpo`): per WEKA filesystem, the newest snapshot, the newest one copied off the
cluster (snap-to-object, to the local or remote bucket) against the recovery-point target, and when the
filesystem fills at its recent growth; the title gives the same forecast for all of them. Filesystems past
their target come first. Enter opens the filesystem (where `s` lists its snapshots); `u` uploads the
filesystem's newest snapshot not yet copied off the cluster (what clears a red row), `p` opens its snapshot
schedules, where its target comes from.

Figures and their sources are in `console.ui.protection`; growth is measured by the console while it
watches (WEKA keeps no capacity history), so a fresh view says "measuring" for its first ten minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text

from console.data.resource_keys import ResourceValues
from console.data.resources import FILESYSTEMS, SNAPSHOT_SCHEDULES, SNAPSHOTS
from console.model import Filesystem, Snapshot, UploadSite
from console.model.schedules import SnapshotSchedule, rpo_target
from console.ui.format import format_bytes, format_duration
from console.ui.keymap import PROTECTION_KEYS
from console.ui.palette import CellPalette
from console.ui.protection import (
    DEFAULT_RPO_SECONDS,
    FOREVER_DAYS,
    Protection,
    RpoState,
    capacity_trend,
    cluster_forecast,
    protection_of,
)
from screens.base import ResourceScreen
from screens.snapshot_upload import upload_snapshot_to_its_site
from screens.upload_polling import UploadPolling
from widgets.resource_table import AgeCell, Column, Row

STATE_ORDER = {RpoState.PAST: 0, RpoState.NEVER: 1, RpoState.WITHIN: 2, RpoState.NO_BUCKET: 3}
SITE_WORDS: dict[str, str] = {**{site: site.word for site in UploadSite}, "": "site?"}


def growth_words(rate: float | None) -> str:
    if rate is None:
        return "measuring"
    if abs(rate) * 86400 < 1024**3 * 0.05:
        return "flat"
    sign = "" if rate > 0 else "−"
    return f"{sign}{format_bytes(abs(rate) * 86400)}/d"


def full_in_words(days: float | None, rate: float | None) -> str:
    if rate is None:
        return "measuring"
    if days is None:
        return "not growing"
    if days >= FOREVER_DAYS:
        return ">10 years"
    return format_duration(days * 86400)


def protection_row(item: Protection, palette: CellPalette) -> Row:
    filesystem = item.filesystem
    target = format_duration(item.target_seconds)
    if item.uploading is not None and item.state in (RpoState.PAST, RpoState.NEVER):
        # Still past until it lands; how far the upload that clears it has come.
        percent = item.uploading.progress_percent
        word = "past" if item.state is RpoState.PAST else "never"
        state = Text(f"✗ {word} ↑{percent or 0:.0f}%", palette.error, end="")
    elif item.state is RpoState.PAST:
        state = Text(f"✗ past by {format_duration(item.past_by_seconds)}", palette.error, end="")
    elif item.state is RpoState.NEVER:
        state = Text("✗ never uploaded", palette.error, end="")
    elif item.state is RpoState.NO_BUCKET:
        state = Text("— no bucket", palette.muted, end="")
    else:
        state = Text("✓ within", palette.ok, end="")
    sites = "+".join(SITE_WORDS.get(site, site.lower()) for site in item.upload_sites)
    upload: AgeCell | Text
    if item.newest_upload_at is not None:
        upload = AgeCell(
            item.newest_upload_at, palette.error if item.state is RpoState.PAST else "", f" {sites}"
        )
    else:
        upload = Text("never", palette.error if item.state is RpoState.NEVER else palette.muted, end="")
    days = item.days_to_full
    soon = days is not None and days < 30
    return Row(
        key=filesystem.uid,
        cells=(
            filesystem.name,
            AgeCell(item.newest_snapshot_at)
            if item.newest_snapshot_at
            else Text("none", palette.warning, end=""),
            upload,
            target,
            state,
            growth_words(item.growth_bytes_per_second),
            Text(full_in_words(days, item.growth_bytes_per_second), palette.error if soon else "", end=""),
        ),
        sort_values=(
            filesystem.name,
            item.newest_snapshot_at.timestamp() if item.newest_snapshot_at else None,
            item.newest_upload_at.timestamp() if item.newest_upload_at else None,
            item.target_seconds,
            (STATE_ORDER[item.state], -item.past_by_seconds, filesystem.name),
            item.growth_bytes_per_second,
            days,
        ),
    )


class ProtectionScreen(ResourceScreen):
    """Is every filesystem's data copied off the cluster recently enough, and when does it fill?"""

    SCREEN_NAME = "protection"
    TITLE = "Data protection"
    RESOURCES = (FILESYSTEMS, SNAPSHOTS, SNAPSHOT_SCHEDULES)
    KEYS = PROTECTION_KEYS
    WRITE_ACTIONS = frozenset({"upload_newest"})
    ADMIN_WRITES = "upload snapshots"
    EMPTY_MESSAGE = "No filesystems."
    DEFAULT_SORT = "state"
    COLUMNS = (
        Column("name", "FILESYSTEM", 14, sort_hotkey="N", grow=True, identifies=True),
        Column("snapshot", "SNAPSHOT", 8, align="right", priority=2, sort_hotkey="A"),
        Column("upload", "UPLOADED", 13, align="right", sort_hotkey="L"),
        Column("target", "RPO", 4, align="right", priority=3, sort_hotkey="O"),
        Column("state", "STATE", 16, sort_hotkey="T"),
        Column("growth", "GROWTH", 9, align="right", priority=1, sort_hotkey="W"),
        Column("full", "FULL IN", 10, align="right", priority=1, sort_hotkey="I"),
    )

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._title = self.TITLE
        self._protections: dict[str, Protection] = {}
        self._upload_polling = UploadPolling(self)

    @property
    def screen_title(self) -> str:
        return self._title

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        filesystems: Sequence[Filesystem] = values[FILESYSTEMS]
        snapshots: Sequence[Snapshot] = values.get(SNAPSHOTS) or ()
        state = self.context.bridge.snapshot(FILESYSTEMS)
        trend = capacity_trend(self.context.backend)
        trend.observe(filesystems, state.fetched_at or self.now)
        schedules: Sequence[SnapshotSchedule] = values.get(SNAPSHOT_SCHEDULES) or ()
        protections = [
            protection_of(
                filesystem,
                snapshots,
                trend,
                self.now,
                rpo_target(schedules, filesystem.uid) or DEFAULT_RPO_SECONDS,
            )
            for filesystem in filesystems
        ]
        self._protections = {item.filesystem.uid: item for item in protections}
        self._upload_polling.follow(any(item.uploading is not None for item in protections))
        self._show_forecast(protections)
        return [protection_row(item, self.palette) for item in protections]

    def _show_forecast(self, protections: Sequence[Protection]) -> None:
        """The title: how full the provisioned capacity is, and when it fills at the measured growth."""
        # Short enough for the header's title at 80 columns (31 cells): the sizes are in the rows' detail.
        used, total, rate, days = cluster_forecast(protections)
        full = f" {used / total:.0%}" if total > 0 else ""
        if rate is None:
            title = f"RPO{full} full · measuring"
        elif days is None:
            title = f"RPO{full} full · not growing"
        else:
            title = f"RPO{full} · {growth_words(rate)} · full {full_in_words(days, rate)}"
        if title != self._title:
            self._title = title
            self.header.title = title

    def open_detail(self, key: str) -> None:
        from screens.filesystem_detail import FilesystemDetailScreen

        filesystems: Sequence[Filesystem] = self.values().get(FILESYSTEMS) or ()
        filesystem = next((f for f in filesystems if f.uid == key), None)
        if filesystem is not None:
            self.app.push_screen(FilesystemDetailScreen(self.context, filesystem_name=filesystem.name))

    # -- actions --------------------------------------------------------------------------------------
    def _chosen(self) -> Protection | None:
        item = self._protections.get(self.table.cursor_key or "")
        if item is None:
            self.notify("Choose a filesystem first.", severity="warning", timeout=3)
        return item

    def action_upload_newest(self) -> None:
        """`u`: copy the filesystem's newest snapshot that is not off the cluster yet to its bucket (asks
        local or remote where it has both): the admin's answer to a red row."""
        item = self._chosen()
        if item is None:
            return
        name = item.filesystem.name
        if item.state is RpoState.NO_BUCKET:
            self.notify(
                f"Filesystem {name} has no object-store bucket: nothing can copy it off the cluster.",
                title="Upload",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        snapshot = item.newest_not_uploaded
        if snapshot is None:
            reason = (
                "an upload of a newer snapshot is running"
                if item.uploading is not None
                else "its newest snapshot is already uploaded; take one first (s on the filesystem)"
            )
            self.notify(f"Nothing to upload for {name}: {reason}.", title="Upload", timeout=6, markup=False)
            return
        self.open_after(upload_snapshot_to_its_site(self, self.context, snapshot))

    def action_show_schedules(self) -> None:
        """`p`: the filesystem's snapshot schedules (where its RPO target comes from)."""
        from screens.schedules import SchedulesScreen

        item = self._chosen()
        if item is not None:
            filesystem = item.filesystem
            self.app.push_screen(
                SchedulesScreen(self.context, filesystem_uid=filesystem.uid, filesystem_name=filesystem.name)
            )
