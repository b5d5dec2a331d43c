"""Node pools (`9`, `:np`): per pool the GPUs allocated of usable (and down), the quota given out against
them, the pending demand; enter opens the pool's nodes. In the demo and over the simulator's HTTP faces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from demo_helpers import demo_app, open_list, simulator
from model_factories import a_node, a_workload
from pilot_waits import wait_until

from console.cli import make_app
from console.config import Config, load_config_file
from console.model import (
    GpuRequest,
    Node,
    NodePool,
    NodeStatus,
    PoolQuota,
    Project,
    ProjectPhase,
    Workload,
    WorkloadPhase,
)
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from console.ui.palette import CellPalette
from screens.nodes import NodesScreen
from screens.pools import pool_facts, pool_row
from widgets.resource_table import ResourceTable

AT = datetime(2026, 11, 1, tzinfo=UTC)


def node(name: str, pool: str, *, ready: bool = True, gpus: int = 8, cordoned: bool = False) -> Node:
    status = NodeStatus.READY if ready else NodeStatus.NOT_READY
    return a_node(name=name, node_pool=pool, status=status, gpu_count=gpus, unschedulable=cordoned)


def project(name: str, deserved: float) -> Project:
    return Project(
        id=name,
        name=name,
        department_id="d",
        department_name="d",
        namespace=f"runai-{name}",
        phase=ProjectPhase.READY,
        quotas=(PoolQuota("h100", deserved),),
        created_at=AT,
    )


def pending(name: str, gpus: int, pools: tuple[str, ...]) -> Workload:
    return a_workload(
        id=name,
        name=name,
        phase=WorkloadPhase.PENDING,
        requested_node_pools=pools,
        gpu_request=GpuRequest.whole(gpus),
        running_pods=0,
        allocated_gpus=0,
    )


def test_a_pool_row_says_down_gpus_over_promised_quota_and_the_queue() -> None:
    pools = [
        NodePool("1", "h100", "run.ai/node-pool", "h100", "Ready", "H100", ("h-1", "h-2", "h-3"), 24, 12.5),
        NodePool("2", "default", "", "", "Ready", None, ("cpu-1",), 0, 0),
    ]
    nodes = [node("h-1", "h100"), node("h-2", "h100", cordoned=True), node("h-3", "h100", ready=False)]
    facts = pool_facts(
        pools,
        nodes,
        [project("a", 10), project("b", 8)],
        [pending("w1", 4, ("h100",)), pending("w2", 2, ("a100", "h100")), pending("w3", 1, ())],
    )
    h100, default = facts
    assert (h100.usable_gpus, h100.gpus_down, h100.deserved_gpus) == (16, 8, 18)
    assert h100.over_promised  # 18 deserved of 16 usable: not all of it can be honoured at once
    assert (h100.pending_workloads, h100.pending_gpus) == (2, 6)  # w2's first pool that exists is h100
    assert default.pending_workloads == 1  # no pool asked for: the default pool
    palette = CellPalette.plain()
    cells = [cell.plain if hasattr(cell, "plain") else cell for cell in pool_row(h100, palette).cells]
    assert cells[2] == "2/3 1 cordoned"
    assert cells[3].endswith("12.5/16 (8 down)")
    assert cells[4] == "18/16 over"
    assert cells[5] == "2 wl 6 GPU"


async def test_the_demo_pools_read_as_the_cluster_is_and_enter_opens_the_pools_nodes() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_list(pilot, "9", "pools")
        assert table.visible_keys() == ["default", "a100", "h100"]
        sim = simulator(app)
        down = [n for n in sim.runai.nodes() if n.node_pool == "h100" and n.status is not NodeStatus.READY]
        assert table.cell_text("h100", "nodes").startswith(f"{4 - len(down)}/4")
        assert f"({8 * len(down)} down)" in table.cell_text("h100", "gpus")
        assert "wl" in table.cell_text("a100", "pending")
        table.move_cursor_to_key("h100")
        pools_screen = app.screen
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the pool's nodes")
        nodes_table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: nodes_table.row_count > 0, "its rows")
        h100_nodes = sorted(n.name for n in sim.runai.nodes() if n.node_pool == "h100")
        assert sorted(nodes_table.visible_keys()) == h100_nodes
        assert "Nodes of pool h100" in app.screen.header.render().plain
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is pools_screen, "back to the pools")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


async def test_the_pools_over_the_real_apis_match_the_demo(served: ServedSimulator, tmp_path: Path) -> None:
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    app = make_app(Config(demo=False, profile=profile, profile_name=profile.name, config_path=path))
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "9", "pools")
        await pilot.pause(1.0)
        assert set(table.visible_keys()) == {"default", "a100", "h100"}
        assert table.cell_text("h100", "gpus").endswith("(8 down)")
        assert table.cell_text("a100", "quota").endswith("/32")


def test_a_pools_gpu_use_is_the_gpu_weighted_mean_of_its_workloads() -> None:
    from datetime import UTC, datetime

    from model_factories import a_workload

    from console.model import WorkloadUtilisation
    from console.ui.usage import usage_by, usage_cell

    start = datetime(2026, 1, 1, tzinfo=UTC)
    big = a_workload(id="big", current_node_pool="a100", allocated_gpus=8.0)
    small = a_workload(id="small", current_node_pool="a100", allocated_gpus=2.0)
    elsewhere = a_workload(id="other", current_node_pool="h100", allocated_gpus=4.0)
    histories = [
        WorkloadUtilisation("big", start, 60, (100.0, None, 50.0)),
        WorkloadUtilisation("small", start, 60, (0.0, 50.0, None)),
        WorkloadUtilisation("other", start, 60, (None, None, None)),
        WorkloadUtilisation("gone", start, 60, (10.0, 10.0, 10.0)),
    ]
    usage = usage_by(histories, [big, small, elsewhere], lambda w: w.current_node_pool)
    assert usage == {"a100": [80.0, 50.0, 50.0], "h100": [None, None, None]}
    assert str(usage_cell(usage["a100"], "", "")).endswith(" 60%")
    assert str(usage_cell(usage["h100"], "", "")) == "—"
