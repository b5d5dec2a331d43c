"""The plan of a burst: a workload of one site, run on another, with the data it reads and writes carried
across through WEKA snap-to-object (issue 18, item 4; the reference architecture's "burst to cloud").

Pure (no Textual, no I/O): `read_burst` (in `burst_read`) asks both sites once, `burst_plan` decides, tests
call it with plain values. What it decides, before anything runs:

- **Which filesystems travel.** Every WEKA filesystem the workload's volumes are on (its claims, followed to
  csi-wekafs handles: `Backend.workload_mounts`). A volume that is not on WEKA, or could not be followed,
  does not travel and the plan says so; the copy on the target will not mount it.
- **Through which bucket.** A filesystem's snapshots upload to its attached buckets (WRITABLE = the local
  site, REMOTE = the DR copy). It can travel when one of them is, on the target, a *local* bucket: the same
  S3 endpoint and bucket name (`dr_plan.store_key`), since WEKA creates a filesystem from a local bucket
  only (reference/weka.md §12.6). The upload is incremental from the newest snapshot already in that bucket.
- **Under which names.** The filesystem keeps its name on the target when it is free there, else
  `<name>-<source site>`; each claim becomes `<claim>-<source site>` in the target project's namespace, bound
  to the new filesystem (at the same directory); the workload keeps its name unless the target project has
  one so named. Nothing on the target is ever overwritten: a taken name is a new name, said in the plan.
- **What is submitted.** The same type, image, command, arguments, GPU request, workers and
  preemptibility, in the project of the same name on the target, in that project's node pools (those with
  a quota there, most deserved first), mounting the new claims at the same paths.

A plan with `problems` cannot start (each says what is missing); `notes` are what the user should know.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.model import BucketMode, StowStatus, UploadSite
from console.model.runai import WorkloadSpec
from console.model.storage import VolumeSpec, WekaVolumeKind
from console.ui.dr_plan import bucket_words, newest_uploads, store_key

if TYPE_CHECKING:
    from console.model import Filesystem, FilesystemGroup, ObjectStoreBucket, Project, Snapshot
    from console.model.capacity import GpuCapacity
    from console.model.runai import Workload
    from console.model.storage import DataMount

MAX_KUBE_NAME = 63
"""A claim is a Kubernetes name: at most 63 characters (DNS-1123 label)."""
BURST_SNAPSHOT_PREFIX = "burst"


@dataclass(frozen=True, slots=True)
class SiteSide:
    """What the plan reads of one site (the source's workload-specific parts are on `BurstReading`)."""

    site: str
    filesystems: Sequence[Filesystem]
    snapshots: Sequence[Snapshot]
    buckets: Sequence[ObjectStoreBucket]
    groups: Sequence[FilesystemGroup] = ()


@dataclass(frozen=True, slots=True)
class BurstReading:
    """Both sites, read once: the workload and its volumes on the source, the landing on the target."""

    source: SiteSide
    target: SiteSide
    workload: Workload
    mounts: Sequence[DataMount]
    target_projects: Sequence[Project]
    target_workload_names: frozenset[tuple[str, str]]
    """(project, workload) names on the target, so the copy's name is free there."""
    target_gpus: GpuCapacity | None = None


@dataclass(frozen=True, slots=True)
class CarriedFilesystem:
    """One filesystem that travels: snapshot here, upload to `bucket`, create `target_name` there."""

    source: Filesystem
    upload_site: UploadSite
    bucket: ObjectStoreBucket
    """The source's name for the shared bucket (what the upload goes to)."""
    target_bucket: ObjectStoreBucket
    """The target's local bucket on the same object store (what the new filesystem is created from)."""
    target_name: str
    target_group: str
    previous_upload: Snapshot | None
    """The newest snapshot already in that bucket: the upload sends only what changed since it."""

    @property
    def total_capacity_bytes(self) -> int:
        return self.source.total_budget_bytes

    @property
    def ssd_capacity_bytes(self) -> int:
        return self.source.ssd_budget_bytes


@dataclass(frozen=True, slots=True)
class CarriedMount:
    """One volume of the workload as the copy mounts it: a claim bound to the carried filesystem."""

    source_claim: str
    claim: str
    filesystem: str
    """The target filesystem's name."""
    path: str
    """The directory inside it ("" for the whole filesystem), as on the source."""
    mount_path: str
    read_only: bool
    capacity_bytes: int


@dataclass(frozen=True, slots=True)
class BurstPlan:
    source_site: str
    target_site: str
    workload: Workload
    spec: WorkloadSpec | None
    """What the target is sent (None when the plan has problems that leave nothing to send)."""
    target_namespace: str
    filesystems: tuple[CarriedFilesystem, ...] = ()
    mounts: tuple[CarriedMount, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    data_only: bool = False
    """Carry the filesystems and stop (bring results back): no claims, no submit, no suspend."""

    @property
    def can_start(self) -> bool:
        if self.problems:
            return False
        return bool(self.filesystems) if self.data_only else self.spec is not None


def kube_slug(text: str) -> str:
    """Lower-case letters, digits and dashes: what a Kubernetes name may hold."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-") or "site"


def free_name(wanted: str, taken: Sequence[str] | frozenset[str], suffix: str) -> str:
    """`wanted` if free, else `wanted-<suffix>`, then `-2`, `-3`…"""
    if wanted not in taken:
        return wanted
    name, count = f"{wanted}-{suffix}", 2
    while name in taken:
        name, count = f"{wanted}-{suffix}-{count}", count + 1
    return name


def claim_name(claim: str, source_site: str) -> str:
    suffix = f"-{kube_slug(source_site)}"
    return f"{claim[: MAX_KUBE_NAME - len(suffix)].rstrip('-')}{suffix}"


def _upload_site(mode: BucketMode) -> UploadSite:
    return UploadSite.LOCAL if mode is BucketMode.WRITABLE else UploadSite.REMOTE


def _route(
    filesystem: Filesystem, reading: BurstReading
) -> tuple[UploadSite, ObjectStoreBucket, ObjectStoreBucket] | str:
    """How `filesystem` reaches the target: (upload site, source bucket, target bucket), or why it cannot."""
    source_buckets = {b.name: b for b in reading.source.buckets}
    target_local = {store_key(b): b for b in reading.target.buckets if b.obs_site == "local"}
    attached = sorted(filesystem.buckets, key=lambda a: a.mode is not BucketMode.REMOTE)  # the DR copy first
    for attachment in attached:
        bucket = source_buckets.get(attachment.bucket_name)
        if bucket is not None and store_key(bucket) in target_local:
            return _upload_site(attachment.mode), bucket, target_local[store_key(bucket)]
    if not attached:
        return (
            f"{filesystem.name} is not attached to any object-store bucket on {reading.source.site}: "
            f"nothing can carry it to {reading.target.site}"
        )
    target_remote = {store_key(b): b for b in reading.target.buckets if b.obs_site != "local"}
    for attachment in attached:
        bucket = source_buckets.get(attachment.bucket_name)
        if bucket is not None and store_key(bucket) in target_remote:
            there = target_remote[store_key(bucket)]
            # As the DR plan's first step says (console.ui.dr_steps.bucket_step): it needs the bucket's keys.
            return (
                f"{filesystem.name} uploads to {bucket_words(bucket)}, which {reading.target.site} attaches"
                f" only as a remote bucket ({there.name}); WEKA creates a filesystem from a local bucket"
                f" only, so add it there as a local one first (weka fs tier s3 add {there.name}-local"
                f" --site local --hostname {bucket.hostname} --bucket {bucket.bucket} …, with its keys)"
            )
    words = ", ".join(
        bucket_words(source_buckets[a.bucket_name]) if a.bucket_name in source_buckets else a.bucket_name
        for a in attached
    )
    return (
        f"{filesystem.name} uploads to {words}; {reading.target.site} has none of them as a local bucket, "
        "so it could not create a filesystem from the upload"
    )


def _group(filesystem: Filesystem, groups: Sequence[FilesystemGroup]) -> str:
    names = [g.name for g in groups]
    return filesystem.group_name if filesystem.group_name in names or not names else names[0]


def _node_pools(project: Project) -> tuple[str, ...]:
    quotas = sorted((q for q in project.quotas if q.deserved_gpus > 0), key=lambda q: -q.deserved_gpus)
    return tuple(q.node_pool for q in quotas)


def _spec(reading: BurstReading, project: Project, mounts: Sequence[CarriedMount]) -> WorkloadSpec:
    workload = reading.workload
    taken = frozenset(name for p, name in reading.target_workload_names if p == project.name)
    return WorkloadSpec(
        name=free_name(workload.name, taken, kube_slug(reading.source.site)),
        project_name=project.name,
        type=workload.type,
        image=workload.image,
        gpu_request=workload.gpu_request,
        command=workload.command,
        arguments=workload.arguments,
        node_pools=_node_pools(project),
        preemptible=workload.preemptible,
        workers=max(1, workload.requested_pods),
        volumes=tuple(VolumeSpec(m.claim, m.mount_path, m.read_only) for m in mounts),
    )


def burst_plan(reading: BurstReading, *, data_only: bool = False) -> BurstPlan:
    """Decide everything before anything runs; see the module docstring. `data_only`: carry the
    workload's filesystems and stop there (bringing a copy's results back), submitting nothing."""
    workload = reading.workload
    source, target = reading.source.site, reading.target.site
    problems: list[str] = []
    notes: list[str] = []
    project = next((p for p in reading.target_projects if p.name == workload.project_name), None)
    if data_only:
        project = None
    elif project is None:
        problems.append(
            f"{target} has no project {workload.project_name}: create it there (with a quota) first"
        )
    if workload.is_terminal and not data_only:
        notes.append(f"{workload.name} is {workload.phase.value} on {source}: the copy starts it afresh")

    by_name = {fs.name: fs for fs in reading.source.filesystems}
    target_names = [fs.name for fs in reading.target.filesystems]
    carried: dict[str, CarriedFilesystem] = {}
    mounts: list[CarriedMount] = []
    stuck: set[str] = set()  # filesystems that cannot travel (said once, however many volumes are on them)
    for mount in reading.mounts:
        location = mount.location
        if location is None:
            notes.append(
                f"claim {mount.claim} at {mount.mount_path} is not carried ({mount.note or 'not on WEKA'}); "
                "the copy does not mount it"
            )
            continue
        if location.kind is WekaVolumeKind.SNAPSHOT:
            notes.append(
                f"claim {mount.claim} is a snapshot volume ({location.describe()}); snapshots are not carried"
            )
            continue
        filesystem = by_name.get(location.filesystem)
        if filesystem is None:
            problems.append(f"claim {mount.claim} is on {location.filesystem}, which {source} does not list")
            continue
        if filesystem.name in stuck:
            continue
        if filesystem.name not in carried:
            route = _route(filesystem, reading)
            if isinstance(route, str):
                problems.append(route)
                stuck.add(filesystem.name)
                continue
            upload_site, bucket, target_bucket = route
            name = free_name(filesystem.name, target_names, kube_slug(source))
            target_names.append(name)
            if name != filesystem.name:
                notes.append(f"{target} has a filesystem {filesystem.name}: the copy is {name}")
            previous = newest_uploads(filesystem, reading.source.snapshots).get(bucket.name)
            carried[filesystem.name] = CarriedFilesystem(
                filesystem,
                upload_site,
                bucket,
                target_bucket,
                name,
                _group(filesystem, reading.target.groups),
                previous[0] if previous is not None else None,
            )
        target_fs = carried[filesystem.name]
        mounts.append(
            CarriedMount(
                mount.claim,
                claim_name(mount.claim, source),
                target_fs.target_name,
                location.path,
                mount.mount_path,
                mount.read_only,
                filesystem.total_budget_bytes,
            )
        )
    if data_only:
        if not carried and not problems:
            problems.append(
                f"{workload.name} mounts no WEKA filesystem rwc can see: there is no data to carry"
            )
        return BurstPlan(
            source,
            target,
            workload,
            None,
            "",
            tuple(carried.values()),
            (),
            tuple(problems),
            tuple(notes),
            data_only=True,
        )
    if not reading.mounts:
        notes.append(
            f"{workload.name} mounts no claims rwc can see (neither its pods nor its spec name one; Run:ai"
            " data-source assets are not followed): only the workload is submitted"
        )
    if any(not m.read_only for m in mounts):
        notes.append(
            "what the copy writes stays on "
            f"{target}; bring it back with a burst of those filesystems the other way"
        )
    spec = _spec(reading, project, mounts) if project is not None else None
    if spec is not None and spec.name != workload.name:
        notes.append(f"{target}'s project {spec.project_name} has a {workload.name}: the copy is {spec.name}")
    return BurstPlan(
        source,
        target,
        workload,
        spec,
        project.namespace if project is not None else "",
        tuple(carried.values()),
        tuple(mounts),
        tuple(problems),
        tuple(notes),
    )


def is_uploaded(snapshot: Snapshot, site: UploadSite) -> bool:
    """Whether `snapshot` is SYNCHRONIZED at `site` (a locator to create from)."""
    for upload in snapshot.uploads:
        if upload.site == site.value:
            return upload.status is StowStatus.SYNCHRONIZED and bool(upload.locator)
    return not snapshot.uploads and snapshot.stow_status is StowStatus.SYNCHRONIZED and bool(snapshot.locator)
