"""The Run:ai-side alerts (nodes that stopped reporting, nodes draining, degraded workloads), worded once.

Run:ai has no alert API: the simulator and the live backend both derive these from nodes and workloads,
and must word them alike (the live contract test compares the two), so both build them here.
"""

from __future__ import annotations

from datetime import datetime

from console.model.enums import AlertSeverity, NodeStatus
from console.model.weka import Alert

RUNAI_ALERT_SOURCE = "runai"

NODE_NOT_READY = "NodeNotReady"
NODE_DRAINING = "NodeDraining"
WORKLOAD_DEGRADED = "WorkloadDegraded"


def node_not_ready_title(node_name: str, status: NodeStatus) -> str:
    return f"Node {node_name} is {status.value}"


def node_draining_title(node_name: str) -> str:
    return f"Node {node_name} is draining"


def node_not_ready_alert(
    node_name: str, status: NodeStatus, gpu_count: int, node_pool: str, raised_at: datetime
) -> Alert:
    return Alert(
        type=NODE_NOT_READY,
        title=node_not_ready_title(node_name, status),
        description=(
            f"Kubelet on {node_name} stopped posting node status; its {gpu_count} GPUs in "
            f"node pool {node_pool} take no new work."
        ),
        severity=AlertSeverity.MAJOR,
        muted=False,
        raised_at=raised_at,
        source=RUNAI_ALERT_SOURCE,
        action=(
            f"Check the kubelet and the network of {node_name}; if it stays down, cordon it (Nodes, c) "
            "so its pods are rescheduled elsewhere."
        ),
    )


def node_draining_alert(node_name: str, raised_at: datetime) -> Alert:
    return Alert(
        type=NODE_DRAINING,
        title=node_draining_title(node_name),
        description=f"{node_name} carries the runai=drain:NoExecute maintenance taint.",
        severity=AlertSeverity.INFO,
        muted=False,
        raised_at=raised_at,
        source=RUNAI_ALERT_SOURCE,
        action="Undrain it (Nodes, ⇧u) when the maintenance is done.",
    )


def workload_degraded_alert(
    project_name: str, workload_name: str, phase_message: str, raised_at: datetime
) -> Alert:
    return Alert(
        type=WORKLOAD_DEGRADED,
        title=f"Workload {workload_name} is Degraded",
        description=f"{project_name}/{workload_name}: {phase_message}",
        severity=AlertSeverity.WARNING,
        muted=False,
        raised_at=raised_at,
        source=RUNAI_ALERT_SOURCE,
        project_name=project_name,
        action="Open the workload (Workloads, enter) to see which pod is failing, and its logs (l).",
    )
