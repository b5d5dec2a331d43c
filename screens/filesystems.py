"""WEKA filesystems: group, capacity, SSD used/budget as a bar, bytes on the object tier, tiering
bucket, snapshot count and the age of the last uploaded snapshot (how old the off-site copy is).
Enter on a filesystem shows its snapshots; `c` creates one, `r` resizes, `t` changes its tiering
bucket and `D` deletes it after its name is typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text

from console.data.errors import BackendError
from console.data.resource_keys import ResourceValues
from console.data.resources import FILESYSTEMS
from console.model import BucketMode, Filesystem
from console.ui.format import format_bytes, format_bytes_pair
from console.ui.keymap import FILESYSTEM_KEYS
from console.ui.protection import capacity_trend
from console.ui.refusals import filesystem_delete_refusal
from screens.base import ResourceScreen
from screens.dialogs import TypeNameDialog, confirm_then_run
from screens.dialogs.filesystem_forms import CreateFilesystemForm, ResizeFilesystemForm, TieringForm
from widgets.bars import capacity_bar
from widgets.resource_table import AgeCell, Column, Row

SSD_WARNING_FRACTION = 0.85
SSD_CRITICAL_FRACTION = 0.95


def tiering_bucket(filesystem: Filesystem) -> str:
    """The WRITABLE (tiering) bucket, or `—` for an SSD-only filesystem."""
    writable = [b.bucket_name for b in filesystem.buckets if b.mode is BucketMode.WRITABLE]
    return ",".join(writable) or "—"


class FilesystemsScreen(ResourceScreen):
    """Where the data lives and how full the fast tier is."""

    SCREEN_NAME = "filesystems"
    TITLE = "Filesystems"
    RESOURCES = (FILESYSTEMS,)
    KEYS = FILESYSTEM_KEYS
    WRITE_ACTIONS = frozenset(key.action for key in FILESYSTEM_KEYS) - {"show_events"}

    ADMIN_WRITES = "change filesystems"

    def action_refusal(self, action: str) -> str | None:
        """Only a WEKA cluster admin changes storage; a filesystem with snapshots is not deleted."""
        if reason := super().action_refusal(action):
            return reason
        if action == "delete_filesystem":
            return filesystem_delete_refusal(self.filesystem_for(self.table.cursor_key))
        return None

    """All of them: dimmed under --read-only, and not run from the palette either (Textual's
    `run_action` asks `check_action`); the data layer refuses them on its own as well."""
    EMPTY_MESSAGE = "No filesystems."
    COLUMNS = (
        Column("name", "NAME", 14, sort_hotkey="N", grow=True, identifies=True),
        Column("group", "GROUP", 8, priority=4, sort_hotkey="O"),
        Column("total", "TOTAL", 7, align="right", priority=1, sort_hotkey="T"),
        Column("ssd", "SSD USED/BUDGET", 16, sort_hotkey="E"),
        Column("object", "OBJECT", 7, align="right", priority=2, sort_hotkey="J"),
        Column("tiering", "TIER BUCKET", 11, priority=3, sort_hotkey="B"),
        Column("snapshots", "SNAPS", 5, align="right", priority=2, sort_hotkey="C"),
        Column("uploaded", "UPLOAD", 6, align="right", priority=1, sort_hotkey="P"),
        Column("status", "STATUS", 8, priority=5, sort_hotkey="A"),
    )

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        filesystems: Sequence[Filesystem] = values[FILESYSTEMS]
        # Every poll seen is a point of the growth the RPO view and the filesystem detail forecast with.
        fetched_at = self.context.bridge.snapshot(FILESYSTEMS).fetched_at or self.now
        capacity_trend(self.context.backend).observe(filesystems, fetched_at)
        palette = self.palette
        for filesystem in filesystems:
            fraction = filesystem.ssd_used_fraction
            ssd_style = (
                palette.error
                if fraction >= SSD_CRITICAL_FRACTION
                else palette.warning
                if fraction >= SSD_WARNING_FRACTION
                else palette.ok
            )
            ssd = capacity_bar(
                filesystem.used_ssd_bytes,
                filesystem.ssd_budget_bytes,
                width=5,
                label=format_bytes_pair(filesystem.used_ssd_bytes, filesystem.ssd_budget_bytes),
                fill_style=ssd_style,
                free_style=palette.muted,
            )
            bucket = tiering_bucket(filesystem)
            uploaded = filesystem.last_uploaded_snapshot_at
            status = Text(filesystem.status, palette.ok if filesystem.is_ready else palette.warning, end="")
            if filesystem.is_encrypted:
                status.append(" enc", palette.muted)
            yield Row(
                key=filesystem.uid,
                cells=(
                    filesystem.name,
                    filesystem.group_name,
                    format_bytes(filesystem.total_budget_bytes),
                    ssd,
                    format_bytes(filesystem.used_object_bytes) if filesystem.is_tiered else "—",
                    bucket,
                    str(filesystem.snapshot_count),
                    AgeCell(uploaded) if uploaded else Text("never", palette.muted, end=""),
                    status,
                ),
                sort_values=(
                    filesystem.name,
                    filesystem.group_name,
                    filesystem.total_budget_bytes,
                    fraction,
                    filesystem.used_object_bytes,
                    bucket,
                    filesystem.snapshot_count,
                    -uploaded.timestamp() if uploaded else None,
                    filesystem.status,
                ),
            )

    def filesystem_for(self, key: str | None) -> Filesystem | None:
        filesystems: Sequence[Filesystem] = self.values().get(FILESYSTEMS) or ()
        return next((f for f in filesystems if f.uid == key), None)

    def open_detail(self, key: str) -> None:
        """Enter on a filesystem: it in full, with who mounts it (`s` there lists its snapshots)."""
        from screens.filesystem_detail import FilesystemDetailScreen

        filesystem = self.filesystem_for(key)
        if filesystem is not None:
            self.app.push_screen(FilesystemDetailScreen(self.context, filesystem_name=filesystem.name))

    # -- actions ----------------------------------------------------------------------------------------
    def _chosen_filesystem(self) -> Filesystem | None:
        filesystem = self.filesystem_for(self.table.cursor_key)
        if filesystem is None:
            self.notify("Choose a filesystem first.", severity="warning", timeout=3)
        return filesystem

    def action_show_events(self) -> None:
        """`v`: the filesystem's timeline (WEKA's events about it: snapshots, uploads, resizes, tiering)."""
        filesystem = self._chosen_filesystem()
        if filesystem is not None:
            from console.model.events import EventFilter
            from screens.events import EventsScreen

            scope = EventFilter(filesystem=filesystem.name)
            self.app.push_screen(
                EventsScreen(self.context, scope=scope, scope_name=f"filesystem {filesystem.name}")
            )

    def action_create_filesystem(self) -> None:
        self.open_after(self._open_create_form())

    async def _open_create_form(self) -> None:
        """Groups and buckets are fetched when the form opens, so its choices are today's."""
        backend = self.context.backend
        try:
            groups = await backend.filesystem_groups()
            buckets = await backend.buckets()
        except BackendError as error:
            self.notify(str(error), title="Create filesystem", severity="error", markup=False)
            return
        self.app.push_screen(CreateFilesystemForm(self.context, groups, buckets), self._created)

    def _created(self, filesystem: Filesystem | None) -> None:
        """The form closed: after a create, the cursor goes to the new filesystem's row."""
        if filesystem is not None:
            self.show_new_row(filesystem.uid)

    def action_resize_filesystem(self) -> None:
        filesystem = self._chosen_filesystem()
        if filesystem is not None:
            self.app.push_screen(ResizeFilesystemForm(self.context, filesystem))

    def action_set_tiering(self) -> None:
        filesystem = self._chosen_filesystem()
        if filesystem is not None:
            self.open_after(self._open_tiering_form(filesystem))

    async def _open_tiering_form(self, filesystem: Filesystem) -> None:
        try:
            buckets = await self.context.backend.buckets()
        except BackendError as error:
            self.notify(str(error), title=f"Tiering of {filesystem.name}", severity="error", markup=False)
            return
        self.app.push_screen(TieringForm(self.context, filesystem, buckets))

    def action_delete_filesystem(self) -> None:
        """Type the name to delete: all its data goes (reference §10.6), so a y/n is not enough."""
        filesystem = self._chosen_filesystem()
        if filesystem is None:
            return
        explanation = Text.assemble(
            "Delete filesystem ",
            (filesystem.name, "bold"),
            f" and all {format_bytes(filesystem.used_total_bytes)} of data in it. This cannot be undone.",
            end="",
        )
        if filesystem.snapshot_count:
            plural = "snapshot" if filesystem.snapshot_count == 1 else "snapshots"
            explanation.append(f"\nIt still has {filesystem.snapshot_count} {plural}.")

        backend = self.context.backend
        confirm_then_run(
            self,
            TypeNameDialog(f"Delete {filesystem.name}", explanation, filesystem.name),
            f"Delete filesystem {filesystem.name}",
            lambda: backend.delete_filesystem(filesystem.uid),
            success=f"Filesystem {filesystem.name} is being deleted.",
        )
