"""Run:ai's per-workload GPU utilisation as evenly spaced histories (the idle-GPU view's sparklines).

`GET /api/v1/workloads/{id}/metrics` (reference §6) answers samples at the server's own times; the screen
wants one value per step of its window. `utilisation_histories` picks the workloads to ask about, asks
(`RunaiClient.workload_utilisation`, a bounded number at a time) and puts each answer on a grid (`on_grid`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from console.backends.live.concurrency import together
from console.data.errors import BackendError
from console.model import WorkloadFilter, WorkloadPhase, WorkloadUtilisation

if TYPE_CHECKING:
    from console.backends.live.runai import RunaiClient

MAX_METRICS_WORKLOADS = 200
"""The idle-GPU view reads the metrics of at most this many GPU-holding workloads (the biggest first):
one request each, so a cluster of thousands is sampled, not flooded."""
MAX_METRIC_SAMPLES = 1000
"""Run:ai's `numberOfSamples` bound (§6)."""


def on_grid(
    points: Sequence[tuple[datetime, float | None]], start: datetime, step_seconds: float, steps: int
) -> tuple[float | None, ...]:
    """`points` as one value per grid step from `start`: the point nearest each step within half a step,
    else None (the server's samples need not fall on our grid)."""
    grid: list[float | None] = [None] * steps
    best: list[float] = [step_seconds / 2] * steps
    for at, value in points:
        offset = (at - start).total_seconds() / step_seconds
        index = round(offset)
        if 0 <= index < steps:
            distance = abs(offset - index) * step_seconds
            if distance <= best[index]:
                grid[index], best[index] = value, distance
    return tuple(grid)


async def utilisation_histories(
    runai: RunaiClient,
    window_seconds: float,
    step_seconds: float,
    workload_id: str | None,
    now: datetime,
) -> list[WorkloadUtilisation]:
    """Run:ai's per-workload `GPU_UTILIZATION` for the workloads holding GPUs now, at most
    `MAX_METRICS_WORKLOADS` of them (the most GPUs first), or for `workload_id` alone, each sampled every
    `step_seconds` over the window. A workload whose metrics do not come is left out and named above the
    list; the points are put on the window's grid (the nearest sample, None where the server had none)."""
    if workload_id is not None:  # one workload's line (its detail): no list to read first
        holding = [await runai.workload(workload_id)]
    else:
        holding = [
            workload
            for workload in await runai.workloads(WorkloadFilter(phase=WorkloadPhase.RUNNING))
            if workload.allocated_gpus > 0
        ]
        holding.sort(key=lambda workload: -workload.allocated_gpus)
        holding = holding[:MAX_METRICS_WORKLOADS]
    steps = max(1, min(MAX_METRIC_SAMPLES, int(window_seconds // step_seconds)))
    start = now - timedelta(seconds=step_seconds * (steps - 1))
    ids = [workload.id for workload in holding]
    memory: list[tuple[datetime, float | None]] = []
    if workload_id is None:
        series = await runai.workload_utilisation(ids, start, now, steps)
    else:  # one workload's detail also draws its GPU memory (a second request beside the first)
        series, memory = await together(
            runai.workload_utilisation(ids, start, now, steps),
            _memory_or_none(runai, workload_id, start, now, steps),
        )
    by_id = {workload.id: workload for workload in holding}
    histories = []
    for one_id, points in series.items():
        if not points:
            continue
        # The grid ends at the server's newest sample, not at our clock: a server a little behind
        # (or samples that lag) must not read as a missing last minute.
        # A newest point with no value (a moment past the server's last sample) is not where it ends.
        newest = next((at for at, value in reversed(points) if value is not None), points[-1][0])
        grid_start = newest - timedelta(seconds=step_seconds * (steps - 1))
        grid = on_grid(points, grid_start, step_seconds, steps)
        holder = by_id.get(one_id)
        histories.append(
            WorkloadUtilisation(
                one_id,
                grid_start,
                step_seconds,
                grid,
                project_id=holder.project_id if holder else None,
                gpus=holder.allocated_gpus if holder else 0.0,
                memory_used_mib=on_grid(memory, grid_start, step_seconds, steps) if memory else (),
            )
        )
    return histories


async def _memory_or_none(
    runai: RunaiClient, workload_id: str, start: datetime, end: datetime, samples: int
) -> list[tuple[datetime, float | None]]:
    """The workload's GPU memory points; none when they cannot be read (the utilisation line still shows)."""
    try:
        return await runai.gpu_history.workload_memory(workload_id, start, end, samples)
    except BackendError:
        return []
