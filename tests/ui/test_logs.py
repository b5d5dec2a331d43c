"""The log view (`l`) and the describe view (`y`) at 80x24 on the demo backend, and `LogView` on its own:
lines appear and follow the simulator, scrolling up pauses follow, search finds and walks matches, wrap
re-flows, save writes a file, the buffer stays bounded, bursts are coalesced, lines are shown literally,
and closing the view stops the stream.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from pilot_waits import wait_until
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerState

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from console.model import Role
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.ui.keymap import LOGS_KEYS, TEXT_VIEW_KEYS
from screens.describe import DescribeScreen
from screens.help import HelpScreen
from screens.logs import LOG_WORKER_GROUP, LogsScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.log_view import LogView, strip_text
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
TRAINING = "vit-large-pretrain"
"""A running training in the seeded demo: it writes a progress line every 5 simulated seconds."""


def demo_app(**overrides: Any) -> RwcApp:
    return make_app(Config(demo=True, clock_speed=0, sim_start=DEFAULT_START, **overrides))


def simulator_of(app: RwcApp) -> Simulator:
    backend: Any = app.backend
    while not hasattr(backend, "simulator"):
        backend = backend.inner
    return backend.simulator


def sim_log(sim: Simulator, workload_id: str) -> list[str]:
    with sim.lock:  # the demo backend's worker thread may be answering a poll
        return sim.runai.workload_logs(sim.runai.identity_for(None, Role.ADMIN), workload_id)


async def open_view(pilot: Pilot, name: str, key: str) -> Any:
    """From the workloads list, put the cursor on `name` and press `key` (`l` or `y`)."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "workload rows")
    page = app.screen.context.bridge.snapshot(app.screen.resource_keys[0]).value
    workloads = page.workloads if page is not None else None
    workload = next(w for w in workloads if w.name == name)
    table.move_cursor_to_key(workload.id)
    await pilot.press(key)
    expected = LogsScreen if key == "l" else DescribeScreen
    await wait_until(pilot, lambda: isinstance(app.screen, expected), expected.__name__)
    screen = app.screen
    await wait_until(pilot, lambda: screen.view.line_count > 0, "lines in the view")
    await pilot.pause()
    return screen


def status_text(screen: Any) -> str:
    return str(screen.query_one("#view-status", Static).render())


def notifications(app: RwcApp) -> list[str]:
    return [notification.message for notification in app._notifications]


# -- the log view on the demo ------------------------------------------------------------------------------


async def test_log_lines_appear_and_follow_the_simulator() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        screen = await open_view(pilot, TRAINING, "l")
        assert isinstance(screen, LogsScreen)
        view = screen.view
        assert screen.screen_title == f"Logs {TRAINING}"
        expected = sim_log(sim, screen.workload_id)
        assert list(view.lines) == expected[-len(view.lines) :]
        assert view.follow and view.scroll_y == view.max_scroll_y
        assert "following" in status_text(screen)

        written = view.lines_written
        sim.advance(60)  # twelve more progress lines
        await wait_until(pilot, lambda: view.lines_written >= written + 12, "the followed lines", timeout=5)
        assert view.lines[-1] == sim_log(sim, screen.workload_id)[-1]
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y  # still at the bottom: follow scrolled


async def test_scrolling_up_pauses_follow_and_the_bottom_or_f_resumes_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        screen = await open_view(pilot, TRAINING, "l")
        view = screen.view
        await pilot.press("pageup")
        await pilot.pause()
        assert not view.follow
        assert "paused" in status_text(screen)
        top, first_visible = view.scroll_y, view.lines[round(view.scroll_y)]

        written = view.lines_written
        sim.advance(60)
        await wait_until(pilot, lambda: view.lines_written > written, "new lines while paused", timeout=5)
        await pilot.pause()
        assert not view.follow
        assert view.scroll_y == top and view.lines[round(view.scroll_y)] == first_visible  # did not move
        assert view.scroll_y < view.max_scroll_y

        await pilot.press("end")
        await wait_until(pilot, lambda: view.follow, "follow to resume at the bottom")
        assert view.scroll_y == view.max_scroll_y

        await pilot.press("f")
        assert not view.follow
        await pilot.press("up", "up", "f")
        assert view.follow
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y


