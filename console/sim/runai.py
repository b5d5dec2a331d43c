"""The Run:ai half of the simulator: org units, node pools, nodes and GPUs, workloads and the scheduler.

`RunaiSim` is what the demo backend and the HTTP face call: synchronous queries that return frozen
`console.model` objects, and actions that take the acting `Identity` and raise `console.data.errors`
exactly where the real control plane answers 400/403/404/409. The work is split by concern:

* runai_state.py      mutable records and indexes
* runai_lifecycle.py  phase transitions, timers, events
* runai_scheduler.py  fair share, reclaim, over-quota borrowing
* runai_preemption.py choosing the fewest victims, node by node
* runai_placement.py  bin-packing whole GPUs, fractions, GPU memory and MIG slices
* runai_views.py      frozen domain objects and the API-shaped `describe` dict
* runai_gpus.py       per-GPU views with cached allocations and staggered readings
* runai_logs.py / runai_telemetry.py  believable logs and GPU readings

Views are cached: a workload's frozen view is rebuilt only after the workload changed, so listing
20,000 workloads every refresh costs a list copy, not 20,000 constructions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model.events import Event, EventFilter
from console.model.identity import Identity, Role
from console.model.names import is_dns1123_label
from console.model.runai import (
    DRAIN_TAINT,
    TERMINAL_PHASES,
    ClusterInfo,
    Department,
    GpuDevice,
    GpuRequest,
    GpuRequestKind,
    Node,
    NodePool,
    NodeRole,
    NodeStatus,
    PoolQuota,
    Project,
    ProjectPhase,
    Workload,
    WorkloadEvent,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
    WorkloadUtilisation,
)
from console.model.runai_alerts import node_draining_alert, node_not_ready_alert, workload_degraded_alert
from console.model.storage import DataMount, WorkloadMount
from console.model.weka import Alert
from console.sim.clock import Clock
from console.sim.runai_events import NodeEventLog, cluster_events
from console.sim.runai_gpus import GpuViews
from console.sim.runai_lifecycle import CONTROLLER, KUBELET, Lifecycle
from console.sim.runai_logs import LINE_INTERVAL_SECONDS, LogRenderer, crash_lines
from console.sim.runai_mounts import SimVolume, volumes_of
from console.sim.runai_placement import PodPlan, find_placement, place_pinned
from console.sim.runai_scheduler import SchedulingPass
from console.sim.runai_state import (
    BOUND_PHASES,
    DEFAULT_TRAINING_SECONDS,
    PRIORITY_CLASS_VALUES,
    ClusterState,
    DepartmentState,
    GpuState,
    NodeState,
    PodState,
    PoolState,
    ProjectState,
    QuotaState,
    WorkloadState,
    pod_name,
    uuid4_text,
)
from console.sim.runai_views import (
    department_sums,
    describe,
    event_views,
    node_view,
    pool_quotas,
    pool_view,
    workload_view,
)
from console.wire.csi_wekafs import parse_volume_handle

DEFAULT_ADMIN = "admin@acme.ai"
DEFAULT_RESEARCHER = "alice@acme.ai"
SERVICE = "runai"
DEFAULT_IMAGE = "nvcr.io/nvidia/pytorch:24.08-py3"

LOG_CACHE_ENTRIES = 64

CRASH_BACKOFF_SECONDS = 300.0
"""The kubelet's CrashLoopBackOff ceiling: a container that keeps crashing is restarted every 5 minutes."""
"""Log tails kept between calls (a follower polls every second; a new line comes every few seconds)."""

RETRY_SECONDS = 5.0
"""When a scheduling pass hit its preemption budget, the next pass comes this much later."""

GIB = 1024**3

Activity = Callable[["RunaiSim", float], None]
"""A scenario's simulated users: called once per tick to submit or tidy up work."""


def _forbidden(message: str) -> Forbidden:
    return Forbidden(message, status=403, service=SERVICE)


def _not_found(message: str) -> NotFound:
    return NotFound(message, status=404, service=SERVICE)


def _conflict(message: str) -> Conflict:
    return Conflict(message, status=409, service=SERVICE)


def _invalid(message: str, field: str) -> Invalid:
    return Invalid(message, field=field, status=400, service=SERVICE)


def check_name(name: str, what: str) -> None:
    """Refuse names Kubernetes would refuse, saying what is allowed (field `name`)."""
    if not is_dns1123_label(name):
        raise _invalid(
            f"{what} name {name!r} is not valid: use at most 63 lower-case letters, digits and '-', "
            "starting and ending with a letter or digit",
            "name",
        )


def gpu_request_of(gpu: GpuRequest | float | int) -> GpuRequest:
    """Builder shorthand: an int is whole GPUs, a float below 1 a fraction."""
    if isinstance(gpu, GpuRequest):
        return gpu
    if isinstance(gpu, int) or float(gpu).is_integer():
        return GpuRequest.whole(int(gpu))
    return GpuRequest.fraction(float(gpu))


