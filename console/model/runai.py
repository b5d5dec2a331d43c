"""Run:ai and Kubernetes side of the domain: org units, quotas, nodes, GPUs and workloads.

Enum values are the real API's strings (reference/runai.md §3-5), so a value read off the wire is
the value shown and the value the simulator produces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Re-exported (`X as X`, which strict mypy reads as deliberate): older imports name them here.
from console.model.enums import TERMINAL_PHASES as TERMINAL_PHASES
from console.model.enums import UNLIMITED as UNLIMITED
from console.model.enums import GpuRequestKind as GpuRequestKind
from console.model.enums import NodeRole as NodeRole
from console.model.enums import NodeStatus as NodeStatus
from console.model.enums import PhaseReason as PhaseReason
from console.model.enums import ProjectPhase as ProjectPhase
from console.model.enums import WorkloadPhase as WorkloadPhase
from console.model.enums import WorkloadType as WorkloadType
from console.model.storage import VolumeSpec


@dataclass(frozen=True, slots=True)
class Taint:
    key: str
    value: str
    effect: str  # NoSchedule | PreferNoSchedule | NoExecute


DRAIN_TAINT = Taint(key="runai", value="drain", effect="NoExecute")
"""The Run:ai maintenance taint: nodes carrying it are drained of preemptible work."""


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """The Run:ai cluster this console is looking at (`DisplayedCluster`)."""

    uuid: str
    name: str
    version: str
    state: str  # WaitingToConnect | Connected | Disconnected | ...


@dataclass(frozen=True, slots=True)
class PoolQuota:
    """GPU quota of one org unit in one node pool; `limit_gpus` of -1 means unlimited."""

    node_pool: str
    deserved_gpus: float
    limit_gpus: float = UNLIMITED
    over_quota_weight: float = 2.0
    allocated_gpus: float = 0.0
    allocated_non_preemptible_gpus: float = 0.0
    requested_gpus: float = 0.0

    @property
    def is_unlimited(self) -> bool:
        return self.limit_gpus < 0


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    quotas: tuple[PoolQuota, ...]
    project_ids: tuple[str, ...] = ()

    @property
    def deserved_gpus(self) -> float:
        return sum(q.deserved_gpus for q in self.quotas)

    @property
    def allocated_gpus(self) -> float:
        return sum(q.allocated_gpus for q in self.quotas)


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    department_id: str
    department_name: str
    namespace: str
    phase: ProjectPhase
    quotas: tuple[PoolQuota, ...]
    created_at: datetime
    running_workloads: int = 0
    pending_workloads: int = 0

    @property
    def deserved_gpus(self) -> float:
        return sum(q.deserved_gpus for q in self.quotas)

    @property
    def allocated_gpus(self) -> float:
        return sum(q.allocated_gpus for q in self.quotas)

    def quota_for(self, node_pool: str) -> PoolQuota | None:
        return next((q for q in self.quotas if q.node_pool == node_pool), None)


@dataclass(frozen=True, slots=True)
class NodePool:
    id: str
    name: str
    label_key: str
    label_value: str
    phase: str  # Creating | Updating | Deleting | Empty | Unschedulable | Ready | Deleted
    gpu_model: str | None
    node_names: tuple[str, ...]
    total_gpus: int
    allocated_gpus: float
    placement_strategy: str = "binpack"


@dataclass(frozen=True, slots=True)
class NodeCondition:
    type: str
    status: str  # "True" | "False" | "Unknown"
    reason: str = ""
    message: str = ""
    since: datetime | None = field(default=None, compare=False)
    """`lastTransitionTime`: when the condition took its status (None where the API does not say). Not
    compared: two readings of one state are equal even when only one of them says since when."""


@dataclass(frozen=True, slots=True)
class GpuAllocation:
    """One workload's share of one GPU: a fraction, an amount of memory, or a MIG slice."""

    workload_id: str
    workload_name: str
    project_name: str
    fraction: float
    memory_mib: int | None = None
    mig_profile: str | None = None


