"""SVG snapshot of one snapshot in full (enter on Snapshots) at 80x24, on the seeded demo with its clock
frozen (`apps.demo_app`): the demo's `pre-release-v3` of checkpoints, uploading to its local bucket,
after the simulated clock moved one minute so the rate and the ETA are measured, with the remote site
(the DR bucket) that it is not uploaded to.

Update the baseline with `pytest tests/snapshots --snapshot-update` and review the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps import demo_app, settle, wait_for_screen, wait_for_table, wait_until
from textual.pilot import Pilot

from screens.snapshot_detail import SnapshotDetailScreen
from screens.snapshots import SnapshotsScreen
from screens.workloads import WorkloadsScreen

SnapCompare = Callable[..., bool]


def test_snapshot_detail_of_an_upload_in_flight(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await wait_for_screen(pilot, WorkloadsScreen)
        await pilot.press("6")
        table = await wait_for_table(pilot, SnapshotsScreen)
        uploading = [key for key in table.visible_keys() if "%" in table.cell_text(key, "upload")]
        assert len(uploading) == 1, uploading
        table.move_cursor_to_key(uploading[0])
        await pilot.press("enter")
        screen = await wait_for_screen(pilot, SnapshotDetailScreen)
        assert isinstance(screen, SnapshotDetailScreen)
        await wait_until(pilot, lambda: "measuring" in screen.rendered_text(), "the first progress sample")

        backend = app.backend
        while not hasattr(backend, "simulator"):
            backend = backend.inner
        backend.simulator.advance(60)
        screen.action_refresh()
        await wait_until(pilot, lambda: "%/min" in screen.rendered_text(), "the measured rate")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
