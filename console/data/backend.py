"""The `Backend` protocol: every query and action rwc performs, as async methods.

Screens talk to this and nothing else, so the demo simulator and the live APIs are interchangeable.
Queries return domain objects; actions return the changed object (or None when it is gone) or raise
a `console.data.errors.BackendError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from console.data.actions import Action
from console.model.enums import UploadSite

if TYPE_CHECKING:
    from console.model import (
        Alert,
        ClusterInfo,
        Department,
        Filesystem,
        FilesystemFromSnapshotSpec,
        FilesystemGroup,
        FilesystemSpec,
        GpuDevice,
        Identity,
        Node,
        NodePod,
        NodePool,
        ObjectStoreBucket,
        PoolQuota,
        Project,
        Snapshot,
        SnapshotSpec,
        WekaCluster,
        WekaMetricsSample,
        Workload,
        WorkloadFilter,
        WorkloadPage,
        WorkloadSpec,
        WorkloadUtilisation,
        WorkloadWindow,
    )
    from console.model.capacity import GpuCapacity
    from console.model.events import Event, EventFilter
    from console.model.feed import ClientReads
    from console.model.gpu_history import GpuHistory
    from console.model.schedules import SnapshotSchedule, SnapshotScheduleSpec
    from console.model.storage import ClaimSpec, DataMount, WorkloadMount
    from console.model.weka import WekaHealth
    from console.model.windows import WorkloadPlacement


@runtime_checkable
class Backend(Protocol):
    """Everything the console can ask or do; implemented by the demo and the live backend."""

    # -- who and where -------------------------------------------------------------------------
    @property
    def profile_name(self) -> str:
        """The profile shown in the header (`demo` for the simulator)."""
        ...

    def now(self) -> datetime:
        """The backend's notion of now (wall time live; the simulator's clock in the demo)."""
        ...

    async def identity(self) -> Identity: ...

    async def cluster(self) -> ClusterInfo: ...

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]: ...

    async def projects(self) -> Sequence[Project]: ...

    async def node_pools(self) -> Sequence[NodePool]: ...

    async def nodes(self) -> Sequence[Node]: ...

    async def gpu_capacity(self) -> GpuCapacity:
        """The cluster's GPUs as the header counts them (allocated of usable, and down): a few numbers
        every few seconds on any screen, never the node list (`console.model.capacity`)."""
        ...

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]: ...

    async def node_gpu_history(
        self, node_name: str, window_seconds: float, step_seconds: float
    ) -> Sequence[GpuHistory]:
        """Each GPU of the node over the last `window_seconds` (a reading every `step_seconds`): how busy it
        was and how much memory was in use, what the node detail draws per GPU."""
        ...

    async def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> Sequence[WorkloadUtilisation]:
        """How busy each GPU-holding workload (or only `workload_id`) kept its GPUs over the last
        `window_seconds` (a reading every `step_seconds`): what the idle-GPU view and a workload's
        utilisation line read."""
        ...

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]: ...

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        """The newest `window.limit` workloads passing its filter, and how many pass in all: what a list
        screen fetches, so a cluster of 100,000 workloads costs a page per poll, not the whole list."""
        ...

    async def workload_node_names(
        self, placements: Sequence[WorkloadPlacement]
    ) -> Mapping[str, tuple[str, ...]]:
        """{workload id: its nodes} for GPU-holding workloads a list shows without them (`workload_page`
        leaves out what costs a request per workload); a workload whose nodes cannot be read is left out."""
        ...

    async def workload(self, workload_id: str) -> Workload:
        """One workload with its pods and events filled in (the detail view)."""
        ...

    def workload_logs(
        self,
        workload_id: str,
        *,
        follow: bool = False,
        tail_lines: int = 500,
        pod: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        """Log lines of one pod of the workload (its first pod when `pod` is None); with `follow`, keeps
        yielding as lines arrive; `previous` reads the container that ran before a restart (a crash), and
        raises `Invalid` when there was none."""
        ...

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        """The workload as the API returns it (for the describe view)."""
        ...

    async def describe_node(self, name: str) -> dict[str, object]:
        """The node as the Kubernetes API returns it (labels, capacity, allocatable, conditions): `y` on a
        node, and the node detail's labels and resources."""
        ...

    async def node_pods(self, node_name: str) -> Sequence[NodePod]:
        """The pods bound to one node and not finished, Run:ai's and every other (DaemonSets, system
        pods): the node detail's Pods, read for that node alone (never the cluster's pod list)."""
        ...

    # -- where data lives -------------------------------------------------------------------------
    async def workload_mounts(self, workload_id: str) -> Sequence[DataMount]:
        """The volumes the workload's pods mount, each followed to the WEKA filesystem, directory or
        snapshot behind it (PVC -> PV -> csi-wekafs handle) where it is one."""
        ...

    async def data_mounts(self) -> Sequence[WorkloadMount]:
        """Every volume mounted by a workload whose pods run or wait to run (not finished), for "who mounts
        this filesystem"."""
        ...

    # -- WEKA queries -----------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster: ...

    async def weka_health(self) -> WekaHealth:
        """WEKA's protection state and active alert count, for the header: one request, not the capacity
        sums and latency `weka_cluster()` adds to it, nor the alert list."""
        ...

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]: ...

    async def client_reads(self) -> Sequence[ClientReads]:
        """What each WEKA process (a GPU node's client among them) reads now (`/stats/realtime`)."""
        ...

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]: ...

    async def filesystems(self) -> Sequence[Filesystem]: ...

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]: ...

    async def buckets(self) -> Sequence[ObjectStoreBucket]: ...

    async def alerts(self) -> Sequence[Alert]: ...

    async def runai_alert_count(self) -> int:
        """How many Run:ai-side alerts `alerts()` would list (nodes not ready or draining, degraded
        workloads), for the header: counted as cheaply as the backend can (live reads no node list on most
        polls, so the count may trail the list by up to `ALERT_COUNT_SECONDS`; reading the list refreshes
        it)."""
        ...

    # -- events of every source ---------------------------------------------------------------------
    async def events(self, event_filter: EventFilter | None = None) -> Sequence[Event]:
        """Run:ai, Kubernetes and WEKA events merged, newest first, at most `event_filter.limit`; with a
        filter, only those about its workload, project, node or filesystem (either side of a preemption)."""
        ...

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project: ...

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project: ...

    async def delete_project(self, project_id: str) -> None: ...

    async def update_department_quotas(
        self, department_id: str, quotas: Sequence[PoolQuota]
    ) -> Department: ...

    async def submit_workload(self, spec: WorkloadSpec) -> Workload: ...

    async def suspend_workload(self, workload_id: str) -> Workload: ...

    async def resume_workload(self, workload_id: str) -> Workload: ...

    async def delete_workload(self, workload_id: str) -> None: ...

    async def cordon_node(self, node_name: str) -> Node: ...

    async def uncordon_node(self, node_name: str) -> Node: ...

    async def drain_node(self, node_name: str) -> Node:
        """Add the Run:ai maintenance taint `runai=drain:NoExecute`; preemptible work moves off."""
        ...

    async def undrain_node(self, node_name: str) -> Node: ...

    async def create_filesystem_claim(self, spec: ClaimSpec) -> None:
        """Make a WEKA filesystem (or a directory of it) mountable in a project: a static csi-wekafs
        PersistentVolume and a claim bound to it in the project's namespace (admin only; PVs are
        cluster-scoped). Workloads then mount it by claim name (`WorkloadSpec.volumes`)."""
        ...

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem: ...

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem: ...

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        """Attach `obs_bucket` as the WRITABLE (tiering) bucket, or detach tiering with None."""
        ...

    async def delete_filesystem(self, filesystem_uid: str) -> None: ...

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot: ...

    async def delete_snapshot(self, snapshot_uid: str) -> None: ...

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem: ...

    async def upload_snapshot(self, snapshot_uid: str, site: UploadSite = UploadSite.LOCAL) -> Snapshot: ...

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem: ...

    async def snapshot_schedules(self) -> Sequence[SnapshotSchedule]:
        """Every filesystem's snapshot schedules (`console.model.schedules`); none where the cluster
        serves no schedules (a real WEKA: snaptool keeps them in its own YAML)."""
        ...

    async def create_snapshot_schedule(self, spec: SnapshotScheduleSpec) -> SnapshotSchedule: ...

    async def update_snapshot_schedule(
        self, schedule_uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule: ...

    async def delete_snapshot_schedule(self, schedule_uid: str) -> None: ...

    async def run_snapshot_schedule(self, schedule_uid: str) -> Snapshot:
        """Take the schedule's snapshot now (uploaded and trimmed as a scheduled run would be)."""
        ...

    async def mute_alert(self, alert_type: str, duration_seconds: float) -> None:
        """Mute a WEKA alert type for a while (`PUT /alerts/{type}/mute`); WEKA unmutes it after."""
        ...

    async def unmute_alert(self, alert_type: str) -> None: ...

    async def prefetch_dataset(self, filesystem_name: str, path: str) -> None:
        """Bring a directory's tiered-out data back to SSD (`weka fs tier fetch`; no WEKA REST call)."""
        ...

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None: ...


ACTION_NAMES: frozenset[str] = frozenset(Action)
"""Every method of `Backend` that changes something: the wrappers refuse or audit exactly these."""
