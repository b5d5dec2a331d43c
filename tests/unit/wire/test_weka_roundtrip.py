"""`console.wire.weka` round-trips: what the simulator's face encodes, the live client decodes back to the
same domain object (model -> encode -> decode == model), for the demo simulator's objects, and the stow
divergence: a snapshot's upload state is written in one shape per WEKA release and read from both.

Fields WEKA's REST cannot carry are blanked on both sides, as in tests/live/weka/weka_support.py:
`Filesystem.used_object_bytes` (no per-filesystem object-tier key) and `Alert.raised_at` (no raise time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.model import Snapshot, SnapshotUpload, StowStatus
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator
from console.sim.weka_state import StowInfo
from console.wire import weka as wire

CREATED = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(scope="module")
def sim() -> Simulator:
    simulator = build_simulator("demo", seed=7)
    simulator.advance(120)  # uploads in flight
    return simulator


def test_snapshots_round_trip_in_both_shapes(sim: Simulator) -> None:
    snapshots = sim.weka.snapshots()
    assert snapshots and any(snap.uploads for snap in snapshots)
    for snap in snapshots:
        per_site, _ = wire.parse_snapshot(wire.snapshot_json(snap, "FSId<1>", per_site=True))
        assert per_site == snap
        flat, _ = wire.parse_snapshot(wire.snapshot_json(snap, "FSId<1>", per_site=False))
        if snap.stow_status is StowStatus.UPLOADING and snap.upload_progress_percent is None:
            continue  # the flat `progress` is a number: "unknown" cannot cross it
        assert flat == replace(snap, uploads=())  # the flat keys say whether, not where


def test_filesystems_round_trip(sim: Simulator) -> None:
    weka = sim.weka
    group_uids = {group.name: group.uid for group in weka.filesystem_groups()}
    buckets = {bucket.name: bucket for bucket in weka.buckets()}
    readings = [
        (
            snap,
            snap.stow_status is StowStatus.SYNCHRONIZED
            or any(upload.status is StowStatus.SYNCHRONIZED for upload in snap.uploads),
        )
        for snap in weka.snapshots()
    ]
    summaries = wire.summarize_snapshots(readings)
    filesystems = weka.filesystems()
    assert filesystems
    for index, fs in enumerate(filesystems):
        body = wire.filesystem_json(fs, group_uids, buckets)
        decoded = wire.parse_filesystem(body, index, summaries.get(fs.uid, wire.SnapshotSummary()))
        assert replace(decoded, used_object_bytes=0) == replace(fs, used_object_bytes=0)


def test_groups_buckets_and_alerts_round_trip(sim: Simulator) -> None:
    weka = sim.weka
    for index, group in enumerate(weka.filesystem_groups()):
        assert wire.parse_group(wire.group_json(index, group), index) == group
    for index, bucket in enumerate(weka.buckets()):
        assert wire.parse_bucket(wire.bucket_json(index, bucket), index) == bucket
    alerts = weka.alerts()
    assert alerts
    for index, alert in enumerate(alerts):
        assert wire.parse_alert(wire.alert_json(alert), index, alert.raised_at) == alert


def test_cluster_round_trip(sim: Simulator) -> None:
    cluster = sim.weka.cluster()
    reading = wire.parse_cluster(wire.cluster_json(cluster, sim.clock.start, sim.clock.now()))
    assert (reading.name, reading.guid, reading.release, reading.status) == (
        cluster.name,
        cluster.guid,
        cluster.release,
        cluster.status,
    )
    assert reading.total_capacity_bytes == cluster.total_capacity_bytes
    assert reading.backends == (cluster.backends_active, cluster.backends_total)
    assert cluster.latest is not None
    realtime = wire.realtime_json(cluster.name, cluster.latest, max(1, cluster.backends_active))
    assert wire.parse_realtime_latency(realtime) == pytest.approx(
        cluster.latest.latency_microseconds, abs=0.1
    )


def test_the_release_picks_the_shape() -> None:
    assert wire.per_site_stow("4.4.2.157") and wire.per_site_stow("4.0.5")
    assert not wire.per_site_stow("4.0.4") and not wire.per_site_stow("3.14.1")


def _snapshot(*uploads: SnapshotUpload) -> Snapshot:
    sites = {upload.site: upload for upload in uploads}
    public = sites.get(wire.public_site(sites) or "")
    return Snapshot(
        uid="snap-1",
        id="SnapshotId<1>",
        name="nightly",
        filesystem_uid="fs-1",
        filesystem_name="datasets",
        access_point="@GMT-2026.11.23-09.00.00",
        is_writable=False,
        is_removing=False,
        created_at=CREATED,
        stow_status=public.status if public else StowStatus.NONE,
        upload_progress_percent=public.progress_percent if public else None,
        locator=public.locator if public else "",
        uploads=tuple(upload for upload in uploads if upload.status is not StowStatus.NONE),
    )


def test_stow_divergence_uploaded_locally_still_uploading_remotely() -> None:
    """The divergence issue 12 found: with the local upload done and the remote one in flight, the 4.0.5+
    per-site blocks and the 3.14 flat keys must read as the same state (the one upload in flight), and the
    simulator's choice of site is the decoder's (`public_site`)."""
    snap = _snapshot(
        SnapshotUpload("REMOTE", StowStatus.UPLOADING, 40.0, ""),  # started first: listed first
        SnapshotUpload("LOCAL", StowStatus.SYNCHRONIZED, 100.0, "loc-local"),
    )
    per_site_body = wire.snapshot_json(snap, "FSId<1>", per_site=True)
    flat_body = wire.snapshot_json(snap, "FSId<1>", per_site=False)
    assert "stowStatus" not in per_site_body and "localStowInfo" not in flat_body  # one shape each
    assert per_site_body["localStowInfo"]["stowStatus"] == "SYNCHRONIZED"
    assert per_site_body["remoteStowInfo"] == {
        "stowStatus": "UPLOADING",
        "stowProgress": "40%",
        "locator": "",
    }
    from_sites, uploaded_somewhere = wire.parse_snapshot(per_site_body)
    from_flat, _ = wire.parse_snapshot(flat_body)
    for read in (from_sites, from_flat):
        assert (read.stow_status, read.upload_progress_percent, read.locator) == (
            StowStatus.UPLOADING,
            40.0,
            "",
        )
    assert uploaded_somewhere  # only the per-site blocks can say the local copy is there
    assert [(u.site, u.status) for u in from_sites.uploads] == [
        ("LOCAL", StowStatus.SYNCHRONIZED),
        ("REMOTE", StowStatus.UPLOADING),
    ]


def test_the_simulator_shows_the_site_the_decoder_shows() -> None:
    """`SnapState.public_stow` chooses with `public_site`, whatever order the sites were uploaded in."""
    sites = {
        "REMOTE": StowInfo(StowStatus.UPLOADING, 10.0, ""),
        "LOCAL": StowInfo(StowStatus.UPLOADING, 70.0, ""),
    }
    assert wire.public_site(sites) == "LOCAL"


_progress = st.one_of(st.none(), st.integers(0, 100).map(float))
_uploads = st.builds(
    SnapshotUpload,
    site=st.sampled_from(wire.SITES),
    status=st.sampled_from([StowStatus.UPLOADING, StowStatus.SYNCHRONIZED]),
    progress_percent=_progress,
    locator=st.sampled_from(["", "loc-1"]),
)


@given(st.lists(_uploads, max_size=2, unique_by=lambda upload: upload.site))
def test_any_upload_state_reads_back_from_the_per_site_shape(uploads: list[SnapshotUpload]) -> None:
    uploads.sort(key=lambda upload: wire.SITES.index(upload.site))
    snap = _snapshot(*uploads)
    assert wire.parse_snapshot(wire.snapshot_json(snap, "FSId<1>", per_site=True))[0] == snap
