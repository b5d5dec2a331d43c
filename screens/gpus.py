"""GPU fractions, nvitop-style: one row per GPU, its bar split by the workloads that hold it
(`████▓▓░░` for 0.5 + 0.25 with a quarter free), MIG slices, utilisation, memory and temperature.

The holders column repeats each share's glyph before its workload, so the bar reads without colour.
A GPU on a node that is not Ready reads `down` (its bar `××××××××`, FREE `down`), never "idle, FREE 1";
one on a cordoned or draining node reads `idle · cordoned` with FREE 0: its work runs, nothing new lands
(`console.ui.gpu_availability`). Readings a GPU does not report show as `—`, never as a misleading 0;
when the backend knows why none could be read (live, no NVIDIA driver on rwc's host), one line above
the table says so. Enter opens the detail of the workload holding the largest share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.data.resource_keys import ResourceValues
from console.data.resources import GPUS, NODES
from console.model import GpuAllocation, GpuDevice, Node
from console.ui.format import NOT_AVAILABLE, format_bytes_pair, format_gpus, format_percent
from console.ui.gpu_availability import NodeAvailability, closed_reason, node_availability
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.workload_detail import WorkloadDetailScreen
from widgets.bars import FREE, SEGMENT_GLYPHS, UNAVAILABLE, segmented_bar
from widgets.resource_table import Column, Row

HOT_CELSIUS = 80.0
MIB = 1024 * 1024


def gpu_key(gpu: GpuDevice) -> str:
    """GPUs are keyed by UUID (stable across reboots and re-listing); index as fallback."""
    return gpu.uuid or f"{gpu.node_name}/{gpu.index}"


def describe_share(allocation: GpuAllocation) -> str:
    """`train-a 0.5`, `infer 1g.10gb`, or just the name for a whole GPU: who holds how much of it."""
    if allocation.mig_profile:
        return f"{allocation.workload_name} {allocation.mig_profile}"
    if allocation.fraction >= 1:
        return allocation.workload_name
    return f"{allocation.workload_name} {format_gpus(allocation.fraction)}"


class GpusScreen(ResourceScreen):
    """Every GPU and its shares; opened from a node (enter on Nodes), only that node's GPUs."""

    SCREEN_NAME = "gpus"
    TITLE = "GPU fractions"
    RESOURCES = (GPUS, NODES)
    """The nodes say which GPUs can run work at all (a NotReady node's GPUs are down, not idle)."""
    EMPTY_MESSAGE = "No GPUs."
    COLUMNS = (
        Column("node", "NODE", 12, sort_hotkey="N", identifies=True),
        Column("index", "#", 2, align="right", sort_hotkey="I"),
        Column("model", "MODEL", 6, priority=4, sort_hotkey="O", identifies=True, max_width=14),
        Column("share", "ALLOCATION", 13, sort_hotkey="L"),
        Column("holders", "HELD BY", 18, priority=1, grow=True, sort_hotkey="H"),
        Column("free", "FREE", 4, align="right", priority=2, sort_hotkey="E"),
        Column("util", "UTIL", 4, align="right", priority=2, sort_hotkey="T"),
        Column("memory", "MEM", 10, align="right", priority=3, sort_hotkey="M"),
        Column("temperature", "TEMP", 4, align="right", priority=3, sort_hotkey="P"),
        Column("power", "POWER", 5, align="right", priority=5, sort_hotkey="W"),
    )

    DEFAULT_CSS = """
    GpusScreen #telemetry-note {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $text-muted;
        display: none;
    }
    GpusScreen #telemetry-note.-visible {
        display: block;
    }
    """

    def __init__(self, context: ConsoleContext, *, node_name: str | None = None) -> None:
        super().__init__(context)
        self.node_name = node_name
        self._gpus_by_key: dict[str, GpuDevice] = {}
        self._node_states: dict[str, tuple[NodeAvailability, str]] = {}
        """Node name -> whether its GPUs can take work, and the word for why not."""
        self._rows = self.row_cache(self._gpu_row, key=gpu_key)

    @property
    def screen_title(self) -> str:
        return f"GPUs of {self.node_name}" if self.node_name else self.TITLE

    def compose_body(self) -> ComposeResult:
        yield Static("", id="telemetry-note", markup=False)
        yield from super().compose_body()

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        gpus: Sequence[GpuDevice] = values[GPUS]
        if self.node_name is not None:
            gpus = [gpu for gpu in gpus if gpu.node_name == self.node_name]
        self._gpus_by_key = {gpu_key(gpu): gpu for gpu in gpus}
        self._show_telemetry_note(gpus)
        node_states = {node.name: _node_state(node) for node in values[NODES]}
        if node_states != self._node_states:
            # A node going down (or coming back) changes rows whose GPU objects did not change.
            self._node_states = node_states
            self._rows.clear()
        return self._rows.rows(gpus)

    def _show_telemetry_note(self, gpus: Sequence[GpuDevice]) -> None:
        """The backend's reason the readings are missing, above the table; hidden without one."""
        reason = next(
            (gpu.telemetry_unavailable_reason for gpu in gpus if gpu.telemetry_unavailable_reason), None
        )
        note = self.query_one("#telemetry-note", Static)
        if reason:
            note.update(Text(reason, end=""))
        note.set_class(bool(reason), "-visible")

    def _gpu_row(self, gpu: GpuDevice) -> Row:
        palette = self.palette
        allocations = gpu.allocations
        shares = [allocation.fraction for allocation in allocations]
        allocated_fraction = gpu.allocated_fraction
        availability, why = self._node_states.get(gpu.node_name, (NodeAvailability.USABLE, ""))
        down = availability is NodeAvailability.DOWN
        share = segmented_bar(
            shares,
            width=8,
            styles=palette.segments,
            free_style=palette.error if down else palette.muted,
            free_glyph=UNAVAILABLE if down else FREE,
        )
        if down:
            share.append(" down", palette.error)
        else:
            share.append(f" {format_gpus(allocated_fraction)}")
        holders = Text(no_wrap=True, end="")
        if down:
            holders.append(f"down: node {why}", palette.error)
            if allocations:
                holders.append(" ")
        if gpu.mig_enabled:
            holders.append("MIG ", palette.accent)
        for position, allocation in enumerate(allocations):
            if position:
                holders.append(" ")
            glyph = SEGMENT_GLYPHS[position % len(SEGMENT_GLYPHS)]
            holders.append(glyph, palette.segments[position % len(palette.segments)])
            holders.append(describe_share(allocation))
        closed = availability is NodeAvailability.CLOSED
        if not allocations and not down:
            holders.append("idle", palette.muted)
            if closed:
                holders.append(f" · {why}", palette.warning)
        free = 0.0 if closed else max(0.0, 1.0 - allocated_fraction)
        free_cell = Text("down", palette.error, end="") if down else format_gpus(free)
        used_bytes = None if gpu.memory_used_mib is None else gpu.memory_used_mib * MIB
        # No total known (no label, no driver): `—`, never `—/0B`.
        memory = (
            format_bytes_pair(used_bytes, gpu.memory_total_mib * MIB)
            if gpu.memory_total_mib
            else NOT_AVAILABLE
        )
        temperature = gpu.temperature_celsius
        temperature_cell = Text(
            NOT_AVAILABLE if temperature is None else f"{temperature:.0f}°",
            palette.error if temperature is not None and temperature >= HOT_CELSIUS else "",
            end="",
        )
        power = NOT_AVAILABLE if gpu.power_watts is None else f"{gpu.power_watts:.0f}W"
        return Row(
            key=gpu_key(gpu),
            cells=(
                gpu.node_name,
                str(gpu.index),
                gpu.model,
                share,
                holders,
                free_cell,
                format_percent(gpu.utilization_percent),
                memory,
                temperature_cell,
                power,
            ),
            sort_values=(
                gpu.node_name,
                gpu.index,
                gpu.model,
                allocated_fraction,
                ",".join(allocation.workload_name for allocation in allocations),
                -1.0 if down else free,
                gpu.utilization_percent,
                gpu.memory_used_mib,
                gpu.temperature_celsius,
                gpu.power_watts,
            ),
        )

    def open_detail(self, key: str) -> None:
        """Enter on a GPU: the workload holding its largest share."""
        gpu = self._gpus_by_key.get(key)
        if gpu is None or not gpu.allocations:
            self.notify("Nobody holds this GPU.", timeout=2)
            return
        largest = max(gpu.allocations, key=lambda allocation: allocation.fraction)
        if not largest.workload_id:  # a pod that is not a Run:ai workload (or one hidden from a researcher)
            self.notify(f"{largest.workload_name} is not a Run:ai workload rwc can open.", timeout=3)
            return
        self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=largest.workload_id))


def _node_state(node: Node) -> tuple[NodeAvailability, str]:
    """Whether the node's GPUs can take work, and the word for why not (`NotReady`, `cordoned`)."""
    availability = node_availability(node)
    if availability is NodeAvailability.DOWN:
        return availability, node.status.value
    if availability is NodeAvailability.CLOSED:
        return availability, closed_reason(node)
    return availability, ""
