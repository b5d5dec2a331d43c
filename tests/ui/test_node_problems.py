"""PROBLEMS on the Nodes screen follows the Kubernetes convention: every condition but Ready is abnormal
when True. A healthy GKE node carries node-problem-detector conditions, all False: no problem."""

from __future__ import annotations

from dataclasses import replace

from model_factories import a_node

from console.model import Node, NodeCondition
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
    return a_node(name="gke-ml-a100-pool-4f7c9a1e-x9k2", gpu_model="A100", conditions=conditions)


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
