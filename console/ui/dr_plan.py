"""The DR plan (`:dr`): for each filesystem whose uploads another site can read, where it could be
restored, from which uploaded snapshot, how old that copy is, and the steps to do it, as a dry run.

Pure (no Textual): `read_site` asks one site's backend once, `plan_entries` turns every site's reading
into entries, and tests call both without an app. Nothing here restores anything; it lists the calls.

- **Which copy.** A filesystem's snapshots are uploaded to its attached buckets (WEKA's snap-to-object:
  the `WRITABLE` one is the local site, the `REMOTE` one the DR copy). A bucket is the same object store
  on two sites when both list it with the same host and bucket name (reference/weka.md §13): the demo's
  on-prem `obs-dr` (remote) and cloud's `obs-cloud` (local) are both `weka-prod-dr` on S3.
- **Who could restore it.** Every other site that lists one of those buckets; the newest snapshot
  uploaded to a bucket it reads, with its locator. WEKA creates a filesystem from a *local* bucket only
  (§12.6), so a site that has the bucket as a remote one first re-adds it as local.
- **How old.** The uploaded snapshot's age against the filesystem's RPO target (its schedules',
  `console.model.schedules.rpo_target`, else `DEFAULT_RPO_SECONDS`), as on `:rpo`.
- **A site that does not answer** has one entry that says why; its filesystems are unknown, and the
  others' entries that would restore there say so. It never empties the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from console.data.backend import Backend
from console.model import BucketMode, StowStatus, UploadSite
from console.model.schedules import rpo_target
from console.ui.dr_steps import PlanStep, restore_steps
from console.ui.protection import DEFAULT_RPO_SECONDS

if TYPE_CHECKING:
    from console.model import Filesystem, FilesystemGroup, ObjectStoreBucket, Snapshot
    from console.model.schedules import SnapshotSchedule
    from console.model.storage import WorkloadMount

T = TypeVar("T")

READ_DEADLINE_SECONDS = 10.0
"""How long one site's reading may take before its entry says it did not answer."""


@dataclass(frozen=True, slots=True)
class SiteInventory:
    """What the plan reads of one site: its WEKA filesystems, snapshots and buckets (needed), and its
    filesystem groups, snapshot schedules and workloads' mounts (each None when it did not answer)."""

    now: datetime
    filesystems: Sequence[Filesystem]
    snapshots: Sequence[Snapshot]
    buckets: Sequence[ObjectStoreBucket]
    groups: Sequence[FilesystemGroup] | None = None
    schedules: Sequence[SnapshotSchedule] | None = None
    mounts: Sequence[WorkloadMount] | None = None


@dataclass(frozen=True, slots=True)
class SiteReading:
    """One site's reading: its inventory, or why there is none."""

    site: str
    inventory: SiteInventory | None
    error: str | None = None


async def optional_part(call: Awaitable[T]) -> T | None:
    """An optional part of a reading: None when it fails (the plan says it is not known)."""
    try:
        return await call
    except Exception:  # noqa: BLE001 - shown as not known, never fatal to the site's reading
        return None


async def read_site(site: str, backend: Backend, deadline: float = READ_DEADLINE_SECONDS) -> SiteReading:
    """One site, read once; any failure of the needed parts is the reading's error, never raised."""

    async def read() -> SiteInventory:
        async with asyncio.TaskGroup() as group:
            filesystems = group.create_task(backend.filesystems())
            snapshots = group.create_task(backend.snapshots())
            buckets = group.create_task(backend.buckets())
            groups = group.create_task(optional_part(backend.filesystem_groups()))
            schedules = group.create_task(optional_part(backend.snapshot_schedules()))
            mounts = group.create_task(optional_part(backend.data_mounts()))
        return SiteInventory(
            backend.now(),
            filesystems.result(),
            snapshots.result(),
            buckets.result(),
            groups.result(),
            schedules.result(),
            mounts.result(),
        )

    try:
        return SiteReading(site, await asyncio.wait_for(read(), deadline))
    except TimeoutError:
        return SiteReading(site, None, f"did not answer in {deadline:g} s")
    except BaseExceptionGroup as failed:
        first = failed.exceptions[0]
        return SiteReading(site, None, " ".join(str(first).split()) or type(first).__name__)
    except Exception as error:  # noqa: BLE001 - this site's failure, said on its entry
        return SiteReading(site, None, " ".join(str(error).split()) or type(error).__name__)