@dataclass(frozen=True, slots=True)
class GpuDevice:
    """One physical GPU; `None` for a reading the device does not report (shown as N/A, not 0)."""

    node_name: str
    index: int
    uuid: str
    model: str
    memory_total_mib: int
    memory_used_mib: int | None
    utilization_percent: float | None
    temperature_celsius: float | None
    power_watts: float | None
    allocations: tuple[GpuAllocation, ...] = ()
    mig_enabled: bool = False
    telemetry_unavailable_reason: str | None = None
    """Why the readings above are all None, when the backend knows (live, with no NVML on rwc's host)."""

    @property
    def allocated_fraction(self) -> float:
        return min(1.0, sum(a.fraction for a in self.allocations))

    @property
    def free_fraction(self) -> float:
        return max(0.0, 1.0 - self.allocated_fraction)


@dataclass(frozen=True, slots=True)
class WorkloadUtilisation:
    """How busy one workload kept the GPUs it holds, over a window: a percentage of its allocation every
    `step_seconds` from `start` (Run:ai's per-workload `GPU_UTILIZATION`), None where there was no
    reading (not placed yet, or its node's exporter did not answer)."""

    workload_id: str
    start: datetime
    step_seconds: float
    percents: tuple[float | None, ...]
    project_id: str | None = None
    """Its project, so a project's GPU use needs no workload list beside the histories."""
    gpus: float = 0.0
    """The GPUs it held when read: the weight of its line in a project's mean."""
    memory_used_mib: tuple[float | None, ...] = ()
    """GPU memory it had in use (MiB, over all its GPUs) at the same steps (Run:ai's per-workload
    `GPU_MEMORY_USAGE_BYTES`); read for one workload's line, empty in the cluster-wide histories."""


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    node_pool: str
    role: NodeRole
    status: NodeStatus
    conditions: tuple[NodeCondition, ...]
    taints: tuple[Taint, ...]
    unschedulable: bool
    gpu_model: str | None
    gpu_count: int
    allocated_gpus: float
    cpu_millicores: int
    allocated_cpu_millicores: int
    memory_bytes: int
    allocated_memory_bytes: int
    created_at: datetime
    telemetry_unavailable_reason: str | None = None
    """Why the CPU and memory figures are unknown (the Run:ai version has no such telemetry); they read 0
    then, and the Nodes screen shows this instead of them. None when they are known."""
    gpu_sharing: str | None = None
    """How the node's GPUs are handed out when not one pod per GPU (`time-slicing ×4`, `MIG single 1g.10gb`,
    `MIG mixed`); `gpu_count` and `allocated_gpus` are physical GPUs either way. None: not shared."""

    @property
    def cordoned(self) -> bool:
        return self.unschedulable

    @property
    def draining(self) -> bool:
        return DRAIN_TAINT in self.taints


@dataclass(frozen=True, slots=True)
class GpuRequest:
    """What a workload asks per pod: whole devices, a portion of one GPU, or GPU memory."""

    kind: GpuRequestKind
    devices: int = 0
    portion: float = 0.0
    memory_mib: int = 0

    @classmethod
    def whole(cls, devices: int) -> GpuRequest:
        return cls(GpuRequestKind.DEVICES, devices=devices)

    @classmethod
    def fraction(cls, portion: float) -> GpuRequest:
        return cls(GpuRequestKind.PORTION, portion=portion)

    @classmethod
    def memory(cls, memory_mib: int) -> GpuRequest:
        return cls(GpuRequestKind.MEMORY, memory_mib=memory_mib)

    @property
    def is_fractional(self) -> bool:
        return self.kind is not GpuRequestKind.DEVICES

    def describe(self) -> str:
        """A compact human form: `2`, `0.5`, `8192MiB`."""
        if self.kind is GpuRequestKind.DEVICES:
            return str(self.devices)
        if self.kind is GpuRequestKind.PORTION:
            return f"{self.portion:g}"
        return f"{self.memory_mib}MiB"


@dataclass(frozen=True, slots=True)
class Pod:
    name: str
    workload_id: str
    node_name: str | None
    k8s_phase: str  # Pending | Running | Succeeded | Failed | Unknown
    allocated_gpus: float
    gpu_indexes: tuple[int, ...] = ()
    created_at: datetime | None = None
    status: str = ""
    """What its container waits on (CrashLoopBackOff, ContainerCreating), from its Kubernetes pod: a
    crash-looping container's pod is still Running (Kubernetes' phase), only this says it is not working."""
    restarts: int | None = None
    """Its containers' restarts, from its Kubernetes pod; None where rwc has not read it."""


