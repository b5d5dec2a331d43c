"""GPUs starving for data (`:starved`): running trainings under 90 % GPU while their data path is saturated,
the most GPU-hours lost first — with the evidence in words, enter for the workload, and `p` to prefetch
its dataset back from the object tier (admins; asked first).

The figure (`console.ui.starved`) joins three systems no single tool joins: Run:ai's utilisation history
(`Backend.workload_gpu_utilisation`, the last hour every 30 s: the same poll as the idle view's first
window), the workloads' mounts (`Backend.data_mounts`: which WEKA directory each reads) and WEKA's
per-client reads (`Backend.client_reads`, `/stats/realtime`: what each GPU node read, at what latency,
how much from the object store).

The prefetch is rwc's own action: WEKA's `weka fs tier fetch` has no REST call, so the demo models it
and a live cluster says what to run on a host that mounts the filesystem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text

from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import ALL_WORKLOADS, CLIENT_READS, DATA_MOUNTS, GPU_USAGE, UsageWindow
from console.model import Workload, WorkloadUtilisation
from console.ui.format import format_duration, format_gpus
from console.ui.keymap import STARVED_KEYS
from console.ui.palette import CellPalette
from console.ui.refusals import admin_only
from console.ui.starved import FED_PERCENT, MIN_STARVED_SECONDS, Feed, starved_feeds
from screens.action_runner import run_action
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.dialogs.confirm import ConfirmDialog, confirm_then
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from widgets.resource_table import Column, Row

FEED_HISTORY = GPU_USAGE(UsageWindow(window_seconds=3600.0, step_seconds=30.0))
"""The last hour, a reading every 30 s (the idle view's first window reads the same, one poll for both)."""


def starved_row(feed: Feed, palette: CellPalette) -> Row:
    workload = feed.workload
    fed = feed.fed or 0.0
    lost = feed.gpu_hours_lost
    starved_for = format_duration(feed.starved_seconds) + ("+" if feed.reaches_back else "")
    datasets = ", ".join(location.describe() for location in feed.datasets)
    return Row(
        key=workload.id,
        cells=(
            workload.name,
            workload.project_name,
            format_gpus(workload.allocated_gpus),
            Text(f"{100 * fed:.0f}%", palette.error if fed < 0.5 else palette.warning, end=""),
            Text(starved_for, palette.warning, end=""),
            Text(f"{lost:.1f}" if lost >= 0.1 else "<0.1", palette.error if lost >= 8 else "", end=""),
            Text(feed.path_evidence, end=""),
            Text(datasets, end=""),
        ),
        sort_values=(
            workload.name,
            workload.project_name,
            workload.allocated_gpus,
            fed,
            -feed.starved_seconds,
            -lost,
            feed.evidence,
            datasets,
        ),
    )


class StarvedScreen(WorkloadActions, ResourceScreen):
    """Trainings whose GPUs wait for data: which, since when, why, and the fix one key away."""

    SCREEN_NAME = "starved"
    TITLE = "GPUs starving for data"
    KEYS = STARVED_KEYS
    WRITE_ACTIONS = CHANGING_ACTIONS | {"prefetch_dataset"}
    EMPTY_MESSAGE = "No running training is short of data: every one is busy, or its data path is quiet."
    DEFAULT_SORT = "lost"
    COLUMNS = (
        Column("name", "WORKLOAD", 18, sort_hotkey="N", identifies=True),
        Column("project", "PROJECT", 11, priority=3, sort_hotkey="P"),
        Column("gpus", "GPUS", 4, align="right"),
        Column("fed", "FED", 4, align="right", sort_hotkey="E"),
        Column("for", "FOR", 5, align="right", sort_hotkey="O"),
        Column("lost", "GPU·H", 7, align="right", sort_hotkey="H"),
        Column("evidence", "DATA PATH (ITS NODES' WEKA READS)", 30, grow=True),
        Column("dataset", "DATASET", 24, priority=2),
    )

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self._feeds: dict[str, Feed] = {}

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (ALL_WORKLOADS, DATA_MOUNTS, CLIENT_READS, FEED_HISTORY)

    @property
    def screen_title(self) -> str:
        return f"Starved GPUs <{FED_PERCENT:g}% ≥{format_duration(MIN_STARVED_SECONDS)}"

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        histories: Sequence[WorkloadUtilisation] = values[FEED_HISTORY]
        workloads: Sequence[Workload] = values[ALL_WORKLOADS]
        feeds = starved_feeds(workloads, values[DATA_MOUNTS], values[CLIENT_READS], histories)
        self._feeds = {feed.workload.id: feed for feed in feeds}
        return [starved_row(feed, self.palette) for feed in feeds]

    def selected_feed(self) -> Feed | None:
        key = self.table.cursor_key
        return self._feeds.get(key) if key is not None else None

    def selected_workload(self) -> Workload | None:
        feed = self.selected_feed()
        return feed.workload if feed is not None else None

    def open_detail(self, key: str) -> None:
        from screens.workload_detail import WorkloadDetailScreen

        if key in self._feeds:
            self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=key))

    def action_refusal(self, action: str) -> str | None:
        if action == "prefetch_dataset":
            return admin_only(self.identity, "prefetch data from the object tier")
        return super().action_refusal(action)

    def action_prefetch_dataset(self) -> None:
        """`p`: bring the dataset of the workload under the cursor back from the object tier to SSD."""
        feed = self.selected_feed()
        if feed is None:
            self.notify("Choose a starved workload first.", severity="warning", timeout=3)
            return
        backend = self.context.backend
        targets = feed.datasets
        names = ", ".join(location.describe() for location in targets)
        body = [
            Text.assemble("Fetch ", (names, "bold"), " back from the object tier to SSD?"),
            Text(
                f"{feed.workload.name} reads it: {feed.evidence}. The fetch shares the bucket's bandwidth "
                "and needs free SSD on the filesystem; WEKA keeps fetched data only until its tiering "
                "policy releases it again.",
                end="",
            ),
        ]

        async def prefetch() -> None:
            for location in targets:
                await backend.prefetch_dataset(location.filesystem, location.path)

        confirm_then(
            self,
            ConfirmDialog(f"Prefetch {names}", body, confirm_label="Prefetch"),
            lambda: run_action(
                self,
                f"Prefetch {names}",
                prefetch,
                success=f"Prefetching {names}: {feed.workload.name} is fed again as it comes back to SSD.",
            ),
        )
