"""WEKA REST API v2 JSON <-> rwc's domain objects, with no I/O, so every rule here is testable on its own:
what `WekaClient` reads and sends and (at the end) what the simulator's WEKA face answers, round-tripping
(tests/unit/wire/test_weka_roundtrip.py).

Strict where the client cannot work without a key (`BadResponse` names it), lenient where the reference
says shapes vary by version (reference/weka.md):

- login/refresh `data`: an object or a one-element list (§2.1, open question 1);
- snapshots: per-site `localStowInfo`/`remoteStowInfo` when present, else the flat `stowStatus`/`progress`/
  `locator` (§12.1, open question 2); `filesystemUid` or the older `fileSystemUid`;
- filesystems: `obs_buckets` or the older `object_storages`; bucket modes in any case;
- alerts: `type`, `title`, `muted` required; `description`, `severity`, `count`, `action` optional (§7);
- `/cluster`: `containers` (4.4) or `hosts` (3.x) for backend/client counts;
- `/stats`: `data.all.<category>` or `data.<category>`: a list of `{timestamp, stat, value}` rows or a map
  `stat -> [{timestamp, value}]` / `stat -> {timestamp: value}` (§9, open question 3);
- numbers: 64-bit integers for bytes (§0 rule 2), whether sent as ints, integral floats or digit strings.

A tolerant reader (tests/contract/test_weka_generated.py feeds it bodies generated from the 3.14
inventory and variations of a real `weka status --json`). The 3.14 models mark nothing required, so an
item is unreadable only without what it cannot be shown without: its `uid` and `name`; a filesystem
also its four capacity figures (a row of zeros would be a lie on the screen that exists to show them), a
group its tiering policy, a snapshot its filesystem uid and creation time, an alert its `type` and
`title`. `readable_items` then leaves it out of its list, logs why and counts it for the screen's
notice. Every other field that is missing, null, of another type or not a finite number reads as its
default (`as_*` with a `default` never raise). Statistics points that cannot be read are skipped, not
the whole history.

No httpx here: `console.backends.live.weka` does the talking.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from console.data.errors import BadResponse
from console.data.unreadable import readable_items
from console.model import (
    Alert,
    AlertSeverity,
    AttachedBucket,
    BucketMode,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    FilesystemSpec,
    ObjectStoreBucket,
    Snapshot,
    SnapshotSpec,
    SnapshotUpload,
    StowStatus,
    UploadSite,
    WekaCluster,
    WekaClusterStatus,
    WekaMetricsSample,
)
from console.model.events import Event, newest_first, weka_event
from console.wire.common import finite_number, parse_rfc3339

SERVICE = "weka"

DEFAULT_ALERT_SEVERITY = AlertSeverity.WARNING
"""The 3.14 alert model has no severity (§7, open question 4): an alert without one shows as a warning."""

_SEVERITY_ALIASES = {"debug": AlertSeverity.INFO, "error": AlertSeverity.MAJOR}
_NUMBERS = re.compile(r"[\d.,]+")

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


# -- primitives ---------------------------------------------------------------------------------------------


# JSON objects arrive as dicts; `isinstance(x, dict)` is several times cheaper than the `Mapping` ABC check,
# which matters for 10,000-snapshot lists.


def _where(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def require(mapping: Any, key: str, where: str) -> Any:
    """`mapping[key]` or `BadResponse` naming the key (and the object it was expected in)."""
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] is None:
        raise _missing(mapping, key, where)
    return mapping[key]


def _missing(mapping: Any, key: str, where: str) -> BadResponse:
    """The error for a key that is absent or null, or for a `mapping` that is not an object at all."""
    if not isinstance(mapping, dict):
        return BadResponse(
            f"Expected an object for {where or 'the answer'}, got {_kind(mapping)}.", service=SERVICE
        )
    return BadResponse(f"The WEKA answer lacks {_where(where, key)!r}.", service=SERVICE)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _bad(where: str, key: str, expected: str, value: Any) -> BadResponse:
    return BadResponse(
        f"The WEKA answer's {_where(where, key)!r} should be {expected}, got {_kind(value)}.", service=SERVICE
    )


def as_str(mapping: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A text field: required without a `default`; with one, the default when missing or not text."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if isinstance(value, str):
        return value
    if default is not None:
        return default
    if value is None:
        require(mapping, key, where)
    raise _bad(where, key, "a string", value)


def as_bool(mapping: Mapping[str, Any], key: str, where: str, default: bool | None = None) -> bool:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            require(mapping, key, where)
        return bool(default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if default is not None:
        return default
    raise _bad(where, key, "true or false", value)


def _number(value: Any) -> float | None:
    return finite_number(value.strip() if isinstance(value, str) else value)


def as_int(mapping: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
    """A 64-bit integer (bytes, counts): ints as they are, integral floats and digit strings converted."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            raise _missing(mapping, key, where)
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
        return int(value.strip())
    number = _number(value)
    if number is None:
        if default is not None:
            return default
        raise _bad(where, key, "a number", value)
    return round(number)


