"""WEKA snapshots: filesystem, name, age, access point, writable, where the upload went (`✓ local`,
`✓ remote`, `↑local` with a progress bar; snap-to-object), and the locator a second cluster needs to bring
the snapshot online. Enter opens one snapshot in full (`SnapshotDetailScreen`: each site's bucket,
progress, measured rate and ETA).

Keys: `c` take a snapshot, `d` delete one (y/n), `R` restore its filesystem from it (type the
filesystem's name: the live content is replaced), `u` upload it to the object store (to the one kind
of bucket its filesystem has; with a local and a remote one attached, `l`/`r` picks; the row's bar then
moves, polled every second while any upload runs), `F` create a filesystem from an uploaded one (from
the local bucket it was uploaded to; an upload only in a remote bucket is refused at once).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence

from rich.text import Text

from console.data.errors import BackendError
from console.data.resource_keys import ResourceValues
from console.data.resources import SNAPSHOTS
from console.model import Filesystem, Snapshot, StowStatus, WorkloadPhase
from console.model.storage import WorkloadMount
from console.ui.data_path import mounting_workloads
from console.ui.keymap import SNAPSHOT_KEYS
from console.ui.refusals import snapshot_delete_refusal
from screens.action_runner import run_action
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.dialogs import ConfirmDialog, TypeNameDialog, confirm_then, confirm_then_run
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.snapshot_forms import CreateSnapshotForm, FilesystemFromSnapshotForm, serves_locally
from screens.snapshot_detail import SnapshotDetailScreen, UploadRates, site_word
from screens.snapshot_upload import upload_snapshot_to_its_site
from screens.upload_polling import UploadPolling
from widgets.bars import progress_bar
from widgets.resource_table import AgeCell, Column, Row

SUSPEND_FIRST = "suspend"
RESTORE_NOW = "restore"
STOP_WAIT_SECONDS = 180.0
"""How long (real seconds) a restore waits for the workloads it suspended to stop."""
STOP_POLL_SECONDS = 2.0
STOPPED_PHASES = frozenset({WorkloadPhase.STOPPED, WorkloadPhase.COMPLETED, WorkloadPhase.FAILED})

UPLOAD_WORDS = {
    StowStatus.NONE: "not uploaded",
    StowStatus.UPLOADING: "uploading",
    StowStatus.SYNCHRONIZED: "uploaded",
}
UPLOAD_COLUMN_WIDTH = 19
PERCENT_WIDTH = 5
"""` 100%`: the widest label a progress bar carries."""


class SnapshotsScreen(ResourceScreen):
    """All snapshots; opened from a filesystem (enter on Filesystems), only that filesystem's."""

    SCREEN_NAME = "snapshots"
    TITLE = "Snapshots"
    RESOURCES = (SNAPSHOTS,)
    KEYS = SNAPSHOT_KEYS
    WRITE_ACTIONS = frozenset(key.action for key in SNAPSHOT_KEYS)
    """All of them (see `FilesystemsScreen.WRITE_ACTIONS`)."""

    ADMIN_WRITES = "change snapshots"

    def action_refusal(self, action: str) -> str | None:
        """Only a WEKA cluster admin changes snapshots; no deletion runs beside an upload."""
        if reason := super().action_refusal(action):
            return reason
        if action == "delete_snapshot":
            snapshot = self.snapshot_for(self.table.cursor_key)
            if snapshot is None:
                return None
            snapshots: Sequence[Snapshot] = self.values().get(SNAPSHOTS) or ()
            same_filesystem = (s for s in snapshots if s.filesystem_uid == snapshot.filesystem_uid)
            return snapshot_delete_refusal(snapshot, same_filesystem)
        return None

    EMPTY_MESSAGE = "No snapshots."
    DEFAULT_SORT = "created"
    COLUMNS = (
        # ⇧s, not ⇧f: ⇧f creates a filesystem from the snapshot under the cursor.
        Column("filesystem", "FILESYSTEM", 12, priority=1, sort_hotkey="L"),
        Column("name", "NAME", 16, sort_hotkey="N", grow=True, identifies=True),
        Column("created", "AGE", 5, align="right", sort_hotkey="A"),
        # Full width or not at all: cut to 14 cells every row read "@GMT-2026.11.…" (AGE says when).
        Column("access_point", "ACCESS POINT", 24, priority=3, sort_hotkey="P"),
        Column("writable", "RW", 2, priority=2, sort_hotkey="W"),
        Column("upload", "UPLOAD", UPLOAD_COLUMN_WIDTH, sort_hotkey="O"),
        Column("locator", "LOCATOR", 18, priority=4, identifies=True, max_width=64),
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
        self._upload_polling = UploadPolling(self)
        self.upload_rates = UploadRates()
        """Upload progress seen over time (WEKA reports no rate); the detail view shows what it measures."""

    @property
    def screen_title(self) -> str:
        return f"Snapshots of {self.filesystem_name}" if self.filesystem_name else self.TITLE

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        snapshots: Sequence[Snapshot] = values[SNAPSHOTS]
        fetched_at = self.context.bridge.snapshot(SNAPSHOTS).fetched_at
        self.upload_rates.observe(snapshots, fetched_at or self.context.backend.now())
        if self.filesystem_uid is not None:
            snapshots = [s for s in snapshots if s.filesystem_uid == self.filesystem_uid]
        self._upload_polling.follow(any(s.stow_status is StowStatus.UPLOADING for s in snapshots))
        return self._rows.rows(snapshots)

    def _upload_cell(self, snapshot: Snapshot) -> Text:
        """Where the upload went and how far: `✓ remote`, `✓ local+remote`, `↑local ███░░░ 40%`,
        `✓local ↑remote 40%`; `not uploaded`. Without per-site state (older WEKA) it says whether only."""
        palette = self.palette
        synced = "+".join(site_word(u.site) for u in snapshot.uploads if u.status is StowStatus.SYNCHRONIZED)
        uploading = next((u for u in snapshot.uploads if u.status is StowStatus.UPLOADING), None)
        if uploading is not None:
            cell = Text(end="")
            if synced:
                cell.append(f"✓{synced} ", palette.ok)
            cell.append(f"↑{site_word(uploading.site)}", palette.warning)
            self._append_progress(cell, uploading.progress_percent)
            return cell
        if synced:
            return Text(f"✓ {synced}", palette.ok, end="")
        if snapshot.stow_status is StowStatus.UPLOADING:
            cell = Text("↑", palette.warning, end="")
            self._append_progress(cell, snapshot.upload_progress_percent)
            return cell
        if snapshot.stow_status is StowStatus.SYNCHRONIZED:
            return Text("✓ uploaded", palette.ok, end="")
        return Text(UPLOAD_WORDS[StowStatus.NONE], palette.muted, end="")

    def _append_progress(self, cell: Text, percent: float | None) -> None:
        """A bar in the room the column has left (none when only the percentage fits), then `40%`."""
        palette = self.palette
        bar_width = UPLOAD_COLUMN_WIDTH - cell.cell_len - 1 - PERCENT_WIDTH
        if bar_width >= 3:
            cell.append(" ")
            cell.append_text(
                progress_bar(percent, width=bar_width, fill_style=palette.warning, free_style=palette.muted)
            )
        else:
            cell.append(" ?" if percent is None else f" {percent:.0f}%", palette.warning)

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
                AgeCell(snapshot.created_at),
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
        )

    def open_detail(self, key: str) -> None:
        """Enter on a snapshot: all of it, with each upload's site, progress, rate and ETA."""
        if self.snapshot_for(key) is not None:
            self.app.push_screen(
                SnapshotDetailScreen(self.context, snapshot_uid=key, rates=self.upload_rates)
            )

    # -- actions ----------------------------------------------------------------------------------------
    def snapshot_for(self, key: str | None) -> Snapshot | None:
        snapshots: Sequence[Snapshot] = self.values().get(SNAPSHOTS) or ()
        return next((s for s in snapshots if s.uid == key), None)

    def _chosen_snapshot(self) -> Snapshot | None:
        snapshot = self.snapshot_for(self.table.cursor_key)
        if snapshot is None:
            self.notify("Choose a snapshot first.", severity="warning", timeout=3)
        return snapshot

    def action_create_snapshot(self) -> None:
        cursor = self.snapshot_for(self.table.cursor_key)
        filesystem_uid = self.filesystem_uid or (cursor.filesystem_uid if cursor is not None else None)
        self.open_after(self._open_create_form(filesystem_uid))

    async def _open_create_form(self, filesystem_uid: str | None) -> None:
        try:
            filesystems = await self.context.backend.filesystems()
        except BackendError as error:
            self.notify(str(error), title="Create snapshot", severity="error", markup=False)
            return
        self.app.push_screen(
            CreateSnapshotForm(self.context, filesystems, filesystem_uid=filesystem_uid), self._created
        )

    def _created(self, snapshot: Snapshot | None) -> None:
        """The form closed: after a create, the cursor goes to the new snapshot's row."""
        if snapshot is not None:
            self.show_new_row(snapshot.uid)

    def action_delete_snapshot(self) -> None:
        snapshot = self._chosen_snapshot()
        if snapshot is None:
            return
        lines: list[str | Text] = [
            Text.assemble(
                "Delete snapshot ",
                (snapshot.name, "bold"),
                " of ",
                (snapshot.filesystem_name, "bold"),
                "?",
                end="",
            ),
            f"Access point {snapshot.access_point} disappears; the filesystem itself is not touched.",
        ]
        if snapshot.stow_status is StowStatus.SYNCHRONIZED:
            lines.append("Its upload in a local bucket is deleted too; a remote bucket keeps its copy.")

        backend = self.context.backend
        confirm_then_run(
            self,
            ConfirmDialog(f"Delete {snapshot.name}", lines, confirm_label="Delete", danger=True),
            f"Delete snapshot {snapshot.name}",
            lambda: backend.delete_snapshot(snapshot.uid),
            success=f"Snapshot {snapshot.name} of {snapshot.filesystem_name} is being deleted.",
        )

    def action_restore_snapshot(self) -> None:
        """Restore replaces the live filesystem (reference §12.3): type the filesystem's name, not the
        snapshot's, because the filesystem is what loses data. The question names the workloads that mount
        it now (`Backend.data_mounts`, best effort), and then offers to suspend them first, so nothing
        writes into the filesystem while it is replaced."""
        snapshot = self._chosen_snapshot()
        if snapshot is None:
            return
        self.open_after(self._ask_restore(snapshot))

    async def _ask_restore(self, snapshot: Snapshot) -> None:
        fs_name = snapshot.filesystem_name
        backend = self.context.backend
        try:
            users = mounting_workloads(fs_name, await backend.data_mounts())
        except BackendError:
            users = []  # who mounts it is not known here: the question says what it can
        explanation = Text.assemble(
            "Restore filesystem ",
            (fs_name, "bold"),
            " to snapshot ",
            (snapshot.name, "bold"),
            f" ({snapshot.created_at:%Y-%m-%d %H:%M} UTC). Everything written to ",
            (fs_name, "bold"),
            " since then is lost; stop IO to it first.",
            end="",
        )
        if users:
            names = ", ".join(
                f"{user.workload_name} ({'ro' if user.mount.read_only else 'rw'})" for user in users[:6]
            )
            more = f" and {len(users) - 6} more" if len(users) > 6 else ""
            explanation.append(f"\nMounted now by {len(users)} workload{'s' if len(users) != 1 else ''}: ")
            explanation.append(names + more, "bold")
            explanation.append(". Next you may suspend them first.")
        confirm_then(
            self,
            TypeNameDialog(f"Restore {fs_name}", explanation, fs_name),
            lambda: self._restore_confirmed(snapshot, users),
        )

    def _restore_confirmed(self, snapshot: Snapshot, users: Sequence[WorkloadMount]) -> None:
        if not users:
            self._restore(snapshot)
            return
        count = f"{len(users)} workload{'s' if len(users) != 1 else ''}"
        options = [
            (SUSPEND_FIRST, Text(f"Suspend the {count} that mount it, then restore", end="")),
            (RESTORE_NOW, Text(f"Restore now: the {count} keep reading and writing", end="")),
        ]

        def chosen(choice: str | None) -> None:
            if choice == RESTORE_NOW:
                self._restore(snapshot)
            elif choice == SUSPEND_FIRST:
                self.run_worker(self._suspend_then_restore(snapshot, users), exit_on_error=False)
            else:
                self.notify(f"Restore of {snapshot.filesystem_name} cancelled.", timeout=3, markup=False)

        question = f"{snapshot.filesystem_name} is mounted by {count}."
        self.app.push_screen(
            ChooseDialog(f"Restore {snapshot.filesystem_name}", question, options, SUSPEND_FIRST), chosen
        )

    async def _suspend_then_restore(self, snapshot: Snapshot, users: Sequence[WorkloadMount]) -> None:
        """Suspend each (audited like any suspend), wait until none of them runs, then restore; a workload
        that will not suspend or stop in time means no restore, said with why."""
        backend = self.context.backend
        fs_name = snapshot.filesystem_name
        ids = list(dict.fromkeys(user.workload_id for user in users))
        for workload_id in ids:
            try:
                await backend.suspend_workload(workload_id)
            except BackendError as error:
                self.notify(
                    f"{error}. {fs_name} was not restored.", title="Suspend before restore", severity="error"
                )
                return
        self.notify(
            f"Suspended {len(ids)}; restoring {fs_name} once they have stopped…", timeout=4, markup=False
        )
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        running: list[str] = ids
        while running:
            try:
                phases = {workload.id: workload.phase for workload in await backend.workloads()}
            except BackendError:
                phases = {}
            running = [i for i in ids if phases.get(i, WorkloadPhase.STOPPED) not in STOPPED_PHASES]
            if not running:
                break
            if time.monotonic() > deadline:
                waited = f"{STOP_WAIT_SECONDS:.0f}s"
                self.notify(
                    f"{len(running)} of them still run after {waited}; {fs_name} was not restored.",
                    title="Restore",
                    severity="error",
                    markup=False,
                )
                return
            await asyncio.sleep(STOP_POLL_SECONDS)
        self._restore(snapshot)

    def _restore(self, snapshot: Snapshot) -> None:
        fs_name = snapshot.filesystem_name
        backend = self.context.backend
        run_action(
            self,
            f"Restore {fs_name} from {snapshot.name}",
            lambda: backend.restore_snapshot(snapshot.uid),
            success=f"Filesystem {fs_name} restored from snapshot {snapshot.name}.",
        )

    def action_upload_snapshot(self) -> None:
        """Upload to the site the snapshot's filesystem has a bucket for; ask which when it has both.

        The filesystem's buckets are fetched in a worker (this screen's resource is only snapshots) so
        the choice follows what is attached now; the API still refuses what cannot upload (writable,
        busy, being deleted) in its own words.
        """
        snapshot = self._chosen_snapshot()
        if snapshot is None:
            return
        self.open_after(self._upload(snapshot))

    async def _upload(self, snapshot: Snapshot) -> None:
        await upload_snapshot_to_its_site(self, self.context, snapshot)

    def action_create_filesystem_from_snapshot(self) -> None:
        snapshot = self._chosen_snapshot()
        if snapshot is None:
            return
        title = "Filesystem from snapshot"
        if snapshot.stow_status is not StowStatus.SYNCHRONIZED or not snapshot.locator:
            state = ""
            if snapshot.stow_status is StowStatus.UPLOADING:
                progress = snapshot.upload_progress_percent
                state = " (uploading)" if progress is None else f" (uploading, {progress:.0f}%)"
            self.notify(
                f"Snapshot {snapshot.name} is not uploaded{state}: only a SYNCHRONIZED snapshot has a "
                "locator to create a filesystem from. Upload it first (u).",
                title=title,
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        if snapshot.uploads and not serves_locally(snapshot):
            self.notify(
                f"Snapshot {snapshot.name} is uploaded only to its remote bucket, and WEKA creates a "
                "filesystem only from a local bucket. Attach that bucket as a local one on the cluster "
                "that should serve the data, or upload the snapshot to a local bucket (u) first.",
                title=title,
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.open_after(self._open_from_snapshot_form(snapshot))

    async def _open_from_snapshot_form(self, snapshot: Snapshot) -> None:
        backend = self.context.backend
        try:
            filesystems = await backend.filesystems()
            groups = await backend.filesystem_groups()
            buckets = await backend.buckets()
        except BackendError as error:
            self.notify(str(error), title="Filesystem from snapshot", severity="error", markup=False)
            return
        source: Filesystem | None = next((f for f in filesystems if f.uid == snapshot.filesystem_uid), None)
        self.app.push_screen(FilesystemFromSnapshotForm(self.context, snapshot, source, groups, buckets))
