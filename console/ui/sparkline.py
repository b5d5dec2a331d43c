"""History as one line of block characters (nvitop's per-device graphs, in a row): `▁▂▅▇██▇`.

Pure: a sequence of readings in, text out. A reading that is missing (None: no sample, the exporter did
not answer) is a blank cell, never a zero, so a gap never reads as an idle GPU.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def resample(values: Sequence[float | None], width: int) -> list[float | None]:
    """`values` squeezed (or kept) to at most `width` cells, each the mean of its readings (None when
    it had none)."""
    if width <= 0:
        return []
    if len(values) <= width:
        return list(values)
    cells: list[float | None] = []
    for cell in range(width):
        start, end = cell * len(values) // width, (cell + 1) * len(values) // width
        readings = [v for v in values[start:end] if v is not None and math.isfinite(v)]
        cells.append(sum(readings) / len(readings) if readings else None)
    return cells


def sparkline(values: Sequence[float | None], width: int, top: float = 100.0) -> str:
    """One block per cell, scaled 0..`top` (percentages by default); a gap is a space."""
    line = []
    for value in resample(values, width):
        if value is None or not math.isfinite(value):
            line.append(" ")
            continue
        share = min(1.0, max(0.0, value / top)) if top > 0 else 0.0
        line.append(BLOCKS[min(len(BLOCKS) - 1, int(share * len(BLOCKS)))])
    return "".join(line)


def mean(values: Sequence[float | None]) -> float | None:
    readings = [v for v in values if v is not None and math.isfinite(v)]
    return sum(readings) / len(readings) if readings else None
