"""The simulator's GPU faults: XID errors in its past and GPUs that throttle on a schedule, as NVML would say.

A real cluster's GPUs fail in a few recognisable ways (a GPU falls off the bus and its node goes NotReady; an
uncorrectable ECC error leaves a row to remap at the next reset; a GPU with a weak fan slows down when busy),
and an admin reads them next to the scheduler's events. The demo keeps a few: XIDs recorded by the scenario,
and throttle episodes that are a pure function of the clock (so nothing runs per tick, and any moment's state,
past or present, is computed, not stored). Events are made by `console.model.gpu_events`, the same rules the
live backend's NVML watcher uses.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.model.events import Event
from console.model.gpu_events import THROTTLE_HW_THERMAL, THROTTLE_SW_THERMAL, throttle_event, xid_event
from console.sim.clock import Clock
from console.sim.runai_state import ClusterState

XID_HISTORY = 200
"""XIDs kept (the demo records a handful; a scenario cannot grow the simulator without bound)."""

EPISODES_SHOWN = 6
"""Past throttle episodes each flaky GPU contributes to the event list (the newest)."""

HOT_CELSIUS = 89.0
"""What a GPU in a thermal slowdown reads: above an H100's slowdown threshold (about 87 °C)."""


@dataclass(frozen=True, slots=True)
class ThrottleEpisodes:
    """A GPU that throttles for `duration_s` every `period_s`, the first starting at `first_start_s`
    (seconds since the clock's start; negative: before the demo began)."""

    node: str
    index: int
    uuid: str
    mask: int
    first_start_s: float
    period_s: float
    duration_s: float

    def active_at(self, t: float) -> bool:
        if t < self.first_start_s:
            return False
        return (t - self.first_start_s) % self.period_s < self.duration_s

    def starts_until(self, t: float) -> list[float]:
        """The starts of the newest `EPISODES_SHOWN` episodes that began by `t`, oldest first."""
        if t < self.first_start_s:
            return []
        newest = int((t - self.first_start_s) // self.period_s)
        first = max(0, newest - EPISODES_SHOWN + 1)
        return [self.first_start_s + k * self.period_s for k in range(first, newest + 1)]


class GpuFaults:
    """The GPU events of the simulated cluster: recorded XIDs and scheduled throttle episodes."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._xids: deque[Event] = deque(maxlen=XID_HISTORY)
        self._episodes: list[ThrottleEpisodes] = []

    def record_xid(self, *, node: str, index: int, uuid: str, xid: int, ago_s: float = 0.0) -> None:
        """An XID that GPU `index` of `node` reported `ago_s` seconds ago."""
        at = self._clock.now() - timedelta(seconds=ago_s)
        self._xids.append(xid_event(at=at, node=node, index=index, uuid=uuid, xid=xid))

    def now(self) -> datetime:
        return self._clock.now()

    def add_episodes(self, episodes: ThrottleEpisodes) -> None:
        self._episodes.append(episodes)

    def throttle_mask(self, node: str, index: int, t: float) -> int:
        """The throttle reasons GPU `index` of `node` has at `t` (seconds since the clock's start)."""
        mask = 0
        for episodes in self._episodes:
            if episodes.node == node and episodes.index == index and episodes.active_at(t):
                mask |= episodes.mask
        return mask

    def is_hot(self, node: str, index: int, t: float) -> bool:
        return bool(self.throttle_mask(node, index, t) & (THROTTLE_HW_THERMAL | THROTTLE_SW_THERMAL))

    def events(self) -> list[Event]:
        """Every GPU event up to now, in no particular order (the caller merges by time)."""
        now_s = self._clock.elapsed_seconds
        found = list(self._xids)
        for episodes in self._episodes:
            for start in episodes.starts_until(now_s):
                end = start + episodes.duration_s
                changes = [(start, 0, episodes.mask)] + ([(end, episodes.mask, 0)] if end <= now_s else [])
                for t, before, after in changes:
                    event = throttle_event(
                        at=self._clock.start + timedelta(seconds=t),
                        node=episodes.node,
                        index=episodes.index,
                        uuid=episodes.uuid,
                        before=before,
                        now=after,
                    )
                    if event is not None:
                        found.append(event)
        return found


def add_demo_faults(faults: GpuFaults, state: ClusterState) -> None:
    """The demo's GPU story: dgx-h100-04 went NotReady because its GPU 6 fell off the bus (XID 79, 40 s before
    the kubelet stopped reporting); dgx-a100-03's GPU 2 had an uncorrectable ECC error three hours ago and has
    a row to remap at its next reset; dgx-h100-02's GPU 5 (a weak fan) slows down for four minutes in every
    twenty, the next time three minutes after the demo starts."""

    def uuid(node: str, index: int) -> str:
        return state.nodes[node].gpus[index].uuid

    faults.record_xid(node="dgx-a100-03", index=2, uuid=uuid("dgx-a100-03", 2), xid=48, ago_s=3 * 3600.0)
    faults.record_xid(node="dgx-a100-03", index=2, uuid=uuid("dgx-a100-03", 2), xid=63, ago_s=3 * 3600.0 - 1)
    down_for = (faults.now() - state.nodes["dgx-h100-04"].status_since).total_seconds()
    faults.record_xid(node="dgx-h100-04", index=6, uuid=uuid("dgx-h100-04", 6), xid=79, ago_s=down_for + 40)
    faults.add_episodes(
        ThrottleEpisodes(
            node="dgx-h100-02",
            index=5,
            uuid=uuid("dgx-h100-02", 5),
            mask=THROTTLE_HW_THERMAL,
            first_start_s=-17 * 60.0,
            period_s=20 * 60.0,
            duration_s=4 * 60.0,
        )
    )
