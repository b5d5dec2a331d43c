"""`SafeStatic`: a `Static` that never lets a control character from its content reach the terminal.

Detail views build rich `Table`s and `Text`s from API data (names, messages, events). Their builders
pass strings through `console.ui.safe_text` already; this widget is the last line: every segment it
renders is made `visible` before Textual writes it, whatever renderable it was given.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from console.ui.safe_text import is_safe, visible


def safe_strip(strip: Strip) -> Strip:
    """`strip` with control and bidi characters of its text shown, cut back to its width (a control
    character measured zero cells; its stand-in takes one)."""
    if all(is_safe(segment.text) for segment in strip):
        return strip
    width = strip.cell_length
    segments = [
        segment if segment.control else Segment(visible(segment.text), segment.style) for segment in strip
    ]
    return Strip(segments).crop(0, width)


class SafeStatic(Static):
    """A `Static` for text that came from outside (see module docstring)."""

    def render_lines(self, crop: Region) -> list[Strip]:
        return [safe_strip(strip) for strip in super().render_lines(crop)]
