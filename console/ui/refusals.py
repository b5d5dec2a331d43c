"""Why an action would be refused, known before asking: the user learns it from a dimmed key and one
sentence instead of filling a form or answering a question only to be told no.

Pure functions of what the screen already shows (the item under the cursor, the signed-in identity);
no Textual, no I/O. They mirror the APIs' rules (Run:ai: researchers act only on their own workloads
and never on projects or nodes; WEKA: only a cluster admin changes storage; suspend/resume by phase;
deletes beside an upload), but they are a courtesy, not the authority: the backend still refuses on
its own, in its own words, whatever gets past them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from console.model.enums import StowStatus, WorkloadPhase

if TYPE_CHECKING:
    from console.model import Filesystem, Identity, Snapshot, Workload

READ_ONLY_REASON = "rwc is in read-only mode"

SUSPENDABLE_PHASES = frozenset(
    {
        WorkloadPhase.CREATING,
        WorkloadPhase.PENDING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
        WorkloadPhase.DEGRADED,
        WorkloadPhase.RESUMING,
        WorkloadPhase.UPDATING,
    }
)
"""Phases Run:ai suspends; finished, stopping, stopped and deleting workloads it refuses."""


def admin_only(identity: Identity | None, doing: str) -> str | None:
    """Researchers may not change projects, nodes or storage (`doing`: "cordon nodes")."""
    if identity is None or identity.is_admin:
        return None
    return f"only an administrator can {doing}; you are signed in as a researcher ({identity.user})"


def workload_refusal(action: str, workload: Workload | None, identity: Identity | None) -> str | None:
    """Suspend, resume and delete: the owner rule first, then what the workload's phase allows."""
    if action == "checkpoint_workload" and workload is not None:
        if (reason := admin_only(identity, "take snapshots")) is not None:
            return reason
        if workload.phase not in SUSPENDABLE_PHASES:
            return f"{workload.name} is {workload.phase.value}: only a running workload is checkpointed"
        return None
    if workload is None or action not in {"suspend_workload", "resume_workload", "delete_workload"}:
        return None
    verb = action.removesuffix("_workload")
    if identity is not None and not identity.is_admin and workload.submitted_by != identity.user:
        return (
            f"{workload.name} was submitted by {workload.submitted_by}; researchers may {verb} only "
            "their own workloads"
        )
    phase = workload.phase
    if phase is WorkloadPhase.DELETING:
        return f"{workload.name} is being deleted"
    if action == "suspend_workload" and phase not in SUSPENDABLE_PHASES:
        if phase in {WorkloadPhase.STOPPED, WorkloadPhase.STOPPING}:
            return f"{workload.name} is already suspended ({phase.value})"
        return f"{workload.name} has {phase.value.lower()}; a finished workload cannot be suspended"
    if action == "resume_workload" and phase is not WorkloadPhase.STOPPED:
        if phase is WorkloadPhase.STOPPING:
            return f"{workload.name} is still stopping; resume it once it is Stopped"
        return f"{workload.name} is {phase.value}, not suspended; nothing to resume"
    return None


def filesystem_delete_refusal(filesystem: Filesystem | None) -> str | None:
    """rwc does not delete snapshots along with their filesystem (`console.sim.weka_rules`)."""
    if filesystem is None or not filesystem.snapshot_count:
        return None
    count = filesystem.snapshot_count
    return (
        f"{filesystem.name} still has {count} snapshot{'s' if count != 1 else ''}; delete them first "
        "(on Snapshots, 6)"
    )


def is_uploading(snapshot: Snapshot) -> bool:
    """Uploading to any site (the flat `stowStatus`, or one of the per-site blocks)."""
    return snapshot.stow_status is StowStatus.UPLOADING or any(
        upload.status is StowStatus.UPLOADING for upload in snapshot.uploads
    )


def snapshot_delete_refusal(snapshot: Snapshot | None, same_filesystem: Iterable[Snapshot]) -> str | None:
    """WEKA runs no deletion beside an upload of the same filesystem (the uploading one included)."""
    if snapshot is None:
        return None
    uploading = next((other for other in same_filesystem if is_uploading(other)), None)
    if is_uploading(snapshot):
        return f"{snapshot.name} is uploading; delete it once the upload has finished"
    if uploading is not None:
        return (
            f"snapshot {uploading.name} of {snapshot.filesystem_name} is uploading, and deletions cannot "
            "run beside an upload in the same filesystem"
        )
    return None
