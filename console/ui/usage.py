"""GPU use of a group of workloads (a node pool, a project) over time: the GPU-weighted mean of its
workloads' utilisation at each reading, as one series, drawn as a short sparkline with its mean.

Pure: the workloads' histories (`Backend.workload_gpu_utilisation`, all on one grid in the demo and
nearly so live) and the workloads in, a series per group out. A reading a workload did not give leaves it
out of that step's mean; a step with no reading at all is a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from console.ui.sparkline import mean, sparkline

if TYPE_CHECKING:
    from rich.style import Style

    from console.model import Workload, WorkloadUtilisation

USAGE_CELLS = 8


def usage_by(
    histories: Iterable[WorkloadUtilisation],
    workloads: Iterable[Workload],
    group_of: Callable[[Workload], str | None],
) -> dict[str, list[float | None]]:
    """{group: the GPU-weighted mean utilisation of its workloads at each step}."""
    by_id = {workload.id: workload for workload in workloads}
    sums: dict[str, list[tuple[float, float]]] = {}
    for history in histories:
        workload = by_id.get(history.workload_id)
        group = group_of(workload) if workload is not None else None
        if workload is None or group is None or workload.allocated_gpus <= 0:
            continue
        steps = sums.setdefault(group, [])
        while len(steps) < len(history.percents):
            steps.append((0.0, 0.0))
        for index, percent in enumerate(history.percents):
            if percent is not None:
                weighted, gpus = steps[index]
                steps[index] = (weighted + percent * workload.allocated_gpus, gpus + workload.allocated_gpus)
    return {
        group: [weighted / gpus if gpus > 0 else None for weighted, gpus in steps]
        for group, steps in sums.items()
    }


def usage_cell(series: Sequence[float | None] | None, accent: str | Style, muted: str | Style) -> Text:
    """`▅▆▇▇█▇▆▇ 84%`, or `—` when the group's workloads gave no reading."""
    average = mean(series) if series else None
    if series is None or average is None:
        return Text("—", muted, end="")
    cell = Text(sparkline(series, USAGE_CELLS), accent, end="")
    cell.append(f" {average:3.0f}%")
    return cell