class DrState(StrEnum):
    WITHIN = "within"
    PAST = "past"
    NEVER = "never uploaded"
    NO_READER = "no other site"
    UNKNOWN = "unknown"
    UNREADABLE = "unreadable"


STATE_ORDER = {
    DrState.UNREADABLE: 0,
    DrState.PAST: 1,
    DrState.NEVER: 2,
    DrState.UNKNOWN: 3,
    DrState.NO_READER: 4,
    DrState.WITHIN: 5,
}


@dataclass(frozen=True, slots=True)
class DrEntry:
    """One filesystem and one site that could restore it (or why none can), with the plan's steps."""

    key: str
    site: str
    """Where the filesystem is."""
    filesystem: str
    restore_site: str
    """Where it could be restored ("" when no other site can)."""
    state: DrState
    reason: str = ""
    """Why there is no usable copy or plan, in words ("" for a plan)."""
    bucket: str = ""
    """The bucket on the restoring site the copy is read from (`obs-cloud (weka-prod-dr on …)`)."""
    snapshot: str = ""
    locator: str = ""
    uploaded_at: datetime | None = None
    """When the restorable snapshot was taken (its data's age); None when never uploaded there."""
    now: datetime | None = None
    """The filesystem's site's time, that the age is measured at."""
    target_seconds: float = DEFAULT_RPO_SECONDS
    steps: tuple[PlanStep, ...] = ()

    @property
    def age_seconds(self) -> float | None:
        if self.uploaded_at is None or self.now is None:
            return None
        return max(0.0, (self.now - self.uploaded_at).total_seconds())


def store_key(bucket: ObjectStoreBucket) -> tuple[str, str]:
    """The object store a bucket is, whatever each site calls it: (host, bucket name)."""
    return bucket.hostname.strip().lower(), bucket.bucket.strip().lower()


def bucket_words(bucket: ObjectStoreBucket) -> str:
    """`obs-dr (weka-prod-dr on s3.eu-west-1.amazonaws.com)`."""
    return f"{bucket.name} ({bucket.bucket} on {bucket.hostname})"


def _upload_mode(site: str) -> BucketMode | None:
    if site == UploadSite.LOCAL.value:
        return BucketMode.WRITABLE
    if site == UploadSite.REMOTE.value:
        return BucketMode.REMOTE
    return None


def newest_uploads(filesystem: Filesystem, snapshots: Sequence[Snapshot]) -> dict[str, tuple[Snapshot, str]]:
    """Per attached bucket name, the newest snapshot uploaded to it and its locator. An upload whose site
    is not reported (older WEKA: the flat `stowStatus`) counts for the only bucket when there is one."""
    by_mode = {attached.mode: attached.bucket_name for attached in filesystem.buckets}
    only = filesystem.buckets[0].bucket_name if len(filesystem.buckets) == 1 else None
    newest: dict[str, tuple[Snapshot, str]] = {}
    for snapshot in snapshots:
        if snapshot.filesystem_uid != filesystem.uid or snapshot.is_removing:
            continue
        places: list[tuple[str | None, str]] = []
        for upload in snapshot.uploads:
            if upload.status is StowStatus.SYNCHRONIZED:
                mode = _upload_mode(upload.site)
                places.append((by_mode.get(mode) if mode else None, upload.locator or snapshot.locator))
        if not snapshot.uploads and snapshot.stow_status is StowStatus.SYNCHRONIZED:
            places.append((only, snapshot.locator))
        for name, locator in places:
            if name is None:
                continue
            held = newest.get(name)
            if held is None or snapshot.created_at > held[0].created_at:
                newest[name] = (snapshot, locator)
    return newest


def plan_entries(readings: Sequence[SiteReading]) -> list[DrEntry]:
    """Every entry of the DR view: per filesystem with a remote bucket or a bucket another site reads,
    one per site that could restore it (or one that says why none can), and one per site not read."""
    entries: list[DrEntry] = []
    readable = [r for r in readings if r.inventory is not None]
    unreadable = [r for r in readings if r.inventory is None]
    for reading in unreadable:
        why = reading.error or "not read yet"
        entries.append(DrEntry(f"{reading.site}/", reading.site, "", "", DrState.UNREADABLE, why))
    for reading in readable:
        for filesystem in _sorted(reading):
            entries.extend(_filesystem_entries(reading, filesystem, readable, unreadable))
    return entries


