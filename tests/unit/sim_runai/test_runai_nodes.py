"""Node pools, cordon, drain (the runai=drain:NoExecute taint) and nodes that stop reporting."""

from __future__ import annotations

import pytest
from runai_tiny import A100, ADMIN, BOUND, Tiny, quota

from console.data.errors import Forbidden, NotFound
from console.model import DRAIN_TAINT, AlertSeverity, Identity, NodeStatus, Role, WorkloadPhase, WorkloadType

RESEARCHER = Identity(user="alice@acme.ai", role=Role.RESEARCHER, project_names=("team-a",))


def _two_pools(tiny: Tiny) -> None:
    tiny.pool("a100", nodes=1, gpus=8, model=A100)
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("a100", 8), quota("h100", 2), members=["alice@acme.ai"])


def test_a_workload_for_the_h100_pool_never_lands_on_an_a100_node(tiny: Tiny) -> None:
    _two_pools(tiny)
    tiny.submit("fills-h100", "team-a", 2, pools=["h100"])
    tiny.submit("wants-h100", "team-a", 1, pools=["h100"])
    tiny.advance(3)

    assert tiny.workload("fills-h100", "team-a").node_names == ("h100-1",)
    waiting = tiny.workload("wants-h100", "team-a")
    assert waiting.phase is WorkloadPhase.PENDING  # 8 A100s idle, and still it waits for an H100
    assert waiting.requested_node_pools == ("h100",)
    assert all(
        allocation.workload_name != "wants-h100"
        for gpu in tiny.sim.gpus("a100-1")
        for allocation in gpu.allocations
    )


def test_a_workload_naming_no_pool_goes_where_its_project_has_quota(tiny: Tiny) -> None:
    _two_pools(tiny)
    tiny.submit("anywhere", "team-a", 1)
    tiny.advance(3)

    anywhere = tiny.workload("anywhere", "team-a")
    assert anywhere.requested_node_pools == ("a100", "h100")  # most deserved quota first
    assert anywhere.current_node_pool == "a100"


def test_a_cordoned_node_keeps_its_work_and_takes_no_new_work(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=2, gpus=2)
    tiny.project("team-a", quota("h100", 4))
    tiny.submit("before", "team-a", 1)
    tiny.advance(3)
    node = tiny.workload("before", "team-a").node_names[0]

    cordoned = tiny.sim.cordon_node
    cordoned(ADMIN, node)
    assert tiny.sim.node(node).cordoned
    for index in range(3):
        tiny.submit(f"after-{index}", "team-a", 1)
    tiny.advance(3)

    assert tiny.phase("before", "team-a") in BOUND  # cordoning evicts nothing
    placed = [tiny.workload(f"after-{index}", "team-a") for index in range(3)]
    assert [w.node_names for w in placed if w.phase in BOUND] == [("h100-2",), ("h100-2",)]
    assert sum(w.phase is WorkloadPhase.PENDING for w in placed) == 1

    tiny.sim.uncordon_node(ADMIN, node)
    tiny.sim.schedule()
    assert all(tiny.phase(f"after-{index}", "team-a") in BOUND for index in range(3))


def test_draining_moves_training_off_the_node_and_requeues_it(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=2, gpus=2)
    tiny.project("team-a", quota("h100", 4))
    tiny.submit("train", "team-a", 1)
    tiny.submit("notebook", "team-a", 1, kind=WorkloadType.WORKSPACE)
    tiny.advance(3)
    node = tiny.workload("train", "team-a").node_names[0]
    assert tiny.workload("notebook", "team-a").node_names == (node,)  # bin-packed together

    tiny.sim.drain_node(ADMIN, node)
    tiny.sim.schedule()

    drained = tiny.sim.node(node)
    assert DRAIN_TAINT in drained.taints and drained.draining
    train = tiny.workload("train", "team-a")
    assert train.phase is WorkloadPhase.TERMINATING
    evicted = [event for event in train.events if event.reason == "Evicted"]
    assert evicted and node in evicted[0].message and "runai=drain:NoExecute" in evicted[0].message
    assert tiny.workload("notebook", "team-a").node_names == (node,)  # non-preemptible work stays

    tiny.advance(4)
    moved = tiny.workload("train", "team-a")
    assert moved.phase in BOUND and moved.node_names != (node,)
    assert any(event.reason == "Requeued" for event in moved.events)

    tiny.sim.undrain_node(ADMIN, node)
    assert not tiny.sim.node(node).draining


def test_a_node_that_stops_reporting_raises_an_alert_and_takes_no_work(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2))
    tiny.sim.set_node_status("h100-1", NodeStatus.NOT_READY)
    tiny.submit("stuck", "team-a", 1)
    tiny.advance(3)

    assert tiny.phase("stuck", "team-a") is WorkloadPhase.PENDING
    alerts = tiny.sim.alerts()
    assert [(alert.source, alert.severity, alert.title) for alert in alerts] == [
        ("runai", AlertSeverity.MAJOR, "Node h100-1 is NotReady")
    ]
    assert tiny.sim.node("h100-1").status is NodeStatus.NOT_READY
    assert tiny.sim.gpus("h100-1")[0].utilization_percent is None  # N/A, not 0
    assert tiny.sim.node_pools()[0].phase == "Unschedulable"


def test_node_actions_need_an_administrator_and_an_existing_node(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2), members=["alice@acme.ai"])
    for action in (tiny.sim.cordon_node, tiny.sim.uncordon_node, tiny.sim.drain_node, tiny.sim.undrain_node):
        with pytest.raises(Forbidden, match="requires an administrator"):
            action(RESEARCHER, "h100-1")
    with pytest.raises(NotFound):
        tiny.sim.cordon_node(ADMIN, "no-such-node")


def test_a_cpu_only_workload_runs_on_a_cpu_node_and_evicts_nobody(tiny: Tiny) -> None:
    tiny.pool("default", nodes=1, gpus=0)
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2))
    tiny.submit("tokenize", "team-a", 0)
    tiny.advance(3)

    tokenize = tiny.workload("tokenize", "team-a")
    assert tokenize.requested_node_pools[0] == "default"
    assert tokenize.node_names == ("default-1",) and tokenize.allocated_gpus == 0
    assert tiny.sim.node("default-1").allocated_cpu_millicores > 0
