"""The Nodes screen's poll reads Kubernetes' pods only where Run:ai cannot say what a node holds: its CPU
and memory telemetry makes the pod list (11 pages every 2 s at 5,000 nodes) unneeded on a current control
plane, while on 2.18, which lacks those types, the pods' requests still fill them in from the first poll."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from console.sim.scenarios import build_simulator
from tests.live.served_backend import live_backend_over


@pytest.mark.parametrize("runai_version", ["latest", "2.18"])
async def test_kubernetes_pods_are_read_only_where_run_ai_lacks_cpu_telemetry(runai_version: str) -> None:
    simulator = build_simulator("demo", 7)
    busiest = max(simulator.runai.nodes(), key=lambda node: node.allocated_cpu_millicores)
    options: dict[str, Any] = {} if runai_version == "latest" else {"runai_version": runai_version}
    async with live_backend_over(simulator, **options) as (backend, served):
        first = {node.name: node for node in await backend.nodes()}
        served.kube.requests_seen.clear()
        second = {node.name: node for node in await backend.nodes()}
        kube_paths = Counter(path for _, path in served.kube.requests_seen)
    for nodes in (first, second):
        assert nodes[busiest.name].allocated_cpu_millicores == busiest.allocated_cpu_millicores > 0
        assert nodes[busiest.name].telemetry_unavailable_reason is None
    if runai_version == "latest":
        assert set(kube_paths) == {"/api/v1/nodes"}, kube_paths
    else:
        assert kube_paths["/api/v1/pods"] >= 1, kube_paths
