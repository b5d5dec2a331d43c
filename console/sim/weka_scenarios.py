"""WEKA scenarios: `demo`, a believable production cluster, and `large`, for scale.

The demo tells the reference architecture's storage story at a glance: datasets and checkpoints tier
to a local object store, home and models keep SSD-only copies backed up to a remote (DR) bucket,
scratch is overfilling its SSD (so an alert shows), one upload is in flight and finishes within a few
minutes, and hourly and nightly snapshot schedules (uploaded where a bucket is attached) keep things
moving afterwards, with a history that has one snapshot per period. One thing is wrong, for the admin to
fix: models' nightlies are not uploaded, so it is past its one-day RPO target until `u` on `:rpo`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.model import StowStatus
from console.model.schedules import ScheduleEvery
from console.sim.weka import WekaSim
from console.sim.weka_metrics import IoProfile
from console.sim.weka_units import GB, MB, TIB


def populate_demo(sim: WekaSim) -> None:
    """The `demo` scenario's WEKA cluster, `weka-prod`."""
    sim.configure_cluster(
        name="weka-prod",
        release="4.4.2.157",
        total_ssd_bytes=200 * TIB,
        drives=(96, 96),
        backends=(8, 8),
        clients=(46, 48),
        io_profile=IoProfile(read_bytes_per_second=14 * GB, write_bytes_per_second=3 * GB),
    )
    sim.add_group("default")  # WEKA's defaults: 10 s tiering cue, one day of SSD retention
    sim.add_group("tiered", target_ssd_retention_seconds=2 * 86_400, start_demote_seconds=30)
    sim.add_bucket(
        "obs-local",
        obs_site="local",
        bandwidth_bytes_per_second=500 * MB,
        bucket="weka-prod-tier",
        hostname="s3.dc1.internal",
    )
    sim.add_bucket(
        "obs-dr",
        obs_site="remote",
        bandwidth_bytes_per_second=200 * MB,
        bucket="weka-prod-dr",
        hostname="s3.eu-west-1.amazonaws.com",
    )

    sim.add_filesystem(
        "datasets",
        "tiered",
        200 * TIB,
        ssd_bytes=40 * TIB,
        used_total_bytes=142 * TIB,
        used_ssd_bytes=27 * TIB,
        obs_bucket="obs-local",
        write_bytes_per_second=40 * MB,
        read_back_bytes_per_second=120 * MB,  # training jobs re-read older data: it comes back to SSD
    )
    sim.add_filesystem(
        "checkpoints",
        "tiered",
        100 * TIB,
        ssd_bytes=30 * TIB,
        used_total_bytes=61 * TIB,
        used_ssd_bytes=21 * TIB,
        obs_bucket="obs-local",
        remote_bucket="obs-dr",  # tiered locally and copied off-site for DR: `u` asks which site
        write_bytes_per_second=120 * MB,
    )
    sim.add_filesystem(
        "home",
        "default",
        20 * TIB,
        used_total_bytes=12.4 * TIB,
        remote_bucket="obs-dr",
        write_bytes_per_second=2 * MB,
    )
    # Its one-day retention window holds more than 8 TiB at this write rate: SSD stays ~95 % full.
    sim.add_filesystem(
        "scratch",
        "default",
        80 * TIB,
        ssd_bytes=8 * TIB,
        used_total_bytes=54 * TIB,
        used_ssd_bytes=0.94 * 8 * TIB,
        obs_bucket="obs-local",
        write_bytes_per_second=120 * MB,
    )
    sim.add_filesystem(
        "models",
        "default",
        30 * TIB,
        used_total_bytes=9.2 * TIB,
        remote_bucket="obs-dr",
        write_bytes_per_second=2 * MB,
    )
    sim.add_filesystem("inference-cache", "default", 10 * TIB, used_total_bytes=6.1 * TIB)

    # Times are laid out as if the scenario starts at 09:00 of its day, whatever the clock's start is:
    # with the default start that day is 2026-11-23; a demo started at the wall clock gets "today".
    day = sim.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=9)

    def at(days_before: int, hour: int, minute: int = 0) -> datetime:
        return day - timedelta(days=days_before) + timedelta(hours=hour, minutes=minute)

    for days_before in (3, 2, 1, 0):
        nightly = at(days_before, 2)
        sim.add_snapshot(
            "datasets", f"nightly-{nightly:%Y%m%d}", created_at=nightly, stow_status=StowStatus.SYNCHRONIZED
        )
    for days_before in (1, 0):
        nightly = at(days_before, 2)
        sim.add_snapshot(
            "checkpoints",
            f"nightly-{nightly:%Y%m%d}",
            created_at=nightly,
            stow_status=StowStatus.SYNCHRONIZED,
        )
    for days_before in (2, 1, 0):
        nightly = at(days_before, 2)
        sim.add_snapshot(
            "home",
            f"nightly-{nightly:%Y%m%d}",
            created_at=nightly,
            stow_status=StowStatus.SYNCHRONIZED,
            site="REMOTE",
        )
    # The demo's RPO story: the models team's nightly snapshots are not uploaded (the schedule's upload
    # was switched off), so its newest off-cluster copy is the release uploaded three days ago, past its
    # one-day target: red on `:rpo` until `u` uploads the newest nightly (about 0.4 TB at 200 MB/s).
    sim.add_snapshot(
        "models",
        "release-2026.11",
        created_at=at(3, 14, 30),
        stow_status=StowStatus.SYNCHRONIZED,
        site="REMOTE",
    )
    sim.add_snapshot("models", "eval-sandbox", created_at=at(1, 16), writable=True)
    for days_before in (2, 1, 0):
        sim.add_snapshot("models", f"nightly-{at(days_before, 2):%Y%m%d}", created_at=at(days_before, 2))
    sim.add_snapshot("inference-cache", "before-rollout", created_at=at(2, 10))
    sim.add_snapshot("inference-cache", "after-rollout", created_at=at(1, 18))
    sim.add_snapshot("scratch", f"hourly-{at(0, 7):%Y%m%d-%H%M}", created_at=at(0, 7))
    for name, site in (("datasets", "LOCAL"), ("checkpoints", "LOCAL"), ("home", "REMOTE")):
        sim.add_snapshot(
            name,
            f"hourly-{at(0, 8):%Y%m%d-%H%M}",
            created_at=at(0, 8),
            stow_status=StowStatus.SYNCHRONIZED,
            site=site,
        )
    sim.add_snapshot("scratch", f"hourly-{at(0, 8):%Y%m%d-%H%M}", created_at=at(0, 8))
    # The upload in flight: 40 % of 150 GB sent; the rest takes about three minutes at 500 MB/s (5.5
    # beside the 09:00 hourly snapshot's upload of datasets to the same bucket).
    sim.add_snapshot(
        "checkpoints",
        "pre-release-v3",
        created_at=at(0, 8, 52),
        stow_status=StowStatus.UPLOADING,
        upload_progress_percent=40.0,
        upload_bytes=150 * GB,
    )

    sim.add_snapshot_schedule("datasets", upload_site="LOCAL")
    sim.add_snapshot_schedule("checkpoints", upload_site="LOCAL")
    sim.add_snapshot_schedule("home", upload_site="REMOTE")
    sim.add_snapshot_schedule("scratch")
    sim.add_snapshot_schedule("models")
    # The nightly history above is what these schedules took (they started on different days).
    two_am = at(0, 2).hour * 60 + at(0, 2).minute
    for name, site in (("datasets", "LOCAL"), ("checkpoints", "LOCAL"), ("home", "REMOTE")):
        sim.add_snapshot_schedule(
            name, ScheduleEvery.DAILY, name="nightly", at_minute=two_am, keep=7, upload_site=site
        )
    sim.add_snapshot_schedule(
        "models", ScheduleEvery.DAILY, name="nightly", at_minute=two_am, keep=7, rpo_target_seconds=86_400
    )
    # A quarter of an hour in, a drive fails and WEKA rebuilds around it for six minutes (REBUILDING).
    sim.add_drive_failure("drive 37 of backend weka-b05", starts_s=15 * 60.0, rebuild_s=6 * 60.0)
    sim.backfill_metrics()
    sim.backfill_events()


