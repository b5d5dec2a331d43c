"""The Run:ai half's events, cluster-wide: every workload's events and the nodes' own, in the one model.

Each workload keeps its events (bounded per workload, `runai_lifecycle`); nodes keep theirs in a bounded
log here (cordon, drain, NotReady: what Kubernetes records about a node). A query turns into `Event`s only
the records it may return: on a big cluster most workloads are not what a detail view asks about, and
of those only preemptions can name the asked-for workload as the other side.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable
from datetime import datetime

from console.model.events import (
    DEFAULT_EVENT_LIMIT,
    PREEMPTION_REASONS,
    Event,
    EventFilter,
    newest_first,
    node_event,
    workload_event,
)
from console.model.runai import WorkloadEvent
from console.sim.runai_state import ClusterState, WorkloadState

NODE_EVENT_HISTORY = 1000
"""Node events kept (a Kubernetes API server keeps events for an hour; the console shows the latest)."""


class NodeEventLog:
    """A bounded log of what happened to nodes, oldest first."""

    def __init__(self) -> None:
        self._events: deque[Event] = deque(maxlen=NODE_EVENT_HISTORY)

    def record(self, at: datetime, node: str, reason: str, message: str, *, warning: bool = False) -> None:
        self._events.append(node_event(at=at, node=node, reason=reason, message=message, warning=warning))

    def events(self) -> list[Event]:
        return list(self._events)


def _may_concern(workload: WorkloadState, project: str, event_filter: EventFilter | None) -> bool:
    """Could any event of `workload` be about the filter's object as its subject?"""
    if event_filter is None:
        return True
    if event_filter.filesystem is not None:
        return False
    if event_filter.workload_id is not None or event_filter.workload_name is not None:
        return workload.id == event_filter.workload_id or (
            workload.name == event_filter.workload_name and project == event_filter.project
        )
    if event_filter.project is not None and project != event_filter.project:
        return False
    node = event_filter.node
    return node is None or any(pod.node_name == node for pod in workload.pods)


def cluster_events(
    state: ClusterState,
    nodes: NodeEventLog,
    event_filter: EventFilter | None,
    gpu_events: Iterable[Event] = (),
) -> list[Event]:
    """The newest events of every workload and node (and `gpu_events`, the GPUs' own: XIDs, throttling)
    that `event_filter` asks for, newest first."""
    limit = event_filter.limit if event_filter is not None else DEFAULT_EVENT_LIMIT
    candidates: list[tuple[datetime, int, WorkloadState, tuple[datetime, str, str, str, str]]] = []
    sequence = 0
    node = event_filter.node if event_filter is not None else None
    workloads: Iterable[WorkloadState] = state.workloads.values()
    if event_filter is None or (
        event_filter.project is None
        and event_filter.node is None
        and not (event_filter.workload_id or event_filter.workload_name or event_filter.filesystem)
    ):
        # Unfiltered: the newest `limit` events lie in the `limit` workloads whose newest events are newest
        # (each keeps its events in time order), so only those are read — 20,000 workloads cost a max each.
        workloads = heapq.nlargest(
            limit + 64, (w for w in workloads if w.events), key=lambda workload: workload.events[-1][0]
        )
    for workload in workloads:
        project = state.projects[workload.project_id].name
        concerned = _may_concern(workload, project, event_filter)
        for record in workload.events[-limit:] if concerned else workload.events:
            if concerned or record[2] in PREEMPTION_REASONS or (node is not None and node in record[3]):
                sequence += 1
                candidates.append((record[0], sequence, workload, record))
    chosen: list[Event] = []
    # The filter can still drop candidates (a preemption of someone else), so take more than `limit`.
    for _, _, workload, (at, kind, reason, message, source) in heapq.nlargest(
        max(limit * 4, limit + 64), candidates, key=lambda candidate: (candidate[0], candidate[1])
    ):
        event = workload_event(
            WorkloadEvent(at, kind, reason, message, source),
            workload_id=workload.id,
            workload_name=workload.name,
            project=state.projects[workload.project_id].name,
            node=next((pod.node_name for pod in workload.pods if pod.node_name), None),
        )
        if event_filter is None or event_filter.matches(event):
            chosen.append(event)
    for event in (*nodes.events(), *gpu_events):
        if event_filter is None or event_filter.matches(event):
            chosen.append(event)
    return newest_first(chosen, limit)
