"""Compact, unit-carrying text for table cells: ages, GPU amounts, bytes.

Every screen formats the same quantities; one module keeps `0.5` GPUs, `20GiB` and `3h12m` looking the
same everywhere, and keeps the 80-column budget in mind (most values fit in 6 characters).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from console.model import GpuRequestKind
from console.model.units import BINARY_UNITS, scale_binary

if TYPE_CHECKING:
    from console.model import (
        GpuRequest,
    )

NOT_AVAILABLE = "—"
"""What a cell shows for a value the backend does not report (never a misleading 0)."""

UNLIMITED_SYMBOL = "∞"


def format_age(now: datetime, then: datetime | None) -> str:
    """k9s-style age (`45s`, `12m`, `3h12m`, `14h`, `2d3h`, `40d`); pass the backend's `now()`."""
    if then is None:
        return NOT_AVAILABLE
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 10:
        return f"{hours}h{minutes}m" if minutes else f"{hours}h"
    if hours < 24:
        return f"{hours}h"
    days, hours = divmod(hours, 24)
    if days < 10:
        return f"{days}d{hours}h" if hours else f"{days}d"
    return f"{days}d"


def format_clock_time(moment: datetime) -> str:
    """`HH:MM:SS` in the moment's own zone, for "stale since" lines."""
    return moment.strftime("%H:%M:%S")


def format_gpus(amount: float) -> str:
    """GPU counts as people write them: `2`, `0.5`, `0.25`, `1.5` (no trailing zeros)."""
    rounded = round(amount, 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:g}"


def format_gpu_sum(amount: float) -> str:
    """A sum of GPUs for a bar label, shorter than exact: `0.25`, `2.3`, `14.8`, `50` (sums of fractions
    such as 14.75 need not be exact in a label next to a bar)."""
    if abs(amount) < 1:
        return format_gpus(amount)
    rounded = round(amount, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def format_quota_limit(limit_gpus: float) -> str:
    """A quota limit, with the API's -1 shown as ∞."""
    return UNLIMITED_SYMBOL if limit_gpus < 0 else format_gpus(limit_gpus)


def format_bytes(size_bytes: int | float | None) -> str:
    """Binary units, at most one decimal and no space: `512MiB`, `20GiB`, `1.5TiB`."""
    if size_bytes is None:
        return NOT_AVAILABLE
    value, unit = scale_binary(size_bytes)
    if unit == "B" or value >= 100 or value == int(value):
        return f"{value:.0f}{unit}"
    return f"{value:.1f}{unit}"


def format_bytes_pair(used_bytes: int | float | None, total_bytes: int | float) -> str:
    """`used/total` in the total's unit, said once: `1.7/2TiB`, `100/512GiB` (half the width of two units)."""
    total = format_bytes(total_bytes)
    if used_bytes is None:
        return f"{NOT_AVAILABLE}/{total}"
    _, unit = scale_binary(total_bytes)
    scaled_used = float(used_bytes) / (1024 ** BINARY_UNITS.index(unit))
    if 0 < scaled_used < 0.05:
        return f"<0.1/{total}"
    used = (
        f"{scaled_used:.0f}"
        if scaled_used >= 100 or scaled_used == int(scaled_used)
        else f"{scaled_used:.1f}"
    )
    return f"{used}/{total}"


def format_mib(size_mib: int | float | None) -> str:
    """GPU memory, which the APIs give in MiB: `20GiB`, `512MiB`."""
    return NOT_AVAILABLE if size_mib is None else format_bytes(size_mib * 1024 * 1024)


def format_gpu_request(request: GpuRequest, pods: int = 1) -> str:
    """What a workload asks for, fractions as such: `2`, `0.5`, `20GiB`, and `1×4` for four pods."""
    if request.kind is GpuRequestKind.DEVICES:
        per_pod = str(request.devices)
    elif request.kind is GpuRequestKind.PORTION:
        per_pod = format_gpus(request.portion)
    else:
        per_pod = format_mib(request.memory_mib)
    return f"{per_pod}×{pods}" if pods > 1 else per_pod


def format_cores(millicores: int) -> str:
    """CPU in cores, one decimal only when it matters: `12`, `0.5`."""
    return format_gpus(millicores / 1000)


def format_percent(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.0f}%"
