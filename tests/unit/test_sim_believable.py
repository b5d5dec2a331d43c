"""The demo stays believable when left running (`rwc --demo --clock-speed 60` shows an hour a minute).

Its GPUs stay busy as a shared cluster's do, what waits in the queue could run some day, and the
scheduled WEKA snapshots have one snapshot per period, with the schedule's retention.
The simulator is advanced as the demo backend does at that speed: a catch-up of a few simulated
minutes per poll.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from console.model import GpuRequestKind, NodeStatus, Role, StowStatus, Workload, WorkloadPhase
from console.sim.clock import DEFAULT_START
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

POLL_SECONDS = 150.0
"""What one catch-up of the demo backend moves the clock at --clock-speed 60 (a poll every 2.5 s)."""
SAMPLE_EVERY_POLLS = 2
"""A sample every 5 simulated minutes."""
BUSY_FRACTION = 0.6
"""Allocated GPUs per usable GPU below which a busy cluster looks drained."""


@dataclass(frozen=True)
class Sample:
    at: datetime
    allocated: float
    usable: int
    pending: list[Workload]
    never_runnable: list[str]


def _usable_gpus(simulator: Simulator) -> int:
    """GPUs new work can land on: Ready, not cordoned, not draining."""
    return sum(
        node.gpu_count
        for node in simulator.runai.nodes()
        if node.status is NodeStatus.READY and not node.cordoned and not node.draining
    )


def _why_never_runnable(simulator: Simulator, workload: Workload) -> str | None:
    """Why no node pool could ever run `workload`, even empty, within its project's quota; None if one could.

    Written from the API's objects (nodes, GPUs, projects, departments), not from the simulator's
    scheduler, so it checks the generator rather than repeating it.
    """
    runai = simulator.runai
    admin = runai.identity_for(None, Role.ADMIN)
    project = next(p for p in runai.projects(admin) if p.id == workload.project_id)
    department = next(d for d in runai.departments(admin) if d.id == project.department_id)
    request, pods = workload.gpu_request, workload.requested_pods
    reasons = []
    for pool in workload.requested_node_pools:
        nodes = [
            node
            for node in runai.nodes()
            if node.node_pool == pool and node.status is NodeStatus.READY and not node.cordoned
        ]
        memory = {
            node.name: max((g.memory_total_mib for g in runai.gpus(node.name)), default=0) for node in nodes
        }
        if request.kind is GpuRequestKind.DEVICES:
            fits = any(node.gpu_count >= request.devices for node in nodes)
            fits = fits and request.devices * pods <= sum(node.gpu_count for node in nodes)
            gpus = float(request.devices * pods)
        elif request.kind is GpuRequestKind.PORTION:
            fits = any(node.gpu_count for node in nodes)
            gpus = request.portion * pods
        else:
            holders = [node for node in nodes if memory[node.name] >= request.memory_mib]
            fits = bool(holders)
            gpus = min(1.0, request.memory_mib / memory[holders[0].name]) * pods if holders else 0.0
        if not fits:
            reasons.append(f"{pool}: no schedulable node can hold one pod")
            continue
        quota = project.quota_for(pool)
        dept_quota = next((q for q in department.quotas if q.node_pool == pool), None)
        if quota is not None and 0 <= quota.limit_gpus < gpus:
            reasons.append(f"{pool}: {gpus:g} GPUs is over the project limit {quota.limit_gpus:g}")
        elif dept_quota is not None and 0 <= dept_quota.limit_gpus < gpus:
            reasons.append(f"{pool}: {gpus:g} GPUs is over the department limit {dept_quota.limit_gpus:g}")
        elif not workload.preemptible and gpus > (quota.deserved_gpus if quota else 0.0):
            reasons.append(f"{pool}: non-preemptible {gpus:g} GPUs is over the deserved quota")
        else:
            return None
    return "; ".join(reasons) or "no node pool"


def _sample(simulator: Simulator) -> Sample:
    runai = simulator.runai
    pending = [
        w for w in runai.workloads(runai.identity_for(None, Role.ADMIN)) if w.phase is WorkloadPhase.PENDING
    ]
    never = [
        f"{w.project_name}/{w.name}: {why}" for w in pending if (why := _why_never_runnable(simulator, w))
    ]
    return Sample(
        at=simulator.clock.now(),
        allocated=sum(node.allocated_gpus for node in runai.nodes()),
        usable=_usable_gpus(simulator),
        pending=pending,
        never_runnable=never,
    )


def _run(hours: float, start: datetime = DEFAULT_START) -> tuple[Simulator, list[Sample]]:
    simulator = build_simulator("demo", start=start)
    samples = [_sample(simulator)]
    for poll in range(1, int(hours * 3600 / POLL_SECONDS) + 1):
        simulator.advance(POLL_SECONDS)
        if poll % SAMPLE_EVERY_POLLS == 0:
            samples.append(_sample(simulator))
    return simulator, samples


@pytest.fixture(scope="module")
def six_hours() -> tuple[Simulator, list[Sample]]:
    """Six simulated hours of the demo (six minutes of `--clock-speed 60`), sampled every 5 minutes."""
    return _run(6.0)


# -- Run:ai ---------------------------------------------------------------------------------------
def test_the_gpus_stay_busy_while_the_demo_runs(six_hours: tuple[Simulator, list[Sample]]) -> None:
    _, samples = six_hours

    drained = [
        f"{s.at:%H:%M} {s.allocated:.1f}/{s.usable} allocated, {len(s.pending)} pending"
        for s in samples
        if s.allocated < BUSY_FRACTION * s.usable
    ]
    assert not drained, "the cluster drained: " + "; ".join(drained)
    assert all(s.allocated <= s.usable + 8 for s in samples)  # + the cordoned node's running work
    assert max(len(s.pending) for s in samples) >= 1, "a busy cluster has a queue"


def test_everything_that_waits_could_run_some_day(six_hours: tuple[Simulator, list[Sample]]) -> None:
    _, samples = six_hours

    never = sorted({line for s in samples for line in s.never_runnable})
    assert not never, "pending work that no node pool and quota could ever run:\n" + "\n".join(never)


def test_users_keep_submitting_and_their_notebooks_end(six_hours: tuple[Simulator, list[Sample]]) -> None:
    simulator, _ = six_hours
    runai = simulator.runai
    workloads = runai.workloads(runai.identity_for(None, Role.ADMIN))
    last_hour = simulator.clock.now() - timedelta(hours=1)

    assert sum(w.created_at >= last_hour for w in workloads) >= 10, "submissions dried up"
    notebooks = [w for w in workloads if re.fullmatch(r"notebook-[a-z]+-\d+", w.name)]  # the users'

    assert notebooks and all(w.created_at >= simulator.clock.now() - timedelta(hours=3) for w in notebooks), (
        "simulated users' notebooks pile up instead of being deleted when their users are done"
    )
    assert len(workloads) < 250, "the list grows without end"


# -- WEKA -----------------------------------------------------------------------------------------
def _period_gaps(
    simulator: Simulator, prefix: str, period: timedelta, name_format: str
) -> dict[str, list[str]]:
    """Per filesystem with `prefix-` snapshots: the periods begun since its first one that have none."""
    now = simulator.clock.now()
    gaps: dict[str, list[str]] = {}
    by_fs: dict[str, list[datetime]] = {}
    for snapshot in simulator.weka.snapshots(None):
        if snapshot.name.startswith(f"{prefix}-") and not snapshot.is_removing:
            started = datetime.strptime(snapshot.name[len(prefix) + 1 :], name_format).replace(tzinfo=UTC)
            assert started <= snapshot.created_at < started + period, snapshot.name
            by_fs.setdefault(snapshot.filesystem_name, []).append(started)
    for fs, starts in by_fs.items():
        expected, missing = min(starts), []
        while expected <= now:
            if expected not in starts:
                missing.append(f"{prefix}-{expected:{name_format}}")
            expected += period
        if missing:
            gaps[fs] = missing
    return gaps


def test_hourly_snapshots_have_no_gap_after_an_hour() -> None:
    simulator = build_simulator("demo")
    before = {s.name for s in simulator.weka.snapshots(None)}
    for _ in range(int(3600 / POLL_SECONDS)):
        simulator.advance(POLL_SECONDS)

    assert not _period_gaps(simulator, "hourly", timedelta(hours=1), "%Y%m%d-%H%M")
    assert {"hourly-20261123-0900", "hourly-20261123-1000"} <= {
        s.name for s in simulator.weka.snapshots(None)
    }
    assert "hourly-20261123-0900" not in before, "the start at a frozen clock is as it was"
    uploaded = {
        s.filesystem_name
        for s in simulator.weka.snapshots(None)
        if s.name == "hourly-20261123-0900" and s.stow_status is StowStatus.SYNCHRONIZED
    }
    assert uploaded == {"datasets", "checkpoints", "home"}, "each scheduled upload happens, if later"


def test_a_demo_started_mid_hour_has_this_hours_snapshot() -> None:
    simulator = build_simulator("demo", start=datetime(2026, 12, 1, 14, 23, 17, tzinfo=UTC))

    assert not _period_gaps(simulator, "hourly", timedelta(hours=1), "%Y%m%d-%H%M")
    simulator.advance(3600)
    assert not _period_gaps(simulator, "hourly", timedelta(hours=1), "%Y%m%d-%H%M")


def test_a_day_later_the_history_is_gapless_within_retention() -> None:
    """WEKA half alone (the Run:ai half does not change what it does): hourly keeps 24, nightly 7."""
    simulator = build_simulator("demo")
    weka, clock = simulator.weka, simulator.clock
    for _ in range(26 * 3600):  # to 11:00 the next day: past 02:00, and 24 hourly ones
        clock.advance(1)
        weka.step(1)

    assert not _period_gaps(simulator, "hourly", timedelta(hours=1), "%Y%m%d-%H%M")
    assert not _period_gaps(simulator, "nightly", timedelta(days=1), "%Y%m%d")
    kept: dict[tuple[str, str], int] = {}
    for snapshot in weka.snapshots(None):
        if not snapshot.is_removing:
            key = (snapshot.filesystem_name, snapshot.name.split("-")[0])
            kept[key] = kept.get(key, 0) + 1
    assert {kept[fs, "hourly"] for fs in ("datasets", "checkpoints", "home", "scratch", "models")} == {24}
    nightly = {fs: kept[fs, "nightly"] for fs in ("datasets", "checkpoints", "home", "models")}
    # One new night each; models keeps three un-uploaded nightlies from before the start (the RPO story).
    assert nightly == {"datasets": 5, "checkpoints": 3, "home": 4, "models": 4}
    assert all(
        s.stow_status is StowStatus.SYNCHRONIZED
        for s in weka.snapshots(None)
        if s.name == "nightly-20261124" and s.filesystem_name != "models"
    )
