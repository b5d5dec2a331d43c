"""SVG snapshot of `:dr` at 80x24: `rwc --demo`'s two sites, every filesystem whose copy the other site can
read, the site that could restore it, the snapshot, its age against the RPO target (models' is past: red)
and the state, on the seeded demo with its clock frozen (`apps.demo_app`).

Update the baseline with `pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps import demo_app, settle, wait_until
from textual.pilot import Pilot

from console.config import DEMO_SITES
from screens.dr import DrScreen
from widgets.resource_table import ResourceTable

SnapCompare = Callable[..., bool]


def test_dr_plan(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        await pilot.press(*":dr", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "the DR view")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count == 4, "both sites' rows")
        await settle(pilot)

    assert snap_compare(demo_app(sites=DEMO_SITES), terminal_size=(80, 24), run_before=run_before)