def as_float(mapping: Mapping[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        if default is None:
            raise _missing(mapping, key, where)
        return float(default)
    number = _number(value)
    if number is None:
        if default is not None:
            return float(default)
        raise _bad(where, key, "a number", value)
    return number


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadResponse(f"Expected a list for {where}, got {_kind(value)}.", service=SERVICE)
    return value


def as_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadResponse(f"Expected an object for {where}, got {_kind(value)}.", service=SERVICE)
    return value


def parse_time(value: Any, where: str) -> datetime:
    """ISO-8601 (`Z` or an offset; naive means UTC), or epoch seconds."""
    if isinstance(value, str) and value.strip():
        parsed = parse_rfc3339(value)
        if parsed is None:  # a time that cannot be placed in UTC is no time (ages would overflow)
            raise BadResponse(
                f"The WEKA answer's {where!r} is not a time: {value.strip()[:40]!r}.", service=SERVICE
            )
        return parsed
    number = _number(value)
    if number is not None:
        try:
            return datetime.fromtimestamp(number, UTC)
        except (ValueError, OverflowError, OSError):
            pass
    raise BadResponse(f"The WEKA answer's {where!r} is not a time.", service=SERVICE)


def unwrap(body: Any, where: str = "response") -> Any:
    """Every answer is `{"data": ...}` (§3.1); anything else is `BadResponse` naming `data`."""
    if not isinstance(body, dict) or "data" not in body:
        raise BadResponse(f"The WEKA {where} lacks the 'data' envelope.", service=SERVICE)
    return body["data"]


# -- authentication ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tokens:
    """A login's answer; the tokens stay out of repr so they never reach a log or a traceback."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in_seconds: float
    token_type: str = "Bearer"


def parse_tokens(data: Any) -> Tokens:
    """Object or one-element list (§2.1): both are read; `expires_in` defaults to WEKA's 300 s."""
    if isinstance(data, list):
        if not data:
            raise BadResponse("The WEKA login answer holds an empty list.", service=SERVICE)
        data = data[0]
    where = "login data"
    access = as_str(data, "access_token", where)
    refresh = as_str(data, "refresh_token", where, default="") or None
    return Tokens(
        access_token=access,
        refresh_token=refresh,
        expires_in_seconds=as_float(data, "expires_in", where, default=300.0),
        token_type=as_str(data, "token_type", where, default="Bearer"),
    )


def login_body(username: str, password: str, org: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"username": username, "password": password}
    if org:
        body["org"] = org
    return body


# -- cluster and metrics -------------------------------------------------------------------------------------


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
    number = _number(value)
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


# -- alerts --------------------------------------------------------------------------------------------------


def parse_severity(value: Any) -> AlertSeverity:
    if not isinstance(value, str) or not value.strip():
        return DEFAULT_ALERT_SEVERITY
    text = value.strip().lower()
    try:
        return AlertSeverity(text)
    except ValueError:
        return _SEVERITY_ALIASES.get(text, DEFAULT_ALERT_SEVERITY)


def alert_key(raw: Mapping[str, Any]) -> tuple[str, str, str]:
    """Identifies one standing alert across polls, for its first-seen time: type, title, and the
    description with its numbers blanked (they change as usage grows: "uses 92% of ...")."""
    description = raw.get("description")
    if not isinstance(description, str):
        description = ""
    return str(raw.get("type")), str(raw.get("title")), _NUMBERS.sub("#", description)


def parse_alert(raw: Any, index: int, raised_at: datetime) -> Alert:
    """`raised_at` is the caller's first sighting: no source shows a raise time on the wire (§7)."""
    where = f"alerts[{index}]"
    raw = as_object(raw, where)
    title = as_str(raw, "title", where)
    return Alert(
        type=as_str(raw, "type", where),
        title=title,
        description=as_str(raw, "description", where, default=""),
        severity=parse_severity(raw.get("severity")),
        muted=as_bool(raw, "muted", where, default=False),
        raised_at=raised_at,
        action=as_str(raw, "action", where, default=""),
    )


def parse_alerts(
    items: Iterable[Any], first_seen: Mapping[tuple[str, str, str], datetime], now: datetime
) -> tuple[list[Alert], dict[tuple[str, str, str], datetime]]:
    """The readable alerts, each raised when first seen (`first_seen`, else `now`), and the first
    sightings to keep for the next poll (cleared alerts are forgotten: a new one later is new)."""
    seen: dict[tuple[str, str, str], datetime] = {}

    def parse(raw: Any, index: int) -> Alert:
        parse_alert(raw, index, now)  # readable at all?
        key = alert_key(raw)
        seen[key] = first_seen.get(key, now)
        return parse_alert(raw, index, seen[key])

    return readable_items(items, parse, "WEKA alert"), seen


# -- events ---------------------------------------------------------------------------------------------

MAX_EVENTS = 500
"""`num_results` asked of `GET /events`: the newest this many (the CLI's default is 50)."""


def parse_event(raw: Any, index: int, cluster_name: str = "WEKA") -> Event:
    """One `GET /events` item (3.14 `Event`, §8): unreadable without its `timestamp` and `type`; a missing
    severity reads as WARNING (shown, not hidden among the INFO ones), `guid` is the row's identity."""
    where = f"events[{index}]"
    raw = as_object(raw, where)
    return weka_event(
        at=parse_time(raw.get("timestamp"), f"{where}.timestamp"),
        type_=as_str(raw, "type", where),
        category=as_str(raw, "category", where, default=""),
        severity=as_str(raw, "severity", where, default="WARNING"),
        description=as_str(raw, "description", where, default=""),
        entity=as_str(raw, "entity", where, default=""),
        cluster_name=cluster_name,
        event_id=as_str(raw, "guid", where, default=""),
    )


def parse_events(items: Iterable[Any], cluster_name: str = "WEKA") -> list[Event]:
    """The readable events of `GET /events`, newest first (whatever order the server sent)."""
    events = readable_items(items, lambda raw, index: parse_event(raw, index, cluster_name), "WEKA event")
    return newest_first(events, len(events))


def events_params(limit: int = MAX_EVENTS) -> dict[str, Any]:
    """`GET /events` asking for the newest `limit`, newest first (§8: `num_results`, `sort_order`)."""
    return {"num_results": max(1, min(limit, MAX_EVENTS)), "sort_order": "desc"}


# -- groups, buckets, filesystems ---------------------------------------------------------------------------


def parse_group(raw: Any, index: int) -> FilesystemGroup:
    where = f"fileSystemGroups[{index}]"
    raw = as_object(raw, where)
    return FilesystemGroup(
        uid=as_str(raw, "uid", where),
        name=as_str(raw, "name", where),
        target_ssd_retention_seconds=max(0, as_int(raw, "target_ssd_retention", where)),
        start_demote_seconds=max(0, as_int(raw, "start_demote", where)),
    )


def parse_groups(items: Iterable[Any]) -> list[FilesystemGroup]:
    return readable_items(items, parse_group, "filesystem group")


def _bandwidth_bytes(value: Any, where: str) -> int:
    """[UNSURE] reference §13: the 3.14 model has `bandwidth: {"_mbps": n}`; read as megabits/s (WEKA's CLI
    unit for it). A bare number is read the same way; no limit (absent, 0) is 0."""
    if value is None:
        return 0
    if isinstance(value, dict):
        value = value.get("_mbps", 0)
    number = _number(value)
    if number is None or number <= 0:
        return 0  # unreadable or none: shown as no limit
    return round(number * 1_000_000 / 8)


def parse_bucket(raw: Any, index: int) -> ObjectStoreBucket:
    where = f"objectStoreBuckets[{index}]"
    raw = as_object(raw, where)
    return ObjectStoreBucket(
        uid=as_str(raw, "uid", where),
        name=as_str(raw, "name", where),
        obs_site=as_str(raw, "obs_site", where, default="local").lower(),
        bucket=as_str(raw, "bucket", where, default=""),
        hostname=as_str(raw, "hostname", where, default=""),
        status=as_str(raw, "status", where, default="UNKNOWN").upper(),
        bandwidth_bytes_per_second=_bandwidth_bytes(raw.get("bandwidth"), where),
    )


def parse_buckets(items: Iterable[Any]) -> list[ObjectStoreBucket]:
    return readable_items(items, parse_bucket, "object-store bucket")


def _bucket_mode(text: str) -> BucketMode | None:
    """WRITABLE tiers; REMOTE keeps snapshots; [UNSURE] READ_ONLY (a local bucket made read-only by a second
    one, §13) no longer tiers, so it shows as REMOTE. Unknown modes are left out."""
    mode = text.strip().upper()
    if mode == "WRITABLE":
        return BucketMode.WRITABLE
    if mode in ("REMOTE", "READ_ONLY"):
        return BucketMode.REMOTE
    return None


@dataclass(frozen=True, slots=True)
class AttachedBucketRef:
    """An attached bucket as `/fileSystems` lists it; `uid` is what the detach path takes."""

    uid: str
    name: str
    mode: BucketMode


def attached_buckets(raw: Mapping[str, Any], where: str) -> list[AttachedBucketRef]:
    items = raw.get("obs_buckets")
    if items is None:
        items = raw.get("object_storages")
    if not isinstance(items, list):
        return []
    result = []
    for index, item in enumerate(items):
        item_where = f"{where}.obs_buckets[{index}]"
        if not isinstance(item, dict):
            continue
        mode = _bucket_mode(as_str(item, "mode", item_where, default=""))
        name = as_str(item, "name", item_where, default="")
        if mode is None or not name:
            continue  # a bucket rwc cannot name or place is not shown as attached
        uid = as_str(item, "uid", item_where, default="") or as_str(item, "obsId", item_where, default="")
        result.append(AttachedBucketRef(uid, name, mode))
    return result


@dataclass(frozen=True, slots=True)
class SnapshotSummary:
    """What a filesystem's domain object needs from its snapshots (not in `/fileSystems`)."""

    count: int = 0
    last_uploaded_at: datetime | None = None


def _status_from_flags(raw: Mapping[str, Any], where: str) -> str:
    if as_bool(raw, "is_removing", where, default=False):
        return "REMOVING"
    if as_bool(raw, "is_creating", where, default=False):
        return "CREATING"
    return "READY" if as_bool(raw, "is_ready", where, default=True) else "CREATING"


def parse_filesystem(raw: Any, index: int, summary: SnapshotSummary) -> Filesystem:
    """§10.2. `used_object_bytes` is the object-only data (`used_total - used_ssd`): REST has no key for
    the object tier's usage, so data on both tiers counts on SSD only (the demo counts it on both)."""
    where = f"fileSystems[{index}]"
    raw = as_object(raw, where)
    status = as_str(raw, "status", where, default="") or _status_from_flags(raw, where)
    used_total = max(0, as_int(raw, "used_total", where))
    used_ssd = max(0, as_int(raw, "used_ssd", where))
    return Filesystem(
        uid=as_str(raw, "uid", where),
        id=as_str(raw, "id", where, default=""),
        name=as_str(raw, "name", where),
        group_name=as_str(raw, "group_name", where, default=""),
        status=status,
        is_ready=as_bool(raw, "is_ready", where, default=status == "READY"),
        is_creating=as_bool(raw, "is_creating", where, default=status == "CREATING"),
        is_removing=as_bool(raw, "is_removing", where, default=status == "REMOVING"),
        is_encrypted=as_bool(raw, "is_encrypted", where, default=False),
        total_budget_bytes=max(0, as_int(raw, "total_budget", where)),
        ssd_budget_bytes=max(0, as_int(raw, "ssd_budget", where)),
        used_total_bytes=used_total,
        used_ssd_bytes=used_ssd,
        used_object_bytes=max(0, used_total - used_ssd),
        buckets=tuple(AttachedBucket(ref.name, ref.mode) for ref in attached_buckets(raw, where)),
        snapshot_count=summary.count,
        last_uploaded_snapshot_at=summary.last_uploaded_at,
    )


# -- snapshots -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteStow:
    status: StowStatus
    progress: float | None
    locator: str


def _stow_status(text: str, where: str) -> StowStatus:
    try:
        return StowStatus(text.strip().upper())
    except ValueError:
        # [UNSURE] reference §12.1, "others possible": an unknown state shows as no upload.
        return StowStatus.NONE


def _progress(value: Any) -> float | None:
    """`"33%"`, `"N/A"`, `33`, `33.3` -> 33.0 / None."""
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if not text or text.upper() == "N/A":
            return None
        return _number(text)
    return _number(value)


def _site_stow(block: Any, where: str) -> SiteStow:
    block = block if isinstance(block, dict) else {}
    status = _stow_status(as_str(block, "stowStatus", where, default="NONE"), where)
    progress = _progress(block.get("stowProgress", block.get("progress")))
    if status is StowStatus.NONE:
        progress = None
    if progress is not None and not 0 <= progress <= 100:
        progress = None  # not a percentage: unknown
    return SiteStow(status, progress, as_str(block, "locator", where, default=""))


def snapshot_sites(raw: Mapping[str, Any], where: str) -> dict[str, SiteStow] | None:
    """Per-site upload state, or None when the answer has only the flat keys."""
    local, remote = raw.get("localStowInfo"), raw.get("remoteStowInfo")
    if local is None and remote is None:
        return None
    sites: dict[str, SiteStow] = {}
    if local is not None:
        sites[UploadSite.LOCAL] = _site_stow(local, f"{where}.localStowInfo")
    if remote is not None:
        sites[UploadSite.REMOTE] = _site_stow(remote, f"{where}.remoteStowInfo")
    return sites


SITES = tuple(UploadSite)
"""Upload sites in the order the domain prefers them (an upload's `obs_site`, upper case)."""


def public_site(sites: Mapping[str, Any]) -> str | None:
    """The site whose upload state the domain's one `stow_status` shows, of per-site states (anything with
    a `status`): an upload in flight (local first), then a synchronized copy (local first), else none.
    [UNSURE] reference §12.1: with uploads in flight to both sites, the local one is shown. The simulator's
    `SnapState.public_stow` chooses with this too."""
    for wanted in (StowStatus.UPLOADING, StowStatus.SYNCHRONIZED):
        for site in SITES:
            info = sites.get(site)
            if info is not None and info.status is wanted:
                return site
    return None


def _public_stow(sites: Mapping[str, SiteStow]) -> SiteStow:
    site = public_site(sites)
    return sites[site] if site is not None else SiteStow(StowStatus.NONE, None, "")


def parse_snapshot(raw: Any, index: int = 0) -> tuple[Snapshot, bool]:
    """The snapshot and whether any site holds a synchronized upload of it."""
    where = f"snapshots[{index}]"
    raw = as_object(raw, where)
    sites = snapshot_sites(raw, where)
    uploads: tuple[SnapshotUpload, ...] = ()
    if sites is None:
        status = _stow_status(as_str(raw, "stowStatus", where, default="NONE"), where)
        progress = None if status is StowStatus.NONE else _progress(raw.get("progress"))
        if progress is not None and not 0 <= progress <= 100:
            progress = None  # not a percentage: unknown
        public = SiteStow(status, progress, as_str(raw, "locator", where, default=""))
        uploaded = status is StowStatus.SYNCHRONIZED
    else:
        public = _public_stow(sites)
        uploaded = any(info.status is StowStatus.SYNCHRONIZED for info in sites.values())
        uploads = tuple(
            SnapshotUpload(site, info.status, info.progress, info.locator)
            for site in SITES
            if (info := sites.get(site)) is not None and info.status is not StowStatus.NONE
        )
    fs_uid = raw.get("filesystemUid") or raw.get("fileSystemUid")
    if not isinstance(fs_uid, str) or not fs_uid:
        require(raw, "filesystemUid", where)
        raise _bad(where, "filesystemUid", "a string", fs_uid)
    snapshot = Snapshot(
        uid=as_str(raw, "uid", where),
        id=as_str(raw, "id", where, default=""),
        name=as_str(raw, "name", where),
        filesystem_uid=fs_uid,
        filesystem_name=as_str(raw, "filesystem", where, default=""),
        access_point=as_str(raw, "accessPoint", where, default=""),
        is_writable=as_bool(raw, "isWritable", where, default=False),
        is_removing=as_bool(raw, "isRemoving", where, default=False),
        created_at=parse_time(require(raw, "creationTime", where), f"{where}.creationTime"),
        stow_status=public.status,
        upload_progress_percent=public.progress,
        locator=public.locator,
        uploads=uploads,
    )
    return snapshot, uploaded


def parse_snapshots(items: Iterable[Any]) -> list[tuple[Snapshot, bool]]:
    """The readable snapshots of a list, each with whether a site holds a synchronized upload of it."""
    return readable_items(items, parse_snapshot, "snapshot")


def parse_filesystems(items: Iterable[Any], summaries: Mapping[str, SnapshotSummary]) -> list[Filesystem]:
    """The readable filesystems of a list, each with its snapshots' summary (by uid)."""
    empty = SnapshotSummary()

    def parse(raw: Any, index: int) -> Filesystem:
        uid = raw.get("uid") if isinstance(raw, dict) else None
        return parse_filesystem(raw, index, summaries.get(uid, empty) if isinstance(uid, str) else empty)

    return readable_items(items, parse, "filesystem")


def summarize_snapshots(readings: Iterable[tuple[Snapshot, bool]]) -> dict[str, SnapshotSummary]:
    """Per filesystem uid: how many snapshots, and the creation time of the newest uploaded one."""
    counts: dict[str, int] = {}
    newest: dict[str, datetime] = {}
    for snapshot, uploaded in readings:
        uid = snapshot.filesystem_uid
        counts[uid] = counts.get(uid, 0) + 1
        if uploaded and (uid not in newest or snapshot.created_at > newest[uid]):
            newest[uid] = snapshot.created_at
    return {uid: SnapshotSummary(count, newest.get(uid)) for uid, count in counts.items()}


# -- request bodies ------------------------------------------------------------------------------------------


def filesystem_create_body(spec: FilesystemSpec) -> dict[str, Any]:
    """§10.3. No `ssd_capacity` means SSD-only; `encrypted` is sent as asked (a real cluster needs a KMS)."""
    body: dict[str, Any] = {
        "name": spec.name,
        "group_name": spec.group_name,
        "total_capacity": spec.total_capacity_bytes,
    }
    if spec.ssd_capacity_bytes is not None:
        body["ssd_capacity"] = spec.ssd_capacity_bytes
    if spec.obs_bucket:
        body["obs_name"] = spec.obs_bucket
    if spec.encrypted:
        body["encrypted"] = True
    return body


def filesystem_resize_body(total_capacity_bytes: int, ssd_capacity_bytes: int | None) -> dict[str, Any]:
    """§10.4: send only what changes."""
    body: dict[str, Any] = {"total_capacity": total_capacity_bytes}
    if ssd_capacity_bytes is not None:
        body["ssd_capacity"] = ssd_capacity_bytes
    return body


def filesystem_download_body(spec: FilesystemFromSnapshotSpec) -> dict[str, Any]:
    """§12.6 (3.14 keys)."""
    return {
        "name": spec.name,
        "group_name": spec.group_name,
        "total_capacity": spec.total_capacity_bytes,
        "ssd_capacity": spec.ssd_capacity_bytes,
        "object_storage": spec.obs_bucket,
        "locator": spec.locator,
    }


def attach_body(bucket_name: str) -> dict[str, Any]:
    """§13: attach as the WRITABLE (tiering) bucket."""
    return {"obs_name": bucket_name, "obs_mode": "WRITABLE"}


def snapshot_create_body(spec: SnapshotSpec) -> dict[str, Any]:
    """§12.2."""
    body: dict[str, Any] = {"fs_uid": spec.filesystem_uid, "name": spec.name, "is_writable": spec.is_writable}
    if spec.access_point:
        body["access_point"] = spec.access_point
    return body


def upload_body(site: str) -> dict[str, Any]:
    """§12.2: `obs_site` LOCAL or REMOTE (an `UploadSite`, or its value in any case)."""
    return {"obs_site": site.upper()}


# ====================================================================================================
# encoding: what a WEKA cluster answers (the simulator's face writes these; the parsers above read them)
# ====================================================================================================
EXCEPTION_BY_STATUS: dict[int, str] = {
    400: "InvalidParameterException",
    403: "PermissionDeniedException",
    404: "ObjectDoesNotExistException",
    405: "MethodNotAllowedException",
    409: "ObjectConflictException",
    429: "TooManyRequestsException",
    503: "ServiceUnavailableException",
}
"""[UNSURE] reference §3.2 pins only the `...DoesNotExistException` family (used for filesystems,
snapshots and buckets); these generic class names per status are a guess."""

PER_SITE_STOW_SINCE = (4, 0, 5)
"""[UNSURE] reference §12.1 (open question 2): snapshots carry `localStowInfo`/`remoteStowInfo` from the
4.0.5 CLI JSON on, the flat `stowStatus`/`progress`/`locator` before (3.14 spec, CSI). `snapshot_json`
writes the shape of the release; `parse_snapshot` reads both."""


def error_body(status: int, message: str, extra: Mapping[str, Any]) -> Any:
    """The WEKA error body for `status` (reference §3.2): `{"data": text}` for 401, else the recommendation
    `{"message", "data": {"exceptionClass": [...], "error", ...}}` that every known parser reads."""
    if status == 401:
        return {"data": message}
    generic = EXCEPTION_BY_STATUS.get(
        status, "InternalErrorException" if status >= 500 else "OperationFailedException"
    )
    classes = extra.get("exceptionClass") or [generic, "OperationFailedException"]
    data: dict[str, Any] = {"exceptionClass": list(classes), "error": message}
    for key in ("param", "missing_params"):
        if key in extra:
            data[key] = extra[key]
    return {"message": message, "data": data}


def format_time(at: datetime) -> str:
    """ISO-8601 in UTC with `Z`, as WEKA prints times (§5: `2025-02-12T12:07:46.080318Z`)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


_CAPACITY = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtpe]i?b|b)?\s*", re.IGNORECASE)
_UNIT_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6}


def parse_capacity(value: Any) -> int | None:
    """Bytes as an integer, or a unit string such as `10TiB` / `500GB` (the spec allows both, §10.3);
    None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    found = _CAPACITY.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    number, unit = float(found[1]), (found[2] or "B").lower()
    if unit == "b":
        return int(number)
    return int(number * (1024 if "i" in unit else 1000) ** _UNIT_POWERS[unit[0]])


def split_ops(sample: WekaMetricsSample | None) -> tuple[float, float]:
    """[UNSURE] the simulator keeps total ops only; reads and writes share them in proportion to their
    bytes."""
    if sample is None:
        return 0.0, 0.0
    moved = sample.read_bytes_per_second + sample.write_bytes_per_second
    share = sample.read_bytes_per_second / moved if moved else 0.5
    return round(sample.iops * share, 1), round(sample.iops * (1 - share), 1)


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


def alert_json(alert: Alert) -> dict[str, Any]:
    """3.14 keys (`type`, `title`, `muted`, `action`, `params`) plus the 4.x CLI's `description`, `count`,
    `severity` (§7). No raise time: no source shows one on the wire."""
    return {
        "type": alert.type,
        "title": alert.title,
        "description": alert.description,
        "action": alert.action,
        "muted": alert.muted,
        "count": 1,
        "severity": alert.severity.value.upper(),
        "params": {},
    }


def event_json(
    *, at: datetime, type_: str, category: str, severity: str, description: str, entity: str, guid: str
) -> dict[str, Any]:
    """One event as 3.14's `Event` spells it (§8), with the keys rwc reads and a few it does not."""
    return {
        "timestamp": format_time(at),
        "type": type_,
        "category": category,
        "severity": severity,
        "description": description,
        "entity": entity,
        "guid": guid,
        "permission": "Cluster",
        "is_backend": True,
        "processed": True,
        "params": {},
    }


def group_json(index: int, group: FilesystemGroup) -> dict[str, Any]:
    return {
        "uid": group.uid,
        "id": f"FSGroupId<{index}>",
        "name": group.name,
        "target_ssd_retention": group.target_ssd_retention_seconds,
        "start_demote": group.start_demote_seconds,
    }


def bucket_json(index: int, bucket: ObjectStoreBucket) -> dict[str, Any]:
    """`secret_key` is never written (whether WEKA masks it is unknown, §13); `bandwidth` in Mbit/s as the
    3.14 model spells it (`{"_mbps": ...}`)."""
    return {
        "uid": bucket.uid,
        "id": f"ObsBucketId<{index}>",
        "name": bucket.name,
        "obs_name": "default" if bucket.obs_site == "local" else "remote_default",
        "obs_site": bucket.obs_site,
        "bucket": bucket.bucket,
        "hostname": bucket.hostname,
        "port": 443,
        "protocol": "HTTPS",
        "auth_method": "AWSSignature4",
        "region": "",
        "status": bucket.status,
        "status_upload": bucket.status,
        "status_download": bucket.status,
        "status_remove": bucket.status,
        "bandwidth": {"_mbps": bucket.bandwidth_bytes_per_second * 8 / 1_000_000},
    }


def filesystem_json(
    fs: Filesystem, group_uids: Mapping[str, str], buckets: Mapping[str, ObjectStoreBucket]
) -> dict[str, Any]:
    """snake_case keys of §10.2. WEKA has no REST key for object-tier usage, so none is invented."""
    attached = []
    for item in fs.buckets:
        bucket = buckets.get(item.bucket_name)
        attached.append(
            {
                "uid": bucket.uid if bucket else "",
                "name": item.bucket_name,
                "obsId": bucket.uid if bucket else "",
                "mode": item.mode.value,
                "state": "ENABLED",
                "status": bucket.status if bucket else "UNKNOWN",
            }
        )
    free_total = max(0, fs.total_budget_bytes - fs.used_total_bytes)
    free_ssd = max(0, fs.ssd_budget_bytes - fs.used_ssd_bytes)
    return {
        "uid": fs.uid,
        "id": fs.id,
        "name": fs.name,
        "group_id": group_uids.get(fs.group_name, ""),
        "group_name": fs.group_name,
        "status": fs.status,
        "is_ready": fs.is_ready,
        "is_creating": fs.is_creating,
        "is_removing": fs.is_removing,
        "is_encrypted": fs.is_encrypted,
        "auth_required": False,
        "total_budget": fs.total_budget_bytes,
        "ssd_budget": fs.ssd_budget_bytes,
        "used_total": fs.used_total_bytes,
        "used_total_data": fs.used_total_bytes,
        "used_ssd": fs.used_ssd_bytes,
        "used_ssd_data": fs.used_ssd_bytes,
        "used_ssd_metadata": 0,
        "free_total": free_total,
        "free_ssd": free_ssd,
        "available_total": free_total,
        "available_ssd": free_ssd,
        "obs_buckets": attached,
    }


def per_site_stow(release: str) -> bool:
    """Whether a cluster of `release` writes the per-site snapshot blocks (`PER_SITE_STOW_SINCE`)."""
    parts = [int(part) if part.isdigit() else 0 for part in release.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts))) >= PER_SITE_STOW_SINCE


