"""Workloads walk the real phase enum; suspend, resume, delete; trainings complete and free their GPUs."""

from __future__ import annotations

import pytest
from runai_tiny import ADMIN, BOUND, Tiny, quota

from console.data.errors import Conflict, NotFound
from console.model import WorkloadPhase, WorkloadType


@pytest.fixture
def team(tiny: Tiny) -> Tiny:
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2))
    return tiny


def _phases_over(tiny: Tiny, name: str, seconds: int) -> list[WorkloadPhase]:
    """The distinct phases seen once per simulated second, in order."""
    seen = [tiny.phase(name, "team-a")]
    for _ in range(seconds):
        tiny.advance(1)
        phase = tiny.phase(name, "team-a")
        if phase is not seen[-1]:
            seen.append(phase)
    return seen


def test_a_training_walks_creating_pending_initializing_running_completed(team: Tiny) -> None:
    team.submit("short", "team-a", 1, duration=30)

    assert _phases_over(team, "short", 60) == [
        WorkloadPhase.CREATING,
        WorkloadPhase.PENDING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
        WorkloadPhase.COMPLETED,
    ]
    done = team.workload("short", "team-a")
    assert done.completed_at is not None and done.allocated_gpus == 0 and done.node_names == ()
    assert [event.reason for event in done.events][-1] == "Completed"


def test_a_completed_training_frees_its_gpus_for_the_next_one(team: Tiny) -> None:
    team.submit("first", "team-a", 2, duration=20)
    team.submit("second", "team-a", 2, duration=20)
    team.advance(5)
    assert team.phase("second", "team-a") is WorkloadPhase.PENDING

    team.advance(40)

    assert team.phase("first", "team-a") is WorkloadPhase.COMPLETED
    assert team.phase("second", "team-a") in BOUND
    assert team.allocated("team-a", "h100") == 2


def test_suspend_stops_the_workload_and_frees_its_gpus_and_resume_brings_it_back(team: Tiny) -> None:
    workload_id = team.submit("train", "team-a", 2)
    team.advance(20)
    assert team.phase("train", "team-a") is WorkloadPhase.RUNNING

    team.sim.suspend_workload(ADMIN, workload_id)
    assert team.phase("train", "team-a") is WorkloadPhase.STOPPING
    team.advance(4)
    stopped = team.workload("train", "team-a")
    assert stopped.phase is WorkloadPhase.STOPPED
    assert stopped.allocated_gpus == 0 and stopped.pods == ()
    assert all(gpu.allocations == () for gpu in team.sim.gpus())

    team.sim.resume_workload(ADMIN, workload_id)
    assert team.phase("train", "team-a") is WorkloadPhase.RESUMING
    assert _phases_over(team, "train", 25)[1:] == [
        WorkloadPhase.PENDING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
    ]
    reasons = [event.reason for event in team.workload("train", "team-a").events]
    assert "Suspending" in reasons and "Stopped" in reasons and "Resuming" in reasons


def test_delete_removes_the_workload_and_frees_its_gpus(team: Tiny) -> None:
    workload_id = team.submit("train", "team-a", 2)
    team.advance(20)

    team.sim.delete_workload(ADMIN, workload_id)
    assert team.phase("train", "team-a") is WorkloadPhase.DELETING
    team.advance(4)

    with pytest.raises(NotFound):
        team.sim.workload(ADMIN, workload_id)
    assert all(w.name != "train" for w in team.sim.workloads(ADMIN))
    assert team.allocated("team-a", "h100") == 0
    team.submit("train", "team-a", 1)  # the name is free again


def test_suspending_a_finished_workload_is_a_conflict_that_says_why(team: Tiny) -> None:
    workload_id = team.submit("short", "team-a", 1, duration=10)
    team.advance(40)
    assert team.phase("short", "team-a") is WorkloadPhase.COMPLETED

    with pytest.raises(Conflict, match="finished workload cannot be suspended"):
        team.sim.suspend_workload(ADMIN, workload_id)


