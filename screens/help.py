"""`?`: every key rwc answers to on the screen you came from, grouped, and what its notations mean.

The keys are not written by hand: they come from `console.ui.keymap` (and the table's columns for the
sort keys), so help cannot drift from the bindings, the footer or the command palette. The legend
(`Pending*`, `2×4`, `dsv/lim/wt`, `████+`, `↑local 40%`...) comes from `console.ui.legend`, which is
written against the row builders. The screen's own keys and legend come first: that is what the user
pressed `?` to find.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import Widget

from console.ui.keymap import (
    APP_KEYS,
    COMMAND_LINE_KEYS,
    FILTER_KEYS,
    HELP_KEYS,
    SCREEN_KEYS,
    SCREENS,
    TABLE_NAVIGATION_HELP,
    KeyAction,
)
from console.ui.legend import legend_for
from console.ui.safe_text import visible
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal

HelpSection = tuple[str, Sequence[tuple[str, str]]]

SORT_GROUP = "Sort (again: reverse)"
KEY_COLUMN_MAX = 16
"""A key or notation longer than this sits on its own line, its meaning under it."""
DEFAULT_TEXT_WIDTH = 70
"""The help box's text width at 80 columns (76 wide, less border, padding and scrollbar)."""


def _key_sections(keys: Iterable[KeyAction]) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        groups.setdefault(key.group, []).append((key.display_key, key.description))
    return groups


def _screens_section() -> list[tuple[str, str]]:
    """Each screen once: its number key, its title and every name `:` takes for it."""
    rows = [
        (
            entry.number_key or f":{entry.aliases[0]}",
            f"{entry.title}  {' '.join(f':{name}' for name in entry.command_names)}",
        )
        for entry in SCREENS
    ]
    rows.append((":wl text", "Any list, filtered: :wl vision, :wl @alice"))
    rows.append((":ctx", "Switch site: :ctx lists the sites, :ctx NAME opens one"))
    rows.append((":q", "Quit"))
    return rows


def sections_for(
    screen_keys: Iterable[KeyAction], *, has_table: bool, screen_name: str = ""
) -> list[HelpSection]:
    """Help sections for a screen, what the user came to `?` for first: its own keys and the legend
    of what it draws (`console.ui.legend`); then its sort keys, the table's, the prompts', every screen
    with every `:` alias; last what every screen draws and the other screens' legends."""
    own = _key_sections(screen_keys)
    table = own.pop("Table", [])
    sort = own.pop(SORT_GROUP, [])
    own_legend, other_legends = legend_for(screen_name)
    sections: list[HelpSection] = list(own.items())
    sections.extend((title, legend.entries) for title, legend in own_legend)
    if sort:
        sections.append((SORT_GROUP, sort))
    if has_table:
        sections.append(("Table", [*table, *TABLE_NAVIGATION_HELP]))
        filter_groups = _key_sections(FILTER_KEYS)
        filter_groups.setdefault("Filter (/)", []).append(("!text", "Rows NOT matching text"))
        sections.extend(filter_groups.items())
    elif table:
        sections.append(("Table", table))
    app_keys = _key_sections(key for key in APP_KEYS if key not in SCREEN_KEYS)
    app_keys["Screens"] = [*app_keys.get("Screens", []), *_screens_section()]
    sections.extend(app_keys.items())
    sections.extend(_key_sections(COMMAND_LINE_KEYS).items())
    sections.extend((title, legend.entries) for title, legend in other_legends)
    return sections


def render_help(sections: Sequence[HelpSection], width: int = DEFAULT_TEXT_WIDTH) -> Text:
    """The sections as lines of at most `width` cells: a bold heading, then `key  meaning` rows whose
    meanings wrap under themselves (not under the key), so a long legend line still reads as a column."""
    text = Text(end="")
    for position, (group, rows) in enumerate(sections):
        key_width = max((cell_len(key) for key, _ in rows if cell_len(key) <= KEY_COLUMN_MAX), default=4)
        indent = 2 + key_width + 2
        wrap_width = max(12, width - indent)
        if position:
            text.append("\n")
        text.append(f"{group}\n", style="bold")
        for key, description in rows:
            lines = textwrap.wrap(description, wrap_width, break_on_hyphens=False) or [""]
            text.append(f"  {key}", style="bold")
            if cell_len(key) > key_width:
                text.append("\n")
                text.append(" " * indent)
            else:
                text.append(" " * (key_width - cell_len(key) + 2))
            text.append(f"\n{' ' * indent}".join(lines))
            text.append("\n")
    text.rstrip()
    return text


class HelpText(Widget):
    """The help's lines, wrapped to the width the box has (narrower when a scrollbar shows)."""

    DEFAULT_CSS = """
    HelpText {
        height: auto;
    }
    """

    def __init__(self, sections: Sequence[HelpSection], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections = sections

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(render_help(self.sections, width or DEFAULT_TEXT_WIDTH).plain.splitlines())

    def render(self) -> Text:
        return render_help(self.sections, self.content_size.width or DEFAULT_TEXT_WIDTH)


class HelpScreen(RwcModal[None]):
    """A scrollable key list over the current screen; esc, ? or q closes it."""

    KEYS = HELP_KEYS

    DEFAULT_CSS = card_css("HelpScreen", width=76, body="VerticalScroll")

    def __init__(self, title: str, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.help_title = title
        self.sections = sections

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        # The title can hold a workload's name: text, never markup (`console.ui.safe_text`).
        scroll.border_title = Text(visible(f"Keys — {self.help_title}  (esc closes)"), end="")
        with scroll:
            yield HelpText(self.sections, id="help-text")

    def render_sections(self, width: int = DEFAULT_TEXT_WIDTH) -> Text:
        """Everything the help says, as it reads at `width` cells."""
        return render_help(self.sections, width)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close_help(self) -> None:
        self.dismiss()
