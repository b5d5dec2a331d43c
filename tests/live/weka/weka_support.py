"""Helpers shared by the WEKA live-client tests (imported by name: pytest puts this folder on sys.path).

Fields that cannot cross the wire equal (documented in `console/wire/weka/`):

- `Filesystem.used_object_bytes`: REST has no object-tier usage per filesystem; the client reports the data
  that is only on the object store (`used_total - used_ssd`), the demo also counts data on both tiers.
- `WekaCluster.object_tier_used_bytes`: the sum of the above; `ssd_used_bytes`: a sum of per-filesystem
  integers where the demo rounds the float sum (they differ by less than a byte per filesystem).
- `Alert.raised_at`: no raise time on the wire; the client records when it first saw the alert.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from console.backends.live.weka import WekaClient
from console.model import Alert, Filesystem, WekaCluster
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.weka import WekaUser
from console.sim.simulator import Simulator

PASSWORD = "Xq7-never-in-logs-9f2c"
"""Distinctive, so a leak anywhere (message, repr, log) is found by a plain substring search."""

USERS = {
    "admin": WekaUser("admin", PASSWORD),
    "viewer": WekaUser("viewer", PASSWORD + "-viewer", role="ReadOnly"),
    "mounter": WekaUser("mounter", PASSWORD + "-mounter", role="Regular"),
    "tenant": WekaUser("tenant", PASSWORD + "-tenant", role="OrgAdmin", org="Research"),
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FakeClock:
    """A monotonic clock that moves only when told (token lifetimes on the face, renewals in the client)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_client(
    server: SimHttpServer, username: str = "admin", password: str = PASSWORD, **kwargs: Any
) -> WekaClient:
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("verify", False)  # the face is plain HTTP; skipping the CA store saves ~20 ms a client
    return WekaClient(server.url, username, password, trust_env=False, **kwargs)


def advance_both(host: SimulatorHost, twin: Simulator, seconds: float) -> None:
    """Move both simulators on by the same time (the face's under its lock)."""
    with host.lock:
        host.simulator.advance(seconds)
    twin.advance(seconds)


def comparable_filesystem(fs: Filesystem) -> Filesystem:
    return replace(fs, used_object_bytes=0)


def comparable_cluster(cluster: WekaCluster) -> WekaCluster:
    return replace(cluster, ssd_used_bytes=0, object_tier_used_bytes=0)


def comparable_alert(alert: Alert) -> Alert:
    return replace(alert, raised_at=EPOCH)


def comparable(value: Any) -> Any:
    """Any action result, with the documented losses blanked."""
    if isinstance(value, Filesystem):
        return comparable_filesystem(value)
    return value


def assert_filesystem_matches(live: Filesystem, demo: Filesystem) -> None:
    assert comparable_filesystem(live) == comparable_filesystem(demo)
    assert live.used_object_bytes == max(0, live.used_total_bytes - live.used_ssd_bytes)
    assert live.used_object_bytes <= demo.used_object_bytes


def assert_cluster_matches(live: WekaCluster, demo: WekaCluster, filesystems: list[Filesystem]) -> None:
    assert comparable_cluster(live) == comparable_cluster(demo)
    counted = [fs for fs in filesystems if not fs.is_removing]
    assert abs(live.ssd_used_bytes - demo.ssd_used_bytes) <= len(counted)
    assert live.object_tier_used_bytes == sum(
        max(0, fs.used_total_bytes - fs.used_ssd_bytes) for fs in counted
    )


def weka_state(simulator: Simulator) -> tuple[Any, ...]:
    """Everything the WEKA half holds that a user or a later tick can see."""
    weka = simulator.weka
    return (
        weka.cluster(),
        weka.filesystems(),
        list(weka.snapshots()),
        weka.buckets(),
        weka.filesystem_groups(),
        weka.alerts(),
        weka.tasks(),
        weka.events(10_000),
        weka.metrics(600),
        simulator.clock.now(),
    )
