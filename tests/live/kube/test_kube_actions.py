"""Cordon, uncordon, drain, undrain and evict through KubeClient change the simulator exactly as the demo
backend does: two identical simulators, one behind the Kubernetes face and one behind the demo backend, get
the same actions and must end up in the same state (nodes and every workload)."""

from __future__ import annotations

import pytest
from kube_fixtures import ADMIN, RESEARCHER_TOKEN, SECRET_TOKENS, KubeEnv, as_on_wire

from console.backends.demo import DemoBackend
from console.backends.live.kube import KubeClient
from console.data.errors import Conflict, Forbidden, NotFound, RateLimited
from console.model.runai import DRAIN_TAINT, WorkloadPhase, WorkloadType
from console.sim.http.base import Fault, FaultKind
from console.sim.simulator import Simulator


def same_state(live: Simulator, demo: Simulator) -> None:
    assert live.runai.nodes() == demo.runai.nodes()
    live_workloads, demo_workloads = live.runai.workloads(ADMIN), demo.runai.workloads(ADMIN)
    assert [w.id for w in live_workloads] == [w.id for w in demo_workloads]
    for ours, theirs in zip(live_workloads, demo_workloads, strict=True):
        differ = {
            f: (getattr(ours, f), getattr(theirs, f))
            for f in ours.__dataclass_fields__
            if getattr(ours, f) != getattr(theirs, f)
        }
        assert not differ, (ours.name, differ)
    assert live.runai.projects(ADMIN) == demo.runai.projects(ADMIN)


async def test_node_actions_change_the_simulator_as_the_demo_backend_does(
    kube_env: KubeEnv, client: KubeClient, twin: DemoBackend
) -> None:
    same_state(kube_env.sim, twin.simulator)
    steps = [
        ("cordon_node", "dgx-a100-01"),
        ("cordon_node", "dgx-a100-01"),  # again: nothing changes
        ("uncordon_node", "dgx-a100-02"),  # cordoned in the scenario
        ("drain_node", "dgx-h100-01"),  # preemptible work moves off and requeues
        ("drain_node", "dgx-h100-01"),
        ("drain_node", "dgx-a100-03"),
        ("undrain_node", "dgx-h100-01"),
        ("undrain_node", "dgx-h100-01"),
        ("uncordon_node", "dgx-a100-01"),
    ]
    for action, node in steps:
        live_node = await getattr(client, action)(node)
        demo_node = await getattr(twin, action)(node)
        assert live_node == as_on_wire(demo_node), (action, node)
        same_state(kube_env.sim, twin.simulator)
        with kube_env.host.lock:
            kube_env.sim.advance(7)
        twin.simulator.advance(7)
        same_state(kube_env.sim, twin.simulator)
    assert DRAIN_TAINT in (await client.node("dgx-a100-03")).taints
    assert (await client.node("dgx-a100-03")).draining


async def test_draining_moved_work_in_both(kube_env: KubeEnv, client: KubeClient, twin: DemoBackend) -> None:
    before = {w.id: w.phase for w in kube_env.sim.runai.workloads(ADMIN) if "dgx-h100-02" in w.node_names}
    assert any(phase is WorkloadPhase.RUNNING for phase in before.values())
    await client.drain_node("dgx-h100-02")
    await twin.drain_node("dgx-h100-02")
    after = {w.id: w for w in kube_env.sim.runai.workloads(ADMIN) if w.id in before}
    moved = [w for w in after.values() if w.preemptible and w.phase is WorkloadPhase.TERMINATING]
    assert moved, "preemptible work on a drained node is evicted"
    assert all(w.phase is not WorkloadPhase.TERMINATING for w in after.values() if not w.preemptible)
    same_state(kube_env.sim, twin.simulator)


async def test_a_researcher_may_not_change_nodes(kube_env: KubeEnv, twin: DemoBackend) -> None:
    researcher = kube_env.client(RESEARCHER_TOKEN)
    try:
        for action in ("cordon_node", "drain_node", "uncordon_node", "undrain_node"):
            with pytest.raises(Forbidden) as raised:
                await getattr(researcher, action)("dgx-a100-01")
            assert 'cannot patch resource "nodes"' in str(raised.value)
            assert not any(token in str(raised.value) for token in SECRET_TOKENS)
        assert len(await researcher.nodes()) == 11  # reading is allowed
    finally:
        await researcher.aclose()
    same_state(kube_env.sim, twin.simulator)


