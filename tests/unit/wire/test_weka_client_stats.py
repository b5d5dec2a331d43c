"""`/stats/realtime` per client (`console.wire.weka.client_stats`): what the face writes reads back; entries
that name no host or are not objects are skipped; missing rates read 0; the backends' latency beside the
clients keeps the cluster's ops-weighted mean."""

from __future__ import annotations

import pytest

from console.model.feed import ClientReads
from console.wire import weka as wire

CLIENTS = [
    ClientReads("NodeId<100>", "dgx-a100-01", 1.3e9, 1240.0, 9600.0, 0.5e9),
    ClientReads("NodeId<101>", "dgx-h100-01", 2.4e9, 2289.0, 250.0, 0.0),
]


def test_what_the_face_writes_reads_back() -> None:
    assert wire.parse_client_reads(wire.client_realtime_json(CLIENTS)) == CLIENTS
    assert CLIENTS[0].object_tier_share == pytest.approx(0.5 / 1.3)


def test_unreadable_entries_are_skipped_and_missing_rates_read_zero() -> None:
    entries = [
        "not an object",
        {"id": "NodeId<1>", "read_bytes_per_second": 5.0},  # no host: says nothing of a node
        {"hostname": "gpu-01", "read_bytes_per_second": "7e8", "read_latency_usecs": None},
        {"hostname": "gpu-02", "read_bytes_per_second": -1},
    ]
    first, second = wire.parse_client_reads(entries)
    assert (first.hostname, first.read_bytes_per_second) == ("gpu-01", 7e8)
    assert first.read_latency_microseconds == 0.0
    assert second.read_bytes_per_second == 0.0 and second.object_tier_share == 0.0


def test_backend_latency_keeps_the_clusters_mean() -> None:
    backend_ops = 100_000.0
    latency = wire.backend_latency_beside(234.0, backend_ops, CLIENTS)
    entries = [
        {"reads_per_second": backend_ops, "read_latency_usecs": latency},
        *wire.client_realtime_json(CLIENTS),
    ]
    assert wire.parse_realtime_latency(entries) == 234.0
    assert wire.backend_latency_beside(234.0, 0.0, CLIENTS) == 234.0
