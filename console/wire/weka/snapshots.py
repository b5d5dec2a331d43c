"""Snapshots and their uploads to object stores (§12): `GET /snapshots` read and written, the create and
upload requests, and the per-filesystem summary a `Filesystem` carries.

Per-site `localStowInfo`/`remoteStowInfo` when present, else the flat `stowStatus`/`progress`/`locator`
(§12.1, open question 2); `filesystemUid` or the older `fileSystemUid`. A snapshot is unreadable without its
`uid`, `name`, filesystem uid and creation time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.unreadable import readable_items
from console.model import Snapshot, SnapshotSpec, SnapshotUpload, StowStatus, UploadSite
from console.wire.weka.envelope import (
    as_bool,
    as_object,
    as_str,
    bad_type,
    format_time,
    parse_time,
    require,
    to_number,
)
from console.wire.weka.filesystems import SnapshotSummary


@dataclass(frozen=True, slots=True)
class SiteStow:
    status: StowStatus
    progress: float | None
    locator: str
    total_bytes: int | None = None
    done_bytes: int | None = None


UPLOAD_SIZE_KEY = "uploadSize"
UPLOADED_SIZE_KEY = "uploadedSize"
"""[UNSURE] Bytes of an upload in a `...StowInfo` block: the CLI lists each site's upload size (reference
§12.1, "local/remote upload size"); the REST key names are not documented, so these are the simulator's
and the client reads them when present. Without them an upload has a percent only."""


def _bytes(value: Any) -> int | None:
    number = to_number(value)
    return int(number) if number is not None and number >= 0 else None


def _stow_status(text: str, where: str) -> StowStatus:
    try:
        return StowStatus(text.strip().upper())
    except ValueError:
        # [UNSURE] reference §12.1, "others possible": an unknown state shows as no upload.
        return StowStatus.NONE


def _progress(value: Any) -> float | None:
    """`"33%"`, `"N/A"`, `33`, `33.3` -> 33.0 / None."""
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if not text or text.upper() == "N/A":
            return None
        return to_number(text)
    return to_number(value)


def _site_stow(block: Any, where: str) -> SiteStow:
    block = block if isinstance(block, dict) else {}
    status = _stow_status(as_str(block, "stowStatus", where, default="NONE"), where)
    progress = _progress(block.get("stowProgress", block.get("progress")))
    if status is StowStatus.NONE:
        progress = None
    if progress is not None and not 0 <= progress <= 100:
        progress = None  # not a percentage: unknown
    total, done = _bytes(block.get(UPLOAD_SIZE_KEY)), _bytes(block.get(UPLOADED_SIZE_KEY))
    if total is None or done is None or done > total:
        total = done = None  # both or neither: a half-known upload is shown by its percent
    return SiteStow(status, progress, as_str(block, "locator", where, default=""), total, done)


def snapshot_sites(raw: Mapping[str, Any], where: str) -> dict[str, SiteStow] | None:
    """Per-site upload state, or None when the answer has only the flat keys."""
    local, remote = raw.get("localStowInfo"), raw.get("remoteStowInfo")
    if local is None and remote is None:
        return None
    sites: dict[str, SiteStow] = {}
    if local is not None:
        sites[UploadSite.LOCAL] = _site_stow(local, f"{where}.localStowInfo")
    if remote is not None:
        sites[UploadSite.REMOTE] = _site_stow(remote, f"{where}.remoteStowInfo")
    return sites


SITES = tuple(UploadSite)
"""Upload sites in the order the domain prefers them (an upload's `obs_site`, upper case)."""


def public_site(sites: Mapping[str, Any]) -> str | None:
    """The site whose upload state the domain's one `stow_status` shows, of per-site states (anything with
    a `status`): an upload in flight (local first), then a synchronized copy (local first), else none.
    [UNSURE] reference §12.1: with uploads in flight to both sites, the local one is shown. The simulator's
    `SnapState.public_stow` chooses with this too."""
    for wanted in (StowStatus.UPLOADING, StowStatus.SYNCHRONIZED):
        for site in SITES:
            info = sites.get(site)
            if info is not None and info.status is wanted:
                return site
    return None


def _public_stow(sites: Mapping[str, SiteStow]) -> SiteStow:
    site = public_site(sites)
    return sites[site] if site is not None else SiteStow(StowStatus.NONE, None, "")


def parse_snapshot(raw: Any, index: int = 0) -> tuple[Snapshot, bool]:
    """The snapshot and whether any site holds a synchronized upload of it."""
    where = f"snapshots[{index}]"
    raw = as_object(raw, where)
    sites = snapshot_sites(raw, where)
    uploads: tuple[SnapshotUpload, ...] = ()
    if sites is None:
        status = _stow_status(as_str(raw, "stowStatus", where, default="NONE"), where)
        progress = None if status is StowStatus.NONE else _progress(raw.get("progress"))
        if progress is not None and not 0 <= progress <= 100:
            progress = None  # not a percentage: unknown
        public = SiteStow(status, progress, as_str(raw, "locator", where, default=""))
        uploaded = status is StowStatus.SYNCHRONIZED
    else:
        public = _public_stow(sites)
        uploaded = any(info.status is StowStatus.SYNCHRONIZED for info in sites.values())
        uploads = tuple(
            SnapshotUpload(site, info.status, info.progress, info.locator, info.total_bytes, info.done_bytes)
            for site in SITES
            if (info := sites.get(site)) is not None and info.status is not StowStatus.NONE
        )
    fs_uid = raw.get("filesystemUid") or raw.get("fileSystemUid")
    if not isinstance(fs_uid, str) or not fs_uid:
        require(raw, "filesystemUid", where)
        raise bad_type(where, "filesystemUid", "a string", fs_uid)
    snapshot = Snapshot(
        uid=as_str(raw, "uid", where),
        id=as_str(raw, "id", where, default=""),
        name=as_str(raw, "name", where),
        filesystem_uid=fs_uid,
        filesystem_name=as_str(raw, "filesystem", where, default=""),
        access_point=as_str(raw, "accessPoint", where, default=""),
        is_writable=as_bool(raw, "isWritable", where, default=False),
        is_removing=as_bool(raw, "isRemoving", where, default=False),
        created_at=parse_time(require(raw, "creationTime", where), f"{where}.creationTime"),
        stow_status=public.status,
        upload_progress_percent=public.progress,
        locator=public.locator,
        uploads=uploads,
    )
    return snapshot, uploaded


def parse_snapshots(items: Iterable[Any]) -> list[tuple[Snapshot, bool]]:
    """The readable snapshots of a list, each with whether a site holds a synchronized upload of it."""
    return readable_items(items, parse_snapshot, "snapshot")


def summarize_snapshots(readings: Iterable[tuple[Snapshot, bool]]) -> dict[str, SnapshotSummary]:
    """Per filesystem uid: how many snapshots, and the creation time of the newest uploaded one."""
    counts: dict[str, int] = {}
    newest: dict[str, datetime] = {}
    for snapshot, uploaded in readings:
        uid = snapshot.filesystem_uid
        counts[uid] = counts.get(uid, 0) + 1
        if uploaded and (uid not in newest or snapshot.created_at > newest[uid]):
            newest[uid] = snapshot.created_at
    return {uid: SnapshotSummary(count, newest.get(uid)) for uid, count in counts.items()}


# -- request bodies ------------------------------------------------------------------------------------------


def snapshot_create_body(spec: SnapshotSpec) -> dict[str, Any]:
    """§12.2."""
    body: dict[str, Any] = {"fs_uid": spec.filesystem_uid, "name": spec.name, "is_writable": spec.is_writable}
    if spec.access_point:
        body["access_point"] = spec.access_point
    return body


def upload_body(site: str) -> dict[str, Any]:
    """§12.2: `obs_site` LOCAL or REMOTE (an `UploadSite`, or its value in any case)."""
    return {"obs_site": site.upper()}


# -- encoding ------------------------------------------------------------------------------------------------


PER_SITE_STOW_SINCE = (4, 0, 5)
"""[UNSURE] reference §12.1 (open question 2): snapshots carry `localStowInfo`/`remoteStowInfo` from the
4.0.5 CLI JSON on, the flat `stowStatus`/`progress`/`locator` before (3.14 spec, CSI). `snapshot_json`
writes the shape of the release; `parse_snapshot` reads both."""


def per_site_stow(release: str) -> bool:
    """Whether a cluster of `release` writes the per-site snapshot blocks (`PER_SITE_STOW_SINCE`)."""
    parts = [int(part) if part.isdigit() else 0 for part in release.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts))) >= PER_SITE_STOW_SINCE


