"""SVG snapshot of `:sites` at 80x24: `rwc --demo`'s two sites (on-prem and cloud) on the opening screen,
each row with its Run:ai version, GPUs, pending demand, WEKA state and fill, alerts, worst recovery point
and connection state, on the seeded demo with its clock frozen (`apps.demo_app`).

Update the baseline with `pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps import demo_app, settle, wait_for_table, wait_until
from textual.pilot import Pilot

from console.config import DEMO_SITES
from screens.sites import SitesScreen

SnapCompare = Callable[..., bool]


def test_sites_overview(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        table = await wait_for_table(pilot, SitesScreen)

        def both_loaded() -> bool:
            rows = [table.get_row(name) for name in DEMO_SITES]
            return all(row is not None and str(row.cells[-1]) in ("open", "connected") for row in rows)

        await wait_until(pilot, both_loaded, "both sites' overviews")
        await settle(pilot)

    assert snap_compare(demo_app(sites=DEMO_SITES), terminal_size=(80, 24), run_before=run_before)
