"""The wire interpretations in console/wire/runai/, one choice per test (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from console.data.errors import BadResponse, NotFound
from console.model import (
    GpuRequest,
    NodeRole,
    NodeStatus,
    PoolQuota,
    ProjectPhase,
    Role,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.model.runai import UNLIMITED
from console.wire import runai as wire

WORKLOAD: dict[str, Any] = {
    "id": "66d09cc4-d1dc-4888-9163-cce1c23f5fd8",
    "name": "w",
    "type": "Training",
    "projectId": "5",
    "projectName": "p",
    "phase": "Running",
    "phaseUpdatedAt": "2026-11-23T09:00:00.000Z",
    "createdAt": "2026-11-23T08:00:00Z",
    "runningPods": 1,
}


def test_timestamps() -> None:
    assert wire.parse_datetime("2026-11-23T09:00:00.123Z", "t").microsecond == 123000
    assert wire.parse_datetime("2026-11-23T09:00:00+02:00", "t").utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    assert wire.parse_datetime("2023-06-06 12:09:18.211", "t").tzinfo is not None  # naive: UTC
    with pytest.raises(BadResponse):
        wire.parse_datetime("yesterday", "t")


@pytest.mark.parametrize(
    ("quantity", "mib"),
    [("8192Mi", 8192), ("2Gi", 2048), ("10M", 10), ("1G", 954), ("1048576", 1), ("4Ki", 1)],
)
def test_memory_quantities(quantity: str, mib: int) -> None:
    assert wire.memory_mib(quantity) == mib


@pytest.mark.parametrize(
    "garbage", ["1..2", "5eee", "", "Mi", "-1Gi", "1e999", "NaN", "+Inf", "1_000", None, [], True]
)
def test_memory_quantities_that_are_not_read_as_none(garbage: Any) -> None:
    """The spec's quantity pattern lets "1..2" and "5eee" through; `float()` would raise on them."""
    assert wire.memory_mib(garbage) is None


def test_quota_limit_null_is_unlimited_and_weight_defaults() -> None:
    resources = [{"nodePool": {"id": "1", "name": "a100"}, "gpu": {"deserved": 2, "limit": None}}]
    (quota,) = wire.parse_quotas(resources, [], "project")
    assert quota == PoolQuota("a100", 2, UNLIMITED, PoolQuota("x", 0).over_quota_weight)


def test_quota_statuses_join_by_pool_name() -> None:
    resources = [
        {"nodePool": {"id": "1", "name": "a"}, "gpu": {"deserved": 1}},
        {"nodePool": {"id": "2", "name": "b"}},
    ]
    statuses = [{"nodePoolId": "2", "nodePoolName": "b", "allocated": {"gpu": 1.5}, "requested": {"gpu": 3}}]
    a, b = wire.parse_quotas(resources, statuses, "project")
    assert (a.allocated_gpus, b.allocated_gpus, b.requested_gpus, b.deserved_gpus) == (0.0, 1.5, 3, 0.0)


def test_project_needs_its_fields() -> None:
    with pytest.raises(BadResponse, match="'id'"):
        wire.parse_project({"name": "x", "resources": [], "createdAt": "2026-01-01T00:00:00Z"})
    # `resources` is optional in the 2.18 spec: a project without it has no quotas, and is still shown.
    assert wire.parse_project({"id": "1", "name": "x", "createdAt": "2026-01-01T00:00:00Z"}).quotas == ()
    project = wire.parse_project(
        {
            "id": 7,
            "name": "x",
            "resources": [],
            "createdAt": "2026-01-01T00:00:00Z",
            "status": {"phase": "New"},
        }
    )
    assert project.id == "7" and project.phase is ProjectPhase.UNKNOWN and project.namespace == "runai-x"


