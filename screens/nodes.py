"""Nodes: pool, role, readiness and problem conditions, cordoned/draining, GPU model and usage,
CPU and memory. Enter on a node shows its GPUs and who holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.text import Text

from console.model import Node, NodeRole, NodeStatus
from console.ui.context import ConsoleContext
from console.ui.format import format_age, format_bytes_pair, format_cores, format_gpu_sum
from screens.base import ResourceScreen
from screens.gpus import GpusScreen
from widgets.bars import capacity_bar
from widgets.resource_table import Column, Row

ROLE_ABBREVIATIONS = {NodeRole.GPU_WORKER: "gpu", NodeRole.CPU_WORKER: "cpu", NodeRole.SYSTEM: "sys"}
HEALTHY_WHEN_FALSE = frozenset({"MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"})
"""Kubernetes conditions that are good when False; any of them True is a problem worth showing."""


def problem_conditions(node: Node) -> list[str]:
    """Conditions that say something is wrong: pressure conditions that are True, Ready that is not."""
    problems = []
    for condition in node.conditions:
        if condition.type == "Ready":
            continue
        if (condition.type in HEALTHY_WHEN_FALSE and condition.status == "True") or (
            condition.type not in HEALTHY_WHEN_FALSE and condition.status == "False"
        ):
            problems.append(condition.type)
    return problems


def scheduling_state(node: Node) -> str:
    """`cordoned`, `draining`, both, or `—` when work can land on the node."""
    states = [word for word, on in (("cordoned", node.cordoned), ("draining", node.draining)) if on]
    return "+".join(states) or "—"


class NodesScreen(ResourceScreen):
    """The machines: are they ready, can work land on them, and how full are they."""

    SCREEN_NAME = "nodes"
    TITLE = "Nodes"
    RESOURCES = ("nodes",)
    EMPTY_MESSAGE = "No nodes."
    COLUMNS = (
        Column("name", "NAME", 14, sort_hotkey="N", grow=True),
        Column("pool", "POOL", 9, priority=2, sort_hotkey="P"),
        Column("role", "ROLE", 4, priority=4, sort_hotkey="R"),
        Column("status", "STATUS", 8, sort_hotkey="S"),
        Column("conditions", "PROBLEMS", 12, priority=5),
        Column("scheduling", "SCHED", 8, sort_hotkey="D"),
        Column("model", "MODEL", 6, priority=4, sort_hotkey="M"),
        Column("gpus", "GPUS", 11, sort_hotkey="U"),
        Column("cpu", "CPU", 7, align="right", priority=2, sort_hotkey="C"),
        Column("memory", "MEM", 11, align="right", priority=3, sort_hotkey="E"),
        Column("age", "AGE", 5, align="right", priority=6, sort_hotkey="A"),
    )

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self._rows = self.row_cache(self._node_row, key=lambda node: node.name)

    def build_rows(self, values: Mapping[str, Any]) -> Iterable[Row]:
        nodes: Sequence[Node] = values["nodes"]
        return self._rows.rows(nodes)

    def _node_row(self, node: Node) -> Row:
        palette = self.palette
        ready = node.status is NodeStatus.READY
        problems = problem_conditions(node)
        status = Text(node.status.value, palette.ok if ready else palette.error, end="")
        if problems:
            status.append("!", palette.warning)
        scheduling = scheduling_state(node)
        gpu_fraction = node.allocated_gpus / node.gpu_count if node.gpu_count else -1.0
        gpus_cell = (
            capacity_bar(
                node.allocated_gpus,
                node.gpu_count,
                width=5,
                label=f"{format_gpu_sum(node.allocated_gpus)}/{node.gpu_count}",
                fill_style=palette.accent,
                free_style=palette.muted,
            )
            if node.gpu_count
            else Text("—", palette.muted, end="")
        )
        cpu = f"{format_cores(node.allocated_cpu_millicores)}/{format_cores(node.cpu_millicores)}"
        memory = format_bytes_pair(node.allocated_memory_bytes, node.memory_bytes)
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
                format_age(self.now, node.created_at),
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
            search_text=(
                f"{node.name} {node.node_pool} {node.role.value} {node.status.value} "
                f"{' '.join(problems)} {scheduling} {node.gpu_model or ''}"
            ),
        )

    def open_detail(self, key: str) -> None:
        """Enter on a node: its GPUs, split by the workloads that hold them."""
        nodes: Sequence[Node] = self.values()["nodes"] or ()
        node = next((n for n in nodes if n.name == key), None)
        if node is not None and not node.gpu_count:
            self.notify(f"{key} has no GPUs.", timeout=2)
            return
        self.app.push_screen(GpusScreen(self.context, node_name=key))
