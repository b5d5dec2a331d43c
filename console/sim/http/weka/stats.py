"""Statistics on the WEKA face: `/stats` (rows per category, §9) and `/stats/realtime` (one entry per
backend process, §5, then one per client process: each node's reads from the simulator's data feed),
from the simulator's one-per-second samples."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from console.model import WekaMetricsSample
from console.sim.http.base import Request, Response
from console.sim.http.weka.auth import Handlers
from console.sim.http.weka.common import bad_request, ok
from console.sim.weka_metrics import HISTORY_SECONDS
from console.wire import weka as wire


class Statistics(Handlers):
    """`/stats/realtime` and `/stats`."""

    def stats_realtime(self, request: Request) -> Response:
        """One entry per active backend process (rates split evenly), then one per client process with
        what its node read; the backends' latency is what keeps the ops-weighted mean of all of them at the
        cluster's latency (`backend_latency_beside`)."""
        self.authorize(request)
        with self.weka() as (sim, weka):
            cluster = weka.cluster()
            clients = sim.feed.client_reads()
        sample, count = cluster.latest, max(1, cluster.backends_active)
        backends = []
        if sample is not None:
            latency = wire.backend_latency_beside(sample.latency_microseconds, sample.iops, clients)
            backends = wire.realtime_json(cluster.name, replace(sample, latency_microseconds=latency), count)
        return ok(backends + wire.client_realtime_json(clients))

    def stats(self, request: Request) -> Response:
        """`GET /stats?start_time&end_time&category&stat&resolution_secs`: rows per category (module doc)."""
        self.authorize(request)
        with self.weka() as (sim, weka):
            now = sim.clock.now()
            samples = weka.metrics(HISTORY_SECONDS)  # everything the simulator keeps
        start = _query_time(request, "start_time", now - timedelta(minutes=1))
        end = _query_time(request, "end_time", now)
        resolution = _query_int(request, "resolution_secs", 1)
        categories = request.query.get("category") or list(_STATS)
        wanted = set(request.query.get("stat") or ())
        window = [sample for sample in samples if start < sample.at <= end]
        result: dict[str, list[dict[str, Any]]] = {}
        for category in categories:
            stats = _STATS.get(category)
            if stats is None:
                raise bad_request(f"Unknown statistics category {category!r}.", param="category")
            rows = []
            for at, sample in _resample(window, resolution):
                for stat, (unit, read) in stats.items():
                    if not wanted or stat in wanted:
                        rows.append(wire.stats_row(at, stat, unit, read(sample)))
            result[category] = rows
        return ok({"all": result})


def _query_time(request: Request, key: str, default: datetime) -> datetime:
    text = request.param(key)
    if not text:
        return default
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{key} must be an ISO-8601 time, not {text!r}.", param=key) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _query_int(request: Request, key: str, default: int) -> int:
    text = request.param(key)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise bad_request(f"{key} must be a positive whole number of seconds.", param=key)
    return int(text)


def _resample(samples: list[WekaMetricsSample], seconds: int) -> Iterator[tuple[datetime, WekaMetricsSample]]:
    """Samples as they are (one per second), or averaged over `seconds`, stamped with each group's end."""
    if seconds <= 1:
        for sample in samples:
            yield sample.at, sample
        return
    groups: dict[int, list[WekaMetricsSample]] = {}
    for sample in samples:
        groups.setdefault(int(sample.at.timestamp()) // seconds, []).append(sample)
    for members in groups.values():
        count = len(members)
        yield (
            members[-1].at,
            WekaMetricsSample(
                at=members[-1].at,
                read_bytes_per_second=round(sum(s.read_bytes_per_second for s in members) / count, 1),
                write_bytes_per_second=round(sum(s.write_bytes_per_second for s in members) / count, 1),
                iops=round(sum(s.iops for s in members) / count, 1),
                latency_microseconds=round(sum(s.latency_microseconds for s in members) / count, 1),
                obs_upload_bytes_per_second=round(
                    sum(s.obs_upload_bytes_per_second for s in members) / count, 1
                ),
            ),
        )


_STATS: dict[str, dict[str, tuple[str, Callable[[WekaMetricsSample], float]]]] = {
    "ops": {
        "OPS": ("Ops/Sec", lambda s: s.iops),
        "READS": ("Ops/Sec", lambda s: wire.split_ops(s)[0]),
        "WRITES": ("Ops/Sec", lambda s: wire.split_ops(s)[1]),
        "READ_BYTES": ("Bytes/Sec", lambda s: s.read_bytes_per_second),
        "WRITE_BYTES": ("Bytes/Sec", lambda s: s.write_bytes_per_second),
        "THROUGHPUT": ("Bytes/Sec", lambda s: round(s.read_bytes_per_second + s.write_bytes_per_second, 1)),
        "READ_LATENCY": ("Microseconds", lambda s: s.latency_microseconds),
        "WRITE_LATENCY": ("Microseconds", lambda s: s.latency_microseconds),
    },
    "object_storage": {
        "OBS_WRITE_BYTES": ("Bytes/Sec", lambda s: s.obs_upload_bytes_per_second),
        "OBS_READ_BYTES": ("Bytes/Sec", lambda s: 0.0),
    },
}
"""Stats served per category (reference §9's table); the simulator has one latency for reads and writes."""
