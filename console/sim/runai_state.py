"""The Run:ai simulator's mutable state: plain records the scheduler edits in place.

The domain model (console.model.runai) is frozen so screens can hold on to it; the simulator needs
the opposite — cheap in-place edits of counters and allocations on every tick — so it keeps these
mutable records and builds frozen views from them on demand (console/sim/runai_views.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.model.runai import (
    UNLIMITED,
    GpuRequest,
    GpuRequestKind,
    NodeRole,
    NodeStatus,
    PhaseReason,
    ProjectPhase,
    Taint,
    WorkloadPhase,
    WorkloadType,
)
from console.model.storage import VolumeSpec


def uuid4_text(bits: int) -> str:
    """A version-4 UUID string from 128 random bits (uuid.UUID is ~8x slower; 28,000 are made for `large`)."""
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


EPSILON = 1e-9
"""Tolerance for sums of GPU fractions (0.5 + 0.25 + 0.25 must count as exactly one GPU)."""

# -- lifecycle timings (seconds of simulated time) ------------------------------------------------
CREATING_SECONDS = 1.0
STOPPING_SECONDS = 3.0
RESUMING_SECONDS = 2.0
DELETING_SECONDS = 3.0
TERMINATING_SECONDS = 2.0
INITIALIZING_SECONDS = (4.0, 15.0)
"""Image pull and container start; drawn per placement from the rng so the demo does not tick in step."""
DEFAULT_TRAINING_SECONDS = 300.0
"""How long a training runs when the spec gives no duration: long enough to watch, short enough to end."""

MAX_EVENTS_PER_WORKLOAD = 60

# -- priorities ------------------------------------------------------------------------------------
# reference/runai.md §8 lists two priority vocabularies ([CONFLICT]: the older four classes and the
# newer seven-level dictionary). The simulator speaks the older one, which every documented cluster
# version still shows; this table is the one place that choice is made.
PRIORITY_CLASS_VALUES: dict[str, int] = {
    "train": 50,
    "interactive-preemptible": 75,
    "build": 100,
    "inference": 125,
}

RUNNING_PHASES = frozenset({WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED})
"""Phases in which the workload's containers run and its training makes progress."""

BOUND_PHASES = frozenset(
    {
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
        WorkloadPhase.DEGRADED,
        WorkloadPhase.STOPPING,
        WorkloadPhase.DELETING,
        WorkloadPhase.UPDATING,
    }
)
"""Phases in which the workload may hold GPUs (Deleting and Stopping hold them until pods are gone)."""

DEMAND_PHASES = frozenset(
    {
        WorkloadPhase.CREATING,
        WorkloadPhase.PENDING,
        WorkloadPhase.RESUMING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RUNNING,
        WorkloadPhase.DEGRADED,
        WorkloadPhase.TERMINATING,
        WorkloadPhase.UPDATING,
    }
)
"""Phases whose GPU request counts as the project's `requested` (what it wants, placed or not)."""


@dataclass(slots=True)
class QuotaState:
    """One org unit's GPU quota in one node pool, as the admin set it."""

    deserved: float = 0.0
    limit: float = UNLIMITED
    weight: float = 2.0


@dataclass(slots=True, eq=False)
class DepartmentState:
    id: str
    name: str
    quotas: dict[str, QuotaState]
    project_ids: list[str]
    created_at: datetime


@dataclass(slots=True, eq=False)
class ProjectState:
    id: str
    name: str
    department_id: str
    namespace: str
    quotas: dict[str, QuotaState]
    members: list[str]
    created_at: datetime
    phase: ProjectPhase = ProjectPhase.READY
    allocated: dict[str, float] = field(default_factory=dict)
    allocated_non_preemptible: dict[str, float] = field(default_factory=dict)
    requested: dict[str, float] = field(default_factory=dict)
    running: int = 0
    pending: int = 0
    workload_ids: dict[str, None] = field(default_factory=dict)
    """Ids of the project's workloads (an ordered set), so deleting a project finds them fast."""

    def quota(self, pool: str) -> QuotaState:
        """The quota in `pool`; a pool the admin never set is attached with zero quota (reference §3.3)."""
        found = self.quotas.get(pool)
        if found is None:
            found = self.quotas[pool] = QuotaState()
        return found


