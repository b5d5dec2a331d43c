"""The header's summary: the one Store resource every screen shows, built from several backend queries.

Screens name what else they show with the typed keys of `console.data.resources`; only the visible
screen's keys poll, plus this summary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from console.data.backend import Backend
from console.data.errors import Timeout
from console.data.resource_keys import ResourceKey, plain_kind
from console.data.resources import SLOW_INTERVAL_SECONDS
from console.model import WekaClusterStatus
from console.model.capacity import GpuCapacity

if TYPE_CHECKING:
    from console.model import (
        ClusterInfo,
        Identity,
    )

T = TypeVar("T")


WEKA_SUMMARY_DEADLINE_SECONDS = 6.0
"""How long the header waits for WEKA before it says "WEKA ? since …". A WEKA that hangs must not hold
the whole header (and its last "WEKA OK") for the client's 30 s timeout, nor delay the Run:ai numbers."""


@dataclass(frozen=True, slots=True)
class HeaderSummary:
    """What the header shows besides the static flags (profile, read-only, demo)."""

    identity: Identity
    cluster: ClusterInfo
    gpus: GpuCapacity
    """Allocated of usable GPUs, and how many are down (see `console.ui.gpu_availability`)."""
    weka_status: WekaClusterStatus | None
    """None when the profile has no WEKA cluster or it did not answer this time."""
    open_alerts: int
    weka_error: str | None = None
    """Why WEKA did not answer this time (None when it did)."""
    weka_unknown_since: datetime | None = None
    """When WEKA stopped answering: the first of the current run of failed polls (None while it answers)."""

    @property
    def gpus_allocated(self) -> float:
        return self.gpus.allocated

    @property
    def gpus_total(self) -> int:
        return self.gpus.total


@dataclass
class _WekaMemory:
    """Per backend: since when WEKA has not answered the header (None while it answers)."""

    failing_since: datetime | None = None


_weka_memories: WeakKeyDictionary[Backend, _WekaMemory] = WeakKeyDictionary()


def _weka_memory(backend: Backend) -> _WekaMemory:
    """This backend's memory (a fresh one for a backend that cannot be weakly referenced)."""
    try:
        return _weka_memories.setdefault(backend, _WekaMemory())
    except TypeError:
        return _WekaMemory()


async def _within_deadline(call: Awaitable[T], what: str) -> T | BaseException:
    """The answer, or the exception (a `Timeout` past the deadline): the header's optional parts never
    fail the Run:ai numbers beside them."""
    try:
        return await asyncio.wait_for(call, WEKA_SUMMARY_DEADLINE_SECONDS)
    except TimeoutError:
        return Timeout(f"{what} did not answer in {WEKA_SUMMARY_DEADLINE_SECONDS:g} s")
    except Exception as error:  # noqa: BLE001 - any failure shows as "?" in the header; Run:ai data still counts
        return error


async def fetch_summary(backend: Backend) -> HeaderSummary:
    """One round of the header's queries, all at once.

    A WEKA failure or hang (past `WEKA_SUMMARY_DEADLINE_SECONDS`) degrades to "WEKA ? since HH:MM:SS"
    rather than failing the summary or leaving the last "WEKA OK" on screen; a Run:ai failure fails it
    (the header then says STALE, and the WEKA word stops claiming anything, see `RwcHeader`).
    """
    try:
        async with asyncio.TaskGroup() as group:
            identity_task = group.create_task(backend.identity())
            cluster_task = group.create_task(backend.cluster())
            gpus_task = group.create_task(backend.gpu_capacity())
            weka_task = group.create_task(_within_deadline(backend.weka_health(), "WEKA"))
            alerts_task = group.create_task(_within_deadline(backend.runai_alert_count(), "The alerts"))
    except BaseExceptionGroup as failed:
        # The Store shows the first Run:ai error as it came (its sentence, not "1 sub-exception").
        raise failed.exceptions[0] from None
    weka = weka_task.result()
    memory = _weka_memory(backend)
    weka_status: WekaClusterStatus | None
    weka_error: str | None
    weka_alerts = 0
    if isinstance(weka, BaseException):
        weka_status, weka_error = None, str(weka) or type(weka).__name__
        if memory.failing_since is None:
            memory.failing_since = backend.now()
    else:
        weka_status, weka_error, weka_alerts = weka.status, None, weka.active_alerts
        memory.failing_since = None
    runai_alerts = alerts_task.result()
    # WEKA's active alerts come with its state. Each side that answered counts, as the alert list shows
    # each source that answers; "?" (-1) only when neither did.
    if isinstance(runai_alerts, BaseException):
        open_alerts = -1 if weka_status is None else weka_alerts
    else:
        open_alerts = runai_alerts + weka_alerts
    return HeaderSummary(
        identity=identity_task.result(),
        cluster=cluster_task.result(),
        gpus=gpus_task.result(),
        weka_status=weka_status,
        open_alerts=open_alerts,
        weka_error=weka_error,
        weka_unknown_since=memory.failing_since,
    )


SUMMARY: ResourceKey[HeaderSummary] = plain_kind("cluster summary", fetch_summary, SLOW_INTERVAL_SECONDS)
"""The header's resource: identity, cluster, GPU totals (usable and down), WEKA status, open alerts."""

ALWAYS_POLLED: frozenset[ResourceKey[Any]] = frozenset({SUMMARY})
"""Resources that poll whatever screen is visible (the header is on all of them)."""
