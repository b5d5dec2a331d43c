"""Snapshots on the WEKA face (§12): list, read, create, delete, restore, and upload to an object store."""

from __future__ import annotations

from typing import Any

from console.model import Snapshot, SnapshotSpec
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.weka.auth import Handlers
from console.sim.http.weka.common import RequestBody, ok
from console.sim.weka import WekaSim
from console.wire import weka as wire


class Snapshots(Handlers):
    """`/snapshots` and what hangs off it."""

    def _encode_snapshots(self, weka: WekaSim, snapshots: list[Snapshot]) -> list[dict[str, Any]]:
        fs_ids = {fs.uid: fs.id for fs in weka.filesystems()}
        per_site = wire.per_site_stow(weka.cluster().release)
        return [
            wire.snapshot_json(snap, fs_ids.get(snap.filesystem_uid, ""), per_site=per_site)
            for snap in snapshots
        ]

    def list_snapshots(self, request: Request) -> Response:
        """4.0+ filters `filesystem` (a name), `name`, `access_point`; clients re-filter anyway (§3.3)."""
        self.authorize(request)
        fs_name, name, point = (
            request.param("filesystem"),
            request.param("name"),
            request.param("access_point"),
        )
        with self.weka() as (_, weka):
            chosen = [
                snap
                for snap in weka.snapshots()
                if (fs_name is None or snap.filesystem_name == fs_name)
                and (name is None or snap.name == name)
                and (point is None or snap.access_point == point)
            ]
            return ok(self._encode_snapshots(weka, chosen))

    def get_snapshot(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka("Snapshot") as (_, weka):
            return ok(self._encode_snapshots(weka, [weka.snapshot(request.path_params["uid"])])[0])

    def create_snapshot(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        body.require("fs_uid", "name")
        body.reject("source_snap_uid")
        spec = SnapshotSpec(
            filesystem_uid=body.string("fs_uid"),
            name=body.string("name"),
            access_point=body.optional_string("access_point"),
            is_writable=body.flag("is_writable"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_snapshot(user.identity, spec)
            return ok(self._encode_snapshots(weka, [created])[0])

    def delete_snapshot(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        with self.weka("Snapshot") as (_, weka):
            weka.delete_snapshot(user.identity, request.path_params["uid"])
        return ok(None)

    def restore_snapshot(self, request: Request) -> Response:
        """`POST /snapshots/{fs_uid}/{uid}/restore`; answers the snapshot, as the 3.14 spec lists."""
        user = self.authorize(request, write=True)
        RequestBody.of(request).reject("preserved_overwritten_snapshot_name")
        fs_uid, uid = request.path_params["fs_uid"], request.path_params["uid"]
        with self.weka("Snapshot") as (_, weka):
            snap = weka.snapshot(uid)
            if snap.filesystem_uid != fs_uid:
                raise HttpError(
                    404,
                    f"Snapshot {snap.name} does not belong to filesystem {fs_uid}.",
                    extra={"exceptionClass": ["SnapshotDoesNotExistException", "OperationFailedException"]},
                )
            weka.restore_snapshot(user.identity, uid)
            return ok(self._encode_snapshots(weka, [weka.snapshot(uid)])[0])

    def upload_snapshot(self, request: Request) -> Response:
        """`{obs_site}` -> `{locator, extra}`. The simulator mints the locator when the upload finishes, so
        it is empty here; poll the snapshot for it (the real API may know it at once, §12.2)."""
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        site = (body.optional_string("obs_site") or "LOCAL").upper()
        uid = request.path_params["uid"]
        with self.weka("Snapshot") as (_, weka):
            snap = weka.upload_snapshot(user.identity, uid, site)
            task = next(
                (
                    t
                    for t in weka.tasks()
                    if t.type == "STOW_UPLOAD" and t.filesystem_uid == snap.filesystem_uid
                ),
                None,
            )
        return ok({"locator": snap.locator, "extra": {"task_id": task.id} if task else {}})
