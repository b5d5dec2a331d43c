"""Idle GPUs (`0`, `:idle`): workloads holding GPUs they have not used for a while, the most GPU-hours
wasted first — who holds them, since when, how little they did — with suspend one key away (⇧s, asked
first) and enter for the workload's detail.

The window (`w` cycles 30m, 1h, 4h, 24h) is how long a workload must have stayed under 5 % to be listed;
the history read reaches twice as far back, so "idle for" can say more than the window, and a run that
fills all of it reads "2h+". The readings are the backend's per-workload utilisation
(`Backend.workload_gpu_utilisation`: Run:ai's workload metrics live, the simulator's loads in the demo),
read every 30 s: history is not kept by the console.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text

from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import ALL_WORKLOADS, GPU_USAGE, UsageWindow
from console.model import Workload, WorkloadUtilisation
from console.ui.format import format_duration, format_gpus
from console.ui.idle_gpus import IDLE_THRESHOLD_PERCENT, IdleHolding, idle_holdings
from console.ui.keymap import IDLE_KEYS
from console.ui.palette import CellPalette
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from widgets.resource_table import Column, Row

WINDOWS_SECONDS = (1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
"""The windows `w` cycles through; the first is where the view opens."""
HISTORY_POINTS = 120
"""Readings per history read: 2 × the window in this many steps (1 min apart for a 1h window)."""


def idle_row(holding: IdleHolding, palette: CellPalette) -> Row:
    workload = holding.workload
    idle_for = format_duration(holding.idle_seconds) + ("+" if holding.reaches_back else "")
    wasted = holding.gpu_hours_wasted
    return Row(
        key=workload.id,
        cells=(
            workload.name,
            workload.project_name,
            workload.submitted_by.split("@")[0],
            format_gpus(workload.allocated_gpus),
            Text(f"{holding.mean_percent:.0f}%", palette.warning, end=""),
            Text(idle_for, palette.warning, end=""),
            Text(f"{wasted:.1f}" if wasted >= 0.1 else "<0.1", palette.error if wasted >= 8 else "", end=""),
            ", ".join(workload.node_names) or "—",
        ),
        sort_values=(
            workload.name,
            workload.project_name,
            workload.submitted_by,
            workload.allocated_gpus,
            holding.mean_percent,
            -holding.idle_seconds,
            -wasted,
            ",".join(workload.node_names),
        ),
    )


class IdleScreen(WorkloadActions, ResourceScreen):
    """The GPUs held and not used: who to ask, or what to suspend."""

    SCREEN_NAME = "idle"
    TITLE = "Idle GPUs"
    KEYS = IDLE_KEYS
    WRITE_ACTIONS = CHANGING_ACTIONS
    EMPTY_MESSAGE = "No workload has held its GPUs idle that long."
    DEFAULT_SORT = "wasted"
    COLUMNS = (
        Column("name", "WORKLOAD", 16, sort_hotkey="N", grow=True, identifies=True),
        Column("project", "PROJECT", 11, priority=2, sort_hotkey="P"),
        Column("user", "USER", 7, priority=3, sort_hotkey="E"),
        Column("gpus", "GPUS", 5, align="right"),
        Column("util", "UTIL", 4, align="right", sort_hotkey="T"),
        Column("idle", "IDLE FOR", 8, align="right", sort_hotkey="I"),
        Column("wasted", "GPU·H", 7, align="right", sort_hotkey="H"),
        Column("node", "NODE", 12, priority=4, sort_hotkey="O"),
    )

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self.window_seconds = WINDOWS_SECONDS[0]
        self._holdings: dict[str, IdleHolding] = {}

    @property
    def history_key(self) -> ResourceKey[Sequence[WorkloadUtilisation]]:
        """Twice the window, so idleness that began before it shows how long it has lasted; it polls once
        per reading (30 s for the 30-minute window: idleness is measured in tens of minutes)."""
        span = 2 * self.window_seconds
        return GPU_USAGE(UsageWindow(window_seconds=span, step_seconds=span / HISTORY_POINTS))

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (ALL_WORKLOADS, self.history_key)

    @property
    def screen_title(self) -> str:
        window = format_duration(self.window_seconds)
        return f"Idle GPUs <{IDLE_THRESHOLD_PERCENT:g}% ≥{window}"

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        histories = values[self.history_key]
        workloads = values[ALL_WORKLOADS]
        holdings = idle_holdings(histories, workloads, min_idle_seconds=self.window_seconds)
        self._holdings = {holding.workload.id: holding for holding in holdings}
        return [idle_row(holding, self.palette) for holding in holdings]

    def selected_workload(self) -> Workload | None:
        key = self.table.cursor_key
        holding = self._holdings.get(key) if key is not None else None
        return holding.workload if holding is not None else None

    def open_detail(self, key: str) -> None:
        from screens.workload_detail import WorkloadDetailScreen

        if key in self._holdings:
            self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=key))

    def action_next_window(self) -> None:
        """`w`: the next window (30m, 1h, 4h, 24h, then 30m again)."""
        position = WINDOWS_SECONDS.index(self.window_seconds)
        self.window_seconds = WINDOWS_SECONDS[(position + 1) % len(WINDOWS_SECONDS)]
        self.header.title = self.screen_title
        self.resources_replaced()
        self._rendered_inputs = ()
        self.resources_changed()
