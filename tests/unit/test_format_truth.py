"""Numbers on screen tell the truth, as pure functions: an age changes exactly when its text would, GPU
fractions read `0.43` (never `0.428571`, never a false `0`), a MIG slice that differs from the fraction
asked is explained, the backend clock's pace is measured (a frozen clock wakes nobody), and a prefilled
capacity reads as the user would type it (`1PB`) and back to the very same bytes."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from console.model import GpuRequest
from console.ui.backend_clock import (
    SHORTEST_WAIT_SECONDS,
    UNMEASURED_WAIT_SECONDS,
    BackendClock,
)
from console.ui.format import (
    NOT_AVAILABLE,
    age_changes_at,
    describe_gpu_fraction,
    explain_gpu_share,
    format_age,
    format_gpu_request,
    format_gpu_sum,
    format_gpus,
)
from console.ui.units import format_size_exact, format_size_like, parse_size

THEN = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
MIG_SHARE = 3 / 7
"""What a 3g.40gb MIG slice is of an A100/H100: the simulator's (and nvidia-smi's) 3 of 7 slices."""


# -- ages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_seconds", "text"),
    [
        (0, "0s"),
        (16, "16s"),
        (59.999, "59s"),
        (60, "1m"),
        (26 * 60 + 59, "26m"),
        (3 * 3600 + 12 * 60, "3h12m"),
        (3 * 3600, "3h"),
        (14 * 3600 + 59 * 60, "14h"),
        (2 * 86400 + 3 * 3600, "2d3h"),
        (40 * 86400, "40d"),
        (-5, "0s"),  # a timestamp slightly ahead of the clock (skew) is not a negative age
    ],
)
def test_ages_read_as_k9s_writes_them(age_seconds: float, text: str) -> None:
    assert format_age(THEN + timedelta(seconds=age_seconds), THEN) == text


@pytest.mark.parametrize(
    ("age_seconds", "wait_seconds"),
    [
        (16, 1),  # 16s -> 17s a second later, not a minute later
        (16.4, 0.6),
        (59, 1),  # 59s -> 1m
        (26 * 60 + 10, 50),  # 26m -> 27m at the next whole minute of age
        (3 * 3600 + 12 * 60 + 30, 30),  # 3h12m -> 3h13m
        (14 * 3600 + 30 * 60, 30 * 60),  # 14h -> 15h: nothing to redraw for half an hour
        (2 * 86400 + 3 * 3600 + 10, 3600 - 10),  # 2d3h -> 2d4h
        (40 * 86400 + 5, 86400 - 5),  # 40d -> 41d
        (-5, 6),  # still 0s until a second after the timestamp
    ],
)
def test_an_age_changes_exactly_when_its_text_does(age_seconds: float, wait_seconds: float) -> None:
    now = THEN + timedelta(seconds=age_seconds)
    changes_at = age_changes_at(now, THEN)
    assert changes_at == now + timedelta(seconds=wait_seconds)
    just_before = changes_at - timedelta(microseconds=1)
    assert format_age(just_before, THEN) == format_age(now, THEN)
    assert format_age(changes_at, THEN) != format_age(now, THEN)


def test_every_age_for_ten_days_changes_at_the_predicted_moment_and_not_before() -> None:
    """Walk a day and a half second by second (then coarser): the text never changes between two
    predicted moments, and always changes at one."""
    now = THEN
    end = THEN + timedelta(days=11)
    while now < end:
        changes_at = age_changes_at(now, THEN)
        assert changes_at is not None and changes_at > now
        text = format_age(now, THEN)
        span = (changes_at - now).total_seconds()
        for fraction in (0.25, 0.5, 0.99):
            assert format_age(now + timedelta(seconds=span * fraction), THEN) == text
        assert format_age(changes_at, THEN) != text
        now = changes_at


def test_a_missing_timestamp_never_changes() -> None:
    assert age_changes_at(THEN, None) is None
    assert format_age(THEN, None) == NOT_AVAILABLE


# -- GPU amounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0.428571, "0.43"),
        (MIG_SHARE, "0.43"),
        (1 / 7, "0.14"),
        (0.5, "0.5"),
        (0.25, "0.25"),
        (2.0, "2"),
        (1.5, "1.5"),
        (0.999999, "1"),
        (0.004, "<0.01"),  # someone holds it: never a false 0
        (1 - 0.25 - 0.75, "0"),  # float noise is nothing
        (math.nan, NOT_AVAILABLE),
        (math.inf, NOT_AVAILABLE),
    ],
)
def test_gpu_amounts_have_at_most_two_decimals_and_never_lie(amount: float, text: str) -> None:
    assert format_gpus(amount) == text


def test_gpu_sums_and_requests_are_formatted_too() -> None:
    assert format_gpu_sum(50.857142) == "50.9"
    assert format_gpu_sum(MIG_SHARE) == "0.43"
    assert format_gpu_sum(math.nan) == NOT_AVAILABLE
    assert format_gpu_request(GpuRequest.fraction(0.428571)) == "0.43"
    assert format_gpu_request(GpuRequest.fraction(0.5), pods=4) == "0.5×4"


def test_a_share_reads_as_the_ratio_it_is() -> None:
    assert describe_gpu_fraction(MIG_SHARE) == "3/7"
    assert describe_gpu_fraction(0.142857) == "1/7"
    assert describe_gpu_fraction(0.25) == "1/4"
    assert describe_gpu_fraction(0.37) == "0.37"  # no small ratio: the number


def test_a_fraction_served_by_a_mig_slice_says_so() -> None:
    why = explain_gpu_share(GpuRequest.fraction(0.5), MIG_SHARE, "3g.40gb")
    assert why is not None
    assert "asked 0.5, got 0.43" in why
    assert "3g.40gb MIG slice is 3/7 of the GPU" in why
    assert "0.428571" not in why


def test_a_difference_without_the_slice_name_still_gives_the_numbers() -> None:
    assert (
        explain_gpu_share(GpuRequest.fraction(0.5), MIG_SHARE, None) == "asked 0.5, got 0.43 (3/7 of the GPU)"
    )


def test_memory_on_a_mig_gpu_names_the_slice_it_got() -> None:
    why = explain_gpu_share(GpuRequest.memory(20 * 1024), 2 / 7, "2g.20gb")
    assert why is not None and "20GiB" in why and "2g.20gb" in why and "2/7" in why


def test_what_was_asked_for_needs_no_explanation() -> None:
    assert explain_gpu_share(GpuRequest.fraction(0.5), 0.5, None) is None
    assert explain_gpu_share(GpuRequest.whole(2), 1.0, None) is None
    assert explain_gpu_share(GpuRequest.memory(20 * 1024), 0.25, None) is None  # memory, as asked


# -- the backend clock's pace ----------------------------------------------------------------------------


class FakeTime:
    """Real time and a backend clock running `rate` times as fast, both moved by the test."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.real = 100.0
        self.backend = THEN

    def tick(self, real_seconds: float) -> None:
        self.real += real_seconds
        self.backend += timedelta(seconds=real_seconds * self.rate)


