"""The pure parsers in `console.wire.kube`: quantities, timestamps, taint edits, GPU shares, wrong shapes.

These cover what the simulator's face never sends but a real cluster does: quantities in every suffix, taints
the GPU operator put there, whole-GPU pods without Run:ai's `runai-gpu` annotation, nodes without role labels.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from console.data.errors import BadResponse
from console.model.runai import NodeRole, NodeStatus
from console.wire import kube as wire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("64", Decimal(64)),
        ("500m", Decimal("0.5")),
        ("1056000000Ki", Decimal(1056000000 * 1024)),
        ("1.5Gi", Decimal(3 * 2**29)),
        ("2k", Decimal(2000)),
        ("1e3", Decimal(1000)),
        ("1E", Decimal(10) ** 18),
        (8, Decimal(8)),
    ],
)
def test_quantities(text: object, expected: Decimal) -> None:
    assert wire.parse_quantity(text) == expected


def test_cpu_rounds_up_to_a_millicore_and_junk_is_a_bad_response() -> None:
    assert wire.cpu_millicores("0.0001") == 1
    assert wire.cpu_millicores("2") == 2000
    assert wire.memory_bytes("64Gi") == 64 * 2**30
    for junk in ("", "12 cores", "Gi", None, True):
        with pytest.raises(BadResponse):
            wire.parse_quantity(junk)


def test_timestamps() -> None:
    assert wire.parse_time("2026-11-23T09:00:00Z") == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert wire.parse_time("2026-11-23T10:00:00.5+01:00") == datetime(
        2026, 11, 23, 9, 0, 0, 500000, tzinfo=UTC
    )
    assert wire.parse_time(None) is None
    with pytest.raises(BadResponse):
        wire.parse_time("yesterday")


def test_taint_edits_keep_every_other_taint() -> None:
    gpu = {"key": "nvidia.com/gpu", "effect": "NoSchedule"}
    drain = {"key": "runai", "value": "drain", "effect": "NoExecute", "timeAdded": "2026-11-23T09:00:00Z"}
    assert wire.taints_with_drain([gpu]) == [gpu, {"key": "runai", "value": "drain", "effect": "NoExecute"}]
    assert wire.taints_with_drain([gpu, drain]) == [gpu, drain]  # once, with the server's timeAdded kept
    assert wire.taints_without_drain([drain, gpu]) == [gpu]
    assert wire.taints_without_drain([gpu]) == [gpu]
    other_runai = {"key": "runai", "value": "other", "effect": "NoExecute"}
    assert wire.taints_without_drain([other_runai]) == [other_runai]


def node(labels: dict[str, str] | None = None, **status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "n1", "resourceVersion": "7", "labels": labels or {}},
        "spec": {"taints": [{"key": "nvidia.com/gpu", "effect": "NoSchedule"}]},
        "status": {
            "capacity": {"cpu": "64", "memory": "256Gi", "nvidia.com/gpu": "8"},
            "allocatable": {"cpu": "63500m", "memory": "250Gi"},
            "conditions": [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown"}],
            **status,
        },
    }


def test_a_node_without_run_ai_labels() -> None:
    row = wire.parse_node(node(), wire.pool_resolver())
    assert row.node_pool == "default"
    assert row.role is NodeRole.GPU_WORKER  # no role labels: decided by the GPU count
    assert row.gpu_count == 8 and row.gpu_model == "GPU"  # from capacity; no GFD labels
    assert row.cpu_millicores == 63500  # allocatable wins over capacity
    assert row.memory_bytes == 250 * 2**30
    assert row.status is NodeStatus.NOT_READY  # Ready=Unknown reads as NotReady, as kubectl shows it
    assert row.raw_taints == ({"key": "nvidia.com/gpu", "effect": "NoSchedule"},)


def test_node_labels_roles_and_pools() -> None:
    labels = {
        "node-role.kubernetes.io/runai-system-worker": "",
        "kai.scheduler/node-pool": "fast",
        wire.GFD_PRODUCT_LABEL: "NVIDIA-H100-80GB-HBM3",
        wire.GFD_COUNT_LABEL: "4",
        wire.GFD_MEMORY_LABEL: "81559",
        wire.GFD_MIG_STRATEGY_LABEL: "single",
    }
    row = wire.parse_node(
        node(labels), wire.pool_resolver({("kai.scheduler/node-pool", "fast"): "h100-fast"})
    )
    assert row.role is NodeRole.SYSTEM
    assert row.node_pool == "h100-fast"
    assert (row.gpu_count, row.gpu_model, row.gpu_memory_mib, row.mig_enabled) == (
        4,
        "NVIDIA-H100-80GB-HBM3",
        81559,
        True,
    )
    no_ready = node()
    no_ready["status"]["conditions"] = []
    assert wire.parse_node(no_ready, wire.pool_resolver()).status is NodeStatus.UNKNOWN


def pod(
    *, requests: dict[str, str], annotations: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "metadata": {
            "name": "p1",
            "namespace": "runai-x",
            "labels": {"project": "x"},
            "annotations": annotations or {},
            "ownerReferences": [{"kind": "TrainingWorkload", "name": "train-1", "uid": "w-1"}],
        },
        "spec": {
            "nodeName": "n1",
            "containers": [{"name": "main", "resources": {"requests": requests}}],
        },
        "status": {"phase": extra.get("phase", "Running")},
    }


def test_whole_gpu_pods_without_indexes_are_spread_over_free_gpus() -> None:
    labels = {wire.GFD_COUNT_LABEL: "4", wire.GFD_MEMORY_LABEL: "81920"}
    row = wire.parse_node(node(labels), wire.pool_resolver())
    pods = [
        wire.parse_pod(pod(requests={"cpu": "1", "nvidia.com/gpu": "2"})),  # no runai-gpu annotation
        wire.parse_pod(pod(requests={"cpu": "1"}, annotations={"gpu-fraction": "0.5", "runai-gpu": "0"})),
    ]
    assert pods[0].workload_id == "w-1" and pods[0].workload_name == "train-1"  # from the owner reference
    gpus = wire.gpu_views(row, pods)
    assert [sum(a.fraction for a in gpu.allocations) for gpu in gpus] == [0.5, 1.0, 1.0, 0.0]
    assert wire.node_view(row, pods).allocated_gpus == 2.5
    assert wire.pod_view(pods[0], 81920).gpu_indexes == ()  # not known, so not claimed


def test_finished_pods_hold_nothing() -> None:
    done = wire.parse_pod(pod(requests={"cpu": "4", "nvidia.com/gpu": "1"}, phase="Succeeded"))
    row = wire.parse_node(node({wire.GFD_COUNT_LABEL: "1"}), wire.pool_resolver())
    assert wire.node_view(row, [done]).allocated_cpu_millicores == 0
    assert wire.pod_view(done, None).allocated_gpus == 0


def test_limits_stand_in_for_missing_requests_and_mig_slices_are_sized() -> None:
    raw = pod(requests={}, annotations={"runai-gpu": "2"})
    raw["spec"]["containers"][0]["resources"]["limits"] = {"cpu": "2", "nvidia.com/mig-3g.40gb": "1"}
    parsed = wire.parse_pod(raw)
    assert parsed.cpu_millicores == 2000
    (share,) = wire.pod_shares(parsed, 81920)
    assert (share.index, share.fraction, share.memory_mib, share.mig_profile) == (2, 3 / 7, 40960, "3g.40gb")


@pytest.mark.parametrize(
    "broken",
    [
        {"kind": "NodeList"},  # no items
        {"items": {}},  # items not a list
        {"items": ["node"]},  # an item that is not an object
        [],  # not an object at all
    ],
)
def test_list_shapes_that_are_wrong(broken: object) -> None:
    with pytest.raises(BadResponse):
        wire.list_items(broken, "Node")


def test_item_shapes_that_are_wrong() -> None:
    with pytest.raises(BadResponse, match="metadata.name"):
        wire.parse_node({"metadata": {}}, wire.pool_resolver())
    with pytest.raises(BadResponse, match="taint"):
        wire.parse_node({"metadata": {"name": "n"}, "spec": {"taints": [{"key": "k"}]}}, wire.pool_resolver())
    with pytest.raises(BadResponse, match="gpu-fraction"):
        wire.parse_pod(pod(requests={}, annotations={"gpu-fraction": "half"}))
    with pytest.raises(BadResponse, match="runai-gpu"):
        wire.parse_pod(pod(requests={}, annotations={"runai-gpu": "first"}))
