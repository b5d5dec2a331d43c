"""Server-side `Table` output (meta.k8s.io/v1) for nodes, pods, events and namespaces.

Why: kubectl asks for tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io, ..., application/json`)
and prints whatever columns the server sends; a plain list gets only NAME and AGE. The columns, their
priorities (1 = only with `-o wide`) and how each cell is computed follow the apiserver's printers,
kubernetes/kubernetes `pkg/printers/internalversion/printers.go` (`AddHandlers`: podColumnDefinitions,
nodeColumnDefinitions, eventColumnDefinitions, namespaceColumnDefinitions; `printPod`, `printNode`,
`printEvent`), and the AGE text follows apimachinery `pkg/util/duration.HumanDuration`.

The cells are computed from the encoded objects (the same dicts a JSON answer carries), so a table can never
say something the object does not. Each row carries the object's metadata (`PartialObjectMetadata`, the
default `includeObject=Metadata`), which kubectl needs for `-A` (the NAMESPACE column) and `--show-labels`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from console.wire import common

NONE = "<none>"
UNKNOWN = "<unknown>"

Column = tuple[str, str, int, str]
"""(name, type, priority, format)."""

NODE_COLUMNS: tuple[Column, ...] = (
    ("Name", "string", 0, "name"),
    ("Status", "string", 0, ""),
    ("Roles", "string", 0, ""),
    ("Age", "string", 0, ""),
    ("Version", "string", 0, ""),
    ("Internal-IP", "string", 1, ""),
    ("External-IP", "string", 1, ""),
    ("OS-Image", "string", 1, ""),
    ("Kernel-Version", "string", 1, ""),
    ("Container-Runtime", "string", 1, ""),
)
POD_COLUMNS: tuple[Column, ...] = (
    ("Name", "string", 0, "name"),
    ("Ready", "string", 0, ""),
    ("Status", "string", 0, ""),
    ("Restarts", "string", 0, ""),
    ("Age", "string", 0, ""),
    ("IP", "string", 1, ""),
    ("Node", "string", 1, ""),
    ("Nominated Node", "string", 1, ""),
    ("Readiness Gates", "string", 1, ""),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    ("Last Seen", "string", 0, ""),
    ("Type", "string", 0, ""),
    ("Reason", "string", 0, ""),
    ("Object", "string", 0, ""),
    ("Subobject", "string", 1, ""),
    ("Source", "string", 1, ""),
    ("Message", "string", 0, ""),
    ("First Seen", "string", 1, ""),
    ("Count", "string", 1, ""),
    ("Name", "string", 1, "name"),
)
NAMESPACE_COLUMNS: tuple[Column, ...] = (
    ("Name", "string", 0, "name"),
    ("Status", "string", 0, ""),
    ("Age", "string", 0, ""),
)


def human_duration(seconds: float) -> str:
    """apimachinery's `HumanDuration`: `45s`, `3m20s`, `2h5m`, `3d4h`, `400d`, `2y10d`."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    whole = int(seconds)
    if whole < 60 * 2:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        rest = whole % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 - 365 * (hours // 24 // 365)
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def _age(stamp: object, now: datetime) -> str:
    at = common.parse_rfc3339(stamp) if isinstance(stamp, str) else None
    return UNKNOWN if at is None else human_duration((now - at).total_seconds())


def _get(obj: Mapping[str, Any], *path: str) -> Any:
    value: Any = obj
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def node_cells(node: Mapping[str, Any], now: datetime) -> list[Any]:
    """printNode: STATUS is the Ready condition (+ `SchedulingDisabled` when cordoned), ROLES from the
    `node-role.kubernetes.io/<role>` labels."""
    conditions = _get(node, "status", "conditions") or []
    ready = next((c for c in conditions if isinstance(c, Mapping) and c.get("type") == "Ready"), None)
    status = [
        "Unknown"
        if ready is None or ready.get("status") == "Unknown"
        else ("Ready" if ready.get("status") == "True" else "NotReady")
    ]
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    labels = _get(node, "metadata", "labels") or {}
    roles = sorted(key.partition("/")[2] for key in labels if key.startswith("node-role.kubernetes.io/"))
    if labels.get("kubernetes.io/role"):
        roles.append(labels["kubernetes.io/role"])
    addresses = _get(node, "status", "addresses") or []

    def address(kind: str) -> str:
        return next((a["address"] for a in addresses if a.get("type") == kind), NONE)

    info = _get(node, "status", "nodeInfo") or {}
    return [
        _get(node, "metadata", "name"),
        ",".join(status),
        ",".join(roles) or NONE,
        _age(_get(node, "metadata", "creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        address("InternalIP"),
        address("ExternalIP"),
        info.get("osImage") or UNKNOWN,
        info.get("kernelVersion") or UNKNOWN,
        info.get("containerRuntimeVersion") or UNKNOWN,
    ]


def pod_cells(pod: Mapping[str, Any], now: datetime) -> list[Any]:
    """printPod: READY is ready/total containers; STATUS the phase, overridden by a waiting or terminated
    container's reason, and `Terminating` once deletion started."""
    statuses = _get(pod, "status", "containerStatuses") or []
    containers = _get(pod, "spec", "containers") or []
    reason = _get(pod, "status", "reason") or _get(pod, "status", "phase") or UNKNOWN
    restarts = 0
    ready = 0
    for status in statuses:
        restarts += int(status.get("restartCount") or 0)
        state = status.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            reason = state["terminated"]["reason"]
        elif state.get("running") and status.get("ready"):
            ready += 1
    if _get(pod, "metadata", "deletionTimestamp"):
        reason = "Terminating"
    return [
        _get(pod, "metadata", "name"),
        f"{ready}/{len(containers)}",
        reason,
        str(restarts),
        _age(_get(pod, "metadata", "creationTimestamp"), now),
        _get(pod, "status", "podIP") or NONE,
        _get(pod, "spec", "nodeName") or NONE,
        _get(pod, "status", "nominatedNodeName") or NONE,
        NONE,
    ]


def event_cells(event: Mapping[str, Any], now: datetime) -> list[Any]:
    """printEvent over a core/v1 Event: OBJECT is `<kind lowercased>/<name>`."""
    involved = event.get("involvedObject") or event.get("regarding") or {}
    source = event.get("source") or {}
    created = _get(event, "metadata", "creationTimestamp")
    last = event.get("lastTimestamp") or event.get("eventTime") or created
    first = event.get("firstTimestamp") or event.get("eventTime") or last
    return [
        _age(last, now),
        event.get("type", ""),
        event.get("reason", ""),
        f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
        involved.get("fieldPath", ""),
        ", ".join(part for part in (source.get("component"), source.get("host")) if part),
        (event.get("message") or event.get("note") or "").strip(),
        _age(first, now),
        str(event.get("count") or 1),
        _get(event, "metadata", "name"),
    ]


def namespace_cells(namespace: Mapping[str, Any], now: datetime) -> list[Any]:
    return [
        _get(namespace, "metadata", "name"),
        _get(namespace, "status", "phase") or "Active",
        _age(_get(namespace, "metadata", "creationTimestamp"), now),
    ]


# kubernetes/kubernetes pkg/printers/internalversion/printers.go: persistentVolume(Claim)ColumnDefinitions.
CLAIM_COLUMNS: tuple[Column, ...] = (
    ("Name", "string", 0, "name"),
    ("Status", "string", 0, ""),
    ("Volume", "string", 0, ""),
    ("Capacity", "string", 0, ""),
    ("Access Modes", "string", 0, ""),
    ("StorageClass", "string", 0, ""),
    ("VolumeAttributesClass", "string", 0, ""),
    ("Age", "string", 0, ""),
    ("VolumeMode", "string", 1, ""),
)
VOLUME_COLUMNS: tuple[Column, ...] = (
    ("Name", "string", 0, "name"),
    ("Capacity", "string", 0, ""),
    ("Access Modes", "string", 0, ""),
    ("Reclaim Policy", "string", 0, ""),
    ("Status", "string", 0, ""),
    ("Claim", "string", 0, ""),
    ("StorageClass", "string", 0, ""),
    ("VolumeAttributesClass", "string", 0, ""),
    ("Reason", "string", 0, ""),
    ("Age", "string", 0, ""),
    ("VolumeMode", "string", 1, ""),
)
_ACCESS_MODES = {
    "ReadWriteOnce": "RWO",
    "ReadOnlyMany": "ROX",
    "ReadWriteMany": "RWX",
    "ReadWriteOncePod": "RWOP",
}


def _access_modes(modes: Any) -> str:
    return ",".join(_ACCESS_MODES.get(mode, str(mode)) for mode in modes) if isinstance(modes, list) else ""


def claim_cells(claim: Mapping[str, Any], now: datetime) -> list[Any]:
    return [
        _get(claim, "metadata", "name"),
        _get(claim, "status", "phase") or "",
        _get(claim, "spec", "volumeName") or "",
        _get(claim, "status", "capacity", "storage") or "",
        _access_modes(_get(claim, "status", "accessModes")),
        _get(claim, "spec", "storageClassName") or "",
        "<unset>",
        _age(_get(claim, "metadata", "creationTimestamp"), now),
        _get(claim, "spec", "volumeMode") or "",
    ]


def volume_cells(volume: Mapping[str, Any], now: datetime) -> list[Any]:
    ref = _get(volume, "spec", "claimRef") or {}
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if isinstance(ref, Mapping) and ref else ""
    return [
        _get(volume, "metadata", "name"),
        _get(volume, "spec", "capacity", "storage") or "",
        _access_modes(_get(volume, "spec", "accessModes")),
        _get(volume, "spec", "persistentVolumeReclaimPolicy") or "",
        _get(volume, "status", "phase") or "",
        claim,
        _get(volume, "spec", "storageClassName") or "",
        "<unset>",
        "",
        _age(_get(volume, "metadata", "creationTimestamp"), now),
        _get(volume, "spec", "volumeMode") or "",
    ]


CELLS: dict[str, tuple[tuple[Column, ...], Callable[[Mapping[str, Any], datetime], list[Any]]]] = {
    "nodes": (NODE_COLUMNS, node_cells),
    "pods": (POD_COLUMNS, pod_cells),
    "events": (EVENT_COLUMNS, event_cells),
    "namespaces": (NAMESPACE_COLUMNS, namespace_cells),
    "persistentvolumeclaims": (CLAIM_COLUMNS, claim_cells),
    "persistentvolumes": (VOLUME_COLUMNS, volume_cells),
}
"""Resource -> its columns and its row function."""


def _row_object(obj: Mapping[str, Any], include: str) -> dict[str, Any] | None:
    if include == "None":
        return None
    if include == "Object":
        return dict(obj)
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": dict(obj.get("metadata") or {}),
    }


def table(
    resource: str,
    objects: Sequence[Mapping[str, Any]],
    now: datetime,
    *,
    list_metadata: Mapping[str, Any] | None = None,
    include_object: str = "Metadata",
) -> dict[str, Any]:
    """A `Table` of `objects` (all of kind `resource`), with `list_metadata` (resourceVersion, continue)."""
    columns, cells = CELLS[resource]
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": cells(obj, now)}
        embedded = _row_object(obj, include_object)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": dict(list_metadata or {}),
        "columnDefinitions": [
            {"name": name, "type": kind, "format": fmt, "description": "", "priority": priority}
            for name, kind, priority, fmt in columns
        ],
        "rows": rows,
    }


def wants_table(accept: str | None) -> bool:
    """Whether the client's Accept header asks for a meta.k8s.io/v1 Table (the first choice it offers that
    the simulator serves: it serves v1 Tables and JSON, not v1beta1 tables or protobuf)."""
    for choice in (accept or "").split(","):
        params = {
            key.strip(): value.strip()
            for key, _, value in (part.partition("=") for part in choice.split(";")[1:])
        }
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io" and params.get("v") == "v1":
            return True
        media = choice.split(";")[0].strip()
        if media in ("application/json", "*/*", "application/*") and "as" not in params:
            return False
    return False
