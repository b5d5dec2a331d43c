"""Changing the simulated cluster with a real kubectl, and seeing each change from rwc's side.

Every action goes through kubectl against `rwc sim serve`'s face; the check goes through rwc's own live
Kubernetes client (`KubeClient`, the same kubeconfig, TLS) or the simulator behind both, so a change kubectl
makes is one rwc shows. The clock is frozen; tests that need time to pass move it from their `tick`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from kubectl_env import Kubectl, rows

from console.backends.live.kube import KubeClient
from console.model.runai import DRAIN_TAINT, WorkloadPhase, WorkloadType
from console.model.storage import ClaimSpec
from console.sim.http.kubeconfig import DEFAULT_CONTEXT
from console.sim.runai_views import pod_views
from console.wire.kube_static_volumes import static_claim_json, static_pair, static_volume_json


@pytest.fixture
async def rwc(kubectl: Kubectl) -> AsyncIterator[KubeClient]:
    """rwc's live Kubernetes client on the same served cluster."""
    client = KubeClient(kubectl.kubeconfig, DEFAULT_CONTEXT, request_timeout=(5.0, 20.0))
    try:
        yield client
    finally:
        await client.aclose()


def _tick(kubectl: Kubectl, seconds: float = 0.5):  # noqa: ANN202 - a small closure factory
    def tick() -> None:
        with kubectl.served.locked() as sim:
            sim.advance(seconds)

    return tick


def _quiet_gpu_node(kubectl: Kubectl, *, avoid: set[str]) -> str:
    """A GPU node that is neither cordoned nor draining, and not in `avoid`."""
    with kubectl.served.locked() as sim:
        return next(
            node.name
            for node in sim.runai.state.nodes.values()
            if node.gpus
            and not node.unschedulable
            and DRAIN_TAINT not in node.taints
            and node.name not in avoid
        )


def _drainable_node(kubectl: Kubectl) -> tuple[str, dict[str, str]]:
    """A schedulable node holding only preemptible running work (no disruption budget refuses an
    eviction there), with its pods: pod name -> workload id."""
    with kubectl.served.locked() as sim:
        state = sim.runai.state
        for node in state.nodes.values():
            if node.unschedulable or DRAIN_TAINT in node.taints:
                continue
            pods = {
                pod.name: workload.id
                for workload in state.workloads.values()
                for pod in workload.pods
                if pod.node_name == node.name
            }
            workloads = [state.workloads[workload_id] for workload_id in set(pods.values())]
            if pods and all(w.preemptible and w.phase is WorkloadPhase.RUNNING for w in workloads):
                return node.name, pods
    raise AssertionError("the demo has no node with only preemptible running work")


async def test_cordon_and_uncordon_show_in_rwc(kubectl: Kubectl, rwc: KubeClient) -> None:
    name = _quiet_gpu_node(kubectl, avoid=set())
    assert kubectl.run("cordon", name).stdout.strip() == f"node/{name} cordoned"
    assert (await rwc.node(name)).cordoned
    assert "SchedulingDisabled" in kubectl.run("get", "node", name).stdout
    assert kubectl.run("uncordon", name).stdout.strip() == f"node/{name} uncordoned"
    assert not (await rwc.node(name)).cordoned
    # The kubelet's events about it, as `describe` and `get events` show them.
    events = kubectl.run("describe", "node", name).stdout.split("Events:")[1]
    assert "NodeNotSchedulable" in events and "NodeSchedulable" in events
    selected = kubectl.run(
        "get", "events", "-A", "--field-selector", f"involvedObject.kind=Node,involvedObject.name={name}"
    ).stdout
    assert f"node/{name}" in selected and f"Node {name} status is now: NodeNotSchedulable" in selected


async def test_the_drain_taint_and_its_removal_show_in_rwc(kubectl: Kubectl, rwc: KubeClient) -> None:
    name = _quiet_gpu_node(kubectl, avoid=set())
    assert (
        kubectl.run("taint", "nodes", name, "runai=drain:NoExecute").stdout.strip() == f"node/{name} tainted"
    )
    assert (await rwc.node(name)).draining
    with kubectl.served.locked() as sim:
        assert DRAIN_TAINT in sim.runai.state.nodes[name].taints
    assert (
        kubectl.run("taint", "nodes", name, "runai=drain:NoExecute-").stdout.strip()
        == f"node/{name} untainted"
    )
    assert not (await rwc.node(name)).draining


