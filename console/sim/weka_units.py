"""Byte units for the WEKA simulator, and the human form its error messages use.

WEKA's CLI and GUI print capacities in binary units (GiB, TiB); refusals quote the numbers the
same way so the admin can compare them with what the screens show.
"""

from __future__ import annotations

from console.model.units import GIB, KIB, MIB, PIB, TIB, scale_binary

__all__ = ["GB", "GIB", "KIB", "MB", "MIB", "PIB", "TB", "TIB", "format_bytes", "format_rate"]

MB = 10**6
GB = 10**9
TB = 10**12


def format_bytes(size: float) -> str:
    """`1.5 TiB`, `512 GiB`, `0 B`: at most one decimal, trailing zeros dropped."""
    value, unit = scale_binary(size)
    if unit == "B":
        return f"{int(round(value))} B"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def format_rate(bytes_per_second: float) -> str:
    """`500 MB/s`: bandwidths are quoted in decimal units, as object stores configure them."""
    for unit, scale in (("GB/s", GB), ("MB/s", MB), ("kB/s", 1000)):
        if abs(bytes_per_second) >= scale:
            text = f"{bytes_per_second / scale:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{int(bytes_per_second)} B/s"
