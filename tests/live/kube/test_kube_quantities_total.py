"""Kubernetes quantities are read totally: whatever a node or pod says, `BadResponse` or a number."""

from __future__ import annotations

from typing import Any

import pytest

from console.data.errors import BadResponse
from console.wire import kube as wire


@pytest.mark.parametrize(
    "garbage",
    ["1e999999999", "1e30", float("inf"), float("nan"), "nan", "Infinity", "1..2", "", None, [], True],
)
def test_a_quantity_that_is_not_one_is_a_bad_response_never_an_arithmetic_error(garbage: Any) -> None:
    """`1e999999999` overflowed Decimal (decimal.Overflow), `inf` raised OverflowError in int()."""
    with pytest.raises(BadResponse):
        wire.cpu_millicores(garbage)
    with pytest.raises(BadResponse):
        wire.memory_bytes(garbage)


@pytest.mark.parametrize(
    ("quantity", "millicores"), [("64", 64_000), ("500m", 500), ("1e3", 1_000_000), (2.5, 2500)]
)
def test_real_quantities_still_read(quantity: Any, millicores: int) -> None:
    assert wire.cpu_millicores(quantity) == millicores
