"""Frozen domain objects and API-shaped dicts built from the simulator's mutable records.

Kept apart from the state machine so "what the outside sees" lives in one place: the demo backend
gets `console.model` objects, `describe_workload` gets the real `/api/v1/workloads/{id}` JSON shape.
"""

from __future__ import annotations

from console.model.runai import (
    GpuAllocation,
    Node,
    NodeCondition,
    NodePool,
    NodeStatus,
    Pod,
    PoolQuota,
    Workload,
    WorkloadEvent,
    WorkloadPhase,
)
from console.sim.runai_state import (
    AllocState,
    DepartmentState,
    NodeState,
    PodState,
    PoolState,
    ProjectState,
    QuotaState,
    WorkloadState,
)
from console.wire.runai import K8S_PHASE_OF, WorkloadFacts, workload_json


def running_pods(workload: WorkloadState) -> int:
    if workload.phase is WorkloadPhase.RUNNING:
        return workload.workers
    if workload.phase is WorkloadPhase.DEGRADED:
        return sum(1 for pod in workload.pods if not pod.failed)
    return 0


def pod_views(workload: WorkloadState) -> tuple[Pod, ...]:
    if workload.phase is WorkloadPhase.STOPPED:
        return ()
    phase = K8S_PHASE_OF[workload.phase]
    return tuple(_pod_view(workload.id, pod, phase) for pod in workload.pods)


def _pod_view(workload_id: str, pod: PodState, workload_pod_phase: str) -> Pod:
    """A pod as Run:ai lists it with what its Kubernetes pod adds: a crashed container on a node restarts in
    place, so its pod stays Running and waits in CrashLoopBackOff (restarted once, as the Kubernetes face
    serves it); a crashed pod without a node has Failed; a pod not yet running waits in ContainerCreating."""
    crash_looping = pod.failed and pod.node_name is not None
    k8s_phase = "Running" if crash_looping else "Failed" if pod.failed else workload_pod_phase
    if crash_looping:
        status = "CrashLoopBackOff"
    elif k8s_phase in ("Running", "Succeeded", "Failed"):
        status = ""
    else:
        status = "ContainerCreating"
    return Pod(
        name=pod.name,
        workload_id=workload_id,
        node_name=pod.node_name,
        k8s_phase=k8s_phase,
        allocated_gpus=pod.allocated_gpus,
        gpu_indexes=tuple(gpu.index for gpu, _ in pod.allocs),
        created_at=pod.created_at,
        status=status,
        restarts=1 if crash_looping else 0,
    )


def event_views(workload: WorkloadState) -> tuple[WorkloadEvent, ...]:
    return tuple(
        WorkloadEvent(at, kind, reason, message, source)
        for at, kind, reason, message, source in workload.events
    )


def workload_view(
    workload: WorkloadState, project: ProjectState, department_name: str, *, detail: bool
) -> Workload:
    """The domain object; list views leave pods and events out like the real list endpoint."""
    node_names: dict[str, None] = {}
    for pod in workload.pods:
        if pod.node_name:
            node_names[pod.node_name] = None
    return Workload(
        id=workload.id,
        name=workload.name,
        type=workload.type,
        project_id=project.id,
        project_name=project.name,
        department_name=department_name,
        submitted_by=workload.submitted_by,
        phase=workload.phase,
        phase_message=workload.phase_message,
        phase_reason=workload.phase_reason,
        phase_updated_at=workload.phase_updated_at,
        created_at=workload.created_at,
        completed_at=workload.completed_at,
        preemptible=workload.preemptible,
        priority_class=workload.priority_class,
        image=workload.image,
        command=workload.command,
        arguments=workload.arguments,
        requested_node_pools=workload.node_pools,
        current_node_pool=workload.current_pool,
        gpu_request=workload.gpu_request,
        requested_pods=workload.workers,
        running_pods=running_pods(workload),
        allocated_gpus=round(workload.allocated_gpus, 6),
        node_names=tuple(node_names),
        pods=pod_views(workload) if detail else (),
        events=event_views(workload) if detail else (),
    )


