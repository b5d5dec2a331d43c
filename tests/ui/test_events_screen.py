"""The event list (`:ev`): every source's events, newest first, following live without moving the
cursor off the row being read; `w`, `p`, `s` narrow it, `/` filters by any text a row shows, enter opens
what an event is about; a researcher reads other projects' objects as "another project"."""

from __future__ import annotations

from demo_helpers import admin, demo_app, simulator
from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot

from console.model import Role
from screens.events import EventsScreen
from screens.node_detail import NodeDetailScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


async def open_events(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await pilot.press("colon", "e", "v", "enter")  # one burst, as a user types it
    await wait_until(pilot, lambda: app.current_mode == "events", "the events screen")
    screen = app.screen
    assert isinstance(screen, EventsScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "event rows")
    return table


def column(table: ResourceTable, name: str) -> list[str]:
    return [table.cell_text(key, name) for key in table.visible_keys()]


async def test_newest_first_and_a_preemption_names_both_sides() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        screen = app.screen
        assert screen.header.title == "Events, newest first"
        keys = table.visible_keys()
        ats = [screen._events_by_key[key].at for key in keys]
        assert ats == sorted(ats, reverse=True)
        assert {"Run:ai", "K8s", "WEKA"} <= set(column(table, "source"))

        await pilot.press("p")
        await wait_until(pilot, lambda: table.visible_count == 1, "the one preemption")
        (key,) = table.visible_keys()
        assert table.cell_text(key, "reason") == "Preempted"
        assert table.cell_text(key, "object") == "wl/bert4rec-train"
        assert table.cell_text(key, "project") == "sandbox"
        assert table.cell_text(key, "message").startswith("by llm-pretrain/llama3-8b-sft: Preempted")
        assert screen.header.title == "Events: preemptions only"


async def test_new_events_come_in_on_top_and_the_cursor_stays_on_its_row() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        await pilot.press("down", "down", "down")
        reading = table.cursor_key
        assert reading is not None and table.visible_keys().index(reading) == 3
        sim = simulator(app)
        node = next(iter(sim.runai.state.nodes))
        with sim.lock:
            sim.advance(5)
            sim.runai.cordon_node(admin(sim), node)
        await pilot.press("ctrl+r")
        await wait_until(
            pilot,
            lambda: table.cell_text(table.visible_keys()[0], "reason") == "NodeNotSchedulable",
            "the cordon's event on top",
        )
        top = table.visible_keys()[0]
        assert table.cell_text(top, "object") == f"no/{node}"
        assert table.cursor_key == reading
        assert table.visible_keys().index(reading) > 3  # pushed down by what came in, still under the cursor


async def test_w_p_s_and_slash_narrow_the_list() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        everything = table.visible_count
        await pilot.press("w")
        await wait_until(pilot, lambda: table.visible_count < everything, "warnings only")
        assert set(column(table, "type")) <= {"!", "✗"}
        await pilot.press("w", "s", "s", "s")  # all again; then Run:ai, Kubernetes, WEKA
        await wait_until(pilot, lambda: set(column(table, "source")) == {"WEKA"}, "WEKA's events only")
        assert app.screen.header.title == "Events: WEKA only"
        # About filesystems, and the standing alert (scratch's SSD overfilling) about the cluster.
        objects = column(table, "object")
        assert all(value.startswith("fs/") or value == "WEKA" for value in objects)
        alert = next(k for k in table.visible_keys() if table.cell_text(k, "reason") == "AlertActive")
        assert table.cell_text(alert, "type") == "✗"
        assert "SSD capacity overfilling" in table.cell_text(alert, "message")
        await pilot.press("s", "s")  # NVML (the GPUs' XIDs and throttling), then every source
        await wait_until(pilot, lambda: table.visible_count == everything, "every source again")
        await pilot.press("slash", *"dgx-a100-04", "enter")
        await wait_until(pilot, lambda: 0 < table.visible_count < everything, "a node's events")
        assert set(column(table, "node")) == {"dgx-a100-04"}


async def test_enter_opens_the_workload_or_node_an_event_is_about() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        await pilot.press("p", "enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        await wait_until(pilot, lambda: "bert4rec-train" in app.screen.header.title, "the victim's detail")
        await pilot.press("escape")
        await wait_for_screen(pilot, EventsScreen)
        await pilot.press("p")
        sim = simulator(app)
        with sim.lock:
            sim.advance(5)
            sim.runai.drain_node(admin(sim), "dgx-a100-04")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "Draining" in column(table, "reason"), "the drain's event")
        drained = next(k for k in table.visible_keys() if table.cell_text(k, "reason") == "Draining")
        table.move_cursor_to_key(drained)
        await pilot.press("enter")
        await wait_for_screen(pilot, NodeDetailScreen)


async def test_a_researcher_reads_other_projects_as_another_project() -> None:
    app = demo_app(role=Role.RESEARCHER)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        identity = app.screen.identity
        await wait_until(pilot, lambda: app.screen.identity is not None, "who is signed in")
        identity = app.screen.identity
        assert identity is not None and not identity.is_admin
        projects = set(column(table, "project"))
        assert "another project" in projects
        assert projects - {"another project", "—"} <= set(identity.project_names)
        hidden = [key for key in table.visible_keys() if table.cell_text(key, "project") == "another project"]
        assert all(table.cell_text(key, "object") == "wl/another project" for key in hidden)
        assert all("another project" in table.cell_text(key, "message") for key in hidden)


async def test_an_event_that_looks_like_markup_is_shown_as_written() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.weka._store.emit("Custom", "Filesystem", "team[a] x[/] [bold]y", "fs[/]name")
        table = await open_events(pilot)
        await pilot.press("s", "s", "s")
        await wait_until(pilot, lambda: "fs/fs[/]name" in column(table, "object"), "the odd event")
        key = next(k for k in table.visible_keys() if table.cell_text(k, "object") == "fs/fs[/]name")
        assert table.cell_text(key, "message") == "team[a] x[/] [bold]y"
