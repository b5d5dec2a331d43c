"""`LogView`: a bounded, Line-API log view that renders only the rows on screen (Toolong's `LogLines`).

A workload can write millions of lines; k9s's log view kept them all and fell minutes behind. This view
keeps the newest `max_lines` in a deque, renders a line only when it is visible (through an LRU cache of
strips), and shows every line literally: no markup is parsed and control characters are replaced, so a
log line can neither restyle the screen nor move the terminal's cursor.

Follow is a reactive toggle that mirrors "the view is at the bottom": scrolling up pauses it, reaching
the bottom again (or `follow = True`) resumes it. Search highlights every occurrence of a term and moves
a current match with `next_match` / `previous_match`. Wrap folds long lines at the view's width.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, islice

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

DEFAULT_MAX_LINES = 10_000
"""Lines kept by default: about 1 MB of text, a long afternoon of a training's progress lines."""

_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""C0/C1 controls and DEL (not tab, which is expanded): shown as `�` so escapes never reach the tty."""

_STRIP_CACHE_SIZE = 2048


def sanitize_line(line: str) -> str:
    """The line as it is shown: trailing newline dropped, tabs expanded, control characters replaced."""
    return _CONTROL_CHARACTERS.sub("\ufffd", line.rstrip("\r\n").expandtabs())


class LogView(ScrollView, can_focus=True):
    """Log lines, newest at the bottom; bounded, searchable, optionally wrapped, following by default."""

    COMPONENT_CLASSES = {"log-view--match", "log-view--current-match"}

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
        overflow-y: scroll;
        overflow-x: auto;
        scrollbar-size-vertical: 1;
    }
    LogView.-wrap {
        overflow-x: hidden;
    }
    LogView > .log-view--match {
        background: $warning 40%;
    }
    LogView > .log-view--current-match {
        background: $accent;
        color: $background;
        text-style: bold;
    }
    """

    follow: reactive[bool] = reactive(True, init=False)
    """Scroll to each new line; False once the user scrolls up, True again at the bottom."""
    wrap: reactive[bool] = reactive(False, init=False)
    """Fold lines longer than the view instead of scrolling sideways."""
    search: reactive[str] = reactive("", init=False)
    """The highlighted term (case-insensitive, literal); empty for none."""

    class FollowChanged(Message):
        """Follow was paused or resumed (by scrolling, or by setting `follow`)."""

        def __init__(self, log_view: LogView, follow: bool) -> None:
            super().__init__()
            self.log_view = log_view
            self.follow = follow

        @property
        def control(self) -> LogView:
            return self.log_view

    class MatchesChanged(Message):
        """The number of matches or the current one changed; the screen shows "match 3/17"."""

        def __init__(self, log_view: LogView) -> None:
            super().__init__()
            self.log_view = log_view

        @property
        def control(self) -> LogView:
            return self.log_view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogView.MatchesChanged) and message.log_view is self.log_view

    def __init__(
        self,
        *,
        max_lines: int = DEFAULT_MAX_LINES,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max_lines
        self._lines: deque[str] = deque(maxlen=max_lines)
        self._widths: deque[int] = deque(maxlen=max_lines)
        self._dropped = 0
        """Lines that fell off the front: a line's absolute number is its position plus this."""
        self._written = 0
        self._max_width = 0
        self._row_starts: list[int] | None = None
        """With wrap: the first row of each kept line, and the total rows last; None when stale."""
        self._wrap_width = 0
        self._strips: LRUCache[int, Strip] = LRUCache(_STRIP_CACHE_SIZE)
        self._matches: list[int] = []
        """Absolute numbers of the lines containing `search`, ascending."""
        self._current_match: int | None = None
        self._pattern: re.Pattern[str] | None = None
        self._quiet_scroll = False
        self._highlighter: Callable[[Text], None] | None = None

    # -- contents ---------------------------------------------------------------------------------
    @property
    def lines(self) -> Sequence[str]:
        """The kept lines as shown (sanitised), oldest first."""
        return self._lines

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def lines_written(self) -> int:
        """Every line ever appended, including those the bound dropped."""
        return self._written

    @property
    def lines_dropped(self) -> int:
        return self._dropped

    def text(self) -> str:
        """The kept lines as one string (what "save" writes)."""
        return "".join(f"{line}\n" for line in self._lines)

    def append_lines(self, new_lines: Iterable[str]) -> None:
        """Add lines at the bottom (dropping the oldest past `max_lines`) and follow them if following."""
        added = [sanitize_line(line) for line in new_lines]
        if not added:
            return
        if len(added) > self.max_lines:
            self._dropped += len(added) - self.max_lines
            self._written += len(added) - self.max_lines
            added = added[-self.max_lines :]
        overflow = max(0, len(self._lines) + len(added) - self.max_lines)
        rows_before = self._rows_before(overflow) if overflow and not self.follow else 0
        widths = [cell_len(line) for line in added]
        self._lines.extend(added)
        self._widths.extend(widths)
        self._written += len(added)
        self._max_width = max(self._max_width, *widths)
        if overflow:
            self._dropped += overflow
            self._strips.clear()
            self._row_starts = None
            first = self._dropped
            del self._matches[: bisect_left(self._matches, first)]
            if self._current_match is not None and self._current_match < first:
                self._current_match = self._matches[0] if self._matches else None
        else:
            self._extend_row_starts(widths)
        self._match_new_lines(len(added))
        self._update_virtual_size()
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            # A line wider than the view brings the horizontal scrollbar on the next layout, which
            # takes a row: scroll again then, or following would stop one line short of the end.
            self.call_after_refresh(self._stay_at_end)
        elif rows_before:
            # Keep the lines the user is reading where they are while the oldest ones drop away.
            self._scroll_quietly(self.scroll_y - rows_before)
        self.refresh()

    def _stay_at_end(self) -> None:
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def clear(self) -> None:
        self._lines.clear()
        self._widths.clear()
        self._dropped = self._written = self._max_width = 0
        self._row_starts = None
        self._strips.clear()
        self._matches.clear()
        self._current_match = None
        self._update_virtual_size()
        self.post_message(self.MatchesChanged(self))
        self.refresh()

    @property
    def highlighter(self) -> Callable[[Text], None] | None:
        """Styles a line's `Text` in place before search highlights (e.g. the keys of a YAML document)."""
        return self._highlighter

    @highlighter.setter
    def highlighter(self, highlighter: Callable[[Text], None] | None) -> None:
        self._highlighter = highlighter
        self._strips.clear()
        self.refresh()

    # -- geometry ----------------------------------------------------------------------------------
    @property
    def _text_width(self) -> int:
        """Cells available for text: the view's width less its scrollbar."""
        return max(1, self.scrollable_content_region.width or self.size.width)

    def _rows_of(self, width_cells: int) -> int:
        return max(1, -(-width_cells // self._wrap_width)) if self.wrap else 1

    def _ensure_row_starts(self) -> list[int]:
        width = self._text_width
        if self._row_starts is None or width != self._wrap_width:
            self._wrap_width = width
            self._row_starts = [0, *accumulate(self._rows_of(w) for w in self._widths)]
        return self._row_starts

    def _extend_row_starts(self, widths: Sequence[int]) -> None:
        if self.wrap and self._row_starts is not None and self._wrap_width == self._text_width:
            total = self._row_starts[-1]
            for width in widths:
                total += self._rows_of(width)
                self._row_starts.append(total)
        else:
            self._row_starts = None

    def _rows_before(self, line_position: int) -> int:
        """Rows taken by the first `line_position` kept lines."""
        return self._ensure_row_starts()[line_position] if self.wrap else line_position

    def _total_rows(self) -> int:
        return self._ensure_row_starts()[-1] if self.wrap else len(self._lines)

    def _update_virtual_size(self) -> None:
        width = self._text_width if self.wrap else self._max_width
        self.virtual_size = Size(width, self._total_rows())

    def _locate_row(self, row: int) -> tuple[int, int]:
        """(kept-line position, row within that line) of a virtual row."""
        if not self.wrap:
            return row, 0
        starts = self._ensure_row_starts()
        position = bisect_right(starts, row) - 1
        return position, row - starts[position]

    def on_resize(self) -> None:
        """Re-flow wrapped lines, and stay at the bottom when following (a prompt opening below the view
        makes it shorter, which would otherwise leave the newest line just out of sight)."""
        if self.wrap:
            self._row_starts = None
            self._update_virtual_size()
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _scroll_quietly(self, y: float) -> None:
        """Scroll for the program's own reasons (a match, dropped lines): follow is left as it is."""
        self._quiet_scroll = True
        try:
            self.scroll_to(y=max(0.0, y), animate=False, immediate=True)
        finally:
            self._quiet_scroll = False

    # -- rendering ----------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        style = self.rich_style
        position, sub_row = self._locate_row(scroll_y + y)
        if not 0 <= position < len(self._lines):
            return Strip.blank(width, style)
        strip = self._line_strip(position, style)
        if self.wrap:
            text_width = self._wrap_width or width
            start = sub_row * text_width
            return strip.crop_extend(start, start + text_width, style).crop_extend(0, width, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _line_strip(self, position: int, style: Style) -> Strip:
        number = position + self._dropped
        cached = self._strips.get(number)
        if cached is not None:
            return cached
        line = self._lines[position]
        text = Text(line, style=style, no_wrap=True, end="")
        if self._highlighter is not None:
            self._highlighter(text)
        pattern = self._pattern
        if pattern is not None and self._is_match(number):
            highlight = self.get_component_rich_style(
                "log-view--current-match" if number == self._current_match else "log-view--match"
            )
            for found in pattern.finditer(line):
                text.stylize(highlight, found.start(), found.end())
        segments = list(text.render(self.app.console))
        strip = Strip([segment for segment in segments if segment.text != "\n"], self._widths[position])
        self._strips[number] = strip
        return strip

    def _is_match(self, number: int) -> bool:
        index = bisect_left(self._matches, number)
        return index < len(self._matches) and self._matches[index] == number

    # -- follow ---------------------------------------------------------------------------------------
    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self.is_mounted or self._quiet_scroll:
            return
        at_end = round(new_value) >= self.max_scroll_y
        if at_end and not self.follow and new_value > old_value:
            self.follow = True
        elif not at_end and self.follow and new_value < old_value:
            self.follow = False

    def action_scroll_end(self) -> None:
        """`end`: to the newest line, following again (even when already there, paused by `f`)."""
        self.follow = True

    def watch_follow(self, follow: bool) -> None:
        if follow and self.is_mounted:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.post_message(self.FollowChanged(self, follow))

    # -- wrap -----------------------------------------------------------------------------------------
    def watch_wrap(self, wrap: bool) -> None:
        """Re-flow keeping the top line in view (or the bottom, when following)."""
        top_position = self._locate_row_unwrapped_top(not wrap)
        self.set_class(wrap, "-wrap")
        self._row_starts = None
        self._strips.clear()
        self._update_virtual_size()
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            self.scroll_to(x=0, animate=False, immediate=True)
            self._scroll_quietly(self._rows_before(top_position))
        self.refresh()

    def _locate_row_unwrapped_top(self, was_wrapped: bool) -> int:
        """The kept-line position at the top of the view, under the previous wrap setting."""
        top = round(self.scroll_y)
        if not was_wrapped:
            return min(top, max(0, len(self._lines) - 1))
        starts = self._row_starts
        if starts is None:
            return 0
        return max(0, bisect_right(starts, top) - 1)

    # -- search ---------------------------------------------------------------------------------------
    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match_index(self) -> int | None:
        """0-based index of the current match among `match_count`, or None."""
        if self._current_match is None:
            return None
        return bisect_right(self._matches, self._current_match) - 1

    @property
    def current_match_line(self) -> str | None:
        if self._current_match is None:
            return None
        return self._lines[self._current_match - self._dropped]

    def watch_search(self, term: str) -> None:
        self._pattern = re.compile(re.escape(term), re.IGNORECASE) if term else None
        pattern = self._pattern
        self._matches = (
            [number for number, line in enumerate(self._lines, self._dropped) if pattern.search(line)]
            if pattern is not None
            else []
        )
        self._current_match = None
        self._strips.clear()
        self.post_message(self.MatchesChanged(self))
        self.refresh()

    def _match_new_lines(self, count: int) -> None:
        pattern = self._pattern
        if pattern is None:
            return
        first = self._dropped + len(self._lines) - count
        found = [
            number
            for number, line in enumerate(islice(self._lines, len(self._lines) - count, None), first)
            if pattern.search(line)
        ]
        if found:
            self._matches.extend(found)
            self.post_message(self.MatchesChanged(self))

    def first_match_from_view(self) -> bool:
        """Select the match nearest the bottom of the view, looking up first: logs are read from the tail,
        so the newest occurrence on or above the screen is the one meant. False when nothing matches."""
        if not self._matches:
            return False
        bottom_position, _ = self._locate_row(round(self.scroll_y) + max(0, self.size.height - 1))
        bottom = min(bottom_position, len(self._lines) - 1) + self._dropped
        index = bisect_right(self._matches, bottom) - 1
        self._select_match(self._matches[max(0, index)])
        return True

    def next_match(self) -> bool:
        """Move to the next (newer) match, wrapping to the first; False when nothing matches."""
        return self._step_match(1)

    def previous_match(self) -> bool:
        """Move to the previous (older) match, wrapping to the last; False when nothing matches."""
        return self._step_match(-1)

    def _step_match(self, step: int) -> bool:
        if not self._matches:
            return False
        if self._current_match is None:
            return self.first_match_from_view()
        index = bisect_right(self._matches, self._current_match) - 1
        if self._matches[index] != self._current_match:
            index += 1 if step < 0 else 0
        self._select_match(self._matches[(index + step) % len(self._matches)])
        return True

    def _select_match(self, number: int) -> None:
        previous, self._current_match = self._current_match, number
        for stale in (previous, number):
            if stale is not None:
                self._strips.discard(stale)
        self.follow = False
        self.scroll_to_line(number - self._dropped)
        self.post_message(self.MatchesChanged(self))
        self.refresh()

    def scroll_to_line(self, position: int) -> None:
        """Bring the kept line at `position` into view, a third of the way down (context above it)."""
        row = self._rows_before(max(0, min(position, len(self._lines) - 1)))
        self._scroll_quietly(row - self.size.height // 3)


def strip_text(strip: Strip) -> str:
    """The characters of a rendered strip (for tests)."""
    return "".join(segment.text for segment in strip if isinstance(segment, Segment))
