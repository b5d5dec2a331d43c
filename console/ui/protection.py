"""Data protection in figures: per filesystem, how old its newest snapshot and its newest off-cluster copy
are against the recovery-point target, and when it fills up at its recent growth.

Pure (no Textual): the RPO view draws these and tests read them without an app.

- **RPO.** WEKA's snap-to-object upload is the copy that survives the cluster; a filesystem's recovery
  point is the newest snapshot uploaded to either of its buckets (local: the tiering object store;
  remote: another site). The target comes from the filesystem's snapshot schedules
  (`console.model.schedules.rpo_target`: one set by hand, else two periods of a schedule that uploads),
  else `DEFAULT_RPO_SECONDS` (a daily off-cluster copy, the baseline of WEKA's snaptool schedules).
- **Growth.** WEKA's REST API keeps no per-filesystem capacity history (reference/weka.md §9 lists IO
  stats only), so the console measures it: every poll of the filesystems adds a point, and the rate is
  the least-squares slope of `used_total` over the last `TREND_WINDOW_SECONDS`. It says "measuring" until
  the points span `MIN_TREND_SPAN_SECONDS`; a forecast is only as good as that window is typical.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from console.model import BucketMode, StowStatus

if TYPE_CHECKING:
    from console.model import Filesystem, Snapshot, SnapshotUpload

DEFAULT_RPO_SECONDS = 24 * 3600.0
TREND_WINDOW_SECONDS = 6 * 3600.0
"""Growth is measured over (at most) the last six hours of points."""
MIN_TREND_SPAN_SECONDS = 10 * 60.0
"""Points closer together than this give no rate: a ten-minute burst is not a trend."""
MAX_TREND_POINTS = 360
FOREVER_DAYS = 3650.0
"""Beyond ten years a forecast says "not in 10 years": the rate is noise at that scale."""


class RpoState(StrEnum):
    WITHIN = "within"
    PAST = "past"
    NEVER = "never uploaded"
    NO_BUCKET = "no bucket"


@dataclass(frozen=True, slots=True)
class Protection:
    """One filesystem's recovery point and fill forecast."""

    filesystem: Filesystem
    newest_snapshot_at: datetime | None
    newest_upload_at: datetime | None
    upload_sites: tuple[str, ...]
    """Where the newest upload went (`LOCAL`, `REMOTE`; both when both hold it)."""
    target_seconds: float
    state: RpoState
    past_by_seconds: float
    growth_bytes_per_second: float | None
    """None while measuring."""
    days_to_full: float | None
    """None while measuring or when not growing; FOREVER_DAYS and more mean "not in ten years"."""
    uploading: SnapshotUpload | None = None
    """An upload in flight of a snapshot newer than the newest uploaded one: what will clear a red row."""
    newest_not_uploaded: Snapshot | None = None
    """The newest snapshot that could be uploaded to move the recovery point (`u` on `:rpo`): read-only,
    not being deleted, newer than the newest upload and not uploading; None when there is none."""


class CapacityTrend:
    """`used_total` of each filesystem over time, as polled, and the growth rate it shows."""

    def __init__(self) -> None:
        self._points: dict[str, deque[tuple[float, float]]] = {}
        self.since: datetime | None = None

    def observe(self, filesystems: Iterable[Filesystem], at: datetime) -> None:
        moment = at.timestamp()
        if self.since is None:
            self.since = at
        for filesystem in filesystems:
            points = self._points.setdefault(filesystem.uid, deque(maxlen=MAX_TREND_POINTS))
            if points and moment <= points[-1][0]:
                continue  # the same poll seen twice (two screens), or a clock that went back
            points.append((moment, float(filesystem.used_total_bytes)))
            while points and moment - points[0][0] > TREND_WINDOW_SECONDS:
                points.popleft()

    def rate(self, uid: str) -> float | None:
        """Bytes per second over the window (least squares), None until the points span long enough."""
        points = self._points.get(uid)
        if not points or points[-1][0] - points[0][0] < MIN_TREND_SPAN_SECONDS:
            return None
        count = len(points)
        mean_t = sum(t for t, _ in points) / count
        mean_v = sum(v for _, v in points) / count
        spread = sum((t - mean_t) ** 2 for t, _ in points)
        if spread <= 0:
            return None
        return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


