"""Cell builders for `ResourceTable` rows: human-readable sizes, rates, ages and bars.

Every helper returns plain `str` (cheapest to build, compare and store: a refresh of 20 000 rows
rebuilds the rows that changed, and `str` cells compare at C speed) or a `rich.text.Text` when a cell
needs style. None of them parse markup, so a value such as ``team[a]`` or ``x[/]`` stays literal. Bars
use block characters and a number so they read the same without colour.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

__all__ = [
    "NOT_AVAILABLE",
    "bar",
    "human_bytes",
    "human_count",
    "human_duration",
    "human_rate",
    "percent",
    "ratio_bar",
    "styled",
]

NOT_AVAILABLE = "N/A"
"""Shown for a value a backend does not report, so the UI never prints a misleading 0."""

_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
_DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB")
_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL_BLOCK = "█"
_EMPTY_BLOCK = "░"


def styled(value: object, style: str | Style | None = None) -> Text:
    """A literal `Text` cell (never parsed as markup) with an optional style."""
    return Text(str(value), style=style or "", no_wrap=True, end="")


def human_bytes(size_bytes: float | None, *, binary: bool = True) -> str:
    """Format a byte count as ``1.5 GiB`` (or ``1.6 GB`` with ``binary=False``); None is N/A."""
    if size_bytes is None:
        return NOT_AVAILABLE
    base = 1024.0 if binary else 1000.0
    units = _BINARY_UNITS if binary else _DECIMAL_UNITS
    value = float(size_bytes)
    sign = "-" if value < 0 else ""
    value = abs(value)
    for unit in units:
        if value < base or unit == units[-1]:
            if unit == "B":
                return f"{sign}{int(value)} B"
            return f"{sign}{value:.1f} {unit}" if value < 10 else f"{sign}{value:.0f} {unit}"
        value /= base
    raise AssertionError("unreachable")  # pragma: no cover


def human_rate(bytes_per_second: float | None, *, binary: bool = True) -> str:
    """Format a throughput as ``1.2 GiB/s``; None is N/A."""
    if bytes_per_second is None:
        return NOT_AVAILABLE
    return f"{human_bytes(bytes_per_second, binary=binary)}/s"


def human_count(count: float | None) -> str:
    """Format a count compactly (``950``, ``1.2k``, ``34M``) so it fits a narrow column; None is N/A."""
    if count is None:
        return NOT_AVAILABLE
    value = float(count)
    for suffix in ("", "k", "M", "G", "T"):
        if abs(value) < 1000 or suffix == "T":
            if suffix == "":
                return f"{int(value)}" if value == int(value) else f"{value:.1f}"
            return f"{value:.1f}{suffix}" if abs(value) < 10 else f"{value:.0f}{suffix}"
        value /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def human_duration(seconds: float | None) -> str:
    """Format an age or duration with its two largest units (``3d4h``, ``5m12s``, ``42s``); None is N/A."""
    if seconds is None:
        return NOT_AVAILABLE
    remaining = max(0, int(seconds))
    parts: list[str] = []
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if remaining >= size or (unit == "s" and not parts):
            amount, remaining = divmod(remaining, size)
            parts.append(f"{amount}{unit}")
            if len(parts) == 2:
                break
        elif parts:
            break
    return "".join(parts)


def percent(fraction: float | None) -> str:
    """Format a 0..1 fraction as ``42%``; None is N/A."""
    if fraction is None:
        return NOT_AVAILABLE
    return f"{fraction * 100:.0f}%"


def bar(fraction: float | None, width: int, *, style: str | Style | None = None) -> Text:
    """A horizontal bar ``█████▌░░`` of `width` cells for a 0..1 fraction, drawn in eighths.

    The unfilled part uses a light shade rather than blanks so the scale is visible without colour.
    """
    if width <= 0:
        return Text("", end="")
    if fraction is None:
        return Text(NOT_AVAILABLE[:width].ljust(width), end="")
    clamped = min(1.0, max(0.0, fraction))
    eighths = round(clamped * width * 8)
    full, partial = divmod(eighths, 8)
    filled = _FULL_BLOCK * full + (_EIGHTHS[partial] if partial else "")
    empty = _EMPTY_BLOCK * (width - len(filled))
    return Text.assemble((filled, style or ""), (empty, "dim"), no_wrap=True, end="")


def ratio_bar(
    used: float | None, total: float | None, width: int, *, style: str | Style | None = None
) -> Text:
    """A bar followed by ``used/total`` (e.g. GPUs ``██░░ 2/4``), so the value reads without colour."""
    if used is None or total is None:
        return Text(NOT_AVAILABLE, end="")
    label = f"{_compact_number(used)}/{_compact_number(total)}"
    bar_width = max(0, width - len(label) - 1)
    fraction = used / total if total else 0.0
    cell = bar(fraction, bar_width, style=style) if bar_width else Text("", end="")
    if bar_width:
        cell.append(" ")
    cell.append(label)
    return cell


def _compact_number(value: float) -> str:
    """Integers without a decimal point, fractions with one decimal (GPU requests can be 0.5)."""
    return f"{int(value)}" if float(value).is_integer() else f"{value:.1f}"
