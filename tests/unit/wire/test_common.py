"""The shared wire parsers are total: whatever a server sends, a value or None, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from console.data.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from console.wire.common import (
    ERROR_OF_STATUS,
    finite_number,
    format_rfc3339,
    parse_quantity,
    parse_rfc3339,
    status_of_error,
)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("8Gi", Decimal(8 * 2**30)),
        ("500m", Decimal("0.5")),
        ("1.5e3", Decimal(1500)),
        ("10G", Decimal(10**10)),
        (64, Decimal(64)),
        (1.5, Decimal("1.5")),
        ("1..2", None),  # the Run:ai spec's pattern lets it through
        ("5eee", None),
        ("1e999999999", None),  # past 2**63, and never a million-digit int
        ("9" * 400, None),
        ("NaN", None),
        ("+Inf", None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        (None, None),
        ("", None),
        ([], None),
    ],
)
def test_quantities_are_read_strictly_and_totally(wire: object, expected: Decimal | None) -> None:
    assert parse_quantity(wire) == expected


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("85", 85.0),
        (3, 3.0),
        ("-1.5e2", -150.0),
        ("NaN", None),
        ("+Inf", None),
        ("1e400", None),
        (10**400, None),
        (float("nan"), None),
        (" 1", None),
        ("1_000", None),
        (False, None),
    ],
)
def test_numbers_are_finite_or_none(wire: object, expected: float | None) -> None:
    assert finite_number(wire) == expected


def test_timestamps_round_trip_and_garbage_is_none() -> None:
    at = datetime(2026, 11, 23, 9, 0, 0, 250_000, tzinfo=UTC)
    assert format_rfc3339(at) == "2026-11-23T09:00:00.250Z"
    assert parse_rfc3339(format_rfc3339(at)) == at
    assert parse_rfc3339("2026-11-23T09:00:00") == datetime(2026, 11, 23, 9, tzinfo=UTC)  # naive is UTC
    for garbage in ("9999-12-31T23:59:59+01:00" + "x", "yesterday", "", 12, None):
        assert parse_rfc3339(garbage) is None


def test_errors_and_statuses_read_both_ways() -> None:
    refusals = ((Invalid("x"), 400), (Forbidden("x"), 403), (NotFound("x"), 404), (Conflict("x"), 409))
    for error, status in refusals:
        assert status_of_error(error) == status
        assert isinstance(error, ERROR_OF_STATUS[status])
    assert status_of_error(Unavailable("x")) == 500
