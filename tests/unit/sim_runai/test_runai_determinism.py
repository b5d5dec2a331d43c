"""Same seed and same clock steps give the same state, however the time was split into calls."""

from __future__ import annotations

from console.model import Role
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator


def _snapshot(simulator: Simulator) -> dict[str, object]:
    runai = simulator.runai
    admin = runai.identity_for(None, Role.ADMIN)
    workloads = runai.workloads(admin)
    return {
        "workloads": workloads,
        "details": [runai.workload(admin, w.id) for w in workloads],
        "projects": runai.projects(admin),
        "departments": runai.departments(admin),
        "nodes": runai.nodes(),
        "pools": runai.node_pools(),
        "gpus": runai.gpus(),
        "alerts": runai.alerts(),
        "logs": [runai.workload_logs(admin, w.id)[-50:] for w in workloads[::6]],
        "describe": [runai.describe_workload(admin, w.id) for w in workloads[:10]],
    }


def test_same_seed_and_same_steps_give_the_same_state() -> None:
    first = build_simulator("demo", seed=11)
    second = build_simulator("demo", seed=11)
    assert _snapshot(first) == _snapshot(second)

    for _ in range(600):
        first.advance(1.0)
    for _ in range(240):
        second.advance(2.5)  # same total time in uneven real-time-like steps

    assert first.clock.now() == second.clock.now()
    assert _snapshot(first) == _snapshot(second)


def test_a_different_seed_gives_a_different_history() -> None:
    first = build_simulator("demo", seed=11)
    second = build_simulator("demo", seed=12)
    first.advance(900)
    second.advance(900)
    ids = {w.id for w in first.runai.workloads(first.runai.identity_for(None, Role.ADMIN))}
    other = {w.id for w in second.runai.workloads(second.runai.identity_for(None, Role.ADMIN))}
    assert ids != other
