"""The simulator's Kubernetes face over real HTTP, as any client (not only rwc's) sees it: discovery, tables,
watch streams (from a list's resourceVersion, bookmarks, timeouts, 410 Gone), access reviews, and 400 with a
Status body for every malformed request."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kube_fixtures import ADMIN, ADMIN_TOKEN, RESEARCHER_TOKEN, KubeEnv

from console.model.runai import WorkloadPhase, WorkloadType
from console.sim.http import kube_watch


def _http(env: KubeEnv, token: str = ADMIN_TOKEN) -> httpx.Client:
    return httpx.Client(base_url=env.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0)


def _events(response: httpx.Response) -> Iterator[dict[str, Any]]:
    for line in response.iter_lines():
        if line.strip():
            yield json.loads(line)


def _movable_pod(env: KubeEnv) -> tuple[str, str, str]:
    """(namespace, pod name, workload name) of a running preemptible, non-distributed workload."""
    with env.host.lock:
        state = env.sim.runai.state
        workload = next(
            w
            for w in state.workloads.values()
            if w.preemptible
            and w.phase is WorkloadPhase.RUNNING
            and w.type is not WorkloadType.DISTRIBUTED
            and w.pods
            and w.pods[0].node_name
        )
        return state.projects[workload.project_id].namespace, workload.pods[0].name, workload.name


def test_discovery_lists_what_is_served_and_nothing_else(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        assert http.get("/api").json()["versions"] == ["v1"]
        core = {r["name"]: r for r in http.get("/api/v1").json()["resources"]}
        assert core["nodes"]["shortNames"] == ["no"] and "patch" in core["nodes"]["verbs"]
        assert (core["pods/eviction"]["group"], core["pods/eviction"]["version"]) == ("policy", "v1")
        groups = {g["name"] for g in http.get("/apis").json()["groups"]}
        assert groups == {"events.k8s.io", "authorization.k8s.io"}
        missing = http.get("/apis/apps/v1")
        assert missing.status_code == 404 and missing.json()["kind"] == "Status"


def test_every_object_has_kind_and_api_version_and_tables_have_columns(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        node = http.get("/api/v1/nodes").json()["items"][0]
        single = http.get(f"/api/v1/nodes/{node['metadata']['name']}").json()
        assert (single["kind"], single["apiVersion"]) == ("Node", "v1")
        accept = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
        table = http.get("/api/v1/pods", headers=accept, params={"limit": "2"}).json()
        assert table["kind"] == "Table" and table["metadata"]["continue"]
        assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
        ]
        assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
        bare = http.get("/api/v1/pods", headers=accept, params={"includeObject": "None", "limit": "1"}).json()
        assert "object" not in bare["rows"][0]


def test_a_watch_from_a_lists_version_sees_an_evicted_pod_go_and_its_successor_come(
    kube_env: KubeEnv,
) -> None:
    namespace, pod, workload = _movable_pod(kube_env)
    with _http(kube_env) as http:
        listed = http.get(f"/api/v1/namespaces/{namespace}/pods").json()
        version = listed["metadata"]["resourceVersion"]
        evicted = http.post(
            f"/api/v1/namespaces/{namespace}/pods/{pod}/eviction",
            json={"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pod}},
        )
        assert evicted.status_code == 201
        with kube_env.host.lock:
            kube_env.sim.advance(5.0)  # the pod terminates, the controller makes its successor
        params = {"watch": "true", "resourceVersion": version, "timeoutSeconds": "2"}
        seen: list[tuple[str, str]] = []
        with http.stream("GET", f"/api/v1/namespaces/{namespace}/pods", params=params) as response:
            assert response.status_code == 200
            for event in _events(response):
                assert event["object"]["kind"] == "Pod"
                seen.append((event["type"], event["object"]["metadata"]["name"]))
    assert ("DELETED", pod) in seen
    assert any(kind == "ADDED" and name.startswith(f"{workload}-0-") and name != pod for kind, name in seen)


def test_a_node_watch_sees_a_cordon_made_elsewhere(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        listed = http.get("/api/v1/nodes", params={"fieldSelector": "spec.unschedulable=false"}).json()
        name = listed["items"][0]["metadata"]["name"]
        with kube_env.host.lock:
            kube_env.sim.runai.cordon_node(ADMIN, name)  # as rwc's demo backend would
        params = {
            "watch": "true",
            "resourceVersion": listed["metadata"]["resourceVersion"],
            "fieldSelector": "spec.unschedulable=false",
            "timeoutSeconds": "1",
        }
        with http.stream("GET", "/api/v1/nodes", params=params) as response:
            events = [(e["type"], e["object"]["metadata"]["name"]) for e in _events(response)]
    assert events == [("DELETED", name)]  # it left the selection: what a real watch with that selector says


def test_a_watch_ends_at_its_timeout_and_sends_bookmarks_when_asked(
    kube_env: KubeEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kube_watch, "BOOKMARK_SECONDS", 0.2)
    with _http(kube_env) as http:
        version = http.get("/api/v1/nodes").json()["metadata"]["resourceVersion"]
        params = {
            "watch": "1",
            "resourceVersion": version,
            "timeoutSeconds": "1",
            "allowWatchBookmarks": "true",
        }
        started = time.monotonic()
        with http.stream("GET", "/api/v1/nodes", params=params) as response:
            events = list(_events(response))
        assert time.monotonic() - started < 8  # ended by itself (hang guard, not a timing claim)
    assert events and {e["type"] for e in events} == {"BOOKMARK"}
    assert events[0]["object"] == {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": version},
    }


def test_send_initial_events_adds_everything_then_marks_the_end(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        names = {n["metadata"]["name"] for n in http.get("/api/v1/nodes").json()["items"]}
        params = {
            "watch": "true",
            "sendInitialEvents": "true",
            "timeoutSeconds": "1",
            "allowWatchBookmarks": "true",
        }
        with http.stream("GET", "/api/v1/nodes", params=params) as response:
            events = list(_events(response))
    added = [e["object"]["metadata"]["name"] for e in events if e["type"] == "ADDED"]
    assert set(added) == names
    end = next(e for e in events if e["type"] == "BOOKMARK")
    assert end["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_a_version_the_face_no_longer_knows_is_410_gone(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        answer = http.get("/api/v1/pods", params={"watch": "true", "resourceVersion": "1"})
    assert answer.status_code == 410
    assert (answer.json()["kind"], answer.json()["reason"]) == ("Status", "Expired")


def test_events_of_both_groups_and_namespaces_of_every_project(kube_env: KubeEnv) -> None:
    with _http(kube_env) as http:
        core = http.get("/api/v1/events", params={"fieldSelector": "reason=Started"}).json()
        assert core["kind"] == "EventList" and core["items"]
        assert all(e["involvedObject"]["kind"] == "Pod" for e in core["items"])
        newer = http.get("/apis/events.k8s.io/v1/events").json()
        assert newer["apiVersion"] == "events.k8s.io/v1" and newer["items"][0]["regarding"]["name"]
        namespaces = {n["metadata"]["name"] for n in http.get("/api/v1/namespaces").json()["items"]}
    with kube_env.host.lock:
        projects = {p.name for p in kube_env.sim.runai.state.projects.values()}
    assert namespaces == {"default"} | {f"runai-{name}" for name in projects}


@pytest.mark.parametrize(
    ("token", "verb", "resource", "allowed"),
    [
        (ADMIN_TOKEN, "patch", "nodes", True),
        (RESEARCHER_TOKEN, "patch", "nodes", False),
        (RESEARCHER_TOKEN, "list", "pods", True),
        (ADMIN_TOKEN, "delete", "nodes", False),  # not served, for anyone
        (RESEARCHER_TOKEN, "get", "pods/log:runai-speech", True),  # a project of theirs
        (RESEARCHER_TOKEN, "get", "pods/log:runai-vision", False),  # not theirs
        (ADMIN_TOKEN, "get", "pods/log:runai-vision", True),
    ],
)
def test_access_reviews_answer_by_role(
    kube_env: KubeEnv, token: str, verb: str, resource: str, allowed: bool
) -> None:
    resource, _, namespace = resource.partition(":")
    resource, _, subresource = resource.partition("/")
    attributes = {"verb": verb, "resource": resource, "subresource": subresource, "namespace": namespace}
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    }
    with _http(kube_env, token) as http:
        answer = http.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json=review)
    assert answer.status_code == 201
    assert answer.json()["status"]["allowed"] is allowed


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "headers"),
    [
        ("GET", "/api/v1/pods", {"labelSelector": "a in (b"}, None, {}),
        ("GET", "/api/v1/pods", {"labelSelector": "x" * 10_000}, None, {}),
        ("GET", "/api/v1/pods", {"fieldSelector": "spec.nope=1"}, None, {}),
        ("GET", "/api/v1/pods", {"watch": "true", "resourceVersion": "abc"}, None, {}),
        ("GET", "/api/v1/pods", {"watch": "true", "timeoutSeconds": "-1"}, None, {}),
        (
            "GET",
            "/api/v1/pods",
            {"includeObject": "Everything"},
            None,
            {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
        ),
        ("GET", "/api/v1/pods", {"continue": "not-a-token"}, None, {}),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            {},
            b"k8s\x00\xff\xff",
            {"Content-Type": "application/vnd.kubernetes.protobuf"},
        ),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            {},
            b'{"spec": 7}',
            {"Content-Type": "application/json"},
        ),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            {},
            b"{nope",
            {"Content-Type": "application/json"},
        ),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            {},
            b"[" * 100_000,
            {"Content-Type": "application/json"},
        ),
        (
            "PATCH",
            "/api/v1/nodes/dgx-a100-01",
            {},
            b"[" * 100_000,
            {"Content-Type": "application/merge-patch+json"},
        ),
        (
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            {},
            json.dumps({"spec": {"resourceAttributes": {"verb": "v" * 100_000}}}).encode(),
            {"Content-Type": "application/json"},
        ),
        (
            "PATCH",
            "/api/v1/nodes/dgx-a100-01",
            {},
            b'{"spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}',
            {"Content-Type": "application/merge-patch+json"},
        ),
    ],
)
def test_malformed_requests_get_a_status_body_never_a_crash(
    kube_env: KubeEnv,
    method: str,
    path: str,
    params: dict[str, str],
    body: bytes | None,
    headers: dict[str, str],
) -> None:
    with _http(kube_env) as http:
        answer = http.request(method, path, params=params, content=body, headers=headers)
    assert 400 <= answer.status_code < 500, answer.text
    status = answer.json()
    assert status["kind"] == "Status" and status["status"] == "Failure" and status["message"]
    assert len(answer.content) < 2_000  # nothing the client sent is echoed at length
    if answer.status_code == 422:
        assert status["details"]["causes"][0]["message"].startswith("Unsupported value")
