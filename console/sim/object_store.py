"""The object store the simulated WEKA clusters upload to: buckets shared between sites.

A WEKA cluster names an object-store bucket locally (`obs-dr`, `obs-cloud`), but the bytes live in a real
bucket on an S3 endpoint (`weka-prod-dr` on `s3.eu-west-1.amazonaws.com`). Two clusters that attach the
same endpoint and bucket see the same objects, whatever each calls it: that is the bridge WEKA
snap-to-object builds between sites (reference/weka.md §12): on-prem uploads a snapshot to its *remote*
bucket, the cloud cluster, whose *local* bucket is the same one, creates a filesystem from the upload's
locator. So uploads are recorded here by (endpoint, bucket), not in the cluster that made them.

One `ObjectStore` is shared by the simulators of a demo's sites (`rwc --demo`, `rwc sim serve`); a lone
simulator gets its own. Each simulator holds only its own lock, and the sites step in different threads,
so this keeps its own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from console.sim.weka_state import LocatorRecord


@dataclass(frozen=True, slots=True)
class BucketAddress:
    """Where a bucket's objects are: the S3 endpoint's host name and the bucket's name there."""

    hostname: str
    bucket: str

    def __str__(self) -> str:
        return f"{self.bucket} on {self.hostname}"


class ObjectStore:
    """Uploaded snapshots (by locator) per bucket address, as every cluster attached to it sees them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[BucketAddress, dict[str, LocatorRecord]] = {}

    def put(self, address: BucketAddress, record: LocatorRecord) -> None:
        """An upload finished: its objects, under its locator, are in the bucket for every reader."""
        with self._lock:
            self._buckets.setdefault(address, {})[record.locator] = record

    def get(self, address: BucketAddress, locator: str) -> LocatorRecord | None:
        with self._lock:
            return self._buckets.get(address, {}).get(locator)

    def remove(self, locator: str) -> None:
        """The uploading cluster deleted the snapshot's objects (it does so only in its local bucket)."""
        with self._lock:
            for records in self._buckets.values():
                records.pop(locator, None)

    def where(self, locator: str) -> BucketAddress | None:
        """Which bucket holds `locator`, to say so when someone looks for it in the wrong one."""
        with self._lock:
            for address, records in self._buckets.items():
                if locator in records:
                    return address
        return None

    def records(self, address: BucketAddress) -> list[LocatorRecord]:
        with self._lock:
            return list(self._buckets.get(address, {}).values())
