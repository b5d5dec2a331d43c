"""The DR plan without an app (`console.ui.dr_plan`, `dr_steps`, `dr_rows`): which site can read which
copy, how old it is against the target, the steps of the dry run, and what a site that did not answer
does to the entries (says why, never empties the others)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from console.model import (
    AttachedBucket,
    BucketMode,
    Filesystem,
    FilesystemGroup,
    ObjectStoreBucket,
    Snapshot,
    SnapshotUpload,
    StowStatus,
)
from console.model.enums import WorkloadPhase
from console.model.storage import DataMount, WekaLocation, WekaVolumeKind, WorkloadMount
from console.ui.dr_plan import (
    DrState,
    SiteInventory,
    SiteReading,
    newest_uploads,
    plan_entries,
    read_site,
)
from console.ui.dr_rows import entry_text, state_words
from console.ui.dr_steps import cli_size, restore_name, steps_text

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TIB = 1024**4
S3 = "s3.eu-west-1.amazonaws.com"


def a_bucket(name: str, site: str, bucket: str = "weka-prod-dr", host: str = S3) -> ObjectStoreBucket:
    return ObjectStoreBucket(f"b-{name}", name, site, bucket, host, "UP", 100)


def a_filesystem(name: str, *buckets: tuple[str, BucketMode], group: str = "tiered") -> Filesystem:
    attached = tuple(AttachedBucket(bucket, mode) for bucket, mode in buckets)
    sizes = (10 * TIB, 4 * TIB, TIB, TIB, 0)
    return Filesystem(name, name, name, group, "READY", True, False, False, False, *sizes, attached, 0, None)


def a_snapshot(fs: str, hours_ago: float, *uploads: tuple[str, str], name: str = "") -> Snapshot:
    taken = NOW - timedelta(hours=hours_ago)
    return Snapshot(
        uid=f"{fs}-{hours_ago}",
        id="",
        name=name or f"snap-{hours_ago:g}h",
        filesystem_uid=fs,
        filesystem_name=fs,
        access_point="a",
        is_writable=False,
        is_removing=False,
        created_at=taken,
        stow_status=StowStatus.SYNCHRONIZED if uploads else StowStatus.NONE,
        upload_progress_percent=None,
        locator="",
        uploads=tuple(
            SnapshotUpload(site, StowStatus.SYNCHRONIZED, 100.0, locator) for site, locator in uploads
        ),
    )


def a_mount(fs: str, workload: str, claim: str, read_only: bool = False) -> WorkloadMount:
    location = WekaLocation(WekaVolumeKind.FILESYSTEM, fs)
    return WorkloadMount(
        f"id-{workload}",
        workload,
        "vision",
        WorkloadPhase.RUNNING,
        DataMount(claim, "/data", read_only, location),
    )


def on_prem(*snapshots: Snapshot, mounts: tuple[WorkloadMount, ...] = ()) -> SiteReading:
    filesystems = (
        a_filesystem("home", ("obs-dr", BucketMode.REMOTE)),
        a_filesystem("scratch", ("obs-local", BucketMode.WRITABLE)),  # only on-prem reads weka-prod-tier
        a_filesystem("cache"),  # no bucket at all
    )
    buckets = (a_bucket("obs-dr", "remote"), a_bucket("obs-local", "local", "weka-prod-tier", "s3.dc1"))
    groups = (FilesystemGroup("g1", "tiered", 0, 0), FilesystemGroup("g2", "default", 0, 0))
    return SiteReading("on-prem", SiteInventory(NOW, filesystems, snapshots, buckets, groups, (), mounts))


def cloud() -> SiteReading:
    filesystems = (a_filesystem("checkpoints", ("obs-cloud", BucketMode.WRITABLE), group="default"),)
    snapshots = (a_snapshot("checkpoints", 1, ("LOCAL", "loc-c")),)
    groups = (FilesystemGroup("g1", "default", 0, 0),)
    inventory = SiteInventory(
        NOW, filesystems, snapshots, (a_bucket("obs-cloud", "local"),), groups, None, None
    )
    return SiteReading("cloud", inventory)


def test_the_newest_upload_per_bucket_follows_the_upload_site() -> None:
    fs = a_filesystem("checkpoints", ("obs-local", BucketMode.WRITABLE), ("obs-dr", BucketMode.REMOTE))
    snapshots = [
        a_snapshot("checkpoints", 30, ("LOCAL", "l30"), ("REMOTE", "r30")),
        a_snapshot("checkpoints", 6, ("LOCAL", "l6")),
        a_snapshot("other", 1, ("REMOTE", "x")),
    ]
    newest = newest_uploads(fs, snapshots)
    assert {name: (snap.name, locator) for name, (snap, locator) in newest.items()} == {
        "obs-local": ("snap-6h", "l6"),
        "obs-dr": ("snap-30h", "r30"),
    }


def test_each_shared_copy_is_restorable_at_the_site_that_reads_its_bucket() -> None:
    readings = [on_prem(a_snapshot("home", 3, ("REMOTE", "loc-h"), name="hourly")), cloud()]
    entries = {entry.key: entry for entry in plan_entries(readings)}
    # scratch's bucket only on-prem reads; cache has none: neither is a DR copy, so neither is listed.
    assert set(entries) == {"on-prem/home@cloud", "cloud/checkpoints@on-prem"}
    home = entries["on-prem/home@cloud"]
    assert (home.state, home.snapshot, home.locator, home.age_seconds) == (
        DrState.WITHIN,
        "hourly",
        "loc-h",
        3 * 3600,
    )
    assert home.bucket == f"obs-cloud (weka-prod-dr on {S3})"
    assert [step.site for step in home.steps] == ["cloud", "cloud", "cloud"]
    checkpoints = entries["cloud/checkpoints@on-prem"]
    assert checkpoints.state is DrState.WITHIN and checkpoints.locator == "loc-c"


def test_a_copy_older_than_the_target_is_past_and_a_shared_bucket_never_uploaded_to_says_so() -> None:
    entries = {e.key: e for e in plan_entries([on_prem(a_snapshot("home", 30, ("REMOTE", "old"))), cloud()])}
    home = entries["on-prem/home@cloud"]
    assert home.state is DrState.PAST and state_words(home) == "✗ past by 6h"  # one-day default target
    entries = {e.key: e for e in plan_entries([on_prem(a_snapshot("home", 1)), cloud()])}
    never = entries["on-prem/home@cloud"]
    assert never.state is DrState.NEVER and not never.steps
    assert state_words(never) == f"✗ never uploaded to obs-dr (weka-prod-dr on {S3})"


def test_a_remote_bucket_no_other_site_reads_says_why() -> None:
    entries = plan_entries([on_prem(a_snapshot("home", 1, ("REMOTE", "x")))])
    assert [(e.key, e.state, e.reason) for e in entries] == [
        ("on-prem/home", DrState.NO_READER, "only one site")
    ]


def test_a_site_not_read_has_its_entry_and_the_others_stay() -> None:
    readings = [
        on_prem(a_snapshot("home", 3, ("REMOTE", "loc-h"))),
        SiteReading("cloud", None, "503 Unavailable"),
    ]
    entries = {entry.key: entry for entry in plan_entries(readings)}
    assert entries["cloud/"].state is DrState.UNREADABLE and entries["cloud/"].reason == "503 Unavailable"
    unknown = entries["on-prem/home@cloud"]
    assert unknown.state is DrState.UNKNOWN and unknown.reason.startswith("cloud not read (503 Unavailable)")


def test_the_steps_add_a_remote_only_bucket_as_local_then_download_then_mount() -> None:
    mounts = (
        a_mount("home", "jupyter-alice", "home-alice"),
        a_mount("home", "jupyter-alice", "home-alice", True),
    )
    readings = [on_prem(a_snapshot("home", 1, ("REMOTE", "loc-h")), mounts=mounts), cloud()]
    entries = {entry.key: entry for entry in plan_entries(readings)}
    # cloud's checkpoints restored on on-prem, which has weka-prod-dr only as a remote bucket.
    lines = steps_text(entries["cloud/checkpoints@on-prem"].steps)
    assert lines[0] == (
        f"1. on on-prem: add weka-prod-dr on {S3} as a local bucket obs-dr-local"
        " (it is remote here, and WEKA restores from local only)"
    )
    assert "     POST /objectStoreBuckets" in lines
    assert any('"object_storage": "obs-dr-local"' in line for line in lines)
    assert "     weka fs download checkpoints-restore default 10TiB 4TiB obs-dr-local loc-c" in lines
    assert "3. on on-prem: mount checkpoints-restore for the workloads that used checkpoints" in lines
    # on-prem's home restored on cloud: the bucket is local there; home's group is not, so default.
    text = "\n".join(entry_text(entries["on-prem/home@cloud"]))
    assert "1. on cloud: bucket obs-cloud" in text and "nothing to add" in text
    assert "no group tiered there: created in default" in text
    assert "3. on cloud: mount home-restore for the 1 workload that used home" in text
    assert "vision/jupyter-alice: claim home-alice at /data (rw)" in text  # its writing mount, once


def test_names_and_sizes_as_the_cli_takes_them() -> None:
    assert restore_name("home", ["home-restore", "home-restore-2"]) == "home-restore-3"
    assert (cli_size(20 * TIB), cli_size(512 * 1024**3), cli_size(1000)) == ("20TiB", "512GiB", "1000B")


def test_reading_a_site_turns_its_failure_into_its_reason() -> None:
    class Down:
        def now(self) -> datetime:
            return NOW

        async def filesystems(self) -> list[Filesystem]:
            raise ConnectionError("connection refused")

        async def snapshots(self) -> list[Snapshot]:
            return []

        async def buckets(self) -> list[ObjectStoreBucket]:
            return []

        async def filesystem_groups(self) -> list[FilesystemGroup]:
            return []

        async def snapshot_schedules(self) -> list[object]:
            return []

        async def data_mounts(self) -> list[WorkloadMount]:
            return []

    reading = asyncio.run(read_site("cloud", Down()))  # type: ignore[arg-type]
    assert reading.inventory is None and reading.error == "connection refused"


def test_without_a_plan_the_newest_off_site_copy_still_says_how_old_it_is() -> None:
    """Only one site, or the other not answering: no restoring site, but the copy's age against the
    target is still shown (red in the row when past)."""
    for readings in (
        [on_prem(a_snapshot("home", 30, ("REMOTE", "old"), name="nightly"))],
        [
            on_prem(a_snapshot("home", 30, ("REMOTE", "old"), name="nightly")),
            SiteReading("cloud", None, "down"),
        ],
    ):
        home = next(entry for entry in plan_entries(readings) if entry.filesystem == "home")
        assert (home.snapshot, home.locator, home.age_seconds) == ("nightly", "old", 30 * 3600)
        assert not home.steps
        assert "age: 1d6h against an RPO target of 1d (PAST)" in entry_text(home)
