"""GPU nodes as real clusters shape them, read by the pure decoders in `console.wire.kube`: the physical
GPUs, model and memory of EKS, GKE and GPU-operator nodes, time-slicing and GKE time-sharing counted as
replicas of the physical GPUs, MIG single and mixed slices, pods that are not Run:ai's, garbage labels."""

from __future__ import annotations

import dataclasses

import pytest
from node_shapes import (
    ALL_NODES,
    ALL_PODS,
    GARBAGE,
    GKE_B7M4,
    GKE_X9K2,
    MIG_MIXED,
    MIG_SINGLE,
    SLICED,
    node,
    pod,
)

from console.data.errors import BadResponse
from console.data.visibility import ANOTHER_PROJECT, visible_gpus
from console.model.identity import Identity, Role
from console.model.runai import GpuDevice, Node
from console.wire import kube as wire

EKS = "ip-10-0-1-23.us-west-2.compute.internal"


def views() -> tuple[dict[str, Node], dict[str, list[GpuDevice]]]:
    rows = wire.parse_nodes(ALL_NODES, wire.pool_resolver())
    pods = wire.parse_pods(ALL_PODS)
    assert len(rows) == len(ALL_NODES) and len(pods) == len(ALL_PODS)  # nothing left out
    nodes = {row.name: wire.node_view(row, pods) for row in rows}
    gpus = {row.name: wire.gpu_views(row, pods) for row in rows}
    return nodes, gpus


def holders(gpus: list[GpuDevice]) -> list[str]:
    return [allocation.workload_name for gpu in gpus for allocation in gpu.allocations]


def test_eks_without_gfd_names_the_gpu_from_the_instance_type() -> None:
    nodes, gpus = views()
    assert (nodes[EKS].gpu_model, nodes[EKS].gpu_count, nodes[EKS].allocated_gpus) == (
        "NVIDIA-A100-SXM4-40GB",
        8,
        6.0,
    )
    assert {gpu.memory_total_mib for gpu in gpus[EKS]} == {40 * 1024}
    assert nodes[EKS].gpu_sharing is None


def test_a_pod_that_is_not_run_ai_is_named_namespace_slash_pod() -> None:
    _, gpus = views()
    assert holders(gpus[EKS]) == ["train-resnet"] * 4 + ["ml-infra/triton-5c8d7b9f4-q2xkz"] * 2
    triton = gpus[EKS][4].allocations[0]
    assert (triton.workload_id, triton.project_name) == ("", "")  # opens no workload, belongs to no project


def test_a_researcher_sees_other_holders_as_another_project() -> None:
    _, gpus = views()
    researcher = Identity(user="dave@acme.ai", role=Role.RESEARCHER, project_names=("vision",))
    shown = visible_gpus(gpus[EKS], researcher)
    assert holders(shown) == ["train-resnet"] * 4 + [ANOTHER_PROJECT] * 2


def test_gke_time_sharing_counts_physical_gpus_and_names_the_accelerator() -> None:
    nodes, gpus = views()
    x9k2 = nodes[GKE_X9K2]
    assert (x9k2.gpu_count, x9k2.allocated_gpus, x9k2.gpu_model) == (8, 1.5, "NVIDIA-A100-SXM4-40GB")
    assert x9k2.gpu_sharing == "time-sharing ×2"
    assert len(gpus[GKE_X9K2]) == 8 and {gpu.memory_total_mib for gpu in gpus[GKE_X9K2]} == {40960}
    assert [len(gpu.allocations) for gpu in gpus[GKE_X9K2]] == [1, 1, 1, 0, 0, 0, 0, 0]
    assert nodes[GKE_B7M4].allocated_gpus == 0
    # node-problem-detector's conditions, all False, are not problems: the node is plainly Ready.
    assert nodes[GKE_X9K2].status.value == "Ready"


def test_time_slicing_ten_one_gpu_pods_on_eight_gpus_by_four() -> None:
    nodes, gpus = views()
    sliced = nodes[SLICED]
    assert (sliced.gpu_count, sliced.allocated_gpus, sliced.gpu_model) == (8, 2.5, "NVIDIA-A100-SXM4-80GB")
    assert sliced.gpu_sharing == "time-slicing ×4"
    assert len(holders(gpus[SLICED])) == 10  # every holder shown, none dropped
    # Spread as the device plugin spreads replicas: the fewest-held GPU first.
    assert [len(gpu.allocations) for gpu in gpus[SLICED]] == [2, 2, 1, 1, 1, 1, 1, 1]
    assert {allocation.fraction for gpu in gpus[SLICED] for allocation in gpu.allocations} == {0.25}


def test_mig_single_counts_gpus_and_slices() -> None:
    nodes, gpus = views()
    single = nodes[MIG_SINGLE]
    assert (single.gpu_count, single.gpu_model, single.gpu_sharing) == (
        8,
        "NVIDIA-H100-80GB-HBM3",
        "MIG single 1g.10gb",
    )
    assert single.allocated_gpus == pytest.approx(9 / 7)
    assert all(gpu.mig_enabled for gpu in gpus[MIG_SINGLE])
    assert [len(gpu.allocations) for gpu in gpus[MIG_SINGLE]] == [7, 2, 0, 0, 0, 0, 0, 0]
    assert {a.mig_profile for gpu in gpus[MIG_SINGLE] for a in gpu.allocations} == {"1g.10gb"}
    assert {gpu.memory_total_mib for gpu in gpus[MIG_SINGLE]} == {81920}  # the GPU's, not one slice's 9856