def test_workload_types_and_unknown_enums() -> None:
    assert wire.parse_workload(WORKLOAD).type is WorkloadType.TRAINING
    assert wire.parse_workload({**WORKLOAD, "type": "runai-job"}).type is WorkloadType.TRAINING
    assert wire.parse_workload({**WORKLOAD, "type": "InteractiveWorkload"}).type is WorkloadType.WORKSPACE
    assert (
        wire.parse_workload({**WORKLOAD, "type": "Deployment", "category": "Deploy"}).type
        is WorkloadType.INFERENCE
    )
    odd = wire.parse_workload({**WORKLOAD, "phase": "Hibernating", "phaseReason": "Sleepy"})
    assert odd.phase is WorkloadPhase.UNKNOWN and odd.phase_reason is None
    for missing in ("id", "name", "projectId", "phaseUpdatedAt", "createdAt"):
        with pytest.raises(BadResponse, match=repr(missing)):
            wire.parse_workload({k: v for k, v in WORKLOAD.items() if k != missing})


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (None, GpuRequest.whole(0)),
        ({"gpu": {"request": 2}}, GpuRequest.whole(2)),
        ({"gpuRequestType": "portion", "gpu": {"request": 0.25}}, GpuRequest.fraction(0.25)),
        ({"gpuRequestType": "portion", "gpu": {"request": 1}}, GpuRequest.whole(1)),
        ({"gpuRequestType": "memory", "gpuMemory": {"request": "4096Mi"}}, GpuRequest.memory(4096)),
    ],
)
def test_gpu_requests(requested: Any, expected: GpuRequest) -> None:
    assert wire.parse_workload({**WORKLOAD, "workloadRequestedResources": requested}).gpu_request == expected


def test_node_conditions_cordon_and_telemetry() -> None:
    item = {
        "name": "n1",
        "status": "NotReady",
        "nodePool": "a100",
        "createdAt": "2026-01-01T00:00:00Z",
        "conditions": [
            {"type": "Ready", "reason": "NodeStatusUnknown"},
            {"type": "DiskPressure", "reason": "KubeletHasDiskPressure"},
            {"type": "Custom", "reason": "Whatever"},
        ],
        "taints": [
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
            {"key": "runai", "value": "drain", "effect": "NoExecute"},
        ],
        "gpuInfo": {"gpuType": "H100", "gpuCount": 8},
    }
    telemetry = {
        "ALLOCATED_GPUS": {"n1": 2.5},
        "TOTAL_CPU_CORES": {"n1": 224.0},
        "ALLOCATED_CPU_CORES": {"n1": 0.1},
    }
    node = wire.parse_node(item, telemetry)
    assert [c.status for c in node.conditions] == ["Unknown", "True", "Unknown"]
    assert node.unschedulable and node.draining and len(node.taints) == 1
    assert (node.role, node.status, node.gpu_count, node.allocated_gpus) == (
        NodeRole.GPU_WORKER,
        NodeStatus.NOT_READY,
        8,
        2.5,
    )
    assert (node.cpu_millicores, node.allocated_cpu_millicores, node.memory_bytes) == (224_000, 100, 0)


def test_node_pool_from_nodes() -> None:
    nodes = [
        {"name": "c", "nodePool": "p", "gpuInfo": None},
        {"name": "b", "nodePool": "p", "gpuInfo": {"gpuType": "B", "gpuCount": 4}},
        {"name": "a", "nodePool": "p", "gpuInfo": {"gpuType": "A", "gpuCount": 8}},
        {"name": "z", "nodePool": "other", "gpuInfo": {"gpuType": "Z", "gpuCount": 8}},
    ]
    pool = wire.parse_node_pool(
        {"id": "1", "name": "p", "status": {"nodes": ["c", "a", "b"]}}, nodes, {"p": 3.0}
    )
    assert (pool.gpu_model, pool.total_gpus, pool.allocated_gpus, pool.node_names) == (
        "A",
        12,
        3.0,
        ("c", "a", "b"),
    )
    assert pool.placement_strategy == "binpack"


