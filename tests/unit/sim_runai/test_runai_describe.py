"""`describe_workload` answers in the real `/api/v1/workloads/{id}` shape (reference/runai.md §4.3)."""

from __future__ import annotations

import json

from runai_tiny import ADMIN, Tiny, quota

from console.model import GpuRequest, WorkloadType

REQUIRED_KEYS = {
    "id", "name", "type", "projectId", "projectName", "departmentId", "departmentName", "namespace",
    "submittedBy", "phase", "phaseMessage", "phaseReason", "k8sPhase", "createdAt", "phaseUpdatedAt",
    "workloadRequestedResources", "allocatedResources", "runningPods", "requestedPods", "requestedNodePools",
    "currentNodePools", "images", "preemptible", "priorityClassName", "actionsSupport", "clusterId",
    "tenantId",
}  # fmt: skip


def test_describe_uses_the_api_field_names_and_values(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=2)
    tiny.project("team-a", quota("h100", 2))
    workload_id = tiny.submit("notebook", "team-a", 0.5, kind=WorkloadType.WORKSPACE)
    tiny.advance(20)

    body = tiny.sim.describe_workload(ADMIN, workload_id)

    assert body.keys() >= REQUIRED_KEYS
    json.dumps(body)  # plain JSON, as the HTTP face will serve it
    assert body["id"] == workload_id and body["projectName"] == "team-a"
    assert body["namespace"] == "runai-team-a" and body["departmentName"] == "research"
    assert body["phase"] == "Running" and body["k8sPhase"] == "Running"
    assert body["workloadRequestedResources"]["gpuRequestType"] == "portion"
    assert body["workloadRequestedResources"]["gpu"]["request"] == 0.5
    assert body["allocatedResources"]["gpu"] == 0.5
    assert body["runningPods"] == 1 and body["requestedPods"]["number"] == 1
    assert body["currentNodePools"] == ["h100"] and body["requestedNodePools"] == ["h100"]
    assert body["preemptible"] is False and body["priorityClassName"] == "build"
    assert body["actionsSupport"] == {"delete": True, "suspend": True}
    assert body["createdAt"].endswith("Z")


def test_describe_of_a_pending_memory_request_says_why(tiny: Tiny) -> None:
    tiny.pool("h100", nodes=1, gpus=1)
    tiny.project("team-a", quota("h100", 1, limit=1))
    tiny.submit("first", "team-a", 1)
    workload_id = tiny.submit("embed", "team-a", GpuRequest.memory(20480))
    tiny.advance(3)

    body = tiny.sim.describe_workload(ADMIN, workload_id)

    assert body["phase"] == "Pending" and body["phaseReason"] == "OverLimit"
    assert body["workloadRequestedResources"]["gpuRequestType"] == "memory"
    assert body["workloadRequestedResources"]["gpuMemory"]["request"] == "20480Mi"
    assert body["allocatedResources"]["gpu"] == 0
    assert body["pendingSchedulingMessages"][0]["phaseReason"] == "OverLimit"