async def test_search_highlights_and_walks_the_matches() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        view = screen.view
        await pilot.press("slash", *"LOSS 0.78", "enter")  # case-insensitive, literal (the . is no regex)
        await pilot.pause()
        matching = [line for line in view.lines if "loss 0.78" in line.lower()]
        assert view.match_count == len(matching) > 1
        current = view.current_match_line
        assert current is not None and "loss 0.78" in current
        assert not view.follow  # jumping to a match pauses follow
        assert f"/LOSS 0.78: {view.current_match_index + 1}/{view.match_count}" in status_text(screen)

        first_index = view.current_match_index
        await pilot.press("N")
        assert view.current_match_index == (first_index - 1) % view.match_count
        await pilot.press("n", "n")
        assert view.current_match_index == (first_index + 1) % view.match_count

        # The current match is on screen and drawn in the current-match style.
        position = view.lines.index(view.current_match_line)
        row = position - round(view.scroll_y)
        assert 0 <= row < view.size.height
        highlight = view.get_component_rich_style("log-view--current-match")
        highlighted = "".join(
            segment.text
            for segment in view.render_line(row)
            if segment.style is not None and segment.style.bgcolor == highlight.bgcolor
        )
        assert highlighted.lower() == "loss 0.78"

        await pilot.press("escape")  # clears the search first
        assert view.search == "" and view.match_count == 0
        assert isinstance(app.screen, LogsScreen)


async def test_a_search_with_no_match_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        await pilot.press("slash", *"no-such-text", "enter")
        await wait_until(
            pilot, lambda: any("Not found" in m for m in notifications(app)), "the not-found note"
        )
        assert screen.view.match_count == 0 and screen.view.current_match_line is None


async def test_wrap_reflows_long_lines() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        view = screen.view
        assert max(len(line) for line in view.lines) > 80
        assert view.virtual_size.height == view.line_count
        await pilot.press("w")
        await pilot.pause()
        assert view.wrap and view.virtual_size.height > view.line_count
        assert view.follow and view.scroll_y == view.max_scroll_y
        last_rows = [strip_text(view.render_line(y)).rstrip() for y in range(view.size.height)]
        assert "".join(last_rows[-3:]).replace(" ", "") in view.lines[-1].replace(" ", "") or any(
            row and row in view.lines[-1] for row in last_rows[-2:]
        )
        await pilot.press("w")
        await pilot.pause()
        assert not view.wrap and view.virtual_size.height == view.line_count


async def test_save_writes_the_kept_lines_to_the_state_directory() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("Saved" in m for m in notifications(app)), "the saved note")
        message = next(m for m in notifications(app) if "Saved" in m)
        path = Path(message.rsplit(" to ", 1)[1])
        state_dir = Path(os.environ["XDG_STATE_HOME"]) / "rwc"
        assert path.parent == state_dir
        assert re.fullmatch(rf"rwc-{TRAINING}-\d{{8}}-\d{{6}}\.log", path.name)
        assert path.read_text(encoding="utf-8") == screen.view.text()
        assert f"Saved {screen.view.line_count:,} lines" in message


async def test_closing_the_view_stops_the_stream() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        streams = [worker for worker in app.workers if worker.group == LOG_WORKER_GROUP]
        assert len(streams) == 1 and streams[0].state is WorkerState.RUNNING
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the list")
        await wait_until(
            pilot, lambda: streams[0].state is WorkerState.CANCELLED, "the stream to be cancelled"
        )
        assert screen not in app.screen_stack


async def test_a_burst_of_lines_is_drawn_in_a_few_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[int] = []
    original = LogView.append_lines

    def counting(self: LogView, lines: Any) -> None:
        lines = list(lines)
        batches.append(len(lines))
        original(self, lines)

    monkeypatch.setattr(LogView, "append_lines", counting)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "l")
        await wait_until(pilot, lambda: sum(batches) == screen.view.line_count == 1000, "the whole tail")
        assert len(batches) <= 10, batches  # 1,000 lines, not 1,000 repaints


async def test_the_stream_ending_in_an_error_says_why() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        screen = await open_view(pilot, "mistral-eval", "l")
        with sim.lock:
            sim.runai.delete_workload(sim.runai.identity_for(None, Role.ADMIN), screen.workload_id)
        sim.advance(120)
        await wait_until(
            pilot, lambda: "stream stopped" in status_text(screen), "the stream error", timeout=5
        )
        assert "not found" in status_text(screen).lower()
        assert screen.view.line_count > 0  # what was read stays


