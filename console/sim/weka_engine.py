"""One simulated second of the WEKA cluster: what happens when nobody does anything.

In order: background state changes come due, scheduled snapshots are taken, filesystems write and
tier (release expired SSD copies, write, read back, age new data past the tiering cue), buckets share
their bandwidth between uploads and demotion, alerts follow the new state, and a metrics sample is kept.
The work per tick is proportional to filesystems and uploads in flight, never to snapshots.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta

from console.data.errors import BackendError, Conflict
from console.model.schedules import next_run_after
from console.sim.weka_drive_faults import announce_drive_failures, drive_state
from console.sim.weka_state import FsState, ScheduleState, SnapState, UploadJob
from console.sim.weka_store import ACCESS_POINT_FORMAT, WekaStore
from console.sim.weka_uploads import begin_upload, finish_upload, upload_target


def tick(store: WekaStore, at: datetime) -> None:
    """Advance the cluster by one second ending at `at`."""
    store.elapsed += 1.0
    if store.drive_failures:
        announce_drive_failures(store.drive_failures, store.elapsed, store.events, at)
        store.status, active = drive_state(store.drive_failures, store.elapsed, store.drives[1])
        store.drives = (active, store.drives[1])
    run_due(store)
    run_schedules(store, at)
    written = tick_filesystems(store)
    sent = tick_buckets(store)
    store.alerts.expire_mutes(at)
    store.evaluate_alerts(at)
    store.metrics.record(at, written, sent)


def run_due(store: WekaStore) -> None:
    """Finish background state changes whose time has come."""
    while store.due and store.due[0][0] <= store.elapsed + 1e-9:
        _, _, kind, uid = heapq.heappop(store.due)
        if kind == "fs_ready":
            fs = store.fs.get(uid)
            if fs is not None and fs.status == "CREATING":
                fs.status = "READY"
                fs.cache = None
                store.downloads.pop(uid, None)
        elif kind == "fs_gone":
            store.drop_filesystem(uid)
        elif kind == "snap_gone":
            store.drop_snapshot(uid)


def run_schedules(store: WekaStore, at: datetime) -> None:
    """Take each schedule's snapshot once its period has begun, named after that period's start."""
    for schedule in store.schedules:
        fs = store.fs.get(schedule.fs_uid)
        if fs is None:
            continue
        trim_schedule(store, schedule)
        retry_uploads(store, schedule)
        if at < schedule.next_due_at:
            continue
        due = schedule.next_due_at
        while schedule.next_due_at <= at:
            due = schedule.next_due_at  # periods missed while nothing ran are not made up
            schedule.next_due_at = next_run_after(schedule.spec, schedule.next_due_at)
        if fs.is_ready:
            run_schedule_now(store, schedule, fs, due, at)


def run_schedule_now(
    store: WekaStore,
    schedule: ScheduleState,
    fs: FsState,
    period: datetime,
    at: datetime,
    *,
    name: str | None = None,
) -> SnapState | None:
    """Take the schedule's snapshot for the period starting at `period` (or named `name`: a run once),
    trim, and queue its upload; None when it cannot be taken (the period already has one)."""
    spec = schedule.spec
    name = name or f"{spec.name}-{period:{spec.name_format}}"
    try:
        snap = store.take_snapshot(fs, name, free_access_point(fs, at), False)
    except BackendError:
        return None
    schedule.taken.append(snap.uid)
    schedule.last_run_at = at
    trim_schedule(store, schedule)  # retention first: the new one's upload waits for the deletion
    if schedule.upload_site:
        schedule.to_upload.append(snap.uid)
        retry_uploads(store, schedule)
    return snap


def free_access_point(fs: FsState, at: datetime) -> str:
    """`@GMT-…` of `at`, or of the next free second when another schedule took one this second."""
    point = at.strftime(ACCESS_POINT_FORMAT)
    while point in fs.access_points:
        at += timedelta(seconds=1)
        point = at.strftime(ACCESS_POINT_FORMAT)
    return point


def retry_uploads(store: WekaStore, schedule: ScheduleState) -> None:
    """Start the schedule's waiting uploads, oldest first, until one must wait its turn (another upload
    of this filesystem or a snapshot deletion runs); one that can never start (no bucket) is dropped."""
    site = schedule.upload_site
    while schedule.to_upload and site:
        snap = store.snaps.get(schedule.to_upload[0])
        if snap is not None and not snap.is_removing:
            try:
                begin_upload(store, snap, site)
            except Conflict:  # waits its turn, unless it is already uploaded there
                resolved, _ = upload_target(store.fs[snap.fs_uid], site)
                if not snap.is_synchronized(resolved):
                    return
            except BackendError:
                pass
        schedule.to_upload.pop(0)


def trim_schedule(store: WekaStore, schedule: ScheduleState) -> None:
    """Delete the schedule's oldest snapshots beyond `keep` once nothing in the filesystem blocks it."""
    while len(schedule.taken) > schedule.spec.keep:
        oldest = store.snaps.get(schedule.taken[0])
        if oldest is not None and not oldest.is_removing:
            try:
                store.begin_snapshot_delete(oldest)
            except BackendError:
                return
        schedule.taken.pop(0)


