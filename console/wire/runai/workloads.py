"""Workloads as listed and described (`/api/v1/workloads`, WorkloadDetailed, reference §4.3), both sides:
the type, category and phase tables, the per-pod GPU request, the list's `filterBy` terms, and the object
the simulator's face answers (`workload_json`, with what it knows beyond the domain in `WorkloadFacts`).

[UNSURE] a workload's `type` (§4.3): the native names `Training`, `Workspace`, `Distributed`,
`Inference` (any case, with or without a `Workload` suffix, and the spec example `runai-job` as
Training); anything else by its `category` (Train/Build/Deploy), else Training. A GPU-memory request that
cannot be read shows as unknown (`UNREADABLE_MEMORY_REQUEST`) and the row stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.model.enums import GpuRequestKind, PhaseReason, WorkloadPhase, WorkloadType
from console.model.runai import GpuRequest, Pod, Workload, WorkloadEvent, WorkloadFilter
from console.wire.runai.fields import (
    _count,
    _enum,
    _list,
    _mapping,
    _num,
    _obj,
    _optional_time,
    _str,
    _time,
    iso,
    json_number,
    memory_mib,
    parse_items,
)
from console.wire.runai.pods_events import node_names_by_workload, parse_event, parse_pod
from console.wire.runai.tenant import TENANT_ID

logger = logging.getLogger(__name__)

DISTRIBUTED_FRAMEWORK = "PyTorch"
"""What rwc submits distributed work as; the domain has no framework choice."""

_WORKLOAD_TYPES: dict[str, WorkloadType] = {
    "training": WorkloadType.TRAINING,
    "trainingworkload": WorkloadType.TRAINING,
    "runai-job": WorkloadType.TRAINING,
    "workspace": WorkloadType.WORKSPACE,
    "interactiveworkload": WorkloadType.WORKSPACE,
    "distributed": WorkloadType.DISTRIBUTED,
    "distributedworkload": WorkloadType.DISTRIBUTED,
    "inference": WorkloadType.INFERENCE,
    "inferenceworkload": WorkloadType.INFERENCE,
}

_CATEGORY_TYPES: dict[str, WorkloadType] = {
    "train": WorkloadType.TRAINING,
    "build": WorkloadType.WORKSPACE,
    "deploy": WorkloadType.INFERENCE,
}

CATEGORY: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "Train",
    WorkloadType.DISTRIBUTED: "Train",
    WorkloadType.WORKSPACE: "Build",
    WorkloadType.INFERENCE: "Deploy",
}
"""A workload's `category` as Run:ai writes it (`_CATEGORY_TYPES` reads it back)."""

K8S_PHASE_OF: dict[WorkloadPhase, str] = {
    WorkloadPhase.CREATING: "Pending",
    WorkloadPhase.PENDING: "Pending",
    WorkloadPhase.RESUMING: "Pending",
    WorkloadPhase.INITIALIZING: "Pending",
    WorkloadPhase.RUNNING: "Running",
    WorkloadPhase.DEGRADED: "Running",
    WorkloadPhase.UPDATING: "Running",
    WorkloadPhase.STOPPING: "Running",
    WorkloadPhase.DELETING: "Running",
    WorkloadPhase.TERMINATING: "Running",
    WorkloadPhase.STOPPED: "Pending",
    WorkloadPhase.COMPLETED: "Succeeded",
    WorkloadPhase.FAILED: "Failed",
    WorkloadPhase.UNKNOWN: "Unknown",
}
"""The raw Kubernetes phase (`k8sPhase`) behind each Run:ai phase (Stopped workloads have no pods)."""

UNREADABLE_MEMORY_REQUEST = GpuRequest.memory(0)
"""A GPU-memory request whose amount cannot be read (`gpuMemory` null, `"1..2"`): no real request is
0 MiB, so this one shows as unknown (`GpuRequest.describe`), and the row stays."""


# -- reading an answer -----------------------------------------------------------------------------
def workload_type(obj: Mapping[str, Any]) -> WorkloadType:
    raw = _str(obj, "type", "workload", default="").lower()
    found = _WORKLOAD_TYPES.get(raw)
    if found is not None:
        return found
    return _CATEGORY_TYPES.get(_str(obj, "category", "workload", default="").lower(), WorkloadType.TRAINING)


