"""`GET /cluster` (the `weka status --json` family, §5): read into a `ClusterReading`, then with the
filesystems' capacity sums into a `WekaCluster`; and written as the simulator's face serves it.

`containers` (4.4) or `hosts` (3.x) give the backend and client counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.errors import BadResponse
from console.model import WekaCluster, WekaClusterStatus, WekaMetricsSample
from console.wire.weka.envelope import (
    SERVICE,
    as_bool,
    as_float,
    as_int,
    as_object,
    as_str,
    format_time,
    parse_time,
    require,
)
from console.wire.weka.stats import split_ops


@dataclass(frozen=True, slots=True)
class ClusterReading:
    """What `GET /cluster` says, before the filesystems' capacity sums and the latency are added."""

    name: str
    guid: str
    release: str
    status: WekaClusterStatus
    io_status: str
    total_capacity_bytes: int
    unprovisioned_capacity_bytes: int
    active_alerts_count: int
    drives: tuple[int, int]
    backends: tuple[int, int]
    clients: tuple[int, int]
    cluster_time: datetime | None
    activity: Mapping[str, Any] | None


def _pair(mapping: Any, where: str, active_key: str = "active", total_key: str = "total") -> tuple[int, int]:
    block = as_object(mapping, where)
    return as_int(block, active_key, where), as_int(block, total_key, where)


def parse_cluster(data: Any) -> ClusterReading:
    where = "cluster"
    data = as_object(data, where)
    capacity = as_object(require(data, "capacity", where), "cluster.capacity")
    status_text = as_str(data, "status", where)
    try:
        status = WekaClusterStatus(status_text.upper())
    except ValueError:
        status = WekaClusterStatus.UNKNOWN  # a protection state newer than the reference's list
    # 4.4 names containers `containers`; 3.x calls them `hosts` (§5, §4).
    hardware = data.get("containers") if isinstance(data.get("containers"), dict) else data.get("hosts")
    hardware_where = "cluster.containers" if hardware is data.get("containers") else "cluster.hosts"
    if not isinstance(hardware, dict):
        raise BadResponse("The WEKA answer lacks 'cluster.containers' (or 'cluster.hosts').", service=SERVICE)
    time_block = data.get("time")
    cluster_time = None
    if isinstance(time_block, dict) and time_block.get("cluster_time"):
        try:
            cluster_time = parse_time(time_block["cluster_time"], "cluster.time.cluster_time")
        except BadResponse:
            cluster_time = None  # the history window then follows rwc's clock
    activity = data.get("activity")
    return ClusterReading(
        name=as_str(data, "name", where),
        guid=as_str(data, "guid", where),
        release=as_str(data, "release", where),
        status=status,
        io_status=as_str(data, "io_status", where),
        total_capacity_bytes=as_int(capacity, "total_bytes", "cluster.capacity"),
        unprovisioned_capacity_bytes=as_int(capacity, "unprovisioned_bytes", "cluster.capacity"),
        active_alerts_count=as_int(data, "active_alerts_count", where),
        drives=_pair(require(data, "drives", where), "cluster.drives"),
        backends=_pair(require(hardware, "backends", hardware_where), f"{hardware_where}.backends"),
        clients=_pair(require(hardware, "clients", hardware_where), f"{hardware_where}.clients"),
        cluster_time=cluster_time,
        activity=activity if isinstance(activity, dict) else None,
    )


def sample_from_activity(
    reading: ClusterReading, latency: float | None, at: datetime
) -> WekaMetricsSample | None:
    """The cluster's current IO as one metrics point (`/cluster` `activity` + realtime latency)."""
    activity = reading.activity
    if activity is None:
        return None
    where = "cluster.activity"
    return WekaMetricsSample(
        at=reading.cluster_time or at,
        read_bytes_per_second=as_float(activity, "sum_bytes_read", where, default=0.0),
        write_bytes_per_second=as_float(activity, "sum_bytes_written", where, default=0.0),
        iops=as_float(activity, "num_ops", where, default=0.0),
        latency_microseconds=latency if latency is not None else 0.0,
        obs_upload_bytes_per_second=as_float(activity, "obs_upload_bytes_per_second", where, default=0.0),
    )


