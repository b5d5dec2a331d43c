"""How one node, GPU or pod is told from several sources: Run:ai, Kubernetes and this host's NVML.

`LiveBackend` asks each service what it knows best and combines the answers here, with no I/O: a node is
Run:ai's object with Kubernetes' status, cordon and taints (`merge_node`), a GPU is Kubernetes' device with
this host's NVML readings (`with_local_readings`), and the Run:ai-side alerts are derived from the nodes and
workloads the way the simulator derives them (`runai_alerts`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import Mapping, Sequence
from datetime import datetime

from console.model import Alert, GpuDevice, Node, NodeStatus, Pod, Workload
from console.model.runai_alerts import (
    NODE_DRAINING,
    NODE_NOT_READY,
    node_draining_alert,
    node_draining_title,
    node_not_ready_alert,
    node_not_ready_title,
    workload_degraded_alert,
)

UNNAMED_GPU = "GPU"
"""The model a node's GPUs read as when nothing on the Kubernetes side names them (`console.wire.kube`)."""


def merge_node(runai: Node, kube: Node | None) -> Node:
    """Run:ai's node (pool, vendor GPU model, allocation, creation time) with what Kubernetes knows best:
    the role label, the status and conditions, the cordon and the taints (the things node actions change).
    Where the Run:ai version has no CPU and memory telemetry (2.18), Kubernetes' capacity and requests fill
    them in. Where the GPUs are shared (time-slicing, GKE time-sharing, MIG), the count and allocation are
    Kubernetes' in physical GPUs: Run:ai reads the advertised `nvidia.com/gpu`, which counts each replica or
    slice as a GPU. A model Run:ai does not name is the one the node's labels name."""
    if kube is None:
        return runai
    merged = dataclasses.replace(
        runai,
        role=kube.role,
        status=kube.status,
        conditions=kube.conditions,
        taints=kube.taints,
        unschedulable=kube.unschedulable,
        gpu_model=runai.gpu_model or kube.gpu_model,
        gpu_sharing=kube.gpu_sharing,
    )
    if kube.gpu_sharing is not None:
        merged = dataclasses.replace(merged, gpu_count=kube.gpu_count, allocated_gpus=kube.allocated_gpus)
    if runai.telemetry_unavailable_reason is None:
        return merged
    return dataclasses.replace(
        merged,
        cpu_millicores=kube.cpu_millicores,
        allocated_cpu_millicores=kube.allocated_cpu_millicores,
        memory_bytes=kube.memory_bytes,
        allocated_memory_bytes=kube.allocated_memory_bytes,
        telemetry_unavailable_reason=None,
    )


NVML_PANEL_UNAVAILABLE_ENDING = "; the GPU panel is unavailable"
"""How `NvmlGpuReader.unavailable_reason()` ends. With Kubernetes listing the GPUs the panel is there, so
`telemetry_unavailable_note` leaves it out."""


def telemetry_unavailable_note(nvml_reason: str) -> str:
    """The GPU panel's line when Kubernetes lists the GPUs but NVML cannot read this host's: why, and where
    the readings come from."""
    cause = nvml_reason.removesuffix(NVML_PANEL_UNAVAILABLE_ENDING).rstrip(". ")
    return f"{cause}, so no GPU telemetry: utilisation, memory and temperature come from NVML on a GPU node."


def with_local_readings(gpu: GpuDevice, local: GpuDevice) -> GpuDevice:
    """A cluster GPU (allocations from Kubernetes) with this host's NVML readings of the same device."""
    return dataclasses.replace(
        gpu,
        uuid=local.uuid or gpu.uuid,
        model=local.model or gpu.model,
        memory_total_mib=local.memory_total_mib or gpu.memory_total_mib,
        memory_used_mib=local.memory_used_mib,
        utilization_percent=local.utilization_percent,
        temperature_celsius=local.temperature_celsius,
        power_watts=local.power_watts,
        mig_enabled=local.mig_enabled,
    )


def runai_alerts(
    nodes: Sequence[Node], degraded: Sequence[Workload], first_seen: Mapping[tuple[str, str], datetime]
) -> list[Alert]:
    """The Run:ai-side alerts, worded as the simulator words them (`console.model.runai_alerts`).

    `first_seen` gives each node alert's time (keyed by type and title); a degraded workload's alert is
    raised when its phase changed, which the API does say.
    """
    alerts: list[Alert] = []
    for node in nodes:
        if node.status is not NodeStatus.READY:
            raised_at = first_seen[(NODE_NOT_READY, node_not_ready_title(node.name, node.status))]
            alerts.append(
                node_not_ready_alert(node.name, node.status, node.gpu_count, node.node_pool, raised_at)
            )
        elif node.draining:
            raised_at = first_seen[(NODE_DRAINING, node_draining_title(node.name))]
            alerts.append(node_draining_alert(node.name, raised_at))
    for workload in degraded:
        alerts.append(
            workload_degraded_alert(
                workload.project_name, workload.name, workload.phase_message, workload.phase_updated_at
            )
        )
    return alerts


def node_alert_keys(nodes: Sequence[Node]) -> list[tuple[str, str]]:
    """The (type, title) of each node alert `runai_alerts` will raise for `nodes`."""
    keys = []
    for node in nodes:
        if node.status is not NodeStatus.READY:
            keys.append((NODE_NOT_READY, node_not_ready_title(node.name, node.status)))
        elif node.draining:
            keys.append((NODE_DRAINING, node_draining_title(node.name)))
    return keys


def local_host_names() -> frozenset[str]:
    """The names a Kubernetes node running this process would have (the hostname, short and long)."""
    names = {socket.gethostname()}
    with contextlib.suppress(OSError):
        names.add(socket.getfqdn())  # "localhost" on hosts without a resolvable name: not a node's name
    names |= {name.split(".")[0] for name in names if name}
    return frozenset(name for name in names if name and name not in ("localhost", "localhost.localdomain"))


def with_kube_pod_facts(workload: Workload, kube_pods: Sequence[Pod] | None) -> Workload:
    """Run:ai's pods with what only their Kubernetes pods say: GPU indexes (the `runai-gpu` annotation),
    what the container waits on (a crash loop) and restarts."""
    by_name = {pod.name: pod for pod in kube_pods or ()}
    if not by_name:
        return workload
    pods = tuple(
        dataclasses.replace(
            pod,
            gpu_indexes=kube.gpu_indexes or pod.gpu_indexes,
            status=kube.status,
            restarts=kube.restarts,
        )
        if (kube := by_name.get(pod.name)) is not None
        else pod
        for pod in workload.pods
    )
    return dataclasses.replace(workload, pods=pods)
