"""The demo backend: the `Backend` protocol over the in-process simulator.

It follows real time (scaled by `clock_speed`) so the demo cluster lives on screen; with a speed of
0 the clock is frozen and only tests move it, which keeps snapshots and assertions deterministic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

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
    NodePool,
    ObjectStoreBucket,
    PoolQuota,
    Project,
    Role,
    Snapshot,
    SnapshotSpec,
    WekaCluster,
    WekaMetricsSample,
    Workload,
    WorkloadFilter,
    WorkloadSpec,
)
from console.sim.simulator import Simulator

MAX_CATCH_UP_SECONDS = 300.0
"""After a long pause (laptop asleep) the demo jumps at most this far instead of replaying hours."""

LOG_POLL_SECONDS = 1.0


class DemoBackend:
    """Answers every query from the simulator, acting as one user with one role."""

    def __init__(
        self,
        simulator: Simulator,
        *,
        user: str | None = None,
        role: Role = Role.ADMIN,
        clock_speed: float = 1.0,
        profile_name: str = "demo",
    ) -> None:
        self.simulator = simulator
        self.clock_speed = clock_speed
        self._profile_name = profile_name
        self._identity = simulator.runai.identity_for(user, role)
        self._last_sync = time.monotonic()

    @property
    def profile_name(self) -> str:
        return self._profile_name

    def now(self) -> datetime:
        """The simulator's time, which the screens use for ages (frozen in tests)."""
        return self.simulator.clock.now()

    def _sync(self) -> None:
        """Bring the simulator up to real time, scaled by the clock speed."""
        wall = time.monotonic()
        elapsed, self._last_sync = wall - self._last_sync, wall
        if self.clock_speed > 0:
            self.simulator.advance(min(elapsed * self.clock_speed, MAX_CATCH_UP_SECONDS))

    def _after_action(self) -> None:
        self.simulator.settle()

    # -- who and where -------------------------------------------------------------------------
    async def identity(self) -> Identity:
        return self._identity

    async def cluster(self) -> ClusterInfo:
        return self.simulator.runai.cluster_info()

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]:
        self._sync()
        return self.simulator.runai.departments(self._identity)

    async def projects(self) -> Sequence[Project]:
        self._sync()
        return self.simulator.runai.projects(self._identity)

    async def node_pools(self) -> Sequence[NodePool]:
        self._sync()
        return self.simulator.runai.node_pools()

    async def nodes(self) -> Sequence[Node]:
        self._sync()
        return self.simulator.runai.nodes()

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        self._sync()
        return self.simulator.runai.gpus(node_name)

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]:
        self._sync()
        return self.simulator.runai.workloads(self._identity, workload_filter)

    async def workload(self, workload_id: str) -> Workload:
        self._sync()
        return self.simulator.runai.workload(self._identity, workload_id)

    async def workload_logs(
        self, workload_id: str, *, follow: bool = False, tail_lines: int = 500
    ) -> AsyncIterator[str]:
        self._sync()
        lines, seen = self.simulator.runai.workload_logs_after(self._identity, workload_id, 0)
        for line in lines[-tail_lines:] if tail_lines else lines:
            yield line
        while follow:
            await asyncio.sleep(LOG_POLL_SECONDS)
            self._sync()
            fresh, seen = self.simulator.runai.workload_logs_after(self._identity, workload_id, seen)
            for line in fresh:
                yield line

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        self._sync()
        return self.simulator.runai.describe_workload(self._identity, workload_id)

    # -- WEKA queries -----------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster:
        self._sync()
        return self.simulator.weka.cluster()

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        self._sync()
        return self.simulator.weka.metrics(window_seconds)

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        self._sync()
        return self.simulator.weka.filesystem_groups()

    async def filesystems(self) -> Sequence[Filesystem]:
        self._sync()
        return self.simulator.weka.filesystems()

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        self._sync()
        return self.simulator.weka.snapshots(filesystem_uid)

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        self._sync()
        return self.simulator.weka.buckets()

    async def alerts(self) -> Sequence[Alert]:
        self._sync()
        return (*self.simulator.weka.alerts(), *self.simulator.runai.alerts())

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        self._sync()
        project = self.simulator.runai.create_project(self._identity, name, department_id, quotas)
        self._after_action()
        return project

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        self._sync()
        project = self.simulator.runai.update_project_quotas(self._identity, project_id, quotas)
        self._after_action()
        return project

    async def delete_project(self, project_id: str) -> None:
        self._sync()
        self.simulator.runai.delete_project(self._identity, project_id)
        self._after_action()

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        self._sync()
        department = self.simulator.runai.update_department_quotas(self._identity, department_id, quotas)
        self._after_action()
        return department

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        self._sync()
        self.simulator.runai.submit_workload(self._identity, spec)
        self._after_action()
        return self.simulator.runai.workload_by_name(self._identity, spec.project_name, spec.name)

    async def suspend_workload(self, workload_id: str) -> Workload:
        self._sync()
        self.simulator.runai.suspend_workload(self._identity, workload_id)
        self._after_action()
        return self.simulator.runai.workload(self._identity, workload_id)

    async def resume_workload(self, workload_id: str) -> Workload:
        self._sync()
        self.simulator.runai.resume_workload(self._identity, workload_id)
        self._after_action()
        return self.simulator.runai.workload(self._identity, workload_id)

    async def delete_workload(self, workload_id: str) -> None:
        self._sync()
        self.simulator.runai.delete_workload(self._identity, workload_id)
        self._after_action()

    async def cordon_node(self, node_name: str) -> Node:
        return self._node_action(self.simulator.runai.cordon_node, node_name)

    async def uncordon_node(self, node_name: str) -> Node:
        return self._node_action(self.simulator.runai.uncordon_node, node_name)

    async def drain_node(self, node_name: str) -> Node:
        return self._node_action(self.simulator.runai.drain_node, node_name)

    async def undrain_node(self, node_name: str) -> Node:
        return self._node_action(self.simulator.runai.undrain_node, node_name)

    def _node_action(self, action: object, node_name: str) -> Node:
        self._sync()
        action(self._identity, node_name)  # type: ignore[operator]
        self._after_action()
        return self.simulator.runai.node(node_name)

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        self._sync()
        return self.simulator.weka.create_filesystem(self._identity, spec)

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        self._sync()
        return self.simulator.weka.resize_filesystem(
            self._identity, filesystem_uid, total_capacity_bytes, ssd_capacity_bytes
        )

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        self._sync()
        return self.simulator.weka.set_filesystem_tiering(self._identity, filesystem_uid, obs_bucket)

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        self._sync()
        self.simulator.weka.delete_filesystem(self._identity, filesystem_uid)

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        self._sync()
        return self.simulator.weka.create_snapshot(self._identity, spec)

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        self._sync()
        self.simulator.weka.delete_snapshot(self._identity, snapshot_uid)

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        self._sync()
        return self.simulator.weka.restore_snapshot(self._identity, snapshot_uid)

    async def upload_snapshot(self, snapshot_uid: str, site: str = "LOCAL") -> Snapshot:
        self._sync()
        return self.simulator.weka.upload_snapshot(self._identity, snapshot_uid, site)

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        self._sync()
        return self.simulator.weka.create_filesystem_from_snapshot(self._identity, spec)

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        return None
