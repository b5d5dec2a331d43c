"""The steps of one DR restore, as a dry run: what to run on which site, with the REST call and the `weka`
CLI command for each (reference/weka.md, sections cited per step). Nothing here sends anything.

1. The bucket the copy is in must be a *local* bucket on the restoring site: WEKA creates a filesystem
   from a local bucket only (§12.6; §13 for adding one, `POST /objectStoreBuckets`).
2. Create `<name>-restore` from the snapshot's locator (`POST /fileSystems/download`, §12.6, the body
   `console.wire.weka.filesystems.filesystem_download_body` sends; CLI `weka fs download`, §17); it runs as
   the background task `STOW_DOWNLOAD_FILESYSTEM` and is ready when that ends (§16).
3. Mount it for the workloads that used it: each one's claim, bound there to a csi-wekafs volume of the new
   filesystem (`weka/v2/<filesystem>`, `console.wire.csi_wekafs`), and the workload submitted with it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.ui.data_path import mounting_workloads

if TYPE_CHECKING:
    from console.model import Filesystem, FilesystemGroup, ObjectStoreBucket, Snapshot
    from console.model.storage import WorkloadMount

RESTORE_SUFFIX = "-restore"
TIB = 1024**4
GIB = 1024**3


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step: where it runs, what it does in words, and the calls that would do it."""

    site: str
    title: str
    notes: tuple[str, ...] = ()
    rest: tuple[str, ...] = ()
    """`METHOD /path` then its JSON body, one call after another."""
    cli: tuple[str, ...] = ()


def cli_size(size_bytes: int) -> str:
    """A capacity as the `weka` CLI takes it: `100TiB`, `512GiB`, else bytes."""
    for unit, name in ((TIB, "TiB"), (GIB, "GiB")):
        if size_bytes and size_bytes % unit == 0:
            return f"{size_bytes // unit}{name}"
    return f"{size_bytes}B"


def _body(method_path: str, body: dict[str, object]) -> tuple[str, ...]:
    return (method_path, json.dumps(body, indent=None))


def restore_name(filesystem: str, taken: Sequence[str]) -> str:
    """`<name>-restore`, or `-restore-2`… when the restoring site already has one so named."""
    name = f"{filesystem}{RESTORE_SUFFIX}"
    count = 2
    while name in taken:
        name = f"{filesystem}{RESTORE_SUFFIX}-{count}"
        count += 1
    return name


def bucket_step(site: str, bucket: ObjectStoreBucket) -> PlanStep:
    where = f"{bucket.bucket} on {bucket.hostname}"
    if bucket.obs_site == "local":
        return PlanStep(
            site,
            f"bucket {bucket.name} ({where}) is a local bucket here: nothing to add",
            (f"check it is UP (now {bucket.status}): GET /objectStoreBuckets (§13)",),
            cli=("weka fs tier s3",),
        )
    name = f"{bucket.name}-local"
    return PlanStep(
        site,
        f"add {where} as a local bucket {name} (it is remote here, and WEKA restores from local only)",
        ("use the credentials of the remote bucket; WEKA does not return them (§13)",),
        rest=_body(
            "POST /objectStoreBuckets",
            {
                "name": name,
                "obs_name": "default",
                "obs_site": "local",
                "bucket": bucket.bucket,
                "hostname": bucket.hostname,
                "access_key_id": "<key id>",
                "secret_key": "<secret>",
            },
        ),
        cli=(
            f"weka fs tier s3 add {name} --site local --obs-name default "
            f"--hostname {bucket.hostname} --bucket {bucket.bucket} …",
        ),  # fmt: skip
    )


def _group(filesystem: Filesystem, groups: Sequence[FilesystemGroup] | None) -> tuple[str, str]:
    """The group to create it in, and a note when it is not the filesystem's own."""
    if groups is None:
        return filesystem.group_name, f"group {filesystem.group_name}: the site's groups were not read"
    names = [group.name for group in groups]
    if filesystem.group_name in names or not names:
        return filesystem.group_name, ""
    return names[0], f"no group {filesystem.group_name} there: created in {names[0]}"


