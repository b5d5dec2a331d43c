"""The `:sites` overview: one row per site, from a small round of queries every site is watched with.

Pure (no Textual): `fetch_site_overview` asks one site's backend, `site_row` turns what is known of a
site into a table row, and tests call both without an app. A site that cannot be opened, or whose
Run:ai does not answer, still has a row: it says why, and the other rows are unaffected.

- **GPUs** allocated of usable, as the header writes them; **pending** the workloads waiting for GPUs
  and what they ask for (from one page of pending workloads: a page-full reads `200+`).
- **WEKA** the cluster's protection state and how full its SSD tier is (used of raw capacity).
- **Alerts** Run:ai's and WEKA's open alerts together, as the header counts them.
- **RPO** the *worst* recovery point: for every filesystem that can upload, its newest snapshot uploaded to
  a bucket against that filesystem's own target (its schedules', `console.model.schedules.rpo_target`,
  else `DEFAULT_RPO_SECONDS`); the row shows the one furthest past (or nearest to) its target. A site is
  only as recoverable as its least protected filesystem.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from console.data.backend import Backend
from console.data.resource_keys import ResourceKey, plain_kind
from console.data.store import ResourceState
from console.model import WekaClusterStatus
from console.model.capacity import GpuCapacity
from console.ui.format import format_age, format_gpu_sum
from console.ui.gpu_availability import format_gpu_capacity
from console.ui.palette import CellPalette
from console.ui.resources import WEKA_SUMMARY_DEADLINE_SECONDS
from console.ui.table_rows import Column, Row

if TYPE_CHECKING:
    from console.model import Filesystem, Snapshot, WekaCluster
    from console.model.schedules import SnapshotSchedule
    from console.ui.protection import Protection

OVERVIEW_INTERVAL_SECONDS = 15.0
"""The open site's overview pace; the others' is `console.data.sites.BACKGROUND_INTERVAL_SECONDS`."""
PENDING_PAGE = 200
"""Pending workloads read per site and round; more shows as `200+`."""


@dataclass(frozen=True, slots=True)
class WekaFigures:
    """What the overview shows of one site's WEKA cluster (None on the overview: no WEKA, or no answer)."""

    name: str
    status: WekaClusterStatus
    ssd_used_bytes: int
    capacity_bytes: int
    active_alerts: int
    worst_upload_at: datetime | None
    """The newest upload of the filesystem furthest past its target (None: nothing uploadable, or never
    uploaded)."""
    never_uploaded: int
    """Filesystems with a bucket that have never had a snapshot uploaded."""
    past_rpo: int
    """Filesystems whose newest upload is older than their target."""
    worst_target_seconds: float = 24 * 3600.0
    """That filesystem's target (`rpo_target`, else rwc's default of a day)."""


@dataclass(frozen=True, slots=True)
class SiteOverview:
    """One round of a site's overview queries."""

    cluster_name: str
    runai_version: str
    cluster_state: str
    gpus: GpuCapacity
    pending_workloads: int
    pending_gpus: float
    pending_truncated: bool
    runai_alerts: int | None
    weka: WekaFigures | None
    weka_error: str | None = None
    """Why WEKA is not shown (None: it answered, or the site has none and `weka` is None)."""

    @property
    def open_alerts(self) -> int | None:
        """Run:ai's and WEKA's open alerts; None when neither answered."""
        weka = self.weka.active_alerts if self.weka is not None else None
        if self.runai_alerts is None and weka is None:
            return None
        return (self.runai_alerts or 0) + (weka or 0)


def weka_figures(
    backend_now: datetime,
    cluster: WekaCluster,
    filesystems: Sequence[Filesystem],
    snapshots: Sequence[Snapshot],
    schedules: Sequence[SnapshotSchedule] = (),
) -> WekaFigures:
    """The WEKA part of a row from the cluster, its filesystems, snapshots and snapshot schedules (their
    RPO targets; see the module's RPO)."""
    # Here, not at the top: the model's dataclasses load with the first data, not before the first frame.
    from console.model.schedules import rpo_target
    from console.ui.protection import DEFAULT_RPO_SECONDS, CapacityTrend, RpoState, protection_of

    trend = CapacityTrend()  # no forecast here: only the recovery points are read
    targets = {fs.uid: rpo_target(schedules, fs.uid) or DEFAULT_RPO_SECONDS for fs in filesystems}
    protections = [protection_of(fs, snapshots, trend, backend_now, targets[fs.uid]) for fs in filesystems]
    uploadable = [p for p in protections if p.state is not RpoState.NO_BUCKET]
    uploaded = [p for p in uploadable if p.newest_upload_at is not None]

    def lateness(protection: Protection) -> float:
        assert protection.newest_upload_at is not None
        age = (backend_now - protection.newest_upload_at).total_seconds()
        return age - targets[protection.filesystem.uid]

    worst = max(uploaded, key=lateness, default=None)
    return WekaFigures(
        name=cluster.name,
        status=cluster.status,
        ssd_used_bytes=cluster.ssd_used_bytes,
        capacity_bytes=cluster.total_capacity_bytes,
        active_alerts=cluster.active_alerts_count,
        worst_upload_at=worst.newest_upload_at if worst is not None else None,
        never_uploaded=sum(1 for p in uploadable if p.state is RpoState.NEVER),
        past_rpo=sum(1 for p in uploadable if p.state is RpoState.PAST),
        worst_target_seconds=targets[worst.filesystem.uid] if worst is not None else DEFAULT_RPO_SECONDS,
    )


