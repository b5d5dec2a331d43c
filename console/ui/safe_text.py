"""Strings from outside made safe to draw: no byte of API data can act on the user's terminal.

A workload name, an error message or a cluster name comes from a server or from another user. Drawn
raw, `\\x1b]52;…` writes the user's clipboard (OSC 52), `\\x1b]0;…` sets the window title, an SGR or a
C1 CSI (`\\x9b`) restyles or moves the cursor, and a bidi override (U+202E) makes `gpj.exe` read as
`exe.jpg`. Every such character is shown as a visible stand-in of the *same length* — a Unicode
control picture (`␛` for ESC, `␇` for BEL, U+2400 + n for the other C0 codes, `␡` for DEL) and `�`
for C1 and bidi controls — so `rich.text.Text` spans over the string stay valid and columns keep their
width. Markup is never involved: callers put the result in a `Text`, never a markup string.

Textual-free and rich-free on purpose: the data layer and tests use it too.
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

_REPLACEMENT = "\ufffd"

_BIDI_CONTROLS = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)

_TRANSLATION: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},  # ␀ … ␟ (␛ for ESC, ␇ for BEL)
    0x7F: "\u2421",  # ␡
    **{code: _REPLACEMENT for code in range(0x80, 0xA0)},  # C1, CSI (0x9b) and OSC (0x9d) among them
    **{ord(char): _REPLACEMENT for char in _BIDI_CONTROLS},
}

_UNSAFE = frozenset(chr(code) for code in _TRANSLATION)

_MULTILINE_TRANSLATION = {code: picture for code, picture in _TRANSLATION.items() if code != ord("\n")}
_MULTILINE_UNSAFE = _UNSAFE - {"\n"}


def visible(text: str) -> str:
    """`text` with every control and bidi character replaced one-for-one by a visible stand-in.

    Tabs and newlines are replaced too: a cell, a title or a toast line is one line; multi-line views
    (logs, describe) split lines first and pass each line through here.
    """
    if _UNSAFE.isdisjoint(text):
        return text  # the common case: no copy
    return text.translate(_TRANSLATION)


def visible_lines(text: str) -> str:
    """`visible` for a multi-line view (a detail, describe): newlines stay line breaks."""
    if _MULTILINE_UNSAFE.isdisjoint(text):
        return text
    return text.translate(_MULTILINE_TRANSLATION)


def is_safe(text: str) -> bool:
    """No character of `text` could act on a terminal (what `visible` returns always is)."""
    return _UNSAFE.isdisjoint(text)


class _PlainText(Protocol):
    """What `visible_text` needs of a `rich.text.Text` (duck-typed: this module imports no rich)."""

    plain: str

    def copy(self) -> Self: ...


T = TypeVar("T", bound=_PlainText)


def visible_text(text: T, *, multiline: bool = False) -> T:
    """A copy of a styled `Text` whose characters are made `visible` (the same object when already safe;
    `multiline` keeps its newlines); the replacement is one-for-one, so its style spans still cover the
    same characters."""
    make_visible = visible_lines if multiline else visible
    plain = text.plain
    if make_visible(plain) is plain:
        return text
    safe = text.copy()
    safe.plain = make_visible(plain)
    return safe
