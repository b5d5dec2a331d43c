"""The wire fields this project adds to the WEKA face, checked on the face itself and through the client.

- `/snapshotSchedules` is rwc's own resource (WEKA's API has no schedules; `console.wire.weka.schedules`
  documents the shape, in snaptool's words): every answer has exactly the documented keys with their JSON
  types, the client reads every item back to what the simulator holds, and the face refuses what is not a
  schedule (unknown keys, a bad `every`, a read-only user) as WEKA refuses its own requests.
- Upload bytes (`uploadSize`/`uploadedSize` in each `...StowInfo` block, [UNSURE] names for the CLI's
  upload size): present on an upload in flight, numbers, sent <= size, and read into `SnapshotUpload`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_weka_conformance import USERS, Face

from console.model import Role, StowStatus
from console.model.schedules import ScheduleEvery, SnapshotScheduleSpec
from console.sim.http.base import SimulatorHost
from console.sim.http.weka import serve_weka
from console.sim.scenarios import build_simulator
from console.wire import weka as wire

SCHEDULE_KEYS: dict[str, tuple[type, ...]] = {
    "uid": (str,),
    "filesystem": (str,),
    "filesystem_uid": (str,),
    "name": (str,),
    "every": (str,),
    "interval": (int,),
    "at": (str,),
    "day": (int,),
    "retain": (int,),
    "upload": (str, type(None)),
    "rpo_target_secs": (int, float, type(None)),
    "next_run": (str, type(None)),
    "last_run": (str, type(None)),
    "kept": (int,),
}
"""The documented answer (`console.wire.weka.schedules`), key -> JSON types."""


@pytest.fixture
def face() -> Iterator[tuple[Face, Any]]:
    simulator = build_simulator("demo", seed=7)
    with serve_weka(SimulatorHost(simulator, clock_speed=0), USERS) as server:
        client = Face(server)
        client.login()
        yield client, simulator


def test_every_schedule_has_the_documented_keys_and_reads_back(face: tuple[Face, Any]) -> None:
    client, simulator = face
    status, body = client.request("GET", wire.SCHEDULES_PATH)
    assert status == 200
    items = body["data"]
    assert len(items) == len(simulator.weka.snapshot_schedules()) == 9
    for item in items:
        assert set(item) == set(SCHEDULE_KEYS), item
        for key, kinds in SCHEDULE_KEYS.items():
            assert isinstance(item[key], kinds) and not isinstance(item[key], bool), (key, item[key])
        assert item["every"] in {every.value for every in ScheduleEvery}
        assert item["upload"] in (None, "LOCAL", "REMOTE")
    parsed = wire.parse_schedules(items)
    assert parsed == simulator.weka.snapshot_schedules()
    assert [wire.schedule_json(schedule) for schedule in parsed] == items
    models = next(s for s in parsed if s.filesystem_name == "models" and s.name == "nightly")
    assert (models.spec.every, models.spec.at_minute, models.spec.upload_site) == (
        ScheduleEvery.DAILY,
        120,
        None,
    )
    assert models.spec.rpo_target_seconds == 86_400


def test_create_update_run_delete_round_trip(face: tuple[Face, Any]) -> None:
    client, simulator = face
    home = next(fs.uid for fs in simulator.weka.filesystems() if fs.name == "home")
    spec = SnapshotScheduleSpec(
        home, "monthly", ScheduleEvery.MONTHLY, day_of_month=31, keep=6, upload_site=None
    )
    status, created = client.request("POST", wire.SCHEDULES_PATH, wire.schedule_body(spec))
    assert status == 200, created
    schedule = wire.parse_schedule(created["data"])
    assert schedule.spec == spec and schedule.next_run_at is not None
    assert schedule.next_run_at.isoformat() == "2026-11-30T00:00:00+00:00"  # 31 in November: its last day

    changed = SnapshotScheduleSpec(home, "monthly", ScheduleEvery.MONTHLY, day_of_month=1, keep=3)
    status, updated = client.request("PUT", wire.schedule_path(schedule.uid), wire.schedule_body(changed))
    assert status == 200 and wire.parse_schedule(updated["data"]).spec == changed

    status, taken = client.request("POST", wire.schedule_path(schedule.uid, run=True), {})
    assert status == 200
    snapshot = wire.parse_snapshot(taken["data"])[0]
    assert snapshot.name.startswith("monthly-") and snapshot.filesystem_name == "home"

    status, _ = client.request("DELETE", wire.schedule_path(schedule.uid))
    assert status == 200
    status, gone = client.request("GET", wire.schedule_path(schedule.uid))
    assert status == 404 and "SnapshotScheduleDoesNotExistException" in gone["data"]["exceptionClass"]


@pytest.mark.parametrize(
    ("change", "status", "param"),
    [
        ({"cron": "* * * * *"}, 400, "cron"),  # not a schedule key: refused, never ignored
        ({"every": "weekly"}, 400, None),
        ({"retain": 0}, 400, None),
        ({"upload": "LOCAL"}, 400, "obs_site"),  # home has only a remote bucket
        ({"name": "hourly"}, 409, None),  # home already has one
    ],
)
def test_the_face_refuses_what_is_not_a_schedule(
    face: tuple[Face, Any], change: dict[str, Any], status: int, param: str | None
) -> None:
    client, simulator = face
    home = next(fs.uid for fs in simulator.weka.filesystems() if fs.name == "home")
    body = {**wire.schedule_body(SnapshotScheduleSpec(home, "extra", ScheduleEvery.DAILY)), **change}
    answer_status, answer = client.request("POST", wire.SCHEDULES_PATH, body)
    assert answer_status == status, answer
    if param is not None:
        assert answer["data"].get("param") == param


def test_a_read_only_user_reads_but_does_not_change(face: tuple[Face, Any]) -> None:
    client, simulator = face
    client.login("viewer")
    assert client.request("GET", wire.SCHEDULES_PATH)[0] == 200
    uid = simulator.weka.snapshot_schedules()[0].uid
    assert client.request("DELETE", wire.schedule_path(uid))[0] == 403
    assert client.request("POST", wire.schedule_path(uid, run=True), {})[0] == 403


def test_upload_bytes_on_the_wire_and_read_into_the_model(face: tuple[Face, Any]) -> None:
    client, simulator = face
    admin = simulator.runai.identity_for(None, Role.ADMIN)
    nightly = next(
        s
        for s in simulator.weka.snapshots()
        if s.filesystem_name == "models" and s.name == "nightly-20261123"
    )
    simulator.weka.upload_snapshot(admin, nightly.uid, "REMOTE")
    simulator.advance(60)
    status, body = client.request("GET", f"/snapshots/{nightly.uid}")
    assert status == 200
    block = body["data"]["remoteStowInfo"]
    size, sent = block[wire.UPLOAD_SIZE_KEY], block[wire.UPLOADED_SIZE_KEY]
    assert isinstance(size, int) and isinstance(sent, int) and 0 < sent < size
    upload = wire.parse_snapshot(body["data"])[0].uploads[0]
    assert (upload.site, upload.status) == ("REMOTE", StowStatus.UPLOADING)
    assert (upload.total_bytes, upload.done_bytes) == (size, sent)
    # A block without them (a real WEKA) reads as a percent only.
    del block[wire.UPLOAD_SIZE_KEY], block[wire.UPLOADED_SIZE_KEY]
    bare = wire.parse_snapshot(body["data"])[0].uploads[0]
    assert (bare.total_bytes, bare.done_bytes) == (None, None) and bare.progress_percent is not None
