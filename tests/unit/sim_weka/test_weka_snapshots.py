"""Snapshots as an admin sees them: instant, free until the filesystem changes, restorable."""

from __future__ import annotations

from datetime import timedelta

from console.model import SnapshotSpec, StowStatus
from console.sim.weka_units import GIB, MIB, TIB


def test_snapshot_is_instant_and_takes_no_space(sim, admin):
    fs = sim.add_filesystem("home", "default", 10 * TIB, used_total_bytes=4 * TIB)

    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="before-upgrade"))

    after = sim.filesystem(fs.uid)
    assert after.used_total_bytes == fs.used_total_bytes
    assert after.used_ssd_bytes == fs.used_ssd_bytes
    assert after.snapshot_count == 1
    assert snap.created_at == sim.now()  # no time had to pass
    assert snap.stow_status is StowStatus.NONE
    assert snap.upload_progress_percent is None
    assert snap.locator == ""
    assert snap.access_point == "@GMT-2026.11.23-09.00.00"
    assert sim.snapshots(fs.uid) == [snap]


def test_snapshot_keeps_the_content_while_the_filesystem_grows(sim, admin, advance):
    fs = sim.add_filesystem(
        "home", "default", 10 * TIB, used_total_bytes=4 * TIB, write_bytes_per_second=10 * MIB
    )
    sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))

    advance(100)

    assert sim.filesystem(fs.uid).used_total_bytes == 4 * TIB + 100 * 10 * MIB


def test_restore_puts_the_snapshots_content_back(sim, admin, advance):
    fs = sim.add_filesystem(
        "home", "default", 10 * TIB, used_total_bytes=4 * TIB, write_bytes_per_second=10 * MIB
    )
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="good-state"))
    version_at_snapshot = sim.filesystem_content_version(fs.uid)
    advance(60)
    assert sim.filesystem(fs.uid).used_total_bytes > fs.used_total_bytes
    assert sim.filesystem_content_version(fs.uid) != version_at_snapshot

    restored = sim.restore_snapshot(admin, snap.uid)

    assert restored.used_total_bytes == fs.used_total_bytes
    assert restored.used_ssd_bytes == fs.used_ssd_bytes
    assert sim.filesystem_content_version(fs.uid) == version_at_snapshot
    assert sim.events(1)[0].type == "SnapshotFilesystemRestored"
    assert sim.snapshots(fs.uid)[0].uid == snap.uid  # the snapshot itself is kept


def test_restore_of_a_tiered_filesystem_keeps_its_tiers_consistent(sim, admin, advance):
    fs = sim.add_filesystem(
        "data",
        "fast",
        10 * TIB,
        ssd_bytes=2 * TIB,
        used_total_bytes=6 * TIB,
        used_ssd_bytes=1 * TIB,
        obs_bucket="obs-local",
        write_bytes_per_second=50 * MIB,
    )
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))
    advance(30)

    restored = sim.restore_snapshot(admin, snap.uid)

    assert restored.used_total_bytes == fs.used_total_bytes
    assert restored.used_ssd_bytes <= restored.ssd_budget_bytes
    assert restored.used_object_bytes >= restored.used_total_bytes - restored.used_ssd_bytes


def test_writable_snapshots_exist(sim, admin):
    fs = sim.add_filesystem("models", "default", 1 * TIB, used_total_bytes=100 * GIB)

    clone = sim.create_snapshot(
        admin, SnapshotSpec(filesystem_uid=fs.uid, name="sandbox", access_point="sandbox", is_writable=True)
    )

    assert clone.is_writable
    assert clone.access_point == "sandbox"


def test_deleted_snapshot_shows_removing_then_disappears(sim, admin, advance):
    fs = sim.add_filesystem("home", "default", 1 * TIB, used_total_bytes=100 * GIB)
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="old"))

    sim.delete_snapshot(admin, snap.uid)

    assert sim.snapshot(snap.uid).is_removing
    assert sim.filesystem(fs.uid).snapshot_count == 1
    advance(10)
    assert sim.snapshots(fs.uid) == []
    assert sim.snapshots() == []
    assert sim.filesystem(fs.uid).snapshot_count == 0
    assert sim.events(1)[0].type == "SnapshotDeleted"


def test_back_dated_snapshots_hold_the_older_content(sim, clock, admin):
    fs = sim.add_filesystem(
        "logs", "default", 10 * TIB, used_total_bytes=1 * TIB, write_bytes_per_second=1 * MIB
    )

    snap = sim.add_snapshot("logs", "an-hour-ago", created_at=clock.now() - timedelta(hours=1))

    assert snap.access_point == "@GMT-2026.11.23-08.00.00"
    assert sim.restore_snapshot(admin, snap.uid).used_total_bytes == fs.used_total_bytes - 3600 * MIB
