"""SVG snapshots of action dialogs at 80x24 on the seeded demo (`apps.demo_app`): what a user reads
before saying yes. The drain confirmation is the one with real content — the workloads that will move
and the ones that stay — so it is the one pinned here.

Update the baselines with `pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps import demo_app, settle, wait_for_table, wait_until
from textual.pilot import Pilot

from console.data.resources import NODES
from screens.dialogs import ConfirmDialog
from screens.nodes import NodesScreen

SnapCompare = Callable[..., bool]


def test_drain_confirmation(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        table = await wait_for_table(pilot, NodesScreen)
        nodes = pilot.app.screen.values()[NODES]
        busy = sorted(node.name for node in nodes if node.allocated_gpus and not node.draining)
        table.move_cursor_to_key(busy[0])
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the drain confirmation")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