@dataclass(slots=True, eq=False)
class PoolState:
    id: str
    name: str
    label_key: str
    label_value: str
    node_names: list[str]
    created_at: datetime
    gpu_model: str | None = None
    gpu_memory_mib: int = 0
    placement_strategy: str = "binpack"


@dataclass(slots=True, eq=False)
class AllocState:
    """One pod's share of one GPU."""

    workload_id: str
    pod_index: int
    fraction: float
    memory_mib: int | None
    mig_profile: str | None
    slices: int


@dataclass(slots=True, eq=False)
class GpuState:
    node_name: str
    index: int
    uuid: str
    memory_total_mib: int
    mig: bool
    seed: int
    allocs: list[AllocState] = field(default_factory=list)
    used: float = 0.0
    used_slices: int = 0

    @property
    def is_free(self) -> bool:
        return not self.allocs


@dataclass(slots=True, eq=False)
class NodeState:
    name: str
    pool: str
    role: NodeRole
    status: NodeStatus
    gpu_model: str | None
    gpu_memory_mib: int
    mig: bool
    gpus: list[GpuState]
    cpu_millicores: int
    memory_bytes: int
    created_at: datetime
    status_since: datetime
    order: int
    taints: list[Taint] = field(default_factory=list)
    unschedulable: bool = False
    allocated_cpu_millicores: int = 0
    allocated_memory_bytes: int = 0
    free_whole: int = 0
    version: int = 0
    bound: dict[str, None] = field(default_factory=dict)
    """Ids of workloads with a pod on this node, in bind order (an ordered set)."""

    @property
    def schedulable(self) -> bool:
        """Takes new pods: Ready, not cordoned, and no NoSchedule/NoExecute taint (no tolerations here)."""
        if self.status is not NodeStatus.READY or self.unschedulable:
            return False
        return not self.taints or not any(t.effect in ("NoSchedule", "NoExecute") for t in self.taints)

    def recount(self) -> None:
        self.free_whole = sum(1 for gpu in self.gpus if not gpu.allocs)


@dataclass(slots=True, eq=False)
class PodState:
    index: int
    name: str
    created_at: datetime
    node_name: str | None = None
    allocs: list[tuple[GpuState, AllocState]] = field(default_factory=list)
    cpu_millicores: int = 0
    memory_bytes: int = 0
    failed: bool = False
    crashed_at: datetime | None = None
    """When its container last crashed (CrashLoopBackOff): it has a previous container's log from then."""
    crashed_run_seconds: float = 0.0
    """How long the workload had run when it crashed: where the previous container's log ends."""
    attempt: int = 0
    """How many times the workload's controller has made this pod anew (after an eviction or preemption the
    old pod ends and a new one, with a new name and uid, takes its place, as on a real cluster)."""

    @property
    def allocated_gpus(self) -> float:
        return sum(alloc.fraction for _, alloc in self.allocs)


def pod_name(workload_name: str, distributed: bool, index: int, attempt: int = 0) -> str:
    """Run:ai's pod names: `<workload>-<index>-<attempt>`; a distributed job's master and workers keep their
    names across attempts (the training operator names them by role), though each attempt is a new pod."""
    if distributed:
        return f"{workload_name}-master-0" if index == 0 else f"{workload_name}-worker-{index - 1}"
    return f"{workload_name}-{index}-{attempt}"


LogSegment = list  # [start: datetime, run_start: float, run_end: float | None, end_kind: str | None]
"""One stretch of running (from a start or resume to a stop, preemption, failure or completion)."""

EventRecord = tuple[datetime, str, str, str, str]
"""(created_at, type, reason, message, source): kept as tuples, made WorkloadEvent when asked for."""


