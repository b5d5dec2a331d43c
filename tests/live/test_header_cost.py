"""The header polls on every screen, every 5 s: over real HTTP it reads Run:ai's cluster-wide GPU telemetry
and WEKA's `/cluster` (its state and active alert count), never Kubernetes' pod list (at 5,000 nodes that
list was 71 pages and six seconds a poll) nor, on most polls, the node list (11 pages there): the Run:ai
alert count reads the nodes that are not Ready and the degraded workloads twice a minute and every node's
taints about once per 10 s of pages (bench_live measures it at that scale)."""

from __future__ import annotations

from collections import Counter

from console.model import NodeStatus
from console.model.capacity import gpu_capacity
from console.sim.http.base import Fault, FaultKind
from console.sim.scenarios import build_simulator
from console.ui.resources import fetch_summary
from tests.live.served_backend import live_backend_over


async def test_the_header_reads_no_pods_and_each_list_once() -> None:
    async with live_backend_over(build_simulator("demo", 7)) as (backend, served):
        await fetch_summary(backend)  # signed in, cluster known
        faces = (served.runai, served.weka, served.kube)
        for face in faces:
            face.requests_seen.clear()
        summary = await fetch_summary(backend)
        seen = Counter(path for face in faces for _, path in face.requests_seen)
    assert summary.gpus.usable > 0
    assert not served.kube.requests_seen, seen
    # ALLOCATED_GPUS, and WEKA's state with its alert count: the totals, the clusters and the alert
    # count's node reads are remembered.
    assert seen == Counter({"/api/v1/nodes/telemetry": 1, "/api/v2/cluster": 1}), seen


async def test_the_header_alert_count_is_the_alert_list_and_follows_a_drain_at_once() -> None:
    """The count the header shows is the number of open alerts the alerts screen lists (WEKA's, a node
    down, degraded workloads), and a node rwc drains counts on the next poll, not minutes later."""
    simulator = build_simulator("demo", 7)
    gpu_nodes = [node for node in simulator.runai.nodes() if node.gpu_count and not node.draining]
    simulator.runai.set_node_status(gpu_nodes[0].name, NodeStatus.NOT_READY)
    async with live_backend_over(simulator) as (backend, _served):
        counted = (await fetch_summary(backend)).open_alerts
        listed = [alert for alert in await backend.alerts() if not alert.muted]
        await backend.drain_node(gpu_nodes[1].name)
        after_drain = (await fetch_summary(backend)).open_alerts
    assert any(gpu_nodes[0].name in alert.title for alert in listed)
    assert counted == len(listed) > 1
    assert after_drain == counted + 1


async def test_the_header_totals_from_telemetry_match_the_node_list() -> None:
    """The cluster-wide telemetry (allocated, total, ready, and the down nodes' own allocation) counts the
    same GPUs the node list does, down nodes included."""
    simulator = build_simulator("demo", 7)
    down = next(node for node in simulator.runai.nodes() if node.gpu_count)
    simulator.runai.set_node_status(down.name, NodeStatus.NOT_READY)
    async with live_backend_over(simulator) as (backend, _served):
        from_telemetry = await backend.gpu_capacity()
        from_nodes = gpu_capacity(await backend.runai.nodes())
    assert from_telemetry.down >= down.gpu_count > 0
    assert from_telemetry.usable == from_nodes.usable
    assert from_telemetry.down == from_nodes.down
    assert abs(from_telemetry.allocated - from_nodes.allocated) < 1e-6


async def test_the_alert_count_says_what_answered() -> None:
    """As the alert list shows each source that answers, the header counts WEKA's active alerts while
    Run:ai's node list fails, and says `?` (-1) only when neither answers."""
    async with live_backend_over(build_simulator("demo", 7)) as (backend, served):
        weka_count = (await backend.weka_health()).active_alerts
        await fetch_summary(backend)  # the GPU totals (which read the down nodes too) are remembered
        served.runai.faults.add(Fault(FaultKind.STATUS, r"^/api/v1/nodes$", "GET", status=500))
        backend.runai.node_taints_changed()  # as after a drain: the next count reads every node again
        runai_down = await fetch_summary(backend)
        served.weka.faults.add(Fault(FaultKind.STATUS, r"/cluster$", "GET", status=503))
        both_down = await fetch_summary(backend)
    assert weka_count > 0
    assert runai_down.open_alerts == weka_count
    assert both_down.open_alerts == -1
