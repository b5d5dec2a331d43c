"""A table's rows as data: cells, columns and rows, free of Textual so rows are built by pure functions.

`widgets.resource_table.ResourceTable` draws these; `console.ui.rows` (and each screen) builds them, and
tests build them without an app. Every cell is text, never markup: a `str` from an API is shown as written,
and a cell with control characters is made visible before it reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from rich.style import Style
from rich.text import Text

from console.ui.format import age_changes_at, format_age
from console.ui.safe_text import is_safe, visible


@dataclass(frozen=True, slots=True)
class AgeCell:
    """How long ago `since` was (`16s`, `26m`, `3h12m`; `—` for None), written when the line is drawn.

    Rows hold the moment, not the text, so a row stays equal to itself as time passes (its cache and
    the table's diff see no change) while the age on screen is always the table clock's.
    """

    since: datetime | None
    style: Style | str = ""
    suffix: str = ""
    """Text after the age, e.g. `" ago"`."""

    def text_at(self, now: datetime) -> str:
        return format_age(now, self.since) + self.suffix

    def render_at(self, now: datetime) -> Text:
        return Text(self.text_at(now), self.style, no_wrap=True, end="")


Cell = Text | str | AgeCell
"""A cell: `rich.text.Text` for styled values, a plain `str` shown literally (never parsed as markup), or
an `AgeCell` whose text follows the clock."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a `ResourceTable`: what it shows, how wide, and when it may be dropped."""

    key: str
    label: str
    width: int
    """Preferred width in cells; content is cropped with an ellipsis, never wrapped."""
    priority: int = 0
    """0 = always shown; columns with higher numbers are dropped first when the table is narrow."""
    align: Literal["left", "right"] = "left"
    sort_hotkey: str | None = None
    """A key such as ``"N"`` (shift+n) that sorts by this column; pressing it again reverses.

    It is handled before bindings while the table has focus, so it may not be a navigation key.
    """
    grow: bool = False
    """Takes the leftover width (e.g. a name column)."""
    identifies: bool = False
    """Its values tell rows apart (a node, workload, model or locator): it widens to what its values
    need, up to `max_width`, before a `grow` column takes the rest, and a value too long for it is cut
    in the middle (`gke-ml-a…x9k2`), since names that share a prefix differ at the end."""
    max_width: int = 40
    """The most an identifying column widens to."""


_CELL_SEPARATOR = "\n"
"""Between cells in a row's search text: a filter cannot type it, so no match spans two columns."""


def static_plain(cell: Cell) -> str:
    """A cell's text when it does not depend on the time; an age's is left out (it changes by itself)."""
    if isinstance(cell, str):
        return cell
    return "" if isinstance(cell, AgeCell) else cell.plain


@dataclass(frozen=True, slots=True)
class Row:
    """One row: its stable key, its cells in column order, and the values it sorts by.

    Rows are compared by value on every refresh, so a screen that rebuilds an equal `Row` repaints
    nothing; reusing the same object for an unchanged item (see `RowCache`) makes the diff cheaper still.
    """

    key: str
    cells: tuple[Cell, ...]
    """One per column, in column order: `Text`, a literal `str` (never a markup string) or an `AgeCell`."""
    sort_values: tuple[object, ...]
    """One per column: comparable values used for sorting (None sorts last)."""
    filter_terms: tuple[str, ...] = ()
    """Words the filter also matches that no column shows, each with a sigil a name cannot start
    with (`@alice@acme.ai`: `/@alice` or `:wl @alice` finds alice's workloads at any width)."""
    search_text: str = field(init=False, compare=False)
    """What the filter matches: the cells' text as shown, lower-cased (built once, with the row), so
    `/idle` finds the rows that say idle and nothing the row does not show."""
    age_columns: tuple[int, ...] = field(init=False, compare=False)
    """Indexes of the `AgeCell`s, whose text the table writes when it draws the line."""

    def __post_init__(self) -> None:
        # The one place every table cell passes: API text is drawn, never obeyed (`console.ui.safe_text`).
        cells = self.cells
        if not all(_is_safe_cell(cell) for cell in cells):
            cells = tuple(_safe_cell(cell) for cell in cells)
            object.__setattr__(self, "cells", cells)
        object.__setattr__(
            self,
            "search_text",
            _CELL_SEPARATOR.join([*(static_plain(cell) for cell in cells), *self.filter_terms]).lower(),
        )
        object.__setattr__(
            self, "age_columns", tuple(i for i, cell in enumerate(cells) if isinstance(cell, AgeCell))
        )

    def age_texts(self, now: datetime) -> tuple[str, ...]:
        """The texts of this row's ages at `now` (empty for a row without ages)."""
        cells = self.cells
        return tuple(cell_text(cells[i], now) for i in self.age_columns)


def _is_safe_cell(cell: Cell) -> bool:
    if isinstance(cell, str):
        return is_safe(cell)
    if isinstance(cell, Text):
        return is_safe(cell.plain)
    return True  # an AgeCell's text is rwc's own


def _safe_cell(cell: Cell) -> Cell:
    """The cell with controls and bidi characters shown, not obeyed (same length: spans stay valid)."""
    if isinstance(cell, str):
        return visible(cell)
    if isinstance(cell, Text) and not is_safe(cell.plain):
        safe = cell.copy()
        safe.plain = visible(cell.plain)
        return safe
    return cell


def cell_text(cell: Cell, now: datetime) -> str:
    """What a cell shows at `now`."""
    return cell.text_at(now) if isinstance(cell, AgeCell) else static_plain(cell)


def ages_in_view(
    rows: Iterable[Row], before: datetime | None, now: datetime
) -> tuple[list[int], datetime | None]:
    """For the rows on screen (top first): the positions whose ages read differently at `now` than at
    `before`, and the first moment after `now` when any of their ages will (None: no ages in view)."""
    repaint: list[int] = []
    changes_at: datetime | None = None
    for offset, row in enumerate(rows):
        if not row.age_columns:
            continue
        if before is not None and before != now and row.age_texts(before) != row.age_texts(now):
            repaint.append(offset)
        for index in row.age_columns:
            cell = row.cells[index]
            moment = age_changes_at(now, cell.since) if isinstance(cell, AgeCell) else None
            if moment is not None and (changes_at is None or moment < changes_at):
                changes_at = moment
    return repaint, changes_at
