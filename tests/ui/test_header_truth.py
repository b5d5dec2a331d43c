"""GPUs that cannot run work are not counted, or shown, as free (demo backend, seed 7, at 80x24).

The demo cluster has 64 GPUs: dgx-h100-04 is NotReady (8 GPUs down) and dgx-a100-02 is cordoned. The
header reads allocated of *usable* with the down ones named (`49.9/56 (8 down)`), in that one format on
every screen; the Nodes screen says the NotReady node's GPUs are down instead of drawing 8 free ones;
the GPU screen says `down` where it said "idle, FREE 1", and a cordoned node's idle GPU is not free for
new work.
"""

from __future__ import annotations

import math

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.model import Node, NodeStatus
from console.sim.clock import DEFAULT_START
from console.ui.format import format_gpu_sum
from console.ui.keymap import SCREENS
from screens.base import ResourceScreen
from screens.gpus import GpusScreen
from screens.nodes import NodesScreen
from widgets.bars import NO_DATA, capacity_bar, segmented_bar
from widgets.header import RwcHeader
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
DOWN_NODE = "dgx-h100-04"
CORDONED_NODE = "dgx-a100-02"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def demo_app() -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START))


def demo_backend(app: RwcApp) -> DemoBackend:
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend


def header_text(app: RwcApp) -> str:
    return app.screen.query_one(RwcHeader).render().plain


def expected_gpu_label(nodes: list[Node]) -> str:
    """What the header must say, counted here from the nodes: allocated on Ready nodes / GPUs of Ready
    nodes, then the GPUs of the others as down."""
    ready = [node for node in nodes if node.status is NodeStatus.READY]
    down = sum(node.gpu_count for node in nodes if node.status is not NodeStatus.READY)
    allocated = format_gpu_sum(sum(node.allocated_gpus for node in ready))
    usable = sum(node.gpu_count for node in ready)
    return f"{allocated}/{usable} ({down} down)" if down else f"{allocated}/{usable}"


async def open_table(pilot: Pilot, key: str, screen_class: type[ResourceScreen]) -> ResourceTable:
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, screen_class), f"the {screen_class.__name__}")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows on {screen_class.__name__}")
    return table


async def test_header_counts_usable_gpus_and_names_the_down_ones_the_same_way_on_every_screen() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        nodes = list(await app.backend.nodes())
        label = expected_gpu_label(nodes)
        assert label == "49.9/56 (8 down)"  # the demo: 8 GPUs of dgx-h100-04 are down, none allocated
        for entry in SCREENS:
            if entry.number_key:
                await pilot.press(entry.number_key)
            else:
                await pilot.press("colon", *entry.aliases[0], "enter")
            await wait_until(
                pilot, lambda: app.screen.header.summary is not None, f"the header on {entry.name}"
            )
            await wait_until(pilot, lambda: label in header_text(app), f"`{label}` on {entry.name}")
            assert "/64" not in header_text(app), header_text(app)


async def test_a_node_going_down_leaves_the_header_total_and_its_gpus_read_down() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "4", GpusScreen)
        first_h100 = next(
            key for key in table.visible_keys() if table.cell_text(key, "node") == "dgx-h100-01"
        )
        assert table.cell_text(first_h100, "free").strip() != "down"

        demo_backend(app).simulator.runai.set_node_status("dgx-h100-01", NodeStatus.NOT_READY)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "(16 down)" in header_text(app), "16 GPUs down in the header")
        assert expected_gpu_label(list(await app.backend.nodes())) in header_text(app)
        await wait_until(
            pilot, lambda: table.cell_text(first_h100, "free").strip() == "down", "the GPU to read down"
        )
        assert "down: node NotReady" in table.cell_text(first_h100, "holders")


async def test_gpus_of_a_notready_node_read_down_not_idle_and_free() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "4", GpusScreen)
        await wait_until(pilot, lambda: table.row_count == 64, "all 64 GPUs")
        down_rows = [key for key in table.visible_keys() if table.cell_text(key, "node") == DOWN_NODE]
        assert len(down_rows) == 8
        for key in down_rows:
            assert table.cell_text(key, "holders").strip() == "down: node NotReady"
            assert "idle" not in table.cell_text(key, "holders")
            assert table.cell_text(key, "free").strip() == "down"
            assert table.cell_text(key, "share").strip() == "×××××××× down"

        # `/idle` finds no down GPU: they are not idle.
        await pilot.press("slash", *"idle", "enter")
        await wait_until(pilot, lambda: table.filter_text == "idle", "the filter")
        assert not set(down_rows) & set(table.visible_keys())


async def test_an_idle_gpu_of_a_cordoned_node_is_not_free_for_new_work() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "4", GpusScreen)
        await wait_until(pilot, lambda: table.row_count == 64, "all 64 GPUs")
        cordoned = [key for key in table.visible_keys() if table.cell_text(key, "node") == CORDONED_NODE]
        idle = [key for key in cordoned if table.cell_text(key, "holders").startswith("idle")]
        assert idle, "the demo's cordoned node has idle GPUs"
        for key in idle:
            assert table.cell_text(key, "holders").strip() == "idle · cordoned"
            assert table.cell_text(key, "free").strip() == "0"


async def test_the_nodes_screen_says_the_gpus_of_a_notready_node_are_down() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_table(pilot, "3", NodesScreen)
        await wait_until(pilot, lambda: DOWN_NODE in table.visible_keys(), DOWN_NODE)
        assert table.cell_text(DOWN_NODE, "status").strip() == "NotReady"
        cell = table.cell_text(DOWN_NODE, "gpus").strip()
        assert cell == "× 8 down"
        assert "0/8" not in cell and "░" not in cell
        # A Ready node keeps its bar and count.
        assert table.cell_text("dgx-h100-03", "gpus").strip().endswith("6/8")


def test_a_bar_of_an_unreadable_amount_says_no_data_instead_of_drawing_zero() -> None:
    assert capacity_bar(math.nan, 8, width=8, label="—/8").plain == f"{NO_DATA:<8} —/8"
    assert capacity_bar(2, math.inf, width=8).plain == f"{NO_DATA:<8}"
    assert segmented_bar([0.5, math.nan], width=8).plain == "████░░░░"