def test_a_clock_at_speed_60_wakes_a_sixtieth_as_long() -> None:
    fake = FakeTime(rate=60)
    clock = BackendClock(lambda: fake.backend, monotonic=lambda: fake.real)
    now = clock.now()
    # Unmeasured: no long sleep on a guess, or a 60x clock would show a stale minute for a minute.
    assert clock.real_seconds_until(now + timedelta(minutes=1)) == UNMEASURED_WAIT_SECONDS
    fake.tick(0.5)
    now = clock.now()
    assert clock.rate == pytest.approx(60)
    assert clock.real_seconds_until(now + timedelta(minutes=1)) == pytest.approx(1.0)
    # Seconds at 60x would tick 60 times a real second: not more often than the shortest wait.
    assert clock.real_seconds_until(now + timedelta(seconds=1)) == SHORTEST_WAIT_SECONDS


def test_a_frozen_clock_wakes_nobody() -> None:
    fake = FakeTime(rate=0)
    clock = BackendClock(lambda: fake.backend, monotonic=lambda: fake.real)
    clock.now()
    fake.tick(1.0)
    now = clock.now()
    assert clock.rate == 0
    assert clock.real_seconds_until(now + timedelta(seconds=1)) is None


def test_a_wall_clock_wakes_when_the_age_changes() -> None:
    fake = FakeTime(rate=1)
    clock = BackendClock(lambda: fake.backend, monotonic=lambda: fake.real)
    clock.now()
    fake.tick(0.3)
    now = clock.now()
    assert clock.real_seconds_until(now + timedelta(seconds=0.7)) == pytest.approx(0.7)


def test_planning_a_wait_measures_the_pace_and_counts_from_the_clock_now() -> None:
    """A caller that read the time elsewhere still gets a measured pace and a wait from the current time."""
    fake = FakeTime(rate=60)
    clock = BackendClock(lambda: fake.backend, monotonic=lambda: fake.real)
    target = fake.backend + timedelta(minutes=2)
    clock.real_seconds_until(target)
    fake.tick(1.0)  # a minute of backend time has passed since the last reading
    assert clock.real_seconds_until(target) == pytest.approx(1.0)
    assert clock.rate == pytest.approx(60)


# -- capacities as typed -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size_bytes", "text"),
    [
        (10**15, "1PB"),
        (2 * 10**12, "2TB"),
        (int(1.5 * 10**12), "1.5TB"),
        (500 * 10**9, "500GB"),
        (2**50, "1PiB"),
        (int(1.5 * 2**40), "1.5TiB"),
        (200 * 2**40, "200TiB"),
        (1000, "1KB"),
        (1024, "1KiB"),
        (12345, "12345B"),
    ],
)
def test_a_prefilled_capacity_is_written_as_the_user_would_type_it(size_bytes: int, text: str) -> None:
    assert format_size_exact(size_bytes) == text
    assert parse_size(text) == size_bytes


@pytest.mark.parametrize(
    "size_bytes",
    [10**15, 3 * 10**12 + 5 * 2**30, 976562500000 * 1024 + 1, 7, 999_999_999_999, 2**63 - 1, 123_456_789_000],
)
def test_every_prefilled_capacity_reads_back_to_the_same_bytes(size_bytes: int) -> None:
    assert parse_size(format_size_exact(size_bytes)) == size_bytes


def test_a_note_beside_a_decimal_field_speaks_decimal_units() -> None:
    assert format_size_like(550 * 10**12, "1PB") == "550TB"
    assert format_size_like(int(1.5 * 2**40), "1.5TiB") == "1.5TiB"