def restore_steps(
    filesystem: Filesystem,
    snapshot: Snapshot,
    locator: str,
    bucket: ObjectStoreBucket,
    site: str,
    *,
    target_groups: Sequence[FilesystemGroup] | None,
    target_filesystems: Sequence[str],
    mounts: Sequence[WorkloadMount] | None,
) -> tuple[PlanStep, ...]:
    """The dry run of restoring `filesystem` at `site` from `snapshot` (its upload at `locator`), read from
    the restoring site's `bucket`; `mounts` are the filesystem's own site's (None: not read)."""
    name = restore_name(filesystem.name, target_filesystems)
    obs = bucket.name if bucket.obs_site == "local" else f"{bucket.name}-local"
    group, group_note = _group(filesystem, target_groups)
    total, ssd = filesystem.total_budget_bytes, filesystem.ssd_budget_bytes
    notes = [
        f"from snapshot {snapshot.name} of {filesystem.name}, taken {snapshot.created_at:%Y-%m-%d %H:%M} UTC",
        "runs as task STOW_DOWNLOAD_FILESYSTEM; ready when it ends: GET /tasks, GET /fileSystems (§16)",
        "quotas are not carried over; encrypted data needs the same KMS key (§12.6)",
    ]
    if group_note:
        notes.insert(1, group_note)
    create = PlanStep(
        site,
        f"create filesystem {name} from the locator",
        tuple(notes),
        rest=_body(
            "POST /fileSystems/download",
            {
                "name": name,
                "group_name": group,
                "total_capacity": total,
                "ssd_capacity": ssd,
                "object_storage": obs,
                "locator": locator,
            },
        ),
        cli=(f"weka fs download {name} {group} {cli_size(total)} {cli_size(ssd)} {obs} {locator}",),
    )
    return (bucket_step(site, bucket), create, mount_step(site, filesystem.name, name, mounts))


def mount_step(site: str, source: str, name: str, mounts: Sequence[WorkloadMount] | None) -> PlanStep:
    """Which workloads used the filesystem, and how each gets the restored one."""
    if mounts is None:
        return PlanStep(
            site, f"mount {name} for the workloads that used {source}", ("who mounts it: not read",)
        )
    users = mounting_workloads(source, mounts)
    if not users:
        return PlanStep(site, f"mount {name}: no workload mounts {source} now", ())
    notes = tuple(
        f"{m.project_name}/{m.workload_name}: claim {m.mount.claim} at {m.mount.mount_path}"
        f" ({'ro' if m.mount.read_only else 'rw'})"
        for m in users
    )
    claims = sorted({m.mount.claim for m in users})
    return PlanStep(
        site,
        f"mount {name} for the {len(users)} workload{'s' if len(users) != 1 else ''} that used {source}",
        (*notes, f"each claim bound to a csi.weka.io volume with handle weka/v2/{name}; then submit there"),
        rest=tuple(
            f"POST /api/v1/persistentvolumes  (csi.volumeHandle weka/v2/{name}, for {c})" for c in claims
        ),
        cli=tuple(
            f"kubectl apply -f pv-{c}.yaml  # csi.weka.io, volumeHandle weka/v2/{name}" for c in claims
        ),
    )


def steps_text(steps: Sequence[PlanStep]) -> list[str]:
    """The numbered steps as plain lines (the Enter view, and what `ctrl+s` saves)."""
    lines: list[str] = []
    for number, step in enumerate(steps, 1):
        lines.append(f"{number}. on {step.site}: {step.title}")
        lines.extend(f"   - {note}" for note in step.notes)
        if step.rest:
            lines.append("   REST:")
            lines.extend(f"     {call}" for call in step.rest)
        if step.cli:
            lines.append("   CLI:")
            lines.extend(f"     {command}" for command in step.cli)
    return lines
