"""The demo scenario shows every phase and kind of sharing and lives; the large one is fast enough."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from console.model import NodeStatus, PhaseReason, Role, WorkloadPhase, WorkloadType
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator


@pytest.fixture(scope="module")
def demo() -> Simulator:
    return build_simulator("demo")


def test_the_demo_shows_every_phase_and_both_pending_reasons(demo: Simulator) -> None:
    admin = demo.runai.identity_for(None, Role.ADMIN)
    workloads = demo.runai.workloads(admin)
    phases = Counter(w.phase for w in workloads)

    assert 35 <= len(workloads) <= 60
    for phase in (
        WorkloadPhase.CREATING, WorkloadPhase.PENDING, WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING,
        WorkloadPhase.DEGRADED, WorkloadPhase.COMPLETED, WorkloadPhase.FAILED, WorkloadPhase.STOPPED,
    ):  # fmt: skip
        assert phases[phase] >= 1, phase
    reasons = {w.phase_reason for w in workloads if w.phase is WorkloadPhase.PENDING}
    assert {PhaseReason.OVER_LIMIT, PhaseReason.NON_PREEMPTIBLE_OVER_QUOTA} <= reasons
    assert {w.type for w in workloads} == set(WorkloadType)
    assert any(w.type is WorkloadType.DISTRIBUTED and w.requested_pods == 4 for w in workloads)
    requeued = [w for w in workloads if w.phase is WorkloadPhase.PENDING and w.name == "bert4rec-train"]
    events = demo.runai.workload(admin, requeued[0].id).events
    assert any(event.reason == "Preempted" for event in events)


def test_the_demo_cluster_has_shared_gpus_mig_slices_and_sick_nodes(demo: Simulator) -> None:
    gpus = demo.runai.gpus()
    assert any(len(gpu.allocations) >= 3 for gpu in gpus)  # a half and two quarters
    assert any(allocation.mig_profile for gpu in gpus for allocation in gpu.allocations)
    nodes = demo.runai.nodes()
    assert sum(node.status is NodeStatus.NOT_READY for node in nodes) == 1
    assert sum(node.cordoned for node in nodes) == 1
    assert {pool.name for pool in demo.runai.node_pools()} == {"default", "a100", "h100"}
    assert len(demo.runai.projects(demo.runai.identity_for(None, Role.ADMIN))) >= 6
    assert any(alert.source == "runai" for alert in demo.runai.alerts())


def test_the_demo_changes_within_minutes() -> None:
    simulator = build_simulator("demo")
    admin = simulator.runai.identity_for(None, Role.ADMIN)
    before = {w.name: w.phase for w in simulator.runai.workloads(admin)}

    simulator.advance(600)

    after = {w.name: w for w in simulator.runai.workloads(admin)}
    finished = [
        name for name, phase in before.items() if phase is WorkloadPhase.RUNNING and after[name].is_terminal
    ]
    assert finished, "some trainings end in the first ten minutes"
    assert set(after) - set(before), "simulated users submit new work"
    reclaimer = after["llama3-8b-dpo"]
    assert reclaimer.phase is WorkloadPhase.RUNNING
    victim = simulator.runai.workload(admin, after["resnet50-ddp"].id)
    assert any(e.reason == "Preempted" and "llm-pretrain" in e.message for e in victim.events)


@pytest.fixture(scope="module")
def large() -> tuple[Simulator, float, float]:
    """The large scenario with its build time: CPU seconds (what the build costs, whatever else runs on
    this 2-core machine at the same time) and wall-clock seconds (reported)."""
    cpu, wall = time.process_time(), time.perf_counter()
    simulator = build_simulator("large")
    return simulator, time.process_time() - cpu, time.perf_counter() - wall


def test_the_large_scenario_builds_in_under_three_seconds(large: tuple[Simulator, float, float]) -> None:
    simulator, cpu_seconds, wall_seconds = large
    assert cpu_seconds < 3.0, (
        f"build_simulator('large') took {cpu_seconds:.2f}s CPU ({wall_seconds:.2f}s wall)"
    )
    runai = simulator.runai
    assert len(runai.nodes()) == 1000
    assert sum(node.gpu_count for node in runai.nodes()) == 8000
    assert len(runai.workloads(runai.identity_for(None, Role.ADMIN))) == 20_000


def test_the_large_scenario_lists_from_cache_and_steps_cheaply(large: tuple[Simulator, float, float]) -> None:
    simulator, _, _ = large
    runai = simulator.runai
    admin = runai.identity_for(None, Role.ADMIN)
    first = runai.workloads(admin)
    simulator.advance(30)  # past the first passes that settle the initial reclaims

    started = time.process_time()
    for _ in range(20):
        simulator.advance(1.0)
    per_step = (time.process_time() - started) / 20
    started = time.process_time()
    again = runai.workloads(admin)
    listing = time.process_time() - started

    assert per_step < 0.05, f"one simulated second of the large cluster took {per_step * 1000:.0f} ms"
    assert listing < 0.05, f"listing 20,000 workloads took {listing * 1000:.0f} ms"
    unchanged = [w for w in again if w.phase is WorkloadPhase.COMPLETED][:100]
    by_id = {w.id: w for w in first}
    assert all(by_id[w.id] is w for w in unchanged)  # unchanged workloads are the very same objects