def _stow_block(upload: SnapshotUpload | None) -> dict[str, Any]:
    """One site's `...StowInfo` as the CLI prints it: progress as text (`"33%"`, `"N/A"`)."""
    if upload is None:
        return {"stowStatus": StowStatus.NONE.value, "stowProgress": "N/A", "locator": ""}
    progress = "N/A" if upload.progress_percent is None else f"{upload.progress_percent:g}%"
    return {"stowStatus": upload.status.value, "stowProgress": progress, "locator": upload.locator}


def snapshot_json(snap: Snapshot, filesystem_id: str, *, per_site: bool) -> dict[str, Any]:
    """camelCase keys of §12.1, with the upload state in one shape (`PER_SITE_STOW_SINCE`): the per-site
    blocks from `snap.uploads`, or the flat `stowStatus`/`progress`/`locator` of `public_upload`'s site."""
    body: dict[str, Any] = {
        "uid": snap.uid,
        "id": snap.id,
        "name": snap.name,
        "filesystem": snap.filesystem_name,
        "filesystemId": filesystem_id,
        "filesystemUid": snap.filesystem_uid,
        "accessPoint": snap.access_point,
        "isWritable": snap.is_writable,
        "isRemoving": snap.is_removing,
        "creationTime": format_time(snap.created_at),
    }
    if per_site:
        sites = {upload.site: upload for upload in snap.uploads}
        synced = [upload for upload in snap.uploads if upload.status is StowStatus.SYNCHRONIZED]
        body["multiObs"] = len(synced) > 1
        body["localStowInfo"] = _stow_block(sites.get(UploadSite.LOCAL))
        body["remoteStowInfo"] = _stow_block(sites.get(UploadSite.REMOTE))
    else:
        body["stowStatus"] = snap.stow_status.value
        body["progress"] = snap.upload_progress_percent if snap.upload_progress_percent is not None else 0
        body["locator"] = snap.locator
    return body
