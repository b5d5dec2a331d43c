"""A node's pods as the node detail reads them: from Kubernetes' Pod objects (a Run:ai worker that
crash-loops, a DaemonSet's pod) to rows of words, Run:ai's first, bounded, and unnamed for a researcher
where the pod is another project's."""

from __future__ import annotations

from typing import Any

from console.data.visibility import ANOTHER_PROJECT, visible_node_pods
from console.model import Identity, NodePod, Role
from console.ui.node_pods import node_pod_rows
from console.wire import kube as wire


def pod_object(
    name: str,
    namespace: str,
    *,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    requests: dict[str, str] | None = None,
    container_statuses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {"phase": "Running"}
    if container_statuses is not None:
        status["containerStatuses"] = container_statuses
    return {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels or {},
            "annotations": annotations or {},
            "creationTimestamp": "2026-12-05T10:00:00Z",
        },
        "spec": {
            "nodeName": "dgx-a100-02",
            "containers": [{"name": "main", "resources": {"requests": requests or {"cpu": "1"}}}],
        },
        "status": status,
    }


CRASHING_WORKER = pod_object(
    "recsys-dlrm-train-worker-0",
    "runai-recsys",
    labels={
        wire.LABEL_WORKLOAD_ID: "wl-1",
        wire.LABEL_WORKLOAD_NAME: "recsys-dlrm-train",
        wire.LABEL_PROJECT: "recsys",
    },
    annotations={wire.ANNOTATION_GPU_INDEXES: "2,3"},
    requests={"cpu": "8", wire.RESOURCE_GPU: "2"},
    container_statuses=[
        {"name": "main", "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
    ],
)
DEVICE_PLUGIN = pod_object(
    "nvidia-device-plugin-daemonset-x7k2p",
    "gpu-operator",
    container_statuses=[{"name": "main", "restartCount": 0, "state": {"running": {}}}],
)


def test_a_crash_looping_worker_and_a_daemonset_pod_read_as_k9s_shows_them() -> None:
    worker, plugin = (
        wire.node_pod_view(row, None) for row in wire.parse_pods([CRASHING_WORKER, DEVICE_PLUGIN])
    )
    assert (worker.is_runai, worker.workload_name, worker.project_name) == (
        True,
        "recsys-dlrm-train",
        "recsys",
    )
    assert (worker.phase, worker.status, worker.restarts) == ("Running", "CrashLoopBackOff", 3)
    assert (worker.gpus, worker.gpu_indexes) == (2.0, (2, 3))
    assert (plugin.is_runai, plugin.workload_name, plugin.status, plugin.restarts, plugin.gpus) == (
        False,
        "",
        "",
        0,
        0.0,
    )

    rows = node_pod_rows([plugin, worker])
    assert rows.title == "Pods (2: 1 Run:ai, 1 other)"
    first, second = rows.rows
    assert (first.name, first.workload, first.where, first.status, first.restarts) == (
        "recsys-dlrm-train-worker-0",
        "recsys-dlrm-train",
        "recsys",
        "CrashLoopBackOff",
        "3",
    )
    assert (first.gpus, first.gpu_indexes) == ("2", "2,3")
    assert first.problem
    assert (second.name, second.workload, second.where, second.status, second.gpus, second.gpu_indexes) == (
        "nvidia-device-plugin-daemonset-x7k2p",
        "",
        "gpu-operator",
        "Running",
        "—",
        "—",
    )
    assert not second.problem


def test_a_pod_without_container_statuses_says_its_restarts_are_not_known() -> None:
    (row,) = wire.parse_pods([pod_object("pending-0-0", "runai-a")])
    assert (row.restarts, row.waiting_reason) == (None, "")
    assert node_pod_rows([wire.node_pod_view(row, None)]).rows[0].restarts == "—"


def test_a_pod_not_named_after_its_workload_names_it() -> None:
    pod = NodePod("pytorchjob-7f9c-0", "runai-a", "Running", "w", "bert-sweep", "a", is_runai=True)
    assert node_pod_rows([pod]).rows[0].name == "pytorchjob-7f9c-0 (bert-sweep)"


def test_a_master_comes_before_its_workers_and_the_rows_stop_at_the_bound() -> None:
    pods = [
        NodePod(f"job-worker-{i}", "runai-a", "Running", "w", "job", "a", is_runai=True) for i in range(3)
    ]
    pods.append(NodePod("job-master-0", "runai-a", "Running", "w", "job", "a", is_runai=True))
    pods += [NodePod(f"kube-proxy-{i}", "kube-system", "Running") for i in range(5)]
    rows = node_pod_rows(pods, limit=6)
    assert [row.name for row in rows.rows] == [
        "job-master-0",
        "job-worker-0",
        "job-worker-1",
        "job-worker-2",
        "kube-proxy-0",
        "kube-proxy-1",
    ]
    assert rows.rows[-1].where == "kube-system"
    assert (rows.runai_count, rows.other_count, rows.left_out) == (4, 5, 3)


def test_a_researcher_sees_other_projects_pods_unnamed_and_system_pods_as_they_are() -> None:
    mine = NodePod("jupyter-erin-0-0", "runai-recsys", "Running", "w1", "jupyter-erin", "recsys", True)
    theirs = NodePod("llama-0-0", "runai-llm", "Running", "w2", "llama", "llm-pretrain", True, gpus=8.0)
    system = NodePod("kube-proxy-abc", "kube-system", "Running")
    researcher = Identity("erin@acme.ai", Role.RESEARCHER, ("recsys",))
    shown = visible_node_pods([mine, theirs, system], researcher)
    assert shown[0] == mine and shown[2] == system
    hidden = shown[1]
    assert (hidden.name, hidden.namespace, hidden.workload_name, hidden.project_name) == (
        ANOTHER_PROJECT,
        "",
        ANOTHER_PROJECT,
        ANOTHER_PROJECT,
    )
    assert hidden.gpus == 8.0  # the GPUs are still held: the node's totals stay right
