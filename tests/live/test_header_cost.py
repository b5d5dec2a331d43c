"""The header polls on every screen, every 5 s: over real HTTP it reads Run:ai's cluster-wide GPU telemetry,
the nodes once (for the alerts) and WEKA's state, never Kubernetes' pod list (at 5,000 nodes that list was 71
pages and six seconds a poll; bench_live measures it at that scale)."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from console.backends.live.backend import LiveBackend
from console.config import load_config_file
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from console.ui.resources import fetch_summary


async def test_the_header_reads_no_pods_and_each_list_once() -> None:
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=Path(home) / "sim") as served,
    ):
        profile = load_config_file(served.write_profile(Path(home) / "rwc.toml")).select(None)
        assert profile is not None
        backend = LiveBackend(profile)
        try:
            await fetch_summary(backend)  # signed in, cluster known
            faces = (served.runai, served.weka, served.kube)
            for face in faces:
                face.requests_seen.clear()
            summary = await fetch_summary(backend)
            seen = Counter(path for face in faces for _, path in face.requests_seen)
        finally:
            await backend.aclose()
    assert summary.gpus.usable > 0
    assert not served.kube.requests_seen, seen
    assert seen["/api/v1/nodes"] == 1  # the alerts' read; the GPU totals come from telemetry
    assert seen["/api/v1/nodes/telemetry"] == 1  # ALLOCATED_GPUS; the totals are remembered for 30 s
    assert "/api/v1/clusters" not in seen  # read once a minute, not per poll


async def test_the_header_totals_from_telemetry_match_the_node_list() -> None:
    """The cluster-wide telemetry (allocated, total, ready, and the down nodes' own allocation) counts the
    same GPUs the node list does, down nodes included."""
    from console.model import NodeStatus
    from console.model.capacity import gpu_capacity

    simulator = build_simulator("demo", 7)
    down = next(node for node in simulator.runai.nodes() if node.gpu_count)
    simulator.runai.set_node_status(down.name, NodeStatus.NOT_READY)
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(simulator, clock_speed=0, workdir=Path(home) / "sim") as served,
    ):
        profile = load_config_file(served.write_profile(Path(home) / "rwc.toml")).select(None)
        assert profile is not None
        backend = LiveBackend(profile)
        try:
            from_telemetry = await backend.gpu_capacity()
            from_nodes = gpu_capacity(await backend.runai.nodes())
        finally:
            await backend.aclose()
    assert from_telemetry.down >= down.gpu_count > 0
    assert from_telemetry.usable == from_nodes.usable
    assert from_telemetry.down == from_nodes.down
    assert abs(from_telemetry.allocated - from_nodes.allocated) < 1e-6
