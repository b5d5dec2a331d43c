"""The demo backend: the `Backend` protocol over the in-process simulator.

It follows real time (scaled by `clock_speed`) so the demo cluster lives on screen; with a speed of
0 the clock is frozen and only tests move it, which keeps snapshots and assertions deterministic.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from console.model import Role

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
        simulator: Simulator | Callable[[], Simulator],
        *,
        user: str | None = None,
        role: Role = Role.ADMIN,
        clock_speed: float = 1.0,
        profile_name: str = "demo",
        start: datetime | None = None,
        freeze_gc: bool = False,
    ) -> None:
        """`simulator` may be a factory: it then runs on first use, in a thread, so the first frame
        paints before the simulator is imported and built; `start` is its clock's start until then.
        `freeze_gc` (the `rwc` process, not tests that build many) exempts the built simulator from the
        garbage collector."""
        self._freeze_gc = freeze_gc
        self._simulator: Simulator | None = None
        self._factory: Callable[[], Simulator] | None = None
        if callable(simulator):
            self._factory = simulator
        else:
            self._simulator = simulator
        self.clock_speed = clock_speed
        self._profile_name = profile_name
        self._user, self._role = user, role
        self._start = start
        self._identity: Identity | None = None
        self._building: asyncio.Future[Simulator] | None = None
        self._last_sync = time.monotonic()

    @property
    def profile_name(self) -> str:
        return self._profile_name

    @property
    def simulator(self) -> Simulator:
        """The simulator, built now if it has not been yet (tests and the CLI's user check)."""
        if self._simulator is None:
            assert self._factory is not None
            self._adopt(self._factory())
        assert self._simulator is not None
        return self._simulator

    def _adopt(self, simulator: Simulator) -> None:
        if self._simulator is None:
            self._simulator = simulator
            self._last_sync = time.monotonic()
            if self._freeze_gc:
                # The simulator's objects live as long as the process: keep the collector from rescanning
                # them (with the `large` scenario a full collection would pause the UI ~0.2 s).
                gc.freeze()

    @property
    def identity_now(self) -> Identity:
        if self._identity is None:
            self._identity = self.simulator.runai.identity_for(self._user, self._role)
        return self._identity

    def now(self) -> datetime:
        """The simulator's time, which the screens use for ages (frozen in tests)."""
        if self._simulator is None and self._start is not None:
            return self._start
        return self.simulator.clock.now()

    async def _ready(self) -> Simulator:
        """The simulator, building it in a worker thread the first time (one build, however many ask)."""
        if self._simulator is not None:
            return self._simulator
        if self._building is None:
            assert self._factory is not None
            self._building = asyncio.ensure_future(asyncio.to_thread(self._factory))
        self._adopt(await asyncio.shield(self._building))
        return self.simulator

    async def _sync(self) -> None:
        """Bring the simulator up to real time, scaled by the clock speed."""
        simulator = await self._ready()
        wall = time.monotonic()
        elapsed, self._last_sync = wall - self._last_sync, wall
        if self.clock_speed > 0:
            simulator.advance(min(elapsed * self.clock_speed, MAX_CATCH_UP_SECONDS))

    def _after_action(self) -> None:
        self.simulator.settle()

    # -- who and where -------------------------------------------------------------------------
    async def identity(self) -> Identity:
        await self._ready()
        return self.identity_now

    async def cluster(self) -> ClusterInfo:
        await self._ready()
        return self.simulator.runai.cluster_info()

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]:
        await self._sync()
        return self.simulator.runai.departments(self.identity_now)

    async def projects(self) -> Sequence[Project]:
        await self._sync()
        return self.simulator.runai.projects(self.identity_now)

    async def node_pools(self) -> Sequence[NodePool]:
        await self._sync()
        return self.simulator.runai.node_pools()

    async def nodes(self) -> Sequence[Node]:
        await self._sync()
        return self.simulator.runai.nodes()

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        await self._sync()
        return self.simulator.runai.gpus(node_name)

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]:
        await self._sync()
        return self.simulator.runai.workloads(self.identity_now, workload_filter)

    async def workload(self, workload_id: str) -> Workload:
        await self._sync()
        return self.simulator.runai.workload(self.identity_now, workload_id)

    async def workload_logs(
        self, workload_id: str, *, follow: bool = False, tail_lines: int = 500
    ) -> AsyncIterator[str]:
        await self._sync()
        lines, seen = self.simulator.runai.workload_logs_after(self.identity_now, workload_id, 0)
        for line in lines[-tail_lines:] if tail_lines else lines:
            yield line
        while follow:
            await asyncio.sleep(LOG_POLL_SECONDS)
            await self._sync()
            fresh, seen = self.simulator.runai.workload_logs_after(self.identity_now, workload_id, seen)
            for line in fresh:
                yield line

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        await self._sync()
        return self.simulator.runai.describe_workload(self.identity_now, workload_id)

    # -- WEKA queries -----------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster:
        await self._sync()
        return self.simulator.weka.cluster()

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        await self._sync()
        return self.simulator.weka.metrics(window_seconds)

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        await self._sync()
        return self.simulator.weka.filesystem_groups()

    async def filesystems(self) -> Sequence[Filesystem]:
        await self._sync()
        return self.simulator.weka.filesystems()

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        await self._sync()
        return self.simulator.weka.snapshots(filesystem_uid)

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        await self._sync()
        return self.simulator.weka.buckets()

    async def alerts(self) -> Sequence[Alert]:
        await self._sync()
        return (*self.simulator.weka.alerts(), *self.simulator.runai.alerts())

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        await self._sync()
        project = self.simulator.runai.create_project(self.identity_now, name, department_id, quotas)
        self._after_action()
        return project

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        await self._sync()
        project = self.simulator.runai.update_project_quotas(self.identity_now, project_id, quotas)
        self._after_action()
        return project

    async def delete_project(self, project_id: str) -> None:
        await self._sync()
        self.simulator.runai.delete_project(self.identity_now, project_id)
        self._after_action()

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        await self._sync()
        department = self.simulator.runai.update_department_quotas(self.identity_now, department_id, quotas)
        self._after_action()
        return department

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        await self._sync()
        self.simulator.runai.submit_workload(self.identity_now, spec)
        self._after_action()
        return self.simulator.runai.workload_by_name(self.identity_now, spec.project_name, spec.name)

    async def suspend_workload(self, workload_id: str) -> Workload:
        await self._sync()
        self.simulator.runai.suspend_workload(self.identity_now, workload_id)
        self._after_action()
        return self.simulator.runai.workload(self.identity_now, workload_id)

    async def resume_workload(self, workload_id: str) -> Workload:
        await self._sync()
        self.simulator.runai.resume_workload(self.identity_now, workload_id)
        self._after_action()
        return self.simulator.runai.workload(self.identity_now, workload_id)

    async def delete_workload(self, workload_id: str) -> None:
        await self._sync()
        self.simulator.runai.delete_workload(self.identity_now, workload_id)
        self._after_action()

    async def cordon_node(self, node_name: str) -> Node:
        return await self._node_action("cordon_node", node_name)

    async def uncordon_node(self, node_name: str) -> Node:
        return await self._node_action("uncordon_node", node_name)

    async def drain_node(self, node_name: str) -> Node:
        return await self._node_action("drain_node", node_name)

    async def undrain_node(self, node_name: str) -> Node:
        return await self._node_action("undrain_node", node_name)

    async def _node_action(self, action: str, node_name: str) -> Node:
        await self._sync()
        getattr(self.simulator.runai, action)(self.identity_now, node_name)
        self._after_action()
        return self.simulator.runai.node(node_name)

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        await self._sync()
        return self.simulator.weka.create_filesystem(self.identity_now, spec)

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        await self._sync()
        return self.simulator.weka.resize_filesystem(
            self.identity_now, filesystem_uid, total_capacity_bytes, ssd_capacity_bytes
        )

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        await self._sync()
        return self.simulator.weka.set_filesystem_tiering(self.identity_now, filesystem_uid, obs_bucket)

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        await self._sync()
        self.simulator.weka.delete_filesystem(self.identity_now, filesystem_uid)

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        await self._sync()
        return self.simulator.weka.create_snapshot(self.identity_now, spec)

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        await self._sync()
        self.simulator.weka.delete_snapshot(self.identity_now, snapshot_uid)

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        await self._sync()
        return self.simulator.weka.restore_snapshot(self.identity_now, snapshot_uid)

    async def upload_snapshot(self, snapshot_uid: str, site: str = "LOCAL") -> Snapshot:
        await self._sync()
        return self.simulator.weka.upload_snapshot(self.identity_now, snapshot_uid, site)

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        await self._sync()
        return self.simulator.weka.create_filesystem_from_snapshot(self.identity_now, spec)

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        return None
