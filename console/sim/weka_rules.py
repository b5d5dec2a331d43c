"""The WEKA rules the simulator enforces, in one place so each choice is easy to find and change.

Every refusal is a `console.data.errors` exception with `service="weka"` and the HTTP status the
REST API would answer (reference/weka.md §3.2), so the demo shows the same failures the live
backend does. Rules marked [I] are our inference where the reference is unsure.
"""

from __future__ import annotations

from typing import NoReturn

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model import Identity
from console.model.names import WEKA_NAME_MAX_LENGTH, has_path_separator
from console.sim.weka_units import GIB, format_bytes

SERVICE = "weka"

# Field names of the REST bodies (reference §10.3, §12.6): the forms point at these.
FIELD_NAME = "name"
FIELD_GROUP = "group_name"
FIELD_TOTAL = "total_capacity"
FIELD_SSD = "ssd_capacity"
FIELD_BUCKET = "obs_name"
FIELD_LOCATOR = "locator"
FIELD_SITE = "obs_site"
FIELD_ACCESS_POINT = "access_point"

MIN_TOTAL_CAPACITY_BYTES = GIB
"""`total_capacity` must be at least 1 GiB (reference §10.3)."""

MAX_READONLY_SNAPSHOTS = 24_576
MAX_WRITABLE_SNAPSHOTS = 14_336
"""System-wide snapshot limits (reference §12.3)."""

SITES = ("LOCAL", "REMOTE")
"""`obs_site` of an upload (reference §18)."""


def require_admin(actor: Identity, doing: str) -> None:
    """WEKA changes are for cluster admins: a researcher gets 403, like a `Regular` WEKA user."""
    if not actor.is_admin:
        raise Forbidden(
            f"Only a WEKA cluster admin can {doing}; {actor.user} signed in as {actor.role.value}.",
            status=403,
            service=SERVICE,
        )


def invalid(message: str, field: str | None = None) -> NoReturn:
    raise Invalid(message, field=field, status=400, service=SERVICE)


def conflict(message: str) -> NoReturn:
    raise Conflict(message, status=409, service=SERVICE)


def not_found(message: str) -> NoReturn:
    raise NotFound(message, status=404, service=SERVICE)


def validate_name(name: str, what: str = "Filesystem") -> None:
    """Names appear in mount paths and CLI arguments, hence the length and separator rules."""
    if not name or not name.strip():
        invalid(f"{what} name must not be empty.", FIELD_NAME)
    if len(name) > WEKA_NAME_MAX_LENGTH:
        invalid(
            f"{what} name {name!r} is {len(name)} characters; the limit is {WEKA_NAME_MAX_LENGTH}.",
            FIELD_NAME,
        )
    if has_path_separator(name):
        invalid(f"{what} name {name!r} must not contain '/' or '\\'.", FIELD_NAME)


def validate_capacities(
    name: str,
    total_bytes: int,
    ssd_bytes: int,
    *,
    tiered: bool,
    used_total_bytes: float = 0,
    used_ssd_bytes: float = 0,
    extra_ssd_bytes: int = 0,
    unprovisioned_ssd_bytes: int = 0,
) -> None:
    """The capacity rules of create and resize (reference §10.3, §20).

    `extra_ssd_bytes` is how much more SSD this change would provision (the whole budget on create,
    the growth on resize); it must fit in the cluster's unprovisioned SSD capacity.
    """
    if total_bytes < MIN_TOTAL_CAPACITY_BYTES:
        invalid(
            f"Total capacity of {name} must be at least {format_bytes(MIN_TOTAL_CAPACITY_BYTES)} "
            f"(asked for {format_bytes(total_bytes)}).",
            FIELD_TOTAL,
        )
    if total_bytes < used_total_bytes:
        invalid(
            f"Total capacity of {name} cannot go below the {format_bytes(used_total_bytes)} it already uses "
            f"(asked for {format_bytes(total_bytes)}).",
            FIELD_TOTAL,
        )
    if ssd_bytes <= 0:
        invalid(f"SSD capacity of {name} must be positive.", FIELD_SSD)
    if ssd_bytes > total_bytes:
        invalid(
            f"SSD capacity of {name} ({format_bytes(ssd_bytes)}) cannot exceed its total capacity "
            f"({format_bytes(total_bytes)}).",
            FIELD_SSD,
        )
    if ssd_bytes < total_bytes and not tiered:
        # [I] WEKA keeps all data of an untiered filesystem on SSD, so its SSD budget is its total.
        invalid(
            f"{name} has no object-store bucket to tier to, so its SSD capacity must equal its total "
            f"capacity ({format_bytes(total_bytes)}); attach a bucket first to use less SSD.",
            FIELD_SSD,
        )
    if ssd_bytes < used_ssd_bytes:
        invalid(
            f"SSD capacity of {name} cannot shrink below the {format_bytes(used_ssd_bytes)} of SSD it uses "
            f"(asked for {format_bytes(ssd_bytes)}).",
            FIELD_SSD,
        )
    if extra_ssd_bytes > unprovisioned_ssd_bytes:
        invalid(
            f"Not enough SSD capacity: {name} needs {format_bytes(extra_ssd_bytes)} more SSD but only "
            f"{format_bytes(max(0, unprovisioned_ssd_bytes))} is unprovisioned in the cluster.",
            FIELD_SSD,
        )


REFUSE_DELETE_WITH_SNAPSHOTS = True
"""Deleting a filesystem that still has snapshots is refused.

WEKA's own behaviour (cascade or refuse) is not documented (reference §10.6, open question 7); the
WEKA CSI driver refuses, and refusing is the choice that cannot lose data by surprise. Flip this one
constant (and `check_delete_filesystem`) if a real cluster turns out to cascade.
"""


def check_delete_filesystem(name: str, snapshot_count: int) -> None:
    """Refuse to delete a filesystem with snapshots, per `REFUSE_DELETE_WITH_SNAPSHOTS`."""
    if REFUSE_DELETE_WITH_SNAPSHOTS and snapshot_count:
        plural = "snapshot" if snapshot_count == 1 else "snapshots"
        conflict(
            f"Filesystem {name} still has {snapshot_count} {plural}; delete them first "
            "(rwc does not delete snapshots along with their filesystem)."
        )
