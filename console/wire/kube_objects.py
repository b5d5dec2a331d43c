"""Encoders for the Kubernetes objects the simulator's face writes: pure functions from plain frozen records.

Why here and not in the face: `console/wire` is the one place each wire format is written (issue 12). The face
reads the simulator, fills these records and calls these functions; `console/wire/kube.py`'s decoders read the
same shapes back (tests/unit/wire/test_kube_roundtrip.py holds the two together). The records are defined
here, not taken from the simulator, because `console.wire` may import only `console.model` and its own
modules (the import-linter contracts in pyproject.toml).

Shapes: core/v1 `Namespace`, `Event`, events.k8s.io/v1 `Event`, meta/v1 `Status` and `WatchEvent`,
authorization.k8s.io/v1 `SelfSubjectAccessReview` (field names from the API reference,
kubernetes.io/docs/reference/kubernetes-api/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.wire import common

STATUS_REASONS: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}
"""`Status.reason` by code (apimachinery `StatusReason` constants, reference/kubernetes.md §13)."""


def time_text(at: datetime | None) -> str | None:
    """metav1.Time: RFC 3339 at whole seconds."""
    return None if at is None else common.format_rfc3339_seconds(at)


# ==============================================================================================
# Status
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class Cause:
    """One `details.causes` entry: what was wrong (`message`), where (`field`), and the kind (`reason`)."""

    message: str
    field: str = ""
    reason: str = ""


def status(
    code: int,
    message: str,
    *,
    reason: str | None = None,
    name: str = "",
    kind: str = "",
    group: str | None = None,
    causes: Sequence[Cause] = (),
) -> dict[str, Any]:
    """A meta/v1 `Status`: Failure for codes >= 400, Success otherwise. Every cause carries its message,
    which is what kubectl prints for a refused change (`error: ... : <message>`)."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success" if code < 400 else "Failure",
        "code": code,
    }
    if code >= 400:
        body["message"] = message
        body["reason"] = reason or STATUS_REASONS.get(code, "InternalError" if code >= 500 else "Unknown")
    elif message:
        body["message"] = message
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group is not None:
        details["group"] = group
    if kind:
        details["kind"] = kind
    if causes:
        details["causes"] = [
            {
                key: value
                for key, value in (("reason", c.reason), ("message", c.message), ("field", c.field))
                if value
            }
            for c in causes
        ]
    if details:
        body["details"] = details
    return body


# ==============================================================================================
# Namespace
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class NamespaceRecord:
    """A namespace: Run:ai makes one per project, `runai-<project>`, labelled with the project's name."""

    name: str
    uid: str
    created_at: datetime
    resource_version: str
    labels: Mapping[str, str] = field(default_factory=dict)


def encode_namespace(record: NamespaceRecord) -> dict[str, Any]:
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {
            "name": record.name,
            "uid": record.uid,
            "resourceVersion": record.resource_version,
            "creationTimestamp": time_text(record.created_at),
            "labels": {"kubernetes.io/metadata.name": record.name, **record.labels},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


# ==============================================================================================
# Event
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class ObjectRef:
    """What an event is about (`involvedObject` in core/v1, `regarding` in events.k8s.io/v1)."""

    kind: str
    name: str
    namespace: str
    uid: str
    api_version: str = "v1"


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event, read from the simulator's workload history."""

    name: str
    namespace: str
    uid: str
    resource_version: str
    regarding: ObjectRef
    type: str
    reason: str
    message: str
    component: str
    at: datetime
    host: str = ""


def _ref(ref: ObjectRef) -> dict[str, Any]:
    body = {"kind": ref.kind, "name": ref.name, "uid": ref.uid, "apiVersion": ref.api_version}
    if ref.namespace:
        body["namespace"] = ref.namespace
    return body


def _event_metadata(record: EventRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "namespace": record.namespace,
        "uid": record.uid,
        "resourceVersion": record.resource_version,
        "creationTimestamp": time_text(record.at),
    }


def encode_core_event(record: EventRecord) -> dict[str, Any]:
    """core/v1 Event (what `kubectl get events` and `kubectl describe` read)."""
    source: dict[str, str] = {"component": record.component}
    if record.host:
        source["host"] = record.host
    return {
        "kind": "Event",
        "apiVersion": "v1",
        "metadata": _event_metadata(record),
        "involvedObject": _ref(record.regarding),
        "reason": record.reason,
        "message": record.message,
        "source": source,
        "firstTimestamp": time_text(record.at),
        "lastTimestamp": time_text(record.at),
        "count": 1,
        "type": record.type,
        "eventTime": None,
        "reportingComponent": record.component,
        "reportingInstance": record.host,
    }


def encode_events_v1_event(record: EventRecord) -> dict[str, Any]:
    """events.k8s.io/v1 Event: the same event under the newer names (`regarding`, `note`, `eventTime`)."""
    return {
        "kind": "Event",
        "apiVersion": "events.k8s.io/v1",
        "metadata": _event_metadata(record),
        "eventTime": common.format_rfc3339(record.at).replace("Z", "000Z"),
        "reportingController": record.component,
        "reportingInstance": record.host or record.component,
        "action": record.reason,
        "reason": record.reason,
        "regarding": _ref(record.regarding),
        "note": record.message,
        "type": record.type,
        "deprecatedSource": {"component": record.component, **({"host": record.host} if record.host else {})},
        "deprecatedFirstTimestamp": time_text(record.at),
        "deprecatedLastTimestamp": time_text(record.at),
        "deprecatedCount": 1,
    }


# ==============================================================================================
# Watch and lists
# ==============================================================================================
def list_body(
    kind: str, api_version: str, items: Sequence[Any], metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """`<Kind>List`: kind, apiVersion, list metadata (resourceVersion, continue), items."""
    return {"kind": kind, "apiVersion": api_version, "metadata": dict(metadata), "items": list(items)}


def watch_event(event_type: str, obj: Mapping[str, Any]) -> dict[str, Any]:
    """A meta/v1 WatchEvent (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR`)."""
    return {"type": event_type, "object": dict(obj)}


def bookmark(kind: str, api_version: str, resource_version: str, *, initial_events_end: bool = False) -> dict:
    """A BOOKMARK event: only the kind and the resourceVersion the watch has reached (and, after the initial
    events of a `sendInitialEvents` watch, the `k8s.io/initial-events-end` annotation)."""
    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if initial_events_end:
        metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
    return watch_event("BOOKMARK", {"kind": kind, "apiVersion": api_version, "metadata": metadata})


# ==============================================================================================
# SelfSubjectAccessReview
# ==============================================================================================
def access_review(spec: Mapping[str, Any], allowed: bool, reason: str) -> dict[str, Any]:
    """The SelfSubjectAccessReview answer: the request's spec echoed, and the decision."""
    decision: dict[str, Any] = {"allowed": allowed}
    if reason:
        decision["reason"] = reason
    return {
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": dict(spec),
        "status": decision,
    }
