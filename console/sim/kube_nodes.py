"""A simulated node as the Kubernetes API shows it: its labels (role, pool, GPU Feature Discovery), its
resourceVersion and the whole Node object, written by the wire codec (`console.wire.kube_objects`).

Used by the simulator's Kubernetes face (`kubectl get node -o yaml`) and by the demo backend's
`describe_node`, so `y` on a node shows the same object in the demo as over the wire.
"""

from __future__ import annotations

import dataclasses
import functools
import uuid
from typing import Any

from console.model.enums import NodeStatus
from console.sim.runai_state import NodeState
from console.sim.simulator import Simulator
from console.wire import kube as wire
from console.wire import kube_objects

KUBELET_VERSION = "v1.30.4"
"""What the simulated kubelets report (the face's `/version` says the same)."""
UID_NAMESPACE = uuid.UUID("6f1f4c2e-7a55-4a8e-9d1b-2b7f0c9e3a11")
"""The namespace of every uuid5 the Kubernetes side derives (nodes, machines, images, namespaces, events)."""


@functools.lru_cache(maxsize=4096)
def node_uid(kind: str, key: str) -> str:
    """A stable UUID for a node, machine, image or event (pods use their workload's id)."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{kind}/{key}"))


def node_ip(order: int) -> str:
    return f"10.0.{order // 250 % 250}.{order % 250 + 2}"


def node_version(node: NodeState) -> str:
    """The node's resourceVersion: it changes whenever anything about the node changes."""
    return str(1000 + node.version)


def node_labels(sim: Simulator, node: NodeState) -> dict[str, str]:
    labels: dict[str, str] = {
        wire.LABEL_HOSTNAME: node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        {
            "gpu-worker": wire.ROLE_GPU_WORKER_LABEL,
            "cpu-worker": wire.ROLE_CPU_WORKER_LABEL,
            "system": wire.ROLE_SYSTEM_LABELS[0],
        }[node.role.value]: "true",
    }
    pool = sim.runai.pool_record(node.pool)
    if pool is not None and pool.label_key:
        labels[pool.label_key] = pool.label_value
    if node.gpus:
        labels.update(
            {
                wire.GPU_PRESENT_LABEL: "true",
                wire.GFD_PRODUCT_LABEL: (node.gpu_model or "GPU").replace(" ", "-"),
                wire.GFD_COUNT_LABEL: str(len(node.gpus)),
                wire.GFD_MEMORY_LABEL: str(node.gpu_memory_mib),
                wire.GFD_MIG_STRATEGY_LABEL: "mixed" if node.mig else "none",
            }
        )
    return labels


def node_object(sim: Simulator, node: NodeState) -> dict[str, Any]:
    """The whole Node object (`GET /api/v1/nodes/{name}`)."""
    view = sim.runai.node(node.name)
    ready = node.status is NodeStatus.READY
    conditions = tuple(
        dataclasses.replace(
            condition, since=node.status_since if condition.type == "Ready" else node.created_at
        )
        for condition in view.conditions
    )
    record = kube_objects.NodeRecord(
        name=node.name,
        uid=node_uid("node", node.name),
        resource_version=node_version(node),
        created_at=node.created_at,
        labels=node_labels(sim, node),
        cpu_millicores=node.cpu_millicores,
        memory_bytes=node.memory_bytes,
        gpu_count=len(node.gpus),
        unschedulable=node.unschedulable,
        taints=tuple(node.taints),
        taints_since=node.status_since,
        conditions=conditions,
        heartbeat_at=sim.clock.now() if ready else node.status_since,
        internal_ip=node_ip(node.order),
        pod_cidr=f"10.244.{node.order % 250}.0/24",
        machine_id=node_uid("machine", node.name).replace("-", ""),
        system_uuid=node_uid("system", node.name),
        boot_id=node_uid("boot", node.name),
        kubelet_version=KUBELET_VERSION,
    )
    return kube_objects.encode_node(record)
