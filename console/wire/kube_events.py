"""Kubernetes events (`GET /api/v1/events`, `/api/v1/namespaces/{ns}/events`: a core/v1 `EventList`) in the
one event model (`console.model.events`): what the kubelet, the scheduler and the node controller said about a
pod or a node — "FailedScheduling", "BackOff", "NodeNotReady", "Evicted".

Kept apart from `console.wire.kube` (which another part of rwc owns) and free of the `kubernetes` package:
plain functions over `json.loads` output, so a live client reading the list raw (`_preload_content=False`)
and a test serving a real-shaped body decode alike. One unreadable event is left out and counted
(`readable_items`), never the list.

An event's time is the newest it carries: `series.lastObservedTime` (a repeating event), `lastTimestamp`,
`eventTime` (events.k8s.io/v1 writers), `firstTimestamp`, then `metadata.creationTimestamp`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from console.data.errors import BadResponse
from console.data.unreadable import readable_items
from console.model.events import Event, EventObject, EventObjectKind, EventSeverity, EventSource
from console.wire.common import parse_rfc3339

SERVICE = "kubernetes"

MAX_KUBE_EVENTS = 500
"""`limit` asked of the event list (one page): the newest screenful, bounded on a chatty cluster."""

RUNAI_NAMESPACE_PREFIX = "runai-"
"""UNSURE(runai-namespace): Run:ai creates a project's namespace as `runai-<project>` by default
(reference/runai.md); a cluster may name them otherwise, so callers that know the projects' namespaces
pass them (`project_of_namespace`) and this prefix is only the fallback."""

_KINDS = {"Pod": EventObjectKind.POD, "Node": EventObjectKind.NODE}

ProjectOf = Callable[[str], str | None]


def project_by_prefix(namespace: str) -> str | None:
    """`runai-sandbox` -> `sandbox`; any other namespace belongs to no project."""
    if namespace.startswith(RUNAI_NAMESPACE_PREFIX) and len(namespace) > len(RUNAI_NAMESPACE_PREFIX):
        return namespace[len(RUNAI_NAMESPACE_PREFIX) :]
    return None


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return value if isinstance(value, str) else ""


def _object(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise BadResponse(f"The Kubernetes event list's {where} is not an object.", service=SERVICE)
    return raw


def _time(raw: Mapping[str, Any], metadata: Mapping[str, Any], where: str) -> datetime:
    series = raw.get("series")
    if not isinstance(series, dict):
        series = {}
    for value in (
        series.get("lastObservedTime"),
        raw.get("lastTimestamp"),
        raw.get("eventTime"),
        raw.get("firstTimestamp"),
        metadata.get("creationTimestamp"),
    ):
        if value is None:
            continue
        at = parse_rfc3339(value)
        if at is not None:
            return at
    raise BadResponse(f"{where} has no time that can be read.", service=SERVICE)


def parse_kube_event(raw: Any, index: int, project_of: ProjectOf = project_by_prefix) -> Event:
    """One core/v1 `Event`: unreadable without a time, a `reason` and the object it is about."""
    where = f"events[{index}]"
    raw = _object(raw, where)
    metadata = _object(raw.get("metadata", {}), f"{where}.metadata")
    involved = _object(raw.get("involvedObject"), f"{where}.involvedObject")
    name = _text(involved, "name")
    reason = _text(raw, "reason")
    if not name or not reason:
        raise BadResponse(f"{where} lacks its reason or the name of what it is about.", service=SERVICE)
    kind = _KINDS.get(_text(involved, "kind"), EventObjectKind.CLUSTER)
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    host = _text(source, "host") or None
    node = name if kind is EventObjectKind.NODE else host
    namespace = _text(involved, "namespace")
    label = name if kind is not EventObjectKind.CLUSTER else f"{_text(involved, 'kind') or 'object'} {name}"
    return Event(
        at=_time(raw, metadata, where),
        source=EventSource.KUBERNETES,
        severity=EventSeverity.WARNING if _text(raw, "type") == "Warning" else EventSeverity.NORMAL,
        reason=reason,
        message=_text(raw, "message"),
        subject=EventObject(
            kind,
            label,
            project=project_of(namespace) if namespace else None,
            node=node,
            id=_text(involved, "uid"),
        ),
        id=_text(metadata, "uid"),
    )


def parse_kube_events(body: Any, project_of: ProjectOf = project_by_prefix) -> list[Event]:
    """The readable events of an `EventList` body, newest first."""
    body = _object(body, "answer")
    items = body.get("items")
    if not isinstance(items, list):
        raise BadResponse("The Kubernetes event list has no 'items' array.", service=SERVICE)
    events = readable_items(
        items, lambda raw, index: parse_kube_event(raw, index, project_of), "Kubernetes event"
    )
    events.sort(key=lambda event: event.at, reverse=True)
    return events
