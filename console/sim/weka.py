"""The WEKA half of the simulator: filesystems, tiering, snapshots, uploads, alerts and IO activity.

`WekaSim` keeps mutable state (`weka_state`) and hands out frozen domain objects, cached until the
state behind them changes, so the screens can poll a cluster with 10,000 snapshots cheaply. Time moves
in one-second ticks (`step`): writes land on SSD, tiering copies data to the object store after the
group's tiering cue and drops the SSD copy after its retention period, uploads progress at their
bucket's bandwidth, and background states (creating, removing, downloading) finish. The clock is moved
by the caller (`Simulator.advance`) before `step`; deadlines follow the stepped time, timestamps the clock.

Actions take the acting `Identity` first and raise `console.data.errors` exceptions with the texts the
WEKA API answers; the rules themselves live in `weka_rules`.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import random
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from console.data.errors import BackendError
from console.model import (
    Alert,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    FilesystemSpec,
    Identity,
    ObjectStoreBucket,
    Snapshot,
    SnapshotSpec,
    StowStatus,
    WekaCluster,
    WekaClusterStatus,
    WekaMetricsSample,
)
from console.sim.clock import Clock
from console.sim.weka_alerts import AlertBook, cluster_conditions, filesystem_conditions
from console.sim.weka_events import EventLog, WekaEvent, WekaTask
from console.sim.weka_metrics import IoMetrics, IoProfile
from console.sim.weka_rules import (
    FIELD_ACCESS_POINT,
    FIELD_BUCKET,
    FIELD_GROUP,
    FIELD_LOCATOR,
    FIELD_SITE,
    FIELD_TOTAL,
    MAX_READONLY_SNAPSHOTS,
    MAX_WRITABLE_SNAPSHOTS,
    SITES,
    check_delete_filesystem,
    conflict,
    invalid,
    not_found,
    require_admin,
    validate_capacities,
    validate_name,
)
from console.sim.weka_state import (
    DownloadJob,
    FsState,
    LocatorRecord,
    SnapshotSchedule,
    SnapState,
    StowInfo,
    UploadJob,
)
from console.sim.weka_units import MB, MIB, TIB, format_bytes

FS_CREATE_SECONDS = 3.0
"""A new filesystem answers `is_creating` for a few seconds, then `is_ready` (reference §10.3: poll it)."""

FS_REMOVE_SECONDS = 2.0
SNAPSHOT_REMOVE_SECONDS = 4.0
UPLOADED_SNAPSHOT_REMOVE_EXTRA_SECONDS = 6.0
"""Deleting an uploaded snapshot also deletes its objects from the local bucket, which takes longer."""

UPLOAD_MIN_BYTES = 64 * MIB
"""Even an unchanged snapshot uploads its metadata and locator objects."""

DOWNLOAD_BASE_SECONDS = 8.0
DOWNLOAD_METADATA_FRACTION = 0.003
DOWNLOAD_MAX_SECONDS = 900.0
"""A filesystem from a snapshot is ready once its metadata is prefetched; data is fetched on demand."""

ACCESS_POINT_FORMAT = "@GMT-%Y.%m.%d-%H.%M.%S"
"""Default access point, the style WEKA's own listings show (reference §12.1)."""

INITIAL_CONTENT_VERSION = 1_000_000
"""Content versions count write batches; starting high keeps back-dated snapshots' versions positive."""


def _share_evenly(budget: float, demands: list[float]) -> list[float]:
    """Split `budget` fairly (water-filling): small demands are met, the rest share what is left."""
    grants = [0.0] * len(demands)
    left = budget
    order = sorted(range(len(demands)), key=lambda index: demands[index])
    for position, index in enumerate(order):
        grant = min(demands[index], left / (len(demands) - position))
        grants[index] = grant
        left -= grant
    return grants