async def _weka_part(backend: Backend) -> WekaFigures:
    cluster, filesystems, snapshots, schedules = await asyncio.gather(
        backend.weka_cluster(), backend.filesystems(), backend.snapshots(), _schedules(backend)
    )
    return weka_figures(backend.now(), cluster, filesystems, snapshots, schedules)


async def _schedules(backend: Backend) -> Sequence[SnapshotSchedule]:
    """The snapshot schedules, for the targets; none when they cannot be read (every target is then the
    default, as on `:rpo`)."""
    from console.data.errors import BackendError

    try:
        return await backend.snapshot_schedules()
    except BackendError:
        return ()


async def fetch_site_overview(backend: Backend) -> SiteOverview:
    """One round for one site: Run:ai must answer (else the row says why); WEKA and the alert count are
    optional and bounded by the header's WEKA deadline, so a hung WEKA never holds the Run:ai figures."""
    from console.model import WorkloadFilter, WorkloadPhase
    from console.model.windows import WorkloadWindow

    pending_window = WorkloadWindow(WorkloadFilter(phase=WorkloadPhase.PENDING), limit=PENDING_PAGE)

    async def bounded(call: object) -> object:
        try:
            return await asyncio.wait_for(call, WEKA_SUMMARY_DEADLINE_SECONDS)  # type: ignore[arg-type]
        except TimeoutError:
            return TimeoutError(f"did not answer in {WEKA_SUMMARY_DEADLINE_SECONDS:g} s")
        except Exception as error:  # noqa: BLE001 - an optional part: shown as not known, never fatal
            return error

    try:
        async with asyncio.TaskGroup() as group:
            cluster_task = group.create_task(backend.cluster())
            gpus_task = group.create_task(backend.gpu_capacity())
            pending_task = group.create_task(backend.workload_page(pending_window))
            alerts_task = group.create_task(bounded(backend.runai_alert_count()))
            weka_task = group.create_task(bounded(_weka_part(backend)))
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    cluster, page = cluster_task.result(), pending_task.result()
    alerts, weka = alerts_task.result(), weka_task.result()
    return SiteOverview(
        cluster_name=cluster.name,
        runai_version=cluster.version,
        cluster_state=cluster.state,
        gpus=gpus_task.result(),
        pending_workloads=page.total,
        pending_gpus=sum(workload.requested_gpus for workload in page.workloads),
        pending_truncated=page.truncated,
        runai_alerts=alerts if isinstance(alerts, int) else None,
        weka=weka if isinstance(weka, WekaFigures) else None,
        weka_error=None if isinstance(weka, WekaFigures) else (str(weka) or type(weka).__name__),
    )


SITE_OVERVIEW: ResourceKey[SiteOverview] = plain_kind(
    "site overview", fetch_site_overview, OVERVIEW_INTERVAL_SECONDS
)
"""Watched on every site (`console.data.sites.Sites.watch`): the `:sites` rows."""


# -- rows -------------------------------------------------------------------------------------------------

SITE_COLUMNS: tuple[Column, ...] = (
    Column("site", "SITE", 9, identifies=True, sort_hotkey="I"),
    Column("runai", "RUN:AI", 6, priority=2),
    Column("gpus", "GPUS", 16, align="right"),
    Column("pending", "PENDING", 8, align="right", priority=1, sort_hotkey="E"),
    Column("weka", "WEKA", 8, priority=1),
    Column("capacity", "SSD", 3, align="right", priority=3),
    Column("alerts", "AL", 3, align="right", priority=2, sort_hotkey="A"),
    Column("rpo", "RPO", 9, align="right", priority=1, sort_hotkey="O"),
    Column("state", "STATE", 10, grow=True),
)


@dataclass(frozen=True, slots=True)
class SiteFacts:
    """Everything a site's row is built from: its name, whether it is open, and its overview's state."""

    name: str
    where: str
    current: bool
    overview: ResourceState[SiteOverview] | None
    """None: the site could not be opened (`open_error` says why)."""
    open_error: str | None = None


