"""One WEKA snapshot in full (enter on Snapshots): what it is, and where its uploads went and how far.

The list has one cell for the upload; this view has a line per object-store site (local, remote): the
bucket behind it (the filesystem's tiering bucket for local, its remote one for remote), the state, the
progress, the rate and the time left, and the locator a second cluster needs. WEKA reports an upload's
progress in percent only (reference/weka.md §12.1), so the rate is measured here, from the progress seen
over time (`UploadRates`, shared with the list so it is known the moment the view opens), and said as
percent per minute; bytes are not in WEKA's REST answer (its CLI lists upload sizes), so where the answer
carries them (the simulator's `uploadSize`/`uploadedSize`) the view adds bytes sent and the byte rate, and
otherwise says so rather than guess.

Refreshed through the Store like every screen: the shared `snapshots` and `filesystems` resources, plus
the bucket list as its own resource; while an upload runs, snapshots are fetched every second.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from console.data.resources import BUCKETS, FILESYSTEMS, SNAPSHOTS
from console.model import Filesystem, ObjectStoreBucket, Snapshot, SnapshotUpload, StowStatus
from console.ui.format import format_age, format_bytes, format_bytes_pair, format_clock_time, format_duration
from console.ui.keymap import SNAPSHOT_DETAIL_KEYS
from console.ui.palette import CellPalette
from screens.context import ConsoleContext
from screens.detail_screen import DetailScreen
from screens.detail_text import label_grid, plain_text, section_table
from screens.dialogs.upload_site import LOCAL, REMOTE, SITE_WORDS, UploadTarget, upload_targets
from screens.upload_polling import UploadPolling
from widgets.bars import progress_bar

RATE_SAMPLES = 8
"""Progress samples kept per upload: the rate is the average over these (a few seconds to minutes)."""
UNKNOWN_SITE = ""
"""The site of an upload when the API gives only the flat `stowStatus` (older WEKA)."""


def site_word(site: str) -> str:
    """`local` / `remote` for the API's `LOCAL` / `REMOTE`; an unknown site as the API spelled it."""
    if site == UNKNOWN_SITE:
        return "site not reported"
    return SITE_WORDS.get(site, site.lower())


def uploads_of(snapshot: Snapshot) -> tuple[SnapshotUpload, ...]:
    """Each site's upload; from the flat keys (site unknown) when the API gave no per-site state."""
    if snapshot.uploads or snapshot.stow_status is StowStatus.NONE:
        return snapshot.uploads
    return (
        SnapshotUpload(
            UNKNOWN_SITE, snapshot.stow_status, snapshot.upload_progress_percent, snapshot.locator
        ),
    )


@dataclass(frozen=True, slots=True)
class UploadRate:
    """How fast an upload moved over the samples seen, and when it will be done at that pace."""

    percent_per_second: float
    seconds_left: float


class UploadRates:
    """Upload progress seen over time, per snapshot and site: the rate WEKA does not report, measured.

    The list feeds it on every refresh and hands it to the detail view, which feeds it too, so a rate is
    known as soon as two different samples were seen. Samples are in the backend's time (the simulated
    clock in the demo), so the rate is per simulated second as the progress is.
    """

    def __init__(self) -> None:
        self._samples: dict[tuple[str, str], deque[tuple[datetime, float]]] = {}

    def observe(self, snapshots: Iterable[Snapshot], at: datetime) -> None:
        """Record each running upload's progress at `at`; forget uploads of these snapshots that stopped."""
        for snapshot in snapshots:
            running: set[str] = set()
            for upload in uploads_of(snapshot):
                percent = upload.progress_percent
                if upload.status is not StowStatus.UPLOADING or percent is None or not math.isfinite(percent):
                    continue
                running.add(upload.site)
                samples = self._samples.setdefault((snapshot.uid, upload.site), deque(maxlen=RATE_SAMPLES))
                if samples and (percent < samples[-1][1] or at < samples[-1][0]):
                    samples.clear()  # restarted, or time went backwards: start measuring again
                if samples and samples[-1][0] == at:
                    samples.pop()
                samples.append((at, percent))
            for key in [key for key in self._samples if key[0] == snapshot.uid and key[1] not in running]:
                del self._samples[key]

    def rate(self, snapshot_uid: str, site: str) -> UploadRate | None:
        """The average rate over the kept samples; None until the progress was seen to move."""
        samples = self._samples.get((snapshot_uid, site))
        if not samples or len(samples) < 2:
            return None
        (first_at, first), (last_at, last) = samples[0], samples[-1]
        seconds = (last_at - first_at).total_seconds()
        if seconds <= 0 or last <= first:
            return None
        per_second = (last - first) / seconds
        return UploadRate(per_second, max(0.0, 100.0 - last) / per_second)


