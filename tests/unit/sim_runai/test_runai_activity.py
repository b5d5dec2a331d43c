"""The demo's simulated users: they ask only for what their project could ever get, and end notebooks."""

from __future__ import annotations

from runai_tiny import A100, ADMIN, GPU_MIB, Tiny, quota

from console.model import GpuRequestKind, Identity, PhaseReason, WorkloadPhase, WorkloadSpec, WorkloadType
from console.sim.runai_scenarios import DemoActivity

USERS = ["ana@acme.ai", "ben@acme.ai"]


def _cluster() -> tuple[Tiny, list[WorkloadSpec]]:
    """`small`: one 2-GPU node; `big`: one 8-GPU node and one MIG node. `lab` has no deserved quota and a
    1-GPU limit in `small`; `team` has deserved quota in `big`. Every submission is recorded."""
    tiny = Tiny(seed=3)
    tiny.pool("small", nodes=1, gpus=2)
    tiny.pool("big", nodes=1, gpus=8)
    tiny.sim.add_node("big-mig", "big", A100, 8, GPU_MIB, mig=True)
    tiny.project("lab", quota("small", 0, limit=1), quota("big", 0), members=USERS)
    tiny.project("team", quota("small", 0), quota("big", 4), members=USERS)
    submitted: list[WorkloadSpec] = []
    submit = tiny.sim.submit_workload

    def recording(actor: Identity, spec: WorkloadSpec) -> str:
        submitted.append(spec)
        return submit(actor, spec)

    tiny.sim.submit_workload = recording  # type: ignore[method-assign]
    tiny.sim.activity = DemoActivity(submit_every_seconds=15.0)
    return tiny, submitted


def test_users_never_submit_what_their_project_could_never_run() -> None:
    tiny, submitted = _cluster()

    tiny.advance(2 * 3600)

    assert len(submitted) >= 50
    for spec in submitted:
        [pool] = spec.node_pools
        request = spec.gpu_request
        if request.kind is GpuRequestKind.DEVICES:
            assert request.devices <= (2 if pool == "small" else 8), spec
            if spec.project_name == "lab" and pool == "small":
                assert request.devices <= 1, f"over the project's limit: {spec}"
        non_preemptible = spec.preemptible is False or (
            spec.preemptible is None and spec.type is WorkloadType.WORKSPACE
        )
        if non_preemptible:
            assert (spec.project_name, pool) == ("team", "big"), f"no deserved quota to run it: {spec}"
    never = {PhaseReason.NON_PREEMPTIBLE_OVER_QUOTA}
    stuck = [w.name for w in tiny.sim.workloads(ADMIN) if w.phase_reason in never]
    assert not stuck


def test_users_delete_their_notebooks_when_done_with_them() -> None:
    tiny, submitted = _cluster()

    tiny.advance(3 * 3600)

    notebooks = [spec.name for spec in submitted if spec.type is WorkloadType.WORKSPACE]
    assert len(notebooks) >= 5
    running = {w.name: w for w in tiny.sim.workloads(ADMIN) if w.type is WorkloadType.WORKSPACE}
    gone = [name for name in notebooks if name not in running]
    assert len(gone) >= len(notebooks) // 2, "notebooks live for ever"
    longest = 90 * 60  # the notebook template's longest life, plus time spent pending
    for workload in running.values():
        if workload.phase is WorkloadPhase.RUNNING:
            age = (tiny.clock.now() - workload.created_at).total_seconds()
            assert age < longest + 3600, workload.name
