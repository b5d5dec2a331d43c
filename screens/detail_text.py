"""Pieces every detail view (workload, node, snapshot, filesystem) draws with: the label/value grid of
its summary, a titled section table, and the whole view as plain text (what tests read and what a user
would copy)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from console.ui.palette import CellPalette


def label_grid(palette: CellPalette) -> Table:
    """Label/value pairs in a grid (labels muted), so long values (a reason, a command) wrap under
    themselves rather than under the labels."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=palette.muted, no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def add_field(grid: Table, label: str, value: str | Text) -> None:
    """One label/value row of a `label_grid`; a plain string is shown as it is (never as markup)."""
    grid.add_row(label, value if isinstance(value, Text) else Text(value))


def section_table(title: str, palette: CellPalette, *, show_header: bool = True) -> Table:
    """A borderless table under a bold title, its headers muted: one section of a detail view."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        padding=(0, 1, 0, 0),
        header_style=palette.muted,
        show_header=show_header,
        show_edge=False,
    )


def plain_text(sections: Iterable[RenderableType], width: int = 78) -> str:
    """The sections as the screen shows them, without styles."""
    console = Console(width=width, file=io.StringIO(), no_color=True, legacy_windows=False)
    with console.capture() as capture:
        for renderable in sections:
            console.print(renderable)
    return capture.get()
