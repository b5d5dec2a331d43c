"""Which workloads hold GPUs they do not use: the pure reading behind the idle-GPU view (`:idle`).

Allocated GPUs left idle are the most expensive waste on a shared GPU cluster (the Run:ai UI counts "idle
GPUs"; nvitop shows per-device history). A workload is idle when its utilisation stayed under the
threshold for at least the window, reading back from now; how long it has been idle is the run of such
readings, and the GPU-hours wasted are its allocation times that time. The history only reaches so far
back, so a run that fills all of it is "at least" that long, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.model import Workload, WorkloadPhase, WorkloadUtilisation

IDLE_THRESHOLD_PERCENT = 5.0
"""Under this a GPU does no real work (a notebook's kernel waiting, a server with no traffic)."""

HOLDING_PHASES = frozenset({WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED})


@dataclass(frozen=True, slots=True)
class IdleHolding:
    """A workload that has held its GPUs idle for `idle_seconds` (at least, when `reaches_back`)."""

    workload: Workload
    idle_seconds: float
    mean_percent: float
    reaches_back: bool
    """The idle run fills the whole history read: it began before it, so it is at least this long."""

    @property
    def gpu_hours_wasted(self) -> float:
        return self.workload.allocated_gpus * self.idle_seconds / 3600.0


def idle_run(percents: Sequence[float | None], threshold: float) -> list[float]:
    """The readings at the end of `percents` that are all under `threshold` (a missing one ends it:
    an unknown reading is not evidence of idleness)."""
    run: list[float] = []
    for percent in reversed(percents):
        if percent is None or percent >= threshold:
            break
        run.append(percent)
    return run


def idle_holdings(
    histories: Iterable[WorkloadUtilisation],
    workloads: Iterable[Workload],
    *,
    min_idle_seconds: float,
    threshold_percent: float = IDLE_THRESHOLD_PERCENT,
) -> list[IdleHolding]:
    """The workloads holding GPUs under `threshold_percent` for at least `min_idle_seconds`, the most
    GPU-hours wasted first."""
    by_id = {workload.id: workload for workload in workloads}
    found = []
    for history in histories:
        workload = by_id.get(history.workload_id)
        if workload is None or workload.phase not in HOLDING_PHASES or workload.allocated_gpus <= 0:
            continue
        run = idle_run(history.percents, threshold_percent)
        idle_seconds = len(run) * history.step_seconds
        if not run or idle_seconds < min_idle_seconds:
            continue
        found.append(
            IdleHolding(
                workload=workload,
                idle_seconds=idle_seconds,
                mean_percent=sum(run) / len(run),
                reaches_back=len(run) == len(history.percents),
            )
        )
    return sorted(found, key=lambda item: (-item.gpu_hours_wasted, item.workload.name))
