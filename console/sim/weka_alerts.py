"""Which WEKA alerts the simulator raises, and when: capacity thresholds and bucket health.

An alert is a standing condition (reference §7): it is active while its cause lasts and disappears
when the cause is fixed. The rules are pure functions of the state, evaluated after every tick and
every action; `AlertBook` keeps each active alert's `raised_at` while its cause lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from console.model import Alert, AlertSeverity, ObjectStoreBucket
from console.sim.weka_state import FsState
from console.sim.weka_units import format_bytes

TIERED_SSD_OVERFILL_FRACTION = 0.90
"""A tiered filesystem using more of its SSD budget than this raises `TieredFilesystemOverfillingSSD`."""

PROVISIONED_SSD_FRACTION = 0.90
"""SSD provisioned to filesystems above this share of the cluster's SSD raises `NotEnoughSSDCapacity`.

WEKA's list of alerts describes `NotEnoughSSDCapacity` as provisioned capacity made unavailable by failed
drives; the simulator has no drive failures and uses it for the nearest condition an admin must act on,
SSD provisioning running out. Change it here if the console grows a drive-failure model.
"""

USED_SSD_FRACTION = 0.90
"""SSD used above this share of the cluster's SSD raises `HighDrivesCapacity` ("SSD capacity overflow")."""

TIERED_FS_OVERFILLING = "TieredFilesystemOverfillingSSD"
NOT_ENOUGH_SSD = "NotEnoughSSDCapacity"
HIGH_DRIVES_CAPACITY = "HighDrivesCapacity"
TIERING_CONNECTIVITY = "NodeTieringConnectivity"


@dataclass(frozen=True, slots=True)
class AlertCondition:
    """A cause that currently holds; `subject` tells apart alerts of one type (which filesystem)."""

    type: str
    subject: str
    title: str
    description: str
    severity: AlertSeverity
    action: str = ""


def filesystem_conditions(fs: FsState) -> list[AlertCondition]:
    """Per-filesystem capacity alerts."""
    if not fs.is_tiered or not fs.is_ready or fs.ssd_budget <= 0:
        return []
    fraction = fs.used_ssd / fs.ssd_budget
    if fraction <= TIERED_SSD_OVERFILL_FRACTION:
        return []
    return [
        AlertCondition(
            type=TIERED_FS_OVERFILLING,
            subject=fs.uid,
            title="Tiered filesystems' SSD capacity overfilling",
            description=(
                f"Filesystem {fs.name} uses {fraction:.0%} of its {format_bytes(fs.ssd_budget)} SSD capacity."
            ),
            severity=AlertSeverity.MAJOR,
            action=(
                "Expand its SSD capacity, remove data, or check the object store's connectivity and "
                "upload bandwidth."
            ),
        )
    ]


def cluster_conditions(
    total_ssd: float,
    provisioned_ssd: float,
    used_ssd: float,
    buckets: Iterable[ObjectStoreBucket],
    tiered_bucket_names: Iterable[str],
) -> list[AlertCondition]:
    """Cluster-wide SSD alerts and object-store connectivity."""
    conditions: list[AlertCondition] = []
    if total_ssd > 0 and provisioned_ssd > PROVISIONED_SSD_FRACTION * total_ssd:
        conditions.append(
            AlertCondition(
                type=NOT_ENOUGH_SSD,
                subject="cluster",
                title="Not enough SSD capacity",
                description=(
                    f"{provisioned_ssd / total_ssd:.0%} of the cluster's {format_bytes(total_ssd)} "
                    "SSD capacity is provisioned to filesystems; "
                    f"{format_bytes(max(0.0, total_ssd - provisioned_ssd))} is left "
                    "for new filesystems or SSD growth."
                ),
                severity=AlertSeverity.MAJOR,
                action="Add drives or shrink filesystems' SSD capacity.",
            )
        )
    if total_ssd > 0 and used_ssd > USED_SSD_FRACTION * total_ssd:
        conditions.append(
            AlertCondition(
                type=HIGH_DRIVES_CAPACITY,
                subject="cluster",
                title="SSD capacity overflow",
                description=(
                    f"Filesystems use {used_ssd / total_ssd:.0%} of the cluster's "
                    f"{format_bytes(total_ssd)} SSD capacity."
                ),
                severity=AlertSeverity.CRITICAL,
                action="Free up space on the SSDs or add more SSDs to the cluster.",
            )
        )
    in_use = set(tiered_bucket_names)
    for bucket in buckets:
        if bucket.status != "UP" and bucket.name in in_use:
            conditions.append(
                AlertCondition(
                    type=TIERING_CONNECTIVITY,
                    subject=bucket.name,
                    title="A process cannot connect to an object store",
                    description=(
                        f"Object-store bucket {bucket.name} ({bucket.hostname}) is {bucket.status}: "
                        "tiering and snapshot uploads to it are stalled."
                    ),
                    severity=AlertSeverity.MAJOR,
                    action="Check the connectivity with the object store.",
                )
            )
    return conditions


class AlertBook:
    """The active alerts, keyed by (type, subject); raising and clearing report what changed."""

    def __init__(self) -> None:
        self._active: dict[tuple[str, str], Alert] = {}
        self._muted_until: dict[str, datetime] = {}

    def sync(self, conditions: Iterable[AlertCondition], now: datetime) -> tuple[list[Alert], list[Alert]]:
        """Make the active alerts match the conditions that hold now; returns (raised, cleared)."""
        holding = {(c.type, c.subject): c for c in conditions}
        raised: list[Alert] = []
        cleared: list[Alert] = []
        for key in [key for key in self._active if key not in holding]:
            cleared.append(self._active.pop(key))
        for key, condition in holding.items():
            current = self._active.get(key)
            if current is None:
                alert = Alert(
                    type=condition.type,
                    title=condition.title,
                    description=condition.description,
                    severity=condition.severity,
                    muted=self._is_muted(condition.type, now),
                    raised_at=now,
                    action=condition.action,
                )
                self._active[key] = alert
                raised.append(alert)
            elif (current.description, current.action) != (condition.description, condition.action):
                self._active[key] = replace(
                    current, description=condition.description, action=condition.action
                )
        return raised, cleared

    def mute(self, type_: str, until: datetime, now: datetime) -> None:
        self._muted_until[type_] = until
        self._refresh_muted(now)

    def unmute(self, type_: str, now: datetime) -> None:
        self._muted_until.pop(type_, None)
        self._refresh_muted(now)

    def _is_muted(self, type_: str, now: datetime) -> bool:
        until = self._muted_until.get(type_)
        return until is not None and now < until

    def _refresh_muted(self, now: datetime) -> None:
        for key, alert in self._active.items():
            muted = self._is_muted(alert.type, now)
            if alert.muted != muted:
                self._active[key] = replace(alert, muted=muted)

    def expire_mutes(self, now: datetime) -> None:
        """Muting lasts a duration, then the alert shows again (reference §7)."""
        expired = [type_ for type_, until in self._muted_until.items() if now >= until]
        for type_ in expired:
            del self._muted_until[type_]
        if expired:
            self._refresh_muted(now)

    def alerts(self) -> list[Alert]:
        """Most severe first, then oldest first."""
        order = {severity: index for index, severity in enumerate(AlertSeverity)}
        return sorted(
            self._active.values(), key=lambda a: (order[a.severity], a.raised_at, a.type, a.description)
        )

    @property
    def unmuted_count(self) -> int:
        return sum(1 for alert in self._active.values() if not alert.muted)