def _stow_block(upload: SnapshotUpload | None) -> dict[str, Any]:
    """One site's `...StowInfo` as the CLI prints it: progress as text (`"33%"`, `"N/A"`)."""
    if upload is None:
        return {"stowStatus": StowStatus.NONE.value, "stowProgress": "N/A", "locator": ""}
    progress = "N/A" if upload.progress_percent is None else f"{upload.progress_percent:g}%"
    block: dict[str, Any] = {
        "stowStatus": upload.status.value,
        "stowProgress": progress,
        "locator": upload.locator,
    }
    if upload.total_bytes is not None and upload.done_bytes is not None:
        block[UPLOAD_SIZE_KEY] = upload.total_bytes
        block[UPLOADED_SIZE_KEY] = upload.done_bytes
    return block


def snapshot_json(snap: Snapshot, filesystem_id: str, *, per_site: bool) -> dict[str, Any]:
    """camelCase keys of §12.1, with the upload state in one shape (`PER_SITE_STOW_SINCE`): the per-site
    blocks from `snap.uploads`, or the flat `stowStatus`/`progress`/`locator` of `public_upload`'s site."""
    body: dict[str, Any] = {
        "uid": snap.uid,
        "id": snap.id,
        "name": snap.name,
        "filesystem": snap.filesystem_name,
        "filesystemId": filesystem_id,
        "filesystemUid": snap.filesystem_uid,
        "accessPoint": snap.access_point,
        "isWritable": snap.is_writable,
        "isRemoving": snap.is_removing,
        "creationTime": format_time(snap.created_at),
    }
    if per_site:
        sites = {upload.site: upload for upload in snap.uploads}
        synced = [upload for upload in snap.uploads if upload.status is StowStatus.SYNCHRONIZED]
        body["multiObs"] = len(synced) > 1
        body["localStowInfo"] = _stow_block(sites.get(UploadSite.LOCAL))
        body["remoteStowInfo"] = _stow_block(sites.get(UploadSite.REMOTE))
    else:
        body["stowStatus"] = snap.stow_status.value
        body["progress"] = snap.upload_progress_percent if snap.upload_progress_percent is not None else 0
        body["locator"] = snap.locator
    return body
