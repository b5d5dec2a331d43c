"""Quota semantics: deserved first, borrowing idle GPUs up to the limit, sharing by over-quota weight."""

from __future__ import annotations

from runai_tiny import ADMIN, Tiny, quota

from console.model import PhaseReason, WorkloadPhase


def test_project_under_its_deserved_quota_gets_gpus_before_an_over_quota_borrower(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=4)
    tiny.project("team-a", quota("h100", 4))
    tiny.project("borrower", quota("h100", 0))
    for index in range(4):  # the borrower even asks first
        tiny.submit(f"borrow-{index}", "borrower")
    for index in range(4):
        tiny.submit(f"train-{index}", "team-a")
    tiny.advance(3)

    assert sorted(tiny.bound("team-a")) == ["train-0", "train-1", "train-2", "train-3"]
    assert tiny.bound("borrower") == []
    waiting = tiny.workload("borrow-0", "borrower")
    assert waiting.phase is WorkloadPhase.PENDING
    assert "over its fair share" in waiting.phase_message


def test_project_borrows_idle_gpus_over_its_quota_up_to_its_limit(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("team-a", quota("h100", 2, limit=5))
    for index in range(7):
        tiny.submit(f"train-{index}", "team-a")
    tiny.advance(3)

    assert len(tiny.bound("team-a")) == 5  # 2 deserved + 3 borrowed, although 8 GPUs are idle
    assert tiny.allocated("team-a", "h100") == 5
    over = tiny.workload("train-6", "team-a")
    assert over.phase is WorkloadPhase.PENDING
    assert over.phase_reason is PhaseReason.OVER_LIMIT
    assert "limit of 5 GPUs" in over.phase_message


def test_request_beyond_the_limit_pends_with_over_limit_even_on_an_idle_cluster(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("team-a", quota("h100", 1, limit=2))
    tiny.submit("big", "team-a", 4)
    tiny.advance(3)

    big = tiny.workload("big", "team-a")
    assert big.phase is WorkloadPhase.PENDING
    assert big.phase_reason is PhaseReason.OVER_LIMIT


def test_idle_gpus_are_shared_between_borrowers_by_over_quota_weight(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("light", quota("h100", 0, weight=1))
    tiny.project("heavy", quota("h100", 0, weight=3))
    for index in range(8):
        tiny.submit(f"l-{index}", "light")
        tiny.submit(f"h-{index}", "heavy")
    tiny.advance(3)

    assert len(tiny.bound("light")) == 2
    assert len(tiny.bound("heavy")) == 6


def test_department_limit_caps_the_sum_of_its_projects(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    department = tiny.sim.add_department("capped", [quota("h100", 2, limit=3)])
    tiny.sim.add_project("p1", department, [quota("h100", 1)])
    tiny.sim.add_project("p2", department, [quota("h100", 1)])
    for index in range(3):
        tiny.submit(f"a-{index}", "p1")
        tiny.submit(f"b-{index}", "p2")
    tiny.advance(3)

    assert len(tiny.bound("p1")) + len(tiny.bound("p2")) == 3
    pending = [w for w in tiny.sim.workloads(ADMIN) if w.phase is WorkloadPhase.PENDING]
    assert pending and all(w.phase_reason is PhaseReason.OVER_LIMIT for w in pending)
    assert "department capped" in pending[0].phase_message


def test_raising_a_quota_lets_pending_work_start_without_waiting_for_a_tick(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=8)
    project_id = tiny.project("team-a", quota("h100", 1, limit=1))
    tiny.submit("first", "team-a")
    tiny.submit("second", "team-a")
    tiny.advance(3)
    assert tiny.phase("second", "team-a") is WorkloadPhase.PENDING

    tiny.sim.update_project_quotas(ADMIN, project_id, [quota("h100", 2, limit=2)])
    tiny.sim.schedule()

    assert tiny.phase("second", "team-a") is WorkloadPhase.INITIALIZING
    project = next(p for p in tiny.sim.projects(ADMIN) if p.name == "team-a")
    assert project.quota_for("h100").deserved_gpus == 2
