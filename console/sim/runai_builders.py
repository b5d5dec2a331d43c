"""Builders: how scenarios and tests set a Run:ai cluster up, with the history a real cluster would have.

`add_workload` puts a workload straight into the phase a scenario names (placed, run for a while,
finished), with the events and log segments that led there; nothing checks who acts, and scenario
mistakes raise ValueError. Submissions go through `RunaiSim.submit_workload`, which checks like the API
and then makes the workload with the same `_new_workload`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from console.model.runai import (
    ClusterInfo,
    GpuRequest,
    GpuRequestKind,
    NodeRole,
    NodeStatus,
    PoolQuota,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.model.storage import VolumeSpec
from console.sim.clock import Clock
from console.sim.runai_access import (
    DEFAULT_ADMIN,
    department_by_id_or_name,
    invalid,
    node_state,
    project_by_name,
)
from console.sim.runai_events import NodeEventLog
from console.sim.runai_lifecycle import CONTROLLER, KUBELET, Lifecycle
from console.sim.runai_placement import PodPlan, find_placement, place_pinned
from console.sim.runai_state import (
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

DEFAULT_IMAGE = "nvcr.io/nvidia/pytorch:24.08-py3"
GIB = 1024**3


def gpu_request_of(gpu: GpuRequest | float | int) -> GpuRequest:
    """Builder shorthand: an int is whole GPUs, a float below 1 a fraction."""
    if isinstance(gpu, GpuRequest):
        return gpu
    if isinstance(gpu, int) or float(gpu).is_integer():
        return GpuRequest.whole(int(gpu))
    return GpuRequest.fraction(float(gpu))


class RunaiBuilders:
    """Mixed into `RunaiSim`; builds records in its `state` (ids, uuids and GPU seeds from its `rng`)."""

    clock: Clock
    rng: random.Random
    state: ClusterState
    life: Lifecycle
    cluster: ClusterInfo
    node_events: NodeEventLog
    _org_ids: int
    _pool_ids: int
    _node_order: int

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
            quotas={quota.node_pool: quota_state(quota) for quota in quotas},
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
        department_state = department_by_id_or_name(self.state, department)
        project = ProjectState(
            id=self._next_org_id(),
            name=name,
            department_id=department_state.id,
            namespace=f"runai-{name}",
            quotas={quota.node_pool: quota_state(quota) for quota in quotas},
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
            # A Ready node has been up since its last restart, days ago (not since the demo started).
            status_since=now - timedelta(minutes=47)
            if status is not NodeStatus.READY
            else now - timedelta(days=2 + self._node_order % 12, hours=self._node_order % 9),
            order=self._node_order,
            unschedulable=cordoned,
        )
        node.recount()
        if status is not NodeStatus.READY:  # what the node controller recorded when the kubelet went quiet
            self.node_events.record(
                node.status_since,
                name,
                "NodeNotReady",
                f"Node {name} status is now: NodeNotReady",
                warning=True,
            )
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
        volumes: Sequence[VolumeSpec] = (),
    ) -> str:
        """Add a workload as if it had reached `phase` (with history: events, run time, placement).

        `project` is a project name. `nodes` pins pods to nodes (pod i on nodes[i % len]); without it
        bound phases are placed by the bin-packer. `run_seconds` is how long it has run so far;
        `fail_after_s` makes a training fail at that run time; `recover_after_s` ends a Degraded
        phase that many seconds from now. Scenario mistakes raise ValueError.
        """
        project_state = project_by_name(self.state, project)
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
            volumes=tuple(volumes),
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
        node = node_state(self.state, name)
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
            pinned = [node_state(self.state, nodes[pod.index % len(nodes)]) for pod in workload.pods]
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
            volumes=spec.volumes,
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
            raise invalid("No node pool has GPUs for this request.", "node_pools")
        return tuple(pool.name for pool in ranked)

    def _node_changed(self, node: NodeState) -> None:
        node.version += 1
        self.state.generation += 1
        self.life.dirty = True


def quota_state(quota: PoolQuota) -> QuotaState:
    return QuotaState(deserved=quota.deserved_gpus, limit=quota.limit_gpus, weight=quota.over_quota_weight)


def _pod_name(name: str, workload_type: WorkloadType, index: int) -> str:
    return pod_name(name, workload_type is WorkloadType.DISTRIBUTED, index)
