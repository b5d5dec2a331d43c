"""Windows of long lists: the newest N items and how many there are, as a screen of a huge cluster asks.

Apart from `console.model.runai` so the first frame, which names the workloads list's window before any
data exists, does not pay for creating the model's dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.model.runai import Workload, WorkloadFilter

WINDOW_PAGE = 500
"""Workloads added to a window per step: Run:ai's largest page, so one step is one request."""


@dataclass(frozen=True, slots=True)
class WorkloadWindow:
    """The newest `limit` workloads that pass `filter`: what a list of a huge cluster asks for.

    A cluster of 100,000 workloads is never listed whole: a screen asks for the viewport plus a page,
    newest first (Run:ai `sortBy=createdAt`), and for more as the cursor nears the end.
    """

    filter: WorkloadFilter | None = None
    limit: int = WINDOW_PAGE

    def wider(self) -> WorkloadWindow:
        return WorkloadWindow(self.filter, self.limit + WINDOW_PAGE)


@dataclass(frozen=True, slots=True)
class WorkloadPlacement:
    """A GPU-holding workload whose nodes a screen wants: its id, and when its phase last changed (the
    nodes are read again only when that changes)."""

    workload_id: str
    phase_updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class WorkloadPage:
    """A window's workloads (newest first) and how many pass its filter on the server."""

    workloads: tuple[Workload, ...]
    total: int

    @property
    def truncated(self) -> bool:
        """More workloads pass the filter than the window holds."""
        return self.total > len(self.workloads)


def newest_window(workloads: Iterable[Workload], window: WorkloadWindow) -> WorkloadPage:
    """`window` of a whole list already read (the simulator's, or a server that cannot sort)."""
    passing = [w for w in workloads if window.filter is None or window.filter.matches(w)]
    passing.sort(key=lambda workload: workload.created_at, reverse=True)
    return WorkloadPage(tuple(passing[: window.limit]), len(passing))
