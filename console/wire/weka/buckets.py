"""Object-store buckets (§13): `GET /objectStoreBuckets`, the buckets a filesystem lists as attached
(`obs_buckets`, or the older `object_storages`; modes in any case), and the attach request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.data.unreadable import readable_items
from console.model import BucketMode, ObjectStoreBucket
from console.wire.weka.envelope import as_object, as_str, to_number


def _bandwidth_bytes(value: Any, where: str) -> int:
    """[UNSURE] reference §13: the 3.14 model has `bandwidth: {"_mbps": n}`; read as megabits/s (WEKA's CLI
    unit for it). A bare number is read the same way; no limit (absent, 0) is 0."""
    if value is None:
        return 0
    if isinstance(value, dict):
        value = value.get("_mbps", 0)
    number = to_number(value)
    if number is None or number <= 0:
        return 0  # unreadable or none: shown as no limit
    return round(number * 1_000_000 / 8)


def parse_bucket(raw: Any, index: int) -> ObjectStoreBucket:
    where = f"objectStoreBuckets[{index}]"
    raw = as_object(raw, where)
    return ObjectStoreBucket(
        uid=as_str(raw, "uid", where),
        name=as_str(raw, "name", where),
        obs_site=as_str(raw, "obs_site", where, default="local").lower(),
        bucket=as_str(raw, "bucket", where, default=""),
        hostname=as_str(raw, "hostname", where, default=""),
        status=as_str(raw, "status", where, default="UNKNOWN").upper(),
        bandwidth_bytes_per_second=_bandwidth_bytes(raw.get("bandwidth"), where),
    )


def parse_buckets(items: Iterable[Any]) -> list[ObjectStoreBucket]:
    return readable_items(items, parse_bucket, "object-store bucket")


def _bucket_mode(text: str) -> BucketMode | None:
    """WRITABLE tiers; REMOTE keeps snapshots; [UNSURE] READ_ONLY (a local bucket made read-only by a second
    one, §13) no longer tiers, so it shows as REMOTE. Unknown modes are left out."""
    mode = text.strip().upper()
    if mode == "WRITABLE":
        return BucketMode.WRITABLE
    if mode in ("REMOTE", "READ_ONLY"):
        return BucketMode.REMOTE
    return None


@dataclass(frozen=True, slots=True)
class AttachedBucketRef:
    """An attached bucket as `/fileSystems` lists it; `uid` is what the detach path takes."""

    uid: str
    name: str
    mode: BucketMode


def attached_buckets(raw: Mapping[str, Any], where: str) -> list[AttachedBucketRef]:
    items = raw.get("obs_buckets")
    if items is None:
        items = raw.get("object_storages")
    if not isinstance(items, list):
        return []
    result = []
    for index, item in enumerate(items):
        item_where = f"{where}.obs_buckets[{index}]"
        if not isinstance(item, dict):
            continue
        mode = _bucket_mode(as_str(item, "mode", item_where, default=""))
        name = as_str(item, "name", item_where, default="")
        if mode is None or not name:
            continue  # a bucket rwc cannot name or place is not shown as attached
        uid = as_str(item, "uid", item_where, default="") or as_str(item, "obsId", item_where, default="")
        result.append(AttachedBucketRef(uid, name, mode))
    return result


# -- request bodies ------------------------------------------------------------------------------------------


def attach_body(bucket_name: str) -> dict[str, Any]:
    """§13: attach as the WRITABLE (tiering) bucket."""
    return {"obs_name": bucket_name, "obs_mode": "WRITABLE"}


# -- encoding ------------------------------------------------------------------------------------------------


def bucket_json(index: int, bucket: ObjectStoreBucket) -> dict[str, Any]:
    """`secret_key` is never written (whether WEKA masks it is unknown, §13); `bandwidth` in Mbit/s as the
    3.14 model spells it (`{"_mbps": ...}`)."""
    return {
        "uid": bucket.uid,
        "id": f"ObsBucketId<{index}>",
        "name": bucket.name,
        "obs_name": "default" if bucket.obs_site == "local" else "remote_default",
        "obs_site": bucket.obs_site,
        "bucket": bucket.bucket,
        "hostname": bucket.hostname,
        "port": 443,
        "protocol": "HTTPS",
        "auth_method": "AWSSignature4",
        "region": "",
        "status": bucket.status,
        "status_upload": bucket.status,
        "status_download": bucket.status,
        "status_remove": bucket.status,
        "bandwidth": {"_mbps": bucket.bandwidth_bytes_per_second * 8 / 1_000_000},
    }
