"""Capacity, progress and segmented bars as `rich.text.Text` cells, readable without colour.

A bar is glyphs first (`█████░░░ 5/8`), colour second: full cells `█`, free cells `░`, an overflow `+`
when a project runs over its quota, and distinct glyphs (`█ ▓ ▒`) for the shares of one GPU, so the
monochrome theme and NO_COLOR terminals show the same information. A bar with nothing to measure
(an unreadable amount, NaN from an API) says `no data` in words rather than drawing an empty bar that
reads as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from console.ui.format import format_gpu_sum
from console.ui.palette import CellPalette

FULL = "█"
FREE = "░"
OVERFLOW = "+"
UNAVAILABLE = "×"
"""A cell of capacity that exists but cannot be used (a GPU on a node that is down)."""
SEGMENT_GLYPHS = ("█", "▓", "▒")
"""Glyphs that tell adjacent shares of one GPU apart when colour is gone."""
NO_DATA = "no data"
"""What a bar or a graph says when it has nothing true to draw."""

DEFAULT_BAR_WIDTH = 8


def _filled_cells(fraction: float, width: int) -> int:
    """Cells to fill: never 0 for a non-zero amount, never full unless it is full."""
    if fraction <= 0:
        return 0
    if fraction >= 1:
        return width
    return min(width - 1, max(1, round(fraction * width)))


def capacity_bar(
    used: float,
    total: float,
    *,
    width: int = DEFAULT_BAR_WIDTH,
    label: str | None = None,
    fill_style: Style | None = None,
    free_style: Style | None = None,
) -> Text:
    """`█████░░░ 5/8`: `used` of `total`; past `total` the last cell becomes `+` (over quota).

    An amount that is not a number (NaN, infinity) draws `no data` in the bar's place, never a bar."""
    if not (math.isfinite(used) and math.isfinite(total)):
        bar = Text(f"{NO_DATA:<{width}}", free_style or "", no_wrap=True, end="")
        if label:
            bar.append(" ")
            bar.append(label)
        return bar
    # Anything used of nothing (a project with no deserved quota) is all overflow.
    fraction = used / total if total > 0 else (float("inf") if used > 0 else 0.0)
    filled = _filled_cells(fraction, width)
    bar = Text(no_wrap=True, end="")
    if fraction > 1:
        bar.append(FULL * (width - 1), fill_style)
        bar.append(OVERFLOW, fill_style)
    else:
        bar.append(FULL * filled, fill_style)
        bar.append(FREE * (width - filled), free_style)
    if label:
        bar.append(" ")
        bar.append(label)
    return bar


def gpu_bar(allocated: float, gpus: int, *, width: int, palette: CellPalette) -> Text:
    """`███░░ 3.5/8`: GPUs given out of those there (a node's, a pool's usable ones)."""
    return capacity_bar(
        allocated,
        gpus,
        width=width,
        label=f"{format_gpu_sum(allocated)}/{gpus}",
        fill_style=palette.accent,
        free_style=palette.muted,
    )


def progress_bar(
    percent: float | None,
    *,
    width: int = DEFAULT_BAR_WIDTH,
    fill_style: Style | None = None,
    free_style: Style | None = None,
) -> Text:
    """`███░░░░░ 42%`; an unknown percentage shows the empty bar with `?` rather than 0%."""
    if percent is None:
        return Text.assemble((FREE * width, free_style or ""), " ?", no_wrap=True, end="")
    return capacity_bar(
        max(0.0, min(percent, 100.0)),
        100.0,
        width=width,
        label=f"{percent:.0f}%",
        fill_style=fill_style,
        free_style=free_style,
    )


def segmented_bar(
    shares: Sequence[float],
    *,
    width: int = DEFAULT_BAR_WIDTH,
    styles: Sequence[Style | None] = (),
    free_style: Style | None = None,
    free_glyph: str = FREE,
) -> Text:
    """One GPU split by the workloads that hold it: `████▓▓░░` for 0.5 + 0.25 and a quarter free.

    Cells are given by cumulative rounding, so the shares add up to the bar and every non-zero share
    keeps at least one cell (a 0.05 slice is still visible). `free_glyph=UNAVAILABLE` draws the rest as
    `×` for a GPU that cannot take work (`████××××`). Unreadable shares (NaN) take no cells.
    """
    bar = Text(no_wrap=True, end="")
    used_cells = 0
    cumulative = 0.0
    for position, share in enumerate(shares):
        if not math.isfinite(share) or share <= 0:
            continue
        cumulative = min(1.0, cumulative + share)
        end_cell = max(used_cells + 1, round(cumulative * width))
        end_cell = min(end_cell, width)
        cells = end_cell - used_cells
        if cells <= 0:
            continue
        style = styles[position % len(styles)] if styles else None
        bar.append(SEGMENT_GLYPHS[position % len(SEGMENT_GLYPHS)] * cells, style)
        used_cells = end_cell
    bar.append(free_glyph * (width - used_cells), free_style)
    return bar
