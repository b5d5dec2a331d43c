"""Snapshot schedules in the simulator: what the admin can do to them (list, create, edit, delete, run
once) and what the cluster then does (takes, keeps, uploads), with WEKA-style refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model import StowStatus, UploadSite
from console.model.schedules import ScheduleEvery, SnapshotScheduleSpec
from console.sim.weka_units import GIB, TIB


@pytest.fixture
def data(sim):
    """A tiered filesystem with a remote bucket too: both upload sites."""
    return sim.add_filesystem(
        "data",
        "fast",
        1 * TIB,
        ssd_bytes=100 * GIB,
        used_total_bytes=1 * GIB,
        obs_bucket="obs-local",
        remote_bucket="obs-dr",
    )


def every_minutes(fs_uid: str, minutes: int, **changes: object) -> SnapshotScheduleSpec:
    """`often`: every `minutes`, keep 3, unless `changes` say otherwise."""
    spec = SnapshotScheduleSpec(fs_uid, "often", ScheduleEvery.INTERVAL, interval_minutes=minutes, keep=3)
    return replace(spec, **changes)  # type: ignore[arg-type]


def names(sim, prefix: str) -> list[str]:
    return sorted(s.name for s in sim.snapshots() if s.name.startswith(prefix) and not s.is_removing)


def test_a_new_schedule_runs_on_the_clock_and_keeps_the_newest(sim, admin, advance, data):
    created = sim.create_snapshot_schedule(admin, every_minutes(data.uid, 10))
    assert created.next_run_at.isoformat() == "2026-11-23T09:10:00+00:00"
    assert created.kept == 0 and sim.snapshot_schedules() == [created]

    advance(45 * 60)  # runs at 09:10, :20, :30, :40; keeps three
    assert names(sim, "often-") == ["often-20261123-0920", "often-20261123-0930", "often-20261123-0940"]
    [schedule] = sim.snapshot_schedules()
    assert schedule.kept == 3 and schedule.last_run_at.isoformat() == "2026-11-23T09:40:00+00:00"


def test_an_uploading_schedule_uploads_each_snapshot(sim, admin, advance, data):
    sim.create_snapshot_schedule(admin, every_minutes(data.uid, 5, upload_site=UploadSite.REMOTE))
    advance(6 * 60)
    [snapshot] = [s for s in sim.snapshots() if s.name.startswith("often-")]
    assert [(u.site, u.status) for u in snapshot.uploads] in (
        [("REMOTE", StowStatus.UPLOADING)],
        [("REMOTE", StowStatus.SYNCHRONIZED)],
    )


def test_edit_changes_timing_and_a_smaller_keep_trims(sim, admin, advance, data):
    schedule = sim.create_snapshot_schedule(admin, every_minutes(data.uid, 10))
    advance(35 * 60)
    assert len(names(sim, "often-")) == 3
    daily = SnapshotScheduleSpec(data.uid, "often", ScheduleEvery.DAILY, at_minute=120, keep=1)
    edited = sim.update_snapshot_schedule(admin, schedule.uid, daily)
    assert edited.next_run_at.isoformat() == "2026-11-24T02:00:00+00:00"
    advance(2)
    assert names(sim, "often-") == ["often-20261123-0930"]  # the two oldest are being deleted


def test_run_once_takes_a_snapshot_now_named_to_the_second(sim, admin, advance, data):
    schedule = sim.create_snapshot_schedule(admin, every_minutes(data.uid, 60, upload_site=UploadSite.LOCAL))
    taken = sim.run_snapshot_schedule(admin, schedule.uid)
    assert taken.name == "often-20261123-090000"
    assert taken.stow_status is StowStatus.UPLOADING  # uploaded as a scheduled run would be
    assert sim.snapshot_schedule(schedule.uid).next_run_at == schedule.next_run_at  # timing unchanged
    with pytest.raises(Conflict, match="already ran this second"):
        sim.run_snapshot_schedule(admin, schedule.uid)


def test_delete_stops_it_and_keeps_its_snapshots(sim, admin, advance, data):
    schedule = sim.create_snapshot_schedule(admin, every_minutes(data.uid, 10))
    advance(11 * 60)
    sim.delete_snapshot_schedule(admin, schedule.uid)
    advance(30 * 60)
    assert names(sim, "often-") == ["often-20261123-0910"]
    with pytest.raises(NotFound):
        sim.delete_snapshot_schedule(admin, schedule.uid)


def test_refusals(sim, admin, researcher, data):
    bare = sim.add_filesystem("bare", "default", 1 * TIB, used_total_bytes=1 * GIB)
    with pytest.raises(Forbidden):
        sim.create_snapshot_schedule(researcher, every_minutes(data.uid, 10))
    with pytest.raises(Invalid, match="1 to 1440 minutes"):
        sim.create_snapshot_schedule(admin, every_minutes(data.uid, 0))
    with pytest.raises(Invalid, match="not tiered: cannot upload"):
        sim.create_snapshot_schedule(admin, every_minutes(bare.uid, 10, upload_site=UploadSite.LOCAL))
    sim.create_snapshot_schedule(admin, every_minutes(data.uid, 10))
    with pytest.raises(Conflict, match="already has a snapshot schedule named often"):
        sim.create_snapshot_schedule(admin, every_minutes(data.uid, 20))
    with pytest.raises(NotFound):
        sim.create_snapshot_schedule(admin, every_minutes("no-such-uid", 10))


def test_a_deleted_filesystem_takes_its_schedules(sim, admin, advance):
    fs = sim.add_filesystem("gone", "default", 1 * TIB, used_total_bytes=1 * GIB)
    sim.create_snapshot_schedule(admin, every_minutes(fs.uid, 10))
    sim.delete_filesystem(admin, fs.uid)
    advance(5)
    assert sim.snapshot_schedules() == []
