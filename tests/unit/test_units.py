"""Human sizes for the WEKA forms: what parses to how many bytes, what is refused with which words,
and that a prefilled size reads back to the very same number of bytes."""

from __future__ import annotations

import pytest

from console.ui.units import GIB, MIB, TIB, SizeError, format_size, format_size_exact, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5TiB", 1.5 * TIB),
        ("500GiB", 500 * GIB),
        ("2 TB", 2 * 10**12),
        ("2tb", 2 * 10**12),
        ("  10 gib ", 10 * GIB),
        ("1T", TIB),
        ("64M", 64 * MIB),
        ("1,024GiB", TIB),
        ("1_024GiB", TIB),
        (".5TiB", TIB // 2),
        ("3PiB", 3 * 1024 * TIB),
        ("100 GB", 100 * 10**9),
        ("512B", 512),
    ],
)
def test_parses_binary_and_decimal_units(text: str, expected: float) -> None:
    assert parse_size(text) == int(expected)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter a size"),
        ("   ", "Enter a size"),
        ("500", "has no unit"),
        ("lots", "is not a size"),
        ("1.5.2TiB", "is not a size"),
        ("-1TiB", "negative"),
        ("0GiB", "zero"),
        ("5 parsecs", "Unknown unit 'parsecs'"),
        ("5 XB", "Unknown unit"),
        ("1[/]TiB", "is not a size"),
        ("99999999999999PiB", "too large"),
    ],
)
def test_refuses_junk_with_a_sentence(text: str, words: str) -> None:
    with pytest.raises(SizeError, match=words.replace("[", r"\[")):
        parse_size(text)


def test_blank_is_none_only_when_allowed() -> None:
    assert parse_size("  ", allow_blank=True) is None
    with pytest.raises(SizeError):
        parse_size("")


def test_format_size_matches_the_table_cells() -> None:
    assert format_size(int(1.5 * TIB)) == "1.5TiB"
    assert format_size(500 * GIB) == "500GiB"
    assert format_size(None) == ""


@pytest.mark.parametrize(
    "size_bytes", [TIB, int(1.5 * TIB), int(1.125 * TIB), 500 * GIB, 8 * TIB, 64 * MIB, 1536 * GIB, 12345]
)
def test_exact_format_reads_back_to_the_same_bytes(size_bytes: int) -> None:
    assert parse_size(format_size_exact(size_bytes)) == size_bytes


def test_exact_format_prefers_the_largest_readable_unit() -> None:
    assert format_size_exact(int(1.5 * TIB)) == "1.5TiB"
    assert format_size_exact(200 * TIB) == "200TiB"
    assert format_size_exact(500 * GIB) == "500GiB"
    assert format_size_exact(12345) == "12345B"
