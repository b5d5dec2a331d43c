"""PROBLEMS on the Nodes screen follows the Kubernetes convention: every condition but Ready is abnormal
when True. A healthy GKE node carries node-problem-detector conditions, all False: no problem."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from console.model import Node, NodeCondition, NodeRole, NodeStatus
from screens.nodes import problem_conditions

GKE_HEALTHY = (
    NodeCondition("FrequentUnregisterNetDevice", "False", "NoFrequentUnregisterNetDevice"),
    NodeCondition("FrequentKubeletRestart", "False", "NoFrequentKubeletRestart"),
    NodeCondition("FrequentDockerRestart", "False", "NoFrequentDockerRestart"),
    NodeCondition("FrequentContainerdRestart", "False", "NoFrequentContainerdRestart"),
    NodeCondition("KernelDeadlock", "False", "KernelHasNoDeadlock"),
    NodeCondition("ReadonlyFilesystem", "False", "FilesystemIsNotReadOnly"),
    NodeCondition("CorruptDockerOverlay2", "False", "NoCorruptDockerOverlay2"),
    NodeCondition("NetworkUnavailable", "False", "RouteCreated"),
    NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
    NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
    NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID"),
    NodeCondition("Ready", "True", "KubeletReady"),
)


def gke_node(conditions: tuple[NodeCondition, ...]) -> Node:
    return Node(
        name="gke-ml-a100-pool-4f7c9a1e-x9k2",
        node_pool="default",
        role=NodeRole.GPU_WORKER,
        status=NodeStatus.READY,
        conditions=conditions,
        taints=(),
        unschedulable=False,
        gpu_model="A100",
        gpu_count=8,
        allocated_gpus=0,
        cpu_millicores=96_000,
        allocated_cpu_millicores=0,
        memory_bytes=1 << 40,
        allocated_memory_bytes=0,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_a_healthy_gke_node_has_no_problems() -> None:
    assert problem_conditions(gke_node(GKE_HEALTHY)) == []


def test_a_true_problem_condition_is_shown_whoever_raised_it() -> None:
    problems = {"KernelDeadlock", "DiskPressure"}
    flipped = tuple(
        replace(condition, status="True") if condition.type in problems else condition
        for condition in GKE_HEALTHY
    )
    assert problem_conditions(gke_node(flipped)) == ["KernelDeadlock", "DiskPressure"]


def test_unknown_is_not_a_problem_and_ready_is_left_to_status() -> None:
    conditions = (NodeCondition("KernelDeadlock", "Unknown"), NodeCondition("Ready", "False"))
    assert problem_conditions(gke_node(conditions)) == []