async def test_a_taint_the_simulator_cannot_hold_is_refused_with_the_reason(
    kubectl: Kubectl, rwc: KubeClient
) -> None:
    name = _quiet_gpu_node(kubectl, avoid=set())
    before = (await rwc.node(name)).taints
    refused = kubectl.run("taint", "nodes", name, "team=ml:NoSchedule", check=False)
    assert refused.returncode == 1
    assert (
        "spec.taints: Forbidden: the simulator models only the runai=drain:NoExecute taint" in refused.stderr
    )
    assert (await rwc.node(name)).taints == before


async def test_a_researcher_cannot_cordon(kubectl: Kubectl, rwc: KubeClient) -> None:
    from console.sim.http.kubeconfig import RESEARCHER_CONTEXT

    name = _quiet_gpu_node(kubectl, avoid=set())
    refused = kubectl.run("cordon", name, context=RESEARCHER_CONTEXT, check=False)
    assert f'nodes "{name}" is forbidden: User "' in refused.stderr
    assert not (await rwc.node(name)).cordoned


async def test_drain_evicts_every_pod_and_finishes(kubectl: Kubectl, rwc: KubeClient) -> None:
    name, pods = _drainable_node(kubectl)
    drain = kubectl.start("drain", name, "--timeout=60s")
    try:
        code = drain.wait_exit(timeout=90, tick=_tick(kubectl))
    finally:
        drain.stop()
    assert code == 0, (drain.lines, drain.stderr())
    assert f"node/{name} drained" in drain.lines
    assert all(any(f"pod/{pod} evicted" in line for line in drain.lines) for pod in pods)
    # rwc sees the node cordoned and empty, and the evicted work come back as new pods with new names.
    node = await rwc.node(name)
    assert node.cordoned
    assert (
        "No resources found"
        in kubectl.run("get", "pods", "-A", "--field-selector", f"spec.nodeName={name}").stderr
    )
    for workload_id in set(pods.values()):
        now = {pod.name for pod in await rwc.pods_of_workload(workload_id)}
        assert now and not now & set(pods), (now, pods)


def _protected_node(kubectl: Kubectl) -> tuple[str, str]:
    """A schedulable node running a non-preemptible pod (one a disruption budget protects), and that pod."""
    with kubectl.served.locked() as sim:
        state = sim.runai.state
        for workload in state.workloads.values():
            pod = workload.pods[0] if workload.pods else None
            if workload.preemptible or workload.phase is not WorkloadPhase.RUNNING or pod is None:
                continue
            node = state.nodes.get(pod.node_name or "")
            if node is not None and not node.unschedulable and DRAIN_TAINT not in node.taints:
                return node.name, pod.name
    raise AssertionError("the demo has no schedulable node with non-preemptible running work")


async def test_drain_stops_at_a_disruption_budget_and_says_so(kubectl: Kubectl, rwc: KubeClient) -> None:
    name, pod = _protected_node(kubectl)
    try:
        refused = kubectl.run("drain", name, "--timeout=2s", check=False)
        assert refused.returncode == 1
        assert f'error when evicting pods/"{pod}"' in refused.stderr
        assert "Cannot evict pod as it would violate the pod's disruption budget." in refused.stderr
        assert any(p.name == pod for p in await rwc.pods_of_workload(_workload_of(kubectl, pod)))
    finally:
        kubectl.run("uncordon", name)


def _workload_of(kubectl: Kubectl, pod: str) -> str:
    with kubectl.served.locked() as sim:
        return next(w.id for w in sim.runai.state.workloads.values() if any(p.name == pod for p in w.pods))


def _logging_pod(kubectl: Kubectl) -> tuple[str, str, str]:
    """(namespace, pod, workload id) of a running training pod that writes its log as time passes."""
    with kubectl.served.locked() as sim:
        state = sim.runai.state
        for workload in state.workloads.values():
            if (
                workload.phase is WorkloadPhase.RUNNING
                and workload.type.value == "Training"
                and workload.pods
            ):
                lines, _ = sim.runai.workload_logs_after(kubectl.served.admin, workload.id, 0)
                if len(lines) > 5:
                    return state.projects[workload.project_id].namespace, workload.pods[0].name, workload.id
    raise AssertionError("the demo has no running training workload with a log")


