"""Compact, unit-carrying text for table cells: ages, GPU amounts, bytes.

Every screen formats the same quantities; one module keeps `0.5` GPUs, `20GiB` and `3h12m` looking the
same everywhere, and keeps the 80-column budget in mind (most values fit in 6 characters).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from fractions import Fraction
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


MINUTE_SECONDS = 60
HOUR_SECONDS = 60 * MINUTE_SECONDS
DAY_SECONDS = 24 * HOUR_SECONDS


def _age_seconds(now: datetime, then: datetime) -> int:
    """Whole seconds from `then` to `now`; a `then` in the future (clock skew) counts as 0."""
    return max(0, int((now - then).total_seconds()))


def format_age(now: datetime, then: datetime | None) -> str:
    """k9s-style age (`45s`, `12m`, `3h12m`, `14h`, `2d3h`, `40d`); pass the backend's `now()`."""
    if then is None:
        return NOT_AVAILABLE
    seconds = _age_seconds(now, then)
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


def age_unit_seconds(now: datetime, then: datetime) -> int:
    """The smallest unit `format_age(now, then)` shows, in seconds: 1 for `45s`, 60 for `12m` and
    `3h12m`, 3600 for `14h` and `2d3h`, a day for `40d`."""
    seconds = _age_seconds(now, then)
    if seconds < HOUR_SECONDS * 10:
        return 1 if seconds < MINUTE_SECONDS else MINUTE_SECONDS
    return HOUR_SECONDS if seconds < DAY_SECONDS * 10 else DAY_SECONDS


def age_changes_at(now: datetime, then: datetime | None) -> datetime | None:
    """The first moment after `now` at which `format_age(…, then)` reads differently (None for none).

    A screen wakes exactly then to redraw an age, instead of redrawing every row on a fixed beat:
    `16s` must become `17s` a second later, and `26m` must not wait for a minute of real time at
    `--clock-speed 60`.
    """
    if then is None:
        return None
    seconds = _age_seconds(now, then)
    unit = age_unit_seconds(now, then)
    return then + timedelta(seconds=(seconds // unit + 1) * unit)


def format_clock_time(moment: datetime) -> str:
    """`HH:MM:SS` in the moment's own zone, for "stale since" lines."""
    return moment.strftime("%H:%M:%S")


GPU_EPSILON = 1e-9
"""Below this a GPU amount is float noise (1 - 0.25 - 0.75), not an amount anyone holds."""


def format_gpus(amount: float) -> str:
    """GPU counts as people write them: `2`, `0.5`, `0.25`, `1.5`, `0.43` (at most two decimals, never
    `0.428571`); a non-zero amount too small for two decimals reads `<0.01`, never a false `0`."""
    if not math.isfinite(amount):
        return NOT_AVAILABLE
    if abs(amount) < GPU_EPSILON:
        return "0"
    rounded = round(amount, 2)
    if rounded == 0:
        return "<0.01" if amount > 0 else "0"
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0")


def format_gpu_sum(amount: float) -> str:
    """A sum of GPUs for a bar label, shorter than exact: `0.25`, `2.3`, `14.8`, `50` (sums of fractions
    such as 14.75 need not be exact in a label next to a bar)."""
    if not math.isfinite(amount) or abs(amount) < 1:
        return format_gpus(amount)
    rounded = round(amount, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def describe_gpu_fraction(fraction: float) -> str:
    """A share of one GPU as the ratio it really is when that ratio is small (`3/7`, `1/4`), else the
    rounded number: a MIG slice of 3 of 7 compute slices reads `3/7`, which `0.43` only hints at."""
    if not math.isfinite(fraction) or fraction <= 0:
        return format_gpus(fraction)
    ratio = Fraction(fraction).limit_denominator(8)
    if ratio.denominator > 1 and abs(float(ratio) - fraction) < 1e-6:
        return f"{ratio.numerator}/{ratio.denominator}"
    return format_gpus(fraction)


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
    else:  # 0 MiB is no real request: the API sent one rwc could not read (console.wire.runai)
        per_pod = format_mib(request.memory_mib or None)
    return f"{per_pod}×{pods}" if pods > 1 else per_pod


def explain_gpu_share(request: GpuRequest, fraction: float, mig_profile: str | None) -> str | None:
    """Why one pod's share of a GPU differs from what it asked for, in a sentence; None when it got what
    it asked (or asked for whole GPUs).

    On a MIG GPU a fraction is served by the smallest slice with at least that much memory, so `0.5`
    comes back as `3g.40gb`, 3 of 7 compute slices: `0.43`. A user who sees `0.43` next to `0.5` with no
    word would think the scheduler short-changed them.
    """
    if request.kind is GpuRequestKind.DEVICES or not math.isfinite(fraction):
        return None
    if request.kind is GpuRequestKind.PORTION:
        asked = format_gpus(request.portion)
        if abs(fraction - request.portion) < 1e-6:
            return None
        got = format_gpus(fraction)
        ratio = describe_gpu_fraction(fraction)
        if mig_profile:
            return (
                f"asked {asked}, got {got}: a {mig_profile} MIG slice is {ratio} of the GPU "
                f"(MIG GPUs are shared in fixed slices; this is the smallest with {asked} of its memory)"
            )
        return f"asked {asked}, got {got}" + (f" ({ratio} of the GPU)" if ratio != got else "")
    if mig_profile:
        return (
            f"asked {format_mib(request.memory_mib)} of GPU memory, got a {mig_profile} MIG slice: "
            f"{describe_gpu_fraction(fraction)} of the GPU ({format_gpus(fraction)})"
        )
    return None


def format_cores(millicores: int) -> str:
    """CPU in cores, one decimal only when it matters: `12`, `0.5`."""
    return format_gpus(millicores / 1000)


def format_percent(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.0f}%"


def format_duration(seconds: float) -> str:
    """`45s`, `12m`, `3h12m`, `7d`: the age format, for a span of time."""
    start = datetime(2000, 1, 1)
    return format_age(start + timedelta(seconds=max(0.0, seconds)), start)
