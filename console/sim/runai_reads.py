"""Queries of the Run:ai simulator: frozen `console.model` objects for the demo backend, and the read API
the HTTP faces use (an org unit's creation time, a project's namespace, a node's or workload's record,
the generation), so no face reaches into the mutable `ClusterState`.

Views are cached: a workload's frozen view is rebuilt only after the workload changed, so listing
20,000 workloads every refresh costs a list copy, not 20,000 constructions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from console.model.events import Event, EventFilter
from console.model.gpu_history import GpuHistory
from console.model.identity import Identity, Role
from console.model.runai import (
    DRAIN_TAINT,
    TERMINAL_PHASES,
    ClusterInfo,
    Department,
    GpuDevice,
    Node,
    NodePool,
    NodeStatus,
    Pod,
    Project,
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
from console.sim import runai_gpu_history
from console.sim.clock import Clock
from console.sim.runai_access import (
    identity_for,
    node_state,
    not_found,
    project_by_name,
    require_visible,
    visible_project_ids,
    workload_state,
)
from console.sim.runai_claims import ClaimRegistry
from console.sim.runai_events import NodeEventLog, cluster_events
from console.sim.runai_gpu_faults import GpuFaults
from console.sim.runai_gpus import GpuViews
from console.sim.runai_lifecycle import Lifecycle
from console.sim.runai_log_tails import LogTails
from console.sim.runai_mounts import SimVolume, volumes_of
from console.sim.runai_state import (
    ClusterState,
    DepartmentState,
    NodeState,
    PoolState,
    ProjectState,
    WorkloadState,
)
from console.sim.runai_views import (
    department_sums,
    describe,
    event_views,
    node_view,
    pod_views,
    pool_quotas,
    pool_view,
    workload_view,
)
from console.wire.csi_wekafs import parse_volume_handle


class RunaiReads:
    """Mixed into `RunaiSim`: every query, over its `state`, with the caches that keep polling cheap."""

    clock: Clock
    state: ClusterState
    life: Lifecycle
    cluster: ClusterInfo
    node_events: NodeEventLog
    gpu_faults: GpuFaults
    claims: ClaimRegistry
    _list_cache: dict[str, Workload]
    _list_items: tuple[Workload, ...]
    _project_cache: tuple[int, tuple[Project, ...]]
    _department_cache: tuple[int, tuple[Department, ...]]
    _node_cache: dict[str, tuple[int, Node]]
    _gpus: GpuViews
    _logs: LogTails

    def identity_for(self, user: str | None, role: Role) -> Identity:
        """Who the console acts as; a researcher's projects are the projects listing them as a member."""
        return identity_for(self.state.projects.values(), user, role)

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
        visible = visible_project_ids(self.state, actor)
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
        visible = visible_project_ids(self.state, actor)
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
        return self._node_view(node_state(self.state, name))

    def _node_view(self, node: NodeState) -> Node:
        cached = self._node_cache.get(node.name)
        if cached is None or cached[0] != node.version:
            cached = (node.version, node_view(node))
            self._node_cache[node.name] = cached
        return cached[1]

    def gpus(self, node_name: str | None = None) -> list[GpuDevice]:
        """Every GPU (or one node's) with its allocations and a current reading (None where N/A)."""
        if node_name is not None:
            return list(self._gpus.of_node(node_state(self.state, node_name)))
        return [gpu for node in self.state.nodes.values() if node.gpus for gpu in self._gpus.of_node(node)]

    def node_gpu_history(
        self, node_name: str, window_seconds: float, step_seconds: float
    ) -> list[GpuHistory]:
        """Each GPU of the node over the window (`runai_gpu_history`); everyone may read a node."""
        node = node_state(self.state, node_name)
        return runai_gpu_history.node_gpu_history(self.state, self.clock, node, window_seconds, step_seconds)

    def node_gpu_samples(
        self, node_name: str, moments: Sequence[datetime]
    ) -> dict[int, tuple[list[float | None], list[float | None]]]:
        """{GPU index: (utilisation %, memory in use MiB) at each of `moments`}: the node metrics route."""
        node = node_state(self.state, node_name)
        times = [(moment - self.clock.start).total_seconds() for moment in moments]
        return runai_gpu_history.gpu_samples(self.state, self.clock, node, times)

    def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> list[WorkloadUtilisation]:
        """Each GPU-holding workload's utilisation over the window, or only `workload_id`'s (see
        `GpuViews.utilisation`)."""
        wanted = {workload_id} if workload_id is not None else None
        histories = self._gpus.utilisation(window_seconds, step_seconds, wanted)
        if workload_id is None:
            return histories
        # One workload's line also has its GPU memory, on the same grid.
        now = self.clock.elapsed_seconds
        with_memory = []
        for history in histories:
            start = (history.start - self.clock.start).total_seconds()
            times = [start + k * step_seconds for k in range(len(history.percents))]
            memory = runai_gpu_history.workload_memory_at(self.state, history.workload_id, times, now)
            with_memory.append(dataclasses.replace(history, memory_used_mib=tuple(memory or ())))
        return with_memory

    def workloads(self, actor: Identity, workload_filter: WorkloadFilter | None = None) -> list[Workload]:
        items = self._workload_list()
        visible = visible_project_ids(self.state, actor)
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
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        return self._workload_view(workload, detail=True)

    def workload_by_name(self, actor: Identity, project_name: str, name: str) -> Workload:
        project = project_by_name(self.state, project_name)
        workload_id = self.state.names.get((project.id, name)) if project else None
        if workload_id is None:
            raise not_found(f"Workload {name} not found in project {project_name}.")
        return self.workload(actor, workload_id)

    def workload_utilisation_samples(
        self, actor: Identity, workload_id: str, start: datetime, end: datetime, samples: int
    ) -> list[tuple[datetime, float | None]]:
        """`samples` readings of the workload's GPU utilisation from `start` to `end`, evenly spaced
        (Run:ai's `GET /workloads/{id}/metrics?metricType=GPU_UTILIZATION`); none without GPUs."""
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        if samples <= 0 or end <= start:
            return []
        span = (end - start).total_seconds()
        moments = [start + timedelta(seconds=span * k / max(1, samples - 1)) for k in range(samples)]
        times = [(moment - self.clock.start).total_seconds() for moment in moments]
        percents = self._gpus.utilisation_at(times, {workload_id}).get(workload_id)
        if percents is None:
            return []
        return list(zip(moments, percents, strict=True))

    def workload_memory_samples(
        self, actor: Identity, workload_id: str, start: datetime, end: datetime, samples: int
    ) -> list[tuple[datetime, float | None]]:
        """As `workload_utilisation_samples`, its GPU memory in use in bytes (`GPU_MEMORY_USAGE_BYTES`)."""
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        if samples <= 0 or end <= start:
            return []
        span = (end - start).total_seconds()
        moments = [start + timedelta(seconds=span * k / max(1, samples - 1)) for k in range(samples)]
        times = [(moment - self.clock.start).total_seconds() for moment in moments]
        now = self.clock.elapsed_seconds
        memory = runai_gpu_history.workload_memory_at(self.state, workload_id, times, now)
        if memory is None:
            return []
        return [
            (at, None if mib is None else float(round(mib * 1024 * 1024)))  # whole bytes, as Run:ai's
            for at, mib in zip(moments, memory, strict=True)
        ]

    def events(self, event_filter: EventFilter | None = None) -> list[Event]:
        """Every workload's and node's events that `event_filter` asks for, newest first (all projects:
        `console.data.visibility` names other projects' objects "another project" for a researcher)."""
        return cluster_events(self.state, self.node_events, event_filter, self.gpu_faults.events())

    def workload_events(self, actor: Identity, workload_id: str) -> list[WorkloadEvent]:
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        return list(event_views(workload))

    def workload_spec(self, actor: Identity, workload_id: str) -> WorkloadSpec:
        """The workload as submitted (what Run:ai's typed `GET /workloads/trainings/{id}` has as `spec`)."""
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        return WorkloadSpec(
            name=workload.name,
            project_name=self.state.projects[workload.project_id].name,
            type=workload.type,
            image=workload.image,
            gpu_request=workload.gpu_request,
            command=workload.command,
            arguments=workload.arguments,
            node_pools=workload.node_pools,
            preemptible=workload.preemptible,
            workers=max(1, workload.workers),
            volumes=workload.volumes,
        )

    def workload_mounts(self, actor: Identity, workload_id: str) -> list[DataMount]:
        """The volumes the workload's pods mount, each resolved to what it is on WEKA. While it has no pods
        (suspended), the claims its spec names (submitted with `volumes`), as live rwc reads them from
        Run:ai's typed route; a workload whose volumes come only with its pods has none then."""
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        project = self.state.projects[workload.project_id]
        if (not workload.pods or workload.phase is WorkloadPhase.STOPPED) and not workload.volumes:
            return []
        return [
            _data_mount(volume, project.namespace)
            for volume in volumes_of(workload, project.name, self.claims)
        ]

    def data_mounts(self, actor: Identity) -> list[WorkloadMount]:
        """Every volume of every workload the actor may see whose pods run or wait to (a suspended workload
        has none, a finished one's containers have let go), for "who mounts this filesystem"."""
        visible = visible_project_ids(self.state, actor)
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
            project = self.state.projects[workload.project_id]
            for volume in volumes_of(workload, project.name, self.claims):
                mount = _data_mount(volume, project.namespace)
                mounts.append(WorkloadMount(workload.id, workload.name, project.name, workload.phase, mount))
        return mounts

    def workload_logs(self, actor: Identity, workload_id: str) -> list[str]:
        """The container log tail (last 5,000 lines); empty until a pod has started."""
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        return list(self._logs.tail(workload, self._logs.pod_of(workload, None))[1])

    def workload_logs_after(
        self, actor: Identity, workload_id: str, seen: int, *, pod: str | None = None, previous: bool = False
    ) -> tuple[list[str], int]:
        """Lines of one pod's log (the first pod's when `pod` is None) written after the first `seen` ones,
        and how many there are now, for `--follow`; `previous` reads the container that crashed before
        this one, as `kubectl logs --previous` does.

        The tail keeps only the last 5,000 lines, so once a job has written more, a follower cannot
        find its place by counting `workload_logs`; it passes back the total this returns instead.
        """
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
        total, lines = self._logs.tail(workload, self._logs.pod_of(workload, pod), previous=previous)
        fresh = max(0, total - seen)
        return (list(lines[-fresh:]) if fresh else []), total

    def describe_workload(self, actor: Identity, workload_id: str) -> dict[str, object]:
        workload = workload_state(self.state, workload_id)
        require_visible(self.state, actor, workload)
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

    def project_id(self, name: str) -> str:
        """The id of the project called `name` (tests and scenarios think in names)."""
        project = project_by_name(self.state, name)
        if project is None:
            raise not_found(f"Project {name} not found.")
        return project.id

    # ================================================================================================
    # the read API of the HTTP faces: what the wire needs beyond the frozen views
    # ================================================================================================
    # The Kubernetes face writes pods, claims and events from the records themselves (their versions,
    # allocations, attempts): these hand them out read-only by contract, so a face never edits the state
    # and never depends on how `ClusterState` indexes it. tests/unit/sim_runai/test_faces_read_api.py
    # checks that no face reaches past them.
    def generation(self) -> int:
        """Moves whenever anything a face shows changed (the Kubernetes face's resourceVersion)."""
        return self.state.generation

    def department_created_at(self, department_id: str) -> datetime:
        """When the department was made (the wire has it; the frozen `Department` does not)."""
        return self.state.departments[department_id].created_at

    def node_pool_created_at(self, name: str) -> datetime:
        return self.state.pools[name].created_at

    def node_status_since(self, name: str) -> datetime:
        """When the node last changed status or began to drain (the wire's `updatedAt`)."""
        return self.state.nodes[name].status_since

    def department_exists(self, department_id: str) -> bool:
        """Whether it exists at all (a face answers 403, not 404, for one the caller cannot see)."""
        return department_id in self.state.departments

    def project_exists(self, project_id: str) -> bool:
        return project_id in self.state.projects

    def project_record(self, project_id: str) -> ProjectState | None:
        """A project's record (name, namespace, department id, members), None when there is none."""
        return self.state.projects.get(project_id)

    def project_records(self) -> Collection[ProjectState]:
        return self.state.projects.values()

    def project_of(self, workload: WorkloadState) -> ProjectState:
        """The project a workload record belongs to (it exists as long as the workload does)."""
        return self.state.projects[workload.project_id]

    def pool_record(self, name: str) -> PoolState | None:
        """A node pool's record (its label and creation time), None when there is none."""
        return self.state.pools.get(name)

    def node_record(self, name: str) -> NodeState | None:
        """A node's record (taints, status since, GPUs and what is bound there), None when there is none."""
        return self.state.nodes.get(name)

    def node_records(self) -> Collection[NodeState]:
        return self.state.nodes.values()

    def workload_record(self, workload_id: str) -> WorkloadState | None:
        """A workload's record (its pods, events and version), None when it is gone."""
        return self.state.workloads.get(workload_id)

    def workload_records(self) -> Collection[WorkloadState]:
        return self.state.workloads.values()

    def workload_type(self, workload_id: str) -> WorkloadType | None:
        workload = self.state.workloads.get(workload_id)
        return workload.type if workload is not None else None

    def workload_pods(self, workload_id: str) -> tuple[Pod, ...]:
        """The pods a workload has now (none while Stopped or gone), without checking who asks."""
        workload = self.state.workloads.get(workload_id)
        return pod_views(workload) if workload is not None else ()

    def workload_pod_count(self, workload_id: str) -> int:
        """len(workload_pods(...)) without building the pods' views."""
        workload = self.state.workloads.get(workload_id)
        if workload is None or workload.phase is WorkloadPhase.STOPPED:
            return 0
        return len(workload.pods)


def _matches(item: Workload, visible: set[str] | None, workload_filter: WorkloadFilter | None) -> bool:
    """Whether the caller may see `item` and it passes the filter; how a filter matches is defined once,
    by `WorkloadFilter.matches`, which the live backend and the screens use too."""
    if visible is not None and item.project_id not in visible:
        return False
    return workload_filter is None or workload_filter.matches(item)


def _data_mount(volume: SimVolume, namespace: str) -> DataMount:
    if not volume.handle:  # a claim nobody made: bound to nothing, said as the live chain says it
        note = f"claim {volume.claim} not found in {namespace}"
        return DataMount(volume.claim, volume.mount_path, volume.read_only, None, note)
    return DataMount(volume.claim, volume.mount_path, volume.read_only, parse_volume_handle(volume.handle))
