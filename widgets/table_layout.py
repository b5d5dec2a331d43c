"""Column layout and cell fitting for `ResourceTable`: which columns fit a width, how wide each is, and
the text of one line (header or row) at that layout, exactly as wide as the table.

Pure functions of columns, rows and a width (no widget, no app), so the layout rules are tested alone;
the widget only styles the lines and turns them into strips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rich.text import Text

from console.ui.table_rows import AgeCell, Column, Row

COLUMN_GAP = 1
"""Blank cells between two columns."""
_MIN_GROW_WIDTH = 8
"""The grow column shrinks to this (or its preferred width) before priority-0 columns are cropped."""
_SORT_ASCENDING = "▲"
_SORT_DESCENDING = "▼"


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """Which columns are shown at one width, and how wide each is."""

    width: int
    indices: tuple[int, ...]
    widths: tuple[int, ...]


def compute_layout(
    columns: Sequence[Column], width: int, content_widths: Sequence[int] | None = None
) -> ColumnLayout:
    """Drop the highest-priority-number columns until the preferred widths fit, widen identifying
    columns towards `content_widths` (the widest value of each column) from what is left, then let
    `grow` absorb the rest.

    Ties drop the right-most column first. If the always-shown columns still do not fit, the grow
    column shrinks towards `_MIN_GROW_WIDTH` and the rest of the line is cropped.
    """
    shown = list(range(len(columns)))

    def needed(indices: list[int]) -> int:
        return sum(columns[i].width for i in indices) + COLUMN_GAP * max(0, len(indices) - 1)

    while needed(shown) > width:
        droppable = [i for i in shown if columns[i].priority > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    widths = [columns[i].width for i in shown]
    slack = width - needed(shown)
    grow_position = next((pos for pos, i in enumerate(shown) if columns[i].grow), None)
    if content_widths is not None and slack > 0:
        # The grow column keeps at least its preferred width; identifying columns take from the rest.
        for position, index in enumerate(shown):
            column = columns[index]
            if not column.identifies or position == grow_position or slack <= 0:
                continue
            wanted = min(column.max_width, content_widths[index]) - widths[position]
            if wanted > 0:
                extra = min(wanted, slack)
                widths[position] += extra
                slack -= extra
    grow_position = next((pos for pos, i in enumerate(shown) if columns[i].grow), None)
    if grow_position is not None and slack != 0:
        preferred = widths[grow_position]
        widths[grow_position] = max(min(preferred, _MIN_GROW_WIDTH), preferred + slack)
    return ColumnLayout(width, tuple(shown), tuple(widths))


_HOST_NAME = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
"""A DNS name (`ip-10-0-1-23.us-west-2.compute.internal`): its first label is the host, the rest a domain
every node of the cluster shares."""


def _cut_middle(text: Text, width: int) -> Text:
    """`gke-ml-a100-pool-x9k2` in 13 cells -> `gke-ml-…-x9k2`: the end survives, where names differ.

    A DNS name differs in its first label, not its domain (EKS: `ip-10-0-1-23.us-west-2.compute.internal`,
    `ip-10-0-1-57...`): that label is kept whole when it fits, and the domain loses its middle instead
    (`ip-10-0-1-23…ernal`)."""
    if width <= 2:
        text.truncate(width, overflow="ellipsis")
        return text
    tail = (width - 1) // 2
    head = width - 1 - tail
    plain = text.plain
    if len(plain) != text.cell_len:  # wide characters: cells are not characters; cut at the end
        text.truncate(width, overflow="ellipsis")
        return text
    if _HOST_NAME.match(plain) and plain.index(".") < width - 1:
        head = plain.index(".")
        tail = width - 1 - head
    cut = text[:head]
    cut.append("…")
    cut.append_text(text[len(plain) - tail :])
    return cut


def fit_cell(
    cell: Text | str, width: int, align: Literal["left", "right"], *, cut_middle: bool = False
) -> Text:
    """A copy of `cell` exactly `width` cells wide: one line, cropped with an ellipsis (at the end, or
    in the middle for identifying columns), padded to align."""
    if isinstance(cell, str):
        text = Text(cell, no_wrap=True, end="")
    else:
        text = cell.copy()
        text.end = ""
    plain = text.plain
    if "\n" in plain or "\r" in plain or "\t" in plain:
        # Same-length replacement keeps the spans valid; a newline would break the line in two.
        text.plain = plain.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    if text.cell_len > width:
        if cut_middle:
            text = _cut_middle(text, width)
        else:
            text.truncate(width, overflow="ellipsis")
    missing = width - text.cell_len
    if missing > 0:
        if align == "right":
            text.pad_left(missing)
        else:
            text.pad_right(missing)
    return text


def row_text(row: Row, columns: Sequence[Column], layout: ColumnLayout, now: datetime) -> Text:
    """One row's cells fitted to `layout`, gaps between them, ages written for `now` (unstyled)."""
    line = Text(no_wrap=True, end="")
    cells = row.cells
    last = len(layout.indices) - 1
    for position, (index, width) in enumerate(zip(layout.indices, layout.widths, strict=True)):
        cell = cells[index] if index < len(cells) else ""
        if isinstance(cell, AgeCell):
            cell = cell.render_at(now)
        column = columns[index]
        line.append_text(fit_cell(cell, width, column.align, cut_middle=column.identifies))
        if position != last:
            line.append(" " * COLUMN_GAP)
    return line


