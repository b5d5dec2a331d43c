"""A GPU's history as two short cells: how busy it was and how full its memory, each a sparkline and the
window's mean (`▅▆▇▇█▇ 91%`), like nvitop's per-device history. Pure: a `GpuHistory` and the GPU's memory
size in, words out; "—" where the window has no reading (the node's exporter did not answer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.model.gpu_history import GpuHistory
from console.ui.idle_gpus import IDLE_THRESHOLD_PERCENT
from console.ui.sparkline import mean, sparkline

HISTORY_CELLS = 6
"""Sparkline width in the node detail's GPU table (it must fit 80 columns beside who holds the GPU)."""
HISTORY_CELL_WIDTH = HISTORY_CELLS + 5
"""A cell's width (`▅▆▇▇█▇  91%`): its column keeps it whether or not a reading came, so the table does not
shift when the history arrives."""


@dataclass(frozen=True, slots=True)
class GpuHistoryCells:
    utilisation: str
    memory: str
    idle: bool
    """Held, yet busy under the idle-GPU view's threshold on average over the window: the row to look at."""


def _cell(series: Sequence[float | None]) -> str:
    average = mean(series)
    if average is None:
        return "—"
    return f"{sparkline(series, HISTORY_CELLS)} {average:3.0f}%"


def gpu_history_cells(history: GpuHistory | None, memory_total_mib: int, held: bool) -> GpuHistoryCells:
    """The two cells of one GPU; memory as a percentage of `memory_total_mib` (unknown size: "—")."""
    if history is None:
        return GpuHistoryCells("—", "—", False)
    memory: list[float | None] = (
        [
            None if used is None else min(100.0, 100.0 * used / memory_total_mib)
            for used in history.memory_used_mib
        ]
        if memory_total_mib > 0
        else []
    )
    average = mean(history.utilisation)
    return GpuHistoryCells(
        _cell(history.utilisation),
        _cell(memory) if memory else "—",
        held and average is not None and average < IDLE_THRESHOLD_PERCENT,
    )
