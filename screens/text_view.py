"""`TextViewScreen`: the frame of every scrollable text view (the log view, `screens/logs.py`, and the
describe view, `screens/describe.py`): a `LogView`, a status line, a `/` search prompt with `n`/`N`,
`w` wrap, and ctrl+s to save what is kept to a file in rwc's state directory.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from console.data import paths
from console.ui.keymap import TEXT_VIEW_KEYS
from screens.base import RwcScreen
from screens.context import ConsoleContext
from widgets.log_view import DEFAULT_MAX_LINES, LogView
from widgets.prompt_bar import FilterLine, PromptBar


def safe_file_part(text: str) -> str:
    """`text` reduced to characters that are safe in a file name on every platform."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "workload"


def save_directory() -> Path:
    """rwc's state directory (created private), or the working directory when it cannot be made."""
    try:
        return paths.ensure_private_dir(paths.state_dir())
    except OSError:
        return Path.cwd()


def write_text_file(directory: Path, file_name: str, text: str) -> Path:
    """Write `text` to `directory/file_name`, falling back to the working directory; returns the path."""
    for folder in dict.fromkeys((directory, Path.cwd())):
        target = folder / file_name
        try:
            target.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return target
    raise OSError(f"cannot write {file_name} in {directory} or {Path.cwd()}")


class TextViewScreen(RwcScreen):
    """A `LogView` with a status line and a `/` search prompt; subclasses fill the view."""

    KEYS = TEXT_VIEW_KEYS
    SAVE_SUFFIX: ClassVar[str] = "log"

    DEFAULT_CSS = """
    TextViewScreen LogView {
        height: 1fr;
    }
    TextViewScreen #view-status {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, context: ConsoleContext, *, max_lines: int = DEFAULT_MAX_LINES) -> None:
        super().__init__(context)
        self.max_lines = max_lines

    def compose_body(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines, id="view")
        yield Static("", id="view-status")
        search = partial(FilterLine, id="search", placeholder="search… (enter finds, esc clears; then n / N)")
        yield PromptBar("/", search, id="search-bar")

    def on_mount(self) -> None:
        # No super(): Textual calls every class's own on_mount in the MRO (RwcScreen's included).
        self.focus_body()
        self.show_status()

    @property
    def view(self) -> LogView:
        return self.query_one("#view", LogView)

    @property
    def search_bar(self) -> PromptBar:
        return self.query_one("#search-bar", PromptBar)

    def focus_body(self) -> None:
        self.view.focus()

    # -- status ----------------------------------------------------------------------------------
    def status_parts(self) -> list[Text]:
        """Pieces of the status line, left to right; subclasses put theirs first."""
        view = self.view
        parts: list[Text] = []
        count = f"{view.line_count:,} lines" if view.line_count else "no lines yet"
        if view.lines_dropped:
            count += f" (oldest {view.lines_dropped:,} dropped)"
        parts.append(Text(count))
        if view.wrap:
            parts.append(Text("wrap"))
        if view.search:
            index = view.current_match_index
            where = f"{index + 1}/{view.match_count}" if index is not None else f"{view.match_count}"
            found = Text(f"/{view.search}: ", end="")
            found.append(f"{where} match{'es' if view.match_count != 1 else ''}")
            if not view.match_count:
                found.stylize(self.palette.warning)
            parts.append(found)
        return parts

    def show_status(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#view-status", Static).update(Text(" · ", end="").join(self.status_parts()))

    @on(LogView.FollowChanged)
    @on(LogView.MatchesChanged)
    def _view_changed(self, message: Message) -> None:
        message.stop()
        self.show_status()

    # -- search ------------------------------------------------------------------------------------
    async def action_start_search(self) -> None:
        await self.search_bar.open(self.view.search)

    @on(Input.Changed, "#search")
    def _search_typed(self, message: Input.Changed) -> None:
        message.stop()
        if self.search_bar.is_open:
            self.view.search = message.value

    @on(FilterLine.Kept)
    def _search_kept(self, message: FilterLine.Kept) -> None:
        message.stop()
        self.search_bar.close()
        view = self.view
        view.search = message.value
        self.focus_body()
        if message.value and not view.first_match_from_view():
            self.notify(f"Not found: {message.value}", severity="warning", timeout=3, markup=False)
        self.show_status()

    @on(FilterLine.Cleared)
    def _search_cleared(self, message: FilterLine.Cleared) -> None:
        message.stop()
        self.clear_search()

    def clear_search(self) -> None:
        self.search_bar.close()
        self.view.search = ""
        self.focus_body()
        self.show_status()

    async def action_next_match(self) -> None:
        await self._step(self.view.next_match)

    async def action_previous_match(self) -> None:
        await self._step(self.view.previous_match)

    async def _step(self, move: Callable[[], bool]) -> None:
        if not self.view.search:
            await self.action_start_search()
        elif not move():
            self.notify(f"Not found: {self.view.search}", severity="warning", timeout=3, markup=False)

    def action_back(self) -> None:
        """Esc clears a search first, then leaves the view."""
        if self.view.search:
            self.clear_search()
        else:
            super().action_back()

    # -- wrap and save -------------------------------------------------------------------------------
    def action_toggle_wrap(self) -> None:
        self.view.wrap = not self.view.wrap
        self.show_status()

    def save_file_name(self, now: datetime) -> str:
        """`rwc-<what>-<time>.<suffix>`; subclasses name `<what>`."""
        return f"rwc-{safe_file_part(self.screen_title)}-{now:%Y%m%d-%H%M%S}.{self.SAVE_SUFFIX}"

    def action_save_text(self) -> None:
        self._save(self.view.text(), self.save_file_name(datetime.now()))

    @work(group="save", exit_on_error=False)
    async def _save(self, text: str, file_name: str) -> Path | None:
        """Write in a thread: a slow disk (or NFS home) must not freeze the screen."""
        try:
            path = await asyncio.to_thread(lambda: write_text_file(save_directory(), file_name, text))
        except OSError as error:
            self.notify(f"Could not save: {error}", severity="error", timeout=8, markup=False)
            return None
        lines = text.count("\n")
        self.notify(f"Saved {lines:,} lines to {path}", title="Saved", timeout=8, markup=False)
        return path
