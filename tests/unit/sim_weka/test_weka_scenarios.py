"""The demo and large scenarios, determinism, activity metrics, and the cost of a tick at scale."""

from __future__ import annotations

import random
import re

import pytest

from console.model import SnapshotSpec, StowStatus, WekaClusterStatus
from console.sim.clock import Clock
from console.sim.scenarios import build_simulator
from console.sim.weka import WekaSim
from console.sim.weka_metrics import HISTORY_SECONDS
from console.sim.weka_scenarios import populate_demo, populate_large
from console.sim.weka_units import GB, MB, TIB

ACCESS_POINT = re.compile(r"^@GMT-\d{4}\.\d\d\.\d\d-\d\d\.\d\d\.\d\d$")


def demo(seed: int = 7) -> tuple[Clock, WekaSim]:
    clock = Clock()
    sim = WekaSim(clock, random.Random(seed))
    populate_demo(sim)
    return clock, sim


def run(clock: Clock, sim: WekaSim, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(1)
        sim.step(1)


def test_demo_cluster_looks_like_production():
    _, sim = demo()

    cluster = sim.cluster()
    assert (cluster.name, cluster.release, cluster.status, cluster.io_status) == (
        "weka-prod",
        "4.4.2.157",
        WekaClusterStatus.OK,
        "STARTED",
    )
    assert 0 < cluster.unprovisioned_capacity_bytes < cluster.total_capacity_bytes
    assert cluster.latest is not None and len(sim.metrics(600)) == HISTORY_SECONDS
    assert {g.name for g in sim.filesystem_groups()} == {"default", "tiered"}
    buckets = {b.name: b for b in sim.buckets()}
    assert (buckets["obs-local"].obs_site, buckets["obs-local"].status) == ("local", "UP")
    assert buckets["obs-local"].bandwidth_bytes_per_second == 500 * MB
    assert buckets["obs-dr"].obs_site == "remote"
    filesystems = {fs.name: fs for fs in sim.filesystems()}
    assert len(filesystems) >= 5
    assert filesystems["datasets"].total_budget_bytes == 200 * TIB and filesystems["datasets"].is_tiered
    assert filesystems["checkpoints"].total_budget_bytes == 100 * TIB and filesystems["checkpoints"].is_tiered
    assert not filesystems["home"].is_tiered
    assert [(a.type, a.description.split()[1]) for a in sim.alerts()] == [
        ("TieredFilesystemOverfillingSSD", "scratch")
    ]
    assert cluster.active_alerts_count == 1


def test_demo_snapshots_have_one_upload_in_flight_that_finishes_within_minutes():
    clock, sim = demo()

    snapshots = sim.snapshots()
    assert 18 <= len(snapshots) <= 24
    assert all(ACCESS_POINT.match(s.access_point) for s in snapshots)
    synchronized = [s for s in snapshots if s.stow_status is StowStatus.SYNCHRONIZED]
    assert len(synchronized) >= 5 and all(s.locator for s in synchronized)
    assert any(s.is_writable for s in snapshots)
    [uploading] = [s for s in snapshots if s.stow_status is StowStatus.UPLOADING]
    assert uploading.upload_progress_percent == pytest.approx(40.0)

    run(clock, sim, 6 * 60)  # beside the 09:00 hourly upload of datasets to the same bucket

    done = sim.snapshot(uploading.uid)
    assert done.stow_status is StowStatus.SYNCHRONIZED and done.locator
    assert sim.filesystem(done.filesystem_uid).last_uploaded_snapshot_at == done.created_at


def test_demo_takes_and_uploads_hourly_snapshots():
    clock, sim = demo()
    before = len(sim.snapshots())

    run(clock, sim, 3600)

    taken = [s for s in sim.snapshots() if s.name == "hourly-20261123-1000"]
    assert len(taken) == 5
    assert len(sim.snapshots()) == before + 10  # 09:00 (taken on the first tick) and 10:00, five each
    assert {s.filesystem_name for s in taken if s.stow_status is StowStatus.UPLOADING} == {
        "datasets",
        "checkpoints",
        "home",
    }


def test_same_seed_and_same_steps_give_equal_objects(admin):
    def history(seed: int):
        clock, sim = demo(seed)
        run(clock, sim, 120)
        fs = next(f for f in sim.filesystems() if f.name == "models")
        snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="manual"))
        run(clock, sim, 60)
        clock.advance(30)
        sim.step(30)  # one big step equals thirty small ones
        return (
            sim.cluster(),
            sim.filesystems(),
            sim.snapshots(),
            sim.alerts(),
            sim.metrics(600),
            sim.events(100),
            sim.tasks(),
            snap,
        )

    first, second = history(7), history(7)

    assert first == second
    assert history(8)[4] != first[4]  # another seed, another IO history


def test_metrics_are_one_sample_per_second_for_ten_minutes_and_believable():
    clock, sim = demo()

    run(clock, sim, 700)

    samples = sim.metrics(3600)
    assert len(samples) == HISTORY_SECONDS
    assert samples[-1].at == clock.now()
    assert all((b.at - a.at).total_seconds() == 1 for a, b in zip(samples, samples[1:], strict=False))
    assert len(sim.metrics(60)) == 60
    reads = [s.read_bytes_per_second for s in samples]
    assert 5 * GB < min(reads) < max(reads) < 30 * GB  # jitters around the 14 GB/s profile
    assert len(set(reads)) > 500
    assert all(50 <= s.latency_microseconds < 1000 for s in samples)
    assert all(s.iops > 0 for s in samples)
    assert sim.cluster().latest == samples[-1]


def test_large_scenario_builds_and_a_tick_rebuilds_only_what_changed():
    """The large scenario's cost is a benchmark's to measure (`benchmarks/bench_scale.py`), not a timed
    test's: what keeps a tick cheap is that views of what did not change are reused, which this checks."""
    clock = Clock()
    sim = WekaSim(clock, random.Random(7))
    populate_large(sim)

    assert len(sim.filesystems()) == 200
    snapshots = sim.snapshots()
    assert len(snapshots) == 10_000
    assert sum(s.stow_status is StowStatus.UPLOADING for s in snapshots) == 3

    run(clock, sim, 100)

    again = sim.snapshots()
    unchanged = [a is b for a, b in zip(snapshots, again, strict=True)]
    assert sum(not same for same in unchanged) == 3  # only the uploading ones were rebuilt
    assert sim.snapshots()[0] is again[0]  # a second read reuses the views


def test_the_simulator_steps_the_weka_half_however_time_is_split():
    whole = build_simulator("demo", seed=3)
    pieces = build_simulator("demo", seed=3)
    [uploading] = [s for s in whole.weka.snapshots() if s.stow_status is StowStatus.UPLOADING]

    whole.advance(360)
    for _ in range(720):
        pieces.advance(0.5)

    assert whole.weka.snapshot(uploading.uid).stow_status is StowStatus.SYNCHRONIZED
    assert whole.weka.filesystems() == pieces.weka.filesystems()
    assert whole.weka.snapshots() == pieces.weka.snapshots()
    assert whole.weka.metrics(600) == pieces.weka.metrics(600)
    assert whole.weka.cluster() == pieces.weka.cluster()
