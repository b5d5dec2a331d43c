"""Workloads: name, project, type, phase, GPUs requested and allocated, node, age, submitter.

Fractions stay fractions (`0.5`, `0.25`) and memory requests stay memory (`20GiB`), because that is
what the user asked for. Enter opens the workload's detail (pods, events, why it is pending).
Opened from a project (enter on the Projects screen), it lists only that project's workloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text

from console.model import Workload, WorkloadPhase, WorkloadType
from console.ui.context import ConsoleContext
from console.ui.format import format_age, format_gpu_request, format_gpus
from console.ui.palette import phase_style
from screens.base import ResourceScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.resource_table import Column, Row

TYPE_ABBREVIATIONS = {
    WorkloadType.TRAINING: "train",
    WorkloadType.WORKSPACE: "wksp",
    WorkloadType.DISTRIBUTED: "dist",
    WorkloadType.INFERENCE: "infer",
}


class WorkloadsScreen(ResourceScreen):
    """Every workload the user may see; the busiest screen, so rows are cached between refreshes."""

    SCREEN_NAME = "workloads"
    TITLE = "Workloads"
    RESOURCES = ("workloads",)
    EMPTY_MESSAGE = "No workloads."
    COLUMNS = (
        Column("name", "NAME", 18, sort_hotkey="N", grow=True),
        Column("project", "PROJECT", 11, priority=2, sort_hotkey="P"),
        Column("type", "TYPE", 5, priority=4, sort_hotkey="T"),
        Column("phase", "PHASE", 12, sort_hotkey="S"),
        Column("requested", "REQ", 6, align="right", priority=1, sort_hotkey="R"),
        Column("allocated", "ALLOC", 5, align="right", sort_hotkey="L"),
        Column("node", "NODE", 12, priority=3, sort_hotkey="O"),
        Column("age", "AGE", 5, align="right", sort_hotkey="A"),
        Column("submitter", "USER", 8, priority=5, sort_hotkey="U"),
    )

    def __init__(self, context: ConsoleContext, *, project_name: str | None = None) -> None:
        super().__init__(context)
        self.project_name = project_name
        self._rows = self.row_cache(self._workload_row, key=lambda workload: workload.id)

    @property
    def screen_title(self) -> str:
        return f"Workloads of {self.project_name}" if self.project_name else self.TITLE

    def build_rows(self, values: Mapping[str, Any]) -> Iterable[Row]:
        workloads: Sequence[Workload] = values["workloads"]
        if self.project_name is not None:
            workloads = [w for w in workloads if w.project_name == self.project_name]
        return self._rows.rows(workloads)

    def _workload_row(self, workload: Workload) -> Row:
        palette = self.palette
        phase_text = Text(workload.phase.value, phase_style(workload.phase, palette), end="")
        if workload.phase_reason is not None or (
            workload.phase is WorkloadPhase.PENDING and workload.phase_message
        ):
            phase_text.append("*", palette.warning)
        allocated = workload.allocated_gpus
        nodes = ",".join(workload.node_names) or "—"
        return Row(
            key=workload.id,
            cells=(
                workload.name,
                workload.project_name,
                TYPE_ABBREVIATIONS.get(workload.type, workload.type.value),
                phase_text,
                format_gpu_request(workload.gpu_request, workload.requested_pods),
                Text(format_gpus(allocated), palette.muted if not allocated else Style(), end=""),
                nodes,
                format_age(self.now, workload.created_at),
                workload.submitted_by,
            ),
            sort_values=(
                workload.name,
                workload.project_name,
                workload.type.value,
                workload.phase.value,
                workload.requested_gpus,
                allocated,
                nodes,
                -workload.created_at.timestamp(),
                workload.submitted_by,
            ),
            search_text=(
                f"{workload.name} {workload.project_name} {workload.type.value} {workload.phase.value} "
                f"{nodes} {workload.submitted_by}"
            ),
        )

    def open_detail(self, key: str) -> None:
        self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=key))
