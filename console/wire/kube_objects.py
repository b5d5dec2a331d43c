"""Encoders for the Kubernetes objects the simulator's face writes: pure functions from plain frozen records.

Why here and not in the face: `console/wire` is the one place each wire format is written (issue 12). The face
reads the simulator, fills these records and calls these functions; `console/wire/kube.py`'s decoders read the
same shapes back (tests/unit/wire/test_kube_roundtrip.py holds the two together). The records are defined
here, not taken from the simulator, because `console.wire` may import only `console.model` and its own
modules (the import-linter contracts in pyproject.toml).

Shapes: core/v1 `Node`, `Pod`, `Namespace`, `Event`, events.k8s.io/v1 `Event`, meta/v1 `Status` and
`WatchEvent`, authorization.k8s.io/v1 `SelfSubjectAccessReview` (field names from the API reference,
kubernetes.io/docs/reference/kubernetes-api/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.model.runai import NodeCondition, Taint
from console.wire import common
from console.wire.kube_storage import PodVolume, pod_volumes_json

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


def bookmark(
    kind: str, api_version: str, resource_version: str, *, initial_events_end: bool = False
) -> dict[str, Any]:
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


# ==============================================================================================
# Quantities
# ==============================================================================================
GIB = 1024**3


def cpu_quantity(millicores: int) -> str:
    """`4` for whole cores, `1500m` otherwise (the API's canonical form)."""
    return str(millicores // 1000) if millicores % 1000 == 0 else f"{millicores}m"


def node_memory_quantity(size: int) -> str:
    """Node capacity as the kubelet reports it: in Ki when whole."""
    return f"{size // 1024}Ki" if size % 1024 == 0 else str(size)


def pod_memory_quantity(size: int) -> str:
    """A pod request as people write them: the largest binary unit that divides it."""
    for suffix, unit in (("Gi", GIB), ("Mi", 1024**2), ("Ki", 1024)):
        if size and size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


# ==============================================================================================
# Node
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class NodeRecord:
    """One node as the face serves it: identity, labels, resources, scheduling state, conditions."""

    name: str
    uid: str
    resource_version: str
    created_at: datetime
    labels: Mapping[str, str]
    cpu_millicores: int
    memory_bytes: int
    gpu_count: int
    unschedulable: bool
    taints: tuple[Taint, ...]
    taints_since: datetime | None
    """`timeAdded` of NoExecute taints."""
    conditions: tuple[NodeCondition, ...]
    """Each with `since` = its lastTransitionTime."""
    heartbeat_at: datetime | None
    internal_ip: str
    pod_cidr: str
    machine_id: str
    system_uuid: str
    boot_id: str
    kubelet_version: str


def encode_taint(taint: Taint, since: datetime | None) -> dict[str, Any]:
    body: dict[str, Any] = {"key": taint.key}
    if taint.value:
        body["value"] = taint.value
    body["effect"] = taint.effect
    if taint.effect == "NoExecute" and since is not None:
        body["timeAdded"] = time_text(since)
    return body


def encode_node(record: NodeRecord) -> dict[str, Any]:
    """core/v1 Node: capacity equals allocatable (what pods use is not on the node; clients sum pods)."""
    capacity = {
        "cpu": cpu_quantity(record.cpu_millicores),
        "memory": node_memory_quantity(record.memory_bytes),
        "pods": "110",
        "ephemeral-storage": "1870244168Ki",
    }
    if record.gpu_count:
        capacity["nvidia.com/gpu"] = str(record.gpu_count)
    spec: dict[str, Any] = {"podCIDR": record.pod_cidr}
    if record.unschedulable:
        spec["unschedulable"] = True
    if record.taints:
        spec["taints"] = [encode_taint(taint, record.taints_since) for taint in record.taints]
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {
            "name": record.name,
            "uid": record.uid,
            "resourceVersion": record.resource_version,
            "creationTimestamp": time_text(record.created_at),
            "labels": dict(record.labels),
            "annotations": {"volumes.kubernetes.io/controller-managed-attach-detach": "true"},
        },
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "conditions": [
                {
                    "type": condition.type,
                    "status": condition.status,
                    "reason": condition.reason,
                    "message": condition.message,
                    "lastHeartbeatTime": time_text(record.heartbeat_at),
                    "lastTransitionTime": time_text(condition.since),
                }
                for condition in record.conditions
            ],
            "addresses": [
                {"type": "InternalIP", "address": record.internal_ip},
                {"type": "Hostname", "address": record.name},
            ],
            "nodeInfo": {
                "machineID": record.machine_id,
                "systemUUID": record.system_uuid,
                "bootID": record.boot_id,
                "kernelVersion": "5.15.0-119-generic",
                "osImage": "Ubuntu 22.04.4 LTS",
                "containerRuntimeVersion": "containerd://1.7.12",
                "kubeletVersion": record.kubelet_version,
                "kubeProxyVersion": record.kubelet_version,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }


# ==============================================================================================
# Pod
# ==============================================================================================
@dataclass(frozen=True, slots=True)
class PodRecord:
    """One pod of a Run:ai workload as the face serves it (one container, named after the workload)."""

    name: str
    namespace: str
    uid: str
    resource_version: str
    created_at: datetime
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    owner: ObjectRef
    """The Run:ai workload object that controls the pod."""
    phase: str
    """The phase on the wire (Pending, Running, Succeeded, Failed)."""
    phase_since: datetime
    crashed: bool
    """The container crashed and restarts in place (phase stays Running, the container waits)."""
    container: str
    image: str
    image_id: str
    command: str | None
    requests: Mapping[str, str]
    limits: Mapping[str, str]
    priority_class: str
    restart_policy: str
    node_name: str | None = None
    host_ip: str | None = None
    pod_ip: str | None = None
    deleting_since: datetime | None = None
    pending_message: str = ""
    volumes: Sequence[PodVolume] = ()
    """The claims its container mounts (console.wire.kube_storage)."""


def _pod_conditions(record: PodRecord) -> list[dict[str, Any]]:
    at = time_text(record.phase_since)
    if record.node_name is None and record.phase == "Pending":
        return [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": record.pending_message or "waiting for the Run:ai scheduler",
                "lastTransitionTime": at,
            }
        ]
    ready = "True" if record.phase == "Running" and not record.crashed else "False"
    return [
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": at},
        {"type": "Initialized", "status": "True", "lastTransitionTime": at},
        {"type": "ContainersReady", "status": ready, "lastTransitionTime": at},
        {"type": "Ready", "status": ready, "lastTransitionTime": at},
    ]


def _container_status(record: PodRecord) -> dict[str, Any]:
    at = time_text(record.phase_since)
    state: dict[str, Any]
    if record.crashed:
        message = f"back-off 40s restarting failed container={record.container}"
        state = {"waiting": {"reason": "CrashLoopBackOff", "message": message}}
    elif record.phase == "Running":
        state = {"running": {"startedAt": at}}
    elif record.phase == "Succeeded":
        state = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": at, "finishedAt": at}}
    elif record.phase == "Failed":
        state = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at, "finishedAt": at}}
    else:
        state = {"waiting": {"reason": "ContainerCreating"}}
    running = record.phase == "Running" and not record.crashed
    return {
        "name": record.container,
        "image": record.image,
        "imageID": record.image_id,
        "ready": running,
        "restartCount": 1 if record.crashed else 0,
        "started": running,
        "state": state,
    }


