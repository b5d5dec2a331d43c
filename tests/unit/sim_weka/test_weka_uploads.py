"""Snap-to-object: uploads progress at the bucket's bandwidth, end SYNCHRONIZED, bring filesystems back."""

from __future__ import annotations

import pytest

from console.data.errors import Conflict, Invalid
from console.model import FilesystemFromSnapshotSpec, SnapshotSpec, StowStatus
from console.sim.weka_units import GIB, MIB, TIB


def bandwidth(sim, bucket_name: str) -> int:
    return next(b.bandwidth_bytes_per_second for b in sim.buckets() if b.name == bucket_name)


@pytest.fixture
def tiered(sim):
    """10 GiB on a tiered filesystem, all of it already tiered, nothing being written."""
    return sim.add_filesystem(
        "data", "fast", 1 * TIB, ssd_bytes=100 * GIB, used_total_bytes=10 * GIB, obs_bucket="obs-local"
    )


def test_upload_progresses_at_the_bucket_bandwidth(sim, admin, advance, tiered):
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))

    started = sim.upload_snapshot(admin, snap.uid)
    advance(20)

    assert started.stow_status is StowStatus.UPLOADING
    assert started.upload_progress_percent == 0.0
    # The first upload of a filesystem sends all of its content: 10 GiB at 100 MiB/s.
    expected = 100 * 20 * bandwidth(sim, "obs-local") / (10 * GIB)
    uploading = sim.snapshot(snap.uid)
    assert uploading.stow_status is StowStatus.UPLOADING
    assert uploading.upload_progress_percent == pytest.approx(expected, abs=0.1)
    assert sim.cluster().latest.obs_upload_bytes_per_second == bandwidth(sim, "obs-local")
    [task] = sim.tasks()
    assert (task.type, task.progress_percent) == ("STOW_UPLOAD", uploading.upload_progress_percent)


def test_upload_ends_synchronized_with_a_locator_through_the_three_real_states(sim, admin, advance, tiered):
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))
    seen = [sim.snapshot(snap.uid)]
    sim.upload_snapshot(admin, snap.uid)
    for _ in range(110):  # 10 GiB / 100 MiB/s = 102.4 s
        advance(1)
        seen.append(sim.snapshot(snap.uid))

    states = [s.stow_status for s in seen]
    assert set(states) <= {StowStatus.NONE, StowStatus.UPLOADING, StowStatus.SYNCHRONIZED}
    assert states[0] is StowStatus.NONE
    assert states[-1] is StowStatus.SYNCHRONIZED
    assert states.index(StowStatus.SYNCHRONIZED) == 103  # finished in the 103rd second, not before
    progress = [s.upload_progress_percent for s in seen[1:]]
    assert progress == sorted(progress)
    done = seen[-1]
    assert done.upload_progress_percent == 100.0
    assert done.locator
    assert sim.filesystem(tiered.uid).last_uploaded_snapshot_at == snap.created_at
    assert sim.tasks() == []
    assert [e.type for e in sim.events(3)] == [
        "SnapshotCreated",
        "SnapshotUploadStarted",
        "SnapshotUploadFinished",
    ]


def test_uploads_are_incremental(sim, admin, advance, tiered):
    first = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))
    sim.upload_snapshot(admin, first.uid)
    advance(110)
    sim.set_write_rate("data", 10 * MIB)
    advance(100)  # 1000 MiB of new data
    sim.set_write_rate("data", 0)
    second = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s2"))

    sim.upload_snapshot(admin, second.uid)
    advance(5)

    # Only the 1000 MiB written since s1 travel: half of it after 5 s at 100 MiB/s.
    assert sim.snapshot(second.uid).upload_progress_percent == pytest.approx(50.0, abs=0.1)
    advance(6)
    assert sim.snapshot(second.uid).stow_status is StowStatus.SYNCHRONIZED