def gpu_request_of(obj: Mapping[str, Any]) -> GpuRequest:
    """Per-pod GPU request from `workloadRequestedResources` (`gpuRequestType` + `gpu`/`gpuMemory`)."""
    requested = _mapping(obj.get("workloadRequestedResources"))
    if not requested:
        return GpuRequest.whole(0)
    kind = requested.get("gpuRequestType")
    if kind == GpuRequestKind.MEMORY.value:
        memory = _mapping(requested.get("gpuMemory")).get("request")
        mib = memory_mib(memory)
        if mib is None or mib <= 0:
            logger.debug("Unreadable GPU memory request %r of workload %r", memory, obj.get("id"))
            return UNREADABLE_MEMORY_REQUEST
        return GpuRequest.memory(mib)
    amount = _num(_mapping(requested.get("gpu")), "request", default=0.0)
    if amount < 0:
        amount = 0.0
    if kind == GpuRequestKind.PORTION.value and amount < 1:
        return GpuRequest.fraction(amount)
    return GpuRequest.whole(round(amount))


def parse_workload(
    item: Any,
    *,
    pods: Sequence[Pod] = (),
    events: Sequence[WorkloadEvent] = (),
    node_names: Sequence[str] | None = None,
) -> Workload:
    """A `Workload`; the list and detail objects carry no node names, so they come from its pods."""
    obj = _obj(item, "workload")
    kind = workload_type(obj)
    preemptible = obj.get("preemptible")
    if not isinstance(preemptible, bool):
        preemptible = kind in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED)
    images = _list(obj, "images", "workload")
    current = _list(obj, "currentNodePools", "workload")
    if node_names is None:
        node_names = tuple(dict.fromkeys(pod.node_name for pod in pods if pod.node_name))
    return Workload(
        id=_str(obj, "id", "workload"),
        name=_str(obj, "name", "workload"),
        type=kind,
        project_id=_str(obj, "projectId", "workload"),
        project_name=_str(obj, "projectName", "workload"),
        department_name=_str(obj, "departmentName", "workload", default=""),
        submitted_by=_str(obj, "submittedBy", "workload", default=""),
        phase=_enum(WorkloadPhase, obj.get("phase"), WorkloadPhase.UNKNOWN),
        phase_message=_str(obj, "phaseMessage", "workload", default=""),
        phase_reason=_enum(PhaseReason, obj.get("phaseReason"), None),
        phase_updated_at=_time(obj, "phaseUpdatedAt", "workload"),
        created_at=_time(obj, "createdAt", "workload"),
        completed_at=_optional_time(obj, "completedAt", "workload"),
        preemptible=preemptible,
        priority_class=_str(obj, "priorityClassName", "workload", default=""),
        image=images[0] if images and isinstance(images[0], str) else "",
        command=_str(obj, "command", "workload", default=""),
        arguments=_str(obj, "arguments", "workload", default=""),
        requested_node_pools=tuple(
            pool for pool in _list(obj, "requestedNodePools", "workload") if isinstance(pool, str)
        ),
        current_node_pool=current[0] if current and isinstance(current[0], str) else None,
        gpu_request=gpu_request_of(obj),
        requested_pods=_count(_mapping(obj.get("requestedPods")), "number", default=1),
        running_pods=_count(obj, "runningPods"),
        allocated_gpus=max(0.0, _num(_mapping(obj.get("allocatedResources")), "gpu", default=0.0)),
        node_names=tuple(node_names),
        pods=tuple(pods),
        events=tuple(events),
    )


def parse_workloads(items: Iterable[Any], pods: Iterable[Any] = ()) -> list[Workload]:
    """The readable workloads of a list, each with the nodes its pods (from the cluster's pod list) run on."""
    nodes_of = node_names_by_workload(pods)

    def parse(item: Any) -> Workload:
        workload_id = _mapping(item).get("id")
        names = nodes_of.get(workload_id, ()) if isinstance(workload_id, str) else ()
        return parse_workload(item, node_names=names)

    return parse_items(items, parse, "workload")


