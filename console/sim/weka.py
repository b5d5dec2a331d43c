"""The WEKA half of the simulator: filesystems, tiering, snapshots, uploads, alerts and IO activity.

`WekaSim` is the facade the demo backend and the HTTP face call: queries hand out frozen domain
objects, cached until the state behind them changes (so polling 10,000 snapshots stays cheap), and
actions take the acting `Identity` first and raise `console.data.errors` exceptions with the texts
the WEKA API answers. Time moves in one-second ticks (`step`, see `weka_engine`); the caller
(`Simulator.advance`) moves the clock first. Deadlines follow the stepped time, timestamps the clock.

Modules: `weka_store` (state), `weka_state` (per-object records and data placement), `weka_engine`
(a tick), `weka_uploads` (snap-to-object), `weka_rules` (refusals), `weka_alerts`, `weka_metrics`,
`weka_events`, `weka_builders` (how scenarios set a cluster up).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

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
    WekaCluster,
    WekaMetricsSample,
)
from console.sim.clock import Clock
from console.sim.object_store import ObjectStore
from console.sim.weka_builders import WekaBuilders
from console.sim.weka_engine import finish_detach_if_done, tick
from console.sim.weka_events import WekaEvent, WekaTask
from console.sim.weka_rules import (
    FIELD_BUCKET,
    FIELD_LOCATOR,
    FIELD_TOTAL,
    check_delete_filesystem,
    conflict,
    invalid,
    require_admin,
    validate_capacities,
    validate_name,
)
from console.sim.weka_schedules import WekaSchedules
from console.sim.weka_state import DownloadJob, LocatorRecord, StowInfo
from console.sim.weka_store import WekaStore
from console.sim.weka_units import format_bytes
from console.sim.weka_uploads import begin_upload

FS_CREATE_SECONDS = 3.0
"""A new filesystem answers `is_creating` for a few seconds, then `is_ready` (reference §10.3: poll it)."""

FS_REMOVE_SECONDS = 2.0

DOWNLOAD_BASE_SECONDS = 8.0
DOWNLOAD_METADATA_FRACTION = 0.003
DOWNLOAD_MAX_SECONDS = 900.0
"""A filesystem from a snapshot is ready once its metadata is prefetched; data is fetched on demand."""


class WekaSim(WekaBuilders, WekaSchedules):
    """A WEKA cluster in memory, driven by the simulator's clock and seeded RNG."""

    def __init__(self, clock: Clock, rng: random.Random, object_store: ObjectStore | None = None) -> None:
        self._store = WekaStore(clock, rng, object_store)
        self._carry = 0.0

    # -- time ---------------------------------------------------------------------------------------
    def step(self, dt_seconds: float) -> None:
        """Advance the cluster by `dt_seconds` (the caller has already moved the clock by as much).

        Work happens in whole one-second ticks, each leaving one metrics sample; a fraction is carried.
        """
        if dt_seconds < 0:
            raise ValueError("cannot step backwards")
        self._carry += dt_seconds
        ticks = int(self._carry + 1e-9)
        self._carry = max(0.0, self._carry - ticks)
        now = self._store.clock.now()
        for index in range(ticks):
            tick(self._store, now - timedelta(seconds=ticks - 1 - index))

    def now(self) -> datetime:
        return self._store.clock.now()

    # -- queries ------------------------------------------------------------------------------------
    def cluster(self) -> WekaCluster:
        store = self._store
        provisioned, used_ssd, used_object = store.capacity_totals()
        return WekaCluster(
            name=store.name,
            guid=store.guid,
            release=store.release,
            status=store.status,
            io_status=store.io_status,
            total_capacity_bytes=store.total_ssd,
            unprovisioned_capacity_bytes=store.total_ssd - provisioned,
            ssd_used_bytes=round(used_ssd),
            ssd_provisioned_bytes=provisioned,
            object_tier_used_bytes=round(used_object),
            active_alerts_count=store.alerts.unmuted_count,
            drives_active=store.drives[0],
            drives_total=store.drives[1],
            backends_active=store.backends[0],
            backends_total=store.backends[1],
            clients_active=store.clients[0],
            clients_total=store.clients[1],
            latest=store.metrics.latest,
        )

    def metrics(self, window_seconds: float = 300.0) -> list[WekaMetricsSample]:
        """One sample per simulated second, oldest first, at most the last ten minutes."""
        return self._store.metrics.window(window_seconds)

    def filesystem_groups(self) -> list[FilesystemGroup]:
        return list(self._store.groups.values())

    def buckets(self) -> list[ObjectStoreBucket]:
        return list(self._store.buckets.values())

    def filesystems(self) -> list[Filesystem]:
        return [fs.to_domain() for fs in self._store.fs.values()]

    def filesystem(self, uid: str) -> Filesystem:
        return self._store.fs_state(uid).to_domain()

    def snapshots(self, filesystem_uid: str | None = None) -> list[Snapshot]:
        """All snapshots in creation order, or one filesystem's; only changed ones are rebuilt."""
        store = self._store
        if filesystem_uid is None:
            return list(store.snapshot_list())
        return [store.snaps[uid].to_domain() for uid in store.fs_state(filesystem_uid).snapshot_uids]

    def snapshot(self, uid: str) -> Snapshot:
        return self._store.snap_state(uid).to_domain()

    def snapshot_stow_by_site(self, uid: str) -> dict[str, StowInfo]:
        """A snapshot's upload state per site (`LOCAL`, `REMOTE`), for the sites it was ever uploaded to;
        empty for an unknown snapshot. The domain `Snapshot` shows one site (`SnapState.public_stow`); the
        HTTP face's `localStowInfo` / `remoteStowInfo` need each. Copies: callers cannot change the state."""
        snap = self._store.snaps.get(uid)
        return {site: replace(info) for site, info in snap.stow.items()} if snap is not None else {}

    def alerts(self) -> list[Alert]:
        """Active alerts, muted ones included (flagged), most severe first."""
        return self._store.alerts.alerts()

    def events(self, limit: int = 50) -> list[WekaEvent]:
        """The newest events, oldest first."""
        return self._store.events.latest(limit)

    def tasks(self) -> list[WekaTask]:
        """Background tasks in flight: uploads, filesystem downloads, bucket detaches."""
        store = self._store
        tasks = []
        for job in store.uploads.values():
            what = f"Uploading snapshot {store.snaps[job.snapshot_uid].name} of {store.fs[job.fs_uid].name}"
            tasks.append(
                WekaTask(
                    job.task_uid,
                    job.task_id,
                    "STOW_UPLOAD",
                    "RUNNING",
                    job.progress_percent,
                    f"{what} to {job.bucket_name}",
                    job.fs_uid,
                    job.bucket_name,
                )
            )
        for download in store.downloads.values():
            span = max(1e-9, download.ready_elapsed - download.started_elapsed)
            progress = round(min(100.0, 100.0 * (store.elapsed - download.started_elapsed) / span), 1)
            what = f"Prefetching metadata of {store.fs[download.fs_uid].name} from {download.bucket_name}"
            tasks.append(
                WekaTask(
                    download.task_uid,
                    download.task_id,
                    "STOW_DOWNLOAD_FILESYSTEM",
                    "RUNNING",
                    progress,
                    what,
                    download.fs_uid,
                    download.bucket_name,
                )
            )
        for fs in store.fs.values():
            if fs.fetch_bucket:
                progress = round(100.0 * (1 - fs.cold / fs.fetch_total), 1) if fs.fetch_total else 100.0
                what = f"Detaching {fs.fetch_bucket} from {fs.name}: copying data back to SSD"
                tasks.append(
                    WekaTask(
                        f"detach-{fs.uid}",
                        f"detach-{fs.id}",
                        "OBS_DETACH",
                        "RUNNING",
                        progress,
                        what,
                        fs.uid,
                        fs.fetch_bucket,
                    )
                )
        return tasks

    def filesystem_content_version(self, uid: str) -> int:
        """Which content a filesystem holds: it changes with every write and reverts on restore."""
        return self._store.fs_state(uid).content_version

    def uploaded(self, bucket_name: str) -> list[LocatorRecord]:
        """The snapshots uploaded to bucket `bucket_name` (by this cluster or any other attached to it)."""
        return self._store.object_store.records(self._store.bucket_address(bucket_name))

    # -- filesystem actions -----------------------------------------------------------------------------
    def create_filesystem(self, actor: Identity, spec: FilesystemSpec) -> Filesystem:
        """A new filesystem: `is_creating` for a few seconds, then ready. No SSD size means SSD-only."""
        require_admin(actor, "create filesystems")
        store = self._store
        validate_name(spec.name)
        store.check_name_free(spec.name)
        group = store.group(spec.group_name)
        if spec.obs_bucket is not None:
            store.tiering_bucket(spec.obs_bucket)
        ssd = spec.total_capacity_bytes if spec.ssd_capacity_bytes is None else spec.ssd_capacity_bytes
        validate_capacities(
            spec.name,
            spec.total_capacity_bytes,
            ssd,
            tiered=spec.obs_bucket is not None,
            extra_ssd_bytes=ssd,
            unprovisioned_ssd_bytes=store.unprovisioned(),
        )
        fs = store.new_fs(spec.name, group, spec.total_capacity_bytes, ssd)
        fs.writable_bucket = spec.obs_bucket
        fs.is_encrypted = spec.encrypted
        fs.status = "CREATING"
        store.schedule(FS_CREATE_SECONDS, "fs_ready", fs.uid)
        store.emit(
            "FilesystemAdded", "Filesystem", f"Filesystem {fs.name} created in group {group.name}", fs.name
        )
        store.evaluate_alerts(store.now())
        return fs.to_domain()

    def resize_filesystem(
        self, actor: Identity, uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        """New total and SSD capacity; without an SSD size an SSD-only filesystem keeps SSD = total."""
        require_admin(actor, "resize filesystems")
        store = self._store
        fs = store.ready_fs(uid)
        if ssd_capacity_bytes is not None:
            ssd = ssd_capacity_bytes
        elif not fs.is_tiered or fs.ssd_budget >= fs.total_budget:
            ssd = total_capacity_bytes
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
            unprovisioned_ssd_bytes=store.unprovisioned(),
        )
        fs.total_budget, fs.ssd_budget = total_capacity_bytes, ssd
        fs.cache = None
        sizes = f"{format_bytes(fs.total_budget)} total, {format_bytes(ssd)} SSD"
        store.emit("FilesystemUpdated", "Filesystem", f"Filesystem {fs.name} resized to {sizes}", fs.name)
        store.evaluate_alerts(store.now())
        return fs.to_domain()

    def set_filesystem_tiering(self, actor: Identity, uid: str, obs_bucket: str | None) -> Filesystem:
        """Attach a local bucket to tier to, or detach it (`None`): data then comes back to SSD."""
        require_admin(actor, "change filesystem tiering")
        store = self._store
        fs = store.ready_fs(uid)
        if fs.fetch_bucket:
            conflict(
                f"Filesystem {fs.name} is still detaching from {fs.fetch_bucket}; wait for it to finish."
            )
        if obs_bucket is None:
            if fs.writable_bucket is None:
                return fs.to_domain()
            if "LOCAL" in fs.uploads:
                conflict(
                    f"A snapshot of {fs.name} is uploading to {fs.writable_bucket}; wait before detaching."
                )
            # Untiered means all data on SSD: the SSD budget grows to the total (reference §13, detach).
            validate_capacities(
                fs.name,
                fs.total_budget,
                fs.total_budget,
                tiered=False,
                used_total_bytes=fs.used_total,
                extra_ssd_bytes=fs.total_budget - fs.ssd_budget,
                unprovisioned_ssd_bytes=store.unprovisioned(),
            )
            bucket = fs.writable_bucket
            fs.ssd_budget = fs.total_budget
            fs.untier()
            fs.fetch_total = fs.cold
            what = f"Object store {bucket} started detaching from filesystem {fs.name}"
            store.emit("ObjectStoreStartedDetachingFromFilesystem", "ObjectStorage", what, fs.name)
            finish_detach_if_done(store, fs)
        else:
            store.tiering_bucket(obs_bucket)
            if fs.writable_bucket == obs_bucket:
                return fs.to_domain()
            if fs.writable_bucket is not None:
                conflict(f"Filesystem {fs.name} already tiers to {fs.writable_bucket}; detach it first.")
            fs.writable_bucket = obs_bucket
            fs.cache = None
            store.emit(
                "ObjectStoreAttachedToFilesystem",
                "ObjectStorage",
                f"Object store {obs_bucket} attached to filesystem {fs.name}",
                fs.name,
            )
        store.evaluate_alerts(store.now())
        return fs.to_domain()

    def delete_filesystem(self, actor: Identity, uid: str) -> None:
        """`is_removing` for a moment, then gone; its SSD is unprovisioned at once."""
        require_admin(actor, "delete filesystems")
        store = self._store
        fs = store.fs_state(uid)
        if fs.status == "REMOVING":
            return
        check_delete_filesystem(fs.name, len(fs.snapshot_uids))
        fs.status = "REMOVING"
        fs.cache = None
        store.downloads.pop(fs.uid, None)  # deleting the target is how a download is aborted (§12.6)
        store.schedule(FS_REMOVE_SECONDS, "fs_gone", fs.uid)
        store.emit("FilesystemDeleted", "Filesystem", f"Filesystem {fs.name} deleted", fs.name)
        store.evaluate_alerts(store.now())

    def create_filesystem_from_snapshot(
        self, actor: Identity, spec: FilesystemFromSnapshotSpec
    ) -> Filesystem:
        """`POST /fileSystems/download`: a new tiered filesystem whose data stays in the bucket until read."""
        require_admin(actor, "create filesystems")
        store = self._store
        validate_name(spec.name)
        store.check_name_free(spec.name)
        group = store.group(spec.group_name)
        bucket = store.buckets.get(spec.obs_bucket) or invalid(
            f"Object-store bucket {spec.obs_bucket} does not exist.", FIELD_BUCKET
        )
        if bucket.obs_site != "local":
            invalid(
                f"{bucket.name} is a remote bucket: a filesystem cannot be created from it; "
                "add it as a local bucket first.",
                FIELD_BUCKET,
            )
        address = store.bucket_address(bucket.name)
        record = store.object_store.get(address, spec.locator)
        if record is None:
            elsewhere = store.object_store.where(spec.locator)
            invalid(
                f"Locator {spec.locator} is in {elsewhere}, not in {bucket.name} ({address})."
                if elsewhere is not None
                else f"No uploaded snapshot has locator {spec.locator!r} in {bucket.name} ({address}); "
                "use the locator of a SYNCHRONIZED snapshot.",
                FIELD_LOCATOR,
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
            unprovisioned_ssd_bytes=store.unprovisioned(),
        )
        fs = store.new_fs(spec.name, group, spec.total_capacity_bytes, spec.ssd_capacity_bytes)
        fs.writable_bucket = bucket.name
        fs.is_encrypted = record.is_encrypted
        fs.cold = fs.written_total = record.used_bytes
        fs.created_from_locator = record.locator
        fs.status = "CREATING"
        metadata = record.used_bytes * DOWNLOAD_METADATA_FRACTION
        seconds = min(
            DOWNLOAD_MAX_SECONDS, DOWNLOAD_BASE_SECONDS + metadata / bucket.bandwidth_bytes_per_second
        )
        task_uid, task_id = store.new_task()
        store.downloads[fs.uid] = DownloadJob(
            task_uid, task_id, fs.uid, bucket.name, store.elapsed, store.elapsed + seconds
        )
        store.schedule(seconds, "fs_ready", fs.uid)
        foreign = record.cluster_name and record.cluster_name != store.name
        origin = f" of {record.cluster_name}" if foreign else ""
        source = f"snapshot {record.snapshot_name} of {record.filesystem_name}{origin} in {bucket.name}"
        what = f"Filesystem {fs.name} is being created from {source}"
        store.emit("FilesystemDownloadStarted", "ObjectStorage", what, fs.name)
        store.evaluate_alerts(store.now())
        return fs.to_domain()

    # -- snapshot actions -------------------------------------------------------------------------------
    def create_snapshot(self, actor: Identity, spec: SnapshotSpec) -> Snapshot:
        """Instant and space-efficient: it records the content, the filesystem's usage does not change."""
        require_admin(actor, "create snapshots")
        fs = self._store.ready_fs(spec.filesystem_uid)
        return self._store.take_snapshot(fs, spec.name, spec.access_point, spec.is_writable).to_domain()

    def delete_snapshot(self, actor: Identity, uid: str) -> None:
        """`is_removing` now, gone a few seconds later."""
        require_admin(actor, "delete snapshots")
        self._store.begin_snapshot_delete(self._store.snap_state(uid))

    def restore_snapshot(self, actor: Identity, snapshot_uid: str) -> Filesystem:
        """Put the snapshot's content back into its filesystem; what was written since is gone."""
        require_admin(actor, "restore snapshots")
        store = self._store
        snap = store.snap_state(snapshot_uid)
        if snap.is_removing:
            conflict(f"Snapshot {snap.name} is being deleted.")
        fs = store.ready_fs(snap.fs_uid)
        if snap.used_bytes > fs.total_budget:
            invalid(
                f"Snapshot {snap.name} holds {format_bytes(snap.used_bytes)}, more than the "
                f"{format_bytes(fs.total_budget)} total capacity of {fs.name}; grow it first.",
                FIELD_TOTAL,
            )
        fs.set_content(snap.used_bytes, snap.content_version)
        store.emit(
            "SnapshotFilesystemRestored",
            "Filesystem",
            f"Filesystem {fs.name} restored from snapshot {snap.name}",
            fs.name,
        )
        store.evaluate_alerts(store.now())
        return fs.to_domain()

    def upload_snapshot(self, actor: Identity, snapshot_uid: str, site: str = "LOCAL") -> Snapshot:
        """Start a snap-to-object upload; it progresses at the bucket's bandwidth in `step`."""
        require_admin(actor, "upload snapshots")
        snap = self._store.snap_state(snapshot_uid)
        begin_upload(self._store, snap, site)
        return snap.to_domain()

    # -- alert actions ----------------------------------------------------------------------------------
    def mute_alert(self, actor: Identity, alert_type: str, duration_seconds: float) -> None:
        """Hide an alert type for a while (`PUT /alerts/{type}/mute`); it shows again afterwards."""
        require_admin(actor, "mute alerts")
        now = self._store.now()
        self._store.alerts.mute(alert_type, now + timedelta(seconds=duration_seconds), now)

    def unmute_alert(self, actor: Identity, alert_type: str) -> None:
        require_admin(actor, "unmute alerts")
        self._store.alerts.unmute(alert_type, self._store.now())
