"""Filesystems on the WEKA face (§10, §13): list, read, create, resize, delete, attach and detach their
object-store buckets, and create one from an uploaded snapshot; and the groups and buckets they use."""

from __future__ import annotations

from typing import Any

from console.model import Filesystem, FilesystemFromSnapshotSpec, FilesystemSpec
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.weka.auth import Handlers
from console.sim.http.weka.common import RequestBody, bad_request, ok
from console.sim.weka import WekaSim
from console.wire import weka as wire


class Filesystems(Handlers):
    """`/fileSystems` and what hangs off it, `/fileSystemGroups` and `/objectStoreBuckets`."""

    def _encode_filesystems(self, weka: WekaSim, filesystems: list[Filesystem]) -> list[dict[str, Any]]:
        group_uids = {group.name: group.uid for group in weka.filesystem_groups()}
        buckets = {bucket.name: bucket for bucket in weka.buckets()}
        return [wire.filesystem_json(fs, group_uids, buckets) for fs in filesystems]

    def list_filesystems(self, request: Request) -> Response:
        """CSI's filters (`name`, `group_name`) are honoured; clients re-filter anyway (§3.3)."""
        self.authorize(request)
        name, group = request.param("name"), request.param("group_name")
        with self.weka() as (_, weka):
            chosen = [
                fs
                for fs in weka.filesystems()
                if (name is None or fs.name == name) and (group is None or fs.group_name == group)
            ]
            return ok(self._encode_filesystems(weka, chosen))

    def get_filesystem(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka("Filesystem") as (_, weka):
            return ok(self._encode_filesystems(weka, [weka.filesystem(request.path_params["uid"])])[0])

    def create_filesystem(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        body.require("name", "group_name", "total_capacity")
        body.reject("thin_provision_min_ssd", "thin_provision_max_ssd", "data_reduction")
        spec = FilesystemSpec(
            name=body.string("name"),
            group_name=body.string("group_name"),
            total_capacity_bytes=body.capacity("total_capacity"),
            ssd_capacity_bytes=body.capacity("ssd_capacity")
            if body.get("ssd_capacity") is not None
            else None,
            encrypted=body.flag("encrypted"),
            obs_bucket=body.optional_string("obs_name"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_filesystem(user.identity, spec)
            return ok(self._encode_filesystems(weka, [created])[0])

    def update_filesystem(self, request: Request) -> Response:
        """Resize: `total_capacity` and/or `ssd_capacity`; without `ssd_capacity` `WekaSim` keeps its rule."""
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        body.reject(
            "new_name", "thin_provision_min_ssd", "thin_provision_max_ssd", "auth_required", "max_files"
        )
        if body.get("total_capacity") is None and body.get("ssd_capacity") is None:
            raise bad_request(
                "Nothing to update: give total_capacity or ssd_capacity.", param="total_capacity"
            )
        uid = request.path_params["uid"]
        with self.weka("Filesystem") as (_, weka):
            current = weka.filesystem(uid)
            total = (
                body.capacity("total_capacity")
                if body.get("total_capacity") is not None
                else current.total_budget_bytes
            )
            ssd = body.capacity("ssd_capacity") if body.get("ssd_capacity") is not None else None
            resized = weka.resize_filesystem(user.identity, uid, total, ssd)
            return ok(self._encode_filesystems(weka, [resized])[0])

    def delete_filesystem(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        if (request.param("purge_from_obs") or "false").lower() == "true":
            raise bad_request("purge_from_obs is not supported by the simulator.", param="purge_from_obs")
        with self.weka("Filesystem") as (_, weka):
            weka.delete_filesystem(user.identity, request.path_params["uid"])
        return ok(None)

    def attach_bucket(self, request: Request) -> Response:
        """`{obs_name, obs_mode}`: WRITABLE tiers the filesystem; remote attach is not simulated."""
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        body.require("obs_name")
        mode = (body.optional_string("obs_mode") or "WRITABLE").upper()
        if mode != "WRITABLE":
            raise bad_request(
                f"obs_mode {mode} is not supported by the simulator; attach WRITABLE buckets.",
                param="obs_mode",
            )
        with self.weka("Filesystem") as (_, weka):
            tiered = weka.set_filesystem_tiering(
                user.identity, request.path_params["uid"], body.string("obs_name")
            )
            return ok(self._encode_filesystems(weka, [tiered])[0])

    def detach_bucket(self, request: Request) -> Response:
        """Detaching the WRITABLE bucket un-tiers the filesystem; answers the OBS_DETACH task id (§13)."""
        user = self.authorize(request, write=True)
        uid, obs_uid = request.path_params["uid"], request.path_params["obs_uid"]
        with self.weka("Filesystem") as (_, weka):
            fs = weka.filesystem(uid)
            names = {bucket.uid: bucket.name for bucket in weka.buckets()}
            attached = {item.bucket_name: item.mode.value for item in fs.buckets}
            name = names.get(obs_uid)
            if name is None or name not in attached:
                raise HttpError(
                    404,
                    f"Object-store bucket {obs_uid} is not attached to filesystem {fs.name}.",
                    extra={
                        "exceptionClass": [
                            "ObjectStoreBucketDoesNotExistException",
                            "OperationFailedException",
                        ]
                    },
                )
            if attached[name] != "WRITABLE":
                raise bad_request(
                    "Detaching a remote bucket is not supported by the simulator.", param="obs_uid"
                )
            weka.set_filesystem_tiering(user.identity, uid, None)
            task = next(
                (t for t in weka.tasks() if t.type == "OBS_DETACH" and t.filesystem_uid == uid),
                None,
            )
        return ok(task.id if task else "")

    def download_filesystem(self, request: Request) -> Response:
        """`POST /fileSystems/download`: a filesystem from an uploaded snapshot's locator (§12.6)."""
        user = self.authorize(request, write=True)
        body = RequestBody.of(request)
        body.require("name", "group_name", "total_capacity", "ssd_capacity", "object_storage", "locator")
        body.reject("additional_object_storage")
        spec = FilesystemFromSnapshotSpec(
            name=body.string("name"),
            group_name=body.string("group_name"),
            total_capacity_bytes=body.capacity("total_capacity"),
            ssd_capacity_bytes=body.capacity("ssd_capacity"),
            obs_bucket=body.string("object_storage"),
            locator=body.string("locator"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_filesystem_from_snapshot(user.identity, spec)
            return ok(self._encode_filesystems(weka, [created])[0])

    def list_groups(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return ok([wire.group_json(index, group) for index, group in enumerate(weka.filesystem_groups())])

    def list_buckets(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return ok([wire.bucket_json(index, bucket) for index, bucket in enumerate(weka.buckets())])
