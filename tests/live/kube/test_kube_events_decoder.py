"""Kubernetes events decoded in the one event model (`console.wire.kube_events`), read over real HTTP by the
real `kubernetes` client from a tiny server on 127.0.0.1 that answers `GET /api/v1/events` with a
real-shaped core/v1 `EventList` (the kubelet's BackOff on a Run:ai pod, the node controller's NodeNotReady,
an events.k8s.io writer with only `eventTime`, a repeating event with a `series`), plus items that cannot
be read, which are left out without taking the list with them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import kubernetes
import pytest

from console.model.events import EventFilter, EventObjectKind, EventSeverity, EventSource
from console.wire.kube_events import MAX_KUBE_EVENTS, parse_kube_events

EVENT_LIST: dict[str, Any] = {
    "kind": "EventList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "48213"},
    "items": [
        {
            "metadata": {
                "name": "llama3-8b-sft-0-0.17f3a1b2c3d4e5f6",
                "namespace": "runai-llm-pretrain",
                "uid": "5b8e1c2a-1111-4c1e-9f00-000000000001",
                "resourceVersion": "48100",
                "creationTimestamp": "2026-11-23T08:59:00Z",
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": "runai-llm-pretrain",
                "name": "llama3-8b-sft-0-0",
                "uid": "9a7f0000-2222-4c1e-9f00-000000000002",
                "apiVersion": "v1",
                "resourceVersion": "47000",
                "fieldPath": "spec.containers{llama3-8b-sft}",
            },
            "reason": "BackOff",
            "message": "Back-off restarting failed container [llama3]",
            "source": {"component": "kubelet", "host": "dgx-h100-01"},
            "firstTimestamp": "2026-11-23T08:59:00Z",
            "lastTimestamp": "2026-11-23T09:04:00Z",
            "count": 6,
            "type": "Warning",
            "eventTime": None,
            "reportingComponent": "kubelet",
            "reportingInstance": "dgx-h100-01",
        },
        {
            "metadata": {
                "name": "dgx-h100-04.17f3a1b2c3d4e5f7",
                "namespace": "default",
                "uid": "5b8e1c2a-1111-4c1e-9f00-000000000003",
                "creationTimestamp": "2026-11-23T08:13:00Z",
            },
            "involvedObject": {
                "kind": "Node",
                "name": "dgx-h100-04",
                "uid": "dgx-h100-04",
                "apiVersion": "v1",
            },
            "reason": "NodeNotReady",
            "message": "Node dgx-h100-04 status is now: NodeNotReady",
            "source": {"component": "node-controller"},
            "firstTimestamp": "2026-11-23T08:13:00Z",
            "lastTimestamp": "2026-11-23T08:13:00Z",
            "count": 1,
            "type": "Normal",
        },
        {
            "metadata": {
                "name": "whisper-distill-0-0.17f3a1b2c3d4e5f8",
                "namespace": "runai-speech",
                "uid": "5b8e1c2a-1111-4c1e-9f00-000000000004",
                "creationTimestamp": "2026-11-23T08:46:00Z",
            },
            "involvedObject": {"kind": "Pod", "namespace": "runai-speech", "name": "whisper-distill-0-0"},
            "reason": "FailedScheduling",
            "message": "0/11 nodes are available: 3 Insufficient nvidia.com/gpu.",
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "eventTime": "2026-11-23T08:46:00.123456Z",
            "series": {"count": 4, "lastObservedTime": "2026-11-23T09:01:30.000000Z"},
            "type": "Warning",
            "reportingComponent": "runai-scheduler",
        },
        {"metadata": {"name": "no-time"}, "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "X"},
        {"metadata": {"name": "no-object"}, "reason": "X", "lastTimestamp": "2026-11-23T08:00:00Z"},
        None,
    ],
}


class _EventsHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server spelling
        if not self.path.startswith("/api/v1/events"):
            self.send_error(404)
            return
        self.server.seen_paths.append(self.path)  # type: ignore[attr-defined]
        body = json.dumps(EVENT_LIST).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    running = ThreadingHTTPServer(("127.0.0.1", 0), _EventsHandler)
    running.seen_paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()


def fetch_events(server: ThreadingHTTPServer) -> Any:
    configuration = kubernetes.client.Configuration()
    configuration.host = f"http://127.0.0.1:{server.server_address[1]}"
    with kubernetes.client.ApiClient(configuration) as api:
        response = kubernetes.client.CoreV1Api(api).list_event_for_all_namespaces(
            limit=MAX_KUBE_EVENTS, _preload_content=False, _request_timeout=5
        )
        return json.loads(response.data)


def test_kubernetes_events_over_http_in_the_one_model(server: ThreadingHTTPServer) -> None:
    events = parse_kube_events(fetch_events(server))
    assert f"limit={MAX_KUBE_EVENTS}" in server.seen_paths[0]  # bounded: one page asked for
    assert [event.reason for event in events] == ["BackOff", "FailedScheduling", "NodeNotReady"]
    backoff, scheduling, not_ready = events
    assert all(event.source is EventSource.KUBERNETES for event in events)

    assert backoff.at.isoformat() == "2026-11-23T09:04:00+00:00"  # the last time, not the first
    assert backoff.severity is EventSeverity.WARNING
    assert backoff.message == "Back-off restarting failed container [llama3]"  # text, never markup
    assert backoff.subject.kind is EventObjectKind.POD
    assert (backoff.subject.name, backoff.subject.project, backoff.subject.node) == (
        "llama3-8b-sft-0-0",
        "llm-pretrain",
        "dgx-h100-01",
    )
    assert backoff.id == "5b8e1c2a-1111-4c1e-9f00-000000000001"

    assert scheduling.at.isoformat() == "2026-11-23T09:01:30+00:00"  # series.lastObservedTime
    assert scheduling.subject.project == "speech" and scheduling.subject.node is None

    assert not_ready.subject.kind is EventObjectKind.NODE and not_ready.subject.node == "dgx-h100-04"
    assert EventFilter(node="dgx-h100-04").matches(not_ready)
    assert EventFilter(project="llm-pretrain").matches(backoff)


def test_the_caller_may_say_which_namespace_is_which_project(server: ThreadingHTTPServer) -> None:
    namespaces = {"runai-llm-pretrain": "llm-pretrain-renamed"}
    events = parse_kube_events(fetch_events(server), namespaces.get)
    assert [event.subject.project for event in events] == ["llm-pretrain-renamed", None, None]
