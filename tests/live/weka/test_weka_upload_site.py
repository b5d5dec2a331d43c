"""`WekaClient.upload_snapshot` puts the site in the body as `obs_site` (reference/weka.md §12.2).

Real HTTP against the simulator's WEKA face: a filesystem with both a local (tiering) and a remote bucket,
where the site decides which bucket the upload goes to. The face's `before_request` hook records what
arrived, and the simulator behind it shows the upload on the site that was asked for, not the other.
"""

from __future__ import annotations

import pytest

from console.backends.live.weka import WekaClient
from console.model import Role, SnapshotSpec, StowStatus
from console.sim.http.base import Request, SimHttpServer, SimulatorHost
from console.sim.weka_units import TIB


def both_kinds_snapshot(host: SimulatorHost) -> str:
    """`projects` tiers to obs-local and keeps DR copies in obs-dr; a fresh snapshot of it."""
    with host.lock:
        weka = host.simulator.weka
        fs = weka.add_filesystem(
            "projects",
            "tiered",
            20 * TIB,
            ssd_bytes=4 * TIB,
            used_total_bytes=2 * TIB,
            obs_bucket="obs-local",
            remote_bucket="obs-dr",
        )
        admin = host.simulator.runai.identity_for(None, Role.ADMIN)
        return weka.create_snapshot(admin, SnapshotSpec(fs.uid, "before-migration")).uid


def record_upload_bodies(server: SimHttpServer) -> list[object]:
    bodies: list[object] = []

    def record(request: Request) -> None:
        if request.method == "POST" and request.path.endswith("/upload"):
            bodies.append(request.json())

    server.before_request = record
    return bodies


@pytest.mark.parametrize(("site", "other"), [("REMOTE", "LOCAL"), ("LOCAL", "REMOTE")])
async def test_upload_sends_obs_site_and_lands_on_that_site(
    client: WekaClient, server: SimHttpServer, host: SimulatorHost, site: str, other: str
) -> None:
    uid = both_kinds_snapshot(host)
    bodies = record_upload_bodies(server)

    snapshot = await client.upload_snapshot(uid, site)

    assert bodies == [{"obs_site": site}]
    assert snapshot.stow_status is StowStatus.UPLOADING
    with host.lock:
        by_site = host.simulator.weka.snapshot_stow_by_site(uid)
    assert by_site[site].status is StowStatus.UPLOADING
    assert other not in by_site
