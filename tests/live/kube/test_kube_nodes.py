"""KubeClient's queries against the simulator's Kubernetes face equal the demo backend's answers for the same
simulator (frozen clock), field for field where the Kubernetes API can carry the field.

Fields the wire cannot carry, and how they are compared instead (see conftest `as_on_wire`, `gpu_key`):
* `Node.gpu_model` / `GpuDevice.model`: GFD's product label has dashes for spaces -> compared dashed.
* `Node.created_at`, `Pod.created_at`: metav1.Time has whole seconds -> compared at whole seconds.
* `GpuDevice.uuid`, `memory_used_mib`, `utilization_percent`, `temperature_celsius`, `power_watts`: not in the
  Kubernetes API -> the client says "" / None; not compared (checked to be empty).
* The order of allocations on one GPU: compared sorted.
* `Pod.k8s_phase` of a crash-looping pod of a Degraded workload: the demo says Failed, the API says Running
  (CrashLoopBackOff); compared with that substitution.
"""

from __future__ import annotations

from dataclasses import replace

import kubernetes
import pytest
from kube_fixtures import MIN_KUBERNETES_MAJOR, KubeEnv, as_on_wire, gpu_key, kubernetes_major

from console.backends.demo import DemoBackend
from console.backends.live.kube import KubeClient
from console.data.errors import NotFound
from console.model.runai import WorkloadPhase


def test_installed_kubernetes_client_is_37_or_newer() -> None:
    print(f"kubernetes client {kubernetes.__version__}")
    assert kubernetes_major() >= MIN_KUBERNETES_MAJOR, (
        f"kubernetes {kubernetes.__version__}: 36.x returns pod logs as \"b'...'\"; rwc needs >= 37"
    )


async def test_version_answers(client: KubeClient) -> None:
    assert (await client.version()).startswith("v1.")


async def test_nodes_equal_the_demo_backends(client: KubeClient, demo_of: DemoBackend) -> None:
    live = await client.nodes()
    demo = await demo_of.nodes()
    assert [node.name for node in live] == [node.name for node in demo]
    for live_node, demo_node in zip(live, demo, strict=True):
        assert live_node == as_on_wire(demo_node), live_node.name
    # The scenario has every kind of node the wire must carry; make sure the comparison saw them.
    assert any(node.unschedulable for node in live)
    assert any(node.status.value == "NotReady" for node in live)
    assert any(node.allocated_gpus and node.allocated_gpus != int(node.allocated_gpus) for node in live)
    assert any(node.gpu_model is None and node.allocated_cpu_millicores for node in live)


async def test_nodes_still_equal_after_the_cluster_moved_on(
    kube_env: KubeEnv, client: KubeClient, demo_of: DemoBackend
) -> None:
    with kube_env.host.lock:
        kube_env.sim.advance(600)  # trainings finish, a project reclaims its quota, new work lands
    assert await client.nodes() == [as_on_wire(node) for node in await demo_of.nodes()]


async def test_one_node_and_a_missing_node(client: KubeClient, demo_of: DemoBackend) -> None:
    demo = {node.name: node for node in await demo_of.nodes()}
    assert await client.node("dgx-a100-04") == as_on_wire(demo["dgx-a100-04"])
    with pytest.raises(NotFound) as raised:
        await client.node("no-such-node")
    assert 'nodes "no-such-node" not found' in str(raised.value)
    assert raised.value.service == "kubernetes" and raised.value.status == 404


async def test_gpus_equal_the_demo_backends_where_the_api_carries_them(
    client: KubeClient, demo_of: DemoBackend
) -> None:
    live = await client.gpus()
    demo = await demo_of.gpus()
    assert [gpu_key(gpu) for gpu in live] == [gpu_key(gpu) for gpu in demo]
    assert any(gpu.mig_enabled and gpu.allocations for gpu in live)
    assert any(len(gpu.allocations) > 1 for gpu in live), "a shared GPU (fractions) must be compared"
    for gpu in live:  # readings and UUIDs are not in the Kubernetes API: shown as N/A, never as 0
        assert gpu.uuid == ""
        assert (
            gpu.utilization_percent
            is gpu.temperature_celsius
            is gpu.power_watts
            is gpu.memory_used_mib
            is None
        )


async def test_gpus_of_one_node(client: KubeClient, demo_of: DemoBackend) -> None:
    for name in ("dgx-a100-04", "dgx-h100-01", "cpu-01"):
        live = await client.gpus(name)
        assert [gpu_key(gpu) for gpu in live] == [gpu_key(gpu) for gpu in await demo_of.gpus(name)]
    with pytest.raises(NotFound):
        await client.gpus("no-such-node")


async def test_pods_of_every_workload_equal_the_demo_backends(
    client: KubeClient, demo_of: DemoBackend
) -> None:
    projects = {project.name: project.namespace for project in await demo_of.projects()}
    compared = 0
    for listed in await demo_of.workloads():
        workload = await demo_of.workload(listed.id)
        live = await client.pods_of_workload(workload.id, projects[workload.project_name])
        expected = []
        for pod in workload.pods:
            crash_looping = (
                workload.phase is WorkloadPhase.DEGRADED and pod.k8s_phase == "Failed" and pod.node_name
            )
            expected.append(replace(pod, k8s_phase="Running") if crash_looping else pod)
        assert live == expected, workload.name
        compared += len(live)
    assert compared > 40
    assert await client.pods_of_workload("00000000-0000-4000-8000-000000000000") == []


async def test_node_pools_from_runai_name_the_pools(
    kube_env: KubeEnv, client: KubeClient, demo_of: DemoBackend
) -> None:
    pools = await demo_of.node_pools()
    client.set_node_pools(pools)
    assert [node.node_pool for node in await client.nodes()] == [
        node.node_pool for node in await demo_of.nodes()
    ]
    renamed = [replace(pool, name=f"pool-{pool.name}") for pool in pools]
    client.set_node_pools(renamed)
    live = {node.name: node.node_pool for node in await client.nodes()}
    assert live["dgx-h100-01"] == "pool-h100"
    assert live["cpu-01"] == "default"  # the default pool has no label: unlabelled nodes are "default"


async def test_lists_come_in_pages(kube_env: KubeEnv, demo_of: DemoBackend) -> None:
    paged = kube_env.client(page_size=3)
    try:
        assert await paged.nodes() == [as_on_wire(node) for node in await demo_of.nodes()]
    finally:
        await paged.aclose()
    node_lists = [path for method, path in kube_env.server.requests_seen if path == "/api/v1/nodes"]
    assert len(node_lists) == 4  # 11 nodes, 3 a page


async def test_conditions_say_since_when_they_hold(client: KubeClient, demo_of: DemoBackend) -> None:
    """`lastTransitionTime` is read: the node detail's FOR column is the simulator's own moment."""
    live = {node.name: node for node in await client.nodes()}
    for demo_node in await demo_of.nodes():
        live_since = {c.type: c.since for c in live[demo_node.name].conditions}
        for condition in demo_node.conditions:
            assert live_since[condition.type] is not None
            assert abs((live_since[condition.type] - condition.since).total_seconds()) < 1
