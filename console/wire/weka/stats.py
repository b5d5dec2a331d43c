"""Statistics: `GET /stats` (history, §9) and `GET /stats/realtime` (the cluster's latency, §5), read as
`WekaMetricsSample`s and written as the simulator's face serves them.

`/stats` arrives as `data.all.<category>` or `data.<category>`: a list of `{timestamp, stat, value}` rows or
a map `stat -> [{timestamp, value}]` / `stat -> {timestamp: value}` (§9, open question 3). Points that
cannot be read are skipped, not the whole history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from console.data.errors import BadResponse
from console.model import WekaMetricsSample
from console.wire.weka.envelope import as_float, as_list, as_object, format_time, parse_time, to_number

STATS_CATEGORIES = ("ops", "object_storage")
STATS_NAMES = (
    "OPS",
    "READS",
    "WRITES",
    "READ_BYTES",
    "WRITE_BYTES",
    "READ_LATENCY",
    "WRITE_LATENCY",
    "OBS_WRITE_BYTES",
)
"""What `weka_metrics` asks `/stats` for (units per reference §9: ops/s, bytes/s, microseconds)."""


def _weighted_latency(read_latency: float, write_latency: float, reads: float, writes: float) -> float:
    """Ops-weighted mean of read and write latency ([UNSURE] reference §9), to a tenth of a microsecond."""
    if reads + writes > 0:
        return round((read_latency * reads + write_latency * writes) / (reads + writes), 1)
    return round((read_latency + write_latency) / 2, 1)


def parse_realtime_latency(data: Any) -> float | None:
    """The cluster's latency from `/stats/realtime` (one entry per process): the ops-weighted mean."""
    entries = as_list(data, "stats/realtime")
    weighted, weight, plain = 0.0, 0.0, []
    for index, entry in enumerate(entries):
        where = f"stats/realtime[{index}]"
        if not isinstance(entry, dict):
            continue  # says nothing of latency
        read_latency = as_float(entry, "read_latency_usecs", where, default=0.0)
        write_latency = as_float(entry, "write_latency_usecs", where, default=0.0)
        reads = as_float(entry, "reads_per_second", where, default=0.0)
        writes = as_float(entry, "writes_per_second", where, default=0.0)
        weighted += read_latency * reads + write_latency * writes
        weight += reads + writes
        plain.append((read_latency + write_latency) / 2)
    if weight > 0:
        return round(weighted / weight, 1)
    return round(sum(plain) / len(plain), 1) if plain else None


def _stats_rows(data: Any) -> Iterable[tuple[datetime, str, float]]:
    """(timestamp, stat, value) from any of the layouts the module doc lists. A row, point or series
    that cannot be read (no time, a value that is not a finite number) is skipped: one odd point must
    not blank the history around it."""
    data = as_object(data, "stats")
    categories = data.get("all") if isinstance(data.get("all"), dict) else data
    for content in categories.values():
        if isinstance(content, list):
            for row in content:
                row = row if isinstance(row, dict) else {}
                yield from _stat_point(row.get("timestamp"), row.get("stat"), row.get("value"))
        elif isinstance(content, dict):
            for stat, series in content.items():
                if isinstance(series, list):
                    for point in series:
                        point = point if isinstance(point, dict) else {}
                        yield from _stat_point(point.get("timestamp"), stat, point.get("value"))
                elif isinstance(series, dict):
                    for stamp, value in series.items():
                        yield from _stat_point(stamp, stat, value)


def _stat_point(stamp: Any, stat: Any, value: Any) -> Iterable[tuple[datetime, str, float]]:
    number = to_number(value)
    if not isinstance(stat, str) or number is None or stamp is None:
        return
    try:
        yield parse_time(stamp, "stats timestamp"), stat, number
    except BadResponse:
        return


def parse_stats(data: Any, since: datetime | None = None) -> list[WekaMetricsSample]:
    """One sample per timestamp, oldest first; only samples after `since` (filtered here too, rule 3).

    A stat missing at a timestamp counts as zero: WEKA may leave zero values out (`no_zeroes`).
    """
    points: dict[datetime, dict[str, float]] = {}
    for at, stat, value in _stats_rows(data):
        points.setdefault(at, {})[stat.upper()] = value
    samples = []
    for at in sorted(points):
        if since is not None and at <= since:
            continue
        stats = points[at]
        samples.append(
            WekaMetricsSample(
                at=at,
                read_bytes_per_second=stats.get("READ_BYTES", 0.0),
                write_bytes_per_second=stats.get("WRITE_BYTES", 0.0),
                iops=stats.get("OPS", stats.get("READS", 0.0) + stats.get("WRITES", 0.0)),
                latency_microseconds=_weighted_latency(
                    stats.get("READ_LATENCY", 0.0),
                    stats.get("WRITE_LATENCY", 0.0),
                    stats.get("READS", 0.0),
                    stats.get("WRITES", 0.0),
                ),
                obs_upload_bytes_per_second=stats.get("OBS_WRITE_BYTES", 0.0),
            )
        )
    return samples


# -- encoding ------------------------------------------------------------------------------------------------


def split_ops(sample: WekaMetricsSample | None) -> tuple[float, float]:
    """[UNSURE] the simulator keeps total ops only; reads and writes share them in proportion to their
    bytes."""
    if sample is None:
        return 0.0, 0.0
    moved = sample.read_bytes_per_second + sample.write_bytes_per_second
    share = sample.read_bytes_per_second / moved if moved else 0.5
    return round(sample.iops * share, 1), round(sample.iops * (1 - share), 1)


def realtime_json(cluster_name: str, sample: WekaMetricsSample, count: int) -> list[dict[str, Any]]:
    """`/stats/realtime`: one entry per backend process, rates split evenly, each at the cluster's latency
    (so `parse_realtime_latency`'s ops-weighted mean gives the latency back)."""
    reads, writes = split_ops(sample)
    return [
        {
            "id": f"NodeId<{index}>",
            "hostname": f"{cluster_name}-backend-{index:02d}",
            "cpu_utilization_percentage": 0.0,
            "ops_per_second": sample.iops / count,
            "reads_per_second": reads / count,
            "writes_per_second": writes / count,
            "read_bytes_per_second": sample.read_bytes_per_second / count,
            "write_bytes_per_second": sample.write_bytes_per_second / count,
            "read_latency_usecs": sample.latency_microseconds,
            "write_latency_usecs": sample.latency_microseconds,
            "obs_upload_bytes_per_second": sample.obs_upload_bytes_per_second / count,
            "obs_download_bytes_per_second": 0.0,
        }
        for index in range(count)
    ]


def stats_row(at: datetime, stat: str, unit: str, value: float) -> dict[str, Any]:
    """One `/stats` row (`data.all.<category>[]`, the layout `parse_stats` reads first)."""
    return {"timestamp": format_time(at), "stat": stat, "unit": unit, "value": value}
