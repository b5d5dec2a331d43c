"""A workload's pods and events (`/api/v1/workloads/pods`, `/api/v1/workloads/{id}/pods` and
`/events`), both sides.

Apart from `workloads` because the workload objects never carry them: the list learns where its
workloads run from the cluster's pod list (`node_names_by_workload`), the detail view reads a workload's
own pods and events (`workloads.parse_workload_detail`). The API's pod has no GPU indexes (the
Kubernetes pod's `runai-gpu` annotation has them), and an event list may hold nulls (`Event2` is
nullable), which `parse_items` skips.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from console.model.runai import Pod, Workload, WorkloadEvent
from console.wire.runai.fields import _mapping, _num, _obj, _optional_time, _str, _time, iso, json_number
from console.wire.runai.tenant import TENANT_ID


def parse_pod(item: Any) -> Pod:
    """A `Pod`. The API's pod has no GPU indexes (`gpu_indexes` stays empty: the Kubernetes pod's
    `runai-gpu` annotation has them)."""
    obj = _obj(item, "pod")
    node_name = obj.get("nodeName")
    return Pod(
        name=_str(obj, "name", "pod"),
        workload_id=_str(obj, "workloadId", "pod"),
        node_name=node_name if isinstance(node_name, str) and node_name else None,
        k8s_phase=_str(obj, "k8sPhase", "pod", default="Unknown"),
        allocated_gpus=max(0.0, _num(_mapping(obj.get("allocatedResources")), "gpu", default=0.0)),
        gpu_indexes=(),
        created_at=_optional_time(obj, "createdAt", "pod"),
    )


def as_runai_tells_it(pod: Pod) -> Pod:
    """`pod` with only what Run:ai's pod object carries: without the GPU indexes, container status and
    restarts that its Kubernetes pod adds (what `parse_pod` reads back from `pod_json`)."""
    return dataclasses.replace(pod, gpu_indexes=(), status="", restarts=None)


def as_runai_tells_them(workload: Workload) -> Workload:
    """`workload` with each pod as Run:ai's pod object tells it (`as_runai_tells_it`)."""
    return dataclasses.replace(workload, pods=tuple(as_runai_tells_it(pod) for pod in workload.pods))


def node_names_by_workload(pods: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """{workload id: the nodes its pods run on} from a pod list; pods without both say nothing."""
    nodes_of: dict[str, dict[str, None]] = {}
    for pod in pods:
        pod = _mapping(pod)
        node = pod.get("nodeName")
        workload_id = pod.get("workloadId")
        if isinstance(node, str) and node and isinstance(workload_id, str):
            nodes_of.setdefault(workload_id, {})[node] = None
    return {workload_id: tuple(nodes) for workload_id, nodes in nodes_of.items()}


def parse_event(item: Any) -> WorkloadEvent:
    obj = _obj(item, "event")
    return WorkloadEvent(
        created_at=_time(obj, "createdAt", "event"),
        type=_str(obj, "type", "event", default="Normal"),
        reason=_str(obj, "reason", "event", default=""),
        message=_str(obj, "message", "event", default=""),
        source=_str(obj, "source", "event", default=""),
    )


def pod_json(pod: Pod, pod_id: str, workload: Workload, cluster_id: str) -> dict[str, Any]:
    return {
        "id": pod_id,
        "name": pod.name,
        "workloadId": workload.id,
        "clusterId": cluster_id,
        "projectId": workload.project_id,
        "nodeName": pod.node_name,
        "currentNodePool": workload.current_node_pool,
        "requestedNodePools": list(workload.requested_node_pools),
        "containers": [{"name": workload.name, "image": workload.image, "startedAt": None}],
        "k8sPhase": pod.k8s_phase,
        "k8sPhaseUpdatedAt": iso(workload.phase_updated_at),
        "priorityClassName": workload.priority_class,
        "allocatedResources": {"gpu": json_number(pod.allocated_gpus)},
        "tenantId": TENANT_ID,
        "createdAt": iso(pod.created_at),
        "completedAt": iso(workload.completed_at),
        "updatedAt": iso(workload.phase_updated_at),
        "deletedAt": None,
    }


def event_json(
    event: WorkloadEvent, event_id: str, workload: Workload, namespace: str, cluster_id: str
) -> dict[str, Any]:
    return {
        "createdAt": iso(event.created_at),
        "id": event_id,
        "type": event.type,
        "clusterId": cluster_id,
        "message": event.message,
        "reason": event.reason,
        "source": event.source,
        "involvedObject": {
            "uid": workload.id,
            "kind": "Workload",
            "name": workload.name,
            "namespace": namespace,
        },
    }
