"""What the Store polls for the screens: one named resource per backend query, with its interval.

Screens ask for resources by name (`RESOURCES = ("workloads",)`); only the visible screen's resources
poll, plus the header summary, which every screen shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.data.backend import Backend
from console.model import WekaClusterStatus

if TYPE_CHECKING:
    from console.model import (
        ClusterInfo,
        Identity,
    )

FAST_INTERVAL_SECONDS = 2.0
"""Things that change by the second: workloads, nodes, GPUs."""
SLOW_INTERVAL_SECONDS = 5.0
"""Things that change by the minute: projects, departments, filesystems, snapshots, the header."""

SUMMARY = "cluster summary"
"""The header's resource: identity, cluster, GPU totals, WEKA status, open alerts."""


@dataclass(frozen=True, slots=True)
class HeaderSummary:
    """What the header shows besides the static flags (profile, read-only, demo)."""

    identity: Identity
    cluster: ClusterInfo
    gpus_allocated: float
    gpus_total: int
    weka_status: WekaClusterStatus | None
    """None when the profile has no WEKA cluster or it did not answer."""
    open_alerts: int


async def fetch_summary(backend: Backend) -> HeaderSummary:
    """One round of the header's queries; a WEKA failure degrades to "WEKA ?" rather than failing all."""
    identity, cluster, pools = await asyncio.gather(
        backend.identity(), backend.cluster(), backend.node_pools()
    )
    weka_status: WekaClusterStatus | None
    try:
        weka_cluster = await backend.weka_cluster()
    except Exception:  # noqa: BLE001 - any WEKA failure shows as "WEKA ?"; Run:ai data still counts
        weka_status = None
    else:
        weka_status = weka_cluster.status
    try:
        alerts = await backend.alerts()
        open_alerts = sum(1 for alert in alerts if not alert.muted)
    except Exception:  # noqa: BLE001 - the alert count is optional decoration
        open_alerts = -1
    return HeaderSummary(
        identity=identity,
        cluster=cluster,
        gpus_allocated=sum(pool.allocated_gpus for pool in pools),
        gpus_total=sum(pool.total_gpus for pool in pools),
        weka_status=weka_status,
        open_alerts=open_alerts,
    )


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One pollable resource: how to fetch it from a backend and how often."""

    name: str
    fetch: Callable[[Backend], Awaitable[object]]
    interval_seconds: float


RESOURCE_SPECS: tuple[ResourceSpec, ...] = (
    ResourceSpec(SUMMARY, fetch_summary, SLOW_INTERVAL_SECONDS),
    ResourceSpec("projects", lambda backend: backend.projects(), SLOW_INTERVAL_SECONDS),
    ResourceSpec("departments", lambda backend: backend.departments(), SLOW_INTERVAL_SECONDS),
    ResourceSpec("workloads", lambda backend: backend.workloads(), FAST_INTERVAL_SECONDS),
    ResourceSpec("nodes", lambda backend: backend.nodes(), FAST_INTERVAL_SECONDS),
    ResourceSpec("gpus", lambda backend: backend.gpus(), FAST_INTERVAL_SECONDS),
    ResourceSpec("filesystems", lambda backend: backend.filesystems(), SLOW_INTERVAL_SECONDS),
    ResourceSpec("snapshots", lambda backend: backend.snapshots(), SLOW_INTERVAL_SECONDS),
)
ALWAYS_POLLED: frozenset[str] = frozenset({SUMMARY})
"""Resources that poll whatever screen is visible (the header is on all of them)."""
