"""Binary byte units, shared by the simulator's messages and the screens' cells.

Both print sizes in the largest binary unit below 1024 (`1.5 TiB` in a refusal, `1.5TiB` in a cell);
the scaling lives here so the two can never pick different units for the same number.
"""

from __future__ import annotations

KIB = 1024
MIB = KIB**2
GIB = KIB**3
TIB = KIB**4
PIB = KIB**5

BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def scale_binary(size: float) -> tuple[float, str]:
    """`size` bytes in the largest binary unit that keeps it below 1024 (EiB at most): (value, unit)."""
    value = float(size)
    unit_index = 0
    while abs(value) >= 1024 and unit_index < len(BINARY_UNITS) - 1:
        value /= 1024
        unit_index += 1
    return value, BINARY_UNITS[unit_index]
