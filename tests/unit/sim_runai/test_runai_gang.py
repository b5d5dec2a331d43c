"""Gang scheduling: a distributed workload starts with all its pods or with none."""

from __future__ import annotations

from runai_tiny import BOUND, Tiny, quota

from console.model import WorkloadPhase, WorkloadType


def test_distributed_workload_starts_all_its_pods_or_none(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=2, gpus=4)
    tiny.project("team-a", quota("h100", 8))
    tiny.submit("blocker", "team-a", 2, duration=60)
    tiny.advance(3)
    tiny.submit("ddp", "team-a", 2, kind=WorkloadType.DISTRIBUTED, workers=4)
    tiny.advance(5)

    ddp = tiny.workload("ddp", "team-a")
    assert ddp.phase is WorkloadPhase.PENDING  # 6 GPUs free: 3 of 4 pods would fit, so none start
    assert all(pod.node_name is None for pod in ddp.pods)
    assert ddp.allocated_gpus == 0
    assert "4 pods x 2 GPUs" in ddp.phase_message

    tiny.advance(90)  # the blocker completes and frees its GPUs

    ddp = tiny.workload("ddp", "team-a")
    assert ddp.phase in BOUND
    assert len(ddp.pods) == 4 and all(pod.node_name for pod in ddp.pods)
    assert sorted({pod.node_name for pod in ddp.pods}) == ["h100-1", "h100-2"]
    scheduled = [event for event in ddp.events if event.reason == "Scheduled"]
    assert scheduled and "all 4 pods together" in scheduled[-1].message


def test_distributed_workload_runs_then_completes_with_every_pod(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=2, gpus=4)
    tiny.project("team-a", quota("h100", 8))
    tiny.submit("ddp", "team-a", 2, kind=WorkloadType.DISTRIBUTED, workers=4, duration=30)
    tiny.advance(25)
    running = tiny.workload("ddp", "team-a")
    assert running.phase is WorkloadPhase.RUNNING and running.running_pods == 4

    tiny.advance(40)
    done = tiny.workload("ddp", "team-a")
    assert done.phase is WorkloadPhase.COMPLETED
    assert all(pod.k8s_phase == "Succeeded" for pod in done.pods)
    assert sum(gpu.allocated_fraction for gpu in tiny.sim.gpus()) == 0
