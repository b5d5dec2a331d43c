"""Reading the simulated cluster with a real kubectl: what an admin types first on a new cluster.

Each test compares kubectl's output with the simulator behind the face (the cluster rwc shows), so a row
kubectl prints is a row rwc shows, not just a well-formed answer.
"""

from __future__ import annotations

import re

import yaml
from kubectl_env import Kubectl, rows

from console.sim.http.kubeconfig import RESEARCHER_CONTEXT
from console.sim.runai_views import pod_views


def _sim_pods(kubectl: Kubectl) -> dict[str, tuple[str, str | None]]:
    """namespace/name -> (phase as the demo shows it, node) for every pod the simulator has."""
    with kubectl.served.locked() as sim:
        state = sim.runai.state
        found = {}
        for workload in state.workloads.values():
            namespace = state.projects[workload.project_id].namespace
            for view in pod_views(workload):
                found[f"{namespace}/{view.name}"] = (view.k8s_phase, view.node_name)
        return found


def test_get_nodes_prints_kubectls_columns_and_every_node_with_its_cordon(kubectl: Kubectl) -> None:
    table = rows(kubectl.run("get", "nodes").stdout)
    assert table[0] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    with kubectl.served.locked() as sim:
        nodes = {name: node.unschedulable for name, node in sim.runai.state.nodes.items()}
    printed = {row[0]: row[1] for row in table[1:]}
    assert set(printed) == set(nodes)
    for name, cordoned in nodes.items():
        assert printed[name].split(",")[0] in ("Ready", "NotReady", "Unknown"), printed[name]
        assert ("SchedulingDisabled" in printed[name]) is cordoned, (name, printed[name])
    assert any(row[2] == "runai-gpu-worker" for row in table[1:])


def test_wide_output_adds_the_priority_columns_for_nodes_and_pods(kubectl: Kubectl) -> None:
    nodes = rows(kubectl.run("get", "nodes", "-o", "wide").stdout)
    assert nodes[0] == [
        "NAME",
        "STATUS",
        "ROLES",
        "AGE",
        "VERSION",
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ]
    assert all(row[5].startswith("10.0.") and row[7] == "Ubuntu 22.04.4 LTS" for row in nodes[1:])
    pods = rows(kubectl.run("get", "pods", "-A", "-o", "wide").stdout)
    assert pods[0] == [
        "NAMESPACE",
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
    ]
    expected = _sim_pods(kubectl)
    assert {f"{row[0]}/{row[1]}" for row in pods[1:]} == set(expected)
    for row in pods[1:]:
        _, node = expected[f"{row[0]}/{row[1]}"]
        assert row[7] == (node or "<none>")


def test_yaml_of_one_node_and_one_pod_is_a_whole_kubernetes_object(kubectl: Kubectl) -> None:
    name, (_, node) = next((key, value) for key, value in _sim_pods(kubectl).items() if value[1])
    namespace, pod = name.split("/")
    node_doc = yaml.safe_load(kubectl.run("get", "node", node, "-o", "yaml").stdout)
    assert (node_doc["kind"], node_doc["apiVersion"], node_doc["metadata"]["name"]) == ("Node", "v1", node)
    pod_doc = yaml.safe_load(kubectl.run("get", "pod", "-n", namespace, pod, "-o", "yaml").stdout)
    assert (pod_doc["kind"], pod_doc["spec"]["nodeName"]) == ("Pod", node)
    assert pod_doc["metadata"]["ownerReferences"][0]["controller"] is True


def test_label_selectors_equality_and_set_based(kubectl: Kubectl) -> None:
    gpu = kubectl.run(
        "get", "nodes", "-o", "name", "-l", "node-role.kubernetes.io/runai-gpu-worker"
    ).stdout.split()
    other = kubectl.run(
        "get", "nodes", "-o", "name", "-l", "!node-role.kubernetes.io/runai-gpu-worker"
    ).stdout.split()
    with kubectl.served.locked() as sim:
        expected_gpu = {
            f"node/{n.name}" for n in sim.runai.state.nodes.values() if n.role.value == "gpu-worker"
        }
        everything = {f"node/{name}" for name in sim.runai.state.nodes}
    assert set(gpu) == expected_gpu and set(gpu) | set(other) == everything and not set(gpu) & set(other)

    chosen = kubectl.run(
        "get", "pods", "-A", "-o", "name", "-l", "project in (vision, speech),workloadName notin (no-such)"
    ).stdout.split()
    expected = [key for key in _sim_pods(kubectl) if key.split("/")[0] in ("runai-vision", "runai-speech")]
    assert len(chosen) == len(expected) > 0


def test_a_malformed_selector_is_the_servers_400_not_a_crash(kubectl: Kubectl) -> None:
    done = kubectl.run("get", "pods", "-A", "-l", "project in (vision", check=False)
    assert done.returncode != 0
    assert "unable to parse requirement" in done.stderr or "unable to parse" in done.stderr


