"""`wire.weka`: lenient where the reference says shapes vary by version, strict (naming the key)
where a required key is missing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from console.data.errors import BadResponse
from console.model import AlertSeverity, BucketMode, StowStatus, WekaClusterStatus
from console.wire import weka as wire


def _snapshot(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "uid": "s-1",
        "id": "SnapViewId<1>",
        "name": "nightly",
        "filesystem": "home",
        "filesystemUid": "fs-1",
        "accessPoint": "@GMT-2026.11.23-02.00.00",
        "isWritable": False,
        "isRemoving": False,
        "creationTime": "2026-11-23T02:00:00Z",
    }
    raw.update(overrides)
    return {key: value for key, value in raw.items() if value is not None}


def _filesystem(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "uid": "fs-1",
        "id": "FSId<1>",
        "name": "home",
        "group_name": "default",
        "status": "READY",
        "is_ready": True,
        "total_budget": 1000,
        "ssd_budget": 400,
        "used_total": 700,
        "used_ssd": 300,
    }
    raw.update(overrides)
    return {key: value for key, value in raw.items() if value is not None}


# -- login --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["object", "list"])
def test_login_data_is_read_as_object_or_one_element_list(shape: str) -> None:
    tokens = {
        "access_token": "ACCESS-7c1",
        "refresh_token": "REFRESH-9d2",
        "expires_in": 300,
        "token_type": "Bearer",
    }
    parsed = wire.parse_tokens(tokens if shape == "object" else [tokens])
    assert (parsed.access_token, parsed.refresh_token, parsed.expires_in_seconds) == (
        "ACCESS-7c1",
        "REFRESH-9d2",
        300.0,
    )
    assert "ACCESS-7c1" not in repr(parsed) and "REFRESH-9d2" not in repr(parsed)


def test_login_without_access_token_names_it() -> None:
    with pytest.raises(BadResponse, match="access_token"):
        wire.parse_tokens({"refresh_token": "r"})
    with pytest.raises(BadResponse, match="empty list"):
        wire.parse_tokens([])


def test_login_without_expiry_or_refresh_token_uses_defaults() -> None:
    parsed = wire.parse_tokens({"access_token": "a"})
    assert parsed.expires_in_seconds == 300.0
    assert parsed.refresh_token is None


def test_answers_without_the_data_envelope_are_bad() -> None:
    with pytest.raises(BadResponse, match="'data'"):
        wire.unwrap({"message": "hello"})
    assert wire.unwrap({"data": []}) == []


# -- snapshots -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "progress", "expected_progress"),
    [("NONE", 0, None), ("UPLOADING", 33, 33.0), ("UPLOADING", "41.5", 41.5), ("SYNCHRONIZED", 100, 100.0)],
)
def test_flat_upload_keys_of_3_14(status: str, progress: Any, expected_progress: float | None) -> None:
    locator = "abc/d/s/1" if status == "SYNCHRONIZED" else ""
    snapshot, uploaded = wire.parse_snapshot(_snapshot(stowStatus=status, progress=progress, locator=locator))
    assert snapshot.stow_status is StowStatus(status)
    assert snapshot.upload_progress_percent == expected_progress
    assert snapshot.locator == locator
    assert uploaded is (status == "SYNCHRONIZED")


def test_per_site_blocks_win_over_flat_keys() -> None:
    raw = _snapshot(
        stowStatus="NONE",
        progress=0,
        localStowInfo={"stowStatus": "SYNCHRONIZED", "stowProgress": "100%", "locator": "loc-local"},
        remoteStowInfo={"stowStatus": "UPLOADING", "stowProgress": "33%", "locator": ""},
    )
    snapshot, uploaded = wire.parse_snapshot(raw)
    assert (snapshot.stow_status, snapshot.upload_progress_percent) == (StowStatus.UPLOADING, 33.0)
    assert uploaded  # the local copy counts for "last uploaded" even while the remote one runs


def test_per_site_not_available_progress_is_none() -> None:
    raw = _snapshot(remoteStowInfo={"stowStatus": "NONE", "stowProgress": "N/A", "locator": ""})
    snapshot, uploaded = wire.parse_snapshot(raw)
    assert (snapshot.stow_status, snapshot.upload_progress_percent, uploaded) == (
        StowStatus.NONE,
        None,
        False,
    )


def test_remote_only_synchronized_shows_its_locator() -> None:
    raw = _snapshot(remoteStowInfo={"stowStatus": "SYNCHRONIZED", "stowProgress": "100%", "locator": "r-loc"})
    snapshot, _ = wire.parse_snapshot(raw)
    assert (snapshot.stow_status, snapshot.locator) == (StowStatus.SYNCHRONIZED, "r-loc")


def test_older_filesystem_uid_spelling_and_unknown_stow_states_are_read() -> None:
    raw = _snapshot(filesystemUid=None, fileSystemUid="fs-9", stowStatus="DOWNLOADING")
    snapshot, _ = wire.parse_snapshot(raw)
    assert snapshot.filesystem_uid == "fs-9"
    assert snapshot.stow_status is StowStatus.NONE


@pytest.mark.parametrize("key", ["uid", "name", "filesystemUid", "creationTime"])
def test_snapshot_missing_a_required_key_names_it(key: str) -> None:
    with pytest.raises(BadResponse, match=key):
        wire.parse_snapshot(_snapshot(**{key: None}), 3)


def test_times_with_offsets_and_naive_times_are_utc() -> None:
    snapshot, _ = wire.parse_snapshot(_snapshot(creationTime="2026-11-23T03:00:00+01:00"))
    assert snapshot.created_at == datetime(2026, 11, 23, 2, tzinfo=UTC)
    snapshot, _ = wire.parse_snapshot(_snapshot(creationTime="2026-11-23T02:00:00"))
    assert snapshot.created_at == datetime(2026, 11, 23, 2, tzinfo=UTC)
    with pytest.raises(BadResponse, match="creationTime"):
        wire.parse_snapshot(_snapshot(creationTime="yesterday"))


def test_summaries_count_snapshots_and_find_the_newest_upload() -> None:
    readings = [
        wire.parse_snapshot(
            _snapshot(uid="a", creationTime="2026-11-20T00:00:00Z", stowStatus="SYNCHRONIZED")
        ),
        wire.parse_snapshot(_snapshot(uid="b", creationTime="2026-11-22T00:00:00Z", stowStatus="UPLOADING")),
        wire.parse_snapshot(
            _snapshot(uid="c", creationTime="2026-11-21T00:00:00Z", stowStatus="SYNCHRONIZED")
        ),
    ]
    summary = wire.summarize_snapshots(readings)["fs-1"]
    assert summary == wire.SnapshotSummary(3, datetime(2026, 11, 21, tzinfo=UTC))


# -- filesystems, buckets, groups -----------------------------------------------------------------------


def test_filesystem_numbers_as_ints_integral_floats_or_digit_strings() -> None:
    fs = wire.parse_filesystem(
        _filesystem(total_budget=1000.0, used_total="700", used_ssd=300), 0, wire.SnapshotSummary()
    )
    assert (fs.total_budget_bytes, fs.used_total_bytes, fs.used_object_bytes) == (1000, 700, 400)
    big = 2**62 + 1  # 64-bit sizes survive (no float on the way)
    assert (
        wire.parse_filesystem(_filesystem(total_budget=big), 0, wire.SnapshotSummary()).total_budget_bytes
        == big
    )


@pytest.mark.parametrize("key", ["obs_buckets", "object_storages"])
def test_attached_buckets_under_either_name_and_in_any_case(key: str) -> None:
    items = [
        {"uid": "b1", "name": "obs-local", "mode": "writable"},
        {"uid": "b2", "name": "obs-dr", "mode": "REMOTE"},
        {"uid": "b3", "name": "obs-old", "mode": "READ_ONLY"},
        {"uid": "b4", "name": "obs-odd", "mode": "SOMETHING_NEW"},
    ]
    fs = wire.parse_filesystem(_filesystem(**{key: items}), 0, wire.SnapshotSummary())
    assert [(b.bucket_name, b.mode) for b in fs.buckets] == [
        ("obs-local", BucketMode.WRITABLE),
        ("obs-dr", BucketMode.REMOTE),
        ("obs-old", BucketMode.REMOTE),
    ]
    assert fs.is_tiered


def test_filesystem_status_from_flags_when_absent() -> None:
    raw = _filesystem(status=None, is_ready=False, is_creating=True)
    assert wire.parse_filesystem(raw, 0, wire.SnapshotSummary()).status == "CREATING"


@pytest.mark.parametrize("key", ["uid", "name", "total_budget", "ssd_budget", "used_total", "used_ssd"])
def test_filesystem_missing_a_required_key_names_it(key: str) -> None:
    with pytest.raises(BadResponse, match=rf"fileSystems\[2\]\.{key}"):
        wire.parse_filesystem(_filesystem(**{key: None}), 2, wire.SnapshotSummary())


def test_filesystem_with_a_wrong_type_says_so() -> None:
    with pytest.raises(BadResponse, match="should be a number"):
        wire.parse_filesystem(_filesystem(total_budget="lots"), 0, wire.SnapshotSummary())


@pytest.mark.parametrize(
    ("bandwidth", "expected"), [({"_mbps": 4000.0}, 500_000_000), (800, 100_000_000), (None, 0)]
)
def test_bucket_bandwidth_in_megabits(bandwidth: Any, expected: int) -> None:
    raw = {"uid": "b", "name": "obs", "obs_site": "LOCAL", "status": "up", "bandwidth": bandwidth}
    bucket = wire.parse_bucket(raw, 0)
    assert (bucket.bandwidth_bytes_per_second, bucket.obs_site, bucket.status) == (expected, "local", "UP")


def test_group_needs_its_tiering_policy() -> None:
    with pytest.raises(BadResponse, match="start_demote"):
        wire.parse_group({"uid": "g", "name": "default", "target_ssd_retention": 86400}, 0)


# -- alerts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "expected"),
    [("CRITICAL", AlertSeverity.CRITICAL), ("minor", AlertSeverity.MINOR), (None, AlertSeverity.WARNING)],
)
def test_alert_severity_is_optional_and_case_free(severity: str | None, expected: AlertSeverity) -> None:
    raw = {"type": "DriveDown", "title": "Drive down", "muted": False}
    if severity:
        raw["severity"] = severity
    alert = wire.parse_alert(raw, 0, datetime(2026, 11, 23, tzinfo=UTC))
    assert alert.severity is expected


def test_alert_of_3_14_keeps_its_corrective_action_apart_from_its_description() -> None:
    """3.14 alerts carry `action` (what to do) and no description; the alerts list shows it under
    "What to do", and a 4.x description stays the description."""
    raw = {"type": "DriveDown", "title": "Drive down", "muted": True, "action": "Replace the drive"}
    alert = wire.parse_alert(raw, 0, datetime(2026, 11, 23, tzinfo=UTC))
    assert (alert.description, alert.action, alert.muted) == ("", "Replace the drive", True)
    both = wire.parse_alert(
        {**raw, "description": "Drive 3 of w01 is down"}, 0, datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert (both.description, both.action) == ("Drive 3 of w01 is down", "Replace the drive")


def test_an_alert_without_muted_is_not_muted_and_one_without_a_title_is_unreadable() -> None:
    """Nothing is required in the 3.14 model; an alert is shown by its type and title."""
    alert = wire.parse_alert(
        {"type": "DriveDown", "title": "Drive down"}, 0, datetime(2026, 11, 23, tzinfo=UTC)
    )
    assert not alert.muted
    with pytest.raises(BadResponse, match=r"alerts\[0\]\.title"):
        wire.parse_alert({"type": "DriveDown", "muted": True}, 0, datetime(2026, 11, 23, tzinfo=UTC))


def test_alert_key_ignores_numbers_that_drift() -> None:
    first = {"type": "T", "title": "t", "description": "home uses 91% of its 8 TiB"}
    later = {"type": "T", "title": "t", "description": "home uses 93% of its 8 TiB"}
    other = {"type": "T", "title": "t", "description": "scratch uses 93% of its 8 TiB"}
    assert wire.alert_key(first) == wire.alert_key(later) != wire.alert_key(other)


# -- cluster and statistics ------------------------------------------------------------------------------


def _cluster(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": "c",
        "guid": "g",
        "release": "4.4.2.157-k8s.2",
        "status": "OK",
        "io_status": "STARTED",
        "active_alerts_count": 2,
        "capacity": {"total_bytes": 10, "unprovisioned_bytes": 4},
        "drives": {"active": 5, "total": 6},
        "containers": {"backends": {"active": 3, "total": 3}, "clients": {"active": 1, "total": 2}},
    }
    raw.update(overrides)
    return {key: value for key, value in raw.items() if value is not None}


def test_cluster_counts_from_containers_or_3x_hosts() -> None:
    hosts = {"backends": {"active": 7, "total": 8}, "clients": {"active": 2, "total": 2}}
    assert wire.parse_cluster(_cluster()).backends == (3, 3)
    assert wire.parse_cluster(_cluster(containers=None, hosts=hosts)).backends == (7, 8)


def test_unknown_protection_state_is_unknown() -> None:
    assert wire.parse_cluster(_cluster(status="DEGRADED_SOMEHOW")).status is WekaClusterStatus.UNKNOWN
    assert wire.parse_cluster(_cluster(status="rebuilding")).status is WekaClusterStatus.REBUILDING


@pytest.mark.parametrize("key", ["name", "capacity", "drives", "active_alerts_count", "status"])
def test_cluster_missing_a_required_key_names_it(key: str) -> None:
    with pytest.raises(BadResponse, match=key):
        wire.parse_cluster(_cluster(**{key: None}))


def test_cluster_without_containers_or_hosts_is_bad() -> None:
    with pytest.raises(BadResponse, match="containers"):
        wire.parse_cluster(_cluster(containers=None))


def test_capacity_sums_skip_filesystems_being_removed() -> None:
    reading = wire.parse_cluster(_cluster())
    filesystems = [_filesystem(), _filesystem(uid="fs-2", is_removing=True, ssd_budget=999)]
    cluster = wire.build_weka_cluster(reading, filesystems, None)
    assert (cluster.ssd_provisioned_bytes, cluster.ssd_used_bytes, cluster.object_tier_used_bytes) == (
        400,
        300,
        400,
    )


STAT_TIME = "2026-11-23T09:00:00Z"
ROWS = [
    {"timestamp": STAT_TIME, "stat": "READ_BYTES", "value": 100.0},
    {"timestamp": STAT_TIME, "stat": "WRITE_BYTES", "value": 50.0},
    {"timestamp": STAT_TIME, "stat": "OPS", "value": 10.0},
    {"timestamp": STAT_TIME, "stat": "READS", "value": 3.0},
    {"timestamp": STAT_TIME, "stat": "WRITES", "value": 1.0},
    {"timestamp": STAT_TIME, "stat": "READ_LATENCY", "value": 200.0},
    {"timestamp": STAT_TIME, "stat": "WRITE_LATENCY", "value": 400.0},
]


@pytest.mark.parametrize(
    "data",
    [
        {"all": {"ops": ROWS}},
        {"ops": ROWS},
        {"all": {"ops": {row["stat"]: [{"timestamp": STAT_TIME, "value": row["value"]}] for row in ROWS}}},
        {"ops": {row["stat"]: {STAT_TIME: row["value"]} for row in ROWS}},
    ],
    ids=["rows", "rows-without-all", "series", "timestamp-map"],
)
def test_stats_layouts(data: Any) -> None:
    [sample] = wire.parse_stats(data)
    assert sample.at == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert (sample.read_bytes_per_second, sample.write_bytes_per_second, sample.iops) == (100.0, 50.0, 10.0)
    assert sample.latency_microseconds == 250.0  # ops-weighted: (3 * 200 + 1 * 400) / 4
    assert sample.obs_upload_bytes_per_second == 0.0  # left out (no_zeroes): zero


def test_stats_points_that_cannot_be_read_are_skipped_not_the_history() -> None:
    rows = [
        {"timestamp": STAT_TIME, "stat": "OPS"},
        {"timestamp": STAT_TIME, "stat": "READS", "value": "NaN"},
        {"timestamp": "yesterday", "stat": "OPS", "value": 5},
        {"timestamp": STAT_TIME, "stat": "WRITES", "value": 4},
    ]
    [sample] = wire.parse_stats({"all": {"ops": rows}})
    assert sample.iops == 4.0


def test_realtime_latency_is_the_ops_weighted_mean() -> None:
    entries = [
        {
            "read_latency_usecs": 100,
            "write_latency_usecs": 300,
            "reads_per_second": 10,
            "writes_per_second": 10,
        },
        {
            "read_latency_usecs": 500,
            "write_latency_usecs": 500,
            "reads_per_second": 0,
            "writes_per_second": 0,
        },
    ]
    assert wire.parse_realtime_latency(entries) == 200.0
    assert wire.parse_realtime_latency([]) is None


# -- request bodies ----------------------------------------------------------------------------------------


def test_request_bodies_send_only_what_is_set() -> None:
    from console.model import FilesystemSpec, SnapshotSpec

    assert wire.filesystem_create_body(FilesystemSpec("a", "default", 10)) == {
        "name": "a",
        "group_name": "default",
        "total_capacity": 10,
    }
    assert wire.filesystem_resize_body(10, None) == {"total_capacity": 10}
    assert wire.snapshot_create_body(SnapshotSpec("fs", "s")) == {
        "fs_uid": "fs",
        "name": "s",
        "is_writable": False,
    }
    assert wire.upload_body("remote") == {"obs_site": "REMOTE"}
    assert wire.login_body("u", "p", None) == {"username": "u", "password": "p"}
