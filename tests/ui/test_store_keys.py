"""What the Store polls follows what is on screen: a closed view costs nothing, a project's list is the
server's, and an action refreshes every view of what it changed without any screen asking.

Pilot at 80x24 on the demo; each test reads the Store's keys, which is what decides the requests a live
cluster sees (bench_live counts them over real HTTP).
"""

from __future__ import annotations

from demo_helpers import admin, demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until

from console.data.resources import NEWEST_WORKLOADS, WORKLOAD, WORKLOAD_PAGES
from console.model import WorkloadFilter, WorkloadPhase, WorkloadWindow
from console.model.windows import WINDOW_PAGE
from screens.dialogs.confirm import ConfirmDialog
from screens.logs import LogsScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen

SIZE = (80, 24)


async def test_a_closed_detail_stops_polling_and_its_logs_share_one_poll() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "2", "workloads")
        workload_id = table.cursor_key
        assert workload_id is not None
        await pilot.press("enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        key = WORKLOAD(workload_id)
        await wait_until(pilot, lambda: app.store.snapshot(key).loaded, "the workload's detail")
        assert key in detail.resource_keys

        await pilot.press("l")
        await wait_for_screen(pilot, LogsScreen)
        assert sum(1 for registered in app.store.keys if registered == key) == 1
        assert not app.store.is_paused(key)  # the log view shows it now

        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "back on the list")
        await wait_until(pilot, lambda: key not in app.store, "the detail's keys dropped")
        assert not [k for k in app.store.keys if getattr(k, "params", None) == workload_id]
        assert not app.store.is_paused(NEWEST_WORKLOADS)


async def test_a_projects_workloads_come_filtered_from_the_server() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        projects = await open_list(pilot, "1", "projects")
        sim = simulator(app)
        busy = {w.project_name for w in sim.runai.workloads(admin(sim))}
        project_id, project = next(
            (p.id, p.name)
            for p in sim.runai.projects(admin(sim))
            if p.name in busy and p.id in projects.visible_keys()
        )
        projects.move_cursor_to_key(project_id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "project_name", None) == project, "its workloads")
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen)
        scoped = WORKLOAD_PAGES(WorkloadWindow(WorkloadFilter(project_name=project)))
        await wait_until(pilot, lambda: app.store.snapshot(scoped).loaded, "the project's own list")
        assert screen.resource_keys == (scoped,)
        shown = screen.query_one("ResourceTable").visible_keys()  # type: ignore[attr-defined]
        page = app.store.snapshot(scoped).value
        assert page is not None
        assert set(shown) == {w.id for w in page.workloads} and page.workloads
        assert all(w.project_name == project for w in page.workloads)

        await pilot.press("escape")
        await wait_until(pilot, lambda: scoped not in app.store, "the project's list dropped when closed")


async def test_suspending_from_a_detail_refreshes_it_at_once() -> None:
    """No screen names what to refresh: the action table does, for every view of workloads."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "2", "workloads")
        sim = simulator(app)
        running = next(
            w for w in sim.runai.workloads(admin(sim)) if w.phase is WorkloadPhase.RUNNING and w.preemptible
        )
        table.move_cursor_to_key(running.id)
        await pilot.press("enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: detail.selected_workload() is not None, "the detail to load")
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        await pilot.pause(0.1)
        await pilot.press("y")

        def shown_phase() -> WorkloadPhase | None:
            shown = app.store.snapshot(WORKLOAD(running.id)).value
            return shown.phase if shown is not None else None

        # The clock is frozen and the detail polls every 2 s: the action's invalidation is what refreshes
        # it this fast (the list behind it, paused, refreshes the moment it is shown again).
        await wait_until(
            pilot, lambda: shown_phase() is not WorkloadPhase.RUNNING, "the detail refreshed", 1.0
        )


async def test_a_huge_list_holds_a_window_widens_near_its_end_and_searches_the_server() -> None:
    """20,000 workloads (the `large` scenario): a page is held, the header says of how many, the cursor
    near the end fetches a page more, and a kept `/` text asks the server for names containing it."""
    app = demo_app(scenario="large")
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "2", "workloads")
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen)
        await wait_until(pilot, lambda: table.row_count == WINDOW_PAGE, "the first window")
        total = len(simulator(app).runai.workloads(admin(simulator(app))))
        assert screen.header.detail == f"[{WINDOW_PAGE} of {total:,}]"

        await pilot.press("G")  # the last row held: a page more is asked for
        await wait_until(pilot, lambda: table.row_count == 2 * WINDOW_PAGE, "a wider window")
        assert screen.resource_keys == (WORKLOAD_PAGES(WorkloadWindow(None, 2 * WINDOW_PAGE)),)
        assert NEWEST_WORKLOADS not in app.store  # the narrower window was dropped

        name = table.visible_keys()[-1]
        wanted = next(
            w.name for w in app.store.snapshot(screen.resource_keys[0]).value.workloads if w.id == name
        )
        await pilot.press("slash", *wanted, "enter")
        searched = WORKLOAD_PAGES(WorkloadWindow(WorkloadFilter(name_contains=wanted)))
        await wait_until(pilot, lambda: app.context.bridge.snapshot(searched).loaded, "the server's answer")
        assert name in table.visible_keys()
        assert all(wanted in w.name for w in app.context.bridge.snapshot(searched).value.workloads)