def test_field_selectors_pick_the_pods_of_one_node_and_phase(kubectl: Kubectl) -> None:
    pods = _sim_pods(kubectl)
    node = next(node for _, node in pods.values() if node)
    on_node = kubectl.run(
        "get", "pods", "-A", "--field-selector", f"spec.nodeName={node}", "-o", "name"
    ).stdout.split()
    assert len(on_node) == sum(1 for _, where in pods.values() if where == node) > 0
    not_running = kubectl.run(
        "get", "pods", "-A", "--field-selector", "status.phase!=Running", "-o", "name"
    ).stdout.split()
    assert all(pods[key][0] != "Running" for key in pods if f"pod/{key.split('/')[1]}" in not_running)


def test_paging_with_a_small_chunk_size_lists_the_same_pods(kubectl: Kubectl) -> None:
    whole = kubectl.run("get", "pods", "-A", "-o", "name").stdout.split()
    paged = kubectl.run("get", "pods", "-A", "-o", "name", "--chunk-size", "3").stdout.split()
    assert paged == whole and len(whole) > 3


def test_describe_node_and_pod_show_the_pods_and_the_events(kubectl: Kubectl) -> None:
    name, (_, node) = next((key, value) for key, value in _sim_pods(kubectl).items() if value[0] == "Running")
    namespace, pod = name.split("/")
    described = kubectl.run("describe", "node", node).stdout
    assert f"Name:               {node}" in described and "Non-terminated Pods:" in described
    assert pod in described
    described = kubectl.run("describe", "pod", "-n", namespace, pod).stdout
    assert re.search(rf"^Node:\s+{node}/10\.0\.", described, re.MULTILINE), described
    assert "Started" in described.split("Events:")[1]  # the kubelet's event about this pod


def test_events_core_and_events_k8s_io_and_namespaces_per_project(kubectl: Kubectl) -> None:
    core = rows(kubectl.run("get", "events", "-A").stdout)
    assert core[0][:4] == ["NAMESPACE", "LAST SEEN", "TYPE", "REASON"]
    newer = kubectl.run("get", "events.v1.events.k8s.io", "-A", "-o", "name").stdout.split()
    assert len(newer) == len(core) - 1 > 0
    with kubectl.served.locked() as sim:
        projects = {project.name for project in sim.runai.state.projects.values()}
    namespaces = set(kubectl.run("get", "namespaces", "-o", "name").stdout.split())
    assert namespaces == {"namespace/default"} | {f"namespace/runai-{project}" for project in projects}


def test_auth_can_i_answers_by_role(kubectl: Kubectl) -> None:
    assert kubectl.run("auth", "can-i", "patch", "nodes").stdout.strip() == "yes"
    assert (
        kubectl.run(
            "auth", "can-i", "create", "pods", "--subresource=eviction", "-n", "runai-vision"
        ).stdout.strip()
        == "yes"
    )
    refused = kubectl.run("auth", "can-i", "patch", "nodes", context=RESEARCHER_CONTEXT, check=False)
    assert refused.returncode == 1 and refused.stdout.startswith("no")
    assert (
        kubectl.run("auth", "can-i", "list", "pods", "-A", context=RESEARCHER_CONTEXT).stdout.strip() == "yes"
    )


def test_a_missing_node_is_kubectls_not_found(kubectl: Kubectl) -> None:
    done = kubectl.run("get", "node", "no-such-node", check=False)
    assert done.returncode == 1
    assert 'nodes "no-such-node" not found' in done.stderr


def test_claims_and_their_weka_volumes_are_where_rwc_says_the_data_lives(kubectl: Kubectl) -> None:
    """`kubectl get pvc -A` / `get pv`: each claim bound to a csi-wekafs volume whose handle names the
    filesystem and directory rwc's workload detail shows."""
    claims = rows(kubectl.run("get", "pvc", "-A").stdout)
    assert claims[0][:5] == ["NAMESPACE", "NAME", "STATUS", "VOLUME", "CAPACITY"]
    assert {row[2] for row in claims[1:]} == {"Bound"}
    assert any(row[0] == "runai-vision" and row[1] == "datasets-imagenet-21k" for row in claims[1:])
    volumes = rows(kubectl.run("get", "pv").stdout)
    assert volumes[0][:4] == ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY"]
    assert len(volumes) == len(claims)
    pv = yaml.safe_load(kubectl.run("get", "pv", volumes[1][0], "-o", "yaml").stdout)
    assert pv["spec"]["csi"]["driver"] == "csi.weka.io"
    assert pv["spec"]["csi"]["volumeHandle"].split("/")[0] in ("dir", "weka")