@dataclass(slots=True, eq=False)
class WorkloadState:
    id: str
    name: str
    type: WorkloadType
    project_id: str
    submitted_by: str
    phase: WorkloadPhase
    phase_message: str
    phase_reason: PhaseReason | None
    phase_updated_at: datetime
    created_at: datetime
    preemptible: bool
    priority_class: str
    priority: int
    image: str
    command: str
    arguments: str
    node_pools: tuple[str, ...]
    gpu_request: GpuRequest
    workers: int
    duration: float | None
    seed: int
    queued_at: float
    pods: list[PodState] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    completed_at: datetime | None = None
    current_pool: str | None = None
    run_done: float = 0.0
    running_since: float | None = None
    bound_at: float = 0.0
    fail_at: float | None = None
    recover_at: float | None = None
    token: int = 0
    version: int = 0
    log_segments: list[LogSegment] = field(default_factory=list)
    pending_seconds: float = 0.0
    pending_since: float | None = None
    updated_at: datetime | None = None
    demand_pool: str | None = None
    demand_gpus: float = 0.0
    volumes: tuple[VolumeSpec, ...] = ()
    """The claims it was submitted with (`WorkloadSpec.volumes`); none: the ones `runai_mounts` derives."""

    @property
    def is_fractional(self) -> bool:
        return self.gpu_request.kind is not GpuRequestKind.DEVICES

    @property
    def needs_gpu(self) -> bool:
        request = self.gpu_request
        if request.kind is GpuRequestKind.DEVICES:
            return request.devices > 0
        return True

    @property
    def is_bound(self) -> bool:
        return any(pod.allocs or pod.node_name for pod in self.pods)

    @property
    def allocated_gpus(self) -> float:
        return sum(pod.allocated_gpus for pod in self.pods)

    def requested_gpus_in(self, pool: PoolState) -> float:
        """GPUs it counts against quota in `pool` (a memory request as a share of the pool's GPU)."""
        request = self.gpu_request
        if request.kind is GpuRequestKind.DEVICES:
            return float(request.devices * self.workers)
        if request.kind is GpuRequestKind.PORTION:
            return request.portion * self.workers
        if pool.gpu_memory_mib <= 0:
            return float(self.workers)
        return min(1.0, request.memory_mib / pool.gpu_memory_mib) * self.workers


@dataclass(slots=True, eq=False)
class ClusterState:
    """Everything the Run:ai half knows, with the indexes the scheduler and the views need."""

    departments: dict[str, DepartmentState] = field(default_factory=dict)
    projects: dict[str, ProjectState] = field(default_factory=dict)
    project_names: dict[str, str] = field(default_factory=dict)
    """Project name -> id (names are unique across the cluster)."""
    pools: dict[str, PoolState] = field(default_factory=dict)
    nodes: dict[str, NodeState] = field(default_factory=dict)
    workloads: dict[str, WorkloadState] = field(default_factory=dict)
    pending: dict[str, WorkloadState] = field(default_factory=dict)
    """Workloads in phase Pending, in the order they entered it (the scheduler's FIFO)."""
    bound: dict[str, dict[str, WorkloadState]] = field(default_factory=dict)
    """Per node pool, workloads holding resources there (the victims a preemption may pick from)."""
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    """(project id, workload name) -> workload id: names are unique within a project."""
    changed: dict[str, None] = field(default_factory=dict)
    """Workload ids whose frozen view must be rebuilt (an ordered set)."""
    generation: int = 0
    """Bumped on any change, so whole-list caches (projects, departments) know when to rebuild."""
    _pool_nodes: dict[str, list[NodeState]] = field(default_factory=dict)

    def pool_nodes(self, pool: str) -> list[NodeState]:
        return self._pool_nodes.get(pool, [])

    def add_node(self, node: NodeState) -> None:
        self.nodes[node.name] = node
        self._pool_nodes.setdefault(node.pool, []).append(node)
        self.pools[node.pool].node_names.append(node.name)
        self.generation += 1

    def bound_in_pool(self, pool: str) -> list[WorkloadState]:
        return list(self.bound.get(pool, {}).values())

    def touch(self, workload: WorkloadState) -> None:
        workload.version += 1
        self.changed[workload.id] = None
        self.generation += 1
