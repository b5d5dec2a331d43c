"""Forms for WEKA filesystems: create, resize and tiering (`c`, `r`, `t` on the Filesystems screen).

Sizes are typed and shown in human units (`console.ui.units`). The rules WEKA enforces (SSD not above
the total, an SSD share below the total only with a bucket to tier to, no shrinking below what is
used) are checked here first, so a typo is caught under its field before anything is sent; the same
refusals also come back from the API as `Invalid` with the REST field name (`ssd_capacity`,
`total_capacity`, `obs_name`), and `FIELD_ALIASES` points those at the same form fields. A refusal
never closes the form: everything typed stays for the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from console.model import (
    BucketMode,
    Filesystem,
    FilesystemGroup,
    FilesystemSpec,
    ObjectStoreBucket,
)
from console.model.names import WEKA_NAME_MAX_LENGTH, has_path_separator
from console.ui.format import format_bytes
from console.ui.units import SIZE_EXAMPLE, SizeError, format_size_exact, format_size_like, parse_size
from screens.context import ConsoleContext
from screens.dialogs.form import FieldValue, FormField, FormScreen

NO_BUCKET = "-"
"""The bucket choice that means none: SSD-only on create, detach on the tiering form."""

CAPACITY_FIELD_ALIASES: Mapping[str, str] = {
    "name": "name",
    "group_name": "group",
    "total_capacity": "total",
    "ssd_capacity": "ssd",
    "obs_name": "bucket",
    "locator": "locator",
}
"""REST body field (what `Invalid.field` names) -> form field, for every capacity form."""


# -- field checks ---------------------------------------------------------------------------------------
def validate_weka_name(value: FieldValue) -> str | None:
    """The name rules of the WEKA API, checked before sending so the message sits under the field."""
    name = str(value or "")
    if not name:
        return "A name is required."
    if len(name) > WEKA_NAME_MAX_LENGTH:
        return f"At most {WEKA_NAME_MAX_LENGTH} characters (this is {len(name)})."
    if has_path_separator(name):
        return "Must not contain '/' or '\\'."
    return None


def validate_size(value: FieldValue) -> str | None:
    try:
        parse_size(str(value or ""))
    except SizeError as error:
        return str(error)
    return None


def size_field(name: str, label: str, value: str | None = None) -> FormField:
    """A capacity the user types (`500GiB`, `1.5TiB`), checked as they type it."""
    return FormField(name, label, value=value, placeholder=SIZE_EXAMPLE, validate=validate_size)


def validate_optional_size(value: FieldValue) -> str | None:
    try:
        parse_size(str(value or ""), allow_blank=True)
    except SizeError as error:
        return str(error)
    return None


def size_of(value: FieldValue) -> int | None:
    """A field already checked by `validate_size`/`validate_optional_size` as bytes (None when blank)."""
    try:
        return parse_size(str(value or ""), allow_blank=True)
    except SizeError:
        return None


def capacity_errors(
    total: int | None,
    ssd: int | None,
    *,
    tiered: bool,
    used_total: int = 0,
    used_ssd: int = 0,
) -> dict[str, str]:
    """The cross-field capacity rules of create and resize (as `weka_rules.validate_capacities` has
    them), keyed by form field. `ssd` None means SSD-only (SSD = total)."""
    errors: dict[str, str] = {}
    if total is None:
        return errors
    if total < used_total:
        errors["total"] = (
            f"Cannot go below the {format_bytes(used_total)} the filesystem already uses "
            f"(asked for {format_bytes(total)})."
        )
    if ssd is None:
        return errors
    if ssd > total:
        errors["ssd"] = (
            f"SSD capacity ({format_bytes(ssd)}) cannot exceed the total capacity ({format_bytes(total)})."
        )
    elif ssd < total and not tiered:
        errors["ssd"] = (
            "Without an object-store bucket all data stays on SSD, so SSD must equal the total: "
            "leave it blank, or choose a bucket to tier to."
        )
    elif ssd < used_ssd:
        errors["ssd"] = (
            f"Cannot shrink below the {format_bytes(used_ssd)} of SSD in use (asked for {format_bytes(ssd)})."
        )
    return errors


def group_options(groups: Sequence[FilesystemGroup]) -> list[tuple[str, object]]:
    return [(group.name, group.name) for group in groups]


def bucket_label(bucket: ObjectStoreBucket) -> str:
    state = "" if bucket.status == "UP" else f", {bucket.status}"
    return f"{bucket.name} ({bucket.obs_site}: {bucket.bucket}{state})"


def local_bucket_options(buckets: Sequence[ObjectStoreBucket], none_label: str) -> list[tuple[str, object]]:
    """`none_label` first, then the local buckets: only a local bucket can tier a filesystem (§13)."""
    options: list[tuple[str, object]] = [(none_label, NO_BUCKET)]
    options.extend((bucket_label(b), b.name) for b in buckets if b.obs_site == "local")
    return options


def chosen_bucket(value: FieldValue) -> str | None:
    return None if value in (None, "", NO_BUCKET) else str(value)


def default_group(groups: Sequence[FilesystemGroup]) -> str | None:
    names = [group.name for group in groups]
    return "default" if "default" in names else (names[0] if names else None)


class NotedForm(FormScreen[Any]):
    """A `FormScreen` with a line of explanation above its fields (what the action will do)."""

    NOTE_ID: ClassVar[str] = "form-note"

    DEFAULT_CSS = """
    NotedForm #form-note {
        color: $text-muted;
        height: auto;
        margin-bottom: 1;
    }
    """

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        *,
        context: ConsoleContext,
        note: Text | str = "",
        submit_label: str = "Save",
    ) -> None:
        super().__init__(title, fields, submit_label=submit_label)
        self.context = context
        """The screen's: the backend a save acts on."""
        self.note = note if isinstance(note, Text) else Text(note, end="")

    def on_mount(self) -> None:
        # No super(): Textual calls `FormScreen.on_mount` itself (every class's handler runs).
        if self.note.plain:
            self.query_one(Vertical).mount(Static(self.note, id=self.NOTE_ID), before="#form-fields")


