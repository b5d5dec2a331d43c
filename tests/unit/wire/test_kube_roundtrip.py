"""What the simulator's face encodes (console.wire.kube_objects) is what rwc's live client decodes
(console.wire.kube): the same node and pod values on both sides of the wire, for any quantities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from console.model.runai import DRAIN_TAINT, NodeCondition, NodeRole, NodeStatus, Taint
from console.wire import kube as wire
from console.wire import kube_objects as objects

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def node_record(**changes: object) -> objects.NodeRecord:
    values: dict[str, object] = {
        "name": "dgx-a100-01",
        "uid": "7a0e8c4e-0000-4000-8000-000000000001",
        "resource_version": "1007",
        "created_at": START - timedelta(days=180),
        "labels": {
            wire.ROLE_GPU_WORKER_LABEL: "true",
            wire.GFD_PRODUCT_LABEL: "NVIDIA-A100-SXM4-80GB",
            wire.GFD_MEMORY_LABEL: "81920",
            "run.ai/node-pool": "a100",
        },
        "cpu_millicores": 224_000,
        "memory_bytes": 2 * 1024**4,
        "gpu_count": 8,
        "unschedulable": True,
        "taints": (DRAIN_TAINT, Taint("nvidia.com/gpu", "present", "NoSchedule")),
        "taints_since": START - timedelta(minutes=5),
        "conditions": (
            NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", START),
            NodeCondition(
                "MemoryPressure", "False", "KubeletHasSufficientMemory", "", START - timedelta(days=3)
            ),
        ),
        "heartbeat_at": START,
        "internal_ip": "10.0.0.3",
        "pod_cidr": "10.244.1.0/24",
        "machine_id": "m",
        "system_uuid": "s",
        "boot_id": "b",
        "kubelet_version": "v1.30.4",
    }
    values.update(changes)
    return objects.NodeRecord(**values)  # type: ignore[arg-type]


def test_a_node_comes_back_as_it_was_encoded() -> None:
    record = node_record()
    row = wire.parse_node(objects.encode_node(record), wire.pool_resolver())
    assert (row.name, row.resource_version, row.node_pool) == ("dgx-a100-01", "1007", "a100")
    assert (row.role, row.status, row.unschedulable) == (NodeRole.GPU_WORKER, NodeStatus.READY, True)
    assert row.taints == record.taints
    assert row.conditions == record.conditions
    assert [c.since for c in row.conditions] == [c.since for c in record.conditions]
    assert (row.gpu_count, row.gpu_model, row.gpu_memory_mib) == (8, "NVIDIA-A100-SXM4-80GB", 81920)
    assert (row.cpu_millicores, row.memory_bytes, row.created_at) == (
        record.cpu_millicores,
        record.memory_bytes,
        record.created_at,
    )
    # The drain taint carries when it was added (NoExecute), which rwc sends back when it patches the list.
    assert row.raw_taints[0]["timeAdded"] == "2026-11-23T08:55:00Z"


@settings(max_examples=60, deadline=None)
@given(
    cpu=st.integers(min_value=0, max_value=10**7),
    memory=st.integers(min_value=0, max_value=2**50),
    gpus=st.integers(min_value=0, max_value=16),
)
def test_node_quantities_survive_the_wire(cpu: int, memory: int, gpus: int) -> None:
    record = node_record(cpu_millicores=cpu, memory_bytes=memory, gpu_count=gpus, labels={})
    row = wire.parse_node(objects.encode_node(record), wire.pool_resolver())
    assert (row.cpu_millicores, row.memory_bytes, row.gpu_count) == (cpu, memory, gpus)


def pod_record(**changes: object) -> objects.PodRecord:
    values: dict[str, object] = {
        "name": "llama3-8b-sft-0-1",
        "namespace": "runai-llm-pretrain",
        "uid": "5b1f0000-0000-4000-8000-000100000000",
        "resource_version": "1012",
        "created_at": START - timedelta(hours=2),
        "labels": {
            wire.LABEL_WORKLOAD_ID: "5b1f0000-0000-4000-8000-0000000000aa",
            wire.LABEL_WORKLOAD_NAME: "llama3-8b-sft",
            wire.LABEL_PROJECT: "llm-pretrain",
        },
        "annotations": {wire.ANNOTATION_GPU_INDEXES: "0,1,2,3"},
        "owner": objects.ObjectRef(
            "TrainingWorkload", "llama3-8b-sft", "runai-llm-pretrain", "5b1f", "run.ai/v2alpha1"
        ),
        "phase": "Running",
        "phase_since": START - timedelta(hours=1),
        "crashed": False,
        "container": "llama3-8b-sft",
        "image": "nvcr.io/nvidia/pytorch:24.08-py3",
        "image_id": "sha256:0",
        "command": "python train.py",
        "requests": {"cpu": "32", "memory": "256Gi", wire.RESOURCE_GPU: "4"},
        "limits": {wire.RESOURCE_GPU: "4"},
        "priority_class": "train",
        "restart_policy": "Never",
        "node_name": "dgx-h100-01",
        "host_ip": "10.0.0.9",
        "pod_ip": "10.244.7.47",
    }
    values.update(changes)
    return objects.PodRecord(**values)  # type: ignore[arg-type]


def test_a_pod_comes_back_as_it_was_encoded() -> None:
    row = wire.parse_pod(objects.encode_pod(pod_record()))
    assert (row.name, row.namespace, row.node_name, row.phase) == (
        "llama3-8b-sft-0-1",
        "runai-llm-pretrain",
        "dgx-h100-01",
        "Running",
    )
    assert (row.workload_id, row.workload_name, row.project_name) == (
        "5b1f0000-0000-4000-8000-0000000000aa",
        "llama3-8b-sft",
        "llm-pretrain",
    )
    assert (row.cpu_millicores, row.memory_bytes, row.whole_gpus, row.gpu_indexes) == (
        32_000,
        256 * 1024**3,
        4,
        (0, 1, 2, 3),
    )
    assert row.created_at == START - timedelta(hours=2) and row.holds_resources


def test_a_fractional_pod_and_a_mig_pod_come_back_with_their_shares() -> None:
    fractional = pod_record(
        annotations={wire.ANNOTATION_GPU_FRACTION: "0.5", wire.ANNOTATION_GPU_INDEXES: "3"},
        requests={"cpu": objects.cpu_quantity(1500), "memory": objects.pod_memory_quantity(3 * 1024**3)},
        limits={},
    )
    row = wire.parse_pod(objects.encode_pod(fractional))
    assert (row.gpu_fraction, row.whole_gpus, row.cpu_millicores, row.memory_bytes) == (
        0.5,
        0,
        1500,
        3 * 1024**3,
    )
    mig = pod_record(requests={"cpu": "2", "memory": "16Gi", "nvidia.com/mig-1g.10gb": "2"}, limits={})
    assert wire.parse_pod(objects.encode_pod(mig)).mig_slices == (("1g.10gb", 2),)


@settings(max_examples=60, deadline=None)
@given(cpu=st.integers(min_value=0, max_value=10**7), memory=st.integers(min_value=0, max_value=2**50))
def test_pod_request_quantities_survive_the_wire(cpu: int, memory: int) -> None:
    record = pod_record(
        requests={"cpu": objects.cpu_quantity(cpu), "memory": objects.pod_memory_quantity(memory)}, limits={}
    )
    row = wire.parse_pod(objects.encode_pod(record))
    assert (row.cpu_millicores, row.memory_bytes) == (cpu, memory)


def test_a_pending_pod_is_unbound_and_a_terminating_one_says_so() -> None:
    pending = wire.parse_pod(
        objects.encode_pod(pod_record(phase="Pending", node_name=None, host_ip=None, pod_ip=None))
    )
    assert (pending.phase, pending.node_name, pending.holds_resources) == ("Pending", None, False)
    leaving = objects.encode_pod(pod_record(deleting_since=START))
    assert leaving["metadata"]["deletionTimestamp"] == "2026-11-23T09:00:00Z"