LARGE_FILESYSTEMS = 200
LARGE_SNAPSHOTS_PER_FILESYSTEM = 50
LARGE_UPLOADING = (0, 10, 20)
"""Filesystems whose newest snapshot is uploading (all tiered, so the upload goes to the local bucket)."""


def populate_large(sim: WekaSim) -> None:
    """The `large` scenario: 200 filesystems with 50 hourly snapshots each (10,000), a few uploading."""
    plans = []
    for index in range(LARGE_FILESYSTEMS):
        tiered = index % 2 == 0
        total = (20 + (index * 37) % 180) * TIB
        plans.append((index, tiered, total, total // 4 if tiered else total))
    provisioned = sum(plan[3] for plan in plans)
    sim.configure_cluster(
        name="weka-large",
        release="4.4.2.157",
        total_ssd_bytes=int(provisioned / 0.8),
        drives=(766, 768),
        backends=(64, 64),
        clients=(1984, 2000),
        io_profile=IoProfile(
            read_bytes_per_second=110 * GB, write_bytes_per_second=24 * GB, metadata_ops_per_second=400_000
        ),
    )
    sim.add_group("default")
    sim.add_group("tiered", target_ssd_retention_seconds=6 * 3600, start_demote_seconds=30)
    sim.add_bucket("obs-local", obs_site="local", bandwidth_bytes_per_second=4 * GB)
    sim.add_bucket("obs-dr", obs_site="remote", bandwidth_bytes_per_second=1 * GB)
    now = sim.now()
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=LARGE_SNAPSHOTS_PER_FILESYSTEM)
    for index, tiered, total, ssd in plans:
        name = f"proj-{index:03d}"
        used = total * (30 + (index * 53) % 60) // 100
        sim.add_filesystem(
            name,
            "tiered" if tiered else "default",
            total,
            ssd_bytes=ssd,
            used_total_bytes=used,
            used_ssd_bytes=min(used, ssd * 6 // 10) if tiered else used,
            obs_bucket="obs-local" if tiered else None,
            remote_bucket="obs-dr" if index % 5 == 0 else None,
            write_bytes_per_second=(1 + index % 20) * MB if index % 4 == 0 else 0.0,
        )
        can_upload = tiered or index % 5 == 0
        last = LARGE_SNAPSHOTS_PER_FILESYSTEM - 1
        for hour in range(LARGE_SNAPSHOTS_PER_FILESYSTEM):
            created = first + timedelta(hours=hour)
            if index in LARGE_UPLOADING and hour == last:
                stow = StowStatus.UPLOADING
            elif can_upload and hour < last - 10 and hour % 6 == 0:
                stow = StowStatus.SYNCHRONIZED
            else:
                stow = StowStatus.NONE
            sim.add_snapshot(
                name,
                f"hourly-{created:%Y%m%d-%H%M}",
                created_at=created,
                stow_status=stow,
                site="LOCAL" if tiered else "REMOTE",
                upload_progress_percent=30.0,
            )
    sim.backfill_metrics()
