"""`NvmlEventWatcher`: this host's GPU events (XID errors, clock throttling) as NVML reports them.

No API carries a GPU's XID errors or why its clocks are held down; NVML does, for this host's GPUs. XIDs
are NVML *events*: registered once on an event set (`nvmlDeviceRegisterEvents` with
`nvmlEventTypeXidCriticalError`) and read with `nvmlEventSetWait_v2`, which blocks up to a timeout.
Throttling is a *state* (`nvmlDeviceGetCurrentClocksEventReasons`), so it is sampled and each change of what
matters becomes an event (`console.model.gpu_events`).

Why a thread: an XID must carry the time it happened, not the time someone opened the event list, so a daemon
thread waits on the event set (`WAIT_MS` at a time; a blocked wait costs no CPU) and samples the throttle
reasons every `THROTTLE_SAMPLE_SECONDS`. It keeps the newest `HISTORY` events in a ring; `events()` copies
them. NVML is thread-safe (NVML API reference, "Thread Safety", https://docs.nvidia.com/deploy/nvml-api/), so
the thread does not hold the reader's lock while it waits. A driver that stops answering ends the thread with
its reason kept (`stopped_reason`), never a traceback; a GPU that cannot report events (NotSupported) still
has its throttling sampled.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.data.errors import BackendError
from console.model.gpu_events import throttle_event, xid_event

if TYPE_CHECKING:
    from console.backends.live.nvml import NvmlGpuReader
    from console.model.events import Event

WAIT_MS = 1000
"""How long one `nvmlEventSetWait_v2` blocks; also how soon `close()` takes effect."""

THROTTLE_SAMPLE_SECONDS = 5.0
"""How often the throttle reasons are read (as `nvidia-smi -l 5`); a shorter slowdown can be missed."""

HISTORY = 500
"""GPU events kept in memory, newest last (a storm of XIDs cannot grow rwc)."""

MAX_EVENTS_PER_DRAIN = 256
"""Events read from the set in one go before sampling throttle again (an XID storm cannot starve it)."""

_XID_EVENT = 0x08  # nvmlEventTypeXidCriticalError
_TIMEOUT = 10  # NVML_ERROR_TIMEOUT: the wait ended with no event
_NOT_SUPPORTED_CODES = frozenset({3, 13})  # NOT_SUPPORTED, FUNCTION_NOT_FOUND


def _code(exc: BaseException) -> int:
    value = getattr(exc, "value", None)
    return value if isinstance(value, int) else -1


class NvmlEventWatcher:
    """Watches this host's GPUs for XID errors and throttling; `events()` answers the newest first."""

    def __init__(
        self,
        reader: NvmlGpuReader,
        node_name: str,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._reader = reader
        self._node = node_name
        self._now = now
        self._events: deque[Event] = deque(maxlen=HISTORY)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._nvml: Any = None
        self._event_set: Any = None
        self._devices: list[tuple[int, Any, str]] = []
        self._throttle: dict[int, int] = {}
        self._throttle_call: str | None = None
        self.xid_supported = False
        """Whether at least one GPU accepted the XID registration (False: only throttling is watched)."""
        self.stopped_reason: str | None = None

    # -- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Register for XIDs, take the first throttle sample and start the thread; idempotent. Raises a
        `BackendError` (Unavailable) without a driver, so the caller can say why there are no GPU events."""
        if self._thread is not None:
            return
        self.open()
        self._thread = threading.Thread(target=self._run, name="rwc-nvml-events", daemon=True)
        self._thread.start()

    def open(self) -> None:
        """Register on an event set and take the first throttle sample, without a thread (`start` does both;
        tests drive `drain` and `sample_throttle` themselves)."""
        if self._nvml is not None:
            return
        nvml, devices = self._reader.started()
        self._nvml, self._devices = nvml, devices
        try:
            self._event_set = nvml.nvmlEventSetCreate()
        except Exception as exc:  # no events on this driver: throttling is still sampled
            if _code(exc) not in _NOT_SUPPORTED_CODES:
                self.stopped_reason = f"NVML events are unavailable ({exc})"
            self._event_set = None
        for _index, handle, _uuid in devices if self._event_set is not None else ():
            try:
                supported = int(nvml.nvmlDeviceGetSupportedEventTypes(handle))
                if supported & _XID_EVENT:
                    nvml.nvmlDeviceRegisterEvents(handle, _XID_EVENT, self._event_set)
                    self.xid_supported = True
            except Exception:  # noqa: S112 - this GPU reports no events; the others still do
                continue
        self.sample_throttle()

    def close(self) -> None:
        """Stop the thread (within `WAIT_MS`) and free the event set; before NVML shuts down. Never raises."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=WAIT_MS / 1000 + 2)
        event_set, self._event_set = self._event_set, None
        if event_set is not None and self._nvml is not None:
            with contextlib.suppress(Exception):  # a driver gone at exit must not fail the exit
                self._nvml.nvmlEventSetFree(event_set)

    # -- reading -------------------------------------------------------------------------------------

    def events(self) -> list[Event]:
        """The GPU events seen so far, newest first."""
        with self._lock:
            return list(reversed(self._events))

    def drain(self, timeout_ms: int) -> int:
        """Read the XIDs waiting on the event set (waiting up to `timeout_ms` for the first); how many."""
        nvml, event_set = self._nvml, self._event_set
        if nvml is None or event_set is None:
            if timeout_ms:
                self._stop.wait(timeout_ms / 1000)
            return 0
        count = 0
        wait = timeout_ms
        while count < MAX_EVENTS_PER_DRAIN:
            try:
                data = nvml.nvmlEventSetWait_v2(event_set, wait)
            except nvml.NVMLError as exc:
                if _code(exc) == _TIMEOUT:
                    return count
                raise
            wait = 0
            count += 1
            if int(data.eventType) & _XID_EVENT:
                index, uuid = self._identify(data.device)
                self._record(
                    xid_event(
                        at=self._now(), node=self._node, index=index, uuid=uuid, xid=int(data.eventData)
                    )
                )
        return count

    def sample_throttle(self) -> None:
        """Read each GPU's throttle reasons; a change of what matters becomes an event."""
        nvml = self._nvml
        if nvml is None:
            return
        for index, handle, uuid in self._devices:
            mask = self._throttle_reasons(nvml, handle)
            if mask is None:
                continue
            event = throttle_event(
                at=self._now(),
                node=self._node,
                index=index,
                uuid=uuid,
                before=self._throttle.get(index, 0),
                now=mask,
            )
            self._throttle[index] = mask
            if event is not None:
                self._record(event)

    def _throttle_reasons(self, nvml: Any, handle: Any) -> int | None:
        """The clocks-event reason mask: the current call, or the deprecated `...ThrottleReasons` on older
        bindings or drivers; None when the GPU does not report it."""
        names = (
            [self._throttle_call]
            if self._throttle_call
            else ["nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"]
        )
        for name in names:
            call = getattr(nvml, name, None)
            if call is None:
                continue
            try:
                mask = int(call(handle))
            except Exception as exc:  # classified: not reported means N/A, anything else is no reading
                if _code(exc) in _NOT_SUPPORTED_CODES:
                    continue
                return None
            self._throttle_call = name
            return mask
        return None

    def _identify(self, device: Any) -> tuple[int, str]:
        """The index and UUID of the GPU an event came from (matched by UUID; -1 when it is not ours)."""
        try:
            uuid = self._nvml.nvmlDeviceGetUUID(device)
        except Exception:
            return -1, ""
        uuid = uuid.decode() if isinstance(uuid, bytes) else str(uuid)
        for index, _handle, known in self._devices:
            if known == uuid:
                return index, uuid
        return -1, uuid

    def _record(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)

    def _run(self) -> None:
        """The thread: wait for XIDs, sample throttling every `THROTTLE_SAMPLE_SECONDS`, until `close()`."""
        next_sample = time.monotonic() + THROTTLE_SAMPLE_SECONDS
        while not self._stop.is_set():
            try:
                self.drain(WAIT_MS)
                if time.monotonic() >= next_sample:
                    next_sample = time.monotonic() + THROTTLE_SAMPLE_SECONDS
                    self.sample_throttle()
            except Exception as exc:  # a driver gone mid-run ends the watch, said in words, not a traceback
                self.stopped_reason = f"NVML stopped reporting GPU events: {_describe(exc)}"
                return


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BackendError):
        return str(exc)
    try:
        text = str(exc)
    except Exception:  # an NVMLError's str() may call back into a broken driver
        text = ""
    return text or type(exc).__name__
