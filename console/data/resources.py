"""Every kind of thing the Store polls from a `Backend`, with its pace: the one catalogue of resource keys.

Screens name what they show with these (`RESOURCES = (NODES, ALL_WORKLOADS)`), a detail view with its
parameters (`WORKLOAD(workload_id)`, `EVENTS(EventFilter(node=name))`); equal keys share one poll.
`console.data.invalidation` says which of these kinds each action changes. The header's summary is a
kind of the UI layer (`console.ui.resources.SUMMARY`): it is built from several of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.data.resource_keys import ResourceKey, ResourceKind, plain_kind
from console.model.windows import WorkloadPlacement, WorkloadWindow

if TYPE_CHECKING:
    from console.model import (
        Alert,
        Department,
        Filesystem,
        GpuDevice,
        Node,
        NodePod,
        NodePool,
        ObjectStoreBucket,
        Project,
        Snapshot,
        WekaCluster,
        WekaMetricsSample,
        Workload,
        WorkloadFilter,
        WorkloadPage,
        WorkloadUtilisation,
    )
    from console.model.events import Event, EventFilter
    from console.model.feed import ClientReads
    from console.model.gpu_history import GpuHistory
    from console.model.schedules import SnapshotSchedule
    from console.model.storage import DataMount, WorkloadMount

FAST_INTERVAL_SECONDS = 2.0
"""Things that change by the second: workloads, nodes, GPUs, a workload's own detail."""
SLOW_INTERVAL_SECONDS = 5.0
"""Things that change by the minute: projects, departments, filesystems, snapshots, events."""
MOUNTS_INTERVAL_SECONDS = 30.0
"""Which workloads mount what changes when workloads start or stop, and costs three Kubernetes lists."""
RARE_INTERVAL_SECONDS = 30.0
"""Things that hardly change: buckets, a node's Kubernetes object."""
MIN_USAGE_INTERVAL_SECONDS = 5.0
"""A utilisation history polls once per reading step, and never faster than this."""


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """A GPU-utilisation history: the last `window_seconds`, a reading every `step_seconds`, for one
    workload or (None) every GPU-holding workload."""

    window_seconds: float
    step_seconds: float
    workload_id: str | None = None


@dataclass(frozen=True, slots=True)
class NodeGpuWindow:
    """One node's per-GPU histories: the last `window_seconds`, a reading every `step_seconds`."""

    node_name: str
    window_seconds: float
    step_seconds: float


# -- Run:ai ---------------------------------------------------------------------------------------
PROJECTS: ResourceKey[Sequence[Project]] = plain_kind(
    "projects", lambda backend: backend.projects(), SLOW_INTERVAL_SECONDS
)
DEPARTMENTS: ResourceKey[Sequence[Department]] = plain_kind(
    "departments", lambda backend: backend.departments(), SLOW_INTERVAL_SECONDS
)
NODE_POOLS: ResourceKey[Sequence[NodePool]] = plain_kind(
    "node_pools", lambda backend: backend.node_pools(), SLOW_INTERVAL_SECONDS
)
NODES: ResourceKey[Sequence[Node]] = plain_kind(
    "nodes", lambda backend: backend.nodes(), FAST_INTERVAL_SECONDS
)
GPUS: ResourceKey[Sequence[GpuDevice]] = plain_kind(
    "gpus", lambda backend: backend.gpus(), FAST_INTERVAL_SECONDS
)
NODE_GPUS: ResourceKind[Sequence[GpuDevice], str] = ResourceKind(
    "node_gpus", lambda backend, node_name: backend.gpus(node_name), FAST_INTERVAL_SECONDS
)
"""One node's GPUs (its detail): the server narrows them, not every GPU of the cluster every 2 s."""
NODE_GPU_HISTORY: ResourceKind[Sequence[GpuHistory], NodeGpuWindow] = ResourceKind(
    "node_gpu_history",
    lambda backend, window: backend.node_gpu_history(
        window.node_name, window.window_seconds, window.step_seconds
    ),
    lambda window: max(MIN_USAGE_INTERVAL_SECONDS, window.step_seconds),
)
"""One node's GPUs over a window (its detail's UTIL and MEM lines per GPU): one poll per reading."""
NODE_PODS: ResourceKind[Sequence[NodePod], str] = ResourceKind(
    "node_pods", lambda backend, node_name: backend.node_pods(node_name), FAST_INTERVAL_SECONDS
)
"""One node's pods that are not finished (its detail): live, one pod list narrowed to the node."""

WORKLOADS: ResourceKind[Sequence[Workload], WorkloadFilter | None] = ResourceKind(
    "workloads", lambda backend, wanted: backend.workloads(wanted), FAST_INTERVAL_SECONDS
)
"""Workloads, filtered by the server (`WorkloadFilter`: a project's, one user's)."""
ALL_WORKLOADS = WORKLOADS(None)

WORKLOAD_PAGES: ResourceKind[WorkloadPage, WorkloadWindow] = ResourceKind(
    "workloads", lambda backend, window: backend.workload_page(window), FAST_INTERVAL_SECONDS
)
"""The newest workloads of a window and how many there are: the workloads list of any size."""
NEWEST_WORKLOADS = WORKLOAD_PAGES(WorkloadWindow())
"""The workloads list as it opens: the newest page of every workload the user may see."""

