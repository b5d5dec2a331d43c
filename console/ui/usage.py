"""GPU use of a group of workloads (a node pool, a project) over time: the GPU-weighted mean of its
workloads' utilisation at each reading, as one series, drawn as a short sparkline with its mean.

Pure: the workloads' histories (`Backend.workload_gpu_utilisation`, all on one grid in the demo and
nearly so live) and the workloads in, a series per group out. A reading a workload did not give leaves it
out of that step's mean; a step with no reading at all is a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.text import Text

from console.ui.sparkline import mean, sparkline

if TYPE_CHECKING:
    from rich.style import Style

    from console.model import Workload, WorkloadUtilisation

USAGE_CELLS = 8


class UsageSpan(NamedTuple):
    """A window a group's GPU use is read over, and how often a reading falls in it."""

    label: str
    window_seconds: float
    step_seconds: float


USAGE_SPANS: tuple[UsageSpan, ...] = (
    UsageSpan("5m", 300.0, 30.0),
    UsageSpan("1h", 3600.0, 120.0),
    UsageSpan("24h", 86400.0, 1800.0),
)
"""The windows `w` steps through on the pools and projects (the issue's 5 min, 1 h, 24 h): 10, 30 and 48
readings, a sparkline's worth each. 1 h first (`DEFAULT_USAGE_SPAN`) is the one the two screens share."""

DEFAULT_USAGE_SPAN = USAGE_SPANS[1]


def next_usage_span(span: UsageSpan) -> UsageSpan:
    """The next window (5m, 1h, 24h, then 5m again)."""
    return USAGE_SPANS[(USAGE_SPANS.index(span) + 1) % len(USAGE_SPANS)]


def usage_by(
    histories: Iterable[WorkloadUtilisation],
    workloads: Iterable[Workload],
    group_of: Callable[[Workload], str | None],
) -> dict[str, list[float | None]]:
    """{group: the GPU-weighted mean utilisation of its workloads at each step}, the workloads (their
    group and GPUs now) from a workload list."""
    by_id = {workload.id: workload for workload in workloads}

    def weighed(history: WorkloadUtilisation) -> tuple[str | None, float]:
        workload = by_id.get(history.workload_id)
        return (None, 0.0) if workload is None else (group_of(workload), workload.allocated_gpus)

    return _weighted_means(histories, weighed)


def usage_by_project(
    histories: Iterable[WorkloadUtilisation], group_of: Callable[[str], str | None] = lambda project: project
) -> dict[str, list[float | None]]:
    """{group: the GPU-weighted mean utilisation at each step} from what each history says of itself (its
    project and the GPUs it held: no workload list needed); `group_of` maps a project id to its group
    (the project itself, or its department)."""

    def weighed(history: WorkloadUtilisation) -> tuple[str | None, float]:
        group = group_of(history.project_id) if history.project_id is not None else None
        return group, history.gpus

    return _weighted_means(histories, weighed)


def _weighted_means(
    histories: Iterable[WorkloadUtilisation],
    weighed: Callable[[WorkloadUtilisation], tuple[str | None, float]],
) -> dict[str, list[float | None]]:
    """{group: sum(percent x weight) / sum(weight) at each step}, over the histories `weighed` names a
    group and a positive weight for; a step no history read is a gap (None)."""
    sums: dict[str, list[tuple[float, float]]] = {}
    for history in histories:
        group, weight = weighed(history)
        if group is None or weight <= 0:
            continue
        steps = sums.setdefault(group, [])
        while len(steps) < len(history.percents):
            steps.append((0.0, 0.0))
        for index, percent in enumerate(history.percents):
            if percent is not None:
                weighted, gpus = steps[index]
                steps[index] = (weighted + percent * weight, gpus + weight)
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
