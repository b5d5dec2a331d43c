"""`UsageWindowScreen`: a list screen with a GPU USE column (node pools, projects) whose window `w` switches.

A capacity planner reads the last hour to see what is busy now and the last day to see a trend; the 5-minute
window shows whether a pool that just filled is working. The window is the column's label (`GPU USE 24h`), and
the screen reads the workloads' histories over it (`Backend.workload_gpu_utilisation`): one poll per window,
shared by the screens on the same one.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.data.resource_keys import ResourceKey
from console.data.resources import GPU_USAGE, UsageWindow
from console.model import WorkloadUtilisation
from console.ui.usage import DEFAULT_USAGE_SPAN, UsageSpan, next_usage_span
from screens.base import ResourceScreen
from screens.context import ConsoleContext

USAGE_COLUMN = "use"
"""The key of the GPU USE column on the screens that have one."""


def usage_label(span: UsageSpan) -> str:
    return f"GPU USE {span.label}"


class UsageWindowScreen(ResourceScreen):
    """A list screen whose GPU USE column reads over `usage_span`; `w` moves to the next window."""

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self.usage_span = DEFAULT_USAGE_SPAN

    @property
    def usage_key(self) -> ResourceKey[Sequence[WorkloadUtilisation]]:
        """The histories over the window (1 h: `LAST_HOUR_GPU_USE`'s key, shared by both screens)."""
        span = self.usage_span
        return GPU_USAGE(UsageWindow(window_seconds=span.window_seconds, step_seconds=span.step_seconds))

    def action_next_usage_window(self) -> None:
        """`w`: GPU use over the next window (5m, 1h, 24h, then 5m); the column's label says which."""
        self.usage_span = next_usage_span(self.usage_span)
        self.table.relabel(USAGE_COLUMN, usage_label(self.usage_span))
        self.resources_replaced()
        self._rendered_inputs = ()
        self.resources_changed()
        if all(column.key != USAGE_COLUMN for column in self.table.shown_columns):
            # Too narrow for the column (80 columns drop it): say what changed rather than nothing.
            self.notify(
                f"{usage_label(self.usage_span)}: the column shows on a wider terminal.",
                timeout=4,
                markup=False,
            )
