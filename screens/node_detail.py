"""One node in full (enter on Nodes): is it healthy, can work land on it, what runs there and on which GPU.

k9s `describe node` in the terms of this stack: the conditions with their reasons, messages and how long
each has held (a problem first), the taints (the Run:ai maintenance taint named as such), CPU and memory
allocated of allocatable, each GPU with the workloads holding it and their shares, the workloads on
the node with the GPUs they hold there, and its pods (k9s's pods of a node: Run:ai's with their workload,
status, restarts and GPUs, then DaemonSets' and system pods). `g` opens the GPU screen of the node; esc
goes back.

Built from the Store's shared `nodes`, `gpus` and `workloads` resources, so it moves with the list; the
pods are the node's own read (`NODE_PODS`), never the cluster's pod list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from console.data.resource_keys import ResourceKey
from console.data.resources import (
    ALL_WORKLOADS,
    EVENTS,
    NODE_GPU_HISTORY,
    NODE_GPUS,
    NODE_OBJECT,
    NODE_PODS,
    NODES,
    NodeGpuWindow,
)
from console.data.store import ResourceState
from console.model import DRAIN_TAINT, GpuDevice, Node, NodeCondition, NodePod, NodeStatus, Taint, Workload
from console.model.events import EventFilter, EventObjectKind
from console.model.gpu_history import GpuHistory
from console.ui.format import format_age, format_bytes_pair, format_cores, format_gpus
from console.ui.gpu_history import HISTORY_CELL_WIDTH, gpu_history_cells
from console.ui.keymap import NODE_DETAIL_KEYS
from console.ui.node_pods import node_pod_rows
from console.ui.palette import CellPalette, phase_style
from console.ui.usage import DEFAULT_USAGE_SPAN, next_usage_span
from screens.context import ConsoleContext
from screens.detail_screen import DetailScreen
from screens.detail_text import add_field, label_grid, plain_text, section_table
from screens.nodes import problem_conditions, scheduling_state
from widgets.event_timeline import MAX_TIMELINE_EVENTS, event_timeline, is_object

NODE_DETAIL_RESOURCES = (NODES, ALL_WORKLOADS)


@dataclass(frozen=True, slots=True)
class WorkloadOnNode:
    """A workload with GPUs (or pods) on this node, and how many of the node's GPUs it holds."""

    workload: Workload
    gpus_here: float


def workloads_on(
    node: Node, gpus: Sequence[GpuDevice], workloads: Sequence[Workload]
) -> list[WorkloadOnNode]:
    """The workloads running on `node` (by their node names), with the GPU share each holds on it (from
    the GPUs' allocations); biggest holder first."""
    held: dict[str, float] = {}
    for gpu in gpus:
        if gpu.node_name == node.name:
            for allocation in gpu.allocations:
                held[allocation.workload_id] = held.get(allocation.workload_id, 0.0) + allocation.fraction
    here = [
        WorkloadOnNode(workload, held.get(workload.id, 0.0))
        for workload in workloads
        if node.name in workload.node_names or workload.id in held
    ]
    return sorted(here, key=lambda item: (-item.gpus_here, item.workload.name))


def taint_words(taint: Taint) -> str:
    """`key=value:Effect`, as kubectl writes it, with what the Run:ai taint means."""
    text = f"{taint.key}={taint.value}:{taint.effect}" if taint.value else f"{taint.key}:{taint.effect}"
    if taint == DRAIN_TAINT:
        text += "  (Run:ai maintenance: preemptible work is moved off)"
    return text


def condition_is_problem(condition: NodeCondition) -> bool:
    if condition.type == "Ready":
        return condition.status != "True"
    return condition.status == "True"