def test_resuming_a_workload_that_is_not_suspended_is_a_conflict(team: Tiny) -> None:
    workload_id = team.submit("train", "team-a", 1)
    team.advance(3)
    with pytest.raises(Conflict, match="not suspended"):
        team.sim.resume_workload(ADMIN, workload_id)
    team.sim.suspend_workload(ADMIN, workload_id)
    with pytest.raises(Conflict, match="already suspended"):
        team.sim.suspend_workload(ADMIN, workload_id)
    team.sim.delete_workload(ADMIN, workload_id)
    with pytest.raises(Conflict, match="already being deleted"):
        team.sim.delete_workload(ADMIN, workload_id)


def test_a_pending_workload_can_be_suspended_before_it_ever_ran(team: Tiny) -> None:
    team.submit("blocker", "team-a", 2)
    waiting = team.submit("waiting", "team-a", 2)
    team.advance(3)
    team.sim.suspend_workload(ADMIN, waiting)
    team.advance(2)
    assert team.phase("waiting", "team-a") is WorkloadPhase.STOPPED
    assert team.sim.workload_logs(ADMIN, waiting) == []


def test_training_logs_show_epochs_loss_and_throughput(team: Tiny) -> None:
    workload_id = team.submit("llama3-8b-sft", "team-a", 2, duration=600)
    team.advance(120)

    logs = team.sim.workload_logs(ADMIN, workload_id)
    assert any("llama" in line.lower() for line in logs[:8])
    steps = [line for line in logs if "| loss " in line]
    assert len(steps) >= 15
    assert all("epoch" in line and "samples/s" in line for line in steps)
    first_loss = float(steps[0].split("| loss ")[1].split()[0])
    last_loss = float(steps[-1].split("| loss ")[1].split()[0])
    assert last_loss < first_loss  # it learns
    team.advance(10)
    longer = team.sim.workload_logs(ADMIN, workload_id)
    assert longer[: len(logs)] == logs  # a follower sees only new lines appended


def test_logs_are_bounded_to_the_last_five_thousand_lines(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=1)
    tiny.project("team-a", quota("h100", 1))
    tiny.sim.add_workload(
        "marathon", "team-a", gpu=1, phase=WorkloadPhase.RUNNING, run_seconds=3 * 86400.0,
        duration_seconds=4 * 86400.0,
    )  # fmt: skip
    workload = tiny.workload("marathon", "team-a")

    logs = tiny.sim.workload_logs(ADMIN, workload.id)
    assert len(logs) == 5000
    assert "| loss " in logs[-1]


def test_workspace_and_inference_logs_look_like_their_servers(team: Tiny) -> None:
    notebook = team.submit("jupyter-alice", "team-a", 0.5, kind=WorkloadType.WORKSPACE)
    server = team.submit("llm-serve", "team-a", 1, kind=WorkloadType.INFERENCE)
    team.advance(200)

    assert any("Jupyter Server" in line for line in team.sim.workload_logs(ADMIN, notebook))
    assert any("tokens/s" in line for line in team.sim.workload_logs(ADMIN, server))


def test_a_follower_gets_new_lines_even_after_the_tail_is_full(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=1)
    tiny.project("team-a", quota("h100", 1))
    tiny.sim.add_workload(
        "marathon", "team-a", gpu=1, phase=WorkloadPhase.RUNNING, run_seconds=86400.0,
        duration_seconds=4 * 86400.0,
    )  # fmt: skip
    workload_id = tiny.workload("marathon", "team-a").id
    _, seen = tiny.sim.workload_logs_after(ADMIN, workload_id, 0)
    assert seen > 5000

    tiny.advance(10)
    fresh, total = tiny.sim.workload_logs_after(ADMIN, workload_id, seen)

    assert total == seen + 2 and len(fresh) == 2  # one training line every 5 s
    assert fresh == tiny.sim.workload_logs(ADMIN, workload_id)[-2:]
