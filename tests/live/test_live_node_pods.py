"""A node's pods over the simulator's Kubernetes face on 127.0.0.1, as `rwc --config` reads them: the rows
are the demo's, node by node, and reading one node's costs one pod list narrowed to it (and the node, when a
pod there holds GPUs), never the cluster's pod list; the node detail in the real app shows them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "ui"))
from pilot_waits import wait_for_screen, wait_until  # noqa: E402
from test_node_detail import pod_section_rows  # noqa: E402

from console.backends.demo import simulator_node_pods  # noqa: E402
from console.cli import make_app  # noqa: E402
from console.config import Config  # noqa: E402
from console.sim.scenarios import build_simulator  # noqa: E402
from console.ui.node_pods import node_pod_rows  # noqa: E402
from screens.node_detail import NodeDetailScreen  # noqa: E402
from tests.live.served_backend import app_config_over, live_backend_over  # noqa: E402
from widgets.resource_table import ResourceTable  # noqa: E402


async def test_every_nodes_pods_over_http_are_the_demos() -> None:
    simulator = build_simulator("demo", 7)
    statuses: set[str] = set()
    async with live_backend_over(simulator) as (backend, _served):
        for node in simulator.runai.nodes():
            with simulator.lock:
                demo = node_pod_rows(simulator_node_pods(simulator, node.name))
            live = node_pod_rows(await backend.node_pods(node.name))
            assert live == demo, node.name
            statuses |= {row.status for row in live.rows}
    assert {"Running", "CrashLoopBackOff", "ContainerCreating"} <= statuses, statuses


async def test_one_nodes_pods_cost_one_narrowed_list_and_the_node() -> None:
    async with live_backend_over(build_simulator("demo", 7)) as (backend, served):
        await backend.node_pods("cpu-03")  # signed in
        for face in (served.runai, served.weka, served.kube):
            face.requests_seen.clear()
        pods = await backend.node_pods("dgx-a100-02")
        seen = [
            request for face in (served.runai, served.weka, served.kube) for request in face.requests_seen
        ]
    assert {pod.name for pod in pods} == {
        "recsys-dlrm-train-master-0",
        "recsys-dlrm-train-worker-0",
        "whisper-finetune-0-0",
    }
    # The pod list is the node's alone: its rows are only this node's pods (the first test), in one page.
    assert sorted(seen) == [("GET", "/api/v1/nodes/dgx-a100-02"), ("GET", "/api/v1/pods")], seen


@pytest.fixture
def live_config(tmp_path: Path) -> Iterator[Config]:
    with app_config_over(build_simulator("demo", 7), tmp_path) as config:
        yield config


async def test_the_node_detail_over_http_lists_the_crash_looping_worker(live_config: Config) -> None:
    app = make_app(live_config)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("3")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: "dgx-a100-02" in table.visible_keys(), "the nodes over HTTP")
        table.move_cursor_to_key("dgx-a100-02")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, NodeDetailScreen)
        detail = app.screen
        assert isinstance(detail, NodeDetailScreen)
        await wait_until(pilot, lambda: "Pods (3: 3 Run:ai" in detail.rendered_text(160), "its pods")
        rows = pod_section_rows(detail)
        assert rows["recsys-dlrm-train-master-0"] == ["recsys", "Running", "0", "2", "0,1"]
        assert rows["recsys-dlrm-train-worker-0"] == ["recsys", "CrashLoopBackOff", "1", "2", "2,3"]
        assert rows["whisper-finetune-0-0"] == ["speech", "Running", "0", "2", "4,5"]