async def test_drain_retries_when_the_node_changed_meanwhile(kube_env: KubeEnv, client: KubeClient) -> None:
    kube_env.server.faults.add(Fault(FaultKind.STATUS, r"^/api/v1/nodes/dgx-a100-01$", "PATCH", 409, times=2))
    node = await client.drain_node("dgx-a100-01")
    assert node.draining
    patches = [p for m, p in kube_env.server.requests_seen if m == "PATCH"]
    assert len(patches) == 3


async def test_drain_gives_up_after_repeated_conflicts(kube_env: KubeEnv, client: KubeClient) -> None:
    kube_env.server.faults.add(Fault(FaultKind.STATUS, r"^/api/v1/nodes/dgx-a100-01$", "PATCH", 409))
    with pytest.raises(Conflict):
        await client.drain_node("dgx-a100-01")
    assert not kube_env.sim.runai.node("dgx-a100-01").draining


async def test_a_stale_resource_version_is_a_real_conflict(kube_env: KubeEnv, client: KubeClient) -> None:
    """The face refuses a patch whose metadata.resourceVersion is not the node's (optimistic concurrency)."""
    from kubernetes.client.exceptions import ApiException

    core = client._core  # noqa: SLF001 - the raw call shows the face's behaviour, not the client's retry
    with pytest.raises(ApiException) as raised:
        core.patch_node("dgx-a100-01", {"metadata": {"resourceVersion": "1"}, "spec": {"taints": []}})
    assert raised.value.status == 409
    assert "the object has been modified" in (raised.value.body or "")


async def test_changing_other_taints_is_refused_by_the_simulator(client: KubeClient) -> None:
    from kubernetes.client.exceptions import ApiException

    taints = [{"key": "nvidia.com/gpu", "effect": "NoSchedule"}]
    with pytest.raises(ApiException) as raised:
        client._core.patch_node("dgx-a100-01", {"spec": {"taints": taints}})  # noqa: SLF001
    assert raised.value.status == 422


async def test_evicting_a_preemptible_pod_requeues_its_workload(
    kube_env: KubeEnv, client: KubeClient
) -> None:
    sim = kube_env.sim
    workload = next(
        w
        for w in sim.runai.workloads(ADMIN)
        if w.phase is WorkloadPhase.RUNNING and w.preemptible and w.type is WorkloadType.TRAINING
    )
    namespace = next(p.namespace for p in sim.runai.projects(ADMIN) if p.name == workload.project_name)
    pod = sim.runai.workload(ADMIN, workload.id).pods[0]
    await client.evict_pod(namespace, pod.name, grace_period_seconds=0)
    assert sim.runai.workload(ADMIN, workload.id).phase is WorkloadPhase.TERMINATING
    with kube_env.host.lock:
        sim.advance(5)
    assert sim.runai.workload(ADMIN, workload.id).phase in (
        WorkloadPhase.PENDING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
    )


async def test_evicting_a_protected_pod_is_refused_with_the_budgets_reason(
    kube_env: KubeEnv, client: KubeClient
) -> None:
    sim = kube_env.sim
    workload = next(
        w for w in sim.runai.workloads(ADMIN) if w.phase is WorkloadPhase.RUNNING and not w.preemptible
    )
    namespace = next(p.namespace for p in sim.runai.projects(ADMIN) if p.name == workload.project_name)
    pod = sim.runai.workload(ADMIN, workload.id).pods[0]
    with pytest.raises(RateLimited) as raised:
        await client.evict_pod(namespace, pod.name)
    assert raised.value.status == 429
    assert "disruption budget" in str(raised.value)
    assert f"{workload.name}-pdb" in str(raised.value)
    assert sim.runai.workload(ADMIN, workload.id).phase is WorkloadPhase.RUNNING


async def test_evicting_a_pod_that_is_gone_counts_as_done(client: KubeClient) -> None:
    assert await client.evict_pod("runai-vision", "no-such-pod") is None


async def test_a_researcher_may_not_evict(kube_env: KubeEnv) -> None:
    researcher = kube_env.client(RESEARCHER_TOKEN)
    try:
        with pytest.raises(Forbidden):
            await researcher.evict_pod("runai-speech", "anything")
    finally:
        await researcher.aclose()


async def test_actions_on_a_missing_node(client: KubeClient) -> None:
    for action in ("cordon_node", "uncordon_node", "drain_node", "undrain_node"):
        with pytest.raises(NotFound):
            await getattr(client, action)("no-such-node")
