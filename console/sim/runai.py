"""The Run:ai half of the simulator: org units, node pools, nodes and GPUs, workloads and the scheduler.

`RunaiSim` is what the demo backend and the HTTP face call: synchronous queries that return frozen
`console.model` objects, and actions that take the acting `Identity` and raise `console.data.errors`
exactly where the real control plane answers 400/403/404/409. This module is the facade: the actions
and time; the rest is split by concern:

* runai_builders.py   how scenarios and tests set a cluster up (with history)
* runai_access.py     identity, visibility, admin/owner rules, lookups that answer 404
* runai_reads.py      queries (cached frozen views) and the read API the HTTP faces use
* runai_state.py      mutable records and indexes
* runai_lifecycle.py  phase transitions, timers, events
* runai_scheduler.py  fair share, reclaim, over-quota borrowing
* runai_preemption.py choosing the fewest victims, node by node
* runai_placement.py  bin-packing whole GPUs, fractions, GPU memory and MIG slices
* runai_views.py      frozen domain objects and the API-shaped `describe` dict
* runai_gpus.py       per-GPU views with cached allocations and staggered readings
* runai_logs.py / runai_log_tails.py / runai_telemetry.py  believable logs and GPU readings
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from console.model.identity import Identity
from console.model.runai import (
    DRAIN_TAINT,
    TERMINAL_PHASES,
    ClusterInfo,
    Department,
    GpuRequestKind,
    Node,
    PoolQuota,
    Project,
    ProjectPhase,
    Workload,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.clock import Clock
from console.sim.runai_access import (
    check_name,
    conflict,
    forbidden,
    invalid,
    node_state,
    not_found,
    project_by_name,
    project_state,
    require_admin,
    require_owner,
    visible_project_ids,
    workload_state,
)
from console.sim.runai_builders import RunaiBuilders, gpu_request_of, quota_state
from console.sim.runai_claims import ClaimRegistry, check_volumes
from console.sim.runai_events import NodeEventLog
from console.sim.runai_gpu_faults import GpuFaults
from console.sim.runai_gpus import GpuViews
from console.sim.runai_lifecycle import Lifecycle
from console.sim.runai_log_tails import LogTails
from console.sim.runai_reads import RunaiReads
from console.sim.runai_scheduler import SchedulingPass
from console.sim.runai_state import BOUND_PHASES, ClusterState, QuotaState

__all__ = ["Activity", "RunaiSim", "gpu_request_of"]

RETRY_SECONDS = 5.0
"""When a scheduling pass hit its preemption budget, the next pass comes this much later."""

Activity = Callable[["RunaiSim", float], None]
"""A scenario's simulated users: called once per tick to submit or tidy up work."""