class NodeDetailScreen(DetailScreen):
    """Pushed over the nodes list by enter; esc returns to the same row."""

    SCREEN_NAME = "node_detail"
    TITLE = "Node"
    KEYS = NODE_DETAIL_KEYS
    RESOURCES = NODE_DETAIL_RESOURCES

    SECTIONS = ("#summary", "#conditions", "#gpus", "#workloads", "#pods", "#events", "#kube")

    def __init__(self, context: ConsoleContext, *, node_name: str) -> None:
        super().__init__(context)
        self.node_name = node_name
        self._sections: tuple[RenderableType, ...] = ()
        self._shown: tuple[object, ...] = ()
        # Its own timeline resource (as a workload detail's): cordons, drains, NotReady, what was
        # scheduled on or evicted from it.
        self.events_key = EVENTS(EventFilter(node=node_name, limit=MAX_TIMELINE_EVENTS))
        # The Kubernetes Node object (labels, capacity, allocatable): what `y` shows, summarised here.
        self.object_key = NODE_OBJECT(node_name)
        self.gpus_key = NODE_GPUS(node_name)
        self.usage_span = DEFAULT_USAGE_SPAN
        self.pods_key = NODE_PODS(node_name)

    @property
    def history_key(self) -> ResourceKey[Sequence[GpuHistory]]:
        """Each GPU's history over the window `w` chose (Run:ai's node metrics per GPU)."""
        span = self.usage_span
        return NODE_GPU_HISTORY(NodeGpuWindow(self.node_name, span.window_seconds, span.step_seconds))

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (
            *self.RESOURCES,
            self.gpus_key,
            self.pods_key,
            self.events_key,
            self.object_key,
            self.history_key,
        )

    def states(self) -> list[ResourceState[Any]]:
        """The node's lists decide staleness; its pods and its Kubernetes object say on their own lines
        when they cannot be read (a profile without Kubernetes access)."""
        return [
            self.context.bridge.snapshot(key) for key in (*self.RESOURCES, self.gpus_key, self.events_key)
        ]

    @property
    def screen_title(self) -> str:
        return f"Node {self.node_name}"

    def resources_changed(self) -> None:
        super().resources_changed()
        values = self.values()
        nodes = values.get(NODES)
        if nodes is None:
            return
        node = next((n for n in nodes if n.name == self.node_name), None)
        summary = self.query_one("#summary", Static)
        if node is None:
            summary.update(Text(f"{self.node_name} is no longer in the cluster.", self.palette.warning))
            return
        gpus = [g for g in values.get(self.gpus_key) or () if g.node_name == node.name]
        history_state = self.context.bridge.snapshot(self.history_key)
        histories = {h.index: h for h in history_state.value or () if h.node_name == node.name}
        history_note = (
            str(history_state.error) if history_state.failed and history_state.value is None else None
        )
        workloads = values.get(ALL_WORKLOADS) or ()
        now = self.backend_clock.now()
        ages = tuple(format_age(now, c.since) for c in node.conditions if c.since is not None)
        events = values.get(self.events_key)
        object_state = self.context.bridge.snapshot(self.object_key)
        node_object = object_state.value
        object_error = str(object_state.error) if object_state.failed and node_object is None else None
        pods_state = self.context.bridge.snapshot(self.pods_key)
        pods = pods_state.value
        pods_error = str(pods_state.error) if pods_state.failed and pods is None else None
        shown = (
            node,
            tuple(gpus),
            tuple(histories.values()),
            history_note,
            self.usage_span,
            workloads,
            ages,
            self.palette,
            events,
            node_object,
            object_error,
            pods,
            pods_error,
        )
        same = len(shown) == len(self._shown) and all(
            new is old or new == old for new, old in zip(shown, self._shown, strict=True)
        )
        if same:
            return
        self._shown = shown
        palette = self.palette
        self._sections = (
            self._summary(node, palette, now),
            self._conditions(node, palette, now),
            self._gpus(node, gpus, histories, history_note, palette),
            self._workloads(workloads_on(node, gpus, workloads), palette),
            pods_section(pods, pods_error, palette),
            event_timeline(
                events or (), palette, is_object(EventObjectKind.NODE, node.name), loading=events is None
            ),
            kube_section(node_object, object_error, palette),
        )
        for section_id, renderable in zip(self.SECTIONS, self._sections, strict=True):
            self.query_one(section_id, Static).update(renderable)

    def rendered_text(self, width: int = 78) -> str:
        """The detail as plain text (what the screen shows, without styles): for tests and copying."""
        return plain_text(self._sections, width)

    def action_describe_node(self) -> None:
        """`y`: the Node object as the Kubernetes API returns it (YAML; ⇧j JSON)."""
        from screens.describe import DescribeScreen

        self.app.push_screen(DescribeScreen.of_node(self.context, self.node_name))

    def palette_changed(self) -> None:
        self._shown = ()

    def action_next_usage_window(self) -> None:
        """`w`: each GPU's history over the next window (5m, 1h, 24h, then 5m)."""
        self.usage_span = next_usage_span(self.usage_span)
        self.resources_replaced()
        self.resources_changed()

    def action_node_gpus(self) -> None:
        """`g`: this node's GPUs on the GPU screen's columns."""
        from screens.gpus import GpusScreen

        self.app.push_screen(GpusScreen(self.context, node_name=self.node_name))

    # -- rendering ---------------------------------------------------------------------------------
    def _summary(self, node: Node, palette: CellPalette, now: datetime) -> Table:
        grid = label_grid(palette)
        field = partial(add_field, grid)

        field("Name", Text(node.name, style=palette.accent))
        field("Pool", f"{node.node_pool} ({node.role.value})")
        ready = node.status is NodeStatus.READY
        status = Text(node.status.value, palette.ok if ready else palette.error)
        problems = problem_conditions(node)
        if problems:
            status.append(f"  problems: {', '.join(problems)}", palette.warning)
        field("Status", status)
        scheduling = scheduling_state(node)
        field(
            "Scheduling",
            Text("new work can land here", palette.muted)
            if scheduling == "—"
            else Text(f"{scheduling}: no new work lands here", palette.warning),
        )
        if node.gpu_count:
            model = node.gpu_model or "GPU"
            gpus = f"{format_gpus(node.allocated_gpus)} of {node.gpu_count} allocated · {model}"
            if node.gpu_sharing:  # replicas or MIG slices: the counts above are physical GPUs
                gpus += f" · {node.gpu_sharing}"
            field("GPUs", Text(gpus, palette.error) if not ready else gpus)
        else:
            field("GPUs", Text("none", palette.muted))
        if node.telemetry_unavailable_reason:
            field("CPU, memory", Text(node.telemetry_unavailable_reason, palette.muted))
        else:
            cores = (format_cores(node.allocated_cpu_millicores), format_cores(node.cpu_millicores))
            field("CPU", f"{cores[0]} of {cores[1]} allocated")
            field("Memory", f"{format_bytes_pair(node.allocated_memory_bytes, node.memory_bytes)} allocated")
        taints = [taint_words(taint) for taint in node.taints]
        if node.unschedulable:
            taints.insert(0, "node.kubernetes.io/unschedulable:NoSchedule  (cordoned)")
        field("Taints", Text("\n".join(taints)) if taints else Text("none", palette.muted))
        field("Created", f"{format_age(now, node.created_at)} ago")
        return grid

    def _conditions(self, node: Node, palette: CellPalette, now: datetime) -> Table | Text:
        title = f"Conditions ({len(node.conditions)})"
        if not node.conditions:
            return Text.assemble((title, "bold"), ("  none reported", palette.muted))
        table = section_table(title, palette)
        table.add_column("TYPE", no_wrap=True)
        table.add_column("STATUS", no_wrap=True)
        table.add_column("FOR", justify="right", no_wrap=True)
        table.add_column("REASON / MESSAGE", overflow="fold", ratio=1)
        ordered = sorted(node.conditions, key=lambda c: (not condition_is_problem(c), c.type != "Ready"))
        for condition in ordered:
            bad = condition_is_problem(condition)
            words = Text(condition.reason, palette.warning if bad else palette.muted)
            if condition.message:
                words.append(f" {condition.message}")
            table.add_row(
                Text(condition.type, palette.warning if bad else ""),
                Text(condition.status, palette.error if bad else palette.ok),
                format_age(now, condition.since) if condition.since else "—",
                words,
            )
        return table

    def _gpus(
        self,
        node: Node,
        gpus: Sequence[GpuDevice],
        histories: Mapping[int, GpuHistory],
        history_note: str | None,
        palette: CellPalette,
    ) -> RenderableType:
        window = self.usage_span.label
        title = f"GPUs ({len(gpus)})  g: the GPU screen  w: {window}"
        if not gpus:
            return Text.assemble((f"GPUs ({node.gpu_count})", "bold"), ("  none listed", palette.muted))
        table = section_table(title, palette)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("USED", justify="right", no_wrap=True)
        table.add_column(f"UTIL {window}", no_wrap=True, min_width=HISTORY_CELL_WIDTH)
        table.add_column(f"MEM {window}", no_wrap=True, min_width=HISTORY_CELL_WIDTH)
        table.add_column("HELD BY", overflow="fold", ratio=1)
        for gpu in sorted(gpus, key=lambda g: g.index):
            cells = gpu_history_cells(histories.get(gpu.index), gpu.memory_total_mib, bool(gpu.allocations))
            holders = Text()
            for position, allocation in enumerate(gpu.allocations):
                if position:
                    holders.append(", ")
                holders.append(allocation.workload_name, palette.accent)
                share = allocation.mig_profile or format_gpus(allocation.fraction)
                holders.append(f" {share} ({allocation.project_name})", palette.muted)
            table.add_row(
                str(gpu.index),
                format_gpus(gpu.allocated_fraction),
                Text(cells.utilisation, palette.warning if cells.idle else palette.accent),
                Text(cells.memory, palette.accent),
                holders if gpu.allocations else Text("free", palette.muted),
            )
        if history_note is None:
            return table
        return Group(table, Text(f"No GPU history: {history_note}", palette.muted))

    def _workloads(self, here: Sequence[WorkloadOnNode], palette: CellPalette) -> Table | Text:
        title = f"Workloads here ({len(here)})"
        if not here:
            return Text.assemble((title, "bold"), ("  none", palette.muted))
        table = section_table(title, palette)
        table.add_column("NAME", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("PROJECT", no_wrap=True)
        table.add_column("PHASE", no_wrap=True)
        table.add_column("GPUS HERE", justify="right", no_wrap=True)
        table.add_column("PREEMPT", no_wrap=True)
        for item in here:
            workload = item.workload
            table.add_row(
                Text(workload.name),
                Text(workload.project_name),
                Text(workload.phase.value, phase_style(workload.phase, palette)),
                format_gpus(item.gpus_here),
                "yes" if workload.preemptible else "no",
            )
        return table


def pods_section(pods: Sequence[NodePod] | None, error: str | None, palette: CellPalette) -> RenderableType:
    """The node's pods as k9s lists them, Run:ai's first (project, status, restarts, which GPUs; the
    workload is the start of a Run:ai pod's name, or named after it), then the others (DaemonSets, system
    pods, with their namespace), at most `MAX_NODE_POD_ROWS` of them."""
    if pods is None:
        why = f"  not known: {error}" if error else "  loading…"
        return Text.assemble(("Pods", "bold"), (why, palette.warning if error else palette.muted))
    rows = node_pod_rows(pods)
    if not rows.rows:
        return Text.assemble(("Pods", "bold"), ("  none running or waiting here", palette.muted))
    table = section_table(rows.title, palette)
    table.add_column("NAME", overflow="fold", ratio=2)
    table.add_column("PROJECT/NS", overflow="fold", ratio=1)
    table.add_column("STATUS", no_wrap=True)
    table.add_column("RESTARTS", justify="right", no_wrap=True)
    table.add_column("GPUS", justify="right", no_wrap=True)
    table.add_column("GPU #", no_wrap=True)
    for row in rows.rows:
        bad = palette.error if row.problem else ""
        table.add_row(
            Text(row.name, "" if row.is_runai else palette.muted),
            Text(row.where, "" if row.is_runai else palette.muted),
            Text(row.status, bad or (palette.ok if row.status == "Running" else palette.warning)),
            Text(row.restarts, palette.warning if row.problem and row.restarts not in ("0", "—") else ""),
            Text(row.gpus),
            Text(row.gpu_indexes, palette.muted),
        )
    if not rows.left_out:
        return table
    return Group(table, Text(f"… and {rows.left_out} more", palette.muted))


KUBE_RESOURCES = ("cpu", "memory", "nvidia.com/gpu", "pods", "ephemeral-storage")
"""The resources every node lists, in kubectl describe's order; extended ones (MIG slices) follow."""


def kube_section(
    node_object: Mapping[str, Any] | None, error: str | None, palette: CellPalette
) -> RenderableType:
    """`Resources` (capacity and allocatable, as `kubectl describe node` prints them) and `Labels`, from the
    Node object; what the kubelet keeps back for the system is the difference between the two."""
    if node_object is None:
        why = f"  not known: {error}" if error else "  loading…"
        return Text.assemble(
            ("Resources and labels", "bold"), (why, palette.warning if error else palette.muted)
        )
    status = _mapping(node_object.get("status"))
    capacity = _mapping(status.get("capacity"))
    allocatable = _mapping(status.get("allocatable"))
    names = [name for name in KUBE_RESOURCES if name in capacity or name in allocatable]
    names += sorted(name for name in {*capacity, *allocatable} if name not in names and isinstance(name, str))
    table = section_table("Resources (y: the whole Node)", palette)
    table.add_column("RESOURCE", no_wrap=True)
    table.add_column("CAPACITY", justify="right", no_wrap=True)
    table.add_column("ALLOCATABLE", justify="right", no_wrap=True)
    for name in names[:32]:
        table.add_row(Text(name), Text(str(capacity.get(name, "—"))), Text(str(allocatable.get(name, "—"))))
    metadata = _mapping(node_object.get("metadata"))
    labels = _mapping(metadata.get("labels"))
    label_lines = Text("\n", end="").join(
        Text(f"{key}={value}", end="") for key, value in sorted(labels.items())[:64] if isinstance(key, str)
    )
    heading = Text(f"Labels ({len(labels)})", "bold")  # its own line: the labels start below it
    return Group(table, Text(""), heading, label_lines if labels else Text("none", palette.muted))


def _mapping(value: object) -> Mapping[object, object]:
    """`value` if the Node object has an object there, else an empty one (a field may be absent or odd)."""
    return value if isinstance(value, Mapping) else {}
