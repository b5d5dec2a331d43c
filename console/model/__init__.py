"""Domain model: frozen dataclasses shared by every backend and every screen.

No I/O and no UI here, so the simulator, the live clients and the screens agree on one vocabulary.

Names are resolved on first use (PEP 562): `from console.model import WorkloadPhase` loads only the
enums, and the dataclass modules load when a dataclass is first asked for. rwc's first frame needs
enums only, and creating the dataclasses costs ~25 ms (see `console.model.enums`). Modules on the
start-up path import dataclass names under `TYPE_CHECKING`; `tests/unit/test_import_hygiene.py`
checks that the first frame does not pull them in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.model.enums import (
        TERMINAL_PHASES,
        AlertSeverity,
        BucketMode,
        GpuRequestKind,
        NodeRole,
        NodeStatus,
        PhaseReason,
        ProjectPhase,
        Role,
        StowStatus,
        UploadSite,
        WekaClusterStatus,
        WorkloadPhase,
        WorkloadType,
    )
    from console.model.identity import (
        Identity,
    )
    from console.model.runai import (
        DRAIN_TAINT,
        ClusterInfo,
        Department,
        GpuAllocation,
        GpuDevice,
        GpuRequest,
        Node,
        NodeCondition,
        NodePod,
        NodePool,
        Pod,
        PoolQuota,
        Project,
        Taint,
        Workload,
        WorkloadEvent,
        WorkloadFilter,
        WorkloadSpec,
        WorkloadUtilisation,
    )
    from console.model.weka import (
        Alert,
        AttachedBucket,
        Filesystem,
        FilesystemFromSnapshotSpec,
        FilesystemGroup,
        FilesystemSpec,
        ObjectStoreBucket,
        Snapshot,
        SnapshotSpec,
        SnapshotUpload,
        WekaCluster,
        WekaMetricsSample,
    )
    from console.model.windows import WorkloadPage, WorkloadWindow

_MODULE_OF: dict[str, str] = {
    "Alert": "console.model.weka",
    "AlertSeverity": "console.model.enums",
    "AttachedBucket": "console.model.weka",
    "BucketMode": "console.model.enums",
    "ClusterInfo": "console.model.runai",
    "DRAIN_TAINT": "console.model.runai",
    "Department": "console.model.runai",
    "Filesystem": "console.model.weka",
    "FilesystemFromSnapshotSpec": "console.model.weka",
    "FilesystemGroup": "console.model.weka",
    "FilesystemSpec": "console.model.weka",
    "GpuAllocation": "console.model.runai",
    "GpuDevice": "console.model.runai",
    "GpuRequest": "console.model.runai",
    "WorkloadUtilisation": "console.model.runai",
    "GpuRequestKind": "console.model.enums",
    "Identity": "console.model.identity",
    "Node": "console.model.runai",
    "NodeCondition": "console.model.runai",
    "NodePod": "console.model.runai",
    "NodePool": "console.model.runai",
    "NodeRole": "console.model.enums",
    "NodeStatus": "console.model.enums",
    "ObjectStoreBucket": "console.model.weka",
    "PhaseReason": "console.model.enums",
    "Pod": "console.model.runai",
    "PoolQuota": "console.model.runai",
    "Project": "console.model.runai",
    "ProjectPhase": "console.model.enums",
    "Role": "console.model.enums",
    "Snapshot": "console.model.weka",
    "SnapshotSpec": "console.model.weka",
    "SnapshotUpload": "console.model.weka",
    "StowStatus": "console.model.enums",
    "UploadSite": "console.model.enums",
    "TERMINAL_PHASES": "console.model.enums",
    "Taint": "console.model.runai",
    "WekaCluster": "console.model.weka",
    "WekaClusterStatus": "console.model.enums",
    "WekaMetricsSample": "console.model.weka",
    "Workload": "console.model.runai",
    "WorkloadEvent": "console.model.runai",
    "WorkloadFilter": "console.model.runai",
    "WorkloadPage": "console.model.windows",
    "WorkloadWindow": "console.model.windows",
    "WorkloadPhase": "console.model.enums",
    "WorkloadSpec": "console.model.runai",
    "WorkloadType": "console.model.enums",
}

__all__ = [
    "DRAIN_TAINT",
    "TERMINAL_PHASES",
    "Alert",
    "AlertSeverity",
    "AttachedBucket",
    "BucketMode",
    "ClusterInfo",
    "Department",
    "Filesystem",
    "FilesystemFromSnapshotSpec",
    "FilesystemGroup",
    "FilesystemSpec",
    "GpuAllocation",
    "GpuDevice",
    "GpuRequest",
    "GpuRequestKind",
    "WorkloadUtilisation",
    "Identity",
    "Node",
    "NodeCondition",
    "NodePod",
    "NodePool",
    "NodeRole",
    "NodeStatus",
    "ObjectStoreBucket",
    "PhaseReason",
    "Pod",
    "PoolQuota",
    "Project",
    "ProjectPhase",
    "Role",
    "Snapshot",
    "SnapshotSpec",
    "SnapshotUpload",
    "StowStatus",
    "UploadSite",
    "Taint",
    "WekaCluster",
    "WekaClusterStatus",
    "WekaMetricsSample",
    "Workload",
    "WorkloadEvent",
    "WorkloadFilter",
    "WorkloadPage",
    "WorkloadPhase",
    "WorkloadSpec",
    "WorkloadType",
    "WorkloadWindow",
]


def __getattr__(name: str) -> Any:
    try:
        module_name = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
