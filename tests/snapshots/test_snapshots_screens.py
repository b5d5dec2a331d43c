"""SVG snapshots of every rwc screen, at the 80x24 floor and at 160x48, on the seeded demo cluster with
its clock frozen (`apps.demo_app`), so a baseline changes only when what users see changes.

Each test reaches its screen the way a user does (number key, enter, `?`) inside `run_before`, and
waits there until the data, the header summary and every pending refresh have landed: a snapshot of a
half-loaded screen would differ from run to run. Update the baselines with
`pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from apps import SIZES, demo_app, settle, wait_for_header, wait_for_screen, wait_for_table, wait_until
from textual.pilot import Pilot

from console.app import SCREEN_CLASSES
from console.model import WorkloadPhase
from console.ui import keymap
from screens.base import ResourceScreen
from screens.filesystem_detail import FilesystemDetailScreen
from screens.filesystems import FilesystemsScreen
from screens.help import HelpScreen
from screens.node_detail import NodeDetailScreen
from screens.nodes import NodesScreen
from screens.protection import ProtectionScreen
from screens.starved import StarvedScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
SIZE_IDS = [f"{columns}x{rows}" for columns, rows in SIZES]


SCREEN_NAMES = [entry.name for entry in keymap.SCREENS]
"""Every top-level screen in the registry, so a new screen gets its snapshots (and a missing baseline
fails until someone looks at it)."""


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def terminal_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param


@pytest.mark.parametrize("name", SCREEN_NAMES)
def test_screen(snap_compare: SnapCompare, name: str, terminal_size: tuple[int, int]) -> None:
    entry = keymap.SCREENS_BY_NAME[name]

    async def run_before(pilot: Pilot[Any]) -> None:
        if name != keymap.DEFAULT_SCREEN:  # load the screen rwc opens on first, as a user would see it
            await wait_for_screen(pilot, SCREEN_CLASSES[keymap.DEFAULT_SCREEN])
        if entry.number_key:
            await pilot.press(entry.number_key)
        else:  # no number key is free: `:` and its first alias, as a user opens it
            await pilot.press("colon", *entry.aliases[0], "enter")
        await wait_for_screen(pilot, SCREEN_CLASSES[name])

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def workload_row(table: ResourceTable, phase: WorkloadPhase) -> str:
    """The first row (in the default order) of a workload in `phase`: stable for a seeded demo."""
    for key in table.visible_keys():
        if table.cell_text(key, "phase").strip().startswith(phase.value):
            return key
    raise AssertionError(f"the demo has no {phase.value} workload")


@pytest.mark.parametrize("phase", [WorkloadPhase.RUNNING, WorkloadPhase.PENDING], ids=["running", "pending"])
def test_workload_detail(
    snap_compare: SnapCompare, phase: WorkloadPhase, terminal_size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        table = await wait_for_table(pilot, WorkloadsScreen)
        table.move_cursor_to_key(workload_row(table, phase))
        await pilot.pause()
        await pilot.press("enter")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the workload detail")
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: detail._shown is not None, "the workload to load")
        await wait_until(pilot, lambda: detail._shown_events is not None, "its timeline to load")
        await wait_for_header(pilot)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_node_detail(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    """A node that went down: the Ready condition first, its GPUs, the workloads it held."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("3")
        table = await wait_for_table(pilot, NodesScreen)
        table.move_cursor_to_key("dgx-h100-04")
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodeDetailScreen), "the node detail")
        detail = app.screen
        await wait_until(pilot, lambda: bool(detail._sections), "the node to load")
        await wait_until(pilot, lambda: "loading…" not in detail.rendered_text(), "its timeline to load")
        await wait_for_header(pilot)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_filesystem_detail(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    """A filesystem in full: used, SSD, tiering, the off-site copy, who mounts it, and its timeline."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("5")
        table = await wait_for_table(pilot, FilesystemsScreen)
        key = next(key for key in table.visible_keys() if table.cell_text(key, "name") == "checkpoints")
        table.move_cursor_to_key(key)
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemDetailScreen), "the detail")
        detail = app.screen
        await wait_until(pilot, lambda: "workloads of" in detail.rendered_text(), "who mounts it")
        await wait_until(pilot, lambda: "loading…" not in detail.rendered_text(), "its timeline to load")
        await wait_for_header(pilot)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def commanded_view(command: str, screen: type[ResourceScreen], rows: int, what: str) -> RunBefore:
    """Open `:command` from the workloads list and wait for `rows` rows of `what` and the header."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("colon", *command, "enter")
        await wait_for_table(pilot, screen)
        await wait_until(pilot, lambda: app.screen.query_one(ResourceTable).row_count >= rows, what)
        await wait_for_header(pilot)
        await settle(pilot)

    return run_before


def test_rpo_view(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    """`:rpo`: models past its one-day target first (the demo's RPO story), then the filesystem never copied
    off the cluster; targets from the schedules (2h: an hourly one that uploads); growth still measured."""
    run_before = commanded_view("rpo", ProtectionScreen, 6, "the filesystems")
    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_starved_view(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    """`:starved`: the training whose dataset was tiered out, its evidence in words, the GPU-hours lost."""
    run_before = commanded_view("starved", StarvedScreen, 1, "the starved training")
    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_help(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("question_mark")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_filter_prompt(snap_compare: SnapCompare) -> None:
    """`/` open with text typed: the prompt, its cursor and the narrowed rows (80x24 only)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        table = await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("slash", *"jupyter")
        await wait_until(pilot, lambda: table.filter_text == "jupyter", "the filter to apply")
        await pilot.pause(0.6)  # past one blink period: the cursor must still be drawn
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
