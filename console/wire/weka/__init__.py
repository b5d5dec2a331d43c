"""WEKA REST API v2 JSON <-> rwc's domain objects, with no I/O, so every rule here is testable on its own:
what `WekaClient` reads and sends and what the simulator's WEKA face answers, round-tripping
(tests/unit/wire/test_weka_roundtrip.py). Callers import from here (`from console.wire import weka as wire`);
the modules follow the API's own seams:

- `envelope`: the `{"data": ...}` envelope, the error body, times, capacities and the field readers;
- `auth`: login and refresh; `cluster`: `/cluster`; `stats`: `/stats` and `/stats/realtime`;
  `client_stats`: `/stats/realtime` per client (a GPU node's reads);
- `alerts`: alerts and muting; `events`: `/events`;
- `filesystems`: filesystems and their groups; `buckets`: object-store buckets and attaching them;
  `snapshots`: snapshots and their uploads; `schedules`: rwc's own snapshot schedules (WEKA has none).

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

from console.wire.weka.alerts import (
    DEFAULT_ALERT_SEVERITY,
    MAX_MUTE_SECONDS,
    MIN_MUTE_SECONDS,
    alert_json,
    alert_key,
    checked_mute_seconds,
    mute_body,
    mute_path,
    mute_seconds_from,
    parse_alert,
    parse_alerts,
    parse_severity,
)
from console.wire.weka.auth import Tokens, login_body, parse_tokens
from console.wire.weka.buckets import (
    AttachedBucketRef,
    attach_body,
    attached_buckets,
    bucket_json,
    parse_bucket,
    parse_buckets,
)
from console.wire.weka.client_stats import backend_latency_beside, client_realtime_json, parse_client_reads
from console.wire.weka.cluster import (
    ClusterReading,
    build_weka_cluster,
    cluster_json,
    parse_cluster,
    sample_from_activity,
)
from console.wire.weka.envelope import (
    EXCEPTION_BY_STATUS,
    SERVICE,
    as_bool,
    as_float,
    as_int,
    as_list,
    as_object,
    as_str,
    error_body,
    format_time,
    parse_capacity,
    parse_time,
    require,
    unwrap,
)
from console.wire.weka.events import MAX_EVENTS, event_json, events_params, parse_event, parse_events
from console.wire.weka.filesystems import (
    SnapshotSummary,
    filesystem_create_body,
    filesystem_download_body,
    filesystem_json,
    filesystem_resize_body,
    group_json,
    parse_filesystem,
    parse_filesystems,
    parse_group,
    parse_groups,
)
from console.wire.weka.schedules import (
    SCHEDULES_PATH,
    parse_schedule,
    parse_schedule_spec,
    parse_schedules,
    schedule_body,
    schedule_json,
    schedule_path,
)
from console.wire.weka.snapshots import (
    PER_SITE_STOW_SINCE,
    SITES,
    UPLOAD_SIZE_KEY,
    UPLOADED_SIZE_KEY,
    SiteStow,
    parse_snapshot,
    parse_snapshots,
    per_site_stow,
    public_site,
    snapshot_create_body,
    snapshot_json,
    snapshot_sites,
    summarize_snapshots,
    upload_body,
)
from console.wire.weka.stats import (
    STATS_CATEGORIES,
    STATS_NAMES,
    parse_realtime_latency,
    parse_stats,
    realtime_json,
    split_ops,
    stats_row,
)

__all__ = [
    "backend_latency_beside",
    "client_realtime_json",
    "parse_client_reads",
    "DEFAULT_ALERT_SEVERITY",
    "EXCEPTION_BY_STATUS",
    "MAX_EVENTS",
    "MAX_MUTE_SECONDS",
    "MIN_MUTE_SECONDS",
    "PER_SITE_STOW_SINCE",
    "SERVICE",
    "SITES",
    "STATS_CATEGORIES",
    "STATS_NAMES",
    "AttachedBucketRef",
    "ClusterReading",
    "SiteStow",
    "SnapshotSummary",
    "Tokens",
    "alert_json",
    "alert_key",
    "as_bool",
    "as_float",
    "as_int",
    "as_list",
    "as_object",
    "as_str",
    "attach_body",
    "attached_buckets",
    "bucket_json",
    "build_weka_cluster",
    "checked_mute_seconds",
    "cluster_json",
    "error_body",
    "event_json",
    "events_params",
    "filesystem_create_body",
    "filesystem_download_body",
    "filesystem_json",
    "filesystem_resize_body",
    "format_time",
    "group_json",
    "login_body",
    "mute_body",
    "mute_path",
    "mute_seconds_from",
    "parse_alert",
    "parse_alerts",
    "parse_bucket",
    "parse_buckets",
    "parse_capacity",
    "parse_cluster",
    "parse_event",
    "parse_events",
    "parse_filesystem",
    "parse_filesystems",
    "parse_group",
    "parse_groups",
    "parse_realtime_latency",
    "parse_severity",
    "parse_snapshot",
    "parse_snapshots",
    "parse_stats",
    "parse_time",
    "parse_tokens",
    "per_site_stow",
    "public_site",
    "realtime_json",
    "require",
    "sample_from_activity",
    "snapshot_create_body",
    "snapshot_json",
    "snapshot_sites",
    "split_ops",
    "stats_row",
    "summarize_snapshots",
    "unwrap",
    "upload_body",
    "SCHEDULES_PATH",
    "parse_schedule",
    "parse_schedule_spec",
    "parse_schedules",
    "schedule_body",
    "schedule_json",
    "schedule_path",
    "UPLOAD_SIZE_KEY",
    "UPLOADED_SIZE_KEY",
]
