"""The Workloads list's rows, built without an app: what a user reads in each column."""

from __future__ import annotations

from model_factories import AT, a_workload
from rich.text import Text

from console.model import GpuRequest, WorkloadPhase, WorkloadType
from console.ui.palette import CellPalette
from console.ui.table_rows import AgeCell, cell_text
from console.ui.workload_rows import workload_row

PALETTE = CellPalette.plain()


def shown(workload_cells: tuple[object, ...]) -> list[str]:
    return [cell_text(cell, AT) for cell in workload_cells]  # type: ignore[arg-type]


def test_a_half_gpu_stays_a_half_and_every_node_is_named() -> None:
    row = workload_row(
        a_workload(
            name="sdxl",
            gpu_request=GpuRequest.fraction(0.5),
            allocated_gpus=0.5,
            node_names=("dgx-01", "dgx-02"),
            type=WorkloadType.DISTRIBUTED,
        ),
        PALETTE,
    )
    name, project, kind, phase, requested, allocated, nodes, age, user = shown(row.cells)
    assert (name, kind, phase, requested, allocated, nodes) == (
        "sdxl",
        "dist",
        "Running",
        "0.5",
        "0.5",
        "dgx-01,dgx-02",
    )
    assert isinstance(row.cells[7], AgeCell)
    assert user == "alice"


def test_a_pending_workload_with_a_reason_is_starred_and_nothing_allocated_is_quiet() -> None:
    row = workload_row(
        a_workload(phase=WorkloadPhase.PENDING, phase_message="Not enough idle GPUs", allocated_gpus=0),
        PALETTE,
    )
    phase, allocated, nodes = row.cells[3], row.cells[5], row.cells[6]
    assert isinstance(phase, Text) and phase.plain == "Pending*"
    assert isinstance(allocated, Text) and allocated.style == PALETTE.muted
    assert nodes == "—"


def test_the_owner_filters_with_an_at_and_markup_in_a_name_stays_text() -> None:
    row = workload_row(a_workload(name="team[a] x[/]\x1b[2J"), PALETTE)
    assert "@alice" in row.search_text
    assert "\x1b" not in shown(row.cells)[0] and shown(row.cells)[0].startswith("team[a] x[/]")