class RunaiSim(RunaiBuilders, RunaiReads):
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
        self.gpu_faults = GpuFaults(clock)
        self.claims = ClaimRegistry(on_change=self._claims_changed)
        """The volumes and claims someone made (`runai_claims`), which submitted workloads may mount."""
        self._gpus = GpuViews(self.state, clock, self.gpu_faults)
        self._logs = LogTails(self.state, clock, self.life)
        self.node_events = NodeEventLog()

    def feed_gpus_from(self, fed_at: Callable[[str, float], float]) -> None:
        """Let GPU readings follow how well each workload is fed with data (`console.sim.data_feed`)."""
        self._gpus.fed_at = fed_at

    # ================================================================================================
    # actions: org units
    # ================================================================================================
    def create_project(
        self, actor: Identity, name: str, department_id: str, quotas: Sequence[PoolQuota]
    ) -> Project:
        require_admin(actor, "Creating a project")
        check_name(name, "Project")
        if department_id not in self.state.departments:
            raise invalid(f"Department {department_id} does not exist.", "department_id")
        if project_by_name(self.state, name) is not None:
            raise conflict("Resource with this name already exists")
        checked = self._check_quotas(quotas)
        project_id = self.add_project(name, department_id, created_ago_s=0.0)
        project = self.state.projects[project_id]
        project.quotas = checked
        self._quota_changed()
        return self._project_view(project)

    def update_project_quotas(self, actor: Identity, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        """Set the listed node pools' quotas (pools not listed keep theirs, like the API's PATCH)."""
        require_admin(actor, "Changing a project's quota")
        project = project_state(self.state, project_id)
        project.quotas.update(self._check_quotas(quotas))
        self._quota_changed()
        return self._project_view(project)

    def delete_project(self, actor: Identity, project_id: str) -> None:
        """Deleting a project deletes its workloads; it shows as Deleting until they are gone."""
        require_admin(actor, "Deleting a project")
        project = project_state(self.state, project_id)
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
        require_admin(actor, "Changing a department's quota")
        department = self.state.departments.get(department_id)
        if department is None:
            raise not_found(f"Department {department_id} not found.")
        department.quotas.update(self._check_quotas(quotas))
        self._quota_changed()
        return self._department_view(department)

    def _check_quotas(self, quotas: Sequence[PoolQuota]) -> dict[str, QuotaState]:
        checked: dict[str, QuotaState] = {}
        for quota in quotas:
            if quota.node_pool not in self.state.pools:
                raise invalid(f"Node pool {quota.node_pool!r} does not exist.", "node_pool")
            if quota.node_pool in checked:
                raise invalid(f"Node pool {quota.node_pool!r} is listed twice.", "node_pool")
            if quota.deserved_gpus < 0:
                raise invalid(f"Deserved GPUs in {quota.node_pool} cannot be negative.", "deserved_gpus")
            if quota.limit_gpus < 0 and quota.limit_gpus != -1:
                raise invalid(
                    f"GPU limit in {quota.node_pool} cannot be negative (use -1 for unlimited).", "limit_gpus"
                )
            if quota.limit_gpus >= 0 and quota.limit_gpus < quota.deserved_gpus:
                raise invalid(
                    f"GPU limit in {quota.node_pool} ({quota.limit_gpus:g}) is below the deserved quota "
                    f"({quota.deserved_gpus:g}).",
                    "limit_gpus",
                )
            if quota.over_quota_weight < 0:
                raise invalid(
                    f"Over-quota weight in {quota.node_pool} cannot be negative.", "over_quota_weight"
                )
            checked[quota.node_pool] = quota_state(quota)
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
        project = project_by_name(self.state, spec.project_name)
        if project is None:
            raise invalid(f"Project {spec.project_name!r} does not exist.", "project_name")
        visible = visible_project_ids(self.state, actor)
        if visible is not None and project.id not in visible:
            raise forbidden(
                f"{actor.user} is not a member of project {project.name} and cannot submit to it."
            )
        if project.phase is ProjectPhase.DELETING:
            raise conflict(f"Project {project.name} is being deleted.")
        self._check_spec(spec)
        if (project.id, spec.name) in self.state.names:
            raise conflict(
                f"Resource with this name already exists: workload {spec.name} in project {project.name}."
            )
        workload = self._new_workload(spec, project, actor.user, 0.0)
        self.life.set_phase(workload, WorkloadPhase.CREATING)
        self.life.submit(workload)
        return workload.id

    def _claims_changed(self) -> None:
        self.state.generation += 1

    def _check_spec(self, spec: WorkloadSpec) -> None:
        if not spec.image.strip():
            raise invalid("An image is required.", "image")
        if spec.workers < 1:
            raise invalid("A workload needs at least one worker.", "workers")
        if spec.workers > 1 and spec.type is not WorkloadType.DISTRIBUTED:
            raise invalid("Only distributed workloads have more than one worker.", "workers")
        if spec.duration_seconds is not None and spec.duration_seconds <= 0:
            raise invalid("Duration must be positive.", "duration_seconds")
        for pool in spec.node_pools:
            if pool not in self.state.pools:
                raise invalid(f"Node pool {pool!r} does not exist.", "node_pools")
        check_volumes(spec.volumes)
        request = spec.gpu_request
        if request.kind is GpuRequestKind.DEVICES and request.devices < 0:
            raise invalid("The number of GPUs cannot be negative.", "gpu")
        if request.kind is GpuRequestKind.PORTION and not 0.0 < request.portion < 1.0:
            raise invalid(
                f"A GPU fraction must be between 0 and 1 (exclusive), not {request.portion:g}; "
                "ask for whole GPUs for 1 or more.",
                "gpu",
            )
        if request.kind is GpuRequestKind.MEMORY:
            largest = max((pool.gpu_memory_mib for pool in self.state.pools.values()), default=0)
            if request.memory_mib <= 0:
                raise invalid("GPU memory must be positive.", "gpu")
            if request.memory_mib > largest:
                raise invalid(f"No GPU in the cluster has {request.memory_mib} MiB of memory.", "gpu")

    def suspend_workload(self, actor: Identity, workload_id: str) -> None:
        workload = workload_state(self.state, workload_id)
        require_owner(self.state, actor, workload, "suspend")
        phase = workload.phase
        if phase in TERMINAL_PHASES:
            raise conflict(
                f"Workload {workload.name} has {phase.value.lower()}; "
                "a finished workload cannot be suspended."
            )
        if phase in (WorkloadPhase.STOPPED, WorkloadPhase.STOPPING):
            raise conflict(f"Workload {workload.name} is already suspended ({phase.value}).")
        if phase is WorkloadPhase.DELETING:
            raise conflict(f"Workload {workload.name} is being deleted.")
        self.life.suspend(workload, actor.user)

    def resume_workload(self, actor: Identity, workload_id: str) -> None:
        workload = workload_state(self.state, workload_id)
        require_owner(self.state, actor, workload, "resume")
        if workload.phase is WorkloadPhase.STOPPING:
            raise conflict(f"Workload {workload.name} is still stopping; resume it once it is Stopped.")
        if workload.phase is not WorkloadPhase.STOPPED:
            raise conflict(
                f"Workload {workload.name} is {workload.phase.value}, not suspended; nothing to resume."
            )
        self.life.resume(workload, actor.user)

    def delete_workload(self, actor: Identity, workload_id: str) -> None:
        workload = workload_state(self.state, workload_id)
        require_owner(self.state, actor, workload, "delete")
        if workload.phase is WorkloadPhase.DELETING:
            raise conflict(f"Workload {workload.name} is already being deleted.")
        self.life.delete(workload, actor.user)

    # ================================================================================================
    # actions: nodes
    # ================================================================================================
    def cordon_node(self, actor: Identity, name: str) -> None:
        require_admin(actor, "Cordoning a node")
        self._set_unschedulable(name, True)

    def uncordon_node(self, actor: Identity, name: str) -> None:
        require_admin(actor, "Uncordoning a node")
        self._set_unschedulable(name, False)

    def _set_unschedulable(self, name: str, unschedulable: bool) -> None:
        """Cordon or uncordon: the kubelet files NodeNotSchedulable / NodeSchedulable when it changes."""
        node = node_state(self.state, name)
        if node.unschedulable is not unschedulable:
            node.unschedulable = unschedulable
            reason = "NodeNotSchedulable" if unschedulable else "NodeSchedulable"
            self.node_events.record(self.clock.now(), name, reason, f"Node {name} status is now: {reason}")
            self._node_changed(node)

    def drain_node(self, actor: Identity, name: str) -> None:
        """Add the Run:ai maintenance taint; preemptible work moves off and queues for other nodes."""
        require_admin(actor, "Draining a node")
        node = node_state(self.state, name)
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
        require_admin(actor, "Undraining a node")
        node = node_state(self.state, name)
        if DRAIN_TAINT in node.taints:
            node.taints.remove(DRAIN_TAINT)
            self.node_events.record(
                self.clock.now(), name, "Undrained", f"Node {name}: taint runai=drain:NoExecute removed"
            )
            self._node_changed(node)

    def evict_from_node(self, actor: Identity, workload_id: str, node_name: str) -> None:
        """An eviction of one of the workload's pods on `node_name` (the Kubernetes face's policy/v1
        Eviction): the workload moves off as a drain moves it, and the controller makes new pods."""
        require_admin(actor, "Evicting a pod")
        workload = workload_state(self.state, workload_id)
        self.life.evict_for_drain(workload, node_state(self.state, node_name))

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
