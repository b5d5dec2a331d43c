"""The live event list: Run:ai's workload events, WEKA's events, Kubernetes' node events and this host's GPU
events (NVML: XID errors, throttling), merged.

Each source answers a different question (Run:ai lists events per workload only, WEKA per cluster,
Kubernetes per object), so `merged_events` decides which sources a filter is about, asks them side by side
(`answered_parts`: a source that does not answer is named above the list, never blanking the others) and
merges the answers newest first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any

from console.data.unreadable import answered_parts
from console.model import WorkloadFilter
from console.model.events import DEFAULT_EVENT_LIMIT, Event, EventFilter, alert_event, newest_first

if TYPE_CHECKING:
    from console.backends.live.host_gpus import HostGpus
    from console.backends.live.kube import KubeClient
    from console.backends.live.runai import RunaiClient
    from console.backends.live.weka import WekaClient

WEKA_EVENTS = "WEKA events"
RUNAI_EVENTS = "Run:ai events"
NODE_EVENTS = "Kubernetes node events"
GPU_EVENTS = "NVML GPU events"
WEKA_ALERTS = "WEKA alerts"
"""The sources of the event list, as the notice names one that did not answer."""

MAX_EVENT_WORKLOADS = 40
"""Run:ai has no cluster-wide event list: the event list reads the events of at most this many workloads,
the most recently changed first (one request each), so a cluster of thousands is sampled, not flooded."""

MAX_WEKA_EVENTS = 500
"""`num_results` of WEKA's `GET /events` at most (one page)."""


def _names_runai_object(event_filter: EventFilter) -> bool:
    """Is the filter about a workload, a project or a node (which WEKA's events never are)?"""
    return any(
        value is not None
        for value in (
            event_filter.workload_id,
            event_filter.workload_name,
            event_filter.project,
            event_filter.node,
        )
    )


def _may_be_about_gpus(event_filter: EventFilter | None) -> bool:
    """GPU events are about a GPU on a node: the cluster's list and a node's timeline show them."""
    return event_filter is None or not (
        event_filter.workload_id
        or event_filter.workload_name
        or event_filter.project
        or event_filter.filesystem
    )


async def merged_events(
    runai: RunaiClient,
    weka: WekaClient | None,
    kube: KubeClient | None,
    event_filter: EventFilter | None = None,
    host: HostGpus | None = None,
) -> Sequence[Event]:
    """Run:ai's workload events, WEKA's events, the nodes' Kubernetes events and, where rwc runs on a GPU
    node, that node's GPU events (`host`: NVML), merged newest first.
    Run:ai lists events per workload only, so these are the events of the workloads the filter is about
    (its workload, its project's), the most recently changed `MAX_EVENT_WORKLOADS` first; a preemption then
    shows on the preemptor's side when the victim is among them. A source that does not answer is named
    above the list."""
    limit = event_filter.limit if event_filter is not None else DEFAULT_EVENT_LIMIT
    parts: dict[str, Awaitable[Any]] = {}
    wants_runai = event_filter is None or event_filter.filesystem is None
    if wants_runai:
        parts[RUNAI_EVENTS] = _runai_events(runai, event_filter, limit)
    if weka is not None and (
        event_filter is None or (event_filter.filesystem is not None or not _names_runai_object(event_filter))
    ):
        parts[WEKA_EVENTS] = weka.events(min(limit, MAX_WEKA_EVENTS))
    if weka is not None and (
        event_filter is None or (event_filter.filesystem is None and not _names_runai_object(event_filter))
    ):
        parts[WEKA_ALERTS] = _alert_events(weka)
    if kube is not None and (
        event_filter is None
        or (
            event_filter.workload_id is None
            and event_filter.workload_name is None
            and event_filter.project is None
            and event_filter.filesystem is None
        )
    ):
        node = event_filter.node if event_filter is not None else None
        parts[NODE_EVENTS] = kube.node_events(node, limit)
    if host is not None and _may_be_about_gpus(event_filter):
        parts[GPU_EVENTS] = host.events(event_filter.node if event_filter is not None else None)
    if not parts:
        return ()
    answers = await answered_parts(parts)
    merged = [
        event
        for answer in answers.values()
        for event in answer
        if event_filter is None or event_filter.matches(event)
    ]
    return tuple(newest_first(merged, limit))


async def _alert_events(weka: WekaClient) -> list[Event]:
    """WEKA's active alerts as events (`alert_event`): what is wrong now, in the cluster's list."""
    return [alert_event(alert) for alert in await weka.alerts()]


async def _runai_events(runai: RunaiClient, event_filter: EventFilter | None, limit: int) -> list[Event]:
    """The events of the workloads the filter is about: a node's (all of the workloads on it, at most
    `MAX_EVENT_WORKLOADS`), else the most recently changed (of its project, for a project's timeline),
    the filter's own workload first."""
    from console.backends.live.runai import MAX_EVENTS_PER_WORKLOAD

    project = event_filter.project if event_filter is not None else None
    workload_filter = (
        WorkloadFilter(project_name=project)
        if project and event_filter is not None and not event_filter.workload_name
        else None
    )
    node = event_filter.node if event_filter is not None else None
    if node is not None:
        workloads = [w for w in await runai.workloads(workload_filter) if node in w.node_names]
        workloads.sort(key=lambda workload: -workload.phase_updated_at.timestamp())
    else:
        workloads = await runai.recently_changed_workloads(MAX_EVENT_WORKLOADS, workload_filter)
    cap = MAX_EVENT_WORKLOADS
    if workload_filter is not None and node is None:
        # A preemption is recorded on its victim, which is in another project: what this project
        # reclaimed is among the cluster's recently changed workloads (a victim is requeued, a change),
        # so those are read too, and `EventFilter.matches` keeps the preemptions that name this project.
        others = await runai.recently_changed_workloads(MAX_EVENT_WORKLOADS, None)
        own = {workload.id for workload in workloads}
        workloads += [workload for workload in others if workload.id not in own]
        cap *= 2
    wanted = event_filter.workload_id if event_filter is not None else None
    if wanted is not None and all(workload.id != wanted for workload in workloads):
        workloads.insert(0, await runai.workload(wanted))
    per_workload = max(1, min(MAX_EVENTS_PER_WORKLOAD, limit))
    return await runai.events_of(workloads[:cap], per_workload)
