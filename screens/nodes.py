"""Nodes: pool, role, readiness and problem conditions, cordoned/draining, GPU model and usage,
CPU and memory. Enter on a node shows it in full (conditions, taints, its GPUs and who holds them, the
workloads on it); `g` there opens its GPUs.

`c`/`u` cordon and uncordon, `d`/`U` drain and undrain (the Run:ai maintenance taint). A drain first
lists the workloads on the node and which of them will move, because that is the real cost of it.

A node that is not Ready runs nothing, so its GPUS cell reads `× 8 down`, not an empty bar of 8 free
GPUs, and the header leaves them out of the usable total (`console.ui.gpu_availability`). A cordoned or
draining node keeps its bar (its work still runs); SCHED beside it says that nothing new lands there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.data.errors import BackendError
from console.data.resource_keys import ResourceValues
from console.data.resources import NODES
from console.model import Node, NodeRole, NodeStatus, Workload
from console.ui.data_path import drain_storage_warnings
from console.ui.format import format_bytes_pair, format_cores
from console.ui.gpu_availability import NodeAvailability, node_availability
from console.ui.keymap import NODE_KEYS
from screens.action_runner import run_action
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.dialogs import ConfirmDialog, confirm_then
from widgets.bars import UNAVAILABLE, gpu_bar
from widgets.resource_table import AgeCell, Column, Row

ROLE_ABBREVIATIONS = {NodeRole.GPU_WORKER: "gpu", NodeRole.CPU_WORKER: "cpu", NodeRole.SYSTEM: "sys"}
T = TypeVar("T")


def problem_conditions(node: Node) -> list[str]:
    """Conditions that say something is wrong. By the Kubernetes convention every condition but Ready is
    abnormal when True: the kubelet's pressure conditions and node-problem-detector's (KernelDeadlock,
    ReadonlyFilesystem, FrequentContainerdRestart on GKE) alike. False or Unknown is not a problem;
    Ready is shown by STATUS. (kubernetes.io/docs/concepts/architecture/nodes/#condition;
    github.com/kubernetes/node-problem-detector: "a problem condition is True when the problem occurs".)"""
    return [
        condition.type
        for condition in node.conditions
        if condition.type != "Ready" and condition.status == "True"
    ]


def drain_body(
    node_name: str, workloads: Sequence[Workload], warnings: Sequence[str] = ()
) -> list[str | Text]:
    """The drain confirmation: what the taint does, then each workload on the node and its fate."""
    lines: list[str | Text] = [
        Text.assemble(
            "Adds the maintenance taint runai=drain:NoExecute to ", (node_name, "bold"), ".", end=""
        ),
        "Preemptible workloads move to other nodes; non-preemptible ones stay until they end.",
        "",
    ]
    if warnings:  # first, so they are seen without scrolling
        lines += [Text(f"! {warning}", "yellow", end="") for warning in warnings]
        lines.append("")
    if not workloads:
        lines.append("No workloads run on this node: nothing moves.")
        return lines
    lines.append(Text(f"{'WORKLOAD':<28} {'PROJECT':<16} {'PREEMPT':<7} ", "bold", end=""))
    for workload in sorted(workloads, key=lambda w: (not w.preemptible, w.name)):
        fate = Text("moves", "bold", end="") if workload.preemptible else Text("stays", end="")
        lines.append(
            Text.assemble(
                Text(f"{workload.name[:28]:<28} ", end=""),
                Text(f"{workload.project_name[:16]:<16} ", end=""),
                f"{'yes' if workload.preemptible else 'no':<7} ",
                fate,
                end="",
            )
        )
    moving = sum(1 for workload in workloads if workload.preemptible)
    lines += ["", f"{moving} will move, {len(workloads) - moving} will stay."]
    return lines


def scheduling_state(node: Node) -> str:
    """`cordoned`, `draining`, both, or `—` when work can land on the node."""
    states = [word for word, on in (("cordoned", node.cordoned), ("draining", node.draining)) if on]
    return "+".join(states) or "—"


class NodesScreen(ResourceScreen):
    """The machines: are they ready, can work land on them, and how full are they."""

    SCREEN_NAME = "nodes"
    TITLE = "Nodes"
    RESOURCES = (NODES,)
    EMPTY_MESSAGE = "No nodes."
    KEYS = NODE_KEYS
    ADMIN_WRITES = "cordon, drain or uncordon nodes"
    """Node maintenance is an administrator's (Run:ai answers a researcher 403)."""
    WRITE_ACTIONS = frozenset({"cordon_node", "uncordon_node", "drain_node", "undrain_node"})

    DEFAULT_CSS = """
    NodesScreen #telemetry-note {
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $text-muted;
        display: none;
    }
    NodesScreen #telemetry-note.-visible {
        display: block;
    }
    """

    COLUMNS = (
        Column("name", "NAME", 14, sort_hotkey="N", grow=True, identifies=True),
        Column("pool", "POOL", 9, priority=2, sort_hotkey="P"),
        Column("role", "ROLE", 4, priority=4, sort_hotkey="O"),
        Column("status", "STATUS", 8, sort_hotkey="T"),
        Column("conditions", "PROBLEMS", 12, priority=5),
        Column("scheduling", "SCHED", 8, sort_hotkey="H"),
        Column("model", "MODEL", 6, priority=4, sort_hotkey="M", identifies=True, max_width=14),
        Column("gpus", "GPUS", 11, sort_hotkey="L"),
        Column("cpu", "CPU", 7, align="right", priority=2, sort_hotkey="C"),
        Column("memory", "MEM", 11, align="right", priority=3, sort_hotkey="E"),
        Column("age", "AGE", 5, align="right", priority=6, sort_hotkey="A"),
    )

    def __init__(self, context: ConsoleContext, *, node_pool: str | None = None) -> None:
        super().__init__(context)
        self.node_pool = node_pool
        """Opened from a pool on the Node pools screen: only that pool's nodes (esc goes back there)."""
        self._rows = self.row_cache(self._node_row, key=lambda node: node.name)

    @property
    def screen_title(self) -> str:
        return f"Nodes of pool {self.node_pool}" if self.node_pool else self.TITLE

    def compose_body(self) -> ComposeResult:
        yield Static("", id="telemetry-note", markup=False)
        yield from super().compose_body()

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        nodes: Sequence[Node] = values[NODES]
        if self.node_pool is not None:
            nodes = [node for node in nodes if node.node_pool == self.node_pool]
        self._show_telemetry_note(nodes)
        return self._rows.rows(nodes)

    def _show_telemetry_note(self, nodes: Sequence[Node]) -> None:
        """Why CPU and memory read `—` (the Run:ai version has no such data), above the table."""
        reason = next(
            (node.telemetry_unavailable_reason for node in nodes if node.telemetry_unavailable_reason), None
        )
        note = self.query_one("#telemetry-note", Static)
        if reason:
            note.update(Text(reason, end=""))
        note.set_class(bool(reason), "-visible")

    def _node_row(self, node: Node) -> Row:
        palette = self.palette
        ready = node.status is NodeStatus.READY
        problems = problem_conditions(node)
        status = Text(node.status.value, palette.ok if ready else palette.error, end="")
        if problems:
            status.append("!", palette.warning)
        scheduling = scheduling_state(node)
        down = node.gpu_count > 0 and node_availability(node) is NodeAvailability.DOWN
        gpu_fraction = node.allocated_gpus / node.gpu_count if node.gpu_count else -1.0
        if down:
            # Sorts between GPU-less nodes (-1) and idle ones (0): none of its GPUs can take work.
            gpu_fraction = -0.5
            gpus_cell = Text(f"{UNAVAILABLE} {node.gpu_count} down", palette.error, end="")
        elif node.gpu_count:
            gpus_cell = gpu_bar(node.allocated_gpus, node.gpu_count, width=5, palette=palette)
        else:
            gpus_cell = Text("—", palette.muted, end="")
        cpu: str | Text = f"{format_cores(node.allocated_cpu_millicores)}/{format_cores(node.cpu_millicores)}"
        memory: str | Text = format_bytes_pair(node.allocated_memory_bytes, node.memory_bytes)
        if node.telemetry_unavailable_reason:  # unknown, not 0/0: the note above the table says why
            cpu = memory = Text("—", palette.muted, end="")
        return Row(
            key=node.name,
            cells=(
                node.name,
                node.node_pool,
                ROLE_ABBREVIATIONS.get(node.role, node.role.value),
                status,
                Text(",".join(problems), palette.warning, end="") if problems else "",
                Text(scheduling, palette.warning, end="") if scheduling != "—" else scheduling,
                node.gpu_model or "—",
                gpus_cell,
                cpu,
                memory,
                AgeCell(node.created_at),
            ),
            sort_values=(
                node.name,
                node.node_pool,
                node.role.value,
                node.status.value,
                ",".join(problems),
                scheduling,
                node.gpu_model,
                gpu_fraction,
                node.allocated_cpu_millicores / node.cpu_millicores if node.cpu_millicores else 0.0,
                node.allocated_memory_bytes / node.memory_bytes if node.memory_bytes else 0.0,
                -node.created_at.timestamp(),
            ),
        )

    def open_detail(self, key: str) -> None:
        """Enter on a node: its detail (conditions, taints, GPUs and who holds them, workloads)."""
        from screens.node_detail import NodeDetailScreen

        self.app.push_screen(NodeDetailScreen(self.context, node_name=key))

    # -- actions -----------------------------------------------------------------------------------------
    def _selected_node(self) -> Node | None:
        key = self.table.cursor_key
        nodes: Sequence[Node] = self.values().get(NODES) or ()
        node = next((n for n in nodes if n.name == key), None) if key is not None else None
        if node is None:
            self.notify("Choose a node first.", severity="warning", timeout=3)
        return node

    def _run_node_action(self, label: str, call: Callable[[], Awaitable[Node]], success: str) -> None:
        run_action(self, label, call, success=success)

    def action_cordon_node(self) -> None:
        """`c`: mark the node unschedulable, after a y/n (running work is not touched)."""
        node = self._selected_node()
        if node is None:
            return
        if node.cordoned:
            self.notify(f"{node.name} is already cordoned.", timeout=3)
            return
        name = node.name

        body = [
            Text.assemble(
                "No new work will be scheduled on ", (name, "bold"), "; running work stays.", end=""
            )
        ]
        confirm_then(
            self,
            ConfirmDialog(f"Cordon {name}?", body, "Cordon"),
            lambda: self._run_node_action(
                f"Cordon {name}",
                lambda: self.context.backend.cordon_node(name),
                f"{name} cordoned: no new work lands there",
            ),
        )

    def action_uncordon_node(self) -> None:
        """`u`: let work land on the node again (harmless, so no question)."""
        node = self._selected_node()
        if node is None:
            return
        if not node.cordoned:
            self.notify(f"{node.name} is not cordoned.", timeout=3)
            return
        name = node.name
        self._run_node_action(
            f"Uncordon {name}", lambda: self.context.backend.uncordon_node(name), f"{name} uncordoned"
        )

    def action_drain_node(self) -> None:
        """`d`: list the node's workloads and which will move, then taint it if the user agrees."""
        node = self._selected_node()
        if node is None:
            return
        if node.draining:
            self.notify(f"{node.name} is already draining.", timeout=3)
            return
        name = node.name
        backend = self.context.backend

        async def ask() -> None:
            try:
                workloads = await backend.workloads()
            except BackendError as error:
                self.notify(str(error), title=f"Cannot list the workloads on {name}", severity="error")
                return
            on_node = [w for w in workloads if name in w.node_names and not w.is_terminal]
            warnings = await self._storage_warnings([w for w in on_node if w.preemptible])
            confirm_then(
                self,
                ConfirmDialog(f"Drain {name}?", drain_body(name, on_node, warnings), "Drain", danger=True),
                lambda: self._run_node_action(
                    f"Drain {name}",
                    lambda: backend.drain_node(name),
                    f"{name} draining: preemptible work moves off",
                ),
            )

        self.open_after(ask())

    async def _storage_warnings(self, moving: Sequence[Workload]) -> list[str]:
        """Best effort: WEKA's protection and the moved workloads' datasets. What cannot be read (a profile
        without WEKA or Kubernetes) gives no warning rather than holding the question back."""
        if not moving:
            return []
        backend = self.context.backend

        async def best_effort(call: Awaitable[T]) -> T | None:
            try:
                return await call
            except BackendError:
                return None

        cluster, mounts, filesystems = await asyncio.gather(
            best_effort(backend.weka_cluster()),
            best_effort(backend.data_mounts()),
            best_effort(backend.filesystems()),
        )
        status = cluster.status if cluster is not None else None
        return drain_storage_warnings(moving, mounts or (), filesystems or (), status)

    def action_describe_node(self) -> None:
        """`y`: the node as the Kubernetes API returns it (YAML; ⇧j JSON), as on the node detail."""
        from screens.describe import DescribeScreen

        node = self._selected_node()
        if node is not None:
            self.app.push_screen(DescribeScreen.of_node(self.context, node.name))

    def action_undrain_node(self) -> None:
        """`U`: remove the maintenance taint (work may come back, so no question)."""
        node = self._selected_node()
        if node is None:
            return
        if not node.draining:
            self.notify(f"{node.name} is not draining.", timeout=3)
            return
        name = node.name
        self._run_node_action(
            f"Undrain {name}", lambda: self.context.backend.undrain_node(name), f"{name} undrained"
        )
