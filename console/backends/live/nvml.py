"""Local GPUs through NVML (`pynvml` from the `nvidia-ml-py` distribution), for the live backend's GPU panel.

rwc often runs on a GPU node over SSH, so the GPUs of *this* host are read straight from the driver, the way
nvidia-smi and nvitop do (reference/nvml.md). The reader is synchronous on purpose: NVML calls are blocking
C calls, and the live backend runs them in a worker thread so rendering never waits on the driver.

Failure policy (reference/nvml.md §4, nvitop's approach):

- no driver / library missing / kernel module not loaded / library-module mismatch at start: the reader is
  *unavailable* and says why in one human sentence (`unavailable_reason()`); `read()` raises `Unavailable`.
  Nothing here ever prints a traceback for a host without GPUs.
- a single reading a device does not report (NotSupported, NoPermission, FunctionNotFound, NoData, Unknown)
  becomes `None`, shown as N/A, never 0.
- a GPU that fell off the bus (GpuIsLost), needs a reset, or a driver that went away mid-run: `Unavailable`.
- an NVML timeout: `Timeout`; anything else NVML answers that rwc cannot interpret: `BadResponse`.

Every error carries `service="nvml"`. `pynvml` is imported lazily inside the reader, so importing this module
is cheap and the demo path never loads the bindings.

Run `python -m console.backends.live.nvml` for a one-line-per-GPU self-check (exit 0 also when there is no
driver: then it prints the reason).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

from console.data.errors import BackendError, BadResponse, Timeout, Unavailable
from console.model.runai import GpuDevice

SERVICE = "nvml"
"""The `service` every error from this module names."""

_MIB = 1024 * 1024

# NVML return codes (reference/nvml.md §4). Kept as plain ints so classification works on any pynvml version,
# including ones that lack a newer `NVMLError_*` subclass.
_UNINITIALIZED = 1
_NOT_SUPPORTED = 3
_NO_PERMISSION = 4
_NOT_FOUND = 6
_DRIVER_NOT_LOADED = 9
_TIMEOUT = 10
_LIBRARY_NOT_FOUND = 12
_FUNCTION_NOT_FOUND = 13
_GPU_IS_LOST = 15
_RESET_REQUIRED = 16
_OPERATING_SYSTEM = 17
_LIB_RM_VERSION_MISMATCH = 18
_NO_DATA = 21
_ARGUMENT_VERSION_MISMATCH = 25
_DEPRECATED = 26
_GPU_NOT_FOUND = 28
_UNKNOWN = 999

_NOT_AVAILABLE_CODES = frozenset(
    {_NOT_SUPPORTED, _NO_PERMISSION, _NOT_FOUND, _FUNCTION_NOT_FOUND, _NO_DATA, _DEPRECATED, _UNKNOWN}
)
"""Codes that mean "this device does not report this value": that one reading becomes None (N/A)."""

_UNAVAILABLE_CODES = frozenset(
    {
        _UNINITIALIZED,
        _DRIVER_NOT_LOADED,
        _LIBRARY_NOT_FOUND,
        _GPU_IS_LOST,
        _RESET_REQUIRED,
        _OPERATING_SYSTEM,
        _LIB_RM_VERSION_MISMATCH,
        _GPU_NOT_FOUND,
    }
)
"""Codes that mean the driver or the GPU itself is gone: the panel cannot be trusted, so the read fails."""

_PANEL_UNAVAILABLE = "the GPU panel is unavailable"

_INIT_REASONS: dict[int, str] = {
    _LIBRARY_NOT_FOUND: f"No NVIDIA driver on this host (libnvidia-ml.so.1 not found); {_PANEL_UNAVAILABLE}",
    _DRIVER_NOT_LOADED: (
        "The NVIDIA driver library is installed but its kernel module is not loaded "
        f"(NVML: Driver Not Loaded); {_PANEL_UNAVAILABLE}"
    ),
    _LIB_RM_VERSION_MISMATCH: (
        "The NVIDIA driver library and kernel module versions differ (driver upgraded without a reboot?); "
        f"{_PANEL_UNAVAILABLE}"
    ),
    _NO_PERMISSION: f"No permission to open the NVIDIA devices (/dev/nvidia*); {_PANEL_UNAVAILABLE}",
}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GpuProcess:
    """A compute process on a local GPU as NVML reports it.

    Kept apart from `GpuAllocation` on purpose: NVML knows PIDs (in the host PID namespace) and memory, not
    Run:ai workloads or fractions; matching a PID to a workload is the caller's business.
    """

    gpu_index: int
    gpu_uuid: str
    pid: int
    used_memory_mib: int | None  # None: NVML cannot say (MIG-enabled GPUs, some containers)


class NvmlGpuReader:
    """Reads this host's GPUs through NVML; NVML is initialised once, lazily, and shut down by `close()`.

    Thread-safe (one lock around every NVML conversation), so the live backend may call it from worker
    threads. If the driver was missing, the next call tries again, so a driver loaded later is picked up.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._nvml: Any = None  # the pynvml module, set once nvmlInit succeeded
        self._reason: str | None = None
        self._driver_version: str | None = None
        self._memory_v2: bool = True  # False once the driver showed it lacks nvmlDeviceGetMemoryInfo_v2

    # -- lifecycle ---------------------------------------------------------------------------------------

    def available(self) -> bool:
        """True when NVML started; False (with `unavailable_reason()`) on a host without a usable driver."""
        with self._lock:
            return self._ensure_init() is not None

    def unavailable_reason(self) -> str | None:
        """One human sentence saying why there is no GPU data, or None when NVML is available."""
        with self._lock:
            return None if self._ensure_init() is not None else self._reason

    def driver_version(self) -> str | None:
        """The NVIDIA driver version ("580.95.05"), or None when unavailable or not reported."""
        with self._lock:
            return self._driver_version if self._ensure_init() is not None else None

    def close(self) -> None:
        """Shut NVML down (matching the one `nvmlInit`); idempotent, never raises."""
        with self._lock:
            nvml, self._nvml = self._nvml, None
            self._reason = None
            self._driver_version = None
            if nvml is None:
                return
            # Shutting down a broken driver must not crash the app's exit.
            with contextlib.suppress(Exception):
                nvml.nvmlShutdown()

    def __enter__(self) -> NvmlGpuReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _ensure_init(self) -> Any:
        """Import pynvml and call nvmlInit once; on failure remember a human reason and return None."""
        if self._nvml is not None:
            return self._nvml
        try:
            import pynvml
        except ImportError:
            self._reason = f"The NVML Python bindings (nvidia-ml-py) are not installed; {_PANEL_UNAVAILABLE}"
            return None
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError as exc:
            code = _code(exc)
            self._reason = _INIT_REASONS.get(code) or (
                f"NVML failed to start ({_describe(exc)}); {_PANEL_UNAVAILABLE}"
            )
            return None
        except Exception as exc:  # a broken library must become a reason, not a traceback
            self._reason = f"NVML failed to start ({type(exc).__name__}: {exc}); {_PANEL_UNAVAILABLE}"
            return None
        self._nvml = pynvml
        self._reason = None
        try:
            self._driver_version = str(pynvml.nvmlSystemGetDriverVersion())
        except Exception:  # the version is decoration for the header; N/A is fine
            self._driver_version = None
        return pynvml

    def _require(self) -> Any:
        nvml = self._ensure_init()
        if nvml is None:
            raise Unavailable(self._reason, service=SERVICE)
        return nvml

    def started(self) -> tuple[Any, list[tuple[int, Any, str]]]:
        """NVML (started) and this host's GPUs as (index, handle, UUID), for `NvmlEventWatcher`, which then
        talks to NVML without this reader's lock (NVML is thread-safe: the NVML API reference, "Thread
        Safety", https://docs.nvidia.com/deploy/nvml-api/); raises
        `Unavailable` without a driver."""
        with self._lock:
            nvml = self._require()
            return nvml, [
                (
                    index,
                    handle,
                    self._identity(nvml, index, "UUID", partial(nvml.nvmlDeviceGetUUID, handle))
                    or _placeholder_uuid(index),
                )
                for index, handle in self._handles(nvml)
            ]

    # -- reading -----------------------------------------------------------------------------------------

    def read(self, node_name: str) -> list[GpuDevice]:
        """Every GPU NVML exposes on this host, as `GpuDevice`s attributed to `node_name`.

        NVML indexes all GPUs the driver exposes; CUDA_VISIBLE_DEVICES does not filter them (reference §3).
        `allocations` stays empty: NVML knows processes, not Run:ai fractions (see `processes()`).
        """
        with self._lock:
            nvml = self._require()
            return [self._read_device(nvml, node_name, i, handle) for i, handle in self._handles(nvml)]

    def processes(self) -> list[GpuProcess]:
        """Compute processes on every GPU (nvmlDeviceGetComputeRunningProcesses), in the host PID namespace.

        A GPU that cannot report its processes (NotSupported, or bindings newer than the driver) adds none
        rather than failing the whole list; the GPU readings from `read()` stay the source of truth.
        """
        with self._lock:
            nvml = self._require()
            found: list[GpuProcess] = []
            for index, handle in self._handles(nvml):
                uuid = self._identity(nvml, index, "UUID", partial(nvml.nvmlDeviceGetUUID, handle))
                uuid = uuid or _placeholder_uuid(index)
                procs = self._field(
                    nvml, index, "processes", partial(nvml.nvmlDeviceGetComputeRunningProcesses, handle)
                )
                for proc in procs or ():
                    used = getattr(proc, "usedGpuMemory", None)
                    found.append(
                        GpuProcess(
                            gpu_index=index,
                            gpu_uuid=uuid,
                            pid=int(proc.pid),
                            used_memory_mib=None if used is None else int(used) // _MIB,
                        )
                    )
            return found

    def _handles(self, nvml: Any) -> list[tuple[int, Any]]:
        """(index, handle) for every device; a failure here means no trustworthy list at all, so it raises."""
        count = self._structural(nvml, "count the GPUs", nvml.nvmlDeviceGetCount)
        return [
            (i, self._structural(nvml, f"open GPU {i}", partial(nvml.nvmlDeviceGetHandleByIndex, i)))
            for i in range(int(count))
        ]

    def _read_device(self, nvml: Any, node_name: str, index: int, handle: Any) -> GpuDevice:
        model = self._identity(nvml, index, "name", lambda: nvml.nvmlDeviceGetName(handle))
        uuid = self._identity(nvml, index, "UUID", lambda: nvml.nvmlDeviceGetUUID(handle))
        memory = self._field(nvml, index, "memory", lambda: self._memory(nvml, handle))
        utilization = self._field(
            nvml, index, "utilisation", lambda: nvml.nvmlDeviceGetUtilizationRates(handle)
        )
        temperature = self._field(nvml, index, "temperature", lambda: self._temperature(nvml, handle))
        power_mw = self._field(nvml, index, "power draw", lambda: nvml.nvmlDeviceGetPowerUsage(handle))
        mig = self._field(nvml, index, "MIG mode", lambda: nvml.nvmlDeviceGetMigMode(handle))
        mig_enable = getattr(nvml, "NVML_DEVICE_MIG_ENABLE", 1)
        return GpuDevice(
            node_name=node_name,
            index=index,
            uuid=uuid or _placeholder_uuid(index),
            model=model or "unknown GPU",
            # The model requires an int total; 0 (with used None) is the "memory not reported" case, which
            # real GPUs do not hit — the panel should read it as N/A.
            memory_total_mib=int(memory.total) // _MIB if memory is not None else 0,
            memory_used_mib=int(memory.used) // _MIB if memory is not None else None,
            utilization_percent=float(utilization.gpu) if utilization is not None else None,
            temperature_celsius=float(temperature) if temperature is not None else None,
            power_watts=round(int(power_mw) / 1000.0, 3) if power_mw is not None else None,
            mig_enabled=bool(mig is not None and int(mig[0]) == mig_enable),
        )

    def _memory(self, nvml: Any, handle: Any) -> Any:
        """Memory in bytes; prefers v2, whose `used` leaves out driver-reserved memory (as nvidia-smi and
        nvitop show it), and falls back to v1 on drivers or bindings without it (reference §3, §5)."""
        version = getattr(nvml, "nvmlMemory_v2", None)
        if self._memory_v2 and version is not None:
            try:
                return nvml.nvmlDeviceGetMemoryInfo(handle, version=version)
            except TypeError:  # bindings whose nvmlDeviceGetMemoryInfo has no `version`
                self._memory_v2 = False
            except nvml.NVMLError as exc:
                if _code(exc) in (_FUNCTION_NOT_FOUND, _ARGUMENT_VERSION_MISMATCH):
                    self._memory_v2 = False  # the driver lacks it; stop asking
                elif _code(exc) != _NOT_SUPPORTED:
                    raise
        return nvml.nvmlDeviceGetMemoryInfo(handle)

    @staticmethod
    def _temperature(nvml: Any, handle: Any) -> Any:
        """GPU core temperature in °C: the classic call, or `…TemperatureV` where only the newer one exists
        (the classic one is marked for removal in CUDA 14)."""
        sensor = getattr(nvml, "NVML_TEMPERATURE_GPU", 0)
        classic = getattr(nvml, "nvmlDeviceGetTemperature", None)
        if classic is not None:
            try:
                return classic(handle, sensor)
            except nvml.NVMLError as exc:
                if _code(exc) != _FUNCTION_NOT_FOUND:
                    raise
        versioned = getattr(nvml, "nvmlDeviceGetTemperatureV", None)
        if versioned is None:
            raise nvml.NVMLError(_FUNCTION_NOT_FOUND)
        return versioned(handle, sensor)

    # -- error mapping -----------------------------------------------------------------------------------

    def _field(self, nvml: Any, index: int, what: str, call: Callable[[], T]) -> T | None:
        """One optional reading: None when the device does not report it, a `BackendError` when it matters."""
        try:
            return call()
        except Exception as exc:  # classified below; nothing raw leaves this module
            if _is_not_available(nvml, exc):
                return None
            raise _backend_error(exc, f"read the {what} of GPU {index}") from exc

    def _identity(self, nvml: Any, index: int, what: str, call: Callable[[], str]) -> str | None:
        """Name or UUID: same rules as `_field`; the caller substitutes a placeholder for None."""
        value = self._field(nvml, index, what, call)
        return str(value) if value else None

    @staticmethod
    def _structural(nvml: Any, what: str, call: Callable[[], T]) -> T:
        """Count and handles: without them there is no list to show, so every failure raises."""
        try:
            return call()
        except Exception as exc:  # classified below
            raise _backend_error(exc, what) from exc