@dataclass(frozen=True, slots=True)
class NodePod:
    """A pod bound to one node and not finished, as k9s lists a node's pods: a Run:ai workload's (its
    master or a worker, with the GPUs it holds there) or any other (a DaemonSet's, a system pod)."""

    name: str
    namespace: str
    phase: str  # Pending | Running | Unknown
    workload_id: str = ""
    """The Run:ai workload it belongs to; "" for a pod Run:ai does not run."""
    workload_name: str = ""
    project_name: str = ""
    is_runai: bool = False
    status: str = ""
    """What its container waits on when that says more than the phase (CrashLoopBackOff,
    ContainerCreating), as k9s's STATUS column shows it; "" otherwise."""
    restarts: int | None = None
    """Its containers' restarts; None where the source does not say."""
    gpus: float = 0.0
    """Physical GPUs it holds (a fraction, a replica's or a MIG slice's share)."""
    gpu_indexes: tuple[int, ...] = ()
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WorkloadEvent:
    """A Kubernetes event or phase change attached to a workload (`/workloads/{id}/events`)."""

    created_at: datetime
    type: str  # Normal | Warning
    reason: str
    message: str
    source: str = "runai-scheduler"


@dataclass(frozen=True, slots=True)
class Workload:
    id: str
    name: str
    type: WorkloadType
    project_id: str
    project_name: str
    department_name: str
    submitted_by: str
    phase: WorkloadPhase
    phase_message: str
    phase_reason: PhaseReason | None
    phase_updated_at: datetime
    created_at: datetime
    completed_at: datetime | None
    preemptible: bool
    priority_class: str
    image: str
    command: str
    arguments: str
    requested_node_pools: tuple[str, ...]
    current_node_pool: str | None
    gpu_request: GpuRequest
    requested_pods: int
    running_pods: int
    allocated_gpus: float
    node_names: tuple[str, ...] = ()
    pods: tuple[Pod, ...] = ()
    events: tuple[WorkloadEvent, ...] = ()

    @property
    def requested_gpus(self) -> float:
        """Total GPUs over all pods; memory requests count as unknown share (0) until placed."""
        per_pod = {
            GpuRequestKind.DEVICES: float(self.gpu_request.devices),
            GpuRequestKind.PORTION: self.gpu_request.portion,
            GpuRequestKind.MEMORY: 0.0,
        }[self.gpu_request.kind]
        return per_pod * self.requested_pods

    @property
    def is_terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES


@dataclass(frozen=True, slots=True)
class WorkloadFilter:
    """Server-side filter for workload lists (`filterBy` on the real API); empty means all."""

    project_name: str | None = None
    phase: WorkloadPhase | None = None
    node_pool: str | None = None
    submitted_by: str | None = None
    name_contains: str | None = None

    def matches(self, workload: Workload) -> bool:
        """Whether `workload` passes, as the Run:ai server filters (the simulator, the part of a filter
        a server could not be sent, and a screen's instant answer before the server's all use this)."""
        if self.project_name is not None and workload.project_name != self.project_name:
            return False
        if self.phase is not None and workload.phase is not self.phase:
            return False
        if self.submitted_by is not None and workload.submitted_by != self.submitted_by:
            return False
        if self.node_pool is not None:
            current = workload.current_node_pool
            pools = (current,) if current else workload.requested_node_pools
            if self.node_pool not in pools:
                return False
        return self.name_contains is None or self.name_contains.lower() in workload.name.lower()


@dataclass(frozen=True, slots=True)
class WorkloadSpec:
    """What a user submits; `workers` > 1 only for distributed workloads."""

    name: str
    project_name: str
    type: WorkloadType
    image: str
    gpu_request: GpuRequest
    command: str = ""
    arguments: str = ""
    node_pools: tuple[str, ...] = ()
    preemptible: bool | None = None  # None: the type's default (training yes, workspace no)
    workers: int = 1
    duration_seconds: float | None = None  # simulator only: how long a training runs
    volumes: tuple[VolumeSpec, ...] = ()
    """Existing claims its containers mount (`spec.storage.pvc[]`); none: the cluster's usual ones."""