def build_weka_cluster(
    reading: ClusterReading, filesystems: Iterable[Mapping[str, Any]], latest: WekaMetricsSample | None
) -> WekaCluster:
    """`/cluster` plus the GUI's capacity arithmetic over `/fileSystems` (§10.2, [V] OPR): provisioned =
    sum of `ssd_budget`, SSD used = sum of `used_ssd`, over filesystems not being removed. REST has no
    object-tier usage per filesystem, so the object tier counts the data that is *only* there
    (`used_total - used_ssd`); data with a copy on both tiers is counted on SSD only."""
    provisioned = used_ssd = object_only = 0
    for index, raw in enumerate(filesystems):
        where = f"fileSystems[{index}]"
        if not isinstance(raw, dict) or as_bool(raw, "is_removing", where, default=False):
            continue  # an entry that is not an object adds nothing (the filesystems list counts it)
        ssd = max(0, as_int(raw, "used_ssd", where, default=0))
        provisioned += max(0, as_int(raw, "ssd_budget", where, default=0))
        used_ssd += ssd
        object_only += max(0, as_int(raw, "used_total", where, default=0) - ssd)
    return WekaCluster(
        name=reading.name,
        guid=reading.guid,
        release=reading.release,
        status=reading.status,
        io_status=reading.io_status,
        total_capacity_bytes=reading.total_capacity_bytes,
        unprovisioned_capacity_bytes=reading.unprovisioned_capacity_bytes,
        ssd_used_bytes=used_ssd,
        ssd_provisioned_bytes=provisioned,
        object_tier_used_bytes=object_only,
        active_alerts_count=reading.active_alerts_count,
        drives_active=reading.drives[0],
        drives_total=reading.drives[1],
        backends_active=reading.backends[0],
        backends_total=reading.backends[1],
        clients_active=reading.clients[0],
        clients_total=reading.clients[1],
        latest=latest,
    )


# -- encoding ------------------------------------------------------------------------------------------------


def cluster_json(cluster: WekaCluster, started_at: datetime, now: datetime) -> dict[str, Any]:
    """`GET /cluster`: the `weka status --json` object family (§5), the keys rwc and an admin read."""
    latest = cluster.latest
    reads, writes = split_ops(latest)
    backends = {"active": cluster.backends_active, "total": cluster.backends_total}
    clients = {"active": cluster.clients_active, "total": cluster.clients_total}
    active, total = (
        cluster.backends_active + cluster.clients_active,
        cluster.backends_total + cluster.clients_total,
    )
    processes = 7 * cluster.backends_total + cluster.clients_total
    return {
        "name": cluster.name,
        "guid": cluster.guid,
        "release": cluster.release,
        "release_hash": hashlib.sha1(cluster.release.encode()).hexdigest(),  # noqa: S324 - an id, not security
        "status": cluster.status.value,
        "io_status": cluster.io_status,
        "io_status_changed_time": format_time(started_at),
        "init_stage": "INITIALIZED",
        "init_stage_changed_time": format_time(started_at),
        "is_cluster": True,
        "active_alerts_count": cluster.active_alerts_count,
        "hot_spare": 1,
        "stripe_data_drives": 5,  # [UNSURE] no RAID model: a common 5+2 stripe
        "stripe_protection_drives": 2,
        "capacity": {
            "total_bytes": cluster.total_capacity_bytes,
            "hot_spare_bytes": 0,
            "unprovisioned_bytes": cluster.unprovisioned_capacity_bytes,
            "unavailable_bytes": 0,
        },
        "activity": {
            "num_ops": latest.iops if latest else 0.0,
            "num_reads": reads,
            "num_writes": writes,
            "sum_bytes_read": latest.read_bytes_per_second if latest else 0.0,
            "sum_bytes_written": latest.write_bytes_per_second if latest else 0.0,
            "obs_upload_bytes_per_second": latest.obs_upload_bytes_per_second if latest else 0.0,
            "obs_download_bytes_per_second": 0.0,
        },
        "drives": {"active": cluster.drives_active, "total": cluster.drives_total},
        "io_nodes": {"active": 6 * cluster.backends_active, "total": 6 * cluster.backends_total},
        "nodes": {"blacklisted": 0, "total": processes},
        "processes": {"blacklisted": 0, "total": processes},
        "hosts": {"active_count": active, "total_count": total, "backends": backends, "clients": clients},
        "containers": {"active": active, "total": total, "backends": backends, "clients": clients},
        "rebuild": {
            "progressPercent": 0,
            "protectionState": [
                {"MiB": 0, "numFailures": failures, "percent": 100 if failures == 0 else 0}
                for failures in range(3)
            ],
            "enoughActiveFDs": True,
            "numActiveFDs": cluster.backends_active,
            "requiredFDsForRebuild": 3,
            "stripeDisks": 7,
            "unavailableMiB": 0,
            "unavailablePercent": 0,
            "totalCopiesMiB": 0,
            "totalCopiesDoneMiB": 0,
        },
        "net": {"link_layer": "ETH"},
        "time": {
            "cluster_time": format_time(now),
            "cluster_local_utc_offset": "+00:00",
            "cluster_local_utc_offset_seconds": 0,
            "allowed_clock_skew_secs": 60,
        },
    }