def pool_quotas(
    quotas: dict[str, QuotaState],
    pools: dict[str, PoolState],
    allocated: dict[str, float],
    allocated_non_preemptible: dict[str, float],
    requested: dict[str, float],
) -> tuple[PoolQuota, ...]:
    """One entry per node pool: every pool is attached to every org unit (zero quota unless set)."""
    result = []
    for name in pools:
        quota = quotas.get(name) or QuotaState()
        result.append(
            PoolQuota(
                node_pool=name,
                deserved_gpus=quota.deserved,
                limit_gpus=quota.limit,
                over_quota_weight=quota.weight,
                allocated_gpus=round(allocated.get(name, 0.0), 6),
                allocated_non_preemptible_gpus=round(allocated_non_preemptible.get(name, 0.0), 6),
                requested_gpus=round(requested.get(name, 0.0), 6),
            )
        )
    return tuple(result)


def department_sums(
    department: DepartmentState, projects: dict[str, ProjectState]
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    allocated: dict[str, float] = {}
    non_preemptible: dict[str, float] = {}
    requested: dict[str, float] = {}
    for project_id in department.project_ids:
        project = projects[project_id]
        for target, source in (
            (allocated, project.allocated),
            (non_preemptible, project.allocated_non_preemptible),
            (requested, project.requested),
        ):
            for pool, value in source.items():
                target[pool] = target.get(pool, 0.0) + value
    return allocated, non_preemptible, requested


def node_view(node: NodeState) -> Node:
    since = node.status_since
    if node.status is NodeStatus.READY:
        ready = NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", since)
    else:
        ready = NodeCondition(
            "Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", since
        )
    born = node.created_at
    conditions = (
        ready,
        NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", since=born),
        NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", since=born),
        NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", since=born),
    )
    return Node(
        name=node.name,
        node_pool=node.pool,
        role=node.role,
        status=node.status,
        conditions=conditions,
        taints=tuple(node.taints),
        unschedulable=node.unschedulable,
        gpu_model=node.gpu_model,
        gpu_count=len(node.gpus),
        allocated_gpus=round(sum(gpu.used for gpu in node.gpus), 6),
        cpu_millicores=node.cpu_millicores,
        allocated_cpu_millicores=node.allocated_cpu_millicores,
        memory_bytes=node.memory_bytes,
        allocated_memory_bytes=node.allocated_memory_bytes,
        created_at=node.created_at,
    )


def pool_view(pool: PoolState, nodes: list[NodeState]) -> NodePool:
    if not nodes:
        phase = "Empty"
    elif not any(node.schedulable for node in nodes):
        phase = "Unschedulable"
    else:
        phase = "Ready"
    return NodePool(
        id=pool.id,
        name=pool.name,
        label_key=pool.label_key,
        label_value=pool.label_value,
        phase=phase,
        gpu_model=pool.gpu_model,
        node_names=tuple(node.name for node in nodes),
        total_gpus=sum(len(node.gpus) for node in nodes),
        allocated_gpus=round(sum(gpu.used for node in nodes for gpu in node.gpus), 6),
        placement_strategy=pool.placement_strategy,
    )


def gpu_allocation_view(
    alloc_workload: WorkloadState | None, project_name: str, alloc: AllocState
) -> GpuAllocation:
    return GpuAllocation(
        workload_id=alloc.workload_id,
        workload_name=alloc_workload.name if alloc_workload else "",
        project_name=project_name,
        fraction=alloc.fraction,
        memory_mib=alloc.memory_mib,
        mig_profile=alloc.mig_profile,
    )


def describe(
    workload: WorkloadState,
    project: ProjectState,
    department: DepartmentState | None,
    cluster_id: str,
    run_seconds: float,
    pending_seconds: float,
) -> dict[str, object]:
    """`GET /api/v1/workloads/{id}` as on the wire: the domain view plus the facts only the wire carries,
    written by the one Run:ai codec (`console.wire.runai.workload_json`)."""
    allocated_memory = sum(alloc.memory_mib or 0 for pod in workload.pods for _, alloc in pod.allocs)
    facts = WorkloadFacts(
        cluster_id=cluster_id,
        namespace=project.namespace,
        department_id=project.department_id,
        priority=workload.priority,
        updated_at=workload.updated_at or workload.phase_updated_at,
        allocated_gpu_memory_mib=allocated_memory,
        allocated_cpu_cores=sum(pod.cpu_millicores for pod in workload.pods) / 1000.0,
        allocated_cpu_memory_bytes=sum(pod.memory_bytes for pod in workload.pods),
        run_seconds=run_seconds,
        pending_seconds=pending_seconds,
    )
    view = workload_view(workload, project, department.name if department else "", detail=False)
    return workload_json(view, facts)
