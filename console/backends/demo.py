"""The demo backend: the `Backend` protocol over the in-process simulator.

It follows real time (scaled by `clock_speed`) so the demo cluster lives on screen; with a speed of
0 the clock is frozen and only tests move it, which keeps snapshots and assertions deterministic.

Simulator work never runs on the event loop: with the `large` scenario one catch-up of the clock or
one query can take a tenth of a second, which would stall every keystroke. Each call runs in the
backend's one worker thread (so calls reach the simulator one at a time, in the order made) under
`Simulator.lock` (so a test or an HTTP face touching the same simulator from another thread waits).
A caller cancelled while its call runs leaves it to finish in that thread; the answer is dropped.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from console.backends.demo_schedules import DemoSchedules
from console.model import Role
from console.model.enums import UploadSite
from console.model.windows import newest_window

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
    from console.model.storage import ClaimSpec, DataMount, WorkloadMount
    from console.model.weka import WekaHealth
    from console.model.windows import WorkloadPlacement
    from console.sim.simulator import Simulator

MAX_CATCH_UP_SECONDS = 300.0
"""After a long pause (laptop asleep) the demo jumps at most this far instead of replaying hours."""

LOG_POLL_SECONDS = 1.0

T = TypeVar("T")


def simulator_events(simulator: Simulator, event_filter: EventFilter | None) -> list[Event]:
    """The Run:ai half's events and the WEKA half's (its events and its active alerts), merged newest first,
    as `Backend.events` answers."""
    from console.model.events import DEFAULT_EVENT_LIMIT, alert_event, newest_first, weka_event

    limit = event_filter.limit if event_filter is not None else DEFAULT_EVENT_LIMIT
    merged = list(simulator.runai.events(event_filter))
    # Newest first within the same second too, as WEKA answers `sort_order=desc` (the sort below is stable).
    for record in reversed(simulator.weka.events(limit if event_filter is None else EVENT_HISTORY_READ)):
        event = weka_event(
            at=record.at,
            type_=record.type,
            category=record.category,
            severity=record.severity,
            description=record.description,
            entity=record.entity,
            cluster_name=WEKA_CLUSTER_NAME,
        )
        if event_filter is None or event_filter.matches(event):
            merged.append(event)
    for alert in simulator.weka.alerts():
        event = alert_event(alert, WEKA_CLUSTER_NAME)
        if event_filter is None or event_filter.matches(event):
            merged.append(event)
    return newest_first(merged, limit)


EVENT_HISTORY_READ = 2000
"""A filtered query (a filesystem's timeline) reads the WEKA log's whole history, which is this long."""
WEKA_CLUSTER_NAME = "WEKA"


class DemoBackend(DemoSchedules):
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
        self._synced: tuple[datetime, float] | None = None
        """(the simulator's time, the real time) at the last catch-up: `now()` reads ahead from it."""
        self._executor: ThreadPoolExecutor | None = None

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
            simulator = self.simulator
            with simulator.lock:
                self._identity = simulator.runai.identity_for(self._user, self._role)
        return self._identity

    def now(self) -> datetime:
        """The simulator's time, which the screens use for ages (frozen in tests); never waits on a tick.

        The clock catches up only when asked something (a poll every few seconds); between two
        catch-ups this reads ahead at the clock speed, where the next catch-up will put it, so an age
        on screen moves each second instead of jumping at each poll.
        """
        if self._simulator is None and self._start is not None:
            return self._start
        clock_now = self.simulator.clock.now()
        synced = self._synced
        if self.clock_speed <= 0 or synced is None:
            return clock_now
        ahead = min((time.monotonic() - synced[1]) * self.clock_speed, MAX_CATCH_UP_SECONDS)
        return max(clock_now, synced[0] + timedelta(seconds=ahead))

    def _worker(self) -> ThreadPoolExecutor:
        """The one thread that runs this backend's simulator work (made on first use, again after aclose)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rwc-demo-sim")
        return self._executor

    async def _ready(self) -> Simulator:
        """The simulator, building it in the worker thread the first time (one build, however many ask)."""
        if self._simulator is not None:
            return self._simulator
        if self._building is None or self._building.cancelled():  # cancelled: aclose() before it ran
            assert self._factory is not None
            loop = asyncio.get_running_loop()
            self._building = asyncio.ensure_future(loop.run_in_executor(self._worker(), self._factory))
        self._adopt(await asyncio.shield(self._building))
        return self.simulator

    async def _run(self, work: Callable[[Simulator], T], *, sync: bool = True) -> T:
        """`work(simulator)` in the worker thread under the simulator's lock, after catching up with
        real time when `sync`."""
        simulator = await self._ready()
        return await asyncio.get_running_loop().run_in_executor(
            self._worker(), self._locked, simulator, work, sync
        )

    def _locked(self, simulator: Simulator, work: Callable[[Simulator], T], sync: bool) -> T:
        with simulator.lock:
            if sync:
                self._catch_up(simulator)
            return work(simulator)

    def _catch_up(self, simulator: Simulator) -> None:
        """Bring the simulator up to real time, scaled by the clock speed (under its lock)."""
        wall = time.monotonic()
        elapsed, self._last_sync = wall - self._last_sync, wall
        if self.clock_speed > 0:
            simulator.advance(min(elapsed * self.clock_speed, MAX_CATCH_UP_SECONDS))
        self._synced = (simulator.clock.now(), wall)  # one assignment: `now()` reads it from the loop

    async def _sync(self) -> None:
        """Bring the simulator up to real time, scaled by the clock speed."""
        await self._run(lambda simulator: None)

    async def _act(self, action: Callable[[Simulator], T]) -> T:
        """`action`, then the scheduler (so its effect shows at once); the action's answer."""

        def work(simulator: Simulator) -> T:
            answer = action(simulator)
            simulator.settle()
            return answer

        return await self._run(work)

    async def _act_then(self, action: Callable[[Simulator], object], answer: Callable[[Simulator], T]) -> T:
        """`action`, then the scheduler, then `answer` (the object as the action left it)."""

        def work(simulator: Simulator) -> T:
            action(simulator)
            simulator.settle()
            return answer(simulator)

        return await self._run(work)

    # -- who and where -------------------------------------------------------------------------
    async def identity(self) -> Identity:
        await self._ready()
        if self._identity is not None:
            return self._identity
        return await self._run(lambda simulator: self.identity_now, sync=False)

    async def cluster(self) -> ClusterInfo:
        return await self._run(lambda simulator: simulator.runai.cluster_info(), sync=False)

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]:
        return await self._run(lambda simulator: simulator.runai.departments(self.identity_now))

    async def projects(self) -> Sequence[Project]:
        return await self._run(lambda simulator: simulator.runai.projects(self.identity_now))

    async def node_pools(self) -> Sequence[NodePool]:
        return await self._run(lambda simulator: simulator.runai.node_pools())

    async def nodes(self) -> Sequence[Node]:
        return await self._run(lambda simulator: simulator.runai.nodes())

    async def gpu_capacity(self) -> GpuCapacity:
        from console.model.capacity import gpu_capacity

        return gpu_capacity(await self.nodes())  # the simulator's one view costs the same

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        return await self._run(lambda simulator: simulator.runai.gpus(node_name))

    async def node_gpu_history(
        self, node_name: str, window_seconds: float, step_seconds: float
    ) -> Sequence[GpuHistory]:
        return await self._run(
            lambda simulator: simulator.runai.node_gpu_history(node_name, window_seconds, step_seconds)
        )

    async def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> Sequence[WorkloadUtilisation]:
        return await self._run(
            lambda simulator: simulator.runai.workload_gpu_utilisation(
                window_seconds, step_seconds, workload_id
            )
        )

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]:
        return await self._run(
            lambda simulator: simulator.runai.workloads(self.identity_now, workload_filter)
        )

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        return await self._run(
            lambda simulator: newest_window(
                simulator.runai.workloads(self.identity_now, window.filter), window
            )
        )

    async def workload_node_names(
        self, placements: Sequence[WorkloadPlacement]
    ) -> Mapping[str, tuple[str, ...]]:
        """Nothing to add: the simulator's workloads carry their nodes in every page."""
        return {}

    async def workload(self, workload_id: str) -> Workload:
        return await self._run(lambda simulator: simulator.runai.workload(self.identity_now, workload_id))

    async def workload_logs(
        self,
        workload_id: str,
        *,
        follow: bool = False,
        tail_lines: int = 500,
        pod: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        def after(seen: int) -> Callable[[Simulator], tuple[list[str], int]]:
            return lambda simulator: simulator.runai.workload_logs_after(
                self.identity_now, workload_id, seen, pod=pod, previous=previous
            )

        lines, seen = await self._run(after(0))
        for line in lines[-tail_lines:] if tail_lines else lines:
            yield line
        while follow:
            await asyncio.sleep(LOG_POLL_SECONDS)
            fresh, seen = await self._run(after(seen))
            for line in fresh:
                yield line

    async def workload_mounts(self, workload_id: str) -> Sequence[DataMount]:
        return await self._run(
            lambda simulator: simulator.runai.workload_mounts(self.identity_now, workload_id)
        )

    async def data_mounts(self) -> Sequence[WorkloadMount]:
        return await self._run(lambda simulator: simulator.runai.data_mounts(self.identity_now))

    async def describe_node(self, name: str) -> dict[str, object]:
        return await self._run(lambda simulator: simulator_node_object(simulator, name))

    async def node_pods(self, node_name: str) -> Sequence[NodePod]:
        return await self._run(lambda simulator: simulator_node_pods(simulator, node_name))

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        return await self._run(
            lambda simulator: simulator.runai.describe_workload(self.identity_now, workload_id)
        )

    # -- WEKA queries -----------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster:
        return await self._run(lambda simulator: simulator.weka.cluster())

    async def weka_health(self) -> WekaHealth:
        from console.model.weka import WekaHealth  # the first frame needs no model dataclasses

        cluster = await self.weka_cluster()
        return WekaHealth(cluster.status, cluster.active_alerts_count)

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        return await self._run(lambda simulator: simulator.weka.metrics(window_seconds))

    async def client_reads(self) -> Sequence[ClientReads]:
        return await self._run(lambda simulator: simulator.feed.client_reads())

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        return await self._run(lambda simulator: simulator.weka.filesystem_groups())

    async def filesystems(self) -> Sequence[Filesystem]:
        return await self._run(lambda simulator: simulator.weka.filesystems())

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        return await self._run(lambda simulator: simulator.weka.snapshots(filesystem_uid))

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        return await self._run(lambda simulator: simulator.weka.buckets())

    async def alerts(self) -> Sequence[Alert]:
        return await self._run(lambda simulator: (*simulator.weka.alerts(), *simulator.runai.alerts()))

    async def runai_alert_count(self) -> int:
        return await self._run(lambda simulator: len(simulator.runai.alerts()))

    async def events(self, event_filter: EventFilter | None = None) -> Sequence[Event]:
        return await self._run(lambda simulator: simulator_events(simulator, event_filter))

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self._act(
            lambda simulator: simulator.runai.create_project(self.identity_now, name, department_id, quotas)
        )

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self._act(
            lambda simulator: simulator.runai.update_project_quotas(self.identity_now, project_id, quotas)
        )

    async def delete_project(self, project_id: str) -> None:
        await self._act(lambda simulator: simulator.runai.delete_project(self.identity_now, project_id))

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        return await self._act(
            lambda simulator: simulator.runai.update_department_quotas(
                self.identity_now, department_id, quotas
            )
        )

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        return await self._act_then(
            lambda simulator: simulator.runai.submit_workload(self.identity_now, spec),
            lambda simulator: simulator.runai.workload_by_name(
                self.identity_now, spec.project_name, spec.name
            ),
        )

    async def suspend_workload(self, workload_id: str) -> Workload:
        return await self._act_then(
            lambda simulator: simulator.runai.suspend_workload(self.identity_now, workload_id),
            lambda simulator: simulator.runai.workload(self.identity_now, workload_id),
        )

    async def resume_workload(self, workload_id: str) -> Workload:
        return await self._act_then(
            lambda simulator: simulator.runai.resume_workload(self.identity_now, workload_id),
            lambda simulator: simulator.runai.workload(self.identity_now, workload_id),
        )

    async def delete_workload(self, workload_id: str) -> None:
        await self._act(lambda simulator: simulator.runai.delete_workload(self.identity_now, workload_id))

    async def cordon_node(self, node_name: str) -> Node:
        return await self._node_action("cordon_node", node_name)

    async def uncordon_node(self, node_name: str) -> Node:
        return await self._node_action("uncordon_node", node_name)

    async def drain_node(self, node_name: str) -> Node:
        return await self._node_action("drain_node", node_name)

    async def undrain_node(self, node_name: str) -> Node:
        return await self._node_action("undrain_node", node_name)

    async def create_filesystem_claim(self, spec: ClaimSpec) -> None:
        await self._run(lambda simulator: simulator.create_filesystem_claim(self.identity_now, spec))

    async def _node_action(self, action: str, node_name: str) -> Node:
        return await self._act_then(
            lambda simulator: getattr(simulator.runai, action)(self.identity_now, node_name),
            lambda simulator: simulator.runai.node(node_name),
        )

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        return await self._run(lambda simulator: simulator.weka.create_filesystem(self.identity_now, spec))

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        return await self._run(
            lambda simulator: simulator.weka.resize_filesystem(
                self.identity_now, filesystem_uid, total_capacity_bytes, ssd_capacity_bytes
            )
        )

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        return await self._run(
            lambda simulator: simulator.weka.set_filesystem_tiering(
                self.identity_now, filesystem_uid, obs_bucket
            )
        )

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        await self._run(lambda simulator: simulator.weka.delete_filesystem(self.identity_now, filesystem_uid))

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        return await self._run(lambda simulator: simulator.weka.create_snapshot(self.identity_now, spec))

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        await self._run(lambda simulator: simulator.weka.delete_snapshot(self.identity_now, snapshot_uid))

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        return await self._run(
            lambda simulator: simulator.weka.restore_snapshot(self.identity_now, snapshot_uid)
        )

    async def upload_snapshot(self, snapshot_uid: str, site: UploadSite = UploadSite.LOCAL) -> Snapshot:
        return await self._run(
            lambda simulator: simulator.weka.upload_snapshot(self.identity_now, snapshot_uid, site)
        )

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        return await self._run(
            lambda simulator: simulator.weka.create_filesystem_from_snapshot(self.identity_now, spec)
        )

    async def mute_alert(self, alert_type: str, duration_seconds: float) -> None:
        await self._run(
            lambda simulator: simulator.weka.mute_alert(self.identity_now, alert_type, duration_seconds)
        )

    async def unmute_alert(self, alert_type: str) -> None:
        await self._run(lambda simulator: simulator.weka.unmute_alert(self.identity_now, alert_type))

    async def prefetch_dataset(self, filesystem_name: str, path: str) -> None:
        await self._run(lambda simulator: simulator.feed.prefetch(self.identity_now, filesystem_name, path))

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Stop the worker thread: queued calls are cancelled, one already running finishes on its own
        (nothing waits for it); a later call starts a new thread."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def simulator_node_object(simulator: Simulator, name: str) -> dict[str, object]:
    """The simulated node as the Kubernetes API shows it (the same object the simulator's face serves)."""
    from console.data.errors import NotFound
    from console.sim.kube_nodes import node_object

    node = simulator.runai.node_record(name)
    if node is None:
        raise NotFound(f"Node {name} not found.", service="kubernetes")
    return node_object(simulator, node)


def simulator_node_pods(simulator: Simulator, name: str) -> list[NodePod]:
    """The simulated node's pods that are not finished, as its Kubernetes face lists them (a crashed
    container's pod stays Running, waiting in CrashLoopBackOff after a restart); the simulator runs
    Run:ai's pods only. Everyone may read them, as the face's "view" role: `OwnProjectsOnly` unnames
    other projects' for a researcher."""
    from console.data.errors import NotFound
    from console.model import NodePod
    from console.sim.http.kube_pods import Pods
    from console.sim.runai_views import pod_views
    from console.wire.kube import TERMINAL_POD_PHASES

    if simulator.runai.node_record(name) is None:
        raise NotFound(f"Node {name} not found.", service="kubernetes")
    found: list[NodePod] = []
    for workload in simulator.runai.workload_records():
        if not any(pod.node_name == name for pod in workload.pods):
            continue
        project = simulator.runai.project_of(workload)
        for pod, view in zip(workload.pods, pod_views(workload), strict=False):
            phase = Pods.wire_phase(pod, view.k8s_phase)
            if pod.node_name != name or phase in TERMINAL_POD_PHASES:
                continue
            crashed = pod.failed
            found.append(
                NodePod(
                    name=pod.name,
                    namespace=project.namespace,
                    phase=phase,
                    workload_id=workload.id,
                    workload_name=workload.name,
                    project_name=project.name,
                    is_runai=True,
                    status="CrashLoopBackOff"
                    if crashed
                    else ""
                    if phase == "Running"
                    else "ContainerCreating",
                    restarts=1 if crashed else 0,
                    gpus=view.allocated_gpus,
                    gpu_indexes=view.gpu_indexes,
                    created_at=pod.created_at,
                )
            )
    return found
