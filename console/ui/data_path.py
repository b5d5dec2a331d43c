"""A workload's data path in words: each mount with the WEKA filesystem behind it (how full, whether
tiered, how old its newest off-site copy is, its alerts), and the reverse, who mounts a filesystem.

Pure functions over the domain model (no Textual): the workload detail and the filesystem detail draw
what these return, and tests read them without an app.

Alerts name no filesystem field in WEKA's REST answer (reference/weka.md §7: `type`, `title`,
`description`, `action`), so an alert is "about" a filesystem when its title or description names it as
a word; WEKA's filesystem alerts do (`Filesystem datasets is 95% full`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from console.ui.format import format_age, format_bytes

if TYPE_CHECKING:
    from console.model import Alert, Filesystem, WekaClusterStatus, Workload
    from console.model.storage import DataMount, WorkloadMount

COLD_SHARE_WARNING = 0.5
"""A dataset on a filesystem with at least this share of its data off SSD is called cold when a moved job
restarts on it: its first reads come from the object store."""
MAX_WARNING_LINES = 6

NOT_ON_WEKA = "—"


@dataclass(frozen=True, slots=True)
class MountFacts:
    """One mount as the workload detail lists it."""

    mount_path: str
    access: str
    """`ro` or `rw`."""
    weka: str
    """`datasets:/imagenet-1k`, or why the chain stops."""
    filesystem: Filesystem | None
    used: str
    """`142 TiB of 200 TiB (71%)`; "not on this WEKA" when the name is not a filesystem rwc sees."""
    tiering: str
    """`tiered: 38% not on SSD` or `SSD only`."""
    upload: str
    """The newest uploaded snapshot's age (`3h ago`), or `never uploaded`."""
    alerts: int


def filesystem_named(name: str, filesystems: Iterable[Filesystem]) -> Filesystem | None:
    return next((filesystem for filesystem in filesystems if filesystem.name == name), None)


def alerts_about(filesystem_name: str, alerts: Iterable[Alert]) -> list[Alert]:
    """The open (unmuted) alerts whose words name the filesystem."""
    word = re.compile(rf"(?<![\w-]){re.escape(filesystem_name)}(?![\w-])")
    return [
        alert
        for alert in alerts
        if not alert.muted and (word.search(alert.title) or word.search(alert.description))
    ]


def used_words(filesystem: Filesystem) -> str:
    total = filesystem.total_budget_bytes
    used = filesystem.used_total_bytes
    share = f" ({used / total:.0%})" if total > 0 else ""
    return f"{format_bytes(used)} of {format_bytes(total)}{share}"


def tiering_words(filesystem: Filesystem) -> str:
    if not filesystem.is_tiered:
        return "SSD only"
    # A tiered filesystem copies its data to the object store after `start_demote` and keeps it on SSD
    # for `target_ssd_retention` (reference/weka.md, filesystem groups): what a reader cares about is the
    # part no longer on SSD, which is read from the object store.
    used = filesystem.used_total_bytes
    off_ssd = max(0, used - filesystem.used_ssd_bytes) / used if used > 0 else 0.0
    return f"tiered: {off_ssd:.0%} not on SSD"


def upload_words(filesystem: Filesystem, now: datetime) -> str:
    uploaded = filesystem.last_uploaded_snapshot_at
    return "never uploaded" if uploaded is None else f"{format_age(now, uploaded)} ago"


def mount_facts(
    mount: DataMount, filesystems: Sequence[Filesystem], alerts: Sequence[Alert], now: datetime
) -> MountFacts:
    access = "ro" if mount.read_only else "rw"
    path = mount.mount_path or NOT_ON_WEKA
    location = mount.location
    if location is None:
        return MountFacts(path, access, mount.note or "not on WEKA", None, "", "", "", 0)
    filesystem = filesystem_named(location.filesystem, filesystems)
    if filesystem is None:
        return MountFacts(path, access, location.describe(), None, "not on this WEKA cluster", "", "", 0)
    return MountFacts(
        path,
        access,
        location.describe(),
        filesystem,
        used_words(filesystem),
        tiering_words(filesystem),
        upload_words(filesystem, now),
        len(alerts_about(filesystem.name, alerts)),
    )


def weka_filesystems(mounts: Iterable[DataMount]) -> list[str]:
    """The WEKA filesystems the mounts are on, in mount order, each once."""
    return list(dict.fromkeys(mount.location.filesystem for mount in mounts if mount.location is not None))


def mounted_by(filesystem_name: str, mounts: Iterable[WorkloadMount]) -> list[WorkloadMount]:
    """Who mounts the filesystem, by project then workload, writers first within a workload."""
    chosen = [
        m for m in mounts if m.mount.location is not None and m.mount.location.filesystem == filesystem_name
    ]
    return sorted(
        chosen, key=lambda m: (m.project_name, m.workload_name, m.mount.read_only, m.mount.mount_path)
    )


def projects_of(mounts: Iterable[WorkloadMount]) -> list[str]:
    return sorted({mount.project_name for mount in mounts})


def off_ssd_share(filesystem: Filesystem) -> float:
    """The share of a tiered filesystem's data that is only in the object store (0 for SSD-only)."""
    used = filesystem.used_total_bytes
    if not filesystem.is_tiered or used <= 0:
        return 0.0
    return max(0, used - filesystem.used_ssd_bytes) / used


def drain_storage_warnings(
    moving: Sequence[Workload],
    mounts: Sequence[WorkloadMount],
    filesystems: Sequence[Filesystem],
    weka_status: WekaClusterStatus | None,
) -> list[str]:
    """What the drain question should say about storage: a WEKA cluster that is not fully protected (the
    moved jobs restart and write while it rebuilds), and moved jobs that restart on a cold dataset."""
    warnings: list[str] = []
    if moving and weka_status is not None and weka_status.value != "OK":
        warnings.append(
            f"WEKA is {weka_status.value}: the {len(moving)} moved workloads restart and write while it "
            "is not fully protected."
        )
    moving_ids = {workload.id for workload in moving}
    cold: list[str] = []
    for entry in mounts:
        location = entry.mount.location
        if entry.workload_id not in moving_ids or location is None or not entry.mount.read_only:
            continue
        filesystem = filesystem_named(location.filesystem, filesystems)
        if filesystem is None or off_ssd_share(filesystem) < COLD_SHARE_WARNING:
            continue
        share = off_ssd_share(filesystem)
        cold.append(
            f"{entry.workload_name} restarts reading {location.describe()}: {share:.0%} of "
            f"{filesystem.name} is off SSD, so it first reads from the object store."
        )
    shown = MAX_WARNING_LINES - len(warnings)
    warnings += cold[:shown]
    if len(cold) > shown:
        warnings.append(f"… and {len(cold) - shown} more moved workloads read cold datasets.")
    return warnings


def mounting_workloads(filesystem_name: str, mounts: Iterable[WorkloadMount]) -> list[WorkloadMount]:
    """Each workload that mounts the filesystem once (its writing mount when it has one): who a restore
    or a delete of it affects."""
    chosen: dict[str, WorkloadMount] = {}
    for mount in mounted_by(filesystem_name, mounts):
        chosen.setdefault(mount.workload_id, mount)  # mounted_by lists writers first per workload
    return list(chosen.values())
