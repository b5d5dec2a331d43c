"""One event model for every source: Run:ai workload events, Kubernetes events, WEKA events (and NVML).

"Who is preempting whom?" and "what happened here?" need the sources merged by time, and each detail view
(workload, node, project, filesystem) needs the events about *its* object, so an event says what it is
about as typed fields (kind, name, project, node), not as words in a message. A preemption names both
sides: the victim is the event's `subject`, the workload that took its GPUs its `counterpart`, so the
same event shows on the victim's timeline, the preemptor's ("preempted X") and both projects'.

The rules that turn a source's record into an `Event` are written once here and used by the simulator's
demo backend and the live backend alike (as `console.model.runai_alerts` does for alerts), so the demo
and the live console read a preemption the same way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from console.model.enums import AlertSeverity
from console.model.runai import WorkloadEvent
from console.model.weka import Alert

DEFAULT_EVENT_LIMIT = 500
"""The newest this many events answer a query: enough for a screen and a scroll, bounded for a big cluster."""


class EventSource(StrEnum):
    """Where an event was recorded (shown in the SOURCE column, filtered by `s`)."""

    RUNAI = "Run:ai"
    KUBERNETES = "Kubernetes"
    WEKA = "WEKA"
    NVML = "NVML"


class EventSeverity(StrEnum):
    """Kubernetes' two event types, plus Critical for what WEKA calls MAJOR or CRITICAL."""

    NORMAL = "Normal"
    WARNING = "Warning"
    CRITICAL = "Critical"


class EventObjectKind(StrEnum):
    """What an event is about."""

    WORKLOAD = "Workload"
    POD = "Pod"
    NODE = "Node"
    PROJECT = "Project"
    FILESYSTEM = "Filesystem"
    CLUSTER = "Cluster"
    GPU = "GPU"


@dataclass(frozen=True, slots=True)
class EventObject:
    """The object an event is about: its kind and name, and the project and node it belongs to where known."""

    kind: EventObjectKind
    name: str
    project: str | None = None
    node: str | None = None
    id: str = ""
    """The source's id for it (a workload's UUID) when there is one; detail views match on it."""

    @property
    def label(self) -> str:
        """`Workload llama3-8b-sft`: the kind and the name, as the OBJECT column reads."""
        return f"{self.kind.value} {self.name}"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, from any source."""

    at: datetime
    source: EventSource
    severity: EventSeverity
    reason: str
    message: str
    subject: EventObject
    counterpart: EventObject | None = None
    """The other side where there is one: the workload that preempted `subject`."""
    id: str = ""
    """The source's id of the event when it has one (Run:ai, Kubernetes uid, WEKA guid)."""

    @property
    def is_preemption(self) -> bool:
        return self.reason in PREEMPTION_REASONS

    def is_about(self, kind: EventObjectKind, name: str, *, object_id: str = "") -> bool:
        """Is `subject` or `counterpart` this object (by id when both sides know one)?"""
        return any(
            side is not None
            and side.kind is kind
            and ((object_id and side.id == object_id) or (not (object_id and side.id) and side.name == name))
            for side in (self.subject, self.counterpart)
        )

    def touches_project(self, project: str) -> bool:
        return project in (self.subject.project, self.counterpart.project if self.counterpart else None)

    def touches_node(self, node: str) -> bool:
        return self.subject.node == node or (
            self.subject.kind is EventObjectKind.NODE and self.subject.name == node
        )


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a query asks for; every field narrows (None: any). A detail view asks for its object's."""

    workload_id: str | None = None
    workload_name: str | None = None
    """With `project`, the workload as the other side of a preemption names it (by name, not id)."""
    project: str | None = None
    node: str | None = None
    filesystem: str | None = None
    limit: int = DEFAULT_EVENT_LIMIT

    def matches(self, event: Event) -> bool:
        if self.workload_id is not None or self.workload_name is not None:
            if not self._matches_workload(event):
                return False
        elif self.project is not None and not event.touches_project(self.project):
            return False
        if self.node is not None and not event.touches_node(self.node):
            return False
        return self.filesystem is None or event.is_about(EventObjectKind.FILESYSTEM, self.filesystem)

    def _matches_workload(self, event: Event) -> bool:
        for side in (event.subject, event.counterpart):
            if side is None or side.kind is not EventObjectKind.WORKLOAD:
                continue
            if self.workload_id and side.id == self.workload_id:
                return True
            if self.workload_name and side.name == self.workload_name and side.project == self.project:
                return True
        return False


