"""Everything the WEKA simulator knows, and the bookkeeping every part of it shares.

`WekaStore` holds the mutable state (filesystems, snapshots, buckets, jobs in flight) plus the caches
that let queries hand out the same frozen objects until something changes. The facade (`weka.WekaSim`),
the tick (`weka_engine`) and the uploads (`weka_uploads`) all work on one store.
"""

from __future__ import annotations

import heapq
import random
import uuid
from datetime import datetime

from console.model import (
    FilesystemGroup,
    ObjectStoreBucket,
    Snapshot,
    StowStatus,
    WekaClusterStatus,
)
from console.sim.clock import Clock
from console.sim.object_store import BucketAddress, ObjectStore
from console.sim.weka_alerts import AlertBook, cluster_conditions, filesystem_conditions
from console.sim.weka_drive_faults import DriveFailure, drive_conditions
from console.sim.weka_events import EventLog
from console.sim.weka_metrics import IoMetrics
from console.sim.weka_rules import (
    FIELD_ACCESS_POINT,
    FIELD_BUCKET,
    FIELD_GROUP,
    MAX_READONLY_SNAPSHOTS,
    MAX_WRITABLE_SNAPSHOTS,
    conflict,
    invalid,
    not_found,
    validate_name,
)
from console.sim.weka_state import (
    DownloadJob,
    FsState,
    ScheduleState,
    SnapState,
    UploadJob,
)
from console.sim.weka_units import TIB

SNAPSHOT_REMOVE_SECONDS = 4.0
UPLOADED_SNAPSHOT_REMOVE_EXTRA_SECONDS = 6.0
"""Deleting an uploaded snapshot also deletes its objects from the local bucket, which takes longer."""

ACCESS_POINT_FORMAT = "@GMT-%Y.%m.%d-%H.%M.%S"
"""Default access point, the style WEKA's own listings show (reference §12.1)."""

INITIAL_CONTENT_VERSION = 1_000_000
"""Content versions count write batches; starting high keeps back-dated snapshots' versions positive."""


