"""Pieces every detail view (workload, node, snapshot, filesystem) draws with: a titled section table,
and the whole view as plain text (what tests read and what a user would copy)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, RenderableType
from rich.table import Table

from console.ui.palette import CellPalette


def section_table(title: str, palette: CellPalette) -> Table:
    """A borderless table under a bold title, its headers muted: one section of a detail view."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        padding=(0, 1, 0, 0),
        header_style=palette.muted,
        show_edge=False,
    )


def plain_text(sections: Iterable[RenderableType], width: int = 78) -> str:
    """The sections as the screen shows them, without styles."""
    console = Console(width=width, file=io.StringIO(), no_color=True, legacy_windows=False)
    with console.capture() as capture:
        for renderable in sections:
            console.print(renderable)
    return capture.get()