def newest_first(events: list[Event], limit: int = DEFAULT_EVENT_LIMIT) -> list[Event]:
    """`events` merged newest first, at most `limit`. Same-time events of different objects sort by object
    (so the merge does not depend on which source or workload answered first); of one object they keep
    the order they came in (the sort is stable)."""
    events.sort(
        key=lambda event: (event.at, event.subject.kind, event.subject.project or "", event.subject.name),
        reverse=True,
    )
    return events[: max(0, limit)]


def event_key(event: Event) -> str:
    """A row key that stays the same across polls: the source's id, else a digest of what the event says."""
    if event.id:
        return f"{event.source.value}:{event.id}"
    digest = hashlib.blake2b(
        "\x1f".join(
            (event.at.isoformat(), event.reason, event.message, event.subject.kind, event.subject.name)
        ).encode(),
        digest_size=8,
    ).hexdigest()
    return f"{event.source.value}:{digest}"


# -- Run:ai workload events ----------------------------------------------------------------------------

PREEMPTION_REASONS = frozenset({"Preempted", "Preempting"})

_RECLAIMED_BY = re.compile(r"reclaim GPUs for project (?P<project>\S+) \(workload (?P<workload>[^)\s]+)\)")
_PREEMPTED_BY_SAME_PROJECT = re.compile(
    r"Preempted by higher-priority workload (?P<workload>\S+) of the same project"
)


def preemption_counterpart(reason: str, message: str, victim_project: str) -> EventObject | None:
    """The workload that took the GPUs, as a preemption event's message names it; None if it names none.

    UNSURE(runai-preemption-message): Run:ai's scheduler words its preemption events itself and the
    reference does not quote them; these are the two forms the simulator writes ("Preempted to reclaim
    GPUs for project P (workload W) ...", "Preempted by higher-priority workload W of the same project").
    A message in another form still shows, on the victim's side only.
    """
    if reason not in PREEMPTION_REASONS:
        return None
    if found := _RECLAIMED_BY.search(message):
        return EventObject(EventObjectKind.WORKLOAD, found["workload"], project=found["project"])
    if found := _PREEMPTED_BY_SAME_PROJECT.search(message):
        return EventObject(EventObjectKind.WORKLOAD, found["workload"], project=victim_project)
    return None


_ASSIGNED_TO = re.compile(r"^Successfully assigned \S+ to (?P<node>\S+)$")
_DRAINED_NODE = re.compile(r"^Node (?P<node>\S+) is being drained")


def node_named_in(reason: str, message: str) -> str | None:
    """The node a Scheduled event ("Successfully assigned ns/pod to node-3", Kubernetes' wording) or a
    drain eviction names: where it happened, even after the workload left that node."""
    pattern = {"Scheduled": _ASSIGNED_TO, "Evicted": _DRAINED_NODE}.get(reason)
    found = pattern.search(message) if pattern is not None else None
    return found["node"] if found else None


_KUBERNETES_SOURCES = frozenset(
    {
        "default-scheduler",
        "node-controller",
        "job-controller",
        "replicaset-controller",
        "deployment-controller",
    }
)
"""Kubernetes' own components (besides `kube*`, the kubelet among them); every other source is Run:ai's
(`runai-scheduler`, `workload-controller`, ...)."""