_trends: WeakKeyDictionary[object, CapacityTrend] = WeakKeyDictionary()


def capacity_trend(owner: object) -> CapacityTrend:
    """The trend kept for `owner` (a backend): screens that see the filesystems all feed the same one."""
    trend = _trends.get(owner)
    if trend is None:
        trend = _trends[owner] = CapacityTrend()
    return trend


def days_to_full(used: float, total: float, rate: float | None) -> float | None:
    if rate is None or rate <= 0 or total <= 0:
        return None
    return max(0.0, total - used) / rate / 86400.0


def _uploads(snapshot: Snapshot) -> tuple[str, ...]:
    sites = tuple(upload.site for upload in snapshot.uploads if upload.status is StowStatus.SYNCHRONIZED)
    if not sites and snapshot.stow_status is StowStatus.SYNCHRONIZED:
        return ("",)  # uploaded, site not reported (older WEKA)
    return sites


def protection_of(
    filesystem: Filesystem,
    snapshots: Sequence[Snapshot],
    trend: CapacityTrend,
    now: datetime,
    target_seconds: float = DEFAULT_RPO_SECONDS,
) -> Protection:
    """The filesystem's recovery point (from its snapshots) against the target, and its fill forecast."""
    own = [s for s in snapshots if s.filesystem_uid == filesystem.uid and not s.is_removing]
    newest = max((s.created_at for s in own), default=None)
    uploaded = [(s.created_at, _uploads(s)) for s in own if _uploads(s)]
    newest_upload, sites = max(uploaded, key=lambda item: item[0], default=(None, ()))
    if newest_upload is None and filesystem.last_uploaded_snapshot_at is not None:
        newest_upload = filesystem.last_uploaded_snapshot_at  # its snapshot list not read yet
    can_upload = any(b.mode in (BucketMode.WRITABLE, BucketMode.REMOTE) for b in filesystem.buckets)
    past_by = 0.0
    if newest_upload is not None:
        past_by = max(0.0, (now - newest_upload).total_seconds() - target_seconds)
        state = RpoState.PAST if past_by > 0 else RpoState.WITHIN
    else:
        state = RpoState.NEVER if can_upload else RpoState.NO_BUCKET
    newer = [s for s in own if newest_upload is None or s.created_at > newest_upload]
    uploading = max(
        ((s.created_at, u) for s in newer for u in s.uploads if u.status is StowStatus.UPLOADING),
        key=lambda item: item[0],
        default=(None, None),
    )[1]
    candidates = [s for s in newer if not s.is_writable and s.stow_status is not StowStatus.UPLOADING]
    rate = trend.rate(filesystem.uid)
    return Protection(
        filesystem,
        newest,
        newest_upload,
        tuple(sites),
        target_seconds,
        state,
        past_by,
        rate,
        days_to_full(filesystem.used_total_bytes, filesystem.total_budget_bytes, rate),
        uploading,
        max(candidates, key=lambda s: s.created_at, default=None) if can_upload else None,
    )


def cluster_forecast(protections: Sequence[Protection]) -> tuple[float, float, float | None, float | None]:
    """(used, provisioned, growth bytes/s or None while any is measuring, days until the provisioned
    capacity is full) over every filesystem."""
    used = float(sum(p.filesystem.used_total_bytes for p in protections))
    total = float(sum(p.filesystem.total_budget_bytes for p in protections))
    rates = [p.growth_bytes_per_second for p in protections]
    if not rates or any(rate is None for rate in rates):
        return used, total, None, None
    rate = sum(r for r in rates if r is not None)
    return used, total, rate, days_to_full(used, total, rate)
