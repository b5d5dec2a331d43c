"""Alerts are standing conditions: crossing a capacity threshold raises one, fixing the cause clears it."""

from __future__ import annotations

from console.model import AlertSeverity, FilesystemSpec, SnapshotSpec
from console.sim.weka_units import GIB, MIB, TIB


def test_crossing_the_ssd_threshold_of_a_tiered_filesystem_raises_an_alert_and_fixing_it_clears_it(
    sim, admin, advance
):
    # 85 % of 10 GiB SSD used, growing 20 MiB/s, SSD copies kept a day (group `default`).
    fs = sim.add_filesystem(
        "scratch",
        "default",
        1 * TIB,
        ssd_bytes=10 * GIB,
        used_total_bytes=100 * GIB,
        used_ssd_bytes=8.5 * GIB,
        obs_bucket="obs-local",
        write_bytes_per_second=20 * MIB,
    )
    assert sim.alerts() == []

    advance(20)  # 8.5 GiB + 400 MiB: still under 90 %
    assert sim.alerts() == []
    still_under = sim.now()
    advance(20)  # + 800 MiB: above 90 %

    [alert] = sim.alerts()
    assert alert.type == "TieredFilesystemOverfillingSSD"
    assert alert.severity is AlertSeverity.MAJOR
    assert alert.source == "weka"
    assert "scratch" in alert.description
    assert still_under < alert.raised_at <= sim.now()  # stamped when it crossed
    assert sim.cluster().active_alerts_count == 1

    sim.resize_filesystem(admin, fs.uid, 1 * TIB, ssd_capacity_bytes=20 * GIB)

    assert sim.alerts() == []
    assert sim.cluster().active_alerts_count == 0


def test_an_alert_keeps_its_raise_time_while_its_cause_lasts(sim, advance):
    sim.add_filesystem(
        "scratch",
        "default",
        1 * TIB,
        ssd_bytes=10 * GIB,
        used_total_bytes=100 * GIB,
        used_ssd_bytes=9.3 * GIB,
        obs_bucket="obs-local",
        write_bytes_per_second=1 * MIB,
    )
    [first] = sim.alerts()

    advance(30)

    [later] = sim.alerts()
    assert later.raised_at == first.raised_at


def test_provisioning_most_of_the_cluster_ssd_raises_not_enough_ssd_capacity(sim, admin, advance):
    total = sim.cluster().total_capacity_bytes  # 100 TiB

    created = sim.create_filesystem(admin, FilesystemSpec("big", "default", 95 * TIB))

    assert [a.type for a in sim.alerts()] == ["NotEnoughSSDCapacity"]
    assert sim.cluster().unprovisioned_capacity_bytes == total - 95 * TIB
    advance(5)
    sim.delete_filesystem(admin, created.uid)
    assert sim.alerts() == []
    advance(5)
    assert sim.cluster().unprovisioned_capacity_bytes == total


def test_using_most_of_the_cluster_ssd_raises_high_drives_capacity(sim):
    sim.add_filesystem("full", "default", 95 * TIB, used_total_bytes=92 * TIB)

    types = {a.type: a.severity for a in sim.alerts()}

    assert types == {
        "HighDrivesCapacity": AlertSeverity.CRITICAL,
        "NotEnoughSSDCapacity": AlertSeverity.MAJOR,
    }
    assert [a.type for a in sim.alerts()][0] == "HighDrivesCapacity"  # most severe first


def test_a_bucket_going_down_stalls_uploads_and_raises_an_alert(sim, admin, advance):
    fs = sim.add_filesystem(
        "data", "fast", 1 * TIB, ssd_bytes=100 * GIB, used_total_bytes=10 * GIB, obs_bucket="obs-local"
    )
    snap = sim.create_snapshot(admin, SnapshotSpec(filesystem_uid=fs.uid, name="s1"))
    sim.upload_snapshot(admin, snap.uid)
    advance(10)
    progress = sim.snapshot(snap.uid).upload_progress_percent

    sim.set_bucket_status("obs-local", "DOWN")
    advance(10)

    assert sim.snapshot(snap.uid).upload_progress_percent == progress
    assert [a.type for a in sim.alerts()] == ["NodeTieringConnectivity"]
    sim.set_bucket_status("obs-local", "UP")
    advance(1)
    assert sim.alerts() == []
    assert sim.snapshot(snap.uid).upload_progress_percent > progress


def test_a_muted_alert_is_listed_as_muted_and_not_counted_until_the_mute_ends(sim, admin, advance):
    sim.add_filesystem("full", "default", 95 * TIB, used_total_bytes=10 * TIB)

    sim.mute_alert(admin, "NotEnoughSSDCapacity", 60)

    [alert] = sim.alerts()
    assert alert.muted
    assert sim.cluster().active_alerts_count == 0
    advance(61)
    assert not sim.alerts()[0].muted
    assert sim.cluster().active_alerts_count == 1