def test_mig_mixed_counts_whole_and_cut_gpus() -> None:
    nodes, gpus = views()
    mixed = nodes[MIG_MIXED]
    assert (mixed.gpu_count, mixed.gpu_sharing) == (8, "MIG mixed")
    assert mixed.allocated_gpus == pytest.approx(2 + 3 / 7 + 3 / 7)
    assert [gpu.mig_enabled for gpu in gpus[MIG_MIXED]] == [False] * 4 + [True] * 4
    assert holders(gpus[MIG_MIXED][:2]) == ["detect", "detect"]
    assert holders(gpus[MIG_MIXED][4:]) == ["tokenize"] * 3 + ["finetune"]


def test_garbage_labels_cost_their_field_never_the_node() -> None:
    nodes, gpus = views()
    garbage = nodes[GARBAGE]
    assert (garbage.gpu_count, garbage.gpu_model, garbage.gpu_sharing) == (4, "GPU", None)
    assert {gpu.memory_total_mib for gpu in gpus[GARBAGE]} == {0}  # unknown: shown as —
    absurd = nodes["gpu-node-absurd"]
    assert (absurd.gpu_count, gpus["gpu-node-absurd"]) == (0, [])  # 1e18 GPUs: unknown, not a billion rows


@pytest.mark.parametrize(
    "labels",
    [
        {"nvidia.com/gpu.replicas": "NaN", "nvidia.com/gpu.count": "8"},
        {"nvidia.com/gpu.replicas": "0", "nvidia.com/gpu.count": "-8"},
        {"nvidia.com/gpu.replicas": "4.5", "nvidia.com/gpu.product": "X-MIG-99g.1gb"},
        {"nvidia.com/mig.strategy": "mixed", "nvidia.com/mig-1g.5gb.count": "inf"},
        {"cloud.google.com/gke-gpu-sharing-strategy": "time-sharing"},  # no clients label
        {"cloud.google.com/gke-accelerator": "nvidia-future-gpu"},  # not in the table: shown as named
        {"cloud.google.com/gke-gpu-partition-size": "not-a-profile"},
        {"nvidia.com/gpu.count": "²", "nvidia.com/gpu.replicas": "٤"},  # digits, to str.isdigit
        {"nvidia.com/gpu.count": "9" * 5000},
    ],
)
def test_odd_label_sets_parse(labels: dict[str, str]) -> None:
    row = wire.parse_node(
        node("odd", labels, cpu="8", memory="64Gi", gpus={"nvidia.com/gpu": "8"}), wire.pool_resolver()
    )
    assert 0 < row.gpu_count <= 8 and row.gpu_replicas >= 1
    pods = wire.parse_pods([pod("ns", "p", "odd", {"nvidia.com/gpu": "1"})])
    assert len(wire.gpu_views(row, pods)) == row.gpu_count


def test_a_pod_asking_for_absurd_gpus_is_left_out_not_expanded() -> None:
    with pytest.raises(BadResponse, match="requests"):
        wire.parse_pod(pod("ns", "greedy", "odd", {"nvidia.com/gpu": "1e15"}))


def test_run_ai_counting_replicas_as_gpus_gives_way_to_kubernetes_physical_count() -> None:
    """Where Run:ai lists a shared node, its count is of what the node advertises (32 replicas); the merged
    node keeps Run:ai's pool and name of the model but Kubernetes' physical GPUs and their allocation."""
    from console.backends.live.merge import merge_node

    nodes, _ = views()
    kube = nodes[SLICED]
    runai = dataclasses.replace(kube, node_pool="a100", gpu_model=None, gpu_count=32, allocated_gpus=10.0)
    merged = merge_node(runai, kube)
    assert (merged.node_pool, merged.gpu_model, merged.gpu_count, merged.allocated_gpus) == (
        "a100",
        "NVIDIA-A100-SXM4-80GB",
        8,
        2.5,
    )
    assert merged.gpu_sharing == "time-slicing ×4"
    plain = nodes[EKS]
    assert merge_node(dataclasses.replace(plain, allocated_gpus=5.0), plain).allocated_gpus == 5.0  # Run:ai's


def test_a_mig_policy_label_on_a_gpu_that_cannot_do_mig_is_not_mig() -> None:
    """A GKE L4 node with the GPU operator: `mig.strategy=single` is policy, `mig.capable=false`."""
    labels = {
        "nvidia.com/gpu.product": "NVIDIA-L4",
        "nvidia.com/gpu.count": "1",
        "nvidia.com/gpu.memory": "23034",
        "nvidia.com/mig.capable": "false",
        "nvidia.com/mig.strategy": "single",
        "nvidia.com/gpu.sharing-strategy": "none",
        "nvidia.com/gpu.replicas": "1",
    }
    row = wire.parse_node(
        node("llm-d", labels, cpu="8", memory="32Gi", gpus={"nvidia.com/gpu": "1"}), wire.pool_resolver()
    )
    assert (row.gpu_count, row.gpu_model, row.gpu_memory_mib, row.mig_enabled, row.gpu_sharing) == (
        1,
        "NVIDIA-L4",
        23034,
        False,
        None,
    )
