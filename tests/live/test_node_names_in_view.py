"""A live Workloads list reads node names (one pod request per workload) only for the rows on screen,
over real HTTP against the simulator's faces: a list of 100,000 must not cost a request per row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from console.cli import make_app
from console.config import Config, load_config_file
from console.model import Role, WorkloadPhase
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.workloads import WorkloadsScreen
from tests.ui.pilot_waits import wait_until
from widgets.resource_table import ResourceTable


def _pod_reads(served: ServedSimulator) -> set[str]:
    return {
        path.split("/")[4]
        for _, path in served.runai.requests_seen
        if path.startswith("/api/v1/workloads/") and path.endswith("/pods")
    }


async def test_node_names_come_for_the_rows_in_view_only() -> None:
    simulator = build_simulator("large", 7)
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(simulator, clock_speed=0, workdir=Path(home) / "sim") as served,
    ):
        path = served.write_profile(Path(home) / "rwc.toml")
        profile = load_config_file(path, must_exist=True).select(None)
        assert profile is not None
        config = Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)
        app = make_app(config)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.press("2")
            await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
            screen = app.screen
            assert isinstance(screen, WorkloadsScreen)
            table = screen.query_one(ResourceTable)
            await wait_until(pilot, lambda: table.row_count >= 400, "a window of rows")
            running = {
                w.id
                for w in simulator.runai.workloads(simulator.runai.identity_for(None, Role.ADMIN))
                if w.phase is WorkloadPhase.RUNNING and w.node_names
            }
            in_view = [key for key in table.keys_in_view() if key in running]
            assert in_view, "the newest rows include running workloads"
            await wait_until(
                pilot, lambda: all(table.cell_text(key, "node") for key in in_view), "node names in view"
            )
            read = _pod_reads(served)
            assert set(in_view) <= read
            assert len(read) <= len(table.keys_in_view())  # not the window's 500 rows

            await pilot.press("G")  # the last row of the window: its rows in view get their nodes
            await wait_until(pilot, lambda: table.keys_in_view()[-1] != in_view[-1], "the list scrolled")
            lower = [key for key in table.keys_in_view() if key in running]
            await wait_until(
                pilot, lambda: all(table.cell_text(key, "node") for key in lower), "node names further down"
            )
