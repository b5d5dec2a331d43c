"""The log view tells the truth about its workload: a workload that never started says why there are no
logs, and an ended (Completed/Failed) one says it ended and that its log is complete instead of claiming
to be "following" a "streaming" log. Run on the seeded demo at 80x24, as a user opens it (`l`).
"""

from __future__ import annotations

from typing import Any

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from console.model import Role, Workload, WorkloadPhase
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from screens.logs import LogsScreen
from screens.workload_detail import explain_phase
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
NEVER_STARTED = "whisper-distill"
"""Pending in the seeded demo (non-preemptible over quota); its pod has never run, so it has no log."""
PREEMPTED = "bert4rec-train"
"""Pending again after it ran: it has a log from its first run, so it must not say "never started"."""
COMPLETED = "resnet50-baseline"
FAILED = "dlrm-oom-repro"
ENDS_SOON = "yolov8-detect"
"""A running training with three simulated minutes left."""


def demo_app() -> RwcApp:
    return make_app(Config(demo=True, clock_speed=0, sim_start=DEFAULT_START))


def simulator_of(app: RwcApp) -> Simulator:
    backend: Any = app.backend
    while not hasattr(backend, "simulator"):
        backend = backend.inner
    return backend.simulator


def sim_workload(app: RwcApp, workload_id: str) -> Workload:
    sim = simulator_of(app)
    with sim.lock:
        return sim.runai.workload(sim.runai.identity_for(None, Role.ADMIN), workload_id)


async def open_logs(pilot: Pilot, name: str) -> LogsScreen:
    """On the workloads list, put the cursor on `name`, press `l` and wait until the view knows the
    workload (its phase is what the status line and the note are about)."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "workload rows")
    page = app.screen.context.bridge.snapshot(app.screen.resource_keys[0]).value
    workloads = page.workloads if page is not None else None
    table.move_cursor_to_key(next(w.id for w in workloads if w.name == name))
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs")
    screen = app.screen
    assert isinstance(screen, LogsScreen)
    await wait_until(pilot, lambda: screen.workload is not None, "the workload's phase in the log view")
    await pilot.pause()
    return screen


def status_text(screen: LogsScreen) -> str:
    return str(screen.query_one("#view-status", Static).render())


def note_text(screen: LogsScreen) -> str:
    note = screen.query_one("#log-note", Static)
    return str(note.render()) if note.display else ""


async def test_a_workload_that_never_started_says_why_there_are_no_logs() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_logs(pilot, NEVER_STARTED)
        workload = sim_workload(app, screen.workload_id)
        assert workload.phase is WorkloadPhase.PENDING and workload.pods
        await wait_until(pilot, lambda: "No logs" in note_text(screen), "the reason there are no logs")
        note = " ".join(note_text(screen).split())
        assert note.startswith(f"No logs: pod {workload.pods[0].name} never started — Pending: ")
        assert " ".join(explain_phase(workload).split()) in note
        assert screen.view.line_count == 0
        assert "streaming" not in status_text(screen)
        assert "waiting for it to start (Pending)" in status_text(screen)


async def test_a_preempted_workload_with_a_log_does_not_claim_it_never_started() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_logs(pilot, PREEMPTED)
        await wait_until(pilot, lambda: screen.view.line_count > 0, "its log from the first run")
        await pilot.pause()
        assert note_text(screen) == ""
        assert "never started" not in status_text(screen)


@pytest.mark.parametrize("name", [COMPLETED, FAILED])
async def test_an_ended_workload_says_it_ended_and_that_its_log_is_complete(name: str) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_logs(pilot, name)
        await wait_until(pilot, lambda: screen.view.line_count > 0, "its log")
        workload = sim_workload(app, screen.workload_id)
        assert workload.completed_at is not None
        status = status_text(screen)
        assert status.startswith(f"■ {workload.phase.value} {workload.completed_at:%H:%M:%S} (")
        assert "ago) · log complete" in status
        assert "following" not in status and "streaming" not in status

        await pilot.press("f")  # follow: nothing to follow, and it does not pretend otherwise
        await pilot.pause()
        status = status_text(screen)
        assert "following" not in status and "paused" not in status and "log complete" in status
        assert screen.view.scroll_y == screen.view.max_scroll_y


async def test_a_workload_that_ends_while_watched_stops_claiming_to_stream() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        screen = await open_logs(pilot, ENDS_SOON)
        await wait_until(pilot, lambda: screen.view.line_count > 0, "its log")
        assert "● following" in status_text(screen)
        sim.advance(240)  # past the end of its run
        screen.action_refresh()
        await wait_until(pilot, lambda: "log complete" in status_text(screen), "the ended status", timeout=5)
        assert status_text(screen).startswith("■ Completed ")
        assert "following" not in status_text(screen)
        await wait_until(
            pilot,
            lambda: "training complete" in " ".join(list(screen.view.lines)[-3:]),
            "the log's last lines",
        )
