"""Domain objects for tests of pure row and reading functions: a plausible default, changed by keyword."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from console.model import GpuRequest, Node, NodeRole, NodeStatus, Workload, WorkloadPhase, WorkloadType

AT = datetime(2026, 11, 1, tzinfo=UTC)

_WORKLOAD = Workload(
    id="w",
    name="w",
    type=WorkloadType.TRAINING,
    project_id="p",
    project_name="p",
    department_name="d",
    submitted_by="alice",
    phase=WorkloadPhase.RUNNING,
    phase_message="",
    phase_reason=None,
    phase_updated_at=AT,
    created_at=AT,
    completed_at=None,
    preemptible=True,
    priority_class="train",
    image="i",
    command="",
    arguments="",
    requested_node_pools=(),
    current_node_pool=None,
    gpu_request=GpuRequest.whole(1),
    requested_pods=1,
    running_pods=1,
    allocated_gpus=1,
)

_NODE = Node(
    name="n",
    node_pool="default",
    role=NodeRole.GPU_WORKER,
    status=NodeStatus.READY,
    conditions=(),
    taints=(),
    unschedulable=False,
    gpu_model="H100",
    gpu_count=8,
    allocated_gpus=0,
    cpu_millicores=96_000,
    allocated_cpu_millicores=0,
    memory_bytes=1 << 40,
    allocated_memory_bytes=0,
    created_at=AT,
)


def a_workload(**changes: Any) -> Workload:
    return replace(_WORKLOAD, **changes)


def a_node(**changes: Any) -> Node:
    return replace(_NODE, **changes)