WORKLOAD_NODES: ResourceKind[Mapping[str, tuple[str, ...]], tuple[WorkloadPlacement, ...]] = ResourceKind(
    "workload_nodes", lambda backend, placed: backend.workload_node_names(placed), FAST_INTERVAL_SECONDS
)
"""The nodes of the workloads on screen that hold GPUs (a list of 100,000 asks for the rows in view only,
and a row's answer is remembered until its phase changes)."""

WORKLOAD: ResourceKind[Workload, str] = ResourceKind(
    "workload", lambda backend, workload_id: backend.workload(workload_id), FAST_INTERVAL_SECONDS
)
"""One workload by id: its detail and its logs share the poll."""

WORKLOAD_MOUNTS: ResourceKind[Sequence[DataMount], str] = ResourceKind(
    "workload_mounts",
    lambda backend, workload_id: backend.workload_mounts(workload_id),
    MOUNTS_INTERVAL_SECONDS,
)
"""One workload's volumes resolved to WEKA filesystems."""

GPU_USAGE: ResourceKind[Sequence[WorkloadUtilisation], UsageWindow] = ResourceKind(
    "gpu_usage",
    lambda backend, usage: backend.workload_gpu_utilisation(
        usage.window_seconds, usage.step_seconds, usage.workload_id
    ),
    lambda usage: max(MIN_USAGE_INTERVAL_SECONDS, usage.step_seconds),
)
"""GPU utilisation histories (the idle view, the pools' hour, a workload's sparkline)."""
LAST_HOUR_GPU_USE = GPU_USAGE(UsageWindow(window_seconds=3600.0, step_seconds=120.0))
"""Every holder's GPU use over the last hour, a reading every 2 minutes: the GPU USE 1h column of the pools
and the projects, one poll for both."""

DATA_MOUNTS: ResourceKey[Sequence[WorkloadMount]] = plain_kind(
    "data_mounts", lambda backend: backend.data_mounts(), MOUNTS_INTERVAL_SECONDS
)
"""Which workload mounts which filesystem, cluster-wide (a filesystem's detail, the RPO view)."""

NODE_OBJECT: ResourceKind[dict[str, object], str] = ResourceKind(
    "node_object", lambda backend, node_name: backend.describe_node(node_name), RARE_INTERVAL_SECONDS
)
"""A node's Kubernetes object (labels, capacity, allocatable): what `y` shows, summarised in its detail."""

# -- events -----------------------------------------------------------------------------------------
EVENTS: ResourceKind[Sequence[Event], EventFilter | None] = ResourceKind(
    # Slow: live, Run:ai's events are read per workload (`LiveBackend.events`), a request each.
    "events",
    lambda backend, wanted: backend.events(wanted),
    SLOW_INTERVAL_SECONDS,
)
ALL_EVENTS = EVENTS(None)

# -- WEKA -------------------------------------------------------------------------------------------
FILESYSTEMS: ResourceKey[Sequence[Filesystem]] = plain_kind(
    "filesystems", lambda backend: backend.filesystems(), SLOW_INTERVAL_SECONDS
)
SNAPSHOTS: ResourceKey[Sequence[Snapshot]] = plain_kind(
    "snapshots", lambda backend: backend.snapshots(), SLOW_INTERVAL_SECONDS
)
SNAPSHOT_SCHEDULES: ResourceKey[Sequence[SnapshotSchedule]] = plain_kind(
    "snapshot_schedules", lambda backend: backend.snapshot_schedules(), SLOW_INTERVAL_SECONDS
)
ALERTS: ResourceKey[Sequence[Alert]] = plain_kind(
    "alerts", lambda backend: backend.alerts(), FAST_INTERVAL_SECONDS
)
BUCKETS: ResourceKey[Sequence[ObjectStoreBucket]] = plain_kind(
    "buckets", lambda backend: backend.buckets(), RARE_INTERVAL_SECONDS
)
WEKA_CLUSTER: ResourceKey[WekaCluster] = plain_kind(
    "weka_cluster", lambda backend: backend.weka_cluster(), FAST_INTERVAL_SECONDS
)

WEKA_METRICS: ResourceKind[Sequence[WekaMetricsSample], float] = ResourceKind(
    "weka_metrics",
    lambda backend, window_seconds: backend.weka_metrics(window_seconds),
    FAST_INTERVAL_SECONDS,
)
"""WEKA throughput and IOPS over the last `window_seconds`."""
CLIENT_READS: ResourceKey[Sequence[ClientReads]] = plain_kind(
    "client_reads", lambda backend: backend.client_reads(), SLOW_INTERVAL_SECONDS
)
"""What each WEKA client (a GPU node) reads now: the starved view's evidence (one `/stats/realtime`)."""

__all__ = [
    "ALERTS",
    "ALL_EVENTS",
    "ALL_WORKLOADS",
    "BUCKETS",
    "CLIENT_READS",
    "DATA_MOUNTS",
    "DEPARTMENTS",
    "EVENTS",
    "FILESYSTEMS",
    "GPUS",
    "GPU_USAGE",
    "LAST_HOUR_GPU_USE",
    "NEWEST_WORKLOADS",
    "NODES",
    "NODE_GPUS",
    "NODE_GPU_HISTORY",
    "NodeGpuWindow",
    "NODE_OBJECT",
    "NODE_PODS",
    "NODE_POOLS",
    "PROJECTS",
    "SNAPSHOTS",
    "SNAPSHOT_SCHEDULES",
    "WEKA_CLUSTER",
    "WEKA_METRICS",
    "WORKLOAD",
    "WORKLOADS",
    "WORKLOAD_MOUNTS",
    "WORKLOAD_NODES",
    "WORKLOAD_PAGES",
    "UsageWindow",
]
