"""SVG snapshots of the WEKA views at 80x24 and 160x48 on the seeded demo with its clock frozen
(`apps.demo_app`): the WEKA overview with its sparklines drawn, the snapshots screen with the demo's
upload in flight (its bar at 40%), and the create-filesystem form.

Update the baselines with `pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from apps import SIZES, demo_app, settle, wait_for_screen, wait_for_table, wait_until
from textual.pilot import Pilot
from textual.widgets import Sparkline

from screens.dialogs.filesystem_forms import CreateFilesystemForm
from screens.filesystems import FilesystemsScreen
from screens.snapshots import SnapshotsScreen
from screens.weka_overview import WekaOverviewScreen
from screens.workloads import WorkloadsScreen

SnapCompare = Callable[..., bool]
SIZE_IDS = [f"{columns}x{rows}" for columns, rows in SIZES]


@pytest.fixture(params=SIZES, ids=SIZE_IDS)
def terminal_size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param


def test_weka_overview(snap_compare: SnapCompare, terminal_size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, WorkloadsScreen)
        await pilot.press("7")
        screen = await wait_for_screen(pilot, WekaOverviewScreen)
        sparklines = list(screen.query(Sparkline))
        await wait_until(pilot, lambda: all(s.data for s in sparklines), "the sparklines' data")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_snapshots_with_an_upload_in_flight(
    snap_compare: SnapCompare, terminal_size: tuple[int, int]
) -> None:
    """The demo's `pre-release-v3` of checkpoints is uploading; the cursor goes to it (the last row)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, WorkloadsScreen)
        await pilot.press("6")
        table = await wait_for_table(pilot, SnapshotsScreen)
        uploading = [key for key in table.visible_keys() if "%" in table.cell_text(key, "upload")]
        assert len(uploading) == 1, uploading
        table.move_cursor_to_key(uploading[0])
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=terminal_size, run_before=run_before)


def test_create_filesystem_form(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, WorkloadsScreen)
        await pilot.press("5")
        await wait_for_table(pilot, FilesystemsScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CreateFilesystemForm), "the form")
        form = pilot.app.screen
        assert isinstance(form, CreateFilesystemForm)
        await pilot.press(*"training-data")
        form.widget_for("total").value = "1TiB"  # type: ignore[attr-defined]
        form.widget_for("ssd").value = "2TiB"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")  # refused inline: SSD above the total, and SSD-only
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
