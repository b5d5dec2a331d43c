"""Each GPU's history over Run:ai's node metrics per GPU (`GET /api/v1/nodes/{nodeId}/metrics`, reference
§6), over the simulator's faces on 127.0.0.1: the node id looked up by name, the measurements per `gpu`
label on the window's grid, equal to what the simulator computes for the same moments; 2.18 says why there
is none; and the node detail over HTTP draws the lines. The simulator's frozen clock stands a minute past
wall-clock now, so every moment the live backend asks about has a reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from served_app import open_list, wait_for_screen, wait_until
from textual.pilot import Pilot

from console.cli import make_app
from console.data.errors import Unavailable
from console.sim.scenarios import build_simulator
from screens.node_detail import NodeDetailScreen
from tests.live.served_backend import app_config_over, live_backend_over

NODE = "dgx-a100-01"


def now_simulator():  # type: ignore[no-untyped-def]
    return build_simulator("demo", 7, start=datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1))


async def test_each_gpu_reads_as_the_simulator_computes_it_at_the_same_moments() -> None:
    simulator = now_simulator()
    async with live_backend_over(simulator) as (backend, served):
        histories = await backend.node_gpu_history(NODE, 300, 30)
        assert [h.index for h in histories] == list(range(8))
        first = histories[0]
        assert len(first.utilisation) == len(first.memory_used_mib) == 10
        moments = [first.start + timedelta(seconds=30 * k) for k in range(10)]
        with served.locked() as sim:
            expected = sim.runai.node_gpu_samples(NODE, moments)
    for history in histories:
        busy, used = expected[history.index]
        assert history.utilisation == pytest.approx(busy, abs=0.05), history.index
        assert history.memory_used_mib == pytest.approx(used, abs=0.01), history.index
    assert any(value is not None and value > 50 for value in first.utilisation)  # vit-large-pretrain's GPU


async def test_an_unknown_node_is_not_found_and_2_18_says_why_there_is_no_history() -> None:
    from console.data.errors import NotFound

    async with live_backend_over(now_simulator()) as (backend, _served):
        with pytest.raises(NotFound):
            await backend.node_gpu_history("no-such-node", 300, 30)
    async with live_backend_over(now_simulator(), runai_version="2.18") as (backend, _served):
        with pytest.raises(Unavailable, match="no per-GPU node metrics"):
            await backend.node_gpu_history(NODE, 300, 30)


async def test_the_node_detail_over_http_draws_each_gpus_lines(tmp_path: Path) -> None:
    with app_config_over(now_simulator(), tmp_path) as config:
        app = make_app(config)
        async with app.run_test(size=(100, 40)) as pilot:
            await _read_gpu_lines(pilot)


async def _read_gpu_lines(pilot: Pilot) -> None:
    """From the nodes list to NODE's detail; its GPU 0 shows both lines (`▇█▇ 90%`)."""
    app = pilot.app
    table = await open_list(pilot, "3", "nodes")
    table.move_cursor_to_key(NODE)
    await pilot.pause()
    await pilot.press("enter")
    await wait_for_screen(pilot, NodeDetailScreen)
    detail = app.screen
    assert isinstance(detail, NodeDetailScreen)

    def gpu_row(index: int) -> str:
        text = detail.rendered_text(100)
        return next(line for line in text.splitlines() if line.startswith(f"{index} "))

    await wait_until(pilot, lambda: gpu_row(0).count("%") == 2, "GPU 0's utilisation and memory")
    assert "UTIL 1h" in detail.rendered_text(100) and "vit-large-pretrain" in gpu_row(0)