def _code(exc: BaseException) -> int:
    """The NVML return code of an `NVMLError` (its `.value`), or -1 for anything else."""
    value = getattr(exc, "value", None)
    return value if isinstance(value, int) else -1


def _describe(exc: BaseException) -> str:
    """`str()` of an NVMLError, which may itself call into NVML for unknown codes; never raises."""
    try:
        text = str(exc)
    except Exception:  # str() may call back into NVML
        text = ""
    code = _code(exc)
    return f"{text or type(exc).__name__} [code {code}]" if code >= 0 else (text or type(exc).__name__)


def _is_not_available(nvml: Any, exc: BaseException) -> bool:
    mismatch = getattr(nvml, "NVMLLibraryMismatchError", None)
    if mismatch is not None and isinstance(exc, mismatch):
        return True  # an unversioned wrapper whose symbol this driver lacks: same as FunctionNotFound
    return isinstance(exc, nvml.NVMLError) and _code(exc) in _NOT_AVAILABLE_CODES


def _backend_error(exc: BaseException, doing: str) -> BackendError:
    """Map one failed NVML call onto rwc's error hierarchy, with a message a user can act on."""
    code = _code(exc)
    detail = _describe(exc)
    if code == _GPU_IS_LOST:
        return Unavailable(
            f"Could not {doing}: the GPU is lost (fell off the bus; needs a reset)", service=SERVICE
        )
    if code == _RESET_REQUIRED:
        return Unavailable(f"Could not {doing}: the GPU needs a reset", service=SERVICE)
    if code in _UNAVAILABLE_CODES:
        return Unavailable(f"Could not {doing}: the NVIDIA driver is not usable ({detail})", service=SERVICE)
    if code == _TIMEOUT:
        return Timeout(f"Could not {doing}: NVML timed out", service=SERVICE)
    return BadResponse(f"Could not {doing}: NVML answered {detail}", service=SERVICE)