def workload_event(
    event: WorkloadEvent, *, workload_id: str, workload_name: str, project: str, node: str | None
) -> Event:
    """A Run:ai workload event (`/workloads/{id}/events`) in the one model: about the workload, on the node
    its message names, else on `node` (where the workload runs now)."""
    origin = event.source.lower()
    kubernetes = origin.startswith("kube") or origin in _KUBERNETES_SOURCES
    source = EventSource.KUBERNETES if kubernetes else EventSource.RUNAI
    return Event(
        at=event.created_at,
        source=source,
        severity=EventSeverity.WARNING if event.type == "Warning" else EventSeverity.NORMAL,
        reason=event.reason,
        message=event.message,
        subject=EventObject(
            EventObjectKind.WORKLOAD,
            workload_name,
            project=project,
            node=node_named_in(event.reason, event.message) or node,
            id=workload_id,
        ),
        counterpart=preemption_counterpart(event.reason, event.message, project),
    )


def node_event(*, at: datetime, node: str, reason: str, message: str, warning: bool = False) -> Event:
    """A Kubernetes event about a node (NodeNotReady, NodeNotSchedulable, ...)."""
    return Event(
        at=at,
        source=EventSource.KUBERNETES,
        severity=EventSeverity.WARNING if warning else EventSeverity.NORMAL,
        reason=reason,
        message=message,
        # A node's uid is its name, as kubelets register it (console/sim/http/kube_records.py serves it so).
        subject=EventObject(EventObjectKind.NODE, node, node=node, id=node),
    )


# -- WEKA events -----------------------------------------------------------------------------------------

_WEKA_SEVERITY = {
    "DEBUG": EventSeverity.NORMAL,
    "INFO": EventSeverity.NORMAL,
    "WARNING": EventSeverity.WARNING,
    "MINOR": EventSeverity.WARNING,
    "MAJOR": EventSeverity.CRITICAL,
    "CRITICAL": EventSeverity.CRITICAL,
}
_FILESYSTEM_CATEGORIES = frozenset({"Filesystem", "ObjectStorage"})


def weka_event(
    *,
    at: datetime,
    type_: str,
    category: str,
    severity: str,
    description: str,
    entity: str,
    cluster_name: str = "WEKA",
    event_id: str = "",
) -> Event:
    """A WEKA event (`GET /events`, reference §8) in the one model. The filesystem events (categories
    Filesystem and ObjectStorage) carry the filesystem's name as `entity`; the rest are about the cluster.
    An unknown severity reads as Warning: shown, not hidden among the Normal ones."""
    if entity and category in _FILESYSTEM_CATEGORIES:
        subject = EventObject(EventObjectKind.FILESYSTEM, entity)
    else:
        subject = EventObject(EventObjectKind.CLUSTER, entity or cluster_name)
    return Event(
        at=at,
        source=EventSource.WEKA,
        severity=_WEKA_SEVERITY.get(severity.upper(), EventSeverity.WARNING),
        reason=type_,
        message=description,
        subject=subject,
        id=event_id,
    )


ALERT_REASON = "AlertActive"
"""The reason of an active WEKA alert in the event list (alerts are states: WEKA's `GET /alerts`)."""

_ALERT_SEVERITY = {
    AlertSeverity.CRITICAL: EventSeverity.CRITICAL,
    AlertSeverity.MAJOR: EventSeverity.CRITICAL,
    AlertSeverity.MINOR: EventSeverity.WARNING,
    AlertSeverity.WARNING: EventSeverity.WARNING,
    AlertSeverity.INFO: EventSeverity.NORMAL,
}


def alert_event(alert: Alert, cluster_name: str = "WEKA") -> Event:
    """An active WEKA alert in the event list, at the time it was first seen (WEKA's `/alerts` carries no
    time: `Alert.raised_at` is when rwc first saw it), with its corrective action and whether it is muted,
    so the list answers "what is wrong now" next to "what happened"."""
    muted = " (muted)" if alert.muted else ""
    action = f" Action: {alert.action}" if alert.action else ""
    return Event(
        at=alert.raised_at,
        source=EventSource.WEKA,
        severity=_ALERT_SEVERITY.get(alert.severity, EventSeverity.WARNING),
        reason=ALERT_REASON,
        message=f"{alert.title}{muted}: {alert.description}{action}",
        subject=EventObject(EventObjectKind.CLUSTER, cluster_name),
        id=f"alert:{alert.type}:{alert.title}",
    )
