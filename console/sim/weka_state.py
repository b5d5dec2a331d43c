"""Mutable state behind the WEKA simulator's frozen domain objects.

A filesystem's data is tracked by where it lives, which is what tiering moves (reference §11, §13):

- `ssd_only`: on SSD only; for a tiered filesystem the part younger than the group's tiering cue
  (`start_demote`) is in `young` (per-second cohorts), the rest waits for object-store bandwidth;
- `warm`: copied to the object store and still on SSD, in cohorts stamped per quarter of the
  group's `target_ssd_retention` (WEKA stamps data in such intervals) until the SSD copy is released;
- `cold`: on the object store only.

So `used_ssd = ssd_only + warm`, `used_object = warm + cold`, `used_total = ssd_only + warm + cold`.
Cohort queues stay a handful of entries long, which keeps a tick cheap with hundreds of filesystems.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from console.model import AttachedBucket, BucketMode, Filesystem, Snapshot, SnapshotUpload, StowStatus
from console.model.schedules import SnapshotSchedule, SnapshotScheduleSpec
from console.wire.weka import public_site

EARLY_RELEASE_SSD_FRACTION = 0.95
"""When a tiered filesystem's SSD is this full, WEKA drops SSD copies before the retention period ends
(a "policy break", reference §11), so new writes still fit."""

READ_CACHE_SSD_FRACTION = 0.85
"""Reads of object-only data bring it back to SSD (WEKA's SSD read cache) only while the SSD is below this,
so a busy read workload never pushes a filesystem into the overfilling alert on its own."""


class FsState:
    """One filesystem, mutable; `cache` holds its last domain object until something changes."""

    __slots__ = (
        "uid", "id", "number", "name", "group_name", "status", "is_encrypted", "total_budget",
        "ssd_budget", "writable_bucket", "remote_bucket", "fetch_bucket", "fetch_total", "write_rate",
        "read_back_rate", "ssd_only", "young", "young_bytes", "warm", "warm_bytes", "cold",
        "written_total", "content_version", "snapshot_uids", "snapshot_names", "access_points",
        "removing_snapshots", "uploads", "last_uploaded_at", "created_from_locator", "cache",
    )  # fmt: skip

    def __init__(
        self, uid: str, fs_id: str, number: int, name: str, group_name: str, total: int, ssd: int
    ) -> None:
        self.uid = uid
        self.id = fs_id
        self.number = number
        self.name = name
        self.group_name = group_name
        self.status = "READY"
        self.is_encrypted = False
        self.total_budget = total
        self.ssd_budget = ssd
        self.writable_bucket: str | None = None
        self.remote_bucket: str | None = None
        self.fetch_bucket: str | None = None  # bucket being detached; `cold` comes back from it
        self.fetch_total = 0.0  # object-only bytes when the detach started (its task's progress)
        self.write_rate = 0.0
        self.read_back_rate = 0.0  # bytes/s of object-only data that reads bring back to SSD
        self.ssd_only = 0.0
        self.young: deque[list[float]] = deque()  # [written_at_elapsed, bytes]
        self.young_bytes = 0.0
        self.warm: deque[list[float]] = deque()  # [interval_stamp_elapsed, bytes]
        self.warm_bytes = 0.0
        self.cold = 0.0
        self.written_total = 0.0  # every byte ever written: snapshot uploads send the difference
        self.content_version = 0
        self.snapshot_uids: dict[str, None] = {}  # ordered set, creation order
        self.snapshot_names: dict[str, str] = {}  # name -> uid
        self.access_points: dict[str, str] = {}  # access point -> uid
        self.removing_snapshots = 0
        self.uploads: dict[str, UploadJob] = {}  # site -> the upload in flight
        self.last_uploaded_at: datetime | None = None
        self.created_from_locator = ""
        self.cache: Filesystem | None = None

    # -- what the API reports ------------------------------------------------------------------
    @property
    def is_tiered(self) -> bool:
        return self.writable_bucket is not None

    @property
    def is_ready(self) -> bool:
        return self.status == "READY"

    @property
    def used_ssd(self) -> float:
        return self.ssd_only + self.warm_bytes

    @property
    def used_object(self) -> float:
        return self.warm_bytes + self.cold

    @property
    def used_total(self) -> float:
        return self.ssd_only + self.warm_bytes + self.cold

    @property
    def eligible_bytes(self) -> float:
        """SSD-only data past the tiering cue, waiting to be copied to the object store."""
        return max(0.0, self.ssd_only - self.young_bytes) if self.is_tiered else 0.0

    def buckets(self) -> tuple[AttachedBucket, ...]:
        attached = []
        if self.writable_bucket:
            attached.append(AttachedBucket(self.writable_bucket, BucketMode.WRITABLE))
        if self.remote_bucket:
            attached.append(AttachedBucket(self.remote_bucket, BucketMode.REMOTE))
        return tuple(attached)

    def to_domain(self) -> Filesystem:
        if self.cache is None:
            self.cache = Filesystem(
                uid=self.uid,
                id=self.id,
                name=self.name,
                group_name=self.group_name,
                status=self.status,
                is_ready=self.status == "READY",
                is_creating=self.status == "CREATING",
                is_removing=self.status == "REMOVING",
                is_encrypted=self.is_encrypted,
                total_budget_bytes=self.total_budget,
                ssd_budget_bytes=self.ssd_budget,
                used_total_bytes=round(self.used_total),
                used_ssd_bytes=round(self.used_ssd),
                used_object_bytes=round(self.used_object),
                buckets=self.buckets(),
                snapshot_count=len(self.snapshot_uids),
                last_uploaded_snapshot_at=self.last_uploaded_at,
            )
        return self.cache

    # -- data placement ------------------------------------------------------------------------
    def place_initial(
        self, used_total: float, used_ssd: float, used_object: float, now: float, retention: float
    ) -> None:
        """Lay out builder-given usage: data on both tiers is spread over the retention window so
        SSD copies are released gradually, as on a cluster that has been running for a while."""
        both = max(0.0, used_ssd + used_object - used_total)
        self.cold = used_total - used_ssd
        self.ssd_only = used_ssd - both
        self.warm.clear()
        self.warm_bytes = 0.0
        if both > 0:
            quarter = retention / 4
            for age in (3, 2, 1, 0):
                self.warm.append([now - age * quarter, both / 4])
            self.warm_bytes = both
        self.young.clear()
        self.young_bytes = 0.0
        self.written_total = used_total

    def write(self, nbytes: float, now: float) -> float:
        """New data lands on SSD; returns what fit (writes stop when the SSD or total budget is full)."""
        room = min(self.total_budget - self.used_total, self.ssd_budget - self.used_ssd)
        written = max(0.0, min(nbytes, room))
        if written <= 0:
            return 0.0
        self.ssd_only += written
        if self.is_tiered:
            if self.young and self.young[-1][0] == now:
                self.young[-1][1] += written
            else:
                self.young.append([now, written])
            self.young_bytes += written
        self.written_total += written
        self.content_version += 1
        self.cache = None
        return written

    def age_young(self, now: float, start_demote: float) -> None:
        """Data older than the tiering cue becomes eligible for demotion."""
        while self.young and now - self.young[0][0] >= start_demote:
            self.young_bytes -= self.young.popleft()[1]
        if not self.young:
            self.young_bytes = 0.0

    def demote(self, nbytes: float, now: float, retention: float) -> float:
        """Copy eligible SSD data to the object store; it stays on SSD until its retention ends."""
        moved = min(nbytes, self.eligible_bytes)
        if moved <= 0:
            return 0.0
        self.ssd_only -= moved
        self._add_warm(moved, now, retention)
        return moved

    def read_back(self, nbytes: float, now: float, retention: float) -> float:
        """Reads fetch object-only data back to SSD; it is then on both tiers until its retention ends."""
        room = READ_CACHE_SSD_FRACTION * self.ssd_budget - self.used_ssd
        moved = min(nbytes, self.cold, room)
        if moved <= 0:
            return 0.0
        self.cold -= moved
        self._add_warm(moved, now, retention)
        return moved

    def _add_warm(self, nbytes: float, now: float, retention: float) -> None:
        quarter = max(retention / 4, 1.0)
        stamp = now - (now % quarter)
        if self.warm and self.warm[-1][0] == stamp:
            self.warm[-1][1] += nbytes
        else:
            self.warm.append([stamp, nbytes])
        self.warm_bytes += nbytes
        self.cache = None

    def release_expired(self, now: float, retention: float) -> float:
        """Drop SSD copies whose retention period has passed (they stay on the object store)."""
        released = 0.0
        while self.warm and now - self.warm[0][0] >= retention:
            released += self.warm.popleft()[1]
        if released:
            self._to_cold(released)
        return released

    def release_early(self, incoming: float) -> float:
        """Make room for `incoming` bytes when SSD passes `EARLY_RELEASE_SSD_FRACTION` (policy break)."""
        excess = self.used_ssd + incoming - EARLY_RELEASE_SSD_FRACTION * self.ssd_budget
        if excess <= 0 or not self.warm:
            return 0.0
        released = 0.0
        while self.warm and released < excess:
            take = min(self.warm[0][1], excess - released)
            self.warm[0][1] -= take
            released += take
            if self.warm[0][1] <= 0.5:
                released += self.warm.popleft()[1]
        self._to_cold(released)
        return released

    def _to_cold(self, released: float) -> None:
        self.warm_bytes = max(0.0, self.warm_bytes - released)
        if not self.warm:
            self.warm_bytes = 0.0
        self.cold += released
        self.cache = None

    def untier(self) -> None:
        """Detach the writable bucket: SSD copies become the only copies, object-only data must come back."""
        self.ssd_only += self.warm_bytes
        self.warm.clear()
        self.warm_bytes = 0.0
        self.young.clear()
        self.young_bytes = 0.0
        self.fetch_bucket, self.writable_bucket = self.writable_bucket, None
        self.cache = None

    def fetch_back(self, nbytes: float) -> float:
        moved = min(nbytes, self.cold)
        self.cold -= moved
        self.ssd_only += moved
        if self.cold <= 0.5:
            self.ssd_only += self.cold
            self.cold = 0.0
        self.cache = None
        return moved

    def set_content(self, used_total: float, content_version: int) -> None:
        """Restore: the snapshot's content replaces the live one; tiers keep their proportions and
        whatever no longer fits the SSD budget stays on the object store."""
        current = self.used_total
        if current > 0:
            factor = used_total / current
            self.ssd_only *= factor
            self.cold *= factor
            for cohort in self.young:
                cohort[1] *= factor
            for cohort in self.warm:
                cohort[1] *= factor
            self.young_bytes *= factor
            self.warm_bytes *= factor
        else:
            self.ssd_only = used_total
        overflow = self.used_ssd - self.ssd_budget
        if overflow > 0:
            moved = min(overflow, self.ssd_only)
            self.ssd_only -= moved
            self.cold += moved
            self.young.clear()
            self.young_bytes = 0.0
        self.written_total += abs(current - used_total)
        self.content_version = content_version
        self.cache = None


@dataclass(slots=True)
class StowInfo:
    """Upload state of a snapshot at one site (the CLI's `localStowInfo` / `remoteStowInfo`)."""

    status: StowStatus = StowStatus.NONE
    progress: float | None = None
    locator: str = ""
    total_bytes: float | None = None  # what the upload sends; None for uploads the scenario back-dated
    done_bytes: float | None = None

    def to_domain(self, site: str) -> SnapshotUpload:
        total = round(self.total_bytes) if self.total_bytes is not None else None
        done = round(self.done_bytes) if self.done_bytes is not None else None
        return SnapshotUpload(site, self.status, self.progress, self.locator, total, done)


class SnapState:
    """One snapshot, mutable; `cache` holds its last domain object until something changes."""

    __slots__ = (
        "uid", "id", "name", "fs_uid", "fs_name", "access_point", "is_writable", "is_removing",
        "created_at", "used_bytes", "written_mark", "content_version", "stow", "cache",
    )  # fmt: skip

    def __init__(
        self,
        uid: str,
        snap_id: str,
        name: str,
        fs: FsState,
        access_point: str,
        is_writable: bool,
        created_at: datetime,
        used_bytes: float,
        written_mark: float,
        content_version: int,
    ) -> None:
        self.uid = uid
        self.id = snap_id
        self.name = name
        self.fs_uid = fs.uid
        self.fs_name = fs.name
        self.access_point = access_point
        self.is_writable = is_writable
        self.is_removing = False
        self.created_at = created_at
        self.used_bytes = used_bytes  # the filesystem's content when the snapshot was taken
        self.written_mark = written_mark
        self.content_version = content_version
        self.stow: dict[str, StowInfo] = {}  # site -> upload state, only for sites ever uploaded to
        self.cache: Snapshot | None = None

    def site(self, site: str) -> StowInfo:
        return self.stow.get(site) or StowInfo()

    def is_synchronized(self, site: str) -> bool:
        info = self.stow.get(site)
        return info is not None and info.status is StowStatus.SYNCHRONIZED

    def public_stow(self) -> StowInfo:
        """The one upload state the domain object shows (`console.wire.weka.public_site` chooses the site;
        the REST flat keys carry one site only, reference §12.1)."""
        site = public_site(self.stow)
        return self.stow[site] if site is not None else StowInfo()

    def to_domain(self) -> Snapshot:
        if self.cache is None:
            stow = self.public_stow()
            self.cache = Snapshot(
                uid=self.uid,
                id=self.id,
                name=self.name,
                filesystem_uid=self.fs_uid,
                filesystem_name=self.fs_name,
                access_point=self.access_point,
                is_writable=self.is_writable,
                is_removing=self.is_removing,
                created_at=self.created_at,
                stow_status=stow.status,
                upload_progress_percent=stow.progress,
                locator=stow.locator,
                uploads=tuple(
                    info.to_domain(site)
                    for site in ("LOCAL", "REMOTE")
                    if (info := self.stow.get(site)) is not None and info.status is not StowStatus.NONE
                ),
            )
        return self.cache


@dataclass(slots=True)
class UploadJob:
    """A snapshot upload in flight (WEKA's `STOW_UPLOAD` background task)."""

    task_uid: str
    task_id: str
    snapshot_uid: str
    fs_uid: str
    site: str
    bucket_name: str
    total_bytes: float
    done_bytes: float = 0.0

    @property
    def remaining_bytes(self) -> float:
        return max(0.0, self.total_bytes - self.done_bytes)

    @property
    def progress_percent(self) -> float:
        return round(min(100.0, 100.0 * self.done_bytes / self.total_bytes), 1) if self.total_bytes else 100.0


@dataclass(slots=True)
class DownloadJob:
    """A filesystem being created from an uploaded snapshot (`STOW_DOWNLOAD_FILESYSTEM`)."""

    task_uid: str
    task_id: str
    fs_uid: str
    bucket_name: str
    started_elapsed: float
    ready_elapsed: float


@dataclass(frozen=True, slots=True)
class LocatorRecord:
    """What a locator points at in a bucket: enough to build a filesystem from it."""

    locator: str
    bucket_name: str
    site: str
    filesystem_name: str
    snapshot_name: str
    snapshot_uid: str
    used_bytes: float
    is_encrypted: bool
    cluster_name: str = ""
    """The WEKA cluster that uploaded it (`bucket_name` is that cluster's name for the bucket)."""


@dataclass(slots=True)
class ScheduleState:
    """A schedule as the simulator runs it (snaptool's job): its spec (`console.model.schedules`), the
    next run, and the snapshots it took and keeps (the newest `keep`), oldest first."""

    uid: str
    spec: SnapshotScheduleSpec
    next_due_at: datetime
    taken: list[str] = field(default_factory=list)  # uids of the snapshots it made, oldest first
    last_run_at: datetime | None = None
    to_upload: list[str] = field(default_factory=list)
    """Uids of snapshots whose upload was refused for now (another upload or a deletion ran): snaptool
    retries them, oldest first, before the next one."""

    @property
    def fs_uid(self) -> str:
        return self.spec.filesystem_uid

    @property
    def upload_site(self) -> str | None:
        return self.spec.upload_site.value if self.spec.upload_site is not None else None

    def to_domain(self, filesystem_name: str) -> SnapshotSchedule:
        return SnapshotSchedule(
            self.uid, filesystem_name, self.spec, self.next_due_at, self.last_run_at, len(self.taken)
        )
