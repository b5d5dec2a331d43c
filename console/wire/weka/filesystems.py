"""Filesystems and filesystem groups (§10, §11): `GET /fileSystems` and `/fileSystemGroups` read and
written, and the create, resize and download-from-snapshot requests.

A filesystem is unreadable without its `uid`, `name` and its four capacity figures (a row of zeros would be
a lie on the screen that exists to show them); a group without its tiering policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.unreadable import readable_items
from console.model import (
    AttachedBucket,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    FilesystemSpec,
    ObjectStoreBucket,
)
from console.wire.weka.buckets import attached_buckets
from console.wire.weka.envelope import as_bool, as_int, as_object, as_str


def parse_group(raw: Any, index: int) -> FilesystemGroup:
    where = f"fileSystemGroups[{index}]"
    raw = as_object(raw, where)
    return FilesystemGroup(
        uid=as_str(raw, "uid", where),
        name=as_str(raw, "name", where),
        target_ssd_retention_seconds=max(0, as_int(raw, "target_ssd_retention", where)),
        start_demote_seconds=max(0, as_int(raw, "start_demote", where)),
    )


def parse_groups(items: Iterable[Any]) -> list[FilesystemGroup]:
    return readable_items(items, parse_group, "filesystem group")


@dataclass(frozen=True, slots=True)
class SnapshotSummary:
    """What a filesystem's domain object needs from its snapshots (not in `/fileSystems`)."""

    count: int = 0
    last_uploaded_at: datetime | None = None


def _status_from_flags(raw: Mapping[str, Any], where: str) -> str:
    if as_bool(raw, "is_removing", where, default=False):
        return "REMOVING"
    if as_bool(raw, "is_creating", where, default=False):
        return "CREATING"
    return "READY" if as_bool(raw, "is_ready", where, default=True) else "CREATING"


def parse_filesystem(raw: Any, index: int, summary: SnapshotSummary) -> Filesystem:
    """§10.2. `used_object_bytes` is the object-only data (`used_total - used_ssd`): REST has no key for
    the object tier's usage, so data on both tiers counts on SSD only (the demo counts it on both)."""
    where = f"fileSystems[{index}]"
    raw = as_object(raw, where)
    status = as_str(raw, "status", where, default="") or _status_from_flags(raw, where)
    used_total = max(0, as_int(raw, "used_total", where))
    used_ssd = max(0, as_int(raw, "used_ssd", where))
    return Filesystem(
        uid=as_str(raw, "uid", where),
        id=as_str(raw, "id", where, default=""),
        name=as_str(raw, "name", where),
        group_name=as_str(raw, "group_name", where, default=""),
        status=status,
        is_ready=as_bool(raw, "is_ready", where, default=status == "READY"),
        is_creating=as_bool(raw, "is_creating", where, default=status == "CREATING"),
        is_removing=as_bool(raw, "is_removing", where, default=status == "REMOVING"),
        is_encrypted=as_bool(raw, "is_encrypted", where, default=False),
        total_budget_bytes=max(0, as_int(raw, "total_budget", where)),
        ssd_budget_bytes=max(0, as_int(raw, "ssd_budget", where)),
        used_total_bytes=used_total,
        used_ssd_bytes=used_ssd,
        used_object_bytes=max(0, used_total - used_ssd),
        buckets=tuple(AttachedBucket(ref.name, ref.mode) for ref in attached_buckets(raw, where)),
        snapshot_count=summary.count,
        last_uploaded_snapshot_at=summary.last_uploaded_at,
    )


def parse_filesystems(items: Iterable[Any], summaries: Mapping[str, SnapshotSummary]) -> list[Filesystem]:
    """The readable filesystems of a list, each with its snapshots' summary (by uid)."""
    empty = SnapshotSummary()

    def parse(raw: Any, index: int) -> Filesystem:
        uid = raw.get("uid") if isinstance(raw, dict) else None
        return parse_filesystem(raw, index, summaries.get(uid, empty) if isinstance(uid, str) else empty)

    return readable_items(items, parse, "filesystem")


# -- request bodies ------------------------------------------------------------------------------------------


def filesystem_create_body(spec: FilesystemSpec) -> dict[str, Any]:
    """§10.3. No `ssd_capacity` means SSD-only; `encrypted` is sent as asked (a real cluster needs a KMS)."""
    body: dict[str, Any] = {
        "name": spec.name,
        "group_name": spec.group_name,
        "total_capacity": spec.total_capacity_bytes,
    }
    if spec.ssd_capacity_bytes is not None:
        body["ssd_capacity"] = spec.ssd_capacity_bytes
    if spec.obs_bucket:
        body["obs_name"] = spec.obs_bucket
    if spec.encrypted:
        body["encrypted"] = True
    return body


def filesystem_resize_body(total_capacity_bytes: int, ssd_capacity_bytes: int | None) -> dict[str, Any]:
    """§10.4: send only what changes."""
    body: dict[str, Any] = {"total_capacity": total_capacity_bytes}
    if ssd_capacity_bytes is not None:
        body["ssd_capacity"] = ssd_capacity_bytes
    return body


def filesystem_download_body(spec: FilesystemFromSnapshotSpec) -> dict[str, Any]:
    """§12.6 (3.14 keys)."""
    return {
        "name": spec.name,
        "group_name": spec.group_name,
        "total_capacity": spec.total_capacity_bytes,
        "ssd_capacity": spec.ssd_capacity_bytes,
        "object_storage": spec.obs_bucket,
        "locator": spec.locator,
    }


# -- encoding ------------------------------------------------------------------------------------------------


def group_json(index: int, group: FilesystemGroup) -> dict[str, Any]:
    return {
        "uid": group.uid,
        "id": f"FSGroupId<{index}>",
        "name": group.name,
        "target_ssd_retention": group.target_ssd_retention_seconds,
        "start_demote": group.start_demote_seconds,
    }


def filesystem_json(
    fs: Filesystem, group_uids: Mapping[str, str], buckets: Mapping[str, ObjectStoreBucket]
) -> dict[str, Any]:
    """snake_case keys of §10.2. WEKA has no REST key for object-tier usage, so none is invented."""
    attached = []
    for item in fs.buckets:
        bucket = buckets.get(item.bucket_name)
        attached.append(
            {
                "uid": bucket.uid if bucket else "",
                "name": item.bucket_name,
                "obsId": bucket.uid if bucket else "",
                "mode": item.mode.value,
                "state": "ENABLED",
                "status": bucket.status if bucket else "UNKNOWN",
            }
        )
    free_total = max(0, fs.total_budget_bytes - fs.used_total_bytes)
    free_ssd = max(0, fs.ssd_budget_bytes - fs.used_ssd_bytes)
    return {
        "uid": fs.uid,
        "id": fs.id,
        "name": fs.name,
        "group_id": group_uids.get(fs.group_name, ""),
        "group_name": fs.group_name,
        "status": fs.status,
        "is_ready": fs.is_ready,
        "is_creating": fs.is_creating,
        "is_removing": fs.is_removing,
        "is_encrypted": fs.is_encrypted,
        "auth_required": False,
        "total_budget": fs.total_budget_bytes,
        "ssd_budget": fs.ssd_budget_bytes,
        "used_total": fs.used_total_bytes,
        "used_total_data": fs.used_total_bytes,
        "used_ssd": fs.used_ssd_bytes,
        "used_ssd_data": fs.used_ssd_bytes,
        "used_ssd_metadata": 0,
        "free_total": free_total,
        "free_ssd": free_ssd,
        "available_total": free_total,
        "available_ssd": free_ssd,
        "obs_buckets": attached,
    }