def _sorted(reading: SiteReading) -> list[Filesystem]:
    assert reading.inventory is not None
    return sorted(reading.inventory.filesystems, key=lambda fs: fs.name)


def _filesystem_entries(
    reading: SiteReading,
    filesystem: Filesystem,
    readable: Sequence[SiteReading],
    unreadable: Sequence[SiteReading],
) -> list[DrEntry]:
    inventory = reading.inventory
    assert inventory is not None
    own_buckets = {bucket.name: bucket for bucket in inventory.buckets}
    attached = [own_buckets.get(a.bucket_name) for a in filesystem.buckets]
    has_remote = any(a.mode is BucketMode.REMOTE for a in filesystem.buckets)
    others = [other for other in readable if other.site != reading.site]
    # Per other site that lists one of its buckets: (that site, [(its bucket here, the same bucket there)]).
    readers: dict[str, tuple[SiteReading, list[tuple[ObjectStoreBucket, ObjectStoreBucket]]]] = {}
    for other in others:
        assert other.inventory is not None
        by_store = {store_key(bucket): bucket for bucket in other.inventory.buckets}
        for bucket in attached:
            if bucket is not None and store_key(bucket) in by_store:
                pairs = readers.setdefault(other.site, (other, []))[1]
                pairs.append((bucket, by_store[store_key(bucket)]))
    if not has_remote and not readers:
        return []  # its copies (if any) stay where only this site reads them: not a DR copy
    target = rpo_target(inventory.schedules or (), filesystem.uid) or DEFAULT_RPO_SECONDS
    base = f"{reading.site}/{filesystem.name}"
    uploads = newest_uploads(filesystem, inventory.snapshots)
    # Where no plan can be made, the newest copy off the cluster still says how old the data would be.
    remote = {a.bucket_name for a in filesystem.buckets if a.mode is BucketMode.REMOTE}
    off_site = [held for name, held in uploads.items() if name in remote]
    newest = max(off_site, key=lambda held: held[0].created_at, default=None)
    unplanned = partial(
        DrEntry,
        snapshot=newest[0].name if newest else "",
        locator=newest[1] if newest else "",
        uploaded_at=newest[0].created_at if newest else None,
        now=inventory.now,
        target_seconds=target,
    )
    entries: list[DrEntry] = []
    for other in unreadable:
        why = f"{other.site} not read ({other.error or 'not yet'}): whether it reads the bucket is unknown"
        key = f"{base}@{other.site}"
        entries.append(unplanned(key, reading.site, filesystem.name, other.site, DrState.UNKNOWN, why))
    if not readers:
        if not entries:
            names = ", ".join(bucket_words(b) for b in attached if b is not None) or "its buckets"
            why = f"no other site reads {names}" if others else "only one site"
            entries.append(unplanned(base, reading.site, filesystem.name, "", DrState.NO_READER, why))
        return entries
    for site, (restorer, pairs) in readers.items():
        held = [(uploads[own.name], there) for own, there in pairs if own.name in uploads]
        entry = partial(DrEntry, f"{base}@{site}", reading.site, filesystem.name, site)
        if not held:
            own, there = pairs[0]
            never = f"never uploaded to {bucket_words(own)}"
            entries.append(
                entry(
                    DrState.NEVER, never, bucket=bucket_words(there), now=inventory.now, target_seconds=target
                )
            )
            continue
        (snapshot, locator), there = max(held, key=lambda item: item[0][0].created_at)
        age = (inventory.now - snapshot.created_at).total_seconds()
        assert restorer.inventory is not None
        entries.append(
            entry(
                DrState.PAST if age > target else DrState.WITHIN,
                bucket=bucket_words(there),
                snapshot=snapshot.name,
                locator=locator,
                uploaded_at=snapshot.created_at,
                now=inventory.now,
                target_seconds=target,
                steps=restore_steps(
                    filesystem,
                    snapshot,
                    locator,
                    there,
                    site,
                    target_groups=restorer.inventory.groups,
                    target_filesystems=[fs.name for fs in restorer.inventory.filesystems],
                    mounts=inventory.mounts,
                ),
            )
        )
    return entries