class SnapshotDetailScreen(DetailScreen):
    """Pushed over the snapshots list by enter; esc returns to the same row."""

    SCREEN_NAME = "snapshot_detail"
    TITLE = "Snapshot"
    KEYS = SNAPSHOT_DETAIL_KEYS
    SECTIONS = ("#summary", "#uploads")

    def __init__(
        self, context: ConsoleContext, *, snapshot_uid: str, rates: UploadRates | None = None
    ) -> None:
        super().__init__(context)
        self.snapshot_uid = snapshot_uid
        self.rates = rates if rates is not None else UploadRates()
        self.snapshot: Snapshot | None = None
        """The snapshot as last shown; kept (and said to be gone) once it is deleted."""
        self._sections: tuple[RenderableType, ...] = ()
        self._upload_polling = UploadPolling(self)

    RESOURCES = (SNAPSHOTS, FILESYSTEMS, BUCKETS)
    """Buckets change by hand and rarely (polled twice a minute); they only name where an upload went."""

    @property
    def screen_title(self) -> str:
        return f"Snapshot {self.snapshot.name}" if self.snapshot is not None else self.TITLE

    def focus_body(self) -> None:
        self.focus_detail()

    # -- data -----------------------------------------------------------------------------------------
    def resources_changed(self) -> None:
        super().resources_changed()
        bridge = self.context.bridge
        snapshots_state = bridge.snapshot(SNAPSHOTS)
        snapshots = snapshots_state.value
        if snapshots is None:
            if snapshots_state.failed:
                self._show((Text(f"Cannot load the snapshot: {snapshots_state.error}"),))
            return
        found = next((s for s in snapshots if s.uid == self.snapshot_uid), None)
        gone = found is None
        if found is not None:
            self.snapshot = found
            self.rates.observe((found,), snapshots_state.fetched_at or self.context.backend.now())
        snapshot = self.snapshot
        if snapshot is None:
            self._show((Text("This snapshot no longer exists."),))
            return
        self.header.title = self.screen_title
        self._upload_polling.follow(
            not gone and any(u.status is StowStatus.UPLOADING for u in uploads_of(snapshot))
        )
        filesystems = bridge.snapshot(FILESYSTEMS).value or ()
        buckets = bridge.snapshot(BUCKETS).value or ()
        filesystem = next((f for f in filesystems if f.uid == snapshot.filesystem_uid), None)
        palette = self.palette
        now = self.context.backend.now()
        self._show(
            (
                self._summary(snapshot, gone, palette, now),
                self._uploads(snapshot, filesystem, buckets, palette, now),
            )
        )
        self.redraw_when_ages_change(now, (snapshot.created_at,), self.resources_changed)  # "(5m ago)"

    def _show(self, sections: tuple[RenderableType, ...]) -> None:
        self._sections = sections
        for section_id, renderable in zip(self.SECTIONS, (*sections, ""), strict=False):
            self.query_one(section_id, Static).update(renderable)

    def rendered_text(self, width: int = 78) -> str:
        """The detail as plain text (what the screen shows, without styles): for tests and copying."""
        return plain_text(self._sections, width)

    # -- rendering --------------------------------------------------------------------------------------
    def _summary(self, snapshot: Snapshot, gone: bool, palette: CellPalette, now: datetime) -> Table:
        grid = label_grid(palette)
        name = Text(snapshot.name, palette.accent)
        if gone:
            name.append("  (deleted: no longer on the cluster)", palette.error)
        elif snapshot.is_removing:
            name.append("  (being deleted)", palette.warning)
        grid.add_row("Name", name)
        grid.add_row("Filesystem", Text(snapshot.filesystem_name))
        grid.add_row(
            "Created",
            Text(f"{snapshot.created_at:%Y-%m-%d %H:%M:%S} UTC ({format_age(now, snapshot.created_at)} ago)"),
        )
        grid.add_row("Access point", Text(f".snapshots/{snapshot.access_point}"))
        if snapshot.is_writable:
            mode = Text("writable", palette.warning)
            mode.append(" — a writable snapshot can never be uploaded", palette.muted)
        else:
            mode = Text("read-only")
        grid.add_row("Mode", mode)
        sizes = [(u.site, u.total_bytes) for u in snapshot.uploads if u.total_bytes is not None]
        if sizes:
            size = Text(
                ", ".join(f"{format_bytes(total)} to {site_word(site)}" for site, total in sizes), end=""
            )
            size.append(" (what each upload sends: the changes since the previous one there)", palette.muted)
        else:
            size = Text("not in WEKA's REST answer (`weka fs snapshot` lists upload sizes)", palette.muted)
        grid.add_row("Size", size)
        return grid

    def _uploads(
        self,
        snapshot: Snapshot,
        filesystem: Filesystem | None,
        buckets: Sequence[ObjectStoreBucket],
        palette: CellPalette,
        now: datetime,
    ) -> Table | Text:
        """A line per site: uploaded or uploading there, and the sites its filesystem could upload to."""
        targets = upload_targets(filesystem, buckets) if filesystem is not None else {}
        uploads = {upload.site: upload for upload in uploads_of(snapshot)}
        sites = [site for site in (LOCAL, REMOTE, UNKNOWN_SITE) if site in uploads or site in targets]
        if not sites:
            reason = "its filesystem has no object-store bucket attached"
            if filesystem is None:
                reason = "its filesystem is not known here"
            return Text.assemble(("Uploads", "bold"), (f"  none: {reason}", palette.muted))
        table = section_table("Uploads", palette, show_header=False)
        table.add_column(style=palette.muted, no_wrap=True)
        table.add_column(overflow="fold", ratio=1)
        for site in sites:
            upload = uploads.get(site)
            table.add_row(site_word(site), self._bucket_text(site, targets.get(site), palette))
            table.add_row("", self._state_text(snapshot, upload, palette, now))
            if upload is not None and upload.locator:
                table.add_row("", Text.assemble(("locator ", palette.muted), upload.locator))
        return table

    def _bucket_text(self, site: str, target: UploadTarget | None, palette: CellPalette) -> Text:
        if site == UNKNOWN_SITE:
            return Text("bucket not reported (this WEKA gives no per-site upload state)", palette.muted)
        if target is None:
            return Text(f"no {site_word(site)} bucket attached to the filesystem now", palette.muted)
        text = Text(f"bucket {target.buckets}", end="")
        if target.details:
            text.append(f" ({'; '.join(target.details)})", palette.muted)
        return text

    def _state_text(
        self, snapshot: Snapshot, upload: SnapshotUpload | None, palette: CellPalette, now: datetime
    ) -> Text:
        if upload is None or upload.status is StowStatus.NONE:
            return Text("not uploaded", palette.muted)
        if upload.status is StowStatus.SYNCHRONIZED:
            return Text("✓ uploaded (SYNCHRONIZED)", palette.ok)
        text = Text("↑ uploading ", palette.warning, end="")
        text.append_text(
            progress_bar(
                upload.progress_percent, width=10, fill_style=palette.warning, free_style=palette.muted
            )
        )
        rate = self.rates.rate(snapshot.uid, upload.site)
        if rate is None:
            text.append(" · rate: measuring…", palette.muted)
        else:
            done_at = now + timedelta(seconds=rate.seconds_left)
            text.append(f" · {rate.percent_per_second * 60:.1f}%/min")
            text.append(f" · ETA {format_duration(rate.seconds_left)} ({format_clock_time(done_at)})")
        if upload.total_bytes is not None and upload.done_bytes is not None:
            # Where the answer carries bytes (the simulator; WEKA's CLI lists an upload size): how much of
            # the incremental upload is sent, and the rate in bytes from the measured percent rate.
            text.append(f" · {format_bytes_pair(upload.done_bytes, upload.total_bytes)} sent")
            if rate is not None:
                text.append(f" at {format_bytes(rate.percent_per_second / 100 * upload.total_bytes)}/s")
        return text
