"""`?`: every key rwc answers to on the screen you came from, grouped, read from the key registry.

Nothing here is written by hand: the lines come from `console.ui.keymap` (and the table's columns for
the sort keys), so help cannot drift from the bindings, the footer or the command palette.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.ui.keymap import (
    APP_KEYS,
    COMMAND_LINE_KEYS,
    FILTER_KEYS,
    HELP_KEYS,
    SCREENS,
    TABLE_NAVIGATION_HELP,
    KeyAction,
    bindings_for,
)

HelpSection = tuple[str, Sequence[tuple[str, str]]]


def sections_for(screen_keys: Iterable[KeyAction], *, has_table: bool) -> list[HelpSection]:
    """Help sections for a screen with `screen_keys`: global keys, the screen's own, then prompts."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key in (*APP_KEYS, *screen_keys):
        groups.setdefault(key.group, []).append((key.display_key, key.description))
    commands = [(f":{entry.aliases[0]}", f"{entry.title} (also :{entry.name})") for entry in SCREENS]
    commands.append((":q", "Quit"))
    groups.setdefault("Screens", []).extend(commands)
    if has_table:
        groups.setdefault("Table", []).extend(TABLE_NAVIGATION_HELP)
        for key in FILTER_KEYS:
            groups.setdefault(key.group, []).append((key.display_key, key.description))
        groups.setdefault("Filter (/)", []).append(("!text", "Rows NOT matching text"))
    for key in COMMAND_LINE_KEYS:
        groups.setdefault(key.group, []).append((key.display_key, key.description))
    return list(groups.items())


class HelpScreen(ModalScreen[None]):
    """A scrollable key list over the current screen; esc, ? or q closes it."""

    BINDINGS = bindings_for(HELP_KEYS)

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, title: str, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.help_title = title
        self.sections = sections

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = f"Keys — {self.help_title}  (esc closes)"
        with scroll:
            yield Static(self.render_sections(), id="help-text")

    def render_sections(self) -> Text:
        text = Text(end="")
        key_width = max((len(key) for _, rows in self.sections for key, _ in rows), default=4)
        for position, (group, rows) in enumerate(self.sections):
            if position:
                text.append("\n")
            text.append(f"{group}\n", style="bold")
            for key, description in rows:
                text.append(f"  {key:<{key_width}}  ", style="bold")
                text.append(f"{description}\n")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close_help(self) -> None:
        self.dismiss()
