"""Server-side Table cells as kubectl's printers compute them, and the protobuf bodies client-go sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.wire import kube_protobuf, kube_tables


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-0.5, "0s"),
        (59, "59s"),
        (119, "119s"),
        (125, "2m5s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600 + 60, "3h1m"),
        (30 * 3600, "30h"),
        (3 * 86400 + 3600, "3d1h"),
        (180 * 86400, "180d"),
        (800 * 86400, "2y70d"),
        (9 * 365 * 86400, "9y"),
    ],
)
def test_ages_read_like_kubectls(seconds: float, text: str) -> None:
    assert kube_tables.human_duration(seconds) == text


def test_accept_headers_pick_tables_only_when_asked_first() -> None:
    kubectl = (
        "application/json;as=Table;v=v1;g=meta.k8s.io,"
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    )
    assert kube_tables.wants_table(kubectl)
    assert not kube_tables.wants_table("application/json")
    assert not kube_tables.wants_table("application/json, */*")
    assert not kube_tables.wants_table(None)
    assert not kube_tables.wants_table("application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")


def test_a_crashing_pod_and_a_cordoned_node_print_as_kubectl_shows_them() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    pod = {
        "metadata": {"name": "p", "creationTimestamp": "2026-11-23T08:00:00Z"},
        "spec": {"containers": [{"name": "c"}], "nodeName": "n1"},
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "containerStatuses": [
                {"restartCount": 1, "ready": False, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
            ],
        },
    }
    assert kube_tables.pod_cells(pod, now) == [
        "p",
        "0/1",
        "CrashLoopBackOff",
        "1",
        "60m",
        "10.244.1.5",
        "n1",
        "<none>",
        "<none>",
    ]
    node = {
        "metadata": {
            "name": "n1",
            "creationTimestamp": "2026-05-27T09:00:00Z",
            "labels": {"node-role.kubernetes.io/gpu": ""},
        },
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [{"type": "Ready", "status": "True"}],
            "nodeInfo": {"kubeletVersion": "v1.30.4"},
        },
    }
    assert kube_tables.node_cells(node, now)[:5] == [
        "n1",
        "Ready,SchedulingDisabled",
        "gpu",
        "180d",
        "v1.30.4",
    ]


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field (lengths below 128 bytes)."""
    return bytes([number << 3 | 2, len(payload)]) + payload


def test_a_protobuf_access_review_reads_as_its_json() -> None:
    attributes = (
        _field(1, b"runai-vision") + _field(2, b"create") + _field(5, b"pods") + _field(6, b"eviction")
    )
    review = _field(2, _field(1, attributes))
    body = (
        kube_protobuf.MAGIC
        + _field(1, _field(1, b"authorization.k8s.io/v1") + _field(2, b"SelfSubjectAccessReview"))
        + _field(2, review)
    )
    envelope = kube_protobuf.envelope(body)
    assert (envelope.api_version, envelope.kind) == ("authorization.k8s.io/v1", "SelfSubjectAccessReview")
    assert kube_protobuf.access_review_spec(envelope.raw) == {
        "resourceAttributes": {
            "namespace": "runai-vision",
            "verb": "create",
            "resource": "pods",
            "subresource": "eviction",
        }
    }


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{}",
        b"k8s\x00\x0a\xff",
        b"k8s\x00\x0a\x02\x0a",
        b"k8s\x00\x07",
        b"k8s\x00" + b"\xff" * 12,
        b"k8s\x00\x00\x00",
    ],
)
def test_malformed_protobuf_is_a_protobuf_error(body: bytes) -> None:
    with pytest.raises(kube_protobuf.ProtobufError):
        envelope = kube_protobuf.envelope(body)
        kube_protobuf.access_review_spec(envelope.raw)