# -- create ---------------------------------------------------------------------------------------------
class CreateFilesystemForm(NotedForm):
    """`POST /fileSystems`: name, group, total, SSD (blank = SSD-only), encryption, tiering bucket."""

    FIELD_ALIASES = CAPACITY_FIELD_ALIASES
    CONFLICT_FIELD = "name"

    def __init__(
        self,
        context: ConsoleContext,
        groups: Sequence[FilesystemGroup],
        buckets: Sequence[ObjectStoreBucket],
    ) -> None:
        fields = (
            FormField("name", "Name", placeholder="e.g. training-data", validate=validate_weka_name),
            FormField("group", "Group", "select", default_group(groups), group_options(groups)),
            size_field("total", "Total capacity"),
            FormField(
                "ssd",
                "SSD capacity",
                placeholder="blank = SSD-only (all on SSD)",
                validate=validate_optional_size,
            ),
            FormField("encrypted", "Encrypted", "switch", False),
            FormField(
                "bucket",
                "Tier to bucket",
                "select",
                NO_BUCKET,
                local_bucket_options(buckets, "none — SSD only"),
            ),
        )
        super().__init__("Create filesystem", fields, submit_label="Create", context=context)

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values["group"] is None:
            errors["group"] = "Choose a filesystem group."
        errors.update(
            capacity_errors(
                size_of(values["total"]),
                size_of(values["ssd"]),
                tiered=chosen_bucket(values["bucket"]) is not None,
            )
        )
        return errors

    def spec(self, values: Mapping[str, FieldValue]) -> FilesystemSpec:
        total = size_of(values["total"])
        assert total is not None  # validated
        return FilesystemSpec(
            name=str(values["name"]),
            group_name=str(values["group"]),
            total_capacity_bytes=total,
            ssd_capacity_bytes=size_of(values["ssd"]),
            encrypted=bool(values["encrypted"]),
            obs_bucket=chosen_bucket(values["bucket"]),
        )

    def submit(self, values: dict[str, FieldValue]) -> None:
        spec = self.spec(values)
        backend = self.context.backend

        def created(filesystem: Filesystem) -> str:
            where = f"tiered to {spec.obs_bucket}" if spec.obs_bucket else "SSD-only"
            return (
                f"Filesystem {filesystem.name} created: {format_bytes(spec.total_capacity_bytes)}, {where}."
            )

        self.run_submit(
            f"Create filesystem {spec.name}",
            lambda: backend.create_filesystem(spec),
            success=created,
        )


