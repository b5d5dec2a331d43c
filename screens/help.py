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
from console.ui.legend import legend_for
from console.ui.safe_text import visible

HelpSection = tuple[str, Sequence[tuple[str, str]]]


def sections_for(
    screen_keys: Iterable[KeyAction], *, has_table: bool, screen_name: str = ""
) -> list[HelpSection]:
    """Help sections for a screen: its own keys first (what the user came to `?` for), then the
    table's, the prompts', the keys of every screen with every `:` alias, and last the legend of the
    notations this screen draws (`console.ui.legend`)."""
    own: dict[str, list[tuple[str, str]]] = {}
    for key in screen_keys:
        own.setdefault(key.group, []).append((key.display_key, key.description))
    table = own.pop("Table", [])
    groups: dict[str, list[tuple[str, str]]] = dict(own)
    if has_table:
        groups["Table"] = [*table, *TABLE_NAVIGATION_HELP]
        for key in FILTER_KEYS:
            groups.setdefault(key.group, []).append((key.display_key, key.description))
        groups.setdefault("Filter (/)", []).append(("!text", "Rows NOT matching text"))
    elif table:
        groups["Table"] = table
    for key in APP_KEYS:
        groups.setdefault(key.group, []).append((key.display_key, key.description))
    commands = [
        (" ".join(f":{name}" for name in entry.command_names), f"{entry.title}  (key {entry.number_key})")
        for entry in SCREENS
    ]
    commands.append((":q", "Quit"))
    commands.append((":wl text", "Any list, filtered: :wl vision, :wl @alice"))
    groups.setdefault("Screens", []).extend(commands)
    for key in COMMAND_LINE_KEYS:
        groups.setdefault(key.group, []).append((key.display_key, key.description))
    sections: list[HelpSection] = list(groups.items())
    sections.extend(legend_for(screen_name))
    return sections


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
        # The title can hold a workload's name: text, never markup (`console.ui.safe_text`).
        scroll.border_title = Text(visible(f"Keys — {self.help_title}  (esc closes)"), end="")
        with scroll:
            yield Static(self.render_sections(), id="help-text")

    def render_sections(self) -> Text:
        text = Text(end="")
        for position, (group, rows) in enumerate(self.sections):
            key_width = min(24, max((len(key) for key, _ in rows), default=4))  # per section: legends
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
