"""A tiny YAML emitter for API objects (dicts, lists and scalars), and the JSON twin, for describe views.

Describe shows a workload exactly as the API returned it; YAML is how `kubectl` and k9s show objects, so
that is what operators read fastest. The objects are plain JSON values, which need none of PyYAML's
generality, and rwc takes no dependency for ~80 lines: block style, two-space indent, strings quoted
(JSON-style, which YAML accepts) whenever a plain scalar could be read as something else.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence

INDENT = "  "

_RESERVED_WORDS = frozenset(
    {"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", ".inf", "-.inf", "+.inf"}
)
"""Words a YAML 1.1 or 1.2 reader turns into null, booleans or special floats."""
_NUMBER_LIKE = re.compile(r"^[-+]?(\.?[0-9]|0[xob])|^[-+]?\.(inf|nan)$", re.IGNORECASE)
"""Anything that starts like a number (or a date: `2026-11-23`) stays a string only when quoted."""
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_UNSAFE_INSIDE = (": ", " #", "\t")


def scalar(value: object) -> str:
    """One scalar as YAML: null, true/false, numbers as written, strings plain when unambiguous."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = value if isinstance(value, str) else str(value)
    return text if _is_plain_safe(text) else json.dumps(text, ensure_ascii=False)


def _is_plain_safe(text: str) -> bool:
    if text.lower() in _RESERVED_WORDS or text != text.strip() or _NUMBER_LIKE.match(text):
        return False
    if text[0] in _INDICATORS or text.endswith(":"):
        return False
    if any(marker in text for marker in _UNSAFE_INSIDE):
        return False
    return text.isprintable()


def _is_collection(value: object) -> bool:
    return isinstance(value, Mapping) or (isinstance(value, Sequence) and not isinstance(value, str | bytes))


def _inline_empty(value: object) -> str | None:
    """`{}` / `[]` for empty collections (a bare `key:` would read as null); None otherwise."""
    if isinstance(value, Mapping) and not value:
        return "{}"
    if _is_collection(value) and not isinstance(value, Mapping) and not value:
        return "[]"
    return None


def yaml_lines(value: object, indent: int = 0) -> Iterator[str]:
    """The lines of `value` as a block-style YAML document, starting at `indent` levels."""
    pad = INDENT * indent
    if isinstance(value, Mapping):
        if not value:
            yield f"{pad}{{}}"
            return
        for key, item in value.items():
            yield from _entry(f"{pad}{scalar(str(key))}:", item, indent)
    elif _is_collection(value):
        assert isinstance(value, Sequence)
        if not value:
            yield f"{pad}[]"
            return
        for item in value:
            yield from _list_item(item, indent)
    else:
        yield f"{pad}{scalar(value)}"


def _entry(prefix: str, item: object, indent: int) -> Iterator[str]:
    empty = _inline_empty(item)
    if empty is not None:
        yield f"{prefix} {empty}"
    elif isinstance(item, Mapping):
        yield prefix
        yield from yaml_lines(item, indent + 1)
    elif _is_collection(item):
        # Lists under a key sit at the key's indent, as kubectl prints them.
        yield prefix
        yield from yaml_lines(item, indent)
    else:
        yield f"{prefix} {scalar(item)}"


def _list_item(item: object, indent: int) -> Iterator[str]:
    pad = INDENT * indent
    empty = _inline_empty(item)
    if empty is not None or not _is_collection(item):
        yield f"{pad}- {empty if empty is not None else scalar(item)}"
        return
    # The first line of a nested block goes after the dash; the rest line up under it.
    nested = list(yaml_lines(item, indent + 1))
    first = nested[0][len(INDENT * (indent + 1)) :]
    yield f"{pad}- {first}"
    yield from nested[1:]


def to_yaml(value: object) -> str:
    """`value` as a YAML document (newline-terminated)."""
    return "".join(f"{line}\n" for line in yaml_lines(value))


def to_json(value: object) -> str:
    """`value` as indented JSON (newline-terminated); non-JSON values are written as their text."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"