class RunaiSim:
    """A seeded Run:ai cluster driven by a virtual clock."""

    def __init__(self, clock: Clock, rng: random.Random) -> None:
        self.clock = clock
        self.rng = rng
        self.state = ClusterState()
        self.life = Lifecycle(self.state, clock, rng)
        self.cluster = ClusterInfo(uuid=self._uuid(), name="runai-sim", version="2.20.0", state="Connected")
        self.activity: Activity | None = None
        self._retry_at: float | None = None
        self._org_ids = 1
        self._pool_ids = 100579
        self._node_order = 0
        self._list_cache: dict[str, Workload] = {}
        self._list_items: tuple[Workload, ...] = ()
        self._project_cache: tuple[int, tuple[Project, ...]] = (-1, ())
        self._department_cache: tuple[int, tuple[Department, ...]] = (-1, ())
        self._node_cache: dict[str, tuple[int, Node]] = {}
        self._gpus = GpuViews(self.state, clock)
        self._log_cache: dict[str, tuple[tuple[object, ...], int, tuple[str, ...]]] = {}
        self.node_events = NodeEventLog()

    # ================================================================================================
    # builders (scenarios and tests)
    # ================================================================================================
    def _uuid(self) -> str:
        return uuid4_text(self.rng.getrandbits(128))

    def _next_org_id(self) -> str:
        self._org_ids += 1
        return str(self._org_ids)

    def set_cluster(self, name: str, version: str = "2.20.0") -> None:
        self.cluster = ClusterInfo(uuid=self.cluster.uuid, name=name, version=version, state="Connected")

    def add_department(self, name: str, quotas: Sequence[PoolQuota] = ()) -> str:
        department = DepartmentState(
            id=self._next_org_id(),
            name=name,
            quotas={quota.node_pool: _quota_state(quota) for quota in quotas},
            project_ids=[],
            created_at=self.clock.now() - timedelta(days=120),
        )
        self.state.departments[department.id] = department
        self.state.generation += 1
        return department.id

    def add_project(
        self,
        name: str,
        department: str,
        quotas: Sequence[PoolQuota] = (),
        members: Sequence[str] = (),
        created_ago_s: float = 90 * 86400.0,
    ) -> str:
        """Add a project under `department` (an id or a name); returns the project id."""
        department_state = self._department_by_id_or_name(department)
        project = ProjectState(
            id=self._next_org_id(),
            name=name,
            department_id=department_state.id,
            namespace=f"runai-{name}",
            quotas={quota.node_pool: _quota_state(quota) for quota in quotas},
            members=list(members),
            created_at=self.clock.now() - timedelta(seconds=created_ago_s),
        )
        self.state.projects[project.id] = project
        self.state.project_names[name] = project.id
        department_state.project_ids.append(project.id)
        self.state.generation += 1
        return project.id

    def add_node_pool(self, name: str, *, placement_strategy: str = "binpack") -> str:
        self._pool_ids += 1
        pool = PoolState(
            id=str(self._pool_ids),
            name=name,
            label_key="" if name == "default" else "run.ai/node-pool",
            label_value="" if name == "default" else name,
            node_names=[],
            created_at=self.clock.now() - timedelta(days=200),
            placement_strategy=placement_strategy,
        )
        self.state.pools[name] = pool
        self.state.generation += 1
        return pool.id

    def add_node(
        self,
        name: str,
        pool: str,
        gpu_model: str | None = None,
        gpu_count: int = 0,
        gpu_memory_mib: int = 81920,
        mig: bool = False,
        *,
        status: NodeStatus = NodeStatus.READY,
        cordoned: bool = False,
        cpu_millicores: int | None = None,
        memory_bytes: int | None = None,
        role: NodeRole | None = None,
    ) -> None:
        """Add a node (a DGX-like GPU worker by default sizes, or a CPU worker without GPUs)."""
        if pool not in self.state.pools:
            raise ValueError(f"unknown node pool {pool!r}")
        now = self.clock.now()
        gpus = []
        for index in range(gpu_count):
            bits = self.rng.getrandbits(128)
            gpus.append(
                GpuState(
                    node_name=name,
                    index=index,
                    uuid=f"GPU-{uuid4_text(bits)}",
                    memory_total_mib=gpu_memory_mib,
                    mig=mig,
                    seed=bits & 0xFFFFFFFFFFFF,
                )
            )
        node = NodeState(
            name=name,
            pool=pool,
            role=role or (NodeRole.GPU_WORKER if gpu_count else NodeRole.CPU_WORKER),
            status=status,
            gpu_model=gpu_model if gpu_count else None,
            gpu_memory_mib=gpu_memory_mib if gpu_count else 0,
            mig=mig,
            gpus=gpus,
            cpu_millicores=cpu_millicores or (224_000 if gpu_count else 64_000),
            memory_bytes=memory_bytes or ((2048 if gpu_count else 256) * GIB),
            created_at=now - timedelta(days=180),
            status_since=now - timedelta(minutes=47) if status is not NodeStatus.READY else now,
            order=self._node_order,
            unschedulable=cordoned,
        )
        node.recount()
        self._node_order += 1
        pool_state = self.state.pools[pool]
        if gpu_count and pool_state.gpu_model is None:
            pool_state.gpu_model = gpu_model
            pool_state.gpu_memory_mib = gpu_memory_mib
        self.state.add_node(node)

    def add_workload(
        self,
        name: str,
        project: str,
        *,
        workload_type: WorkloadType = WorkloadType.TRAINING,
        gpu: GpuRequest | float | int = 1,
        workers: int = 1,
        phase: WorkloadPhase = WorkloadPhase.PENDING,
        submitted_by: str | None = None,
        image: str = DEFAULT_IMAGE,
        node_pools: Sequence[str] = (),
        preemptible: bool | None = None,
        duration_seconds: float | None = None,
        run_seconds: float = 0.0,
        created_ago_s: float = 0.0,
        nodes: Sequence[str] | None = None,
        command: str = "",
        arguments: str = "",
        fail_after_s: float | None = None,
        recover_after_s: float | None = None,
        phase_message: str = "",
    ) -> str:
        """Add a workload as if it had reached `phase` (with history: events, run time, placement).

        `project` is a project name. `nodes` pins pods to nodes (pod i on nodes[i % len]); without it
        bound phases are placed by the bin-packer. `run_seconds` is how long it has run so far;
        `fail_after_s` makes a training fail at that run time; `recover_after_s` ends a Degraded
        phase that many seconds from now. Scenario mistakes raise ValueError.
        """
        project_state = self._project_by_name(project)
        if project_state is None:
            raise ValueError(f"unknown project {project!r}")
        request = gpu_request_of(gpu)
        spec = WorkloadSpec(
            name=name,
            project_name=project,
            type=workload_type,
            image=image,
            gpu_request=request,
            command=command,
            arguments=arguments,
            node_pools=tuple(node_pools),
            preemptible=preemptible,
            workers=workers,
            duration_seconds=duration_seconds,
        )
        user = submitted_by or (project_state.members[0] if project_state.members else DEFAULT_ADMIN)
        if phase is WorkloadPhase.COMPLETED and not run_seconds:
            run_seconds = duration_seconds or DEFAULT_TRAINING_SECONDS
        if run_seconds:
            created_ago_s = max(created_ago_s, run_seconds + 30.0)
        workload = self._new_workload(spec, project_state, user, created_ago_s)
        workload.fail_at = fail_after_s
        # Past events are appended directly: one cache invalidation per workload, not one per event.
        # (A workload still Creating is submitted below, which records its Created event itself.)
        if phase is not WorkloadPhase.CREATING:
            workload.events.append(
                (workload.created_at, "Normal", "Created", f"Workload submitted by {user}", CONTROLLER)
            )
        life = self.life
        if phase is WorkloadPhase.CREATING:
            life.set_phase(workload, WorkloadPhase.CREATING)
            life.submit(workload)
        elif phase is WorkloadPhase.PENDING:
            pending_since = workload.created_at
            if run_seconds > 0:
                pending_since = self._history_segment(workload, run_seconds, "preempted")
            life.set_phase(workload, WorkloadPhase.PENDING, phase_message)
            workload.phase_updated_at = pending_since  # a seeded workload has waited since then, not now
        elif phase in (WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED):
            self._bind_for_scenario(workload, nodes)
            self._add_bound(workload, phase, run_seconds, recover_after_s, phase_message)
        elif phase in (WorkloadPhase.COMPLETED, WorkloadPhase.FAILED, WorkloadPhase.STOPPED):
            self._add_finished(workload, phase, run_seconds, phase_message)
        else:
            raise ValueError(f"add_workload cannot start a workload in phase {phase}")
        return workload.id

    def _add_bound(
        self,
        workload: WorkloadState,
        phase: WorkloadPhase,
        run_seconds: float,
        recover_after_s: float | None,
        phase_message: str,
    ) -> None:
        """A placed workload: Initializing (starts soon), Running for `run_seconds`, or Degraded."""
        life = self.life
        if phase is WorkloadPhase.INITIALIZING:
            workload.bound_at = life.elapsed()
            workload.events.append(
                (self.clock.now(), "Normal", "Pulling", f'Pulling image "{workload.image}"', KUBELET)
            )
            life.set_phase(workload, WorkloadPhase.INITIALIZING, phase_message)
            life.timer(workload, float(self.rng.randint(5, 20)), "started")
            return
        started = life.elapsed() - run_seconds
        workload.bound_at = started - 10.0
        self._started_events(workload, life.at_elapsed(started))
        life.set_phase(workload, WorkloadPhase.RUNNING)
        workload.phase_updated_at = life.at_elapsed(started)  # running for `run_seconds`, not since now
        if recover_after_s is not None:
            workload.recover_at = life.elapsed() + recover_after_s
        life.open_segment(workload, started)
        if phase is WorkloadPhase.DEGRADED:
            failed = workload.pods[-1]
            failed.failed = True
            failed.crashed_at = self.clock.now()
            failed.crashed_run_seconds = float(run_seconds)
            running = workload.workers - 1
            message = phase_message or (
                f"Pod {failed.name} is in CrashLoopBackOff; {running} of {workload.workers} pods running"
            )
            backoff = f"Back-off restarting failed container in pod {failed.name}"
            workload.events.append((self.clock.now(), "Warning", "BackOff", backoff, KUBELET))
            life.set_phase(workload, WorkloadPhase.DEGRADED, message)

    def _add_finished(
        self, workload: WorkloadState, phase: WorkloadPhase, run_seconds: float, phase_message: str
    ) -> None:
        """Completed, Failed or Stopped, with the run that led there."""
        kind = {WorkloadPhase.COMPLETED: "completed", WorkloadPhase.FAILED: "failed"}.get(phase, "stopped")
        end = self._history_segment(workload, run_seconds, kind)
        events = workload.events
        user = workload.submitted_by
        if phase is WorkloadPhase.COMPLETED:
            message = phase_message or "All pods completed successfully"
            events.append((end, "Normal", "Completed", message, CONTROLLER))
            workload.completed_at = end
        elif phase is WorkloadPhase.FAILED:
            pod = workload.pods[0].name
            message = phase_message or f"Pod {pod} failed: container exited with code 1 (CUDA out of memory)"
            events.append((end, "Warning", "BackOff", message, KUBELET))
            workload.completed_at = end
        else:
            message = phase_message or f"Suspended by {user}"
            events.append(
                (end, "Normal", "Suspending", f"Suspended by {user}; stopping its pods", CONTROLLER)
            )
            events.append((end, "Normal", "Stopped", "All pods terminated; GPUs released", CONTROLLER))
        self.life.set_phase(workload, phase, message)
        workload.phase_updated_at = end

    def add_event(self, workload_id: str, kind: str, reason: str, message: str, ago_s: float = 0.0) -> None:
        """Attach a past event (a scenario's preemption story, for instance)."""
        workload = self.state.workloads[workload_id]
        at = self.clock.now() - timedelta(seconds=ago_s)
        self.life.event(workload, kind, reason, message, "runai-scheduler", at)
        workload.events.sort(key=lambda event: event[0])

    def set_node_status(self, name: str, status: NodeStatus) -> None:
        """Mark a node Ready/NotReady (a kubelet that stopped reporting); NotReady nodes take no work."""
        node = self._node_state(name)
        if node.status is not status:
            node.status = status
            node.status_since = self.clock.now()
            ready = status is NodeStatus.READY
            self.node_events.record(
                self.clock.now(),
                name,
                "NodeReady" if ready else "NodeNotReady",
                f"Node {name} status is now: {'NodeReady' if ready else 'NodeNotReady'}",
                warning=not ready,
            )
            self._node_changed(node)

    def _history_segment(self, workload: WorkloadState, run_seconds: float, end_kind: str) -> datetime:
        """A finished stretch of running in the past (from 20 s after creation); returns when it ended."""
        start = workload.created_at + timedelta(seconds=20)
        end = start + timedelta(seconds=run_seconds)
        if run_seconds > 0:
            workload.log_segments.append([start, 0.0, run_seconds, end_kind])
            workload.run_done = run_seconds
            self._started_events(workload, start)
        return end

    def _started_events(self, workload: WorkloadState, start: datetime) -> None:
        """Scheduled / Pulled / Started events of a start that happened before the simulation began."""
        namespace = self.state.projects[workload.project_id].namespace
        pod = workload.pods[0]
        assigned = f"Successfully assigned {namespace}/{pod.name} to {pod.node_name or 'a node'}"
        workload.events += [
            (start - timedelta(seconds=9), "Normal", "Scheduled", assigned, "runai-scheduler"),
            (start, "Normal", "Pulled", f'Successfully pulled image "{workload.image}"', KUBELET),
            (start, "Normal", "Started", f"Started container {workload.name}", KUBELET),
        ]

    def _bind_for_scenario(self, workload: WorkloadState, nodes: Sequence[str] | None) -> None:
        found: list[PodPlan] | None = None
        if nodes:
            pinned = [self._node_state(nodes[pod.index % len(nodes)]) for pod in workload.pods]
            found = place_pinned(pinned, workload.gpu_request)
        else:
            for pool in workload.node_pools:
                found = find_placement(self.state.pool_nodes(pool), workload.gpu_request, workload.workers)
                if found is not None:
                    break
        if found is None:
            where = ", ".join(nodes) if nodes else ", ".join(workload.node_pools)
            raise ValueError(
                f"{workload.name}: {workload.gpu_request.describe()} x {workload.workers} "
                f"does not fit on {where}"
            )
        self.life.bind(workload, found)

    # ================================================================================================
    # identity
    # ================================================================================================
    def identity_for(self, user: str | None, role: Role) -> Identity:
        """Who the console acts as; a researcher's projects are the projects listing them as a member."""
        if role is Role.ADMIN:
            return Identity(user=user or DEFAULT_ADMIN, role=Role.ADMIN)
        name = user or DEFAULT_RESEARCHER
        projects = tuple(project.name for project in self.state.projects.values() if name in project.members)
        return Identity(user=name, role=Role.RESEARCHER, project_names=projects)

    def _visible_project_ids(self, actor: Identity) -> set[str] | None:
        """None for "everything" (admins); the server's membership decides, plus the identity's claims."""
        if actor.is_admin:
            return None
        claimed = set(actor.project_names)
        return {
            project.id
            for project in self.state.projects.values()
            if actor.user in project.members or project.name in claimed
        }

    def _require_admin(self, actor: Identity, what: str) -> None:
        if not actor.is_admin:
            raise _forbidden(f"{what} requires an administrator; {actor.user} is a researcher.")

    def _require_visible(self, actor: Identity, workload: WorkloadState) -> None:
        visible = self._visible_project_ids(actor)
        if visible is not None and workload.project_id not in visible:
            raise _forbidden(
                f"You do not have sufficient permissions: {actor.user} is not a member of this project."
            )

    def _require_owner(self, actor: Identity, workload: WorkloadState, what: str) -> None:
        self._require_visible(actor, workload)
        if not actor.is_admin and workload.submitted_by != actor.user:
            raise _forbidden(
                f"Cannot {what} {workload.name}: it was submitted by {workload.submitted_by}, "
                "and researchers "
                "may act only on their own workloads."
            )

    # ================================================================================================
    # queries
    # ================================================================================================
    def cluster_info(self) -> ClusterInfo:
        return self.cluster

    def departments(self, actor: Identity) -> list[Department]:
        generation, cached = self._department_cache
        if generation != self.state.generation:
            cached = tuple(
                self._department_view(department) for department in self.state.departments.values()
            )
            self._department_cache = (self.state.generation, cached)
        visible = self._visible_project_ids(actor)
        if visible is None:
            return list(cached)
        return [department for department in cached if any(pid in visible for pid in department.project_ids)]

    def _department_view(self, department: DepartmentState) -> Department:
        allocated, non_preemptible, requested = department_sums(department, self.state.projects)
        return Department(
            id=department.id,
            name=department.name,
            quotas=pool_quotas(department.quotas, self.state.pools, allocated, non_preemptible, requested),
            project_ids=tuple(department.project_ids),
        )

    def projects(self, actor: Identity) -> list[Project]:
        generation, cached = self._project_cache
        if generation != self.state.generation:
            cached = tuple(self._project_view(project) for project in self.state.projects.values())
            self._project_cache = (self.state.generation, cached)
        visible = self._visible_project_ids(actor)
        if visible is None:
            return list(cached)
        return [project for project in cached if project.id in visible]

    def _project_view(self, project: ProjectState) -> Project:
        department = self.state.departments.get(project.department_id)
        return Project(
            id=project.id,
            name=project.name,
            department_id=project.department_id,
            department_name=department.name if department else "",
            namespace=project.namespace,
            phase=project.phase,
            quotas=pool_quotas(
                project.quotas,
                self.state.pools,
                project.allocated,
                project.allocated_non_preemptible,
                project.requested,
            ),
            created_at=project.created_at,
            running_workloads=project.running,
            pending_workloads=project.pending,
        )

    def node_pools(self) -> list[NodePool]:
        return [pool_view(pool, self.state.pool_nodes(name)) for name, pool in self.state.pools.items()]

    def nodes(self) -> list[Node]:
        return [self._node_view(node) for node in self.state.nodes.values()]

    def node(self, name: str) -> Node:
        return self._node_view(self._node_state(name))

    def _node_view(self, node: NodeState) -> Node:
        cached = self._node_cache.get(node.name)
        if cached is None or cached[0] != node.version:
            cached = (node.version, node_view(node))
            self._node_cache[node.name] = cached
        return cached[1]

    def gpus(self, node_name: str | None = None) -> list[GpuDevice]:
        """Every GPU (or one node's) with its allocations and a current reading (None where N/A)."""
        if node_name is not None:
            return list(self._gpus.of_node(self._node_state(node_name)))
        return [gpu for node in self.state.nodes.values() if node.gpus for gpu in self._gpus.of_node(node)]

    def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> list[WorkloadUtilisation]:
        """Each GPU-holding workload's utilisation over the window, or only `workload_id`'s (see
        `GpuViews.utilisation`)."""
        wanted = {workload_id} if workload_id is not None else None
        return self._gpus.utilisation(window_seconds, step_seconds, wanted)

    def workloads(self, actor: Identity, workload_filter: WorkloadFilter | None = None) -> list[Workload]:
        items = self._workload_list()
        visible = self._visible_project_ids(actor)
        if visible is None and (workload_filter is None or workload_filter == WorkloadFilter()):
            return list(items)
        return [item for item in items if _matches(item, visible, workload_filter)]

    def _workload_list(self) -> tuple[Workload, ...]:
        """All workloads' list views, rebuilding only the ones that changed since the last call."""
        state = self.state
        if state.changed:
            cache = self._list_cache
            for workload_id in state.changed:
                workload = state.workloads.get(workload_id)
                if workload is None:
                    cache.pop(workload_id, None)
                else:
                    cache[workload_id] = self._workload_view(workload, detail=False)
            state.changed.clear()
            self._list_items = tuple(cache.values())
        return self._list_items

    def _workload_view(self, workload: WorkloadState, *, detail: bool) -> Workload:
        project = self.state.projects[workload.project_id]
        department = self.state.departments.get(project.department_id)
        return workload_view(workload, project, department.name if department else "", detail=detail)

    def workload(self, actor: Identity, workload_id: str) -> Workload:
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        return self._workload_view(workload, detail=True)

    def workload_by_name(self, actor: Identity, project_name: str, name: str) -> Workload:
        project = self._project_by_name(project_name)
        workload_id = self.state.names.get((project.id, name)) if project else None
        if workload_id is None:
            raise _not_found(f"Workload {name} not found in project {project_name}.")
        return self.workload(actor, workload_id)

    def workload_utilisation_samples(
        self, actor: Identity, workload_id: str, start: datetime, end: datetime, samples: int
    ) -> list[tuple[datetime, float | None]]:
        """`samples` readings of the workload's GPU utilisation from `start` to `end`, evenly spaced
        (Run:ai's `GET /workloads/{id}/metrics?metricType=GPU_UTILIZATION`); none without GPUs."""
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        if samples <= 0 or end <= start:
            return []
        span = (end - start).total_seconds()
        moments = [start + timedelta(seconds=span * k / max(1, samples - 1)) for k in range(samples)]
        times = [(moment - self.clock.start).total_seconds() for moment in moments]
        percents = self._gpus.utilisation_at(times, {workload_id}).get(workload_id)
        if percents is None:
            return []
        return list(zip(moments, percents, strict=True))

    def events(self, event_filter: EventFilter | None = None) -> list[Event]:
        """Every workload's and node's events that `event_filter` asks for, newest first (all projects:
        `console.data.visibility` names other projects' objects "another project" for a researcher)."""
        return cluster_events(self.state, self.node_events, event_filter)

    def workload_events(self, actor: Identity, workload_id: str) -> list[WorkloadEvent]:
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        return list(event_views(workload))

    def workload_mounts(self, actor: Identity, workload_id: str) -> list[DataMount]:
        """The volumes the workload's pods mount, each resolved to what it is on WEKA; none while it has no
        pods (suspended), as on a real cluster, where only pods mount claims."""
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        if not workload.pods or workload.phase is WorkloadPhase.STOPPED:
            return []
        return [
            _data_mount(volume)
            for volume in volumes_of(workload, self.state.projects[workload.project_id].name)
        ]

    def data_mounts(self, actor: Identity) -> list[WorkloadMount]:
        """Every volume of every workload the actor may see whose pods run or wait to (a suspended workload
        has none, a finished one's containers have let go), for "who mounts this filesystem"."""
        visible = self._visible_project_ids(actor)
        mounts = []
        for workload in self.state.workloads.values():
            if visible is not None and workload.project_id not in visible:
                continue
            if (
                not workload.pods
                or workload.phase is WorkloadPhase.STOPPED
                or workload.phase in TERMINAL_PHASES
            ):
                continue
            project = self.state.projects[workload.project_id].name
            for volume in volumes_of(workload, project):
                mounts.append(
                    WorkloadMount(workload.id, workload.name, project, workload.phase, _data_mount(volume))
                )
        return mounts

    def workload_logs(self, actor: Identity, workload_id: str) -> list[str]:
        """The container log tail (last 5,000 lines); empty until a pod has started."""
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        return list(self._log_tail(workload, self._log_pod(workload, None))[1])

    def workload_logs_after(
        self, actor: Identity, workload_id: str, seen: int, *, pod: str | None = None, previous: bool = False
    ) -> tuple[list[str], int]:
        """Lines of one pod's log (the first pod's when `pod` is None) written after the first `seen` ones,
        and how many there are now, for `--follow`; `previous` reads the container that crashed before
        this one, as `kubectl logs --previous` does.

        The tail keeps only the last 5,000 lines, so once a job has written more, a follower cannot
        find its place by counting `workload_logs`; it passes back the total this returns instead.
        """
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        total, lines = self._log_tail(workload, self._log_pod(workload, pod), previous=previous)
        fresh = max(0, total - seen)
        return (list(lines[-fresh:]) if fresh else []), total

    @staticmethod
    def _log_pod(workload: WorkloadState, name: str | None) -> PodState | None:
        """The pod whose log is asked for: None for the first pod of a workload that has none yet."""
        if name is None:
            return workload.pods[0] if workload.pods else None
        for pod in workload.pods:
            if pod.name == name:
                return pod
        raise _not_found(f'pods "{name}" not found')

    def _log_tail(
        self, workload: WorkloadState, pod: PodState | None = None, *, previous: bool = False
    ) -> tuple[int, tuple[str, ...]]:
        """(lines written in all, the tail) of one pod's current or previous container, cached until the
        workload writes its next line."""
        rank = pod.index if pod is not None else 0
        if previous and (pod is None or pod.crashed_at is None):
            name = pod.name if pod is not None else workload.name
            raise Invalid(f'previous terminated container "{workload.name}" in pod "{name}" not found')
        if not workload.log_segments:
            return 0, ()
        run_now = self.life.run_seconds(workload)
        renderer_pool = workload.current_pool or (workload.node_pools[0] if workload.node_pools else "")
        last = workload.log_segments[-1]
        interval = LINE_INTERVAL_SECONDS[workload.type]
        crashed = pod is not None and pod.crashed_at is not None and (previous or pod.failed)
        restarts = int(self.clock.now().timestamp() // CRASH_BACKOFF_SECONDS) if crashed else 0
        key = (
            len(workload.log_segments),
            last[2],
            last[3],
            int(run_now // interval),
            renderer_pool,
            rank,
            previous,
            crashed,
            restarts,
        )
        cache_key = f"{workload.id}/{rank}/{previous}"
        cached = self._log_cache.get(cache_key)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        project = self.state.projects[workload.project_id]
        pool = self.state.pools.get(renderer_pool)
        renderer = LogRenderer(workload, pool.gpu_model if pool else None, project.namespace, rank)
        if crashed and pod is not None and pod.crashed_at is not None:
            restart = self._last_restart(pod.crashed_at)
            if not previous:
                lines = renderer.restarted(restart)
            elif restart > pod.crashed_at:  # it has crash-looped: the previous try died the same way
                lines = renderer.restarted(restart - timedelta(seconds=CRASH_BACKOFF_SECONDS))
            else:  # the first crash: the run up to it
                lines = [*renderer.tail(pod.crashed_run_seconds), *crash_lines(pod.crashed_at, rank)]
            entry = (key, len(lines), tuple(lines))
        else:
            entry = (key, renderer.count(run_now), tuple(renderer.tail(run_now)))
        if len(self._log_cache) >= LOG_CACHE_ENTRIES:
            self._log_cache.clear()
        self._log_cache[cache_key] = entry
        return entry[1], entry[2]

    def _last_restart(self, crashed_at: datetime) -> datetime:
        """When a crash-looping container last started: the kubelet's back-off grows to five minutes, so
        after the first tries it restarts every CRASH_BACKOFF_SECONDS. A try lives 20 s (`restarted`),
        so the newest one has already died: it began 30 s before the crash it is counted from."""
        since = max(0.0, (self.clock.now() - crashed_at).total_seconds())
        loops = since // CRASH_BACKOFF_SECONDS
        return crashed_at + timedelta(seconds=CRASH_BACKOFF_SECONDS * loops - 30)

    def describe_workload(self, actor: Identity, workload_id: str) -> dict[str, object]:
        workload = self._workload_state(workload_id)
        self._require_visible(actor, workload)
        project = self.state.projects[workload.project_id]
        return describe(
            workload,
            project,
            self.state.departments.get(project.department_id),
            self.cluster.uuid,
            self.life.run_seconds(workload),
            self.life.pending_seconds(workload),
        )

    def alerts(self) -> list[Alert]:
        """Run:ai-side alerts: nodes that stopped reporting, nodes draining, degraded workloads."""
        alerts: list[Alert] = []
        for node in self.state.nodes.values():
            if node.status is not NodeStatus.READY:
                alerts.append(
                    node_not_ready_alert(node.name, node.status, len(node.gpus), node.pool, node.status_since)
                )
            elif DRAIN_TAINT in node.taints:
                alerts.append(node_draining_alert(node.name, node.status_since))
        for workload in self.state.workloads.values():
            if workload.phase is WorkloadPhase.DEGRADED:
                project = self.state.projects[workload.project_id]
                alerts.append(
                    workload_degraded_alert(
                        project.name, workload.name, workload.phase_message, workload.phase_updated_at
                    )
                )
        return alerts

    # ================================================================================================
    # actions: org units
    # ================================================================================================
    def create_project(
        self, actor: Identity, name: str, department_id: str, quotas: Sequence[PoolQuota]
    ) -> Project:
        self._require_admin(actor, "Creating a project")
        check_name(name, "Project")
        if department_id not in self.state.departments:
            raise _invalid(f"Department {department_id} does not exist.", "department_id")
        if self._project_by_name(name) is not None:
            raise _conflict("Resource with this name already exists")
        checked = self._check_quotas(quotas)
        project_id = self.add_project(name, department_id, created_ago_s=0.0)
        project = self.state.projects[project_id]
        project.quotas = checked
        self._quota_changed()
        return self._project_view(project)

    def update_project_quotas(self, actor: Identity, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        """Set the listed node pools' quotas (pools not listed keep theirs, like the API's PATCH)."""
        self._require_admin(actor, "Changing a project's quota")
        project = self._project_state(project_id)
        project.quotas.update(self._check_quotas(quotas))
        self._quota_changed()
        return self._project_view(project)

    def delete_project(self, actor: Identity, project_id: str) -> None:
        """Deleting a project deletes its workloads; it shows as Deleting until they are gone."""
        self._require_admin(actor, "Deleting a project")
        project = self._project_state(project_id)
        if project.phase is ProjectPhase.DELETING:
            return
        project.phase = ProjectPhase.DELETING
        for workload_id in list(project.workload_ids):
            workload = self.state.workloads[workload_id]
            if workload.phase is not WorkloadPhase.DELETING:
                self.life.delete(workload, actor.user)
        if not project.workload_ids:
            self.life.drop_project_now(project)
        self._quota_changed()

    def update_department_quotas(
        self, actor: Identity, department_id: str, quotas: Sequence[PoolQuota]
    ) -> Department:
        self._require_admin(actor, "Changing a department's quota")
        department = self.state.departments.get(department_id)
        if department is None:
            raise _not_found(f"Department {department_id} not found.")
        department.quotas.update(self._check_quotas(quotas))
        self._quota_changed()
        return self._department_view(department)

    def _check_quotas(self, quotas: Sequence[PoolQuota]) -> dict[str, QuotaState]:
        checked: dict[str, QuotaState] = {}
        for quota in quotas:
            if quota.node_pool not in self.state.pools:
                raise _invalid(f"Node pool {quota.node_pool!r} does not exist.", "node_pool")
            if quota.node_pool in checked:
                raise _invalid(f"Node pool {quota.node_pool!r} is listed twice.", "node_pool")
            if quota.deserved_gpus < 0:
                raise _invalid(f"Deserved GPUs in {quota.node_pool} cannot be negative.", "deserved_gpus")
            if quota.limit_gpus < 0 and quota.limit_gpus != -1:
                raise _invalid(
                    f"GPU limit in {quota.node_pool} cannot be negative (use -1 for unlimited).", "limit_gpus"
                )
            if quota.limit_gpus >= 0 and quota.limit_gpus < quota.deserved_gpus:
                raise _invalid(
                    f"GPU limit in {quota.node_pool} ({quota.limit_gpus:g}) is below the deserved quota "
                    f"({quota.deserved_gpus:g}).",
                    "limit_gpus",
                )
            if quota.over_quota_weight < 0:
                raise _invalid(
                    f"Over-quota weight in {quota.node_pool} cannot be negative.", "over_quota_weight"
                )
            checked[quota.node_pool] = _quota_state(quota)
        return checked

    def _quota_changed(self) -> None:
        self.state.generation += 1
        self.life.dirty = True

    # ================================================================================================
    # actions: workloads
    # ================================================================================================
    def submit_workload(self, actor: Identity, spec: WorkloadSpec) -> str:
        """Validate like the API, then create the workload in phase Creating; returns its id."""
        check_name(spec.name, "Workload")
        project = self._project_by_name(spec.project_name)
        if project is None:
            raise _invalid(f"Project {spec.project_name!r} does not exist.", "project_name")
        visible = self._visible_project_ids(actor)
        if visible is not None and project.id not in visible:
            raise _forbidden(
                f"{actor.user} is not a member of project {project.name} and cannot submit to it."
            )
        if project.phase is ProjectPhase.DELETING:
            raise _conflict(f"Project {project.name} is being deleted.")
        self._check_spec(spec)
        if (project.id, spec.name) in self.state.names:
            raise _conflict(
                f"Resource with this name already exists: workload {spec.name} in project {project.name}."
            )
        workload = self._new_workload(spec, project, actor.user, 0.0)
        self.life.set_phase(workload, WorkloadPhase.CREATING)
        self.life.submit(workload)
        return workload.id

    def _check_spec(self, spec: WorkloadSpec) -> None:
        if not spec.image.strip():
            raise _invalid("An image is required.", "image")
        if spec.workers < 1:
            raise _invalid("A workload needs at least one worker.", "workers")
        if spec.workers > 1 and spec.type is not WorkloadType.DISTRIBUTED:
            raise _invalid("Only distributed workloads have more than one worker.", "workers")
        if spec.duration_seconds is not None and spec.duration_seconds <= 0:
            raise _invalid("Duration must be positive.", "duration_seconds")
        for pool in spec.node_pools:
            if pool not in self.state.pools:
                raise _invalid(f"Node pool {pool!r} does not exist.", "node_pools")
        request = spec.gpu_request
        if request.kind is GpuRequestKind.DEVICES and request.devices < 0:
            raise _invalid("The number of GPUs cannot be negative.", "gpu")
        if request.kind is GpuRequestKind.PORTION and not 0.0 < request.portion < 1.0:
            raise _invalid(
                f"A GPU fraction must be between 0 and 1 (exclusive), not {request.portion:g}; "
                "ask for whole GPUs for 1 or more.",
                "gpu",
            )
        if request.kind is GpuRequestKind.MEMORY:
            largest = max((pool.gpu_memory_mib for pool in self.state.pools.values()), default=0)
            if request.memory_mib <= 0:
                raise _invalid("GPU memory must be positive.", "gpu")
            if request.memory_mib > largest:
                raise _invalid(f"No GPU in the cluster has {request.memory_mib} MiB of memory.", "gpu")

    def _new_workload(
        self, spec: WorkloadSpec, project: ProjectState, user: str, created_ago_s: float
    ) -> WorkloadState:
        preemptible = spec.preemptible
        if preemptible is None:
            preemptible = spec.type in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED)
        if spec.type is WorkloadType.INFERENCE:
            priority_class = "inference"
        elif spec.type is WorkloadType.WORKSPACE:
            priority_class = "interactive-preemptible" if preemptible else "build"
        else:
            priority_class = "train"
        duration = spec.duration_seconds
        if duration is None and spec.type in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED):
            duration = DEFAULT_TRAINING_SECONDS
        bits = self.rng.getrandbits(128)
        created_at = self.clock.now() - timedelta(seconds=created_ago_s)
        workload = WorkloadState(
            id=uuid4_text(bits),
            name=spec.name,
            type=spec.type,
            project_id=project.id,
            submitted_by=user,
            phase=WorkloadPhase.UNKNOWN,
            phase_message="",
            phase_reason=None,
            phase_updated_at=created_at,
            created_at=created_at,
            preemptible=preemptible,
            priority_class=priority_class,
            priority=PRIORITY_CLASS_VALUES[priority_class],
            image=spec.image,
            command=spec.command,
            arguments=spec.arguments,
            node_pools=spec.node_pools or self._default_pools(project, spec.gpu_request),
            gpu_request=spec.gpu_request,
            workers=spec.workers,
            duration=duration if spec.type in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED) else None,
            seed=bits & 0xFFFFFFFF,
            queued_at=self.life.elapsed(),
        )
        workload.pods = [
            PodState(index=index, name=_pod_name(spec.name, spec.type, index), created_at=created_at)
            for index in range(spec.workers)
        ]
        state = self.state
        state.workloads[workload.id] = workload
        state.names[(project.id, spec.name)] = workload.id
        project.workload_ids[workload.id] = None
        state.touch(workload)
        return workload

    def _default_pools(self, project: ProjectState, request: GpuRequest) -> tuple[str, ...]:
        """Without a node-pool list: GPU pools where the project has quota (most first), then the rest."""
        pools = self.state.pools
        if request.kind is GpuRequestKind.DEVICES and request.devices == 0:
            cpu_first = sorted(
                pools.values(), key=lambda pool: (pool.gpu_model is not None, pool.name != "default")
            )
            return tuple(pool.name for pool in cpu_first)
        with_gpus = [pool for pool in pools.values() if pool.gpu_model is not None]
        if request.kind is GpuRequestKind.MEMORY:
            with_gpus = [pool for pool in with_gpus if pool.gpu_memory_mib >= request.memory_mib]
        ranked = sorted(with_gpus, key=lambda pool: -project.quota(pool.name).deserved)
        if not ranked:
            raise _invalid("No node pool has GPUs for this request.", "node_pools")
        return tuple(pool.name for pool in ranked)

    def suspend_workload(self, actor: Identity, workload_id: str) -> None:
        workload = self._workload_state(workload_id)
        self._require_owner(actor, workload, "suspend")
        phase = workload.phase
        if phase in TERMINAL_PHASES:
            raise _conflict(
                f"Workload {workload.name} has {phase.value.lower()}; "
                "a finished workload cannot be suspended."
            )
        if phase in (WorkloadPhase.STOPPED, WorkloadPhase.STOPPING):
            raise _conflict(f"Workload {workload.name} is already suspended ({phase.value}).")
        if phase is WorkloadPhase.DELETING:
            raise _conflict(f"Workload {workload.name} is being deleted.")
        self.life.suspend(workload, actor.user)

    def resume_workload(self, actor: Identity, workload_id: str) -> None:
        workload = self._workload_state(workload_id)
        self._require_owner(actor, workload, "resume")
        if workload.phase is WorkloadPhase.STOPPING:
            raise _conflict(f"Workload {workload.name} is still stopping; resume it once it is Stopped.")
        if workload.phase is not WorkloadPhase.STOPPED:
            raise _conflict(
                f"Workload {workload.name} is {workload.phase.value}, not suspended; nothing to resume."
            )
        self.life.resume(workload, actor.user)

    def delete_workload(self, actor: Identity, workload_id: str) -> None:
        workload = self._workload_state(workload_id)
        self._require_owner(actor, workload, "delete")
        if workload.phase is WorkloadPhase.DELETING:
            raise _conflict(f"Workload {workload.name} is already being deleted.")
        self.life.delete(workload, actor.user)

    # ================================================================================================
    # actions: nodes
    # ================================================================================================
    def cordon_node(self, actor: Identity, name: str) -> None:
        self._require_admin(actor, "Cordoning a node")
        node = self._node_state(name)
        if not node.unschedulable:
            node.unschedulable = True
            self.node_events.record(
                self.clock.now(), name, "NodeNotSchedulable", f"Node {name} status is now: NodeNotSchedulable"
            )
            self._node_changed(node)

    def uncordon_node(self, actor: Identity, name: str) -> None:
        self._require_admin(actor, "Uncordoning a node")
        node = self._node_state(name)
        if node.unschedulable:
            node.unschedulable = False
            self.node_events.record(
                self.clock.now(), name, "NodeSchedulable", f"Node {name} status is now: NodeSchedulable"
            )
            self._node_changed(node)

    def drain_node(self, actor: Identity, name: str) -> None:
        """Add the Run:ai maintenance taint; preemptible work moves off and queues for other nodes."""
        self._require_admin(actor, "Draining a node")
        node = self._node_state(name)
        if DRAIN_TAINT not in node.taints:
            node.taints.append(DRAIN_TAINT)
            node.status_since = self.clock.now()
            self.node_events.record(
                self.clock.now(),
                name,
                "Draining",
                f"Node {name} tainted runai=drain:NoExecute; preemptible workloads move off",
                warning=True,
            )
        for workload_id in list(node.bound):
            workload = self.state.workloads.get(workload_id)
            if workload is not None and workload.preemptible and workload.phase in BOUND_PHASES:
                if workload.phase in (WorkloadPhase.STOPPING, WorkloadPhase.DELETING):
                    continue
                self.life.evict_for_drain(workload, node)
        self._node_changed(node)

    def undrain_node(self, actor: Identity, name: str) -> None:
        self._require_admin(actor, "Undraining a node")
        node = self._node_state(name)
        if DRAIN_TAINT in node.taints:
            node.taints.remove(DRAIN_TAINT)
            self.node_events.record(
                self.clock.now(), name, "Undrained", f"Node {name}: taint runai=drain:NoExecute removed"
            )
            self._node_changed(node)

    def _node_changed(self, node: NodeState) -> None:
        node.version += 1
        self.state.generation += 1
        self.life.dirty = True

    # ================================================================================================
    # time
    # ================================================================================================
    def step(self, dt_seconds: float) -> None:
        """Advance by one tick (the clock has already moved): scheduler, due transitions, simulated users.

        The scheduler runs first, on what the previous tick left pending, so a workload that enters
        Pending is seen Pending for at least one tick before it is placed — as on a real cluster,
        where the phase is reported before the scheduler's next session binds the pods.
        """
        retry_due = self._retry_at is not None and self.clock.elapsed_seconds >= self._retry_at
        if self.life.dirty or retry_due:
            self.schedule()
        self.life.run_due()
        if self.activity is not None:
            self.activity(self, dt_seconds)

    def schedule(self) -> None:
        """One scheduling pass now, without moving time (after an action, so its effect shows at once).

        `step` calls this only when something changed that could let pending work start; a pass that
        ran out of its preemption budget asks for another a few seconds later rather than every tick.
        """
        self.life.dirty = False
        self._retry_at = None
        scheduling = SchedulingPass(self.state, self.life)
        scheduling.run()
        if scheduling.incomplete:
            self._retry_at = self.clock.elapsed_seconds + RETRY_SECONDS

    # ================================================================================================
    # lookups
    # ================================================================================================
    def _workload_state(self, workload_id: str) -> WorkloadState:
        workload = self.state.workloads.get(workload_id)
        if workload is None:
            raise _not_found(f"Workload {workload_id} not found.")
        return workload

    def _project_state(self, project_id: str) -> ProjectState:
        project = self.state.projects.get(project_id)
        if project is None:
            raise _not_found(f"Project {project_id} not found.")
        return project

    def _project_by_name(self, name: str) -> ProjectState | None:
        project_id = self.state.project_names.get(name)
        return self.state.projects.get(project_id) if project_id is not None else None

    def _department_by_id_or_name(self, key: str) -> DepartmentState:
        departments = self.state.departments
        found = departments.get(key) or next((d for d in departments.values() if d.name == key), None)
        if found is None:
            raise ValueError(f"unknown department {key!r}")
        return found

    def _node_state(self, name: str) -> NodeState:
        node = self.state.nodes.get(name)
        if node is None:
            raise _not_found(f"Node {name} not found.")
        return node

    def project_id(self, name: str) -> str:
        """The id of the project called `name` (tests and scenarios think in names)."""
        project = self._project_by_name(name)
        if project is None:
            raise _not_found(f"Project {name} not found.")
        return project.id


def _quota_state(quota: PoolQuota) -> QuotaState:
    return QuotaState(deserved=quota.deserved_gpus, limit=quota.limit_gpus, weight=quota.over_quota_weight)


def _pod_name(name: str, workload_type: WorkloadType, index: int) -> str:
    return pod_name(name, workload_type is WorkloadType.DISTRIBUTED, index)


def _matches(item: Workload, visible: set[str] | None, workload_filter: WorkloadFilter | None) -> bool:
    """Whether the caller may see `item` and it passes the filter; how a filter matches is defined once,
    by `WorkloadFilter.matches`, which the live backend and the screens use too."""
    if visible is not None and item.project_id not in visible:
        return False
    return workload_filter is None or workload_filter.matches(item)


def _data_mount(volume: SimVolume) -> DataMount:
    return DataMount(volume.claim, volume.mount_path, volume.read_only, parse_volume_handle(volume.handle))
