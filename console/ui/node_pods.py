"""A node's pods as rows of words: the pure reading behind the node detail's Pods section.

k9s lists a node's pods with their status and restarts; an admin of a GPU cluster wants, besides, whose
each Run:ai pod is (its workload and project, the master or which worker) and which of the node's GPUs
it holds, and to see the other pods (DaemonSets, system pods) apart, below. A node runs at most a few
hundred pods (the kubelet's default limit is 110); the rows stop at `MAX_NODE_POD_ROWS` and say how
many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.model import NodePod
from console.ui.format import format_gpus

MAX_NODE_POD_ROWS = 200
"""Rows the section shows at most; past them it says "… and N more"."""

PROBLEM_STATUSES = frozenset(
    {"CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "Unknown"}
)
"""What k9s colours as a fault: a container that cannot start or keeps crashing, a pod nobody reports."""


def pod_status(phase: str, status: str) -> str:
    """k9s's STATUS: what the container waits on when that is a fault (CrashLoopBackOff), else the phase."""
    return status if status in PROBLEM_STATUSES else phase


@dataclass(frozen=True, slots=True)
class NodePodRow:
    """One pod as the section reads it; every cell is words."""

    name: str
    """The pod's name, and its workload's in brackets where the name does not start with it (Run:ai
    names a pod `<workload>-<index>-<attempt>`, a distributed job's `<workload>-master-0`, `-worker-N`)."""
    workload: str
    """Its Run:ai workload's name; "" for a pod Run:ai does not run."""
    where: str
    """Its project for a Run:ai pod, its namespace for the rest (kube-system, gpu-operator)."""
    status: str
    """What its container waits on (CrashLoopBackOff), else its phase (Running, Pending)."""
    restarts: str
    gpus: str
    gpu_indexes: str
    is_runai: bool
    problem: bool
    """Crash-looping, unpullable or Unknown, or restarted: the row to look at first."""


@dataclass(frozen=True, slots=True)
class NodePodRows:
    """The rows to show (Run:ai's first, then the others), how many pods there are of each kind, and how
    many rows were left out."""

    rows: tuple[NodePodRow, ...]
    runai_count: int
    other_count: int
    left_out: int

    @property
    def title(self) -> str:
        total = self.runai_count + self.other_count
        return f"Pods ({total}: {self.runai_count} Run:ai, {self.other_count} other)"


def node_pod_row(pod: NodePod) -> NodePodRow:
    status = pod.status or pod.phase
    named = pod.is_runai and pod.workload_name and not pod.name.startswith(pod.workload_name)
    return NodePodRow(
        name=f"{pod.name} ({pod.workload_name})" if named else pod.name,
        workload=pod.workload_name if pod.is_runai else "",
        where=pod.project_name if pod.is_runai else pod.namespace,
        status=status,
        restarts="—" if pod.restarts is None else str(pod.restarts),
        gpus=format_gpus(pod.gpus) if pod.gpus else "—",
        gpu_indexes=",".join(str(index) for index in pod.gpu_indexes) or "—",
        is_runai=pod.is_runai,
        problem=status in PROBLEM_STATUSES or bool(pod.restarts),
    )


def node_pod_rows(pods: Sequence[NodePod], limit: int = MAX_NODE_POD_ROWS) -> NodePodRows:
    """The node's pods as rows: Run:ai's first, by workload then name (a master before its workers), then
    the others by namespace and name; at most `limit` rows."""
    ordered = sorted(
        pods,
        key=lambda pod: (not pod.is_runai, pod.workload_name if pod.is_runai else pod.namespace, pod.name),
    )
    runai_count = sum(1 for pod in pods if pod.is_runai)
    return NodePodRows(
        rows=tuple(node_pod_row(pod) for pod in ordered[:limit]),
        runai_count=runai_count,
        other_count=len(pods) - runai_count,
        left_out=max(0, len(pods) - limit),
    )
