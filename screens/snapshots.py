"""WEKA snapshots: filesystem, name, age, access point, writable, upload state with a progress bar
(snap-to-object), and the locator a second cluster needs to bring the snapshot online.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

from console.model import Snapshot, StowStatus
from console.ui.context import ConsoleContext
from console.ui.format import format_age
from screens.base import ResourceScreen
from widgets.bars import progress_bar
from widgets.resource_table import Column, Row

UPLOAD_WORDS = {
    StowStatus.NONE: "local",
    StowStatus.UPLOADING: "uploading",
    StowStatus.SYNCHRONIZED: "uploaded",
}


class SnapshotsScreen(ResourceScreen):
    """All snapshots; opened from a filesystem (enter on Filesystems), only that filesystem's."""

    SCREEN_NAME = "snapshots"
    TITLE = "Snapshots"
    RESOURCES = ("snapshots",)
    EMPTY_MESSAGE = "No snapshots."
    COLUMNS = (
        Column("filesystem", "FILESYSTEM", 12, priority=1, sort_hotkey="F"),
        Column("name", "NAME", 16, sort_hotkey="N", grow=True),
        Column("created", "AGE", 5, align="right", sort_hotkey="A"),
        Column("access_point", "ACCESS POINT", 14, priority=3, sort_hotkey="P"),
        Column("writable", "RW", 2, priority=2, sort_hotkey="W"),
        Column("upload", "UPLOAD", 19, sort_hotkey="U"),
        Column("locator", "LOCATOR", 18, priority=4),
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
        self._rows = self.row_cache(self._snapshot_row, key=lambda snapshot: snapshot.uid)

    @property
    def screen_title(self) -> str:
        return f"Snapshots of {self.filesystem_name}" if self.filesystem_name else self.TITLE

    def build_rows(self, values: Mapping[str, Any]) -> Iterable[Row]:
        snapshots: Sequence[Snapshot] = values["snapshots"]
        if self.filesystem_uid is not None:
            snapshots = [s for s in snapshots if s.filesystem_uid == self.filesystem_uid]
        return self._rows.rows(snapshots)

    def _upload_cell(self, snapshot: Snapshot) -> Text:
        palette = self.palette
        if snapshot.stow_status is StowStatus.UPLOADING:
            cell = Text("up ", palette.warning, end="")
            cell.append_text(
                progress_bar(
                    snapshot.upload_progress_percent,
                    width=8,
                    fill_style=palette.warning,
                    free_style=palette.muted,
                )
            )
            return cell
        if snapshot.stow_status is StowStatus.SYNCHRONIZED:
            return Text("✓ uploaded", palette.ok, end="")
        return Text("local", palette.muted, end="")

    def _snapshot_row(self, snapshot: Snapshot) -> Row:
        palette = self.palette
        name = Text(snapshot.name, end="")
        if snapshot.is_removing:
            name.append(" (removing)", palette.warning)
        progress = snapshot.upload_progress_percent or 0.0
        upload_order = {StowStatus.NONE: 0, StowStatus.UPLOADING: 1, StowStatus.SYNCHRONIZED: 2}
        return Row(
            key=snapshot.uid,
            cells=(
                snapshot.filesystem_name,
                name,
                format_age(self.now, snapshot.created_at),
                snapshot.access_point,
                Text("rw", palette.warning, end="") if snapshot.is_writable else "ro",
                self._upload_cell(snapshot),
                snapshot.locator or "—",
            ),
            sort_values=(
                snapshot.filesystem_name,
                snapshot.name,
                -snapshot.created_at.timestamp(),
                snapshot.access_point,
                snapshot.is_writable,
                (upload_order[snapshot.stow_status], progress),
                snapshot.locator,
            ),
            search_text=(
                f"{snapshot.filesystem_name} {snapshot.name} {snapshot.access_point} "
                f"{UPLOAD_WORDS[snapshot.stow_status]} {snapshot.stow_status.value} {snapshot.locator}"
            ),
        )