def encode_pod(record: PodRecord) -> dict[str, Any]:
    """core/v1 Pod with the Run:ai labels and annotations the record carries."""
    metadata: dict[str, Any] = {
        "name": record.name,
        "namespace": record.namespace,
        "uid": record.uid,
        "resourceVersion": record.resource_version,
        "creationTimestamp": time_text(record.created_at),
        "labels": dict(record.labels),
        "annotations": dict(record.annotations),
        "ownerReferences": [
            {
                "apiVersion": record.owner.api_version,
                "kind": record.owner.kind,
                "name": record.owner.name,
                "uid": record.owner.uid,
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    if record.deleting_since is not None:
        metadata["deletionTimestamp"] = time_text(record.deleting_since)
        metadata["deletionGracePeriodSeconds"] = 30
    resources: dict[str, dict[str, str]] = {"requests": dict(record.requests)}
    if record.limits:
        resources["limits"] = dict(record.limits)
    container: dict[str, Any] = {"name": record.container, "image": record.image, "resources": resources}
    if record.command:
        container["command"] = ["/bin/sh", "-c", record.command]
    spec: dict[str, Any] = {
        "schedulerName": "runai-scheduler",
        "priorityClassName": record.priority_class,
        "restartPolicy": record.restart_policy,
        "containers": [container],
    }
    if record.volumes:
        spec["volumes"], container["volumeMounts"] = pod_volumes_json(record.volumes)
    if record.node_name:
        spec["nodeName"] = record.node_name
    status: dict[str, Any] = {
        "phase": record.phase,
        "qosClass": "Burstable",
        "conditions": _pod_conditions(record),
        "containerStatuses": [_container_status(record)],
    }
    if record.host_ip is not None:
        status["hostIP"] = record.host_ip
    if record.pod_ip is not None:
        status["podIP"] = record.pod_ip
        status["startTime"] = time_text(record.created_at)
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": status}