def header_text(
    columns: Sequence[Column], layout: ColumnLayout, sort_column: str | None, sort_reverse: bool
) -> Text:
    """The header line: labels fitted to `layout`, an arrow on the sort column, sort letters underlined."""
    line = Text(no_wrap=True, end="")
    last = len(layout.indices) - 1
    for position, (index, width) in enumerate(zip(layout.indices, layout.widths, strict=True)):
        column = columns[index]
        label = column.label
        if column.key == sort_column:
            # The arrow is a symbol, so the sort reads without colour; the label gives way to it.
            indicator = _SORT_DESCENDING if sort_reverse else _SORT_ASCENDING
            room = width - 2
            fitted = fit_cell(label, room, "left").plain.rstrip() if room > 0 else ""
            label = f"{fitted} {indicator}" if fitted else indicator
        cell = fit_cell(label, width, column.align)
        if column.sort_hotkey is not None:
            # The sort letter is underlined (`⇧` + it sorts), as menus mark their accelerators:
            # readable without colour, and only where the header shows that letter.
            at = cell.plain.upper().find(column.sort_hotkey.upper())
            if at >= 0:
                cell.stylize("underline", at, at + 1)
        line.append_text(cell)
        if position != last:
            line.append(" " * COLUMN_GAP)
    return line


def column_at(layout: ColumnLayout, columns: Sequence[Column], x: int) -> str | None:
    """The key of the column drawn at cell `x` of a line (its gap included), or None past the last."""
    left = 0
    for index, width in zip(layout.indices, layout.widths, strict=True):
        if left <= x < left + width + COLUMN_GAP:
            return columns[index].key
        left += width + COLUMN_GAP
    return None


def hotkey_column(
    columns: Sequence[Column], layout: ColumnLayout, key: str, character: str | None
) -> str | None:
    """The key of the shown column whose `sort_hotkey` is `key` (``shift+n`` read as ``N``) or the
    printable `character` typed, or None."""
    if key.startswith("shift+") and len(key) == 7:
        key = key[-1].upper()
    candidates = {key} if character is None else {key, character}
    for index in layout.indices:
        column = columns[index]
        if column.sort_hotkey is not None and column.sort_hotkey in candidates:
            return column.key
    return None


def centred_text(message: str, width: int) -> Text:
    """`message` on one line, centred in `width` cells (cropped with an ellipsis when too long)."""
    text = Text(message, no_wrap=True, end="")
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    text.pad_left(max(0, (width - text.cell_len) // 2))
    return text