def tick_filesystems(store: WekaStore) -> float:
    """Release expired SSD copies, write, read back and age new data; returns the bytes written."""
    now, written = store.elapsed, 0.0
    for fs in store.fs.values():
        if fs.status != "READY":
            continue
        group = store.groups[fs.group_name] if fs.is_tiered else None
        if group is not None:
            fs.release_expired(now, group.target_ssd_retention_seconds)
            fs.release_early(min(fs.write_rate, fs.total_budget - fs.used_total))
        if fs.write_rate > 0:
            written += fs.write(fs.write_rate, now)
        if group is not None:
            if fs.read_back_rate > 0:
                fs.read_back(fs.read_back_rate, now, group.target_ssd_retention_seconds)
            fs.age_young(now, group.start_demote_seconds)
    return written


def share_evenly(budget: float, demands: list[float]) -> list[float]:
    """Split `budget` fairly (water-filling): small demands are met, the rest share what is left."""
    grants = [0.0] * len(demands)
    left = budget
    order = sorted(range(len(demands)), key=lambda index: demands[index])
    for position, index in enumerate(order):
        grant = min(demands[index], left / (len(demands) - position))
        grants[index] = grant
        left -= grant
    return grants


def tick_buckets(store: WekaStore) -> float:
    """Share each bucket's bandwidth for one second: uploads first, then tiering; detaches read back.

    Returns the bytes sent to object stores. [I] WEKA runs one upload per bucket at a time; the
    simulator lets uploads share the bandwidth instead, so two admins' uploads both make progress.
    """
    uploads: dict[str, list[UploadJob]] = {}
    for job in store.uploads.values():
        uploads.setdefault(job.bucket_name, []).append(job)
    demoting: dict[str, list[FsState]] = {}
    fetching: dict[str, list[FsState]] = {}
    for fs in store.fs.values():
        if fs.status != "READY":
            continue
        if fs.writable_bucket is not None and fs.eligible_bytes > 0:
            demoting.setdefault(fs.writable_bucket, []).append(fs)
        if fs.fetch_bucket is not None:
            fetching.setdefault(fs.fetch_bucket, []).append(fs)
    sent = 0.0
    for name, bucket in store.buckets.items():
        if bucket.status != "UP":
            continue
        budget = float(bucket.bandwidth_bytes_per_second)
        jobs = uploads.get(name, [])
        for job, grant in zip(jobs, share_evenly(budget, [j.remaining_bytes for j in jobs]), strict=True):
            job.done_bytes += grant
            budget -= grant
            sent += grant
        movers = demoting.get(name, [])
        wanted = sum(fs.eligible_bytes for fs in movers)
        if wanted > 0 and budget > 0:
            ratio = min(1.0, budget / wanted)
            for fs in movers:
                retention = store.groups[fs.group_name].target_ssd_retention_seconds
                sent += fs.demote(fs.eligible_bytes * ratio, store.elapsed, retention)
        readers = fetching.get(name, [])
        for fs in readers:
            fs.fetch_back(bucket.bandwidth_bytes_per_second / len(readers))
            finish_detach_if_done(store, fs)
    for job in list(store.uploads.values()):
        if job.remaining_bytes <= 0.5:
            finish_upload(store, job)
        else:
            snap = store.snaps[job.snapshot_uid]
            info = snap.stow[job.site]
            if info.progress != job.progress_percent:  # bytes follow the percent: a poll stays cheap
                info.progress = job.progress_percent
                info.done_bytes = job.done_bytes
                store.touch_snap(snap)
    return sent


def finish_detach_if_done(store: WekaStore, fs: FsState) -> None:
    if fs.fetch_bucket is not None and fs.cold <= 0:
        store.emit(
            "ObjectStoreFinishedDetachingFromFilesystem",
            "ObjectStorage",
            f"Object store {fs.fetch_bucket} detached from filesystem {fs.name}",
            fs.name,
        )
        fs.fetch_bucket = None
        fs.fetch_total = 0.0
        fs.cache = None
