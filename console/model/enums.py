"""The model's enums and constants, apart from its dataclasses.

Screens, the CLI and the config need these while rwc paints its first frame; the dataclasses
(`runai`, `weka`, `identity`) cost ~25 ms to create and are needed only once data arrives, so they
live in modules of their own that `console.model` imports on first use. Values are the real APIs'
strings (reference/runai.md §3-5, reference/weka.md §5-13).
"""

from __future__ import annotations

from enum import StrEnum

# -- who is using the console --------------------------------------------------------------------


class Role(StrEnum):
    """The two roles rwc distinguishes; Run:ai has finer ones, these are what the console acts on."""

    ADMIN = "admin"
    RESEARCHER = "researcher"


# -- Run:ai and Kubernetes -------------------------------------------------------------------------

UNLIMITED = -1.0
"""Quota `limit` meaning "no cap" (the API's -1)."""


class WorkloadPhase(StrEnum):
    """The `Phase` enum of `/api/v1/workloads` (identical in the 2.18 and latest specs)."""

    CREATING = "Creating"
    INITIALIZING = "Initializing"
    RESUMING = "Resuming"
    PENDING = "Pending"
    DELETING = "Deleting"
    RUNNING = "Running"
    UPDATING = "Updating"
    STOPPED = "Stopped"
    STOPPING = "Stopping"
    DEGRADED = "Degraded"
    FAILED = "Failed"
    COMPLETED = "Completed"
    TERMINATING = "Terminating"
    UNKNOWN = "Unknown"


TERMINAL_PHASES = frozenset({WorkloadPhase.COMPLETED, WorkloadPhase.FAILED})
"""Phases a workload never leaves (except by deletion)."""
PLACED_PHASES = frozenset(
    {WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED, WorkloadPhase.STOPPING}
)
"""Phases whose pods sit on nodes (a list's NODE column)."""


class PhaseReason(StrEnum):
    """`phaseReason` values the API documents for a pending workload."""

    NON_PREEMPTIBLE_OVER_QUOTA = "NonPreemptibleOverQuota"
    OVER_LIMIT = "OverLimit"


class WorkloadType(StrEnum):
    """Native Run:ai workload types (`WorkloadType` in the templates API)."""

    TRAINING = "Training"
    WORKSPACE = "Workspace"
    DISTRIBUTED = "Distributed"
    INFERENCE = "Inference"


class ProjectPhase(StrEnum):
    """`ProjectPhase` enum of the org-unit API."""

    CREATING = "Creating"
    UPDATING = "Updating"
    DELETING = "Deleting"
    DELETED = "Deleted"
    INITIALIZING = "Initializing"
    READY = "Ready"
    NOT_READY = "NotReady"
    UNKNOWN = "Unknown"


class NodeStatus(StrEnum):
    """Computed node `status` of `/api/v1/nodes`."""

    READY = "Ready"
    NOT_READY = "NotReady"
    UNKNOWN = "Unknown"


class NodeRole(StrEnum):
    """What a node is for; Run:ai labels nodes as GPU workers, CPU workers or system nodes."""

    GPU_WORKER = "gpu-worker"
    CPU_WORKER = "cpu-worker"
    SYSTEM = "system"


class GpuRequestKind(StrEnum):
    """How a workload asks for GPUs: whole devices, a portion of one (`portion`) or GPU memory."""

    DEVICES = "devices"
    PORTION = "portion"
    MEMORY = "memory"


# -- WEKA -------------------------------------------------------------------------------------------


class WekaClusterStatus(StrEnum):
    """Protection state of `GET /cluster` `status`."""

    OK = "OK"
    REBUILDING = "REBUILDING"
    REDISTRIBUTING = "REDISTRIBUTING"
    PARTIALLY_PROTECTED = "PARTIALLY_PROTECTED"
    UNPROTECTED = "UNPROTECTED"
    UNAVAILABLE = "UNAVAILABLE"
    UNINITIALIZED = "UNINITIALIZED"
    UNKNOWN = "UNKNOWN"


class StowStatus(StrEnum):
    """Snapshot upload state (`stowStatus`): NONE -> UPLOADING -> SYNCHRONIZED."""

    NONE = "NONE"
    UPLOADING = "UPLOADING"
    SYNCHRONIZED = "SYNCHRONIZED"


class UploadSite(StrEnum):
    """Where a snapshot upload goes (`obs_site`, reference/weka.md §12.2): LOCAL is the filesystem's
    WRITABLE (tiering) bucket, REMOTE its snapshots-only one. The values are the API's, so a member is sent,
    stored and compared as the string it always was."""

    LOCAL = "LOCAL"
    REMOTE = "REMOTE"

    @property
    def word(self) -> str:
        """How the screens and toasts name it (WEKA's CLI words): "local", "remote"."""
        return self.value.lower()


class BucketMode(StrEnum):
    """How a bucket is attached to a filesystem: WRITABLE tiers data, REMOTE only keeps snapshots."""

    WRITABLE = "WRITABLE"
    REMOTE = "REMOTE"


class AlertSeverity(StrEnum):
    """Severity vocabulary of the WEKA UI, most severe first."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INFO = "info"