class WekaStore:
    """The cluster's state; methods here change it consistently (indexes, counters, caches)."""

    def __init__(self, clock: Clock, rng: random.Random, object_store: ObjectStore | None = None) -> None:
        self.clock = clock
        self.rng = rng
        self.elapsed = 0.0  # seconds stepped so far: deadlines use it, so they fire however time is split
        self.name = "weka-sim"
        self.guid = self.new_uid()
        self.release = "4.4.2.157"
        self.status = WekaClusterStatus.OK
        self.io_status = "STARTED"
        self.total_ssd = 500 * TIB
        self.drives = (48, 48)
        self.drive_failures: list[DriveFailure] = []
        """Drives that fail at a set time and are rebuilt around (`weka_drive_faults`)."""
        self.backends = (8, 8)
        self.clients = (32, 32)
        self.groups: dict[str, FilesystemGroup] = {}
        self.buckets: dict[str, ObjectStoreBucket] = {}
        self.fs: dict[str, FsState] = {}
        self.fs_by_name: dict[str, str] = {}
        self.snaps: dict[str, SnapState] = {}
        self.uploads: dict[str, UploadJob] = {}  # task uid -> job: only these are touched per tick
        self.downloads: dict[str, DownloadJob] = {}  # fs uid -> job
        self.object_store = object_store if object_store is not None else ObjectStore()
        """Uploaded snapshots, by the bucket they are in: shared with the other sites' clusters."""
        self.schedules: list[ScheduleState] = []
        self.due: list[tuple[float, int, str, str]] = []  # heap of (elapsed, seq, kind, uid)
        self.counters = {"fs": 0, "snap": 0, "task": 0, "seq": 0}
        self.snapshot_totals = {"readonly": 0, "writable": 0}
        self.snap_list: list[Snapshot] | None = None  # all snapshots' domain objects, in creation order
        self.snap_index: dict[str, int] = {}
        self.dirty_snaps: set[str] = set()
        self.metrics = IoMetrics(rng)
        self.events = EventLog()
        self.alerts = AlertBook()

    # -- ids, deadlines, events ---------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def new_uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_task(self) -> tuple[str, str]:
        self.counters["task"] += 1
        return self.new_uid(), f"TaskId<{self.counters['task']}>"

    def schedule(self, delay: float, kind: str, uid: str) -> None:
        """Run `kind` for `uid` once `delay` more seconds have been stepped (see `weka_engine.run_due`)."""
        self.counters["seq"] += 1
        heapq.heappush(self.due, (self.elapsed + delay, self.counters["seq"], kind, uid))

    def emit(self, type_: str, category: str, description: str, entity: str = "") -> None:
        self.events.emit(self.clock.now(), type_, category, description, entity=entity)

    # -- capacity -----------------------------------------------------------------------------------
    def capacity_totals(self) -> tuple[int, float, float]:
        """(SSD provisioned, SSD used, object tier used) over filesystems not being removed."""
        provisioned, used_ssd, used_object = 0, 0.0, 0.0
        for fs in self.fs.values():
            if fs.status != "REMOVING":
                provisioned += fs.ssd_budget
                used_ssd += fs.used_ssd
                used_object += fs.used_object
        return provisioned, used_ssd, used_object

    def unprovisioned(self) -> int:
        return self.total_ssd - self.capacity_totals()[0]

    # -- lookups that refuse like the API -------------------------------------------------------------
    def group(self, name: str) -> FilesystemGroup:
        return self.groups.get(name) or invalid(
            f"Filesystem group {name!r} does not exist; choose one of: {', '.join(self.groups) or 'none'}.",
            FIELD_GROUP,
        )

    def tiering_bucket(self, name: str) -> ObjectStoreBucket:
        bucket = self.buckets.get(name) or invalid(
            f"Object-store bucket {name!r} does not exist; "
            f"choose one of: {', '.join(self.buckets) or 'none'}.",
            FIELD_BUCKET,
        )
        if bucket.obs_site != "local":
            invalid(
                f"{name} is a remote bucket: it keeps snapshot backups only and cannot tier a filesystem.",
                FIELD_BUCKET,
            )
        return bucket

    def bucket_address(self, name: str) -> BucketAddress:
        """Where bucket `name`'s objects really are (what another cluster attaching them would name)."""
        bucket = self.buckets[name]
        return BucketAddress(bucket.hostname, bucket.bucket)

    def check_name_free(self, name: str) -> None:
        if name in self.fs_by_name:
            conflict(f"A filesystem named {name} already exists.")

    def fs_state(self, uid: str) -> FsState:
        return self.fs.get(uid) or not_found(f"Filesystem {uid} does not exist.")

    def fs_named(self, name: str) -> FsState:
        uid = self.fs_by_name.get(name)
        if uid is None:
            raise KeyError(f"no filesystem named {name!r}")
        return self.fs[uid]

    def ready_fs(self, uid: str) -> FsState:
        fs = self.fs_state(uid)
        if fs.status == "CREATING":
            conflict(f"Filesystem {fs.name} is still being created; try again in a moment.")
        if fs.status == "REMOVING":
            conflict(f"Filesystem {fs.name} is being deleted.")
        return fs

    def snap_state(self, uid: str) -> SnapState:
        return self.snaps.get(uid) or not_found(f"Snapshot {uid} does not exist.")

    # -- filesystems --------------------------------------------------------------------------------
    def new_fs(self, name: str, group: FilesystemGroup, total: int, ssd: int) -> FsState:
        self.counters["fs"] += 1
        number = self.counters["fs"]
        fs = FsState(self.new_uid(), f"FSId<{number}>", number, name, group.name, total, ssd)
        fs.content_version = INITIAL_CONTENT_VERSION
        self.fs[fs.uid] = fs
        self.fs_by_name[name] = fs.uid
        return fs

    def drop_filesystem(self, uid: str) -> None:
        fs = self.fs.get(uid)
        if fs is None or fs.status != "REMOVING":
            return
        del self.fs[uid]
        del self.fs_by_name[fs.name]
        self.schedules = [s for s in self.schedules if s.fs_uid != uid]
        self.emit("FilesystemRemoved", "Filesystem", f"Filesystem {fs.name} removed", fs.name)

    # -- snapshots ----------------------------------------------------------------------------------
    def take_snapshot(self, fs: FsState, name: str, access_point: str | None, writable: bool) -> SnapState:
        """Create a snapshot now: instant, and it uses no space until the filesystem diverges from it."""
        validate_name(name, "Snapshot")
        if name in fs.snapshot_names:
            conflict(f"Filesystem {fs.name} already has a snapshot named {name}.")
        now = self.clock.now()
        point = access_point or now.strftime(ACCESS_POINT_FORMAT)
        if "/" in point or "\\" in point:
            invalid(f"Access point {point!r} must not contain '/' or '\\'.", FIELD_ACCESS_POINT)
        if point in fs.access_points:
            conflict(f"Filesystem {fs.name} already has a snapshot with access point {point}.")
        kind, limit = (
            ("writable", MAX_WRITABLE_SNAPSHOTS) if writable else ("readonly", MAX_READONLY_SNAPSHOTS)
        )
        if self.snapshot_totals[kind] >= limit:
            conflict(f"The cluster already holds {limit} {kind.replace('readonly', 'read-only')} snapshots.")
        snap = self.insert_snapshot(
            fs, name, point, writable, now, fs.used_total, fs.written_total, fs.content_version
        )
        self.emit(
            "SnapshotCreated", "Filesystem", f"Snapshot {name} of filesystem {fs.name} created", fs.name
        )
        return snap

    def insert_snapshot(
        self,
        fs: FsState,
        name: str,
        access_point: str,
        writable: bool,
        created_at: datetime,
        used_bytes: float,
        written_mark: float,
        content_version: int,
    ) -> SnapState:
        if name in fs.snapshot_names or access_point in fs.access_points:
            raise ValueError(f"{fs.name} already has snapshot {name!r} or access point {access_point!r}")
        self.counters["snap"] += 1
        snap_id = f"SnapViewId<{self.counters['snap']}>"  # [I] WEKA's typed-id style (reference §6)
        snap = SnapState(
            self.new_uid(),
            snap_id,
            name,
            fs,
            access_point,
            writable,
            created_at,
            used_bytes,
            written_mark,
            content_version,
        )
        self.snaps[snap.uid] = snap
        fs.snapshot_uids[snap.uid] = None
        fs.snapshot_names[name] = snap.uid
        fs.access_points[access_point] = snap.uid
        fs.cache = None
        self.snapshot_totals["writable" if writable else "readonly"] += 1
        if self.snap_list is not None:
            self.snap_index[snap.uid] = len(self.snap_list)
            self.snap_list.append(snap.to_domain())
        return snap

    def begin_snapshot_delete(self, snap: SnapState) -> None:
        """Deletion runs in the background: `is_removing` now, gone a few seconds later."""
        if snap.is_removing:
            return
        fs = self.fs[snap.fs_uid]
        for job in fs.uploads.values():
            conflict(
                f"Cannot delete snapshot {snap.name}: snapshot {self.snaps[job.snapshot_uid].name} of "
                f"{fs.name} is uploading, and deletions cannot run beside an upload in the same filesystem."
            )
        snap.is_removing = True
        fs.removing_snapshots += 1
        self.touch_snap(snap)
        extra = UPLOADED_SNAPSHOT_REMOVE_EXTRA_SECONDS if snap.is_synchronized("LOCAL") else 0.0
        self.schedule(SNAPSHOT_REMOVE_SECONDS + extra, "snap_gone", snap.uid)

    def drop_snapshot(self, uid: str) -> None:
        snap = self.snaps.pop(uid, None)
        if snap is None:
            return
        fs = self.fs[snap.fs_uid]
        del fs.snapshot_uids[uid]
        del fs.snapshot_names[snap.name]
        del fs.access_points[snap.access_point]
        fs.removing_snapshots -= 1
        self.snapshot_totals["writable" if snap.is_writable else "readonly"] -= 1
        local = snap.stow.get("LOCAL")
        if local is not None and local.locator:
            # Deleting an uploaded snapshot deletes its objects from the local bucket, not from a remote one.
            self.object_store.remove(local.locator)
        if fs.last_uploaded_at == snap.created_at:
            uploaded = (self.snaps[other] for other in fs.snapshot_uids)
            fs.last_uploaded_at = max(
                (
                    s.created_at
                    for s in uploaded
                    if any(i.status is StowStatus.SYNCHRONIZED for i in s.stow.values())
                ),
                default=None,
            )
        fs.cache = None
        self.snap_list = None
        self.dirty_snaps.discard(uid)
        self.emit(
            "SnapshotDeleted", "Filesystem", f"Snapshot {snap.name} of filesystem {fs.name} deleted", fs.name
        )

    def touch_snap(self, snap: SnapState) -> None:
        """The snapshot changed: rebuild its domain object (and only its) on the next query."""
        snap.cache = None
        self.dirty_snaps.add(snap.uid)

    def snapshot_list(self) -> list[Snapshot]:
        """All snapshots' domain objects, patched in place for the few that changed since the last call."""
        if self.snap_list is None:
            self.snap_list = [snap.to_domain() for snap in self.snaps.values()]
            self.snap_index = {uid: index for index, uid in enumerate(self.snaps)}
        else:
            for uid in self.dirty_snaps:
                snap = self.snaps.get(uid)
                if snap is not None:
                    self.snap_list[self.snap_index[uid]] = snap.to_domain()
        self.dirty_snaps.clear()
        return self.snap_list

    # -- alerts -------------------------------------------------------------------------------------
    def evaluate_alerts(self, at: datetime) -> None:
        """Raise and clear alerts so they match the state now (after every tick and every action)."""
        conditions = []
        buckets_in_use: dict[str, None] = {}
        for fs in self.fs.values():
            if fs.writable_bucket is not None:
                buckets_in_use[fs.writable_bucket] = None
                conditions.extend(filesystem_conditions(fs))
            if fs.remote_bucket is not None:
                buckets_in_use[fs.remote_bucket] = None
        provisioned, used_ssd, _ = self.capacity_totals()
        conditions.extend(
            cluster_conditions(self.total_ssd, provisioned, used_ssd, self.buckets.values(), buckets_in_use)
        )
        conditions.extend(drive_conditions(self.drive_failures, self.elapsed))
        self.alerts.sync(conditions, at)