def _weka_cells(overview: SiteOverview, palette: CellPalette, now: datetime) -> tuple[Text, Text, Text]:
    weka = overview.weka
    if weka is None:
        words = "no reply" if overview.weka_error else "none"
        blank = Text("—", palette.muted, end="")
        return Text(words, palette.warning if overview.weka_error else palette.muted, end=""), blank, blank
    status = Text(
        weka.status.value, palette.ok if weka.status is WekaClusterStatus.OK else palette.error, end=""
    )
    share = weka.ssd_used_bytes / weka.capacity_bytes if weka.capacity_bytes else 0.0
    capacity = Text(f"{share:.0%}", palette.warning if share >= 0.85 else "", end="")
    if weka.worst_upload_at is None:
        rpo = Text(
            "never" if weka.never_uploaded else "—",
            palette.error if weka.never_uploaded else palette.muted,
            end="",
        )
    else:
        age = format_age(now, weka.worst_upload_at)
        rpo = Text(f"{age}/{format_age_target(weka.worst_target_seconds)}", end="")
        # Past as of now, not only as of the last reading: the age ticks between readings.
        past_now = (now - weka.worst_upload_at).total_seconds() > weka.worst_target_seconds
        if weka.past_rpo or weka.never_uploaded or past_now:
            rpo.stylize(palette.error)
    return status, capacity, rpo


def format_age_target(seconds: float) -> str:
    """`24h`, `4h`, `30m`: the RPO target as the age beside it is written."""
    return f"{seconds / 3600:g}h" if seconds >= 3600 else f"{seconds / 60:g}m"


def state_text(facts: SiteFacts, now: datetime) -> Text:
    """The row's connection state: open or connected, loading, or why not (with since when)."""
    if facts.overview is None:
        if facts.open_error is None:
            return Text("opening…", end="")  # not tried yet: rwc opens the others after its first frame
        return Text(f"cannot open: {facts.open_error}", end="")
    state = facts.overview
    if state.error is not None:
        since = f" ({format_age(now, state.error_since)})" if state.error_since else ""
        return Text(f"{state.error}{since}", end="")
    if not state.loaded:
        return Text("connecting…", end="")
    return Text("open" if facts.current else "connected", end="")


def site_row(facts: SiteFacts, palette: CellPalette, now: datetime) -> Row:
    """One site as a row: figures from its last good overview (marked by the state when failing)."""
    name = Text(facts.name, palette.accent if facts.current else "", end="")
    if facts.current:
        name.append(" •", palette.accent)
    state = state_text(facts, now)
    failing = facts.open_error is not None or (
        facts.overview is not None and facts.overview.error is not None
    )
    state.stylize(palette.error if failing else (palette.ok if facts.current else palette.muted))
    overview = facts.overview.value if facts.overview is not None else None
    if overview is None:
        blank = Text("—", palette.muted, end="")
        cells = (name, blank, blank, blank, blank, blank, blank, blank, state)
        return Row(facts.name, cells, (facts.name, None, None, None, None, None, None, None, state.plain))
    gpus = Text(format_gpu_capacity(overview.gpus), end="")
    pending_count = f"{overview.pending_workloads}{'+' if overview.pending_truncated else ''}"
    pending = Text(
        f"{pending_count} ({format_gpu_sum(overview.pending_gpus)})" if overview.pending_workloads else "0",
        palette.warning if overview.pending_workloads else palette.muted,
        end="",
    )
    weka, capacity, rpo = _weka_cells(overview, palette, now)
    alerts_count = overview.open_alerts
    alerts = Text("?" if alerts_count is None else str(alerts_count), end="")
    if alerts_count:
        alerts.stylize(palette.warning)
    worst = overview.weka.worst_upload_at if overview.weka else None
    cells = (name, Text(overview.runai_version, end=""), gpus, pending, weka, capacity, alerts, rpo, state)
    sort_values = (
        facts.name,
        overview.runai_version,
        overview.gpus.allocated,
        overview.pending_gpus,
        weka.plain,
        capacity.plain,
        alerts_count,
        worst.timestamp() if worst else None,
        state.plain,
    )
    return Row(facts.name, cells, sort_values, filter_terms=(f"@{facts.where}",) if facts.where else ())


def worst_uploads(facts: Sequence[SiteFacts]) -> list[datetime | None]:
    """Each site's worst filesystem's newest upload (the RPO cell's age), for redrawing as it ages."""
    moments: list[datetime | None] = []
    for one in facts:
        overview = one.overview.value if one.overview is not None else None
        if overview is not None and overview.weka is not None:
            moments.append(overview.weka.worst_upload_at)
    return moments