def _placeholder_uuid(index: int) -> str:
    """A stable key for a GPU whose UUID NVML will not give (keeps table rows keyed)."""
    return f"nvml-index-{index}"


# -- self-check ------------------------------------------------------------------------------------------


def _na(value: float | int | None, fmt: str) -> str:
    return "N/A" if value is None else fmt.format(value)


def format_gpu_line(gpu: GpuDevice) -> str:
    """One line per GPU, like a compact nvidia-smi row; N/A where the device does not report a value.

    ASCII only ("C", not "°C"), so it prints on any terminal or locale the GPU machine has.
    """
    total = _na(gpu.memory_total_mib or None, "{}")
    return (
        f"GPU {gpu.index}: {gpu.model} | mem {_na(gpu.memory_used_mib, '{}')}/{total} MiB"
        f" | util {_na(gpu.utilization_percent, '{:.0f}%')}"
        f" | temp {_na(gpu.temperature_celsius, '{:.0f} C')}"
        f" | power {_na(gpu.power_watts, '{:.1f} W')}"
        f" | MIG {'on' if gpu.mig_enabled else 'off'} | {gpu.uuid}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print this host's GPUs, or why there are none. Exit 0 when it read them or there is no driver;
    1 when a driver is present but reading failed (that is what a self-check must flag)."""
    parser = argparse.ArgumentParser(
        prog="python -m console.backends.live.nvml",
        description="Self-check of rwc's NVML reader: one line per local GPU.",
    )
    parser.add_argument("--node", default=socket.gethostname(), help="node name to attribute the GPUs to")
    parser.add_argument(
        "--events",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="then watch XID errors and clock throttling for this long, one line per event",
    )
    args = parser.parse_args(argv)
    with NvmlGpuReader() as reader:
        if not reader.available():
            print(f"nvml: {reader.unavailable_reason()}", flush=True)
            return 0
        try:
            gpus = reader.read(args.node)
            procs = reader.processes()
        except BackendError as exc:
            print(f"nvml: error: {exc}", flush=True)
            return 1
        driver = reader.driver_version() or "N/A"
        print(f"nvml: driver {driver}, {len(gpus)} GPU(s) on {args.node}", flush=True)
        for gpu in gpus:
            print(format_gpu_line(gpu))
            for proc in (p for p in procs if p.gpu_index == gpu.index):
                print(f"  process {proc.pid}: {_na(proc.used_memory_mib, '{} MiB')}")
        if args.events > 0:
            return _watch_events(reader, args.node, args.events)
    sys.stdout.flush()
    return 0


def _watch_events(reader: NvmlGpuReader, node: str, seconds: float) -> int:
    """Print the GPU events (`NvmlEventWatcher`) seen in `seconds`, oldest first; 1 if the watch broke."""
    import time

    from console.backends.live.nvml_events import NvmlEventWatcher

    watcher = NvmlEventWatcher(reader, node)
    watcher.start()
    print(f"nvml: watching events for {seconds:g} s (XID events {'on' if watcher.xid_supported else 'off'})")
    time.sleep(seconds)
    watcher.close()
    for event in reversed(watcher.events()):
        print(
            f"event {event.at:%H:%M:%S} {event.severity} {event.reason} {event.subject.name}: {event.message}"
        )
    if watcher.stopped_reason:
        print(f"nvml: {watcher.stopped_reason}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
