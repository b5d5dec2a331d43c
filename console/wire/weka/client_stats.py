"""Per-process reads from `GET /stats/realtime` (reference/weka.md §9; the 3.14 spec's
`InlineResponse20076Data`: `id`, `hostname`, `read_bytes_per_second`, `reads_per_second`,
`read_latency_usecs`, `obs_download_bytes_per_second`, …), read as `ClientReads`.

The list has one entry per WEKA process, backends and clients alike, with no role field (the CLI's
`weka stats realtime` shows the role; the JSON does not): a client is told apart by its `hostname`,
which for a Kubernetes GPU node is the node's name. An entry without a hostname says nothing about any
node and is skipped, as is one that is not an object; a missing rate reads as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from console.model.feed import ClientReads
from console.wire.weka.envelope import as_float, as_list, as_str


def parse_client_reads(data: Any) -> list[ClientReads]:
    """Every process's reads that names its host, in the order WEKA lists them."""
    found = []
    for index, entry in enumerate(as_list(data, "stats/realtime")):
        where = f"stats/realtime[{index}]"
        if not isinstance(entry, dict):
            continue
        hostname = as_str(entry, "hostname", where, default="")
        if not hostname:
            continue
        found.append(
            ClientReads(
                process_id=as_str(entry, "id", where, default=""),
                hostname=hostname,
                read_bytes_per_second=max(0.0, as_float(entry, "read_bytes_per_second", where, default=0.0)),
                reads_per_second=max(0.0, as_float(entry, "reads_per_second", where, default=0.0)),
                read_latency_microseconds=max(0.0, as_float(entry, "read_latency_usecs", where, default=0.0)),
                obs_download_bytes_per_second=max(
                    0.0, as_float(entry, "obs_download_bytes_per_second", where, default=0.0)
                ),
            )
        )
    return found


def backend_latency_beside(
    cluster_latency_microseconds: float, backend_ops: float, clients: Sequence[ClientReads]
) -> float:
    """The latency the simulator's face gives its backend entries so that the ops-weighted mean over every
    entry (what `parse_realtime_latency` reads, clients included, as on a real cluster) is the cluster's
    latency the simulator keeps: the clients' slow reads are part of it, not added on top."""
    client_ops = sum(client.reads_per_second for client in clients)
    client_weighted = sum(client.read_latency_microseconds * client.reads_per_second for client in clients)
    if backend_ops <= 0:
        return cluster_latency_microseconds
    total = cluster_latency_microseconds * (backend_ops + client_ops)
    return max(0.0, (total - client_weighted) / backend_ops)


def client_realtime_json(reads: Iterable[ClientReads]) -> list[dict[str, Any]]:
    """The clients' `/stats/realtime` entries as the simulator's face serves them (they write nothing
    the model tracks: writes and uploads read 0)."""
    return [
        {
            "id": client.process_id,
            "hostname": client.hostname,
            "cpu_utilization_percentage": 0.0,
            "ops_per_second": client.reads_per_second,
            "reads_per_second": client.reads_per_second,
            "writes_per_second": 0.0,
            "read_bytes_per_second": client.read_bytes_per_second,
            "write_bytes_per_second": 0.0,
            "read_latency_usecs": client.read_latency_microseconds,
            "write_latency_usecs": 0.0,
            "obs_upload_bytes_per_second": 0.0,
            "obs_download_bytes_per_second": client.obs_download_bytes_per_second,
        }
        for client in reads
    ]
