"""Forms for WEKA snapshots: take one (`c`) and bring an uploaded one online as a filesystem (`F`).

The snapshot form pre-fills the access point the way WEKA names it by default (`@GMT-%Y.%m.%d-%H.%M.%S`
of now, reference/weka.md §12.1), so accepting the defaults gives what `weka fs snapshot create` gives.
The filesystem-from-snapshot form carries the snapshot's locator — what a second cluster needs to find
the data in the bucket (§12.6) — and sizes prefilled from the source filesystem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rich.text import Text

from console.data.errors import BackendError, Conflict
from console.model import (
    BucketMode,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    ObjectStoreBucket,
    Snapshot,
    SnapshotSpec,
    StowStatus,
)
from console.ui.format import format_bytes
from console.ui.units import format_size_exact
from screens.context import ConsoleContext
from screens.dialogs.filesystem_forms import (
    CAPACITY_FIELD_ALIASES,
    NotedForm,
    bucket_label,
    capacity_errors,
    current_tiering_bucket,
    default_group,
    group_options,
    size_field,
    size_of,
    validate_weka_name,
)
from screens.dialogs.form import FieldValue, FormField
from screens.dialogs.upload_site import LOCAL

ACCESS_POINT_FORMAT = "@GMT-%Y.%m.%d-%H.%M.%S"
"""WEKA's default access-point name: the creation time in UTC, Windows "previous versions" style."""


def default_access_point(now: datetime) -> str:
    return now.astimezone(UTC).strftime(ACCESS_POINT_FORMAT)


def validate_access_point(value: FieldValue) -> str | None:
    """The access point is a directory under `.snapshots/`: one path component."""
    point = str(value or "")
    if not point:
        return f"Required: a directory name, e.g. {ACCESS_POINT_FORMAT.replace('%', '')}."
    if "/" in point or "\\" in point:
        return "Must not contain '/' or '\\' (it is one directory name)."
    return None


class CreateSnapshotForm(NotedForm):
    """`POST /snapshots`: filesystem, name, access point (WEKA's default pre-filled), writable."""

    FIELD_ALIASES = {"name": "name", "access_point": "access_point", "fs_uid": "filesystem"}
    CONFLICT_FIELD = "name"

    def __init__(
        self,
        context: ConsoleContext,
        filesystems: Sequence[Filesystem],
        *,
        filesystem_uid: str | None = None,
    ) -> None:
        options: list[tuple[str, object]] = [(fs.name, fs.uid) for fs in filesystems if fs.is_ready]
        chosen = filesystem_uid if any(uid == filesystem_uid for _, uid in options) else None
        fields = (
            FormField("filesystem", "Filesystem", "select", chosen, options),
            FormField("name", "Name", placeholder="e.g. before-upgrade", validate=validate_weka_name),
            FormField(
                "access_point",
                "Access point",
                value=default_access_point(context.backend.now()),
                validate=validate_access_point,
            ),
            FormField("writable", "Writable", "switch", False),
        )
        note = "Instant and space-efficient. A writable snapshot can be changed but never uploaded."
        super().__init__("Create snapshot", fields, note=note, submit_label="Create", context=context)
        self.filesystem_names = {uid: name for name, uid in options}

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        return {} if values["filesystem"] else {"filesystem": "Choose the filesystem to snapshot."}

    def show_backend_error(self, error: BackendError) -> None:
        """A clash of access points is a `Conflict` too: point it at the access point, not the name."""
        if isinstance(error, Conflict) and "access point" in error.message:
            self._set_busy(False)
            self.show_error(str(error), "access_point")
        else:
            super().show_backend_error(error)

    def submit(self, values: dict[str, FieldValue]) -> None:
        spec = SnapshotSpec(
            filesystem_uid=str(values["filesystem"]),
            name=str(values["name"]),
            access_point=str(values["access_point"]),
            is_writable=bool(values["writable"]),
        )
        fs_name = self.filesystem_names.get(spec.filesystem_uid, spec.filesystem_uid)
        backend = self.context.backend
        self.run_submit(
            f"Create snapshot {spec.name} of {fs_name}",
            lambda: backend.create_snapshot(spec),
            success=lambda snapshot: (
                f"Snapshot {snapshot.name} of {fs_name} created ({snapshot.access_point})."
            ),
        )


def serves_locally(snapshot: Snapshot) -> bool:
    """Whether an upload of `snapshot` is in a local bucket: WEKA creates filesystems only from those
    (reference/weka.md §12.6). True when the API does not say where (only the flat `stowStatus`)."""
    synced = [upload.site for upload in snapshot.uploads if upload.status is StowStatus.SYNCHRONIZED]
    return not snapshot.uploads or LOCAL in synced


