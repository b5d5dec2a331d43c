"""Snapshot schedules through `WekaClient` -> the face's `/snapshotSchedules` do what the demo does (same
results, same refusals in the same words, the same snapshots taken as time runs), and a WEKA that serves no
schedules (every real one: the path answers 404) lists none instead of failing the RPO view."""

from __future__ import annotations

from typing import Any

import pytest
from test_weka_actions import Step, run_both, uid_of
from weka_support import advance_both

from console.backends.demo import DemoBackend
from console.backends.live.weka import WekaClient
from console.data.errors import NotFound
from console.model import UploadSite
from console.model.schedules import ScheduleEvery, SnapshotScheduleSpec
from console.sim.http.base import SimulatorHost
from console.sim.simulator import Simulator


def schedule_uid(simulator: Simulator, fs_name: str, name: str) -> str:
    return next(
        s.uid for s in simulator.weka.snapshot_schedules() if s.filesystem_name == fs_name and s.name == name
    )


async def test_schedules_through_the_face_as_in_the_demo(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    home = uid_of(twin, "home")
    quarter = SnapshotScheduleSpec(home, "quarter", ScheduleEvery.INTERVAL, 15, keep=2)
    steps: list[Step] = [
        lambda b: b.snapshot_schedules(),
        lambda b: b.create_snapshot_schedule(quarter),
        lambda b: b.create_snapshot_schedule(quarter),  # the name is taken: Conflict
        lambda b: b.create_snapshot_schedule(
            SnapshotScheduleSpec(home, "local", ScheduleEvery.DAILY, upload_site=UploadSite.LOCAL)
        ),  # home has only a remote bucket: Invalid, on obs_site
        lambda b: b.update_snapshot_schedule(
            schedule_uid(twin, "home", "quarter"),
            SnapshotScheduleSpec(
                home, "quarter", ScheduleEvery.INTERVAL, 10, keep=3, upload_site=UploadSite.REMOTE
            ),
        ),
        lambda b: b.run_snapshot_schedule(schedule_uid(twin, "home", "quarter")),
        lambda b: b.delete_snapshot_schedule(schedule_uid(twin, "home", "nightly")),
        lambda b: b.delete_snapshot_schedule("no-such-uid"),
        lambda b: b.snapshot_schedules(),
    ]
    await run_both(client, demo, host, twin, steps)
    advance_both(host, twin, 1800)  # the edited schedule runs three times, keeps three
    live = [s for s in await client.snapshot_schedules() if s.name == "quarter"]
    assert live == [s for s in twin.weka.snapshot_schedules() if s.name == "quarter"]
    assert live[0].kept == 3


async def test_a_weka_without_schedules_lists_none(
    client: WekaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def not_served(method: str, path: str, **_: Any) -> Any:
        raise NotFound(f"No route {method} {path}", status=404, service="weka")

    monkeypatch.setattr(client, "_call", not_served)
    assert await client.snapshot_schedules() == []
    with pytest.raises(NotFound):  # changing one still says what the cluster answered
        await client.delete_snapshot_schedule("x")
