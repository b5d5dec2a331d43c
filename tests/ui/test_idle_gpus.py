"""Idle GPUs (`0`, `:id`): the workloads that held their GPUs under 5 % for at least the window, the
most GPU-hours wasted first; `w` widens the window; ⇧s suspends (asked first); live says what it lacks."""

from __future__ import annotations

from datetime import UTC, datetime

from demo_helpers import demo_app, open_list, simulator
from model_factories import a_workload
from pilot_waits import wait_for_screen, wait_until

from console.model import GpuRequest, WorkloadPhase, WorkloadType, WorkloadUtilisation
from console.ui.idle_gpus import idle_holdings, idle_run
from screens.dialogs import ConfirmDialog
from screens.workload_detail import WorkloadDetailScreen

AT = datetime(2026, 11, 1, tzinfo=UTC)


def test_an_idle_run_is_the_readings_under_the_threshold_back_from_now() -> None:
    assert idle_run([90, 3, 2, 1], 5) == [1, 2, 3]
    assert idle_run([1, 2, None, 1], 5) == [1]  # an unknown reading is no evidence of idleness
    assert idle_run([1, 2, 50], 5) == []


async def test_the_demo_lists_its_abandoned_notebooks_and_w_widens_the_window() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "0", "idle")
        names = {table.cell_text(key, "name").strip(): key for key in table.visible_keys()}
        assert {"jupyter-alice", "notebook-erin", "clip-retrieval-demo"} <= set(names)
        workloads = {w.id: w for w in await app.backend.workloads()}
        for key in table.visible_keys():
            assert workloads[key].phase is WorkloadPhase.RUNNING and workloads[key].allocated_gpus > 0
            assert table.cell_text(key, "util").strip().endswith("%")
        wasted = [float(table.cell_text(key, "wasted").strip().lstrip("<")) for key in table.visible_keys()]
        assert wasted == sorted(wasted, reverse=True)  # the most GPU-hours wasted first

        await pilot.press("w")  # 1h: the notebook idle for 40 minutes is no longer listed
        await wait_until(pilot, lambda: "≥1h" in app.screen.header.title, "the 1h window")
        await wait_until(pilot, lambda: "notebook-erin" not in _names(table), "the shorter idler gone")
        assert "jupyter-alice" in _names(table)

        table.move_cursor_to_key(names["jupyter-alice"])
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.SCREEN_NAME == "idle", "back")

        await pilot.press("S")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        sim = simulator(app)
        await wait_until(
            pilot,
            lambda: sim.runai.state.workloads[names["jupyter-alice"]].phase is not WorkloadPhase.RUNNING,
            "the suspend",
        )
        await wait_until(pilot, lambda: "jupyter-alice" not in _names(table), "the suspended one gone")


def _names(table) -> set[str]:  # type: ignore[no-untyped-def]
    return {table.cell_text(key, "name").strip() for key in table.visible_keys()}


def test_a_workload_idle_for_the_whole_history_reads_as_at_least_that_long() -> None:
    workload = a_workload(type=WorkloadType.WORKSPACE, gpu_request=GpuRequest.whole(2), allocated_gpus=2)
    history = WorkloadUtilisation("w", AT, 60.0, (1.0,) * 120)
    [holding] = idle_holdings([history], [workload], min_idle_seconds=3600)
    assert holding.reaches_back and holding.idle_seconds == 7200 and holding.gpu_hours_wasted == 4.0
    assert idle_holdings([history], [workload], min_idle_seconds=3 * 3600) == []