def test_logs_tail_is_the_end_of_the_workload_log(kubectl: Kubectl) -> None:
    namespace, pod, workload_id = _logging_pod(kubectl)
    printed = kubectl.run("logs", "-n", namespace, pod, "--tail=3").stdout.splitlines()
    with kubectl.served.locked() as sim:
        lines, _ = sim.runai.workload_logs_after(kubectl.served.admin, workload_id, 0)
    assert printed == lines[-3:]


def test_logs_follow_prints_new_lines_as_the_job_writes_them(kubectl: Kubectl) -> None:
    namespace, pod, _ = _logging_pod(kubectl)
    follow = kubectl.start("logs", "-f", "-n", namespace, pod, "--tail=1")
    try:
        first = follow.wait_for(lambda lines: len(lines) >= 1)[0]
        lines = follow.wait_for(lambda lines: len(lines) >= 3, tick=_tick(kubectl, 5.0))
        assert lines[0] == first and len(set(lines)) == len(lines)
        assert follow.process.poll() is None  # still following
    finally:
        follow.stop()


async def test_get_pods_watch_shows_a_pod_rwc_evicts_end_and_its_successor(
    kubectl: Kubectl, rwc: KubeClient
) -> None:
    with kubectl.served.locked() as sim:
        state = sim.runai.state
        workload = next(
            w
            for w in state.workloads.values()
            if w.preemptible
            and w.phase is WorkloadPhase.RUNNING
            and w.type is not WorkloadType.DISTRIBUTED  # its pods keep their names (new uids)
            and w.pods
            and w.pods[0].node_name
        )
        namespace = state.projects[workload.project_id].namespace
        pod = workload.pods[0].name
        listed = sum(
            len(pod_views(w))
            for w in state.workloads.values()
            if state.projects[w.project_id].namespace == namespace
        )
    watch = kubectl.start("get", "pods", "-n", namespace, "-w")
    try:
        first = watch.wait_for(lambda lines: len(lines) == listed + 1)  # the header and every pod
        assert rows(first[0])[0][:3] == ["NAME", "READY", "STATUS"]
        await rwc.evict_pod(namespace, pod)
        lines = watch.wait_for(
            lambda lines: (
                any(line.startswith(pod) and "Terminating" in line for line in lines)
                and any(line.split()[0] not in {r.split()[0] for r in first} for line in lines[len(first) :])
            ),
            tick=_tick(kubectl),
        )
        assert any(
            line.split()[0].startswith(f"{workload.name}-0-") and line.split()[0] != pod
            for line in lines[len(first) :]
        ), lines
    finally:
        watch.stop()


def test_a_filesystem_bound_as_a_claim_shows_bound_in_kubectl(kubectl: Kubectl, tmp_path: Path) -> None:
    """The static volume and claim rwc makes for a filesystem (the same JSON, from the same codec), created
    with `kubectl create -f`: `kubectl get pvc -n runai-vision` shows the claim Bound to its volume, and a
    second create is kubectl's AlreadyExists. (`--validate=false`: the simulator serves no OpenAPI schema
    for kubectl to check the manifest against.)"""
    volume, claim = static_pair("runai-vision", ClaimSpec("vision", "burst-data", "scratch", 100 * 2**30))
    manifest = tmp_path / "claim.yaml"
    manifest.write_text(yaml.safe_dump_all([static_volume_json(volume), static_claim_json(claim)]))
    done = kubectl.run("create", "--validate=false", "-f", str(manifest))
    assert "persistentvolume/runai-vision-burst-data created" in done.stdout
    assert "persistentvolumeclaim/burst-data created" in done.stdout
    claims = rows(kubectl.run("get", "pvc", "-n", "runai-vision").stdout)
    row = next(row for row in claims[1:] if row[0] == "burst-data")
    assert row[1:4] == ["Bound", "runai-vision-burst-data", "100Gi"]
    again = kubectl.run("create", "--validate=false", "-f", str(manifest), check=False)
    assert again.returncode == 1
    assert "AlreadyExists" in again.stderr or "already exists" in again.stderr
