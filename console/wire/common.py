"""What every wire format shares: numbers, timestamps, Kubernetes quantities and the error<->status table.

Each parser is total: it returns None (or raises `BadResponse` in the format modules that call it) for
anything it cannot read, and never an arithmetic or overflow error, whatever the server sends.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from console.data.errors import (
    BackendError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Timeout,
    Unauthorized,
)

# ====================================================================================================
# numbers
# ====================================================================================================
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A number as JSON and Prometheus write one; not "NaN", "+Inf", "1_000" or " 1" (Python's `float` takes
all of those)."""


def finite_number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric string (Run:ai telemetry sends "85"); None for
    anything else: NaN, ±Inf, a number too large for a float, garbage, booleans, surrounding spaces."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # an integer past the float range
            return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and NUMBER.fullmatch(value):
        number = float(value)  # float("1e999") is inf, never slow
        return number if math.isfinite(number) else None
    return None


# ====================================================================================================
# timestamps
# ====================================================================================================
def parse_rfc3339(value: Any) -> datetime | None:
    """An RFC 3339 / ISO 8601 timestamp (`Z`, `z` or an offset; a naive one is taken as UTC) as an aware
    datetime; None for anything else. A time that cannot be placed in UTC (year 1 with a negative offset,
    year 9999 with a positive one) is None too, so that no screen meets an OverflowError computing an age."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed


def format_rfc3339(at: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a Z, as the Run:ai and Kubernetes APIs write timestamps."""
    at = at.astimezone(UTC) if at.tzinfo else at
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def format_rfc3339_seconds(at: datetime) -> str:
    """RFC 3339 in UTC to the second (`2026-11-23T09:00:00Z`), as Kubernetes writes `metav1.Time`."""
    at = at.astimezone(UTC) if at.tzinfo else at
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


# ====================================================================================================
# Kubernetes quantities (Run:ai carries them too: `memory: "8Gi"`)
# ====================================================================================================
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(?P<exponent>[eE][+-]?[0-9]+)|(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E))?"
)
"""A Kubernetes quantity: a number, then a binary suffix, a decimal suffix or a decimal exponent ("1.5e3").
`K` is not Kubernetes' spelling but is read as `k` (Run:ai forms have sent it)."""

_QUANTITY_FACTORS: dict[str | None, Decimal] = {
    None: Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "K": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}

QUANTITY_LIMIT = Decimal(2) ** 63
"""Kubernetes keeps quantities in 64 bits; a larger one (`1e999999999`) is garbage, and turning it into an
int would take a million digits."""


def parse_quantity(value: Any) -> Decimal | None:
    """A Kubernetes resource quantity (`64`, `500m`, `1056000000Ki`, `1.5Gi`, `1e3`, a JSON number) as an
    exact Decimal of base units; None for anything else: NaN, infinity, booleans, past 2**63, and what
    the Run:ai spec's loose pattern lets through (`1..2`, `5eee`). Strict and total."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    found = _QUANTITY.fullmatch(text)
    if found is None:
        return None
    try:
        if found["exponent"]:
            exponent = int(found["exponent"][1:])
            if abs(exponent) > 30:  # past 2**63 either way, or below any unit a screen shows
                return None if exponent > 0 else Decimal(0)
            quantity = Decimal(found["number"] + found["exponent"])
        else:
            quantity = Decimal(found["number"]) * _QUANTITY_FACTORS[found["suffix"]]
    except (InvalidOperation, ArithmeticError, ValueError):
        return None
    if not quantity.is_finite() or abs(quantity) > QUANTITY_LIMIT:
        return None
    return quantity


# ====================================================================================================
# errors <-> HTTP statuses
# ====================================================================================================
ERROR_OF_STATUS: dict[int, type[BackendError]] = {
    400: Invalid,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: Timeout,
    409: Conflict,
    410: NotFound,
    412: Conflict,
    422: Invalid,
    429: RateLimited,
}
"""How a client reads an HTTP error status (every API rwc speaks uses these the same way)."""

STATUS_OF_ERROR: tuple[tuple[type[BackendError], int], ...] = (
    (Invalid, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (RateLimited, 429),
    (Timeout, 504),
)
"""How a server (the simulator's faces) answers a refusal; first match wins, anything else is 500."""


def status_of_error(error: BackendError, default: int = 500) -> int:
    """The HTTP status a server answers `error` with."""
    return next((status for kind, status in STATUS_OF_ERROR if isinstance(error, kind)), default)
