"""Snap-to-object uploads: which bucket, what is refused, how many bytes, and what success leaves behind.

Rules from reference §12.4: a filesystem needs a WRITABLE (local) or REMOTE bucket, only read-only
snapshots upload, one upload per filesystem and site at a time, none while snapshot deletions are
pending, and uploads are incremental (only what changed since the previous uploaded snapshot travels).
The bytes themselves move in `weka_engine`, at the bucket's bandwidth.
"""

from __future__ import annotations

from console.model import StowStatus
from console.sim.weka_rules import FIELD_SITE, SITES, conflict, invalid
from console.sim.weka_state import FsState, LocatorRecord, SnapState, StowInfo, UploadJob
from console.sim.weka_store import WekaStore
from console.sim.weka_units import MIB, format_bytes

UPLOAD_MIN_BYTES = 64 * MIB
"""Even an unchanged snapshot uploads its metadata and locator objects."""


def upload_target(fs: FsState, site: str) -> tuple[str, str]:
    """(site, bucket) of an upload: `obs_site` matters only when both kinds of bucket are attached."""
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
    if site == "LOCAL" and fs.remote_bucket:
        return "REMOTE", fs.remote_bucket  # only a remote bucket is attached: it is auto-selected (§12.4)
    invalid(
        f"Filesystem {fs.name} has no remote bucket attached; upload to the local one instead.", FIELD_SITE
    )


def begin_upload(store: WekaStore, snap: SnapState, site: str) -> UploadJob:
    """Check every rule, then start the upload (`UPLOADING`, progress 0)."""
    fs = store.ready_fs(snap.fs_uid)
    site, bucket_name = upload_target(fs, site)
    if snap.is_writable:
        invalid(
            f"A writable snapshot cannot be uploaded ({snap.name}); take a read-only snapshot of it first."
        )
    if snap.is_removing:
        conflict(f"Snapshot {snap.name} is being deleted.")
    if snap.is_synchronized(site):
        conflict(
            f"Snapshot {snap.name} is already uploaded to {bucket_name} (locator {snap.stow[site].locator})."
        )
    running = fs.uploads.get(site)
    if running is not None:
        conflict(
            f"Snapshot {store.snaps[running.snapshot_uid].name} of {fs.name} is already uploading to "
            f"{running.bucket_name}; one upload per filesystem and site runs at a time."
        )
    if fs.removing_snapshots:
        conflict(
            f"Operation not allowed to start in filesystem {fs.name} "
            "because snapshots are being deleted in it"
        )
    return start_upload(store, fs, snap, site, bucket_name)


def start_upload(
    store: WekaStore,
    fs: FsState,
    snap: SnapState,
    site: str,
    bucket_name: str,
    total_bytes: float | None = None,
) -> UploadJob:
    """Start an upload without checks (builders use it for uploads already in flight)."""
    task_uid, task_id = store.new_task()
    size = total_bytes if total_bytes is not None else upload_size(store, fs, snap, site)
    job = UploadJob(task_uid, task_id, snap.uid, fs.uid, site, bucket_name, size)
    store.uploads[task_uid] = job
    fs.uploads[site] = job
    snap.stow[site] = StowInfo(StowStatus.UPLOADING, 0.0, "", size, 0.0)
    store.touch_snap(snap)
    store.emit(
        "SnapshotUploadStarted",
        "ObjectStorage",
        f"Upload of snapshot {snap.name} of {fs.name} to {bucket_name} started "
        f"({format_bytes(size)} to send)",
        fs.name,
    )
    return job


def upload_size(store: WekaStore, fs: FsState, snap: SnapState, site: str) -> float:
    """Only what changed since the newest snapshot uploaded to this site (everything the first time)."""
    previous: SnapState | None = None
    for uid in fs.snapshot_uids:
        other = store.snaps[uid]
        if (
            other is not snap
            and other.is_synchronized(site)
            and other.written_mark <= snap.written_mark
            and (previous is None or other.written_mark > previous.written_mark)
        ):
            previous = other
    if previous is None:
        changed = snap.used_bytes
    else:
        changed = min(snap.used_bytes, snap.written_mark - previous.written_mark)
    return max(UPLOAD_MIN_BYTES, changed)


def finish_upload(store: WekaStore, job: UploadJob) -> None:
    del store.uploads[job.task_uid]
    fs, snap = store.fs[job.fs_uid], store.snaps[job.snapshot_uid]
    fs.uploads.pop(job.site, None)
    mark_synchronized(store, fs, snap, job.site, job.bucket_name)
    store.emit(
        "SnapshotUploadFinished",
        "ObjectStorage",
        f"Upload of snapshot {snap.name} of {fs.name} to {job.bucket_name} finished",
        fs.name,
    )


def mark_synchronized(store: WekaStore, fs: FsState, snap: SnapState, site: str, bucket_name: str) -> None:
    """`SYNCHRONIZED` with a locator: what a disaster-recovery cluster needs to bring the data back."""
    # [I] Locators are opaque to rwc; this shape only has to be unique and look like WEKA's.
    locator = f"{store.guid[:8]}/d/s/{fs.number}/{snap.id[11:-1]}/spec/{store.rng.getrandbits(64):016x}"
    sent = snap.stow[site].total_bytes if site in snap.stow else None
    snap.stow[site] = StowInfo(StowStatus.SYNCHRONIZED, 100.0, locator, sent, sent)
    record = LocatorRecord(
        locator, bucket_name, site, fs.name, snap.name, snap.uid, snap.used_bytes, fs.is_encrypted, store.name
    )
    store.object_store.put(store.bucket_address(bucket_name), record)
    if fs.last_uploaded_at is None or snap.created_at > fs.last_uploaded_at:
        fs.last_uploaded_at = snap.created_at
        fs.cache = None
    store.touch_snap(snap)
