"""Reclaim and preemption: who gets evicted, who never does, and what the user is told."""

from __future__ import annotations

from runai_tiny import ADMIN, BOUND, Tiny, quota

from console.model import PhaseReason, WorkloadPhase, WorkloadType


def _borrower_fills_the_pool(tiny: Tiny, gpus: int = 4) -> None:
    tiny.pool("h100", nodes=1, gpus=gpus)
    tiny.project("team-a", quota("h100", 2))
    tiny.project("borrower", quota("h100", 0))
    for index in range(gpus):
        tiny.submit(f"borrow-{index}", "borrower")
    tiny.advance(3)
    assert len(tiny.bound("borrower")) == gpus


def test_under_quota_project_reclaims_gpus_by_preempting_over_quota_training(tiny: Tiny) -> None:
    _borrower_fills_the_pool(tiny)
    tiny.submit("urgent-0", "team-a")
    tiny.submit("urgent-1", "team-a")
    tiny.advance(2)

    assert sorted(tiny.bound("team-a")) == ["urgent-0", "urgent-1"]
    victims = [w for w in tiny.sim.workloads(ADMIN) if w.project_name == "borrower" and w.allocated_gpus == 0]
    assert len(victims) == 2  # only as many as team-a needs
    assert len(tiny.bound("borrower")) == 2
    victim = tiny.sim.workload(ADMIN, victims[0].id)
    preempted = [event for event in victim.events if event.reason == "Preempted"]
    assert preempted and "team-a" in preempted[0].message and preempted[0].type == "Warning"

    tiny.advance(3)  # pods terminate, the training queues again
    assert tiny.sim.workload(ADMIN, victims[0].id).phase is WorkloadPhase.PENDING


def test_preempted_training_resumes_from_its_checkpoint(tiny: Tiny) -> None:
    _borrower_fills_the_pool(tiny, gpus=1)
    tiny.advance(60)
    tiny.submit("urgent", "team-a")
    tiny.advance(3)
    victim = tiny.workload("borrow-0", "borrower")
    logs = tiny.sim.workload_logs(ADMIN, victim.id)
    assert any("preempted by the Run:ai scheduler" in line for line in logs)

    tiny.sim.delete_workload(ADMIN, tiny.workload("urgent", "team-a").id)
    tiny.advance(30)
    assert tiny.phase("borrow-0", "borrower") is WorkloadPhase.RUNNING
    logs = tiny.sim.workload_logs(ADMIN, victim.id)
    assert any("resuming from checkpoint" in line for line in logs)


def test_workspaces_are_not_preempted_even_when_a_reclaim_stays_unmet(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=4)
    tiny.project("team-a", quota("h100", 3))
    tiny.project("notebooks", quota("h100", 2))
    tiny.submit("jupyter-1", "notebooks", kind=WorkloadType.WORKSPACE)
    tiny.submit("jupyter-2", "notebooks", kind=WorkloadType.WORKSPACE)
    tiny.submit("extra-1", "notebooks")
    tiny.submit("extra-2", "notebooks")
    tiny.advance(3)
    assert len(tiny.bound("notebooks")) == 4

    tiny.submit("needs-three", "team-a", 3)
    tiny.advance(3)

    # Evicting both trainings frees only 2 GPUs and the workspaces never go, so nobody is evicted.
    assert sorted(tiny.bound("notebooks")) == ["extra-1", "extra-2", "jupyter-1", "jupyter-2"]
    assert tiny.phase("needs-three", "team-a") is WorkloadPhase.PENDING
    assert "Not enough resources" in tiny.workload("needs-three", "team-a").phase_message

    tiny.submit("needs-two", "team-a", 2)
    tiny.advance(5)
    assert tiny.phase("jupyter-1", "notebooks") in BOUND
    assert tiny.phase("jupyter-2", "notebooks") in BOUND
    assert tiny.phase("needs-two", "team-a") in BOUND
    assert tiny.phase("extra-1", "notebooks") is WorkloadPhase.PENDING


def test_non_preemptible_request_beyond_deserved_quota_pends_with_its_reason(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("team-a", quota("h100", 1))
    tiny.submit("big-notebook", "team-a", 2, kind=WorkloadType.WORKSPACE)
    tiny.advance(3)

    notebook = tiny.workload("big-notebook", "team-a")
    assert notebook.phase is WorkloadPhase.PENDING  # 8 GPUs idle, but only 1 is deserved
    assert notebook.phase_reason is PhaseReason.NON_PREEMPTIBLE_OVER_QUOTA
    assert not notebook.preemptible


def test_higher_priority_workspace_preempts_a_training_of_its_own_project(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2))
    tiny.submit("train-0", "team-a")
    tiny.submit("train-1", "team-a")
    tiny.advance(3)
    tiny.submit("notebook", "team-a", kind=WorkloadType.WORKSPACE)
    tiny.advance(2)

    assert tiny.phase("notebook", "team-a") in BOUND
    evicted = [name for name in ("train-0", "train-1") if name not in tiny.bound("team-a")]
    assert len(evicted) == 1
    events = tiny.workload(evicted[0], "team-a").events
    assert any("higher-priority workload notebook" in event.message for event in events)


def test_preempting_a_distributed_workload_takes_all_its_pods(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=2, gpus=2)
    tiny.project("team-a", quota("h100", 1))
    tiny.project("borrower", quota("h100", 0))
    tiny.submit("ddp", "borrower", 2, kind=WorkloadType.DISTRIBUTED, workers=2)
    tiny.advance(3)
    assert all(pod.node_name for pod in tiny.workload("ddp", "borrower").pods)

    tiny.submit("small", "team-a", 1)
    tiny.advance(2)

    ddp = tiny.workload("ddp", "borrower")
    assert ddp.phase is WorkloadPhase.TERMINATING
    assert ddp.allocated_gpus == 0 and all(pod.node_name is None for pod in ddp.pods)
    assert tiny.phase("small", "team-a") in BOUND
