"""Snapshot schedules on the WEKA face: `/snapshotSchedules` (rwc's own resource, `console.wire.weka.
schedules` says why and in which shape): list, read, create, update, delete, and run once."""

from __future__ import annotations

from console.data.errors import BadResponse
from console.model.schedules import SnapshotScheduleSpec
from console.sim.http.base import Request, Response
from console.sim.http.weka.auth import Handlers
from console.sim.http.weka.common import RequestBody, bad_request, ok
from console.wire import weka as wire
from console.wire.weka.schedules import parse_schedule_spec, schedule_json

BODY_KEYS = (
    "filesystem_uid",
    "name",
    "every",
    "interval",
    "at",
    "day",
    "retain",
    "upload",
    "rpo_target_secs",
)


def _spec(request: Request) -> SnapshotScheduleSpec:
    body = RequestBody.of(request)
    body.require("filesystem_uid", "name", "every")
    unknown = sorted(set(body) - set(BODY_KEYS))
    if unknown:
        raise bad_request(f"{unknown[0]} is not a snapshot schedule parameter.", param=unknown[0])
    try:
        return parse_schedule_spec(body, "body")
    except BadResponse as error:
        raise bad_request(str(error)) from None


class Schedules(Handlers):
    """`/snapshotSchedules` and `/snapshotSchedules/{uid}[/run]`."""

    def list_schedules(self, request: Request) -> Response:
        """`filesystem` (a name) narrows the list; clients re-filter anyway."""
        self.authorize(request)
        fs_name = request.param("filesystem")
        with self.weka() as (_, weka):
            chosen = [s for s in weka.snapshot_schedules() if fs_name in (None, s.filesystem_name)]
            return ok([schedule_json(schedule) for schedule in chosen])

    def get_schedule(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka("SnapshotSchedule") as (_, weka):
            return ok(schedule_json(weka.snapshot_schedule(request.path_params["uid"])))

    def create_schedule(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        spec = _spec(request)
        with self.weka("Filesystem") as (_, weka):
            return ok(schedule_json(weka.create_snapshot_schedule(user.identity, spec)))

    def update_schedule(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        spec = _spec(request)
        with self.weka("SnapshotSchedule") as (_, weka):
            updated = weka.update_snapshot_schedule(user.identity, request.path_params["uid"], spec)
            return ok(schedule_json(updated))

    def delete_schedule(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        with self.weka("SnapshotSchedule") as (_, weka):
            weka.delete_snapshot_schedule(user.identity, request.path_params["uid"])
        return ok(None)

    def run_schedule(self, request: Request) -> Response:
        """Take the schedule's snapshot now; answers the snapshot, as `POST /snapshots` does."""
        user = self.authorize(request, write=True)
        with self.weka("SnapshotSchedule") as (_, weka):
            snap = weka.run_snapshot_schedule(user.identity, request.path_params["uid"])
            fs_id = next((fs.id for fs in weka.filesystems() if fs.uid == snap.filesystem_uid), "")
            per_site = wire.per_site_stow(weka.cluster().release)
            return ok(wire.snapshot_json(snap, fs_id, per_site=per_site))