def parse_workload_detail(item: Any, pods: Iterable[Any], events: Iterable[Any]) -> Workload:
    """`GET /workloads/{id}` with its pods and events (the detail view). The workload itself must be
    readable; pods and events that are not are left out (and counted), null events (`Event2` is
    nullable) skipped."""
    return parse_workload(
        item, pods=parse_items(pods, parse_pod, "pod"), events=parse_items(events, parse_event, "event")
    )


# -- what rwc sends: the list's filter -------------------------------------------------------------
def workload_filter_terms(workload_filter: WorkloadFilter | None) -> tuple[list[str], WorkloadFilter | None]:
    """`filterBy` terms for the server, and what is left to filter here (a value with a comma cannot be
    sent: the terms are comma-joined and the syntax has no escape)."""
    if workload_filter is None:
        return [], None
    terms: list[str] = []
    left: dict[str, Any] = {}
    for attribute, field, op in (
        ("project_name", "projectName", "=="),
        ("phase", "phase", "=="),
        ("node_pool", "nodepool", "=="),
        ("submitted_by", "submittedBy", "=="),
        ("name_contains", "name", "=@"),
    ):
        value = getattr(workload_filter, attribute)
        if value is None:
            continue
        text = value.value if isinstance(value, WorkloadPhase) else str(value)
        if "," in text or not text:
            left[attribute] = value
        else:
            terms.append(f"{field}{op}{text}")
    return terms, (WorkloadFilter(**left) if left else None)


def matches_locally(workload: Workload, left: WorkloadFilter) -> bool:
    """The part of a filter the server could not be sent, applied as the server would."""
    return left.matches(workload)


# -- writing an answer (the simulator's face) ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WorkloadFacts:
    """What the Run:ai workload object carries beyond the domain `Workload`: where it runs, its numeric
    priority, what it holds besides GPUs, and how long it has run and waited. rwc reads none of these
    back (the describe view shows the raw object), so they live here rather than in the model."""

    cluster_id: str
    namespace: str
    department_id: str | None
    priority: int
    updated_at: datetime
    allocated_gpu_memory_mib: float
    allocated_cpu_cores: float
    allocated_cpu_memory_bytes: int
    run_seconds: float
    pending_seconds: float


def _memory_quantity(mib: float | None) -> str | None:
    return None if mib is None else f"{int(mib)}Mi"


def _requested_gpu(request: GpuRequest) -> tuple[str | None, float | None, dict[str, Any] | None]:
    """(`gpuRequestType`, GPUs per pod, `gpuMemory`) of a request: whole devices send no type."""
    if request.kind is GpuRequestKind.DEVICES:
        return None, float(request.devices), None
    if request.kind is GpuRequestKind.PORTION:
        return GpuRequestKind.PORTION.value, request.portion, None
    memory = _memory_quantity(request.memory_mib)
    return GpuRequestKind.MEMORY.value, None, {"request": memory, "limit": memory}


def _pending_messages(workload: Workload) -> list[dict[str, Any]] | None:
    """`pendingSchedulingMessages`: `PendingSchedulingMessage.phaseReason` is the PhaseReason enum, so
    only a pending workload with a reason and a message makes one."""
    if workload.phase is not WorkloadPhase.PENDING or not workload.phase_message or not workload.phase_reason:
        return None
    return [
        {
            "nodePool": pool,
            "phaseReason": workload.phase_reason.value,
            "reason": workload.phase_message,
            "orgType": "PROJECT",
            "userMessage": workload.phase_message,
        }
        for pool in workload.requested_node_pools[:1]
    ]


