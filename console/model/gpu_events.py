"""GPU events in the one event model: XID errors and clock throttling, as NVML reports them.

A GPU that fell off the bus, a double-bit ECC error or a GPU slowed by heat is what an admin must see next
to the scheduler's events: the job that died at 03:12 died because its GPU reported XID 79 at 03:11. NVML
delivers XID errors as events (`nvmlEventTypeXidCriticalError`, with the XID code as `eventData`) and the
reasons a GPU's clocks are held down as a bit mask (`nvmlDeviceGetCurrentClocksEventReasons`, formerly
`...ThrottleReasons`); a change of that mask is an event here.

The rules that turn those readings into `Event`s are written once, here, and used by the live backend
(console/backends/live/nvml_events.py, this host's GPUs) and by the simulator's GPU-fault source
(console/sim/runai_gpu_faults.py) alike.

XID meanings and what to do about them follow NVIDIA's Xid catalog for Ampere and newer GPUs
(https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html, its "Resolution Bucket (Immediate
Action)" column) and the page-retirement guide (https://docs.nvidia.com/deploy/dynamic-page-retirement/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.model.events import Event, EventObject, EventObjectKind, EventSeverity, EventSource


@dataclass(frozen=True, slots=True)
class XidMeaning:
    """What an XID says happened, and what the catalog says to do first."""

    description: str
    action: str
    severity: EventSeverity


_RESTART_APP = "restart the application"
_RESET_GPU = "drain the node and reset the GPU"
_REBOOT = "drain the node and reboot it; replace the GPU if it recurs"
_NONE = "no action unless it recurs"

XID_MEANINGS: dict[int, XidMeaning] = {
    8: XidMeaning("GPU stopped processing (channel idle timeout)", _RESTART_APP, EventSeverity.WARNING),
    13: XidMeaning(
        "graphics engine exception (often an application fault)", _RESTART_APP, EventSeverity.WARNING
    ),
    31: XidMeaning(
        "GPU memory page fault (often an illegal address in the application)",
        _RESTART_APP,
        EventSeverity.WARNING,
    ),
    43: XidMeaning("GPU stopped processing", _RESTART_APP, EventSeverity.WARNING),
    45: XidMeaning(
        "preemptive cleanup after an earlier error or a killed process", _NONE, EventSeverity.NORMAL
    ),
    48: XidMeaning("double-bit ECC error (uncorrectable memory error)", _RESET_GPU, EventSeverity.CRITICAL),
    61: XidMeaning("internal micro-controller breakpoint", _RESET_GPU, EventSeverity.CRITICAL),
    62: XidMeaning("internal micro-controller halt", _RESET_GPU, EventSeverity.CRITICAL),
    63: XidMeaning(
        "memory row remapped or page retired; takes effect at the next GPU reset",
        _RESET_GPU,
        EventSeverity.WARNING,
    ),
    64: XidMeaning("memory row remapping or page retirement failed", _REBOOT, EventSeverity.CRITICAL),
    74: XidMeaning("NVLink error", _RESET_GPU, EventSeverity.CRITICAL),
    79: XidMeaning("GPU has fallen off the bus", _REBOOT, EventSeverity.CRITICAL),
    92: XidMeaning("high single-bit ECC error rate", _NONE, EventSeverity.WARNING),
    94: XidMeaning(
        "contained ECC error (only the affected application was stopped)", _RESTART_APP, EventSeverity.WARNING
    ),
    95: XidMeaning(
        "uncontained ECC error (every application on the GPU was stopped)", _RESET_GPU, EventSeverity.CRITICAL
    ),
    109: XidMeaning("context switch timeout", _RESTART_APP, EventSeverity.WARNING),
    119: XidMeaning("GSP firmware RPC timeout", _RESET_GPU, EventSeverity.CRITICAL),
    120: XidMeaning("GSP firmware error", _RESET_GPU, EventSeverity.CRITICAL),
    140: XidMeaning("unrecovered ECC error", _RESET_GPU, EventSeverity.CRITICAL),
}
"""The XIDs a training cluster meets; any other code still shows, as "XID n" with the catalog to look up."""

_UNKNOWN_XID = XidMeaning(
    "see NVIDIA's Xid catalog", "look the code up in NVIDIA's Xid catalog", EventSeverity.WARNING
)


# Bits of nvmlClocksEventReasons (nvml.h; pynvml's nvmlClocksEventReason* constants).
THROTTLE_SW_POWER_CAP = 0x04
THROTTLE_HW_SLOWDOWN = 0x08
THROTTLE_SW_THERMAL = 0x20
THROTTLE_HW_THERMAL = 0x40
THROTTLE_HW_POWER_BRAKE = 0x80

THROTTLE_REASONS: dict[int, str] = {
    THROTTLE_HW_THERMAL: "hardware thermal slowdown (the GPU is too hot)",
    THROTTLE_HW_POWER_BRAKE: "hardware power brake (the power supply asserted a brake)",
    THROTTLE_HW_SLOWDOWN: "hardware slowdown (heat or power)",
    THROTTLE_SW_THERMAL: "software thermal slowdown (above its maximum operating temperature)",
    THROTTLE_SW_POWER_CAP: "power cap (drawing its power limit)",
}
"""The reasons that cost an admin throughput, worst first. The others in the mask (idle, application clocks,
sync boost, display clocks) are the normal state of a GPU and never make an event."""

THROTTLE_MASK = sum(THROTTLE_REASONS)
"""The bits of the reason mask that matter (see `THROTTLE_REASONS`)."""

_HARDWARE_THROTTLE = (
    THROTTLE_HW_THERMAL | THROTTLE_HW_POWER_BRAKE | THROTTLE_HW_SLOWDOWN | THROTTLE_SW_THERMAL
)

XID_REASON = "Xid"
THROTTLED_REASON = "ClocksThrottled"
THROTTLE_ENDED_REASON = "ClocksRestored"
"""Event reasons, in the CamelCase Kubernetes and Run:ai use for theirs."""


def gpu_object(node: str, index: int, uuid: str = "") -> EventObject:
    """A GPU as an event's subject: `dgx-h100-04/gpu6`, on its node (so the node's timeline shows it)."""
    return EventObject(EventObjectKind.GPU, f"{node}/gpu{index}", node=node, id=uuid)


def xid_meaning(xid: int) -> XidMeaning:
    return XID_MEANINGS.get(xid, _UNKNOWN_XID)


def xid_event(*, at: datetime, node: str, index: int, uuid: str, xid: int) -> Event:
    """An XID error of one GPU: what it means and what to do, as the Xid catalog says."""
    meaning = xid_meaning(xid)
    return Event(
        at=at,
        source=EventSource.NVML,
        severity=meaning.severity,
        reason=XID_REASON,
        message=f"XID {xid} on GPU {index}: {meaning.description}; {meaning.action}",
        subject=gpu_object(node, index, uuid),
    )


def throttle_names(mask: int) -> list[str]:
    """The reasons set in `mask` that matter, worst first, in words."""
    return [words for bit, words in THROTTLE_REASONS.items() if mask & bit]


def throttle_event(*, at: datetime, node: str, index: int, uuid: str, before: int, now: int) -> Event | None:
    """The event for a GPU whose throttle reasons went from `before` to `now`, or None when nothing that
    matters changed. Hardware and thermal slowdowns are warnings; a power cap alone is how a busy GPU runs."""
    before, now = before & THROTTLE_MASK, now & THROTTLE_MASK
    if before == now:
        return None
    if now:
        severity = EventSeverity.WARNING if now & _HARDWARE_THROTTLE else EventSeverity.NORMAL
        reason, message = THROTTLED_REASON, f"GPU {index} clocks slowed: {', '.join(throttle_names(now))}"
    else:
        severity = EventSeverity.NORMAL
        reason = THROTTLE_ENDED_REASON
        message = f"GPU {index} clocks back to normal after {', '.join(throttle_names(before))}"
    return Event(
        at=at,
        source=EventSource.NVML,
        severity=severity,
        reason=reason,
        message=message,
        subject=gpu_object(node, index, uuid),
    )
