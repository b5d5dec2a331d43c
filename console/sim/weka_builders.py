"""Builders: how scenarios and tests set a WEKA cluster up, without an identity and without events.

They check what would make the state inconsistent (and raise `ValueError` or the API's own refusals)
but skip the admin check, so a scenario reads like a description of the cluster it builds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import datetime

from console.model import (
    Filesystem,
    FilesystemGroup,
    ObjectStoreBucket,
    Snapshot,
    StowStatus,
    UploadSite,
    WekaClusterStatus,
)
from console.model.schedules import (
    ScheduleEvery,
    SnapshotSchedule,
    SnapshotScheduleSpec,
    next_run_after,
    run_at_or_before,
    validate_schedule,
)
from console.sim.weka_drive_faults import DriveFailure
from console.sim.weka_engine import free_access_point
from console.sim.weka_metrics import IoProfile
from console.sim.weka_rules import validate_capacities, validate_name
from console.sim.weka_state import ScheduleState
from console.sim.weka_store import ACCESS_POINT_FORMAT, WekaStore
from console.sim.weka_units import MB
from console.sim.weka_uploads import mark_synchronized, start_upload, upload_target


class WekaBuilders:
    """Mixed into `WekaSim`; works on its `_store`."""

    _store: WekaStore

    def add_drive_failure(self, drive: str, *, starts_s: float, rebuild_s: float) -> None:
        """`drive` fails `starts_s` seconds after the start and is rebuilt around in `rebuild_s`
        (`console.sim.weka_drive_faults`): REBUILDING, a `DriveDown` alert, events at both ends."""
        self._store.drive_failures.append(DriveFailure(drive, starts_s, rebuild_s))

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
        store = self._store
        store.name = name or store.name
        store.release = release or store.release
        store.total_ssd = total_ssd_bytes if total_ssd_bytes is not None else store.total_ssd
        store.drives = drives or store.drives
        store.backends = backends or store.backends
        store.clients = clients or store.clients
        store.status = status or store.status
        if io_profile is not None:
            store.metrics.profile = io_profile

    def add_group(
        self, name: str, *, target_ssd_retention_seconds: int = 86_400, start_demote_seconds: int = 10
    ) -> FilesystemGroup:
        """A filesystem group; its two numbers are the tiering policy (defaults are WEKA's)."""
        store = self._store
        if name in store.groups:
            raise ValueError(f"group {name!r} already exists")
        group = FilesystemGroup(
            uid=store.new_uid(),
            name=name,
            target_ssd_retention_seconds=target_ssd_retention_seconds,
            start_demote_seconds=start_demote_seconds,
        )
        store.groups[name] = group
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
        store = self._store
        if name in store.buckets:
            raise ValueError(f"bucket {name!r} already exists")
        if obs_site not in ("local", "remote"):
            raise ValueError("obs_site is 'local' or 'remote'")
        if bandwidth_bytes_per_second <= 0:
            raise ValueError("a bucket needs a positive bandwidth")
        created = ObjectStoreBucket(
            uid=store.new_uid(),
            name=name,
            obs_site=obs_site,
            bucket=bucket or f"{store.name}-{name}",
            hostname=hostname or ("s3.dc1.internal" if obs_site == "local" else "s3.dr-site.example.com"),
            status=status,
            bandwidth_bytes_per_second=bandwidth_bytes_per_second,
        )
        store.buckets[name] = created
        return created

    def set_bucket_status(self, name: str, status: str) -> ObjectStoreBucket:
        """Take a bucket DOWN (uploads and tiering stall, an alert shows) or back UP."""
        store = self._store
        store.buckets[name] = replace(store.buckets[name], status=status)
        store.evaluate_alerts(store.clock.now())
        return store.buckets[name]

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
        store = self._store
        validate_name(name)
        if name in store.fs_by_name:
            raise ValueError(f"filesystem {name!r} already exists")
        group = store.group(group_name)
        tiered = obs_bucket is not None
        if obs_bucket is not None:
            store.tiering_bucket(obs_bucket)
        if remote_bucket is not None and store.buckets[remote_bucket].obs_site != "remote":
            raise ValueError(f"bucket {remote_bucket!r} is not a remote bucket")
        ssd = total_bytes if ssd_bytes is None else ssd_bytes
        validate_capacities(
            name,
            total_bytes,
            ssd,
            tiered=tiered,
            extra_ssd_bytes=ssd,
            unprovisioned_ssd_bytes=store.unprovisioned(),
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
        fs = store.new_fs(name, group, total_bytes, ssd)
        fs.writable_bucket = obs_bucket
        fs.remote_bucket = remote_bucket
        fs.is_encrypted = encrypted
        fs.write_rate = float(write_bytes_per_second)
        fs.read_back_rate = float(read_back_bytes_per_second)
        fs.place_initial(
            used_total_bytes,
            used_ssd_bytes,
            used_object_bytes,
            store.elapsed,
            group.target_ssd_retention_seconds,
        )
        store.evaluate_alerts(store.clock.now())
        return fs.to_domain()

    def set_write_rate(self, filesystem_name: str, bytes_per_second: float) -> None:
        """Change how fast a filesystem grows (scenarios and tests)."""
        self._store.fs_named(filesystem_name).write_rate = float(bytes_per_second)

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
        store = self._store
        fs = store.fs_named(filesystem_name)
        now = store.clock.now()
        created = created_at or now
        age = max(0.0, (now - created).total_seconds())
        grown = fs.write_rate * age
        snap = store.insert_snapshot(
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
        resolved_site, bucket_name = upload_target(fs, site)
        if stow_status is StowStatus.SYNCHRONIZED:
            mark_synchronized(self._store, fs, snap, resolved_site, bucket_name)
        else:
            job = start_upload(self._store, fs, snap, resolved_site, bucket_name, total_bytes=upload_bytes)
            job.done_bytes = job.total_bytes * upload_progress_percent / 100.0
            snap.stow[resolved_site].progress = job.progress_percent
            snap.stow[resolved_site].done_bytes = job.done_bytes
        return snap.to_domain()

    def add_snapshot_schedule(
        self,
        filesystem_name: str,
        every: ScheduleEvery = ScheduleEvery.INTERVAL,
        *,
        name: str = "hourly",
        interval_minutes: int = 60,
        at_minute: int = 0,
        day_of_month: int = 1,
        keep: int = 24,
        upload_site: str | None = None,
        rpo_target_seconds: float | None = None,
    ) -> SnapshotSchedule:
        """Take a snapshot at the start of every period (`console.model.schedules.next_run_after`: on the
        hour for an hourly one), named `<name>-<start of period>`.

        The newest `keep` are kept and each is optionally uploaded: what snaptool does, and what keeps
        the demo alive. The filesystem's `<name>-` snapshots are the schedule's history: periods since
        the newest of them that began before now without one are filled in as snaptool would have taken
        them (it ran before the simulator started), so the history has no gap; a period that begins
        exactly now is taken on the first tick, which leaves the state at the start as it was built.
        """
        store = self._store
        fs = store.fs_named(filesystem_name)
        spec = SnapshotScheduleSpec(
            fs.uid,
            name,
            every,
            interval_minutes,
            at_minute,
            day_of_month,
            keep,
            UploadSite(upload_site) if upload_site else None,
            rpo_target_seconds,
        )
        problem = validate_schedule(spec)
        if problem:
            raise ValueError(problem)
        now = store.clock.now()
        current = run_at_or_before(spec, now)
        on_boundary = (now - current).total_seconds() < 1e-6
        schedule = ScheduleState(store.new_uid(), spec, current if on_boundary else next_run_after(spec, now))
        schedule.taken = [uid for uid in fs.snapshot_uids if store.snaps[uid].name.startswith(f"{name}-")]
        if schedule.taken:
            missing: deque[datetime] = deque(maxlen=keep)
            run = next_run_after(spec, max(store.snaps[uid].created_at for uid in schedule.taken))
            while run < current or (run == current and not on_boundary):
                missing.append(run)
                run = next_run_after(spec, run)
            for start in missing:
                snapshot = self.add_snapshot(
                    filesystem_name,
                    f"{name}-{start:{spec.name_format}}",
                    created_at=start,
                    access_point=free_access_point(fs, start),
                    stow_status=StowStatus.SYNCHRONIZED if upload_site else StowStatus.NONE,
                    site=upload_site or "LOCAL",
                )
                schedule.taken.append(snapshot.uid)
                schedule.last_run_at = start
        store.schedules.append(schedule)
        return schedule.to_domain(fs.name)

    def backfill_events(self, seconds: int = 86_400) -> None:
        """Give the event log the snapshots the last `seconds` took (what `weka events` would list), so
        the event list and a filesystem's timeline have a history at start."""
        store = self._store
        since = store.clock.now().timestamp() - seconds
        store.events.backfill(
            (
                snap.created_at,
                "SnapshotCreated",
                "Filesystem",
                f"Snapshot {snap.name} of filesystem {snap.fs_name} created",
                snap.fs_name,
            )
            for snap in store.snaps.values()
            if snap.created_at.timestamp() >= since
        )

    def backfill_metrics(self, seconds: int = 600) -> None:
        """Give the activity history a full window at start, so sparklines are not empty."""
        store = self._store
        store.metrics.backfill(store.clock.now(), seconds)
