"""The demo's two sites share a bucket: what on-prem uploads to its remote bucket `obs-dr` is in cloud's local
bucket `obs-cloud` (both `weka-prod-dr` on the same S3 endpoint), so cloud can create a filesystem from it.
Two sites that do not share an object store (two separate simulators) cannot.
"""

from __future__ import annotations

import pytest

from console.data.errors import Invalid
from console.model import FilesystemFromSnapshotSpec, Role, SnapshotSpec, StowStatus
from console.sim.object_store import ObjectStore
from console.sim.scenarios import build_simulator, build_site_simulator
from console.sim.simulator import Simulator
from console.sim.weka_units import TIB


def sites(shared: bool) -> tuple[Simulator, Simulator]:
    store = ObjectStore() if shared else None
    return (
        build_simulator("demo", object_store=store),
        build_site_simulator("cloud", object_store=store),
    )


def from_locator(name: str, locator: str) -> FilesystemFromSnapshotSpec:
    return FilesystemFromSnapshotSpec(
        name=name,
        group_name="default",
        total_capacity_bytes=20 * TIB,
        ssd_capacity_bytes=2 * TIB,
        obs_bucket="obs-cloud",
        locator=locator,
    )


def upload_home_to_dr(on_prem: Simulator) -> str:
    """Snapshot on-prem's `home` and upload it to its remote bucket; the locator, once SYNCHRONIZED."""
    admin = on_prem.runai.identity_for(None, Role.ADMIN)
    home = next(fs for fs in on_prem.weka.filesystems() if fs.name == "home")
    snap = on_prem.weka.create_snapshot(admin, SnapshotSpec(filesystem_uid=home.uid, name="burst-1"))
    on_prem.weka.upload_snapshot(admin, snap.uid, "REMOTE")
    for _ in range(60 * 60):
        on_prem.advance(10)
        uploaded = on_prem.weka.snapshot(snap.uid)
        if uploaded.stow_status is StowStatus.SYNCHRONIZED:
            return uploaded.locator
    raise AssertionError("the upload did not finish in ten hours")


def test_cloud_creates_a_filesystem_from_what_on_prem_uploaded() -> None:
    on_prem, cloud = sites(shared=True)
    locator = upload_home_to_dr(on_prem)
    admin = cloud.runai.identity_for(None, Role.ADMIN)

    created = cloud.weka.create_filesystem_from_snapshot(admin, from_locator("home-burst", locator))
    cloud.advance(600)

    ready = cloud.weka.filesystem(created.uid)
    assert ready.is_ready
    home = next(fs for fs in on_prem.weka.filesystems() if fs.name == "home")
    assert ready.used_total_bytes == pytest.approx(home.used_total_bytes, rel=0.01)
    started = [e for e in cloud.weka.events() if e.type == "FilesystemDownloadStarted"]
    assert "snapshot burst-1 of home of weka-prod in obs-cloud" in started[-1].description
    # On-prem's older nightly uploads to the same bucket are there too: what the DR view offers.
    assert {r.snapshot_name for r in cloud.weka.uploaded("obs-cloud")} >= {"burst-1"}


def test_sites_that_share_no_object_store_cannot_read_each_others_uploads() -> None:
    on_prem, cloud = sites(shared=False)
    locator = upload_home_to_dr(on_prem)
    admin = cloud.runai.identity_for(None, Role.ADMIN)

    with pytest.raises(Invalid, match="No uploaded snapshot has locator") as refused:
        cloud.weka.create_filesystem_from_snapshot(admin, from_locator("home-burst", locator))
    assert refused.value.field == "locator"
    assert "weka-prod-dr on s3.eu-west-1.amazonaws.com" in refused.value.message
