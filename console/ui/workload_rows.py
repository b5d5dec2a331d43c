"""Rows of the Workloads list, built by a pure function: testable, and shared by any list of workloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from console.model import WorkloadPhase, WorkloadType
from console.ui.format import format_gpu_request, format_gpus
from console.ui.palette import CellPalette, phase_style
from console.ui.table_rows import AgeCell, Row

if TYPE_CHECKING:
    from console.model import Workload

TYPE_ABBREVIATIONS = {
    WorkloadType.TRAINING: "train",
    WorkloadType.WORKSPACE: "wksp",
    WorkloadType.DISTRIBUTED: "dist",
    WorkloadType.INFERENCE: "infer",
}


def workload_row(workload: Workload, palette: CellPalette) -> Row:
    """A workload as the Workloads list shows it: fractions stay fractions, a `*` marks a phase with a
    reason (the detail says it), NODE lists every node its pods run on, `@user` filters by owner."""
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
            AgeCell(workload.created_at),
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
        filter_terms=(f"@{workload.submitted_by}",),
    )