def test_an_ssd_only_filesystem_uploads_to_its_remote_bucket(sim, admin, advance):
    fs = sim.add_filesystem("home", "default", 1 * TIB, used_total_bytes=5 * GIB, remote_bucket="obs-dr")
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="nightly"))

    sim.upload_snapshot(admin, snap.uid)  # LOCAL is the default; with only a remote bucket it is chosen
    advance(10)

    assert sim.snapshot(snap.uid).upload_progress_percent == pytest.approx(
        100 * 10 * bandwidth(sim, "obs-dr") / (5 * GIB), abs=0.1
    )
    assert [task.bucket_name for task in sim.tasks()] == ["obs-dr"]


def test_uploads_to_one_bucket_share_its_bandwidth(sim, admin, advance, tiered):
    other = sim.add_filesystem(
        "other", "fast", 1 * TIB, ssd_bytes=100 * GIB, used_total_bytes=10 * GIB, obs_bucket="obs-local"
    )
    for fs in (tiered, other):
        snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))
        sim.upload_snapshot(admin, snap.uid)

    advance(20)

    half = 100 * 20 * (bandwidth(sim, "obs-local") / 2) / (10 * GIB)
    assert [s.upload_progress_percent for s in sim.snapshots()] == pytest.approx([half, half], abs=0.1)


def test_a_second_upload_of_the_same_filesystem_waits_for_the_first(sim, admin, tiered):
    first = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))
    second = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s2", access_point="s2"))
    sim.upload_snapshot(admin, first.uid)

    with pytest.raises(Conflict, match="already uploading"):
        sim.upload_snapshot(admin, second.uid)


def test_upload_is_refused_while_snapshots_are_being_deleted(sim, admin, tiered):
    old = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="old"))
    new = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="new", access_point="new"))
    sim.delete_snapshot(admin, old.uid)

    with pytest.raises(Conflict) as refused:
        sim.upload_snapshot(admin, new.uid)

    assert refused.value.message == (
        "Operation not allowed to start in filesystem data because snapshots are being deleted in it"
    )


def test_deletion_is_refused_while_an_upload_runs_in_the_filesystem(sim, admin, tiered):
    old = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="old"))
    new = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="new", access_point="new"))
    sim.upload_snapshot(admin, new.uid)

    with pytest.raises(Conflict, match="uploading"):
        sim.delete_snapshot(admin, old.uid)


def test_filesystem_from_an_uploaded_snapshot_becomes_ready_with_its_content(sim, admin, advance, tiered):
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))
    sim.upload_snapshot(admin, snap.uid)
    advance(110)
    locator = sim.snapshot(snap.uid).locator

    created = sim.create_filesystem_from_snapshot(
        admin,
        FilesystemFromSnapshotSpec(
            name="data-dr",
            group_name="default",
            total_capacity_bytes=1 * TIB,
            ssd_capacity_bytes=50 * GIB,
            obs_bucket="obs-local",
            locator=locator,
        ),
    )

    assert created.is_creating and not created.is_ready
    assert [task.type for task in sim.tasks()] == ["STOW_DOWNLOAD_FILESYSTEM"]
    advance(30)
    ready = sim.filesystem(created.uid)
    assert ready.is_ready
    assert ready.used_total_bytes == tiered.used_total_bytes
    assert ready.used_object_bytes == tiered.used_total_bytes  # data stays in the bucket until read
    assert ready.is_tiered
    assert sim.tasks() == []


def test_filesystem_from_snapshot_needs_a_known_locator_in_a_local_bucket(sim, admin, advance, tiered):
    def spec(locator: str, bucket: str = "obs-local") -> FilesystemFromSnapshotSpec:
        return FilesystemFromSnapshotSpec(
            name="restored",
            group_name="default",
            total_capacity_bytes=1 * TIB,
            ssd_capacity_bytes=50 * GIB,
            obs_bucket=bucket,
            locator=locator,
        )

    never_uploaded = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=tiered.uid, name="s1"))
    with pytest.raises(Invalid) as refused:
        sim.create_filesystem_from_snapshot(admin, spec(never_uploaded.locator))
    assert refused.value.field == "locator"

    sim.upload_snapshot(admin, never_uploaded.uid)
    advance(110)
    with pytest.raises(Invalid, match="remote bucket"):
        sim.create_filesystem_from_snapshot(admin, spec(sim.snapshot(never_uploaded.uid).locator, "obs-dr"))
