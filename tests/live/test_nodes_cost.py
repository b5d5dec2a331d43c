"""The Nodes screen's poll reads Kubernetes' pods only where Run:ai cannot say what a node holds: its CPU
and memory telemetry makes the pod list (11 pages every 2 s at 5,000 nodes) unneeded on a current control
plane, while on 2.18, which lacks those types, the pods' requests still fill them in from the first poll."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest

from console.backends.live.backend import LiveBackend
from console.config import load_config_file
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator


@pytest.mark.parametrize("runai_version", ["latest", "2.18"])
async def test_the_nodes_read_kubernetes_pods_only_where_run_ai_lacks_cpu_telemetry(
    runai_version: str,
) -> None:
    simulator = build_simulator("demo", 7)
    busiest = max(simulator.runai.nodes(), key=lambda node: node.allocated_cpu_millicores)
    options = {} if runai_version == "latest" else {"runai_version": runai_version}
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(simulator, clock_speed=0, workdir=Path(home) / "sim", **options) as served,
    ):
        profile = load_config_file(served.write_profile(Path(home) / "rwc.toml")).select(None)
        assert profile is not None
        backend = LiveBackend(profile)
        try:
            first = {node.name: node for node in await backend.nodes()}
            served.kube.requests_seen.clear()
            second = {node.name: node for node in await backend.nodes()}
            kube_paths = Counter(path for _, path in served.kube.requests_seen)
        finally:
            await backend.aclose()
    for nodes in (first, second):
        assert nodes[busiest.name].allocated_cpu_millicores == busiest.allocated_cpu_millicores > 0
        assert nodes[busiest.name].telemetry_unavailable_reason is None
    if runai_version == "latest":
        assert set(kube_paths) == {"/api/v1/nodes"}, kube_paths
    else:
        assert kube_paths["/api/v1/pods"] >= 1, kube_paths