def test_telemetry_groups() -> None:
    body = {
        "type": "WORKLOADS_COUNT",
        "timestamp": "2026-01-01T00:00:00Z",
        "values": [
            {
                "value": "3",
                "groups": [{"key": "projectId", "value": "5"}, {"key": "PHASE", "value": "Running"}],
            },
            {
                "value": "1",
                "groups": [{"key": "ProjectId", "value": "5"}, {"key": "Phase", "value": "Degraded"}],
            },
            {
                "value": "2",
                "groups": [{"key": "ProjectId", "value": "6"}, {"key": "Phase", "value": "Pending"}],
            },
        ],
    }
    assert wire.workload_counts(body) == {"5": (4, 0), "6": (0, 2)}
    with pytest.raises(BadResponse):
        wire.parse_telemetry({"type": "X"})


def test_cluster_choice() -> None:
    clusters = [
        {"uuid": "b", "name": "later", "createdAt": "2025-02-01T00:00:00Z"},
        {"uuid": "a", "name": "first", "createdAt": "2025-01-01T00:00:00Z"},
    ]
    assert wire.choose_cluster(clusters, None)["name"] == "first"
    assert wire.choose_cluster(clusters, "B")["name"] == "later"
    with pytest.raises(NotFound):
        wire.choose_cluster(clusters, "c")
    with pytest.raises(NotFound):
        wire.choose_cluster([], None)
    with pytest.raises(BadResponse):
        wire.choose_cluster({"uuid": "a"}, None)


def test_identity_from_access_rules() -> None:
    admin = [{"roleName": "System administrator", "scopeType": "tenant"}]
    department_admin = [{"roleName": "Department administrator", "scopeType": "department"}]
    assert wire.is_admin(admin) and not wire.is_admin(department_admin) and not wire.is_admin([])
    identity = wire.identity_from("u@x", False, ["a", "b"])
    assert identity.role is Role.RESEARCHER and identity.project_names == ("a", "b")
    assert wire.user_from_claims({"sub": "s", "preferred_username": "p"}, "f") == "p"
    assert wire.user_from_claims({}, "fallback") == "fallback"
    assert wire.jwt_claims("not-a-jwt") == {}


def test_filter_terms_and_what_stays_local() -> None:
    terms, left = wire.workload_filter_terms(
        WorkloadFilter(project_name="p", phase=WorkloadPhase.PENDING, name_contains="a,b", node_pool="h100")
    )
    assert terms == ["projectName==p", "phase==Pending", "nodepool==h100"]
    assert left == WorkloadFilter(name_contains="a,b")
    assert wire.workload_filter_terms(None) == ([], None)


def test_submission_bodies() -> None:
    spec = WorkloadSpec(
        "d", "p", WorkloadType.DISTRIBUTED, "img", GpuRequest.whole(2), workers=3, preemptible=False
    )
    body = wire.submission_body(spec, "5", "c")
    assert body["spec"]["numWorkers"] == 2 and body["masterSpecSameAsWorker"] is True
    assert body["spec"]["preemptibility"] == "non-preemptible"
    assert body["spec"]["compute"] == {"gpuDevicesRequest": 2}
    memory = wire.submission_body(
        WorkloadSpec("m", "p", WorkloadType.WORKSPACE, "i", GpuRequest.memory(512)), "5", "c"
    )
    assert memory["spec"]["compute"]["gpuMemoryRequest"] == "512Mi" and "numWorkers" not in memory["spec"]


@pytest.mark.parametrize(
    ("wire_field", "form"),
    [
        ("spec.compute.gpuPortionRequest", "gpu"),
        ("compute.gpuDevicesRequest", "gpu"),  # the spec's own example leaves out "spec."
        ("spec.image", "image"),
        ("projectId", "project_name"),
        ("name", "name"),
        ("spec.somethingElse", None),
        (None, None),
    ],
)
def test_compliance_fields_to_form_fields(wire_field: str | None, form: str | None) -> None:
    assert wire.form_field(wire_field) == form