# -- resize ---------------------------------------------------------------------------------------------
class ResizeFilesystemForm(NotedForm):
    """`PUT /fileSystems/{uid}` with `total_capacity` and `ssd_capacity`, prefilled with today's sizes."""

    FIELD_ALIASES = CAPACITY_FIELD_ALIASES

    def __init__(self, context: ConsoleContext, filesystem: Filesystem) -> None:
        self.filesystem = filesystem
        tiered = filesystem.is_tiered
        total = format_size_exact(filesystem.total_budget_bytes)

        def size(size_bytes: int) -> str:
            return format_size_like(size_bytes, total)  # the note speaks the units prefilled below it

        used = (
            f"{size(filesystem.used_total_bytes)} of {size(filesystem.total_budget_bytes)}, "
            f"SSD {size(filesystem.used_ssd_bytes)} of {size(filesystem.ssd_budget_bytes)}"
        )
        fields = (
            size_field("total", "Total capacity", total),
            FormField(
                "ssd",
                "SSD capacity",
                value=format_size_exact(filesystem.ssd_budget_bytes) if tiered else "",
                placeholder="blank = keep (SSD-only: same as total)",
                validate=validate_optional_size,
            ),
        )
        note = Text.assemble(("Uses ", ""), (used, "bold"), end="")
        if not tiered:
            note.append(". SSD-only: the SSD capacity follows the total.")
        super().__init__(
            f"Resize {filesystem.name}", fields, note=note, submit_label="Resize", context=context
        )

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        filesystem = self.filesystem
        return capacity_errors(
            size_of(values["total"]),
            size_of(values["ssd"]),
            tiered=filesystem.is_tiered,
            used_total=filesystem.used_total_bytes,
            used_ssd=filesystem.used_ssd_bytes,
        )

    def submit(self, values: dict[str, FieldValue]) -> None:
        filesystem = self.filesystem
        total = size_of(values["total"])
        assert total is not None  # validated
        ssd = size_of(values["ssd"])
        backend = self.context.backend

        def resized(result: Filesystem) -> str:
            return (
                f"Filesystem {result.name} resized: {format_bytes(result.total_budget_bytes)} total, "
                f"{format_bytes(result.ssd_budget_bytes)} SSD."
            )

        self.run_submit(
            f"Resize filesystem {filesystem.name}",
            lambda: backend.resize_filesystem(filesystem.uid, total, ssd),
            success=resized,
        )


# -- tiering --------------------------------------------------------------------------------------------
def current_tiering_bucket(filesystem: Filesystem) -> str | None:
    return next((b.bucket_name for b in filesystem.buckets if b.mode is BucketMode.WRITABLE), None)


class TieringForm(NotedForm):
    """Attach a local bucket to tier to, or detach it (data is copied back to SSD, SSD grows to total)."""

    FIELD_ALIASES = {"obs_name": "bucket", "ssd_capacity": "bucket", "total_capacity": "bucket"}
    CONFLICT_FIELD = "bucket"

    def __init__(
        self, context: ConsoleContext, filesystem: Filesystem, buckets: Sequence[ObjectStoreBucket]
    ) -> None:
        self.filesystem = filesystem
        self.current = current_tiering_bucket(filesystem)
        fields = (
            FormField(
                "bucket",
                "Tier to bucket",
                "select",
                self.current or NO_BUCKET,
                local_bucket_options(buckets, "none — detach, keep all data on SSD"),
            ),
        )
        if self.current:
            note = (
                f"{filesystem.name} tiers to {self.current}. Detaching copies its "
                f"{format_bytes(filesystem.used_object_bytes)} in the object store back to SSD and sets "
                f"the SSD capacity to the total ({format_bytes(filesystem.total_budget_bytes)})."
            )
        else:
            note = (
                f"{filesystem.name} is SSD-only. With a bucket, data older than the group's tiering cue "
                "is copied to the object store and the SSD capacity can be lowered (r)."
            )
        super().__init__(
            f"Tiering of {filesystem.name}", fields, note=note, submit_label="Apply", context=context
        )

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        if chosen_bucket(values["bucket"]) == self.current:
            return {"bucket": "That is the current setting; choose another bucket, or esc."}
        return {}

    def submit(self, values: dict[str, FieldValue]) -> None:
        filesystem = self.filesystem
        bucket = chosen_bucket(values["bucket"])
        backend = self.context.backend
        if bucket is None:
            label = f"Detach {self.current} from {filesystem.name}"
            success = f"Detaching {self.current} from {filesystem.name}: data is being copied back to SSD."
        else:
            label = f"Attach {bucket} to {filesystem.name}"
            success = f"Filesystem {filesystem.name} now tiers to {bucket}."
        self.run_submit(
            label,
            lambda: backend.set_filesystem_tiering(filesystem.uid, bucket),
            success=success,
        )
