"""What the simulator keeps, as the Kubernetes objects' identities and records: stable uids, the namespace
per project, and the workloads' events as Kubernetes events.

Why a module of its own: these are the simulator-to-wire mappings that are not nodes or pods (those stay with
the face's handlers); the JSON itself is written by console.wire.kube_objects.
"""

from __future__ import annotations

import hashlib

from console.model.runai import WorkloadType
from console.sim.kube_nodes import node_uid
from console.sim.runai_lifecycle import KUBELET
from console.sim.runai_state import PodState, WorkloadState
from console.sim.simulator import Simulator
from console.wire import kube as wire
from console.wire import kube_objects

WORKLOAD_KINDS: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "TrainingWorkload",
    WorkloadType.WORKSPACE: "InteractiveWorkload",
    WorkloadType.DISTRIBUTED: "DistributedWorkload",
    WorkloadType.INFERENCE: "InferenceWorkload",
}
"""The Run:ai workload object's kind (run.ai/v2alpha1) per workload type: a pod's controller."""


uid = node_uid
"""A stable UUID for a node, machine or image (pods use their workload's id, see `pod_uid`)."""


def pod_uid(workload: WorkloadState, pod: PodState) -> str:
    """The workload's UUID with the pod's attempt and index in its last 12 digits: stable while the pod
    lives, new for the pod the controller makes after an eviction, unique, and cheap."""
    return f"{workload.id[:24]}{pod.attempt:04x}{pod.index:08x}"


def namespace_records(sim: Simulator) -> list[kube_objects.NamespaceRecord]:
    """`default`, and one namespace per Run:ai project (`runai-<project>`, labelled `runai/queue`)."""
    first = min((node.created_at for node in sim.runai.node_records()), default=sim.clock.now())
    records = [kube_objects.NamespaceRecord("default", uid("namespace", "default"), first, "1000")]
    for project in sim.runai.project_records():
        records.append(
            kube_objects.NamespaceRecord(
                name=project.namespace,
                uid=uid("namespace", project.namespace),
                created_at=project.created_at,
                resource_version="1000",
                labels={wire.LABEL_QUEUE: project.name, "runai/project": project.name},
            )
        )
    return records


def event_records(sim: Simulator, namespace: str | None) -> list[kube_objects.EventRecord]:
    """The simulator's workload events as Kubernetes events: the kubelet's are about the workload's first
    pod, the scheduler's and controller's about the Run:ai workload object (kind per workload type)."""
    records: list[kube_objects.EventRecord] = []
    for workload in sim.runai.workload_records():
        project = sim.runai.project_of(workload)
        if namespace is not None and project.namespace != namespace:
            continue
        workload_ref = kube_objects.ObjectRef(
            WORKLOAD_KINDS[workload.type],
            workload.name,
            project.namespace,
            workload.id,
            "run.ai/v2alpha1",
        )
        pod = workload.pods[0] if workload.pods else None
        for at, kind, reason, message, source in workload.events:
            regarding, host = workload_ref, ""
            if source == KUBELET and pod is not None:
                regarding = kube_objects.ObjectRef("Pod", pod.name, project.namespace, pod_uid(workload, pod))
                host = pod.node_name or ""
            digest = hashlib.sha1(
                f"{workload.id}|{at.isoformat()}|{reason}|{message}".encode(), usedforsecurity=False
            ).hexdigest()[:16]
            records.append(
                kube_objects.EventRecord(
                    name=f"{regarding.name}.{digest}",
                    namespace=project.namespace,
                    uid=uid("event", f"{workload.id}/{digest}"),
                    resource_version=str(1000 + int(digest[:6], 16)),
                    regarding=regarding,
                    type=kind,
                    reason=reason,
                    message=message,
                    component=source,
                    at=at,
                    host=host,
                )
            )
    return records


def node_event_records(sim: Simulator) -> list[kube_objects.EventRecord]:
    """What happened to the nodes (the simulator's node log: cordons, drains, NotReady) as the kubelet and
    the node controller file it: about the Node (whose uid is its name, as kubelets set it and as `kubectl
    describe node` searches for it), in `default`."""
    records = []
    for event in sim.runai.node_events.events():
        node = event.subject.name
        stamp = event.at.strftime("%Y%m%d%H%M%S%f")
        records.append(
            kube_objects.EventRecord(
                name=f"{node}.{stamp}",
                namespace="default",
                uid=uid("event", f"{node}/{stamp}/{event.reason}"),
                resource_version=str(1000 + int(stamp[-9:]) % 10**6),
                regarding=kube_objects.ObjectRef("Node", node, "", node),
                type="Warning" if event.severity.value != "Normal" else "Normal",
                reason=event.reason,
                message=event.message,
                component="kubelet",
                at=event.at,
                host=node,
            )
        )
    return records
