"""Each query over HTTP returns what the demo backend returns for the same seeded, frozen simulator."""

from __future__ import annotations

import pytest
from weka_support import (
    advance_both,
    assert_cluster_matches,
    assert_filesystem_matches,
    comparable_alert,
)

from console.backends.demo import DemoBackend
from console.backends.live.weka import WekaClient
from console.data.errors import NotFound
from console.model import StowStatus
from console.sim.http.base import SimulatorHost
from console.sim.simulator import Simulator

# The demo's uploads finish within a few minutes and the hourly schedules fire at 10:00: compare at the
# start, mid-upload, after it, and past the hour (new snapshots, uploads started by the schedules).
MOMENTS = (0, 45, 400, 3700)


@pytest.mark.parametrize("seconds", MOMENTS)
async def test_filesystems_groups_buckets_and_snapshots_match_the_demo(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator, seconds: int
) -> None:
    advance_both(host, twin, seconds)
    live_fs, demo_fs = await client.filesystems(), await demo.filesystems()
    assert [fs.uid for fs in live_fs] == [fs.uid for fs in demo_fs]
    for live, expected in zip(live_fs, demo_fs, strict=True):
        assert_filesystem_matches(live, expected)
    assert await client.filesystem_groups() == await demo.filesystem_groups()
    assert await client.buckets() == await demo.buckets()
    assert await client.snapshots() == await demo.snapshots()
    for fs in demo_fs:
        assert await client.snapshots(fs.uid) == await demo.snapshots(fs.uid)


@pytest.mark.parametrize("seconds", MOMENTS)
async def test_cluster_metrics_and_alerts_match_the_demo(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator, seconds: int
) -> None:
    advance_both(host, twin, seconds)
    assert_cluster_matches(
        await client.weka_cluster(), await demo.weka_cluster(), list(await demo.filesystems())
    )
    for window in (60.0, 300.0, 600.0):
        assert list(await client.weka_metrics(window)) == list(await demo.weka_metrics(window))
    # The demo backend merges Run:ai alerts in; the WEKA client answers for WEKA only.
    live_alerts = [comparable_alert(a) for a in await client.alerts()]
    assert live_alerts == [comparable_alert(a) for a in twin.weka.alerts()]


async def test_the_demo_covers_what_the_comparison_must_see(client: WekaClient, demo: DemoBackend) -> None:
    """Guard for the tests above: the seeded demo has every upload state, both bucket sites, an alert."""
    snapshots = await client.snapshots()
    assert {s.stow_status for s in snapshots} == set(StowStatus)
    assert any(s.upload_progress_percent is None for s in snapshots)
    assert {b.obs_site for b in await client.buckets()} == {"local", "remote"}
    assert await client.alerts()
    assert any(fs.last_uploaded_snapshot_at for fs in await client.filesystems())


async def test_an_alert_keeps_its_first_seen_time_while_it_stands(client: WekaClient) -> None:
    first = await client.alerts()
    again = await client.alerts()
    assert [a.raised_at for a in again] == [a.raised_at for a in first]


async def test_snapshots_of_an_unknown_filesystem_is_not_found_like_the_demo(
    client: WekaClient, demo: DemoBackend
) -> None:
    with pytest.raises(NotFound) as live:
        await client.snapshots("no-such-uid")
    with pytest.raises(NotFound) as expected:
        await demo.snapshots("no-such-uid")
    assert live.value.message == expected.value.message
    assert live.value.status == expected.value.status == 404


async def test_metrics_window_follows_the_cluster_clock_not_ours(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    """The simulator's clock is far from the wall clock; the window is anchored on `/cluster` time."""
    await client.weka_cluster()
    advance_both(host, twin, 30)
    client._cluster_clock = None  # noqa: SLF001 - force a re-read after the simulator moved on
    assert list(await client.weka_metrics(120)) == list(await demo.weka_metrics(120))
