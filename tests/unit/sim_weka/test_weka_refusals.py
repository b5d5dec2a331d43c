"""Every change the WEKA API refuses, refused its way: the error class, the field, a message with numbers."""

from __future__ import annotations

import pytest

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model import FilesystemFromSnapshotSpec, FilesystemSpec, SnapshotSpec
from console.sim.weka_units import GIB, MIB, TIB


@pytest.fixture
def data(sim):
    """A tiered filesystem with 40 GiB on its 50 GiB SSD."""
    return sim.add_filesystem(
        "data",
        "default",
        1 * TIB,
        ssd_bytes=50 * GIB,
        used_total_bytes=200 * GIB,
        used_ssd_bytes=40 * GIB,
        obs_bucket="obs-local",
    )


def test_ssd_capacity_above_total_is_refused(sim, admin, data):
    with pytest.raises(Invalid) as on_create:
        sim.create_filesystem(
            admin,
            FilesystemSpec("new", "default", 10 * GIB, ssd_capacity_bytes=20 * GIB, obs_bucket="obs-local"),
        )
    with pytest.raises(Invalid) as on_resize:
        sim.resize_filesystem(admin, data.uid, 1 * TIB, ssd_capacity_bytes=2 * TIB)

    assert on_create.value.field == on_resize.value.field == "ssd_capacity"
    assert "cannot exceed its total capacity (10 GiB)" in on_create.value.message
    assert on_create.value.status == 400 and on_create.value.service == "weka"


def test_shrinking_ssd_below_what_is_used_is_refused(sim, admin, data):
    with pytest.raises(Invalid) as refused:
        sim.resize_filesystem(admin, data.uid, 1 * TIB, ssd_capacity_bytes=30 * GIB)

    assert refused.value.field == "ssd_capacity"
    assert "below the 40 GiB of SSD it uses" in refused.value.message
    assert sim.filesystem(data.uid).ssd_budget_bytes == 50 * GIB


def test_shrinking_total_below_what_is_used_is_refused(sim, admin, data):
    with pytest.raises(Invalid) as refused:
        sim.resize_filesystem(admin, data.uid, 100 * GIB)

    assert refused.value.field == "total_capacity"


def test_ssd_beyond_the_unprovisioned_capacity_is_refused_with_the_numbers(sim, admin, data):
    # 100 TiB of SSD in the cluster, 50 GiB of it given to `data`.
    with pytest.raises(Invalid) as refused:
        sim.create_filesystem(admin, FilesystemSpec("huge", "default", 120 * TIB))

    assert refused.value.field == "ssd_capacity"
    assert refused.value.message == (
        "Not enough SSD capacity: huge needs 120 TiB more SSD "
        "but only 100 TiB is unprovisioned in the cluster."
    )


def test_a_total_below_one_gib_is_refused(sim, admin):
    with pytest.raises(Invalid) as refused:
        sim.create_filesystem(admin, FilesystemSpec("tiny", "default", 512 * MIB))

    assert refused.value.field == "total_capacity"


def test_less_ssd_than_total_needs_a_bucket(sim, admin):
    with pytest.raises(Invalid, match="no object-store bucket") as refused:
        sim.create_filesystem(admin, FilesystemSpec("half", "default", 10 * GIB, ssd_capacity_bytes=5 * GIB))

    assert refused.value.field == "ssd_capacity"


def test_a_duplicate_name_is_a_conflict(sim, admin, data):
    with pytest.raises(Conflict, match="already exists") as refused:
        sim.create_filesystem(admin, FilesystemSpec("data", "default", 10 * GIB))

    assert refused.value.status == 409


@pytest.mark.parametrize("name", ["", "a" * 33, "team/data", "team\\data"])
def test_names_follow_the_weka_rules(sim, admin, name):
    with pytest.raises(Invalid) as refused:
        sim.create_filesystem(admin, FilesystemSpec(name, "default", 10 * GIB))

    assert refused.value.field == "name"


def test_an_unknown_group_is_refused(sim, admin):
    with pytest.raises(Invalid) as refused:
        sim.create_filesystem(admin, FilesystemSpec("new", "nosuchgroup", 10 * GIB))

    assert refused.value.field == "group_name"
    assert "default, fast" in refused.value.message


def test_tiering_needs_a_local_bucket_that_exists(sim, admin):
    fs = sim.add_filesystem("home", "default", 10 * GIB)

    with pytest.raises(Invalid) as unknown:
        sim.set_filesystem_tiering(admin, fs.uid, "nosuchbucket")
    with pytest.raises(Invalid, match="remote bucket"):
        sim.set_filesystem_tiering(admin, fs.uid, "obs-dr")

    assert unknown.value.field == "obs_name"
    assert not sim.filesystem(fs.uid).is_tiered