def workload_json(workload: Workload, facts: WorkloadFacts) -> dict[str, Any]:
    """`GET /api/v1/workloads/{id}` (WorkloadDetailed, reference/runai.md §4.3), the list item too (the
    face drops the detail-only `pendingSchedulingMessages` from lists)."""
    phase = workload.phase
    terminal = phase in (WorkloadPhase.COMPLETED, WorkloadPhase.FAILED)
    distributed = workload.type is WorkloadType.DISTRIBUTED
    request_type, gpu_per_pod, gpu_memory = _requested_gpu(workload.gpu_request)
    pods = workload.requested_pods
    all_pods_gpu = None if gpu_per_pod is None else gpu_per_pod * pods
    reason = workload.phase_reason.value if workload.phase_reason else None
    body: dict[str, Any] = {
        "id": workload.id,
        "name": workload.name,
        # The native type names (`WorkloadType`); see `_WORKLOAD_TYPES` ([UNSURE] reference §4.3).
        "type": workload.type.value,
        "tenantId": TENANT_ID,
        "clusterId": facts.cluster_id,
        "projectId": workload.project_id,
        "projectName": workload.project_name,
        "departmentId": facts.department_id,
        "departmentName": workload.department_name,
        "namespace": facts.namespace,
        "submittedBy": workload.submitted_by,
        "source": "Control-plane",
        "sourceApi": "WorkloadsV2",
        "category": CATEGORY[workload.type],
        "priority": facts.priority,
        "priorityClassName": workload.priority_class,
        "preemptible": workload.preemptible,
        "phase": phase.value,
        "phaseMessage": workload.phase_message,
        "phaseReason": reason,
        "phaseUpdatedAt": iso(workload.phase_updated_at),
        "k8sPhase": K8S_PHASE_OF[phase],
        "k8sPhaseUpdatedAt": iso(workload.phase_updated_at),
        "createdAt": iso(workload.created_at),
        "updatedAt": iso(facts.updated_at),
        "deletedAt": None,
        "completedAt": iso(workload.completed_at),
        "conditions": [
            {
                "type": "Ready" if phase is WorkloadPhase.RUNNING else phase.value,
                "status": "True",
                "message": workload.phase_message,
                "reason": reason or phase.value,
                "lastTransitionTime": iso(workload.phase_updated_at),
            }
        ],
        "runningPods": workload.running_pods,
        "requestedPods": {
            "number": pods,
            "min": pods if distributed else None,
            "max": pods if distributed else None,
            "parallelism": None,
            "completions": None,
        },
        "workloadRequestedResources": {
            "gpuRequestType": request_type,
            "gpu": {"request": gpu_per_pod, "limit": gpu_per_pod},
            "gpuMemory": gpu_memory,
            "cpu": {"request": 0.1, "limit": None},
            "cpuMemory": {"request": "100M", "limit": None},
            "extendedResources": [],
        },
        "podsRequestedResources": {
            "gpuRequestType": request_type,
            "gpu": {"request": all_pods_gpu, "limit": all_pods_gpu},
            "gpuMemory": gpu_memory,
        },
        "allocatedResources": {
            "gpu": json_number(workload.allocated_gpus),
            "gpuMemory": _memory_quantity(facts.allocated_gpu_memory_mib)
            if facts.allocated_gpu_memory_mib
            else None,
            "cpu": facts.allocated_cpu_cores,
            "cpuMemory": f"{facts.allocated_cpu_memory_bytes // (1024 * 1024)}Mi",
            "extendedResources": [],
        },
        "idleAllocatedGpus": 0,
        "requestedNodePools": list(workload.requested_node_pools),
        "currentNodePools": [workload.current_node_pool] if workload.current_node_pool else [],
        "images": [workload.image],
        "command": workload.command,
        "arguments": workload.arguments,
        "environmentVariables": {},
        "urls": [],
        "datasources": [],
        "actionsSupport": {
            "delete": phase is not WorkloadPhase.DELETING,
            "suspend": not terminal and phase is not WorkloadPhase.DELETING,
        },
        "totalPendingTimeSeconds": int(facts.pending_seconds),
        "totalRunningTimeSeconds": int(facts.run_seconds),
        "guaranteedRuntimeEndsAt": None,
        "pendingSchedulingMessages": _pending_messages(workload),
    }
    if distributed:
        body["distributedFramework"] = DISTRIBUTED_FRAMEWORK  # a non-nullable string: only when it applies
    return body
