"""Every detail view has its own timeline from the one event model: the workload detail (what it
preempted, what preempted it), the node detail (cordons, drains, what ran there)."""

from __future__ import annotations

from demo_helpers import admin, demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot

from console.model import Role
from screens.events import EventsScreen
from screens.filesystem_detail import FilesystemDetailScreen
from screens.node_detail import NodeDetailScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.safe_static import SafeStatic

SIZE = (80, 24)


async def open_workload(pilot: Pilot, name: str) -> WorkloadDetailScreen:
    table = await open_list(pilot, "2", "workloads")
    key = next(k for k in table.visible_keys() if table.cell_text(k, "name") == name)
    table.move_cursor_to_key(key)
    await pilot.pause()
    await pilot.press("enter")
    await wait_for_screen(pilot, WorkloadDetailScreen)
    detail = pilot.app.screen
    assert isinstance(detail, WorkloadDetailScreen)
    await wait_until(pilot, lambda: detail._shown_events is not None, f"{name}'s timeline")
    await wait_until(pilot, lambda: "newest first" in detail.rendered_text(), "the timeline drawn")
    return detail


async def test_the_preemptor_lists_what_it_preempted_and_the_victim_by_whom() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        preemptor = await open_workload(pilot, "llama3-8b-sft")
        text = preemptor.rendered_text()
        assert "Preempted 1: sandbox/bert4rec-train" in text
        assert "Preempted sandbox/bert4rec-train (took its GPUs)" in text
        await pilot.press("escape")
        victim = await open_workload(pilot, "bert4rec-train")
        text = victim.rendered_text(width=120)
        assert "Preempted by llm-pretrain/llama3-8b-sft" in text
        assert "Requeued" in text


async def test_the_node_detail_shows_its_events_as_they_happen() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "3", "nodes")
        table.move_cursor_to_key("dgx-h100-01")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, NodeDetailScreen)
        detail = app.screen
        assert isinstance(detail, NodeDetailScreen)
        await wait_until(
            pilot, lambda: "llama3-8b-sft: Started" in detail.rendered_text(width=120), "its history"
        )
        sim = simulator(app)
        with sim.lock:
            sim.advance(5)
            sim.runai.cordon_node(admin(sim), "dgx-h100-01")
        await pilot.press("ctrl+r")
        await wait_until(
            pilot,
            lambda: "NodeNotSchedulable" in detail.rendered_text(width=120),
            "the cordon on its timeline",
        )


async def test_a_project_lists_what_it_reclaimed_and_what_it_lost() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "1", "projects")
        for name, summary in (
            ("llm-pretrain", "Reclaimed GPUs from 1: sandbox/bert4rec-train (for llama3-8b-sft)"),
            ("sandbox", "Lost GPUs to preemption 1: bert4rec-train (to llm-pretrain/llama3-8b-sft)"),
        ):
            key = next(k for k in table.visible_keys() if table.cell_text(k, "name").strip() == name)
            table.move_cursor_to_key(key)
            await pilot.pause()
            await pilot.press("v")
            await wait_for_screen(pilot, EventsScreen)
            screen = app.screen
            assert isinstance(screen, EventsScreen)
            events = screen.table
            await wait_until(pilot, lambda table=events: table.row_count > 0, f"{name}'s events")
            assert screen.header.title == f"Events of project {name}, newest first"
            shown = str(screen.query_one("#events-summary", SafeStatic).render())
            assert summary in shown, shown
            projects = {events.cell_text(k, "project") for k in events.visible_keys()}
            assert name in projects
            await pilot.press("escape")
            await wait_until(pilot, lambda left=screen: app.screen is not left, "back to the projects")


async def select_filesystem(pilot: Pilot, name: str) -> None:
    """The filesystems list with the cursor on `name`."""
    table = await open_list(pilot, "5", "filesystems")
    table.move_cursor_to_key(next(k for k in table.visible_keys() if table.cell_text(k, "name") == name))
    await pilot.pause()


async def test_a_filesystem_lists_its_weka_events() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await select_filesystem(pilot, "checkpoints")
        await pilot.press("v")
        await wait_for_screen(pilot, EventsScreen)
        events = app.screen.table
        await wait_until(pilot, lambda: events.row_count > 0, "the filesystem's events")
        assert {events.cell_text(k, "object") for k in events.visible_keys()} == {"fs/checkpoints"}
        assert "SnapshotUploadStarted" in {events.cell_text(k, "reason") for k in events.visible_keys()}


async def test_a_researcher_sees_their_workload_was_preempted_but_not_by_whom() -> None:
    app = demo_app(role=Role.RESEARCHER, user="erin@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        victim = await open_workload(pilot, "bert4rec-train")
        # Its timeline names the other side "another project" (the Why line above quotes the workload's own
        # Run:ai event, which the API shows its owner as written).
        timeline = victim.rendered_text(width=120).split("Events (", 1)[1]
        assert "Preempted by another project" in timeline
        assert "llama3" not in timeline and "llm-pretrain" not in timeline


async def test_the_filesystem_detail_shows_its_own_timeline() -> None:
    """Enter on a filesystem: below who mounts it and its alerts, WEKA's events about it, newest first (the
    same events `v` on the list opens), without its name repeated on each line."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await select_filesystem(pilot, "checkpoints")
        await pilot.press("enter")
        await wait_for_screen(pilot, FilesystemDetailScreen)
        detail = app.screen
        assert isinstance(detail, FilesystemDetailScreen)
        await wait_until(
            pilot, lambda: "SnapshotUploadStarted" in detail.rendered_text(width=120), "its timeline"
        )
        timeline = detail.rendered_text(width=120).split("Events (", 1)[1]
        assert "newest first)" in timeline.splitlines()[0]
        upload = next(line for line in timeline.splitlines() if "SnapshotUploadStarted" in line)
        assert "checkpoints:" not in upload  # its own events need no name
