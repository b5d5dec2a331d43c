"""Human sizes in and out of forms: "1.5TiB", "500GiB", "2 TB" <-> bytes.

Admins type capacities the way WEKA's CLI and GUI print them, so the filesystem and snapshot forms
take those strings, check them while typing (with a message that says what is wrong), and show
current sizes back in the same units. Kept apart from `console.ui.format` (cell text) because parsing
has its own rules: decimal (TB) and binary (TiB) units both mean what they say, and junk is refused
with a sentence, never a traceback.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from console.model.units import GIB, KIB, MIB, PIB, TIB
from console.ui.format import format_bytes

UNIT_BYTES: dict[str, int] = {
    "b": 1,
    "k": KIB,
    "kb": 1000,
    "kib": KIB,
    "m": MIB,
    "mb": 1000**2,
    "mib": MIB,
    "g": GIB,
    "gb": 1000**3,
    "gib": GIB,
    "t": TIB,
    "tb": 1000**4,
    "tib": TIB,
    "p": PIB,
    "pb": 1000**5,
    "pib": PIB,
}
"""Lower-cased unit -> bytes. `TB` is 10^12 and `TiB` 2^40, as WEKA prints them; a bare letter (`2T`) is
binary, as in `weka fs create ... 2T` and Kubernetes-less habits of storage admins."""

SIZE_EXAMPLE = "e.g. 500GiB, 1.5TiB or 2 TB"

_SIZE_PATTERN = re.compile(r"^\s*(?P<number>[0-9][0-9_,]*(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<unit>[a-zA-Z]*)\s*$")


class SizeError(ValueError):
    """A size the user typed that is not one; `str()` is the sentence to show under the field."""


def parse_size(text: str, *, allow_blank: bool = False) -> int | None:
    """Bytes for a human size; None for blank text when `allow_blank` (an optional field).

    A number without a unit is refused: bytes are never what someone means when sizing a filesystem,
    and guessing GiB would silently make a thousand-fold mistake possible.
    """
    stripped = text.strip()
    if not stripped:
        if allow_blank:
            return None
        raise SizeError(f"Enter a size, {SIZE_EXAMPLE}.")
    match = _SIZE_PATTERN.match(stripped)
    if match is None:
        if stripped.startswith("-"):
            raise SizeError(f"{stripped!r} is negative; a size must be more than zero.")
        raise SizeError(f"{stripped!r} is not a size; {SIZE_EXAMPLE}.")
    number_text = match["number"].replace("_", "").replace(",", "")
    unit_text = match["unit"]
    if not unit_text:
        raise SizeError(f"{stripped!r} has no unit; {SIZE_EXAMPLE}.")
    unit = UNIT_BYTES.get(unit_text.lower())
    if unit is None:
        raise SizeError(
            f"Unknown unit {unit_text!r}; use B, KiB, MiB, GiB, TiB or PiB (or KB, MB, GB, TB, PB)."
        )
    try:
        number = Decimal(number_text)
    except InvalidOperation:
        raise SizeError(f"{stripped!r} is not a size; {SIZE_EXAMPLE}.") from None
    size = number * unit
    if size <= 0:
        raise SizeError(f"{stripped!r} is zero; a size must be more than zero.")
    if not math.isfinite(float(size)) or size > 2**63 - 1:
        raise SizeError(f"{stripped!r} is too large.")
    return int(size.to_integral_value())


def format_size(size_bytes: int | float | None) -> str:
    """Bytes as a form shows and accepts them back: `1.5TiB`, `500GiB` (the table cells' format).

    Whatever this prints, `parse_size` reads back to within the one decimal shown.
    """
    return "" if size_bytes is None else format_bytes(size_bytes)


EXACT_UNITS: tuple[tuple[str, int], ...] = (
    ("PiB", PIB),
    ("PB", 1000**5),
    ("TiB", TIB),
    ("TB", 1000**4),
    ("GiB", GIB),
    ("GB", 1000**3),
    ("MiB", MIB),
    ("MB", 1000**2),
    ("KiB", KIB),
    ("KB", 1000),
)
"""Units a prefilled size may be written in, largest first; binary before decimal at a tie."""


def _exact_in(size_bytes: int, unit_name: str, unit: int) -> str | None:
    """`size_bytes` in `unit` with at most three decimals (`1.5TiB`, `1.125TB`), or None if not exact."""
    if size_bytes < unit or (size_bytes * 1000) % unit:
        return None
    text = f"{Decimal(size_bytes * 1000 // unit) / 1000:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + unit_name


DECIMAL_UNITS: tuple[tuple[str, int], ...] = tuple(
    (name, unit) for name, unit in EXACT_UNITS if not name.endswith("iB")
)


def is_decimal_size(text: str) -> bool:
    """Whether a size is written in decimal units (`1PB`, `500 GB`), as WEKA prints them."""
    match = _SIZE_PATTERN.match(text)
    return match is not None and match["unit"].lower() in {name.lower() for name, _ in DECIMAL_UNITS}


def format_size_like(size_bytes: int | float, written: str) -> str:
    """`size_bytes` in the same kind of unit as `written` (decimal `1.2TB` beside a `1PB`, else binary
    `1.1TiB`), at most one decimal: a note next to a field speaks the field's units."""
    if not is_decimal_size(written):
        return format_size(size_bytes)
    for name, unit in DECIMAL_UNITS:
        if size_bytes >= unit:
            value = size_bytes / unit
            return f"{value:.0f}{name}" if value >= 100 or value == int(value) else f"{value:.1f}{name}"
    return f"{size_bytes:.0f}B"


def format_size_exact(size_bytes: int) -> str:
    """Bytes as the user would type them, for prefilling a form: the shortest exact writing in binary or
    decimal units (`1PB`, `1.5TiB`, `500GB`), so a resize that leaves the field untouched sends the very
    same number back, and a filesystem made as `1PB` (WEKA prints decimal units) reads `1PB`, not
    `976562500000KiB`."""
    writings = [text for unit_name, unit in EXACT_UNITS if (text := _exact_in(size_bytes, unit_name, unit))]
    writings.append(f"{size_bytes}B")
    # The shortest; at equal length the larger unit, binary before decimal (the order above).
    return min(writings, key=len)
