"""WEKA side of the domain: cluster health, filesystems, snapshots, buckets and alerts.

Field meanings follow the WEKA REST API v2 (reference/weka.md §5-13); sizes are bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Re-exported (`X as X`, which strict mypy reads as deliberate): older imports name them here.
from console.model.enums import AlertSeverity as AlertSeverity
from console.model.enums import BucketMode as BucketMode
from console.model.enums import StowStatus as StowStatus
from console.model.enums import WekaClusterStatus as WekaClusterStatus


@dataclass(frozen=True, slots=True)
class WekaMetricsSample:
    """One point of the cluster's IO activity, for sparklines."""

    at: datetime
    read_bytes_per_second: float
    write_bytes_per_second: float
    iops: float
    latency_microseconds: float
    obs_upload_bytes_per_second: float


@dataclass(frozen=True, slots=True)
class WekaCluster:
    name: str
    guid: str
    release: str
    status: WekaClusterStatus
    io_status: str  # STARTED | STOPPED ...
    total_capacity_bytes: int
    unprovisioned_capacity_bytes: int
    ssd_used_bytes: int
    ssd_provisioned_bytes: int
    object_tier_used_bytes: int
    active_alerts_count: int
    drives_active: int
    drives_total: int
    backends_active: int
    backends_total: int
    clients_active: int
    clients_total: int
    latest: WekaMetricsSample | None = None
    filesystem_totals_unknown: bool = False
    """SSD used, provisioned and the object tier are sums over the filesystems; True when that list did
    not answer, so the screen says "not known" instead of drawing zeros."""


@dataclass(frozen=True, slots=True)
class WekaHealth:
    """What the header shows of WEKA, both from `/cluster` alone (reference/weka.md §5): the protection
    state and how many alerts are active (`active_alerts_count` leaves muted ones out, as the alert list's
    default view does), so the header never reads the alert list."""

    status: WekaClusterStatus
    active_alerts: int


@dataclass(frozen=True, slots=True)
class ObjectStoreBucket:
    uid: str
    name: str
    obs_site: str  # local | remote
    bucket: str
    hostname: str
    status: str  # UP | DOWN
    bandwidth_bytes_per_second: int


@dataclass(frozen=True, slots=True)
class FilesystemGroup:
    uid: str
    name: str
    target_ssd_retention_seconds: int
    start_demote_seconds: int


@dataclass(frozen=True, slots=True)
class AttachedBucket:
    bucket_name: str
    mode: BucketMode


@dataclass(frozen=True, slots=True)
class Filesystem:
    uid: str
    id: str
    name: str
    group_name: str
    status: str  # READY | CREATING | REMOVING
    is_ready: bool
    is_creating: bool
    is_removing: bool
    is_encrypted: bool
    total_budget_bytes: int
    ssd_budget_bytes: int
    used_total_bytes: int
    used_ssd_bytes: int
    used_object_bytes: int
    buckets: tuple[AttachedBucket, ...]
    snapshot_count: int
    last_uploaded_snapshot_at: datetime | None

    @property
    def is_tiered(self) -> bool:
        return any(b.mode is BucketMode.WRITABLE for b in self.buckets)

    @property
    def ssd_used_fraction(self) -> float:
        return self.used_ssd_bytes / self.ssd_budget_bytes if self.ssd_budget_bytes else 0.0


@dataclass(frozen=True, slots=True)
class SnapshotUpload:
    """A snapshot's upload to one object-store site: WEKA's `localStowInfo` / `remoteStowInfo`."""

    site: str  # an `UploadSite` value (LOCAL | REMOTE), as the upload's `obs_site` spells it
    status: StowStatus
    progress_percent: float | None  # None where the API says N/A
    locator: str
    total_bytes: int | None = None
    """What the upload sends (incremental: the changes since the site's previous upload); None where
    the API does not say (the REST answer has percent only; the CLI lists an upload size)."""
    done_bytes: int | None = None
    """How much of `total_bytes` is sent; None where the API does not say."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    uid: str
    id: str
    name: str
    filesystem_uid: str
    filesystem_name: str
    access_point: str
    is_writable: bool
    is_removing: bool
    created_at: datetime
    stow_status: StowStatus
    upload_progress_percent: float | None  # None where the API says N/A
    locator: str
    uploads: tuple[SnapshotUpload, ...] = ()
    """Each site it is uploading or uploaded to, local first; empty where the API has only the flat
    `stowStatus` (which then says whether, but not where)."""


@dataclass(frozen=True, slots=True)
class Alert:
    type: str
    title: str
    description: str
    severity: AlertSeverity
    muted: bool
    raised_at: datetime
    source: str = "weka"  # weka | runai
    action: str = ""
    """What to do about it (WEKA's `action`, the corrective step); empty where the source gives none."""
    project_name: str | None = None
    """The Run:ai project the alert is about (a degraded workload), so a researcher who may not see
    that project is not shown its names (`console.data.visibility`)."""


@dataclass(frozen=True, slots=True)
class FilesystemSpec:
    """A filesystem to create; `ssd_capacity_bytes` None means SSD-only (SSD = total)."""

    name: str
    group_name: str
    total_capacity_bytes: int
    ssd_capacity_bytes: int | None = None
    encrypted: bool = False
    obs_bucket: str | None = None


@dataclass(frozen=True, slots=True)
class FilesystemFromSnapshotSpec:
    """`POST /fileSystems/download`: a new filesystem from an uploaded snapshot's locator."""

    name: str
    group_name: str
    total_capacity_bytes: int
    ssd_capacity_bytes: int
    obs_bucket: str
    locator: str


@dataclass(frozen=True, slots=True)
class SnapshotSpec:
    filesystem_uid: str
    name: str
    access_point: str | None = None
    is_writable: bool = False
