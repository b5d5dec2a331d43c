"""Timelines over the simulator's HTTP faces, each the events of one object and the demo's, row for row:
a workload's detail (the preemptor lists what it preempted, the victim by whom, a degraded distributed job
its crashed worker's back-off), a filesystem's detail (its WEKA events), and the events screens `v` opens
from Projects (what a project reclaimed, what it lost) and Filesystems. Keys arrive in bursts, as a
terminal read delivers them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from served_app import (
    demo_app,
    in_one_read,
    open_list,
    served,
    settled_rows,
    wait_for_screen,
    wait_until,
)
from textual.pilot import Pilot

from console.app import RwcApp
from screens.events import EventsScreen
from screens.filesystem_detail import FilesystemDetailScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.safe_static import SafeStatic

SIZE = (100, 40)
WIDTH = 98
WORKLOADS = ("llama3-8b-sft", "bert4rec-train", "recsys-dlrm-train")
FILESYSTEM = "checkpoints"
OBJECTS = [
    pytest.param(
        "1",
        "projects",
        "llm-pretrain",
        "Reclaimed GPUs from 1: sandbox/bert4rec-train (for llama3-8b-sft)",
        id="project-reclaimed",
    ),
    pytest.param(
        "1",
        "projects",
        "sandbox",
        "Lost GPUs to preemption 1: bert4rec-train (to llm-pretrain/llama3-8b-sft)",
        id="project-lost",
    ),
    pytest.param("5", "filesystems", FILESYSTEM, "", id="filesystem"),
]
"""(number key, list, object, the preemption summary above its events)."""

Read = tuple[str, str, list[tuple[str, ...]]]
"""An events screen as read: its title, its summary line, its rows in view."""


async def open_workload(pilot: Pilot, name: str) -> str:
    """From Workloads, `/name` enter enter: the detail as read once its events and mounts came; then esc
    twice (the detail, then the filter)."""
    app = pilot.app
    await in_one_read(pilot, ["/", *name, "<enter>", "<enter>"])
    await wait_for_screen(pilot, WorkloadDetailScreen)
    detail = app.screen
    assert isinstance(detail, WorkloadDetailScreen)
    await wait_until(pilot, lambda: "newest first" in detail.rendered_text(WIDTH), f"{name}'s events")
    await wait_until(pilot, lambda: "Data (" in detail.rendered_text(WIDTH), f"{name}'s mounts")
    text = detail.rendered_text(WIDTH)
    await in_one_read(pilot, ["<escape>", "<escape>"])
    await wait_until(pilot, lambda: app.current_mode == "workloads" and app.screen is not detail, "back")
    return text


async def workload_details(app: RwcApp) -> dict[str, str]:
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "2", "workloads")
        return {name: await open_workload(pilot, name) for name in WORKLOADS}


async def filesystem_detail(app: RwcApp) -> str:
    """From Filesystems, `/checkpoints` enter enter: the detail as read once its timeline came."""
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "5", "filesystems")
        await in_one_read(pilot, ["/", *FILESYSTEM, "<enter>", "<enter>"])
        await wait_for_screen(pilot, FilesystemDetailScreen)
        detail = app.screen
        assert isinstance(detail, FilesystemDetailScreen)
        await wait_until(pilot, lambda: "newest first" in detail.rendered_text(WIDTH), "its timeline")
        return detail.rendered_text(WIDTH)


async def events_of(app: RwcApp, number: str, mode: str, name: str) -> Read:
    """From a list, `/name` enter `v`: the object's events screen as read."""
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, number, mode)
        await in_one_read(pilot, ["/", *name, "<enter>", "v"])
        await wait_for_screen(pilot, EventsScreen)
        screen = app.screen
        assert isinstance(screen, EventsScreen)
        await wait_until(pilot, lambda: screen.table.row_count > 0, f"{name}'s events")
        rows = await settled_rows(pilot, screen.table)
        summary = str(screen.query_one("#events-summary", SafeStatic).render())
        return screen.header.title, summary, rows


async def test_a_workloads_timeline_over_http_reads_as_the_demo(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await workload_details(faces.app())
        demo = await workload_details(demo_app())
    for name in WORKLOADS:
        assert live[name] == demo[name], name
    preemptor, victim, degraded = (live[name].split("Events (", 1)[1] for name in WORKLOADS)
    assert "Preempted 1: sandbox/bert4rec-train" in preemptor
    assert "Preempted sandbox/bert4rec-train (took its GPUs)" in preemptor
    assert "Preempted by llm-pretrain/llama3-8b-sft" in victim and "Requeued" in victim
    assert "Back-off restarting failed container in pod recsys-dlrm-train-worker-0" in degraded
    assert "bert4rec" not in degraded and "llama3" not in degraded  # its own events only
    for timeline in (preemptor, victim, degraded):
        assert "Workload submitted by" in timeline


async def test_a_filesystems_timeline_over_http_reads_as_the_demo(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await filesystem_detail(faces.app())
        demo = await filesystem_detail(demo_app())
    assert live == demo
    timeline = live.split("Events (", 1)[1].splitlines()
    assert "newest first)" in timeline[0]
    upload = next(line for line in timeline if "SnapshotUploadStarted" in line)
    assert f"{FILESYSTEM}:" not in upload  # its own events, its name not repeated


@pytest.mark.parametrize(("number", "mode", "name", "summary"), OBJECTS)
async def test_a_projects_and_a_filesystems_events_over_http_read_as_the_demo(
    number: str, mode: str, name: str, summary: str, tmp_path: Path
) -> None:
    with served(tmp_path) as faces:
        title, shown, rows = await events_of(faces.app(), number, mode, name)
        demo = await events_of(demo_app(), number, mode, name)
    kind = "project" if mode == "projects" else "filesystem"
    assert title == f"Events of {kind} {name}, newest first"
    assert rows
    if kind == "filesystem":
        assert all(f"fs/{name}" in row for row in rows)
        assert any("SnapshotUploadStarted" in row for row in rows)
    else:
        assert all(name in row or "by " in row[-1] for row in rows)  # its own, or a preemption of it
    assert summary in shown, shown
    # The demo's header has one more line (DEMO: simulated…), so it has room for fewer rows.
    demo_rows = demo[2]
    assert len(rows) >= len(demo_rows)
    assert (title, shown, rows[: len(demo_rows)]) == demo


async def test_a_timeline_starts_with_the_workloads_submission(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await workload_details(faces.app())
    for name, text in live.items():
        timeline = text.split("Events (", 1)[1].splitlines()
        oldest = next(line for line in reversed(timeline) if re.match(r"\d\d:\d\d:\d\d ", line))
        assert "Created" in oldest, f"{name}: the oldest event is not its submission: {oldest}"
