"""A WEKA drive that fails and is rebuilt around: the cluster is REBUILDING, one drive short, with a
`DriveDown` alert, until the rebuild ends (reference/weka.md §5 `status`, §7 alerts: "drive down →
`DriveDown`").

An admin about to drain a node must know WEKA is not fully protected (the drain dialog warns), and the
header shows the state. The demo has one failure, a quarter of an hour in, rebuilt in six minutes. Like the
GPU faults it is a pure function of the simulated time: nothing is stored per tick but whether its start and
end were announced.

UNSURE(weka-drive-event-names): WEKA's event list names alerts, not the drive events' types; the events
here use the alert's type (`DriveDown`) and `RebuildFinished`, category `Drive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.model import AlertSeverity, WekaClusterStatus
from console.sim.weka_alerts import AlertCondition
from console.sim.weka_events import EventLog

DRIVE_DOWN = "DriveDown"


@dataclass(slots=True)
class DriveFailure:
    """Drive `drive` fails `starts_s` seconds after the simulator's start; the rebuild takes `rebuild_s`."""

    drive: str
    starts_s: float
    rebuild_s: float
    announced: bool = False
    finished: bool = False

    def active(self, elapsed_s: float) -> bool:
        return self.starts_s <= elapsed_s < self.starts_s + self.rebuild_s


def announce_drive_failures(
    failures: list[DriveFailure], elapsed_s: float, events: EventLog, now: datetime
) -> None:
    """A WEKA event when a failure starts and when its rebuild ends, each once."""
    for failure in failures:
        if failure.active(elapsed_s) and not failure.announced:
            failure.announced = True
            events.emit(
                now,
                DRIVE_DOWN,
                "Drive",
                f"{failure.drive} is down; rebuilding its data onto the other drives",
                severity="MAJOR",
            )
        if failure.announced and not failure.finished and elapsed_s >= failure.starts_s + failure.rebuild_s:
            failure.finished = True
            events.emit(
                now,
                "RebuildFinished",
                "Drive",
                f"The rebuild after {failure.drive} went down has finished; the cluster is fully protected",
            )


def drive_state(
    failures: list[DriveFailure], elapsed_s: float, total_drives: int
) -> tuple[WekaClusterStatus, int]:
    """(protection state, active drives) while the failures stand: REBUILDING and one drive short each."""
    down = sum(1 for failure in failures if failure.active(elapsed_s))
    return (WekaClusterStatus.REBUILDING if down else WekaClusterStatus.OK), total_drives - down


def drive_conditions(failures: list[DriveFailure], elapsed_s: float) -> list[AlertCondition]:
    """`DriveDown` while a failed drive is being rebuilt around."""
    return [
        AlertCondition(
            type=DRIVE_DOWN,
            subject=failure.drive,
            title="Drive is down",
            description=f"{failure.drive} is down; the cluster is rebuilding and not fully protected.",
            severity=AlertSeverity.MAJOR,
            action="Wait for the rebuild to finish, then phase out and replace the drive.",
        )
        for failure in failures
        if failure.active(elapsed_s)
    ]
