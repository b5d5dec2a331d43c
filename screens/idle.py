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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

from console.model import Workload, WorkloadUtilisation
from console.ui.context import ConsoleContext
from console.ui.format import format_duration, format_gpus
from console.ui.idle_gpus import IDLE_THRESHOLD_PERCENT, IdleHolding, idle_holdings
from console.ui.keymap import IDLE_KEYS
from console.ui.palette import CellPalette
from screens.base import ResourceScreen
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from widgets.resource_table import Column, Row

WINDOWS_SECONDS = (1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
"""The windows `w` cycles through; the first is where the view opens."""
HISTORY_POINTS = 120
"""Readings per history read: 2 × the window in this many steps (1 min apart for a 1h window)."""
IDLE_REFRESH_SECONDS = 30.0
"""Idleness is measured in tens of minutes: a read every 30 s is plenty."""


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
        self._register_history()

    @property
    def history_resource(self) -> str:
        return f"utilisation:{self.window_seconds:g}"

    @property
    def resource_names(self) -> tuple[str, ...]:
        return ("workloads", self.history_resource)

    def _register_history(self) -> None:
        backend = self.context.backend
        span = 2 * self.window_seconds
        self.context.bridge.add_resource(
            self.history_resource,
            lambda: backend.workload_gpu_utilisation(span, span / HISTORY_POINTS),
            IDLE_REFRESH_SECONDS,
        )

    @property
    def screen_title(self) -> str:
        window = format_duration(self.window_seconds)
        return f"Idle GPUs <{IDLE_THRESHOLD_PERCENT:g}% ≥{window}"

    def build_rows(self, values: Mapping[str, Any]) -> Iterable[Row]:
        histories: Sequence[WorkloadUtilisation] = values[self.history_resource]
        workloads: Sequence[Workload] = values["workloads"]
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
        old = self.history_resource
        position = WINDOWS_SECONDS.index(self.window_seconds)
        self.window_seconds = WINDOWS_SECONDS[(position + 1) % len(WINDOWS_SECONDS)]
        self._register_history()
        self.header.title = self.screen_title
        self.context.bridge.attach(self, self.resource_names)
        self.run_worker(self.context.bridge.remove_resource(old), exit_on_error=False)
        self._rendered_inputs = ()
        self.resources_changed()

    async def on_unmount(self) -> None:
        await self.context.bridge.remove_resource(self.history_resource)