def test_uploading_from_a_filesystem_without_a_bucket_is_refused(sim, admin):
    fs = sim.add_filesystem("home", "default", 10 * GIB, used_total_bytes=1 * GIB)
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))

    with pytest.raises(Invalid, match="home is not tiered: cannot upload from it"):
        sim.upload_snapshot(admin, snap.uid)


def test_uploading_a_writable_snapshot_is_refused(sim, admin, data):
    clone = sim.create_snapshot(
        admin, SnapshotSpec(filesystem_uid=data.uid, name="sandbox", is_writable=True)
    )

    with pytest.raises(Invalid, match="A writable snapshot cannot be uploaded"):
        sim.upload_snapshot(admin, clone.uid)


def test_uploading_twice_is_refused_once_synchronized(sim, admin, advance):
    fs = sim.add_filesystem("home", "default", 10 * GIB, used_total_bytes=100 * MIB, remote_bucket="obs-dr")
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))
    sim.upload_snapshot(admin, snap.uid)
    advance(5)

    with pytest.raises(Conflict, match="already uploaded"):
        sim.upload_snapshot(admin, snap.uid)


def test_deleting_a_filesystem_that_has_snapshots_is_refused(sim, admin, advance, data):
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=data.uid, name="keep-me"))

    with pytest.raises(Conflict) as refused:
        sim.delete_filesystem(admin, data.uid)

    assert "still has 1 snapshot; delete them first" in refused.value.message
    assert sim.filesystem(data.uid).is_ready
    sim.delete_snapshot(admin, snap.uid)
    advance(10)
    sim.delete_filesystem(admin, data.uid)
    assert sim.filesystem(data.uid).is_removing
    advance(5)
    assert sim.filesystems() == []
    with pytest.raises(NotFound):
        sim.filesystem(data.uid)


def test_duplicate_snapshot_names_and_access_points_are_conflicts(sim, admin, data):
    sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=data.uid, name="s1", access_point="ap1"))

    with pytest.raises(Conflict, match="named s1"):
        sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=data.uid, name="s1", access_point="ap2"))
    with pytest.raises(Conflict, match="access point ap1"):
        sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=data.uid, name="s2", access_point="ap1"))


def test_a_filesystem_being_created_cannot_be_snapshotted_yet(sim, admin, advance):
    created = sim.create_filesystem(admin, FilesystemSpec("new", "default", 10 * GIB))

    assert created.is_creating and created.status == "CREATING"
    with pytest.raises(Conflict, match="still being created"):
        sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=created.uid, name="s1"))
    advance(3)
    assert sim.filesystem(created.uid).is_ready


def test_unknown_uids_are_not_found(sim, admin):
    with pytest.raises(NotFound):
        sim.delete_snapshot(admin, "no-such-uid")
    with pytest.raises(NotFound):
        sim.resize_filesystem(admin, "no-such-uid", 10 * GIB)


ACTIONS = {
    "create_filesystem": lambda sim, who, fs, snap: sim.create_filesystem(
        who, FilesystemSpec("x", "default", GIB)
    ),
    "resize_filesystem": lambda sim, who, fs, snap: sim.resize_filesystem(who, fs.uid, 2 * TIB),
    "set_filesystem_tiering": lambda sim, who, fs, snap: sim.set_filesystem_tiering(who, fs.uid, None),
    "delete_filesystem": lambda sim, who, fs, snap: sim.delete_filesystem(who, fs.uid),
    "create_snapshot": lambda sim, who, fs, snap: sim.create_snapshot(who, SnapshotSpec(fs.uid, "s2")),
    "delete_snapshot": lambda sim, who, fs, snap: sim.delete_snapshot(who, snap.uid),
    "restore_snapshot": lambda sim, who, fs, snap: sim.restore_snapshot(who, snap.uid),
    "upload_snapshot": lambda sim, who, fs, snap: sim.upload_snapshot(who, snap.uid),
    "create_filesystem_from_snapshot": lambda sim, who, fs, snap: sim.create_filesystem_from_snapshot(
        who, FilesystemFromSnapshotSpec("y", "default", TIB, 10 * GIB, "obs-local", "any")
    ),
    "mute_alert": lambda sim, who, fs, snap: sim.mute_alert(who, "NotEnoughSSDCapacity", 60),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_researcher_may_not_change_weka(sim, researcher, data, action):
    snap = sim.add_snapshot("data", "s1")
    before = (sim.filesystems(), sim.snapshots())

    with pytest.raises(Forbidden) as refused:
        ACTIONS[action](sim, researcher, data, snap)

    assert refused.value.status == 403
    assert "bob" in refused.value.message
    assert (sim.filesystems(), sim.snapshots()) == before
