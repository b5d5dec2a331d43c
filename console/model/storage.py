"""Where a workload's data lives: each volume its pods mount, resolved to the WEKA filesystem, directory or
snapshot behind it.

No tool links a GPU job to its storage (cgroups do not account network-filesystem IO per container, the CSI
spec has no per-volume IO stats); the link exists only in names: the pod mounts a PersistentVolumeClaim,
the claim is bound to a PersistentVolume, and a WEKA volume's handle names the filesystem (csi-wekafs,
see `console.wire.csi_wekafs`). These types are that chain's result, the same for the simulator and a
real cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.model.enums import WorkloadPhase


class WekaVolumeKind(StrEnum):
    """What a csi-wekafs volume is on the WEKA side."""

    DIRECTORY = "directory"
    """A directory of a filesystem (`dir/v1/<fs>/<dir>`, or `weka/v2/<fs>/<path>`)."""
    FILESYSTEM = "filesystem"
    """A whole filesystem (`weka/v1/<fs>`, `weka/v2/<fs>`)."""
    SNAPSHOT = "snapshot"
    """A snapshot of a filesystem (`weka/v2/<fs>:<snapshot>[/<path>]`), read-only or writable."""


@dataclass(frozen=True, slots=True)
class WekaLocation:
    """The WEKA object behind a volume: a filesystem by name, and where in it."""

    kind: WekaVolumeKind
    filesystem: str
    path: str = ""
    """Inside the filesystem or snapshot, without a leading slash; "" for its root."""
    snapshot: str = ""
    """The snapshot's access point, for SNAPSHOT."""

    def describe(self) -> str:
        """`datasets:/imagenet-1k`, `models@nightly-20261123:/llama`, `scratch:/`."""
        where = f"{self.filesystem}@{self.snapshot}" if self.snapshot else self.filesystem
        return f"{where}:/{self.path}"


@dataclass(frozen=True, slots=True)
class DataMount:
    """One volume a workload's containers mount."""

    claim: str
    """The PersistentVolumeClaim (a Run:ai PVC data source)."""
    mount_path: str
    read_only: bool
    location: WekaLocation | None
    """The WEKA object behind it; None when the volume is not on WEKA or could not be followed."""
    note: str = ""
    """Why `location` is None, in words ("claim not bound yet", "on ebs.csi.aws.com, not WEKA")."""


@dataclass(frozen=True, slots=True)
class WorkloadMount:
    """A mount seen from the storage side: which workload (of which project) mounts what, for a
    filesystem's "mounted by" list."""

    workload_id: str
    workload_name: str
    project_name: str
    phase: WorkloadPhase
    mount: DataMount


@dataclass(frozen=True, slots=True)
class VolumeSpec:
    """A claim a submitted workload mounts (Run:ai `spec.storage.pvc[]`, an existing PVC)."""

    claim: str
    mount_path: str
    read_only: bool = False


@dataclass(frozen=True, slots=True)
class ClaimSpec:
    """A static csi-wekafs PersistentVolume for a WEKA filesystem (or a directory of it) and a claim bound
    to it in a project's namespace: how a filesystem made by rwc becomes mountable by workloads."""

    project_name: str
    claim: str
    filesystem: str
    capacity_bytes: int
    read_only: bool = False
    path: str = ""
    """A directory inside the filesystem; "" for the whole filesystem."""