def buckets_serving(
    snapshot: Snapshot, source: Filesystem | None, buckets: Sequence[ObjectStoreBucket]
) -> list[ObjectStoreBucket]:
    """The buckets a filesystem can be created from `snapshot` with: the local one it was uploaded to.

    A local upload goes to the filesystem's WRITABLE (tiering) bucket, so that is the one; a remote
    bucket never serves (§12.6). Where that cannot be told (the API gave no sites, or the bucket was
    detached since), every local bucket is offered and the user picks.
    """
    local = [bucket for bucket in buckets if bucket.obs_site == "local"]
    if not serves_locally(snapshot):
        return []
    if snapshot.uploads and source is not None:
        tiering = {
            attached.bucket_name for attached in source.buckets if attached.mode is BucketMode.WRITABLE
        }
        uploaded_to = [bucket for bucket in local if bucket.name in tiering]
        if uploaded_to:
            return uploaded_to
    return local


class FilesystemFromSnapshotForm(NotedForm):
    """`POST /fileSystems/download`: a new filesystem whose data is fetched from the bucket on demand."""

    FIELD_ALIASES = CAPACITY_FIELD_ALIASES
    CONFLICT_FIELD = "name"

    def __init__(
        self,
        context: ConsoleContext,
        snapshot: Snapshot,
        source: Filesystem | None,
        groups: Sequence[FilesystemGroup],
        buckets: Sequence[ObjectStoreBucket],
    ) -> None:
        self.snapshot = snapshot
        serving = buckets_serving(snapshot, source, buckets)
        bucket_options: list[tuple[str, object]] = [(bucket_label(b), b.name) for b in serving]
        source_bucket = current_tiering_bucket(source) if source is not None else None
        if len(serving) == 1:
            bucket: str | None = serving[0].name
        else:
            bucket = source_bucket if any(b.name == source_bucket for b in serving) else None
        group = source.group_name if source is not None else default_group(groups)
        # Prefilled with the source filesystem's sizes, when it still exists.
        total = format_size_exact(source.total_budget_bytes) if source is not None else ""
        ssd = format_size_exact(source.ssd_budget_bytes) if source is not None else ""
        fields = (
            FormField(
                "name",
                "Name",
                placeholder=f"e.g. {snapshot.filesystem_name}-dr"[:40],
                validate=validate_weka_name,
            ),
            FormField("group", "Group", "select", group, group_options(groups)),
            size_field("total", "Total capacity", total),
            size_field("ssd", "SSD capacity", ssd),
            FormField("bucket", "Bucket", "select", bucket, bucket_options),
            FormField("locator", "Locator", value=snapshot.locator, validate=_validate_locator),
        )
        note = Text.assemble(
            "From snapshot ",
            (snapshot.name, "bold"),
            " of ",
            (snapshot.filesystem_name, "bold"),
            ": ready once its metadata is fetched; data comes from the bucket when read.",
            end="",
        )
        super().__init__(
            "Filesystem from snapshot", fields, note=note, submit_label="Create", context=context
        )

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values["group"] is None:
            errors["group"] = "Choose a filesystem group."
        if values["bucket"] is None:
            errors["bucket"] = "Choose the bucket the snapshot was uploaded to."
        errors.update(capacity_errors(size_of(values["total"]), size_of(values["ssd"]), tiered=True))
        return errors

    def submit(self, values: dict[str, FieldValue]) -> None:
        total, ssd = size_of(values["total"]), size_of(values["ssd"])
        assert total is not None and ssd is not None  # validated
        spec = FilesystemFromSnapshotSpec(
            name=str(values["name"]),
            group_name=str(values["group"]),
            total_capacity_bytes=total,
            ssd_capacity_bytes=ssd,
            obs_bucket=str(values["bucket"]),
            locator=str(values["locator"]),
        )
        backend = self.context.backend

        def created(filesystem: Filesystem) -> str:
            return (
                f"Filesystem {filesystem.name} is being created from {self.snapshot.name} "
                f"({format_bytes(total)}, bucket {spec.obs_bucket})."
            )

        self.run_submit(
            f"Create filesystem {spec.name} from {self.snapshot.name}",
            lambda: backend.create_filesystem_from_snapshot(spec),
            success=created,
        )


def _validate_locator(value: FieldValue) -> str | None:
    return None if str(value or "") else "The locator of an uploaded snapshot is required."