async def test_logs_open_from_the_detail_view_too() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count > 0, "rows")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail")
        detail = app.screen
        await wait_until(pilot, lambda: detail.selected_workload() is not None, "the detail to load")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is detail, "back to the detail")


async def test_help_lists_the_log_views_keys() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, TRAINING, "l")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        text = app.screen.render_sections().plain
        for key in (*TEXT_VIEW_KEYS, *LOGS_KEYS):
            assert key.description in text, key.description
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen), "back to the logs")


# -- describe --------------------------------------------------------------------------------------------


async def test_describe_shows_the_api_object_as_yaml_and_json() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, TRAINING, "y")
        assert isinstance(screen, DescribeScreen)
        view = screen.view
        assert f"name: {TRAINING}" in view.lines
        assert "phase: Running" in view.lines
        assert view.lines[0].startswith("id: ")
        assert status_text(screen).startswith("YAML")

        await pilot.press("J")
        await pilot.pause()
        assert view.lines[0] == "{"
        assert f'  "name": "{TRAINING}",' in view.lines
        assert status_text(screen).startswith("JSON")

        await pilot.press("slash", *"phase", "enter")
        assert view.current_match_line is not None and "phase" in view.current_match_line.lower()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("Saved" in m for m in notifications(app)), "the saved note")
        saved = Path(next(m for m in notifications(app) if "Saved" in m).rsplit(" to ", 1)[1])
        assert saved.suffix == ".json" and saved.read_text(encoding="utf-8") == view.text()

        await pilot.press("escape", "escape")  # clear the search, then leave
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the list")


# -- LogView on its own -----------------------------------------------------------------------------------


class LogViewApp(App[None]):
    def __init__(self, max_lines: int = 100) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines)


async def test_lines_are_shown_literally() -> None:
    app = LogViewApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(LogView)
        view.append_lines(["[bold]not bold[/] [red]x", "\x1b[31mred\x1b[0m\tafter tab\r\n", "ok"])
        await pilot.pause()
        first = strip_text(view.render_line(0))
        second = strip_text(view.render_line(1))
        assert first.startswith("[bold]not bold[/] [red]x")
        assert "\x1b" not in second and second.startswith("\ufffd[31mred\ufffd[0m")
        assert "after tab" in second and "\t" not in second and "\r" not in second
        assert all(segment.style is None or not segment.style.bold for segment in view.render_line(0))


async def test_the_buffer_is_bounded_and_matches_go_with_dropped_lines() -> None:
    app = LogViewApp(max_lines=100)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(LogView)
        view.append_lines(f"line {n}" for n in range(250))
        await pilot.pause()
        assert view.line_count == 100 and view.lines_dropped == 150 and view.lines_written == 250
        assert view.lines[0] == "line 150" and view.lines[-1] == "line 249"
        assert view.virtual_size.height == 100

        view.search = "line 18"
        assert view.match_count == 10  # 180..189; "line 18" itself was dropped
        view.append_lines(f"line {n}" for n in range(250, 300))  # 150..199 drop off the front
        await pilot.pause()
        assert view.lines[0] == "line 200" and view.line_count == 100
        assert view.match_count == 0
        view.append_lines(["line 18 again"])
        assert view.match_count == 1


async def test_a_paused_reader_keeps_their_place_while_old_lines_drop() -> None:
    app = LogViewApp(max_lines=100)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(LogView)
        view.append_lines(f"line {n}" for n in range(100))
        view.follow = False
        view.scroll_to(y=60, animate=False, immediate=True)
        await pilot.pause()
        assert strip_text(view.render_line(0)).strip() == "line 60"
        view.append_lines(f"line {n}" for n in range(100, 120))  # 20 drop off the front
        await pilot.pause()
        assert view.lines[0] == "line 20"
        assert strip_text(view.render_line(0)).strip() == "line 60"
        assert not view.follow


async def test_wrapped_lines_are_cut_at_the_width() -> None:
    app = LogViewApp()
    async with app.run_test(size=(30, 10)) as pilot:
        view = app.query_one(LogView)
        long_line = "".join(str(n % 10) for n in range(70))
        view.append_lines(["short", long_line, "end"])
        view.wrap = True
        await pilot.pause()
        width = view.scrollable_content_region.width
        rows = [strip_text(view.render_line(y)).rstrip() for y in range(view.virtual_size.height)]
        assert rows[0] == "short"
        assert "".join(rows[1:-1]) == long_line
        assert all(len(row) <= width for row in rows)
        assert rows[-1] == "end"
