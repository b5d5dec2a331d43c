"""Backend wrappers: `ForwardingBackend` (the base) and `ReadOnlyBackend` (`--read-only`).

Every method of the `Backend` protocol is written out here once, so type checkers and the
runtime-checkable `isinstance(x, Backend)` both see a complete backend (a `__getattr__` forwarder
would satisfy neither on Python 3.12+, where protocol checks use `getattr_static`). Queries go
straight to the inner backend; every action goes through one hook, `_act`, which is all a wrapper
overrides: `ReadOnlyBackend` refuses there, `console.data.audit.AuditedBackend` records there.

Wrapping order (what `cli.py` builds): `AuditedBackend(ReadOnlyBackend(backend))` — audit outside, so
a refused action is still written to the audit log with outcome "refused".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from console.data.actions import Action
from console.data.backend import Backend
from console.data.errors import ReadOnlyError
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

P = ParamSpec("P")
R = TypeVar("R")


def action_in_words(action: str) -> str:
    """`delete_project` -> `delete project`: how an action is named to the user."""
    return action.replace("_", " ")


class ForwardingBackend:
    """A `Backend` that passes everything to `inner`; subclasses change what actions do via `_act`.

    Queries, `profile_name`, `now()`, `identity()`, `workload_logs()` and `aclose()` are forwarded
    unchanged. Each action calls `self._act(name, bound_inner_method, *args)`; the default awaits it.
    """

    def __init__(self, inner: Backend) -> None:
        if not isinstance(inner, Backend):
            raise TypeError(f"{type(inner).__name__} does not implement the Backend protocol")
        self._inner: Backend = inner

    @property
    def inner(self) -> Backend:
        """The wrapped backend (for diagnostics; screens never reach through a wrapper)."""
        return self._inner

    async def _act(
        self, action: str, call: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run one action; the single point where wrappers refuse, audit or otherwise intervene."""
        return await call(*args, **kwargs)

    # -- who and where -------------------------------------------------------------------------
    @property
    def profile_name(self) -> str:
        return self._inner.profile_name

    def now(self) -> datetime:
        return self._inner.now()

    async def identity(self) -> Identity:
        return await self._inner.identity()

    async def cluster(self) -> ClusterInfo:
        return await self._inner.cluster()

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]:
        return await self._inner.departments()

    async def projects(self) -> Sequence[Project]:
        return await self._inner.projects()

    async def node_pools(self) -> Sequence[NodePool]:
        return await self._inner.node_pools()

    async def nodes(self) -> Sequence[Node]:
        return await self._inner.nodes()

    async def gpu_capacity(self) -> GpuCapacity:
        return await self._inner.gpu_capacity()

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        return await self._inner.gpus(node_name)

    async def node_gpu_history(
        self, node_name: str, window_seconds: float, step_seconds: float
    ) -> Sequence[GpuHistory]:
        return await self._inner.node_gpu_history(node_name, window_seconds, step_seconds)

    async def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> Sequence[WorkloadUtilisation]:
        return await self._inner.workload_gpu_utilisation(window_seconds, step_seconds, workload_id)

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]:
        return await self._inner.workloads(workload_filter)

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        return await self._inner.workload_page(window)

    async def workload_node_names(
        self, placements: Sequence[WorkloadPlacement]
    ) -> Mapping[str, tuple[str, ...]]:
        return await self._inner.workload_node_names(placements)

    async def workload(self, workload_id: str) -> Workload:
        return await self._inner.workload(workload_id)

    def workload_logs(
        self,
        workload_id: str,
        *,
        follow: bool = False,
        tail_lines: int = 500,
        pod: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        return self._inner.workload_logs(
            workload_id, follow=follow, tail_lines=tail_lines, pod=pod, previous=previous
        )

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        return await self._inner.describe_workload(workload_id)

    async def describe_node(self, name: str) -> dict[str, object]:
        return await self._inner.describe_node(name)

    async def node_pods(self, node_name: str) -> Sequence[NodePod]:
        return await self._inner.node_pods(node_name)

    async def workload_mounts(self, workload_id: str) -> Sequence[DataMount]:
        return await self._inner.workload_mounts(workload_id)

    async def data_mounts(self) -> Sequence[WorkloadMount]:
        return await self._inner.data_mounts()

    # -- WEKA queries -----------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster:
        return await self._inner.weka_cluster()

    async def weka_health(self) -> WekaHealth:
        return await self._inner.weka_health()

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        return await self._inner.weka_metrics(window_seconds)

    async def client_reads(self) -> Sequence[ClientReads]:
        return await self._inner.client_reads()

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        return await self._inner.filesystem_groups()

    async def filesystems(self) -> Sequence[Filesystem]:
        return await self._inner.filesystems()

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        return await self._inner.snapshots(filesystem_uid)

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        return await self._inner.buckets()

    async def alerts(self) -> Sequence[Alert]:
        return await self._inner.alerts()

    async def runai_alert_count(self) -> int:
        return await self._inner.runai_alert_count()

    async def events(self, event_filter: EventFilter | None = None) -> Sequence[Event]:
        return await self._inner.events(event_filter)

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self._act(Action.CREATE_PROJECT, self._inner.create_project, name, department_id, quotas)

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self._act(
            Action.UPDATE_PROJECT_QUOTAS, self._inner.update_project_quotas, project_id, quotas
        )

    async def delete_project(self, project_id: str) -> None:
        return await self._act(Action.DELETE_PROJECT, self._inner.delete_project, project_id)

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        return await self._act(
            Action.UPDATE_DEPARTMENT_QUOTAS, self._inner.update_department_quotas, department_id, quotas
        )

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        return await self._act(Action.SUBMIT_WORKLOAD, self._inner.submit_workload, spec)

    async def suspend_workload(self, workload_id: str) -> Workload:
        return await self._act(Action.SUSPEND_WORKLOAD, self._inner.suspend_workload, workload_id)

    async def resume_workload(self, workload_id: str) -> Workload:
        return await self._act(Action.RESUME_WORKLOAD, self._inner.resume_workload, workload_id)

    async def delete_workload(self, workload_id: str) -> None:
        return await self._act(Action.DELETE_WORKLOAD, self._inner.delete_workload, workload_id)

    async def cordon_node(self, node_name: str) -> Node:
        return await self._act(Action.CORDON_NODE, self._inner.cordon_node, node_name)

    async def uncordon_node(self, node_name: str) -> Node:
        return await self._act(Action.UNCORDON_NODE, self._inner.uncordon_node, node_name)

    async def drain_node(self, node_name: str) -> Node:
        return await self._act(Action.DRAIN_NODE, self._inner.drain_node, node_name)

    async def undrain_node(self, node_name: str) -> Node:
        return await self._act(Action.UNDRAIN_NODE, self._inner.undrain_node, node_name)

    async def create_filesystem_claim(self, spec: ClaimSpec) -> None:
        await self._act(Action.CREATE_FILESYSTEM_CLAIM, self._inner.create_filesystem_claim, spec)

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        return await self._act(Action.CREATE_FILESYSTEM, self._inner.create_filesystem, spec)

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        return await self._act(
            Action.RESIZE_FILESYSTEM,
            self._inner.resize_filesystem,
            filesystem_uid,
            total_capacity_bytes,
            ssd_capacity_bytes,
        )

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        return await self._act(
            Action.SET_FILESYSTEM_TIERING, self._inner.set_filesystem_tiering, filesystem_uid, obs_bucket
        )

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        return await self._act(Action.DELETE_FILESYSTEM, self._inner.delete_filesystem, filesystem_uid)

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        return await self._act(Action.CREATE_SNAPSHOT, self._inner.create_snapshot, spec)

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        return await self._act(Action.DELETE_SNAPSHOT, self._inner.delete_snapshot, snapshot_uid)

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        return await self._act(Action.RESTORE_SNAPSHOT, self._inner.restore_snapshot, snapshot_uid)

    async def upload_snapshot(self, snapshot_uid: str, site: UploadSite = UploadSite.LOCAL) -> Snapshot:
        return await self._act(Action.UPLOAD_SNAPSHOT, self._inner.upload_snapshot, snapshot_uid, site)

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        return await self._act(
            Action.CREATE_FILESYSTEM_FROM_SNAPSHOT, self._inner.create_filesystem_from_snapshot, spec
        )

    async def snapshot_schedules(self) -> Sequence[SnapshotSchedule]:
        return await self._inner.snapshot_schedules()

    async def create_snapshot_schedule(self, spec: SnapshotScheduleSpec) -> SnapshotSchedule:
        return await self._act(Action.CREATE_SNAPSHOT_SCHEDULE, self._inner.create_snapshot_schedule, spec)

    async def update_snapshot_schedule(
        self, schedule_uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule:
        return await self._act(
            Action.UPDATE_SNAPSHOT_SCHEDULE, self._inner.update_snapshot_schedule, schedule_uid, spec
        )

    async def delete_snapshot_schedule(self, schedule_uid: str) -> None:
        await self._act(Action.DELETE_SNAPSHOT_SCHEDULE, self._inner.delete_snapshot_schedule, schedule_uid)

    async def run_snapshot_schedule(self, schedule_uid: str) -> Snapshot:
        return await self._act(Action.RUN_SNAPSHOT_SCHEDULE, self._inner.run_snapshot_schedule, schedule_uid)

    async def mute_alert(self, alert_type: str, duration_seconds: float) -> None:
        await self._act(Action.MUTE_ALERT, self._inner.mute_alert, alert_type, duration_seconds)

    async def unmute_alert(self, alert_type: str) -> None:
        await self._act(Action.UNMUTE_ALERT, self._inner.unmute_alert, alert_type)

    async def prefetch_dataset(self, filesystem_name: str, path: str) -> None:
        await self._act(Action.PREFETCH_DATASET, self._inner.prefetch_dataset, filesystem_name, path)

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        await self._inner.aclose()


class ReadOnlyBackend(ForwardingBackend):
    """Answers every query and refuses every action with `ReadOnlyError`, never touching `inner`.

    This is where `--read-only` is enforced; screens also dim the keys, but a key they forget still
    ends here.
    """

    async def _act(
        self, action: str, call: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        raise ReadOnlyError(
            f"Read-only mode: {action_in_words(action)!r} is disabled (started with --read-only)"
        )