class WekaSim:
    """A WEKA cluster in memory, driven by the simulator's clock and seeded RNG."""

    def __init__(self, clock: Clock, rng: random.Random) -> None:
        self._clock = clock
        self._rng = rng
        self._elapsed = 0.0  # seconds stepped so far: deadlines use it, so they fire however time is split
        self._carry = 0.0
        self._name = "weka-sim"
        self._guid = self._new_uid()
        self._release = "4.4.2.157"
        self._status = WekaClusterStatus.OK
        self._io_status = "STARTED"
        self._total_ssd = 500 * TIB
        self._drives = (48, 48)
        self._backends = (8, 8)
        self._clients = (32, 32)
        self._groups: dict[str, FilesystemGroup] = {}
        self._buckets: dict[str, ObjectStoreBucket] = {}
        self._fs: dict[str, FsState] = {}
        self._fs_by_name: dict[str, str] = {}
        self._snaps: dict[str, SnapState] = {}
        self._uploads: dict[str, UploadJob] = {}  # task uid -> job: only these are touched per tick
        self._downloads: dict[str, DownloadJob] = {}  # fs uid -> job
        self._locators: dict[str, LocatorRecord] = {}
        self._schedules: list[SnapshotSchedule] = []
        self._due: list[tuple[float, int, str, str]] = []  # heap of (elapsed, seq, kind, uid)
        self._counters = {"fs": 0, "snap": 0, "task": 0, "group": 0, "bucket": 0, "seq": 0}
        self._snapshot_totals = {"readonly": 0, "writable": 0}
        self._snap_list: list[Snapshot] | None = None
        self._snap_index: dict[str, int] = {}
        self._dirty_snaps: set[str] = set()
        self._metrics = IoMetrics(rng)
        self._events = EventLog()
        self._alerts = AlertBook()

    # =============================================================================================
    # builders: scenarios and tests set the cluster up with these (no identity, no events)
    # =============================================================================================
    def configure_cluster(
        self,
        *,
        name: str | None = None,
        release: str | None = None,
        total_ssd_bytes: int | None = None,
        drives: tuple[int, int] | None = None,
        backends: tuple[int, int] | None = None,
        clients: tuple[int, int] | None = None,
        status: WekaClusterStatus | None = None,
        io_profile: IoProfile | None = None,
    ) -> None:
        """Name, size and hardware counts (active, total) of the cluster."""
        self._name = name or self._name
        self._release = release or self._release
        self._total_ssd = total_ssd_bytes if total_ssd_bytes is not None else self._total_ssd
        self._drives = drives or self._drives
        self._backends = backends or self._backends
        self._clients = clients or self._clients
        self._status = status or self._status
        if io_profile is not None:
            self._metrics.profile = io_profile

    def add_group(
        self, name: str, *, target_ssd_retention_seconds: int = 86_400, start_demote_seconds: int = 10
    ) -> FilesystemGroup:
        """A filesystem group; its two numbers are the tiering policy (defaults are WEKA's)."""
        if name in self._groups:
            raise ValueError(f"group {name!r} already exists")
        self._counters["group"] += 1
        group = FilesystemGroup(
            uid=self._new_uid(),
            name=name,
            target_ssd_retention_seconds=target_ssd_retention_seconds,
            start_demote_seconds=start_demote_seconds,
        )
        self._groups[name] = group
        return group

    def add_bucket(
        self,
        name: str,
        *,
        obs_site: str = "local",
        bandwidth_bytes_per_second: int = 500 * MB,
        bucket: str | None = None,
        hostname: str | None = None,
        status: str = "UP",
    ) -> ObjectStoreBucket:
        """An object-store bucket: `local` ones tier and keep snapshots, `remote` ones keep snapshots only."""
        if name in self._buckets:
            raise ValueError(f"bucket {name!r} already exists")
        if obs_site not in ("local", "remote"):
            raise ValueError("obs_site is 'local' or 'remote'")
        if bandwidth_bytes_per_second <= 0:
            raise ValueError("a bucket needs a positive bandwidth")
        self._counters["bucket"] += 1
        created = ObjectStoreBucket(
            uid=self._new_uid(),
            name=name,
            obs_site=obs_site,
            bucket=bucket or f"{self._name}-{name}",
            hostname=hostname or ("s3.dc1.internal" if obs_site == "local" else "s3.dr-site.example.com"),
            status=status,
            bandwidth_bytes_per_second=bandwidth_bytes_per_second,
        )
        self._buckets[name] = created
        return created

    def set_bucket_status(self, name: str, status: str) -> ObjectStoreBucket:
        """Take a bucket DOWN (uploads and tiering stall, an alert shows) or back UP."""
        self._buckets[name] = replace(self._buckets[name], status=status)
        self._evaluate_alerts(self._clock.now())
        return self._buckets[name]

    def add_filesystem(
        self,
        name: str,
        group_name: str,
        total_bytes: int,
        *,
        ssd_bytes: int | None = None,
        used_total_bytes: float = 0,
        used_ssd_bytes: float | None = None,
        used_object_bytes: float | None = None,
        obs_bucket: str | None = None,
        remote_bucket: str | None = None,
        write_bytes_per_second: float = 0.0,
        read_back_bytes_per_second: float = 0.0,
        encrypted: bool = False,
    ) -> Filesystem:
        """A ready filesystem with data already in it.

        For a tiered one, `used_ssd_bytes` defaults to 70 % of its SSD budget and `used_object_bytes` to
        all its data (everything on SSD already copied to the bucket); pass `used_object_bytes=0` to start
        with nothing demoted yet. `write_bytes_per_second` is its steady, deterministic growth;
        `read_back_bytes_per_second` is how much object-only data its readers bring back to SSD.
        """
        validate_name(name)
        if name in self._fs_by_name:
            raise ValueError(f"filesystem {name!r} already exists")
        group = self._group(group_name)
        tiered = obs_bucket is not None
        if tiered:
            self._tiering_bucket(obs_bucket)
        if remote_bucket is not None and self._buckets[remote_bucket].obs_site != "remote":
            raise ValueError(f"bucket {remote_bucket!r} is not a remote bucket")
        ssd = total_bytes if ssd_bytes is None else ssd_bytes
        validate_capacities(
            name,
            total_bytes,
            ssd,
            tiered=tiered,
            extra_ssd_bytes=ssd,
            unprovisioned_ssd_bytes=self._unprovisioned(),
        )
        if used_ssd_bytes is None:
            used_ssd_bytes = min(used_total_bytes, 0.7 * ssd) if tiered else used_total_bytes
        if used_object_bytes is None:
            used_object_bytes = used_total_bytes if tiered else 0
        if not 0 <= used_ssd_bytes <= min(used_total_bytes, ssd) or used_total_bytes > total_bytes:
            raise ValueError(f"{name}: usage does not fit its capacities")
        if not used_total_bytes - used_ssd_bytes <= used_object_bytes <= used_total_bytes or (
            not tiered and used_object_bytes
        ):
            raise ValueError(f"{name}: object-tier usage must cover the data that is not on SSD")
        fs = self._new_fs(name, group, total_bytes, ssd)
        fs.writable_bucket = obs_bucket
        fs.remote_bucket = remote_bucket
        fs.is_encrypted = encrypted
        fs.write_rate = float(write_bytes_per_second)
        fs.read_back_rate = float(read_back_bytes_per_second)
        fs.place_initial(
            used_total_bytes,
            used_ssd_bytes,
            used_object_bytes,
            self._elapsed,
            group.target_ssd_retention_seconds,
        )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def set_write_rate(self, filesystem_name: str, bytes_per_second: float) -> None:
        """Change how fast a filesystem grows (scenarios and tests)."""
        self._fs_named(filesystem_name).write_rate = float(bytes_per_second)

    def add_snapshot(
        self,
        filesystem_name: str,
        name: str,
        *,
        created_at: datetime | None = None,
        access_point: str | None = None,
        writable: bool = False,
        stow_status: StowStatus = StowStatus.NONE,
        site: str = "LOCAL",
        upload_progress_percent: float = 0.0,
        upload_bytes: float | None = None,
    ) -> Snapshot:
        """A snapshot, possibly back-dated, already uploaded or with its upload in flight.

        A back-dated snapshot holds the content the filesystem had then, assuming it grew at its write
        rate; `upload_bytes` overrides the incremental size of an upload in flight.
        """
        fs = self._fs_named(filesystem_name)
        now = self._clock.now()
        created = created_at or now
        age = max(0.0, (now - created).total_seconds())
        grown = fs.write_rate * age
        snap = self._insert_snapshot(
            fs,
            name,
            access_point or created.strftime(ACCESS_POINT_FORMAT),
            writable,
            created,
            used_bytes=max(0.0, fs.used_total - grown),
            written_mark=max(0.0, fs.written_total - grown),
            content_version=fs.content_version - (int(age) if fs.write_rate else 0),
        )
        if stow_status is StowStatus.NONE:
            return snap.to_domain()
        resolved_site, bucket_name = self._upload_target(fs, site)
        if stow_status is StowStatus.SYNCHRONIZED:
            self._mark_synchronized(fs, snap, resolved_site, bucket_name)
        else:
            job = self._start_upload(fs, snap, resolved_site, bucket_name, total_bytes=upload_bytes)
            job.done_bytes = job.total_bytes * upload_progress_percent / 100.0
            snap.stow[resolved_site].progress = job.progress_percent
        return snap.to_domain()

    def add_snapshot_schedule(
        self,
        filesystem_name: str,
        every_seconds: float,
        *,
        prefix: str = "hourly",
        keep: int = 24,
        upload_site: str | None = None,
    ) -> None:
        """Take a snapshot on every `every_seconds` boundary of the clock (on the hour for 3600).

        The newest `keep` are kept and each is optionally uploaded: what snaptool does, and what keeps
        the demo alive.
        """
        fs = self._fs_named(filesystem_name)
        epoch = self._clock.now().timestamp()
        delay = (math.floor(epoch / every_seconds) + 1) * every_seconds - epoch
        schedule = SnapshotSchedule(fs.uid, every_seconds, prefix, keep, upload_site, self._elapsed + delay)
        schedule.taken = [uid for uid in fs.snapshot_uids if self._snaps[uid].name.startswith(f"{prefix}-")]
        self._schedules.append(schedule)

    def backfill_metrics(self, seconds: int = 600) -> None:
        """Give the activity history a full window at start, so sparklines are not empty."""
        self._metrics.backfill(self._clock.now(), seconds)

    # =============================================================================================
    # queries
    # =============================================================================================
    def now(self) -> datetime:
        return self._clock.now()

    def cluster(self) -> WekaCluster:
        provisioned, used_ssd, used_object = self._capacity_totals()
        return WekaCluster(
            name=self._name,
            guid=self._guid,
            release=self._release,
            status=self._status,
            io_status=self._io_status,
            total_capacity_bytes=self._total_ssd,
            unprovisioned_capacity_bytes=self._total_ssd - provisioned,
            ssd_used_bytes=round(used_ssd),
            ssd_provisioned_bytes=provisioned,
            object_tier_used_bytes=round(used_object),
            active_alerts_count=self._alerts.unmuted_count,
            drives_active=self._drives[0],
            drives_total=self._drives[1],
            backends_active=self._backends[0],
            backends_total=self._backends[1],
            clients_active=self._clients[0],
            clients_total=self._clients[1],
            latest=self._metrics.latest,
        )

    def metrics(self, window_seconds: float = 300.0) -> list[WekaMetricsSample]:
        """One sample per simulated second, oldest first, at most the last ten minutes."""
        return self._metrics.window(window_seconds)

    def filesystem_groups(self) -> list[FilesystemGroup]:
        return list(self._groups.values())

    def buckets(self) -> list[ObjectStoreBucket]:
        return list(self._buckets.values())

    def filesystems(self) -> list[Filesystem]:
        return [fs.to_domain() for fs in self._fs.values()]

    def filesystem(self, uid: str) -> Filesystem:
        return self._fs_state(uid).to_domain()

    def snapshots(self, filesystem_uid: str | None = None) -> list[Snapshot]:
        """All snapshots in creation order, or one filesystem's; only changed ones are rebuilt."""
        if filesystem_uid is not None:
            fs = self._fs_state(filesystem_uid)
            return [self._snaps[uid].to_domain() for uid in fs.snapshot_uids]
        self._refresh_snapshot_list()
        assert self._snap_list is not None
        return list(self._snap_list)

    def snapshot(self, uid: str) -> Snapshot:
        return self._snap_state(uid).to_domain()

    def alerts(self) -> list[Alert]:
        """Active alerts, muted ones included (flagged), most severe first."""
        return self._alerts.alerts()

    def events(self, limit: int = 50) -> list[WekaEvent]:
        return self._events.latest(limit)

    def tasks(self) -> list[WekaTask]:
        """Background tasks in flight: uploads, filesystem downloads, bucket detaches."""
        tasks = []
        for job in self._uploads.values():
            snap, fs = self._snaps[job.snapshot_uid], self._fs[job.fs_uid]
            tasks.append(
                WekaTask(
                    job.task_uid,
                    job.task_id,
                    "STOW_UPLOAD",
                    "RUNNING",
                    job.progress_percent,
                    f"Uploading snapshot {snap.name} of {fs.name} to {job.bucket_name}",
                    fs.uid,
                    job.bucket_name,
                )
            )
        for download in self._downloads.values():
            span = max(1e-9, download.ready_elapsed - download.started_elapsed)
            progress = round(min(100.0, 100.0 * (self._elapsed - download.started_elapsed) / span), 1)
            tasks.append(
                WekaTask(
                    download.task_uid,
                    download.task_id,
                    "STOW_DOWNLOAD_FILESYSTEM",
                    "RUNNING",
                    progress,
                    f"Prefetching metadata of {self._fs[download.fs_uid].name} from {download.bucket_name}",
                    download.fs_uid,
                    download.bucket_name,
                )
            )
        for fs in self._fs.values():
            if fs.fetch_bucket:
                tasks.append(
                    WekaTask(
                        f"detach-{fs.uid}",
                        f"detach-{fs.id}",
                        "OBS_DETACH",
                        "RUNNING",
                        round(100.0 * (1 - fs.cold / fs.fetch_total), 1) if fs.fetch_total else 100.0,
                        f"Detaching {fs.fetch_bucket} from {fs.name}: copying data back to SSD",
                        fs.uid,
                        fs.fetch_bucket,
                    )
                )
        return tasks

    def filesystem_content_version(self, uid: str) -> int:
        """Which content a filesystem holds: it changes with every write and reverts on restore."""
        return self._fs_state(uid).content_version

    def locator_record(self, locator: str) -> LocatorRecord:
        return self._locators.get(locator) or not_found(f"No uploaded snapshot has locator {locator}.")

    # =============================================================================================
    # actions
    # =============================================================================================
    def create_filesystem(self, actor: Identity, spec: FilesystemSpec) -> Filesystem:
        require_admin(actor, "create filesystems")
        validate_name(spec.name)
        self._check_name_free(spec.name)
        group = self._group(spec.group_name)
        tiered = spec.obs_bucket is not None
        if tiered:
            self._tiering_bucket(spec.obs_bucket)
        ssd = spec.total_capacity_bytes if spec.ssd_capacity_bytes is None else spec.ssd_capacity_bytes
        validate_capacities(
            spec.name,
            spec.total_capacity_bytes,
            ssd,
            tiered=tiered,
            extra_ssd_bytes=ssd,
            unprovisioned_ssd_bytes=self._unprovisioned(),
        )
        fs = self._new_fs(spec.name, group, spec.total_capacity_bytes, ssd)
        fs.writable_bucket = spec.obs_bucket
        fs.is_encrypted = spec.encrypted
        fs.status = "CREATING"
        self._schedule(FS_CREATE_SECONDS, "fs_ready", fs.uid)
        self._emit(
            "FilesystemAdded", "Filesystem", f"Filesystem {fs.name} created in group {group.name}", fs.name
        )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def resize_filesystem(
        self, actor: Identity, uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        require_admin(actor, "resize filesystems")
        fs = self._ready_fs(uid)
        if ssd_capacity_bytes is not None:
            ssd = ssd_capacity_bytes
        elif not fs.is_tiered or fs.ssd_budget >= fs.total_budget:
            ssd = total_capacity_bytes  # SSD-only (or all-SSD) filesystems keep SSD = total
        else:
            ssd = fs.ssd_budget
        validate_capacities(
            fs.name,
            total_capacity_bytes,
            ssd,
            tiered=fs.is_tiered,
            used_total_bytes=fs.used_total,
            used_ssd_bytes=fs.used_ssd,
            extra_ssd_bytes=ssd - fs.ssd_budget,
            unprovisioned_ssd_bytes=self._unprovisioned(),
        )
        fs.total_budget, fs.ssd_budget = total_capacity_bytes, ssd
        fs.cache = None
        self._emit(
            "FilesystemUpdated",
            "Filesystem",
            f"Filesystem {fs.name} resized to {format_bytes(fs.total_budget)} total, {format_bytes(ssd)} SSD",
            fs.name,
        )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def set_filesystem_tiering(self, actor: Identity, uid: str, obs_bucket: str | None) -> Filesystem:
        """Attach a local bucket to tier to, or detach it (`None`): data then comes back to SSD."""
        require_admin(actor, "change filesystem tiering")
        fs = self._ready_fs(uid)
        if fs.fetch_bucket:
            conflict(
                f"Filesystem {fs.name} is still detaching from {fs.fetch_bucket}; wait for it to finish."
            )
        if obs_bucket is None:
            if fs.writable_bucket is None:
                return fs.to_domain()
            if "LOCAL" in fs.uploads:
                conflict(
                    f"A snapshot of {fs.name} is uploading to {fs.writable_bucket}; wait before detaching it."
                )
            extra = fs.total_budget - fs.ssd_budget
            validate_capacities(
                fs.name,
                fs.total_budget,
                fs.total_budget,
                tiered=False,
                used_total_bytes=fs.used_total,
                extra_ssd_bytes=extra,
                unprovisioned_ssd_bytes=self._unprovisioned(),
            )
            bucket = fs.writable_bucket
            fs.ssd_budget = fs.total_budget
            fs.untier()
            fs.fetch_total = fs.cold
            self._emit(
                "ObjectStoreStartedDetachingFromFilesystem",
                "ObjectStorage",
                f"Object store {bucket} started detaching from filesystem {fs.name}",
                fs.name,
            )
            self._finish_detach_if_done(fs)
        else:
            self._tiering_bucket(obs_bucket)
            if fs.writable_bucket == obs_bucket:
                return fs.to_domain()
            if fs.writable_bucket is not None:
                conflict(f"Filesystem {fs.name} already tiers to {fs.writable_bucket}; detach it first.")
            fs.writable_bucket = obs_bucket
            fs.cache = None
            self._emit(
                "ObjectStoreAttachedToFilesystem",
                "ObjectStorage",
                f"Object store {obs_bucket} attached to filesystem {fs.name}",
                fs.name,
            )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def delete_filesystem(self, actor: Identity, uid: str) -> None:
        require_admin(actor, "delete filesystems")
        fs = self._fs_state(uid)
        if fs.status == "REMOVING":
            return
        check_delete_filesystem(fs.name, len(fs.snapshot_uids))
        fs.status = "REMOVING"
        fs.cache = None
        self._downloads.pop(fs.uid, None)  # deleting the target is how a download is aborted (§12.6)
        self._schedule(FS_REMOVE_SECONDS, "fs_gone", fs.uid)
        self._emit("FilesystemDeleted", "Filesystem", f"Filesystem {fs.name} deleted", fs.name)
        self._evaluate_alerts(self._clock.now())

    def create_snapshot(self, actor: Identity, spec: SnapshotSpec) -> Snapshot:
        require_admin(actor, "create snapshots")
        fs = self._ready_fs(spec.filesystem_uid)
        snap = self._take_snapshot(fs, spec.name, spec.access_point, spec.is_writable)
        return snap.to_domain()

    def delete_snapshot(self, actor: Identity, uid: str) -> None:
        require_admin(actor, "delete snapshots")
        self._begin_snapshot_delete(self._snap_state(uid))

    def restore_snapshot(self, actor: Identity, snapshot_uid: str) -> Filesystem:
        """Put the snapshot's content back into its filesystem; what was written since is gone."""
        require_admin(actor, "restore snapshots")
        snap = self._snap_state(snapshot_uid)
        if snap.is_removing:
            conflict(f"Snapshot {snap.name} is being deleted.")
        fs = self._ready_fs(snap.fs_uid)
        if snap.used_bytes > fs.total_budget:
            invalid(
                f"Snapshot {snap.name} holds {format_bytes(snap.used_bytes)}, more than the "
                f"{format_bytes(fs.total_budget)} total capacity of {fs.name}; grow it first.",
                FIELD_TOTAL,
            )
        fs.set_content(snap.used_bytes, snap.content_version)
        self._emit(
            "SnapshotFilesystemRestored",
            "Filesystem",
            f"Filesystem {fs.name} restored from snapshot {snap.name}",
            fs.name,
        )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def upload_snapshot(self, actor: Identity, snapshot_uid: str, site: str = "LOCAL") -> Snapshot:
        """Start a snap-to-object upload; it progresses at the bucket's bandwidth in `step`."""
        require_admin(actor, "upload snapshots")
        snap = self._snap_state(snapshot_uid)
        self._begin_upload(snap, site)
        return snap.to_domain()

    def create_filesystem_from_snapshot(
        self, actor: Identity, spec: FilesystemFromSnapshotSpec
    ) -> Filesystem:
        """`POST /fileSystems/download`: a new tiered filesystem whose data stays in the bucket."""
        require_admin(actor, "create filesystems")
        validate_name(spec.name)
        self._check_name_free(spec.name)
        group = self._group(spec.group_name)
        bucket = self._buckets.get(spec.obs_bucket) or invalid(
            f"Object-store bucket {spec.obs_bucket} does not exist.", FIELD_BUCKET
        )
        record = self._locators.get(spec.locator) or invalid(
            f"No uploaded snapshot has locator {spec.locator!r}; use the locator of a SYNCHRONIZED snapshot.",
            FIELD_LOCATOR,
        )
        if bucket.obs_site != "local":
            invalid(
                f"{bucket.name} is a remote bucket: a filesystem cannot be created from it; "
                "add it as a local bucket first.",
                FIELD_BUCKET,
            )
        if record.bucket_name != bucket.name:
            invalid(
                f"Locator {spec.locator} is in bucket {record.bucket_name}, not {bucket.name}.", FIELD_LOCATOR
            )
        if spec.total_capacity_bytes < record.used_bytes:
            invalid(
                f"Snapshot {record.snapshot_name} holds {format_bytes(record.used_bytes)}; "
                f"the total capacity of {spec.name} must be at least that.",
                FIELD_TOTAL,
            )
        validate_capacities(
            spec.name,
            spec.total_capacity_bytes,
            spec.ssd_capacity_bytes,
            tiered=True,
            extra_ssd_bytes=spec.ssd_capacity_bytes,
            unprovisioned_ssd_bytes=self._unprovisioned(),
        )
        fs = self._new_fs(spec.name, group, spec.total_capacity_bytes, spec.ssd_capacity_bytes)
        fs.writable_bucket = bucket.name
        fs.is_encrypted = record.is_encrypted
        fs.cold = record.used_bytes
        fs.written_total = record.used_bytes
        fs.created_from_locator = record.locator
        fs.status = "CREATING"
        metadata = record.used_bytes * DOWNLOAD_METADATA_FRACTION
        seconds = min(
            DOWNLOAD_MAX_SECONDS, DOWNLOAD_BASE_SECONDS + metadata / bucket.bandwidth_bytes_per_second
        )
        task_uid, task_id = self._new_task()
        self._downloads[fs.uid] = DownloadJob(
            task_uid, task_id, fs.uid, bucket.name, self._elapsed, self._elapsed + seconds
        )
        self._schedule(seconds, "fs_ready", fs.uid)
        self._emit(
            "FilesystemDownloadStarted",
            "ObjectStorage",
            f"Filesystem {fs.name} is being created from snapshot {record.snapshot_name} of "
            f"{record.filesystem_name} in {bucket.name}",
            fs.name,
        )
        self._evaluate_alerts(self._clock.now())
        return fs.to_domain()

    def mute_alert(self, actor: Identity, alert_type: str, duration_seconds: float) -> None:
        """Hide an alert type for a while (`PUT /alerts/{type}/mute`); it shows again afterwards."""
        require_admin(actor, "mute alerts")
        now = self._clock.now()
        self._alerts.mute(alert_type, now + timedelta(seconds=duration_seconds), now)

    def unmute_alert(self, actor: Identity, alert_type: str) -> None:
        require_admin(actor, "unmute alerts")
        self._alerts.unmute(alert_type, self._clock.now())

    # =============================================================================================
    # time
    # =============================================================================================
    def step(self, dt_seconds: float) -> None:
        """Advance the cluster by `dt_seconds` (the caller has already moved the clock by as much).

        Work happens in whole one-second ticks, each leaving one metrics sample; a fraction is carried.
        """
        if dt_seconds < 0:
            raise ValueError("cannot step backwards")
        self._carry += dt_seconds
        ticks = int(self._carry + 1e-9)
        self._carry = max(0.0, self._carry - ticks)
        now = self._clock.now()
        for index in range(ticks):
            self._tick(now - timedelta(seconds=ticks - 1 - index))

    def _tick(self, at: datetime) -> None:
        self._elapsed += 1.0
        self._run_due(at)
        self._run_schedules(at)
        written = self._tick_filesystems()
        uploaded = self._tick_buckets(at)
        self._alerts.expire_mutes(at)
        self._evaluate_alerts(at)
        self._metrics.record(at, written, uploaded)

    def _tick_filesystems(self) -> float:
        """Release expired SSD copies, write, and age new data past the tiering cue; returns bytes written."""
        now, written = self._elapsed, 0.0
        for fs in self._fs.values():
            if fs.status != "READY":
                continue
            group = self._groups[fs.group_name] if fs.is_tiered else None
            if group is not None:
                fs.release_expired(now, group.target_ssd_retention_seconds)
                fs.release_early(fs.write_rate)
            if fs.write_rate > 0:
                written += fs.write(fs.write_rate, now)
            if group is not None:
                if fs.read_back_rate > 0:
                    fs.read_back(fs.read_back_rate, now, group.target_ssd_retention_seconds)
                fs.age_young(now, group.start_demote_seconds)
        return written

    def _tick_buckets(self, at: datetime) -> float:
        """Share each bucket's bandwidth for one second: uploads first, then tiering; detaches read back.

        Returns the bytes sent to object stores. [I] WEKA allows one upload per bucket at a time; the
        simulator lets them share the bandwidth instead, so two admins' uploads both make progress.
        """
        uploads: dict[str, list[UploadJob]] = {}
        for job in self._uploads.values():
            uploads.setdefault(job.bucket_name, []).append(job)
        demoting: dict[str, list[FsState]] = {}
        fetching: dict[str, list[FsState]] = {}
        for fs in self._fs.values():
            if fs.status != "READY":
                continue
            if fs.writable_bucket is not None and fs.eligible_bytes > 0:
                demoting.setdefault(fs.writable_bucket, []).append(fs)
            if fs.fetch_bucket is not None:
                fetching.setdefault(fs.fetch_bucket, []).append(fs)
        sent = 0.0
        for name, bucket in self._buckets.items():
            if bucket.status != "UP":
                continue
            budget = float(bucket.bandwidth_bytes_per_second)
            jobs = uploads.get(name, [])
            for job, grant in zip(
                jobs, _share_evenly(budget, [j.remaining_bytes for j in jobs]), strict=True
            ):
                job.done_bytes += grant
                budget -= grant
                sent += grant
            movers = demoting.get(name, [])
            wanted = sum(fs.eligible_bytes for fs in movers)
            if wanted > 0 and budget > 0:
                ratio = min(1.0, budget / wanted)
                for fs in movers:
                    retention = self._groups[fs.group_name].target_ssd_retention_seconds
                    sent += fs.demote(fs.eligible_bytes * ratio, self._elapsed, retention)
            readers = fetching.get(name, [])
            for fs in readers:
                fs.fetch_back(bucket.bandwidth_bytes_per_second / len(readers))
                self._finish_detach_if_done(fs)
        for job in list(self._uploads.values()):
            if job.remaining_bytes <= 0.5:
                self._finish_upload(job)
            else:
                snap = self._snaps[job.snapshot_uid]
                info = snap.stow[job.site]
                if info.progress != job.progress_percent:
                    info.progress = job.progress_percent
                    self._touch_snap(snap)
        return sent

    def _run_due(self, at: datetime) -> None:
        """Finish background state changes whose time has come."""
        while self._due and self._due[0][0] <= self._elapsed + 1e-9:
            _, _, kind, uid = heapq.heappop(self._due)
            if kind == "fs_ready":
                fs = self._fs.get(uid)
                if fs is not None and fs.status == "CREATING":
                    fs.status = "READY"
                    fs.cache = None
                    self._downloads.pop(uid, None)
            elif kind == "fs_gone":
                self._drop_filesystem(uid)
            elif kind == "snap_gone":
                self._drop_snapshot(uid)

    def _run_schedules(self, at: datetime) -> None:
        for schedule in self._schedules:
            fs = self._fs.get(schedule.fs_uid)
            if fs is None:
                continue
            self._trim_schedule(schedule)
            if self._elapsed + 1e-9 < schedule.next_due_elapsed:
                continue
            while schedule.next_due_elapsed <= self._elapsed + 1e-9:
                schedule.next_due_elapsed += schedule.every_seconds
            if not fs.is_ready:
                continue
            try:
                snap = self._take_snapshot(fs, f"{schedule.prefix}-{at:%Y%m%d-%H%M}", None, False)
            except BackendError:
                continue
            schedule.taken.append(snap.uid)
            if schedule.upload_site:
                # Refused when another upload of this filesystem still runs: snaptool waits too.
                with contextlib.suppress(BackendError):
                    self._begin_upload(snap, schedule.upload_site)

    def _trim_schedule(self, schedule: SnapshotSchedule) -> None:
        """Delete the schedule's oldest snapshots beyond `keep` once nothing in the filesystem blocks it."""
        while len(schedule.taken) > schedule.keep:
            oldest = self._snaps.get(schedule.taken[0])
            if oldest is not None and not oldest.is_removing:
                try:
                    self._begin_snapshot_delete(oldest)
                except BackendError:
                    return
            schedule.taken.pop(0)

    # =============================================================================================
    # internals
    # =============================================================================================
    def _new_uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _new_task(self) -> tuple[str, str]:
        self._counters["task"] += 1
        return self._new_uid(), f"TaskId<{self._counters['task']}>"

    def _schedule(self, delay: float, kind: str, uid: str) -> None:
        self._counters["seq"] += 1
        heapq.heappush(self._due, (self._elapsed + delay, self._counters["seq"], kind, uid))

    def _emit(self, type_: str, category: str, description: str, entity: str = "") -> None:
        self._events.emit(self._clock.now(), type_, category, description, entity=entity)

    def _capacity_totals(self) -> tuple[int, float, float]:
        provisioned, used_ssd, used_object = 0, 0.0, 0.0
        for fs in self._fs.values():
            if fs.status != "REMOVING":
                provisioned += fs.ssd_budget
                used_ssd += fs.used_ssd
                used_object += fs.used_object
        return provisioned, used_ssd, used_object

    def _unprovisioned(self) -> int:
        return self._total_ssd - self._capacity_totals()[0]

    def _group(self, name: str) -> FilesystemGroup:
        return self._groups.get(name) or invalid(
            f"Filesystem group {name!r} does not exist; choose one of: {', '.join(self._groups) or 'none'}.",
            FIELD_GROUP,
        )

    def _tiering_bucket(self, name: str) -> ObjectStoreBucket:
        bucket = self._buckets.get(name) or invalid(
            f"Object-store bucket {name!r} does not exist; "
            f"choose one of: {', '.join(self._buckets) or 'none'}.",
            FIELD_BUCKET,
        )
        if bucket.obs_site != "local":
            invalid(
                f"{name} is a remote bucket: it keeps snapshot backups only and cannot tier a filesystem.",
                FIELD_BUCKET,
            )
        return bucket

    def _check_name_free(self, name: str) -> None:
        if name in self._fs_by_name:
            conflict(f"A filesystem named {name} already exists.")

    def _fs_state(self, uid: str) -> FsState:
        return self._fs.get(uid) or not_found(f"Filesystem {uid} does not exist.")

    def _fs_named(self, name: str) -> FsState:
        uid = self._fs_by_name.get(name)
        if uid is None:
            raise KeyError(f"no filesystem named {name!r}")
        return self._fs[uid]

    def _ready_fs(self, uid: str) -> FsState:
        fs = self._fs_state(uid)
        if fs.status == "CREATING":
            conflict(f"Filesystem {fs.name} is still being created; try again in a moment.")
        if fs.status == "REMOVING":
            conflict(f"Filesystem {fs.name} is being deleted.")
        return fs

    def _snap_state(self, uid: str) -> SnapState:
        return self._snaps.get(uid) or not_found(f"Snapshot {uid} does not exist.")

    def _new_fs(self, name: str, group: FilesystemGroup, total: int, ssd: int) -> FsState:
        self._counters["fs"] += 1
        number = self._counters["fs"]
        fs = FsState(self._new_uid(), f"FSId<{number}>", number, name, group.name, total, ssd)
        fs.content_version = INITIAL_CONTENT_VERSION
        self._fs[fs.uid] = fs
        self._fs_by_name[name] = fs.uid
        return fs

    def _drop_filesystem(self, uid: str) -> None:
        fs = self._fs.get(uid)
        if fs is None or fs.status != "REMOVING":
            return
        del self._fs[uid]
        del self._fs_by_name[fs.name]
        self._schedules = [s for s in self._schedules if s.fs_uid != uid]
        self._emit("FilesystemRemoved", "Filesystem", f"Filesystem {fs.name} removed", fs.name)

    # -- snapshots --------------------------------------------------------------------------------
    def _take_snapshot(self, fs: FsState, name: str, access_point: str | None, writable: bool) -> SnapState:
        """Create a snapshot now: instant, and it uses no space until the filesystem diverges from it."""
        validate_name(name, "Snapshot")
        if name in fs.snapshot_names:
            conflict(f"Filesystem {fs.name} already has a snapshot named {name}.")
        now = self._clock.now()
        point = access_point or now.strftime(ACCESS_POINT_FORMAT)
        if "/" in point or "\\" in point:
            invalid(f"Access point {point!r} must not contain '/' or '\\'.", FIELD_ACCESS_POINT)
        if point in fs.access_points:
            conflict(f"Filesystem {fs.name} already has a snapshot with access point {point}.")
        kind, limit = (
            ("writable", MAX_WRITABLE_SNAPSHOTS) if writable else ("readonly", MAX_READONLY_SNAPSHOTS)
        )
        if self._snapshot_totals[kind] >= limit:
            conflict(f"The cluster already holds {limit} {kind.replace('readonly', 'read-only')} snapshots.")
        snap = self._insert_snapshot(
            fs, name, point, writable, now, fs.used_total, fs.written_total, fs.content_version
        )
        self._emit(
            "SnapshotCreated", "Filesystem", f"Snapshot {name} of filesystem {fs.name} created", fs.name
        )
        return snap

    def _insert_snapshot(
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
        self._counters["snap"] += 1
        snap = SnapState(
            self._new_uid(),
            f"SnapViewId<{self._counters['snap']}>",
            name,
            fs,
            access_point,
            writable,
            created_at,
            used_bytes,
            written_mark,
            content_version,
        )
        self._snaps[snap.uid] = snap
        fs.snapshot_uids[snap.uid] = None
        fs.snapshot_names[name] = snap.uid
        fs.access_points[access_point] = snap.uid
        fs.cache = None
        self._snapshot_totals["writable" if writable else "readonly"] += 1
        if self._snap_list is not None:
            self._snap_index[snap.uid] = len(self._snap_list)
            self._snap_list.append(snap.to_domain())
        return snap

    def _begin_snapshot_delete(self, snap: SnapState) -> None:
        if snap.is_removing:
            return
        fs = self._fs[snap.fs_uid]
        for job in fs.uploads.values():
            conflict(
                f"Cannot delete snapshot {snap.name}: snapshot {self._snaps[job.snapshot_uid].name} of "
                f"{fs.name} is uploading, and deletions cannot run beside an upload in the same filesystem."
            )
        snap.is_removing = True
        fs.removing_snapshots += 1
        self._touch_snap(snap)
        extra = UPLOADED_SNAPSHOT_REMOVE_EXTRA_SECONDS if snap.is_synchronized("LOCAL") else 0.0
        self._schedule(SNAPSHOT_REMOVE_SECONDS + extra, "snap_gone", snap.uid)

    def _drop_snapshot(self, uid: str) -> None:
        snap = self._snaps.pop(uid, None)
        if snap is None:
            return
        fs = self._fs[snap.fs_uid]
        del fs.snapshot_uids[uid]
        del fs.snapshot_names[snap.name]
        del fs.access_points[snap.access_point]
        fs.removing_snapshots -= 1
        self._snapshot_totals["writable" if snap.is_writable else "readonly"] -= 1
        local = snap.stow.get("LOCAL")
        if local is not None and local.locator:
            # Deleting an uploaded snapshot deletes its objects from the local bucket, not from a remote one.
            self._locators.pop(local.locator, None)
        if fs.last_uploaded_at == snap.created_at:
            fs.last_uploaded_at = max(
                (
                    s.created_at
                    for s in map(self._snaps.__getitem__, fs.snapshot_uids)
                    if any(i.status is StowStatus.SYNCHRONIZED for i in s.stow.values())
                ),
                default=None,
            )
        fs.cache = None
        self._snap_list = None
        self._dirty_snaps.discard(uid)
        self._emit(
            "SnapshotDeleted", "Filesystem", f"Snapshot {snap.name} of filesystem {fs.name} deleted", fs.name
        )

    def _touch_snap(self, snap: SnapState) -> None:
        snap.cache = None
        self._dirty_snaps.add(snap.uid)

    def _refresh_snapshot_list(self) -> None:
        if self._snap_list is None:
            self._snap_list = [snap.to_domain() for snap in self._snaps.values()]
            self._snap_index = {uid: index for index, uid in enumerate(self._snaps)}
        else:
            for uid in self._dirty_snaps:
                snap = self._snaps.get(uid)
                if snap is not None:
                    self._snap_list[self._snap_index[uid]] = snap.to_domain()
        self._dirty_snaps.clear()

    # -- uploads ----------------------------------------------------------------------------------
    def _upload_target(self, fs: FsState, site: str) -> tuple[str, str]:
        """Which bucket an upload goes to: `obs_site` matters only when both kinds are attached (§12.4)."""
        site = site.upper()
        if site not in SITES:
            invalid(f"Upload site must be LOCAL or REMOTE, not {site!r}.", FIELD_SITE)
        if fs.writable_bucket is None and fs.remote_bucket is None:
            invalid(
                f"Filesystem {fs.name} is not tiered: cannot upload from it. "
                "Attach a writable or remote object-store bucket first."
            )
        if site == "LOCAL" and fs.writable_bucket:
            return "LOCAL", fs.writable_bucket
        if site == "REMOTE" and fs.remote_bucket:
            return "REMOTE", fs.remote_bucket
        if site == "LOCAL" and fs.writable_bucket is None:
            return "REMOTE", fs.remote_bucket  # type: ignore[return-value]  # only a remote one: auto-selected
        invalid(
            f"Filesystem {fs.name} has no remote bucket attached; upload to the local one instead.",
            FIELD_SITE,
        )

    def _begin_upload(self, snap: SnapState, site: str) -> None:
        fs = self._fs[snap.fs_uid]
        if fs.status != "READY":
            self._ready_fs(fs.uid)
        site, bucket_name = self._upload_target(fs, site)
        if snap.is_writable:
            invalid(
                f"A writable snapshot cannot be uploaded ({snap.name}); "
                "take a read-only snapshot of it first."
            )
        if snap.is_removing:
            conflict(f"Snapshot {snap.name} is being deleted.")
        if snap.is_synchronized(site):
            conflict(
                f"Snapshot {snap.name} is already uploaded to {bucket_name} "
                f"(locator {snap.stow[site].locator})."
            )
        running = fs.uploads.get(site)
        if running is not None:
            conflict(
                f"Snapshot {self._snaps[running.snapshot_uid].name} of {fs.name} is already uploading to "
                f"{running.bucket_name}; one upload per filesystem and site runs at a time."
            )
        if fs.removing_snapshots:
            conflict(
                f"Operation not allowed to start in filesystem {fs.name} "
                "because snapshots are being deleted in it"
            )
        self._start_upload(fs, snap, site, bucket_name)

    def _start_upload(
        self, fs: FsState, snap: SnapState, site: str, bucket_name: str, total_bytes: float | None = None
    ) -> UploadJob:
        task_uid, task_id = self._new_task()
        size = total_bytes if total_bytes is not None else self._upload_size(fs, snap, site)
        job = UploadJob(task_uid, task_id, snap.uid, fs.uid, site, bucket_name, size)
        self._uploads[task_uid] = job
        fs.uploads[site] = job
        snap.stow[site] = StowInfo(StowStatus.UPLOADING, 0.0, "")
        self._touch_snap(snap)
        self._emit(
            "SnapshotUploadStarted",
            "ObjectStorage",
            f"Upload of snapshot {snap.name} of {fs.name} to {bucket_name} started "
            f"({format_bytes(size)} to send)",
            fs.name,
        )
        return job

    def _upload_size(self, fs: FsState, snap: SnapState, site: str) -> float:
        """Uploads are incremental: only what changed since the previous snapshot uploaded to this site."""
        previous: SnapState | None = None
        for uid in fs.snapshot_uids:
            other = self._snaps[uid]
            if (
                other is not snap
                and other.is_synchronized(site)
                and other.written_mark <= snap.written_mark
                and (previous is None or other.written_mark > previous.written_mark)
            ):
                previous = other
        changed = (
            snap.used_bytes
            if previous is None
            else min(snap.used_bytes, snap.written_mark - previous.written_mark)
        )
        return max(UPLOAD_MIN_BYTES, changed)

    def _finish_upload(self, job: UploadJob) -> None:
        del self._uploads[job.task_uid]
        fs, snap = self._fs[job.fs_uid], self._snaps[job.snapshot_uid]
        fs.uploads.pop(job.site, None)
        self._mark_synchronized(fs, snap, job.site, job.bucket_name)
        self._emit(
            "SnapshotUploadFinished",
            "ObjectStorage",
            f"Upload of snapshot {snap.name} of {fs.name} to {job.bucket_name} finished",
            fs.name,
        )

    def _mark_synchronized(self, fs: FsState, snap: SnapState, site: str, bucket_name: str) -> None:
        # [I] Locators are opaque to rwc; this shape only has to be unique and look like WEKA's.
        locator = f"{self._guid[:8]}/d/s/{fs.number}/{snap.id[11:-1]}/spec/{self._rng.getrandbits(64):016x}"
        snap.stow[site] = StowInfo(StowStatus.SYNCHRONIZED, 100.0, locator)
        self._locators[locator] = LocatorRecord(
            locator, bucket_name, site, fs.name, snap.name, snap.uid, snap.used_bytes, fs.is_encrypted
        )
        if fs.last_uploaded_at is None or snap.created_at > fs.last_uploaded_at:
            fs.last_uploaded_at = snap.created_at
            fs.cache = None
        self._touch_snap(snap)

    def _finish_detach_if_done(self, fs: FsState) -> None:
        if fs.fetch_bucket is not None and fs.cold <= 0:
            self._emit(
                "ObjectStoreFinishedDetachingFromFilesystem",
                "ObjectStorage",
                f"Object store {fs.fetch_bucket} detached from filesystem {fs.name}",
                fs.name,
            )
            fs.fetch_bucket = None
            fs.fetch_total = 0.0
            fs.cache = None

    # -- alerts -----------------------------------------------------------------------------------
    def _evaluate_alerts(self, at: datetime) -> None:
        conditions = []
        tiered_buckets: dict[str, None] = {}
        for fs in self._fs.values():
            if fs.writable_bucket is not None:
                tiered_buckets[fs.writable_bucket] = None
                conditions.extend(filesystem_conditions(fs))
            if fs.remote_bucket is not None:
                tiered_buckets[fs.remote_bucket] = None
        provisioned, used_ssd, _ = self._capacity_totals()
        conditions.extend(
            cluster_conditions(self._total_ssd, provisioned, used_ssd, self._buckets.values(), tiered_buckets)
        )
        self._alerts.sync(conditions, at)
