"""SVG snapshots of every rwc screen, at the 80x24 floor and at 160x48, on the seeded demo cluster with
its clock frozen (`apps.demo_app`), so a baseline changes only when what users see changes.

Each test reaches its screen the way a user does (number key, enter, `?`) inside `run_before`, and
waits there until the data, the header summary and every pending refresh have landed: a snapshot of a
half-loaded screen would differ from run to run. Update the baselines with
`pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from apps import SIZES, demo_app, settle, wait_for_header, wait_for_table, wait_until
from textual.pilot import Pilot

from console.model import WorkloadPhase
from screens.base import ResourceScreen
from screens.filesystems import FilesystemsScreen
from screens.gpus import GpusScreen
from screens.help import HelpScreen
from screens.nodes import NodesScreen
from screens.projects import ProjectsScreen
from screens.snapshots import SnapshotsScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SnapCompare = Callable[..., bool]
SIZE_IDS = [f"{columns}x{rows}" for columns, rows in SIZES]


@dataclass(frozen=True)
class ScreenShot:
    name: str
    number_key: str
    screen_class: type[ResourceScreen]


SCREENS = [
    ScreenShot("projects", "1", ProjectsScreen),
    ScreenShot("workloads", "2", WorkloadsScreen),
    ScreenShot("nodes", "3", NodesScreen),
    ScreenShot("gpus", "4", GpusScreen),
    ScreenShot("filesystems", "5", FilesystemsScreen),
    ScreenShot("snapshots", "6", SnapshotsScreen),
]


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def terminal_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param


@pytest.mark.parametrize("shot", SCREENS, ids=[shot.name for shot in SCREENS])
def test_screen(snap_compare: SnapCompare, shot: ScreenShot, terminal_size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        if shot.number_key != "2":  # rwc opens on the workloads; load them first, as a user would see
            await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press(shot.number_key)
        await wait_for_table(pilot, shot.screen_class)

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
        await wait_for_header(pilot)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_help(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_table(pilot, WorkloadsScreen)
        await pilot.press("question_mark")
        app = pilot.app
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)
