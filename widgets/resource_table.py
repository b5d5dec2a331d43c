"""`ResourceTable`: the keyed, diffed, Line-API table behind every list in rwc.

Textual's `DataTable` measures every cell when rows are added (~1.3 s for 10 000 rows), repaints the
whole table on any `update_cell` and removes rows in O(rows), so it cannot refresh 20 000 workloads every
few seconds. This widget keeps rows in a dict by key, keeps the ordered list of visible keys, and renders
only the lines on screen (`render_line`, like Toolong's `log_lines.py`), caching each rendered line until
its `Row` object changes. A refresh with 1 % of rows changed costs a dict pass and a few line repaints.

Ages (`AgeCell`) are written when a line is drawn, from the table's clock, and the table wakes exactly
when an age in view would read differently: `16s` becomes `17s` a second later without any row being
rebuilt, and rows off screen cost nothing. The filter matches the text the cells show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING, ClassVar, Generic, Literal, Protocol, TypeVar, cast

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from console.ui.backend_clock import BackendClock
from console.ui.format import age_changes_at
from console.ui.table_rows import AgeCell, Cell, Column, Row, cell_text, static_plain

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

__all__ = ["AgeCell", "AgeClock", "Cell", "Column", "ResourceTable", "Row", "RowCache"]

ItemT = TypeVar("ItemT")


class AgeClock(Protocol):
    """Where a table's ages read the time, and how long until the clock reaches a moment
    (`console.ui.backend_clock.BackendClock`: the backend's time, at whatever pace it runs)."""

    def now(self) -> datetime: ...

    def real_seconds_until(self, moment: datetime) -> float | None: ...


def _wall_time() -> datetime:
    return datetime.now(UTC)


_COLUMN_GAP = 1
"""Blank cells between two columns."""
_MIN_GROW_WIDTH = 8
"""The grow column shrinks to this (or its preferred width) before priority-0 columns are cropped."""
_SORT_ASCENDING = "▲"
_SORT_DESCENDING = "▼"
_NAVIGATION_KEYS = frozenset({"up", "down", "k", "j", "pageup", "pagedown", "home", "end", "g", "G", "enter"})
"""Keys a column's `sort_hotkey` may not take: the table's own bindings."""
_LINE_CACHE_SIZE = 1024
"""Rendered lines kept; a few screens' worth, so scrolling back and forth never re-renders."""


@dataclass(frozen=True, slots=True)
class _Layout:
    """Which columns are shown at one width, and how wide each is."""

    width: int
    indices: tuple[int, ...]
    widths: tuple[int, ...]


def compute_layout(
    columns: Sequence[Column], width: int, content_widths: Sequence[int] | None = None
) -> _Layout:
    """Drop the highest-priority-number columns until the preferred widths fit, widen identifying
    columns towards `content_widths` (the widest value of each column) from what is left, then let
    `grow` absorb the rest.

    Ties drop the right-most column first. If the always-shown columns still do not fit, the grow
    column shrinks towards `_MIN_GROW_WIDTH` and the rest of the line is cropped.
    """
    shown = list(range(len(columns)))

    def needed(indices: list[int]) -> int:
        return sum(columns[i].width for i in indices) + _COLUMN_GAP * max(0, len(indices) - 1)

    while needed(shown) > width:
        droppable = [i for i in shown if columns[i].priority > 0]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].priority, i)))
    widths = [columns[i].width for i in shown]
    slack = width - needed(shown)
    grow_position = next((pos for pos, i in enumerate(shown) if columns[i].grow), None)
    if content_widths is not None and slack > 0:
        # The grow column keeps at least its preferred width; identifying columns take from the rest.
        for position, index in enumerate(shown):
            column = columns[index]
            if not column.identifies or position == grow_position or slack <= 0:
                continue
            wanted = min(column.max_width, content_widths[index]) - widths[position]
            if wanted > 0:
                extra = min(wanted, slack)
                widths[position] += extra
                slack -= extra
    grow_position = next((pos for pos, i in enumerate(shown) if columns[i].grow), None)
    if grow_position is not None and slack != 0:
        preferred = widths[grow_position]
        widths[grow_position] = max(min(preferred, _MIN_GROW_WIDTH), preferred + slack)
    return _Layout(width, tuple(shown), tuple(widths))


_HOST_NAME = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
"""A DNS name (`ip-10-0-1-23.us-west-2.compute.internal`): its first label is the host, the rest a domain
every node of the cluster shares."""


def _cut_middle(text: Text, width: int) -> Text:
    """`gke-ml-a100-pool-x9k2` in 13 cells -> `gke-ml-…-x9k2`: the end survives, where names differ.

    A DNS name differs in its first label, not its domain (EKS: `ip-10-0-1-23.us-west-2.compute.internal`,
    `ip-10-0-1-57...`): that label is kept whole when it fits, and the domain loses its middle instead
    (`ip-10-0-1-23…ernal`)."""
    if width <= 2:
        text.truncate(width, overflow="ellipsis")
        return text
    tail = (width - 1) // 2
    head = width - 1 - tail
    plain = text.plain
    if len(plain) != text.cell_len:  # wide characters: cells are not characters; cut at the end
        text.truncate(width, overflow="ellipsis")
        return text
    if _HOST_NAME.match(plain) and plain.index(".") < width - 1:
        head = plain.index(".")
        tail = width - 1 - head
    cut = text[:head]
    cut.append("…")
    cut.append_text(text[len(plain) - tail :])
    return cut


def _fit_cell(
    cell: Text | str, width: int, align: Literal["left", "right"], *, cut_middle: bool = False
) -> Text:
    """A copy of `cell` exactly `width` cells wide: one line, cropped with an ellipsis (at the end, or
    in the middle for identifying columns), padded to align."""
    if isinstance(cell, str):
        text = Text(cell, no_wrap=True, end="")
    else:
        text = cell.copy()
        text.end = ""
    plain = text.plain
    if "\n" in plain or "\r" in plain or "\t" in plain:
        # Same-length replacement keeps the spans valid; a newline would break the line in two.
        text.plain = plain.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    if text.cell_len > width:
        if cut_middle:
            text = _cut_middle(text, width)
        else:
            text.truncate(width, overflow="ellipsis")
    missing = width - text.cell_len
    if missing > 0:
        if align == "right":
            text.pad_left(missing)
        else:
            text.pad_right(missing)
    return text


def _sort_keys(keys: list[str], values: dict[str, object], reverse: bool) -> list[str]:
    """Stable sort of `keys` by `values`, None last in both directions; mixed types do not raise."""
    if None in values.values():
        present = [key for key in keys if values[key] is not None]
        missing = [key for key in keys if values[key] is None]
    else:
        present, missing = list(keys), []
    try:
        # Tried as they are (numbers as numbers, text as text); mixed types raise TypeError, handled below.
        by_value = cast("Callable[[str], SupportsRichComparison]", values.__getitem__)
        present.sort(key=by_value, reverse=reverse)
    except TypeError:

        def tolerant(key: str) -> tuple[bool, object]:
            value = values[key]
            is_number = isinstance(value, int | float)
            return (not is_number, value if is_number else str(value))

        present.sort(key=tolerant, reverse=reverse)
    present.extend(missing)
    return present


class ResourceTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyed table that updates in place and keeps its filter, sort and cursor across refreshes.

    Call `update_rows` with the full current set on every refresh (from the event loop: workers post
    a message and the screen calls it); the table diffs it by key and repaints only lines that changed
    on screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "cursor_home", "First row", show=False),
        Binding("end,G", "cursor_end", "Last row", show=False),
        Binding("enter", "choose_row", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--zebra",
        "resource-table--empty",
    }

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .resource-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .resource-table--cursor {
            color: $foreground-muted;
            text-style: reverse;
        }
        &:focus > .resource-table--cursor {
            color: $primary;
            text-style: bold reverse;
        }
        & > .resource-table--zebra {
            background: $surface-lighten-1;
        }
        & > .resource-table--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    filter_text: reactive[str] = reactive("", repaint=False, init=False)
    """Case-insensitive substring matched against each row's `search_text`; ``!text`` negates."""
    zebra_stripes: reactive[bool] = reactive(False, repaint=False, init=False)
    """Shade every other row (off by default; the cursor is what matters at 80x24)."""

    class RowHighlighted(Message):
        """The cursor moved to another row (or to none); bursts collapse into the latest."""

        def __init__(self, table: ResourceTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ResourceTable.RowHighlighted) and message.table is self.table

    class RowChosen(Message):
        """The user pressed enter (or clicked the cursor row) to open a row."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class SortChanged(Message):
        """The sort column or direction changed, so a screen can remember it."""

        def __init__(self, table: ResourceTable, column_key: str | None, reverse: bool) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key
            self.reverse = reverse

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_message: str = "Nothing to show",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if len({column.key for column in columns}) != len(columns):
            raise ValueError("ResourceTable column keys must be unique")
        for column in columns:
            if column.sort_hotkey in _NAVIGATION_KEYS:
                raise ValueError(
                    f"column {column.key!r}: sort hotkey {column.sort_hotkey!r} is a navigation key"
                )
        self._columns: tuple[Column, ...] = tuple(columns)
        self._column_index: dict[str, int] = {column.key: i for i, column in enumerate(self._columns)}
        self._empty_message = empty_message
        self._rows: dict[str, Row] = {}
        self._input_order: list[str] = []
        """Keys in the order `update_rows` gave them: the display order when no sort is set."""
        self._order: list[str] = []
        """All keys in display order (sorted, unfiltered)."""
        self._visible: list[str] = []
        """Keys shown after the filter, in display order."""
        self._matched: set[str] | None = None
        """Keys that match the filter, or None when there is no filter."""
        self._needle = ""
        self._negate = False
        self._sort_column: str | None = None
        self._sort_reverse = False
        self._cursor_key: str | None = None
        self._cursor_index = 0
        self._anchor_key: str | None = None
        """The row the user last put the cursor on; the cursor returns to it when a filter lets it back."""
        self._layout: _Layout | None = None
        self._identifying: list[int] | None = None
        """Indexes of the `identifies` columns (found on first layout)."""
        self._identifying_widths: list[int] | None = None
        """The widest value per column for `compute_layout`; None until measured or after a wider one."""
        self._line_cache: LRUCache[tuple[str, bool, bool], tuple[Row, tuple[str, ...], Strip]] = LRUCache(
            _LINE_CACHE_SIZE
        )
        """Rendered lines by (key, cursor, zebra): valid while the row is the same object and its ages
        read the same."""
        self._header_strip: Strip | None = None
        self._age_clock: AgeClock = BackendClock(_wall_time)
        self._ages_now: datetime | None = None
        """The moment the ages on screen are written for (set by `refresh_ages`)."""
        self._age_timer: Timer | None = None

    # ------------------------------------------------------------------ public state

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns, in display order (including those dropped at the current width)."""
        return self._columns

    @property
    def shown_columns(self) -> tuple[Column, ...]:
        """The columns shown at the current width."""
        layout = self._ensure_layout()
        return tuple(self._columns[i] for i in layout.indices)

    @property
    def empty_message(self) -> str:
        """Shown when there are no rows at all (e.g. "Loading…" or "No workloads")."""
        return self._empty_message

    @empty_message.setter
    def empty_message(self, message: str) -> None:
        if message != self._empty_message:
            self._empty_message = message
            if not self._visible and self.is_mounted:
                self.refresh()

    @property
    def sort_column(self) -> str | None:
        """The key of the column rows are sorted by, or None for the order `update_rows` gave."""
        return self._sort_column

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._sort_reverse

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None when nothing is shown."""
        return self._cursor_key

    @property
    def row_count(self) -> int:
        """All rows, before the filter."""
        return len(self._rows)

    @property
    def visible_count(self) -> int:
        """Rows that pass the filter."""
        return len(self._visible)

    @property
    def cursor_index(self) -> int:
        """The cursor's position among the visible rows (0 when there are none)."""
        return self._cursor_index

    def visible_keys(self) -> list[str]:
        """Keys of the rows that pass the filter, in display order."""
        return list(self._visible)

    def get_row(self, key: str) -> Row | None:
        """The current `Row` for `key`, or None."""
        return self._rows.get(key)

    def cell_text(self, key: str, column_key: str) -> str:
        """The plain text of one cell as drawn (raises KeyError for an unknown row or column)."""
        row = self._rows[key]
        index = self._column_index[column_key]
        return cell_text(row.cells[index], self._ages_time()) if index < len(row.cells) else ""

    # ------------------------------------------------------------------ ages

    @property
    def age_clock(self) -> AgeClock:
        """The clock `AgeCell`s are written from (wall time unless the screen gives the backend's)."""
        return self._age_clock

    @age_clock.setter
    def age_clock(self, clock: AgeClock) -> None:
        self._age_clock = clock
        self._ages_now = None
        self._line_cache.clear()
        self.refresh_ages()

    def _ages_time(self) -> datetime:
        if self._ages_now is None:
            self._ages_now = self._age_clock.now()
        return self._ages_now

    def refresh_ages(self) -> None:
        """Bring the ages in view up to the clock, repainting only lines whose age reads differently, and
        plan the next wake-up for the first moment an age in view changes (none for a frozen clock, a
        screen not shown or a view without ages)."""
        if self._age_timer is not None:
            self._age_timer.stop()
            self._age_timer = None
        now = self._age_clock.now()
        before, self._ages_now = self._ages_now, now
        if not self.is_mounted:
            return
        scroll_y = int(self.scroll_offset.y)
        rows = self._rows
        changes_at: datetime | None = None
        for offset, key in enumerate(self._visible[scroll_y : scroll_y + self._page_height()]):
            row = rows[key]
            if not row.age_columns:
                continue
            if before is not None and before != now and row.age_texts(before) != row.age_texts(now):
                self.refresh_line(scroll_y + offset + 1)
            for index in row.age_columns:
                cell = row.cells[index]
                moment = age_changes_at(now, cell.since) if isinstance(cell, AgeCell) else None
                if moment is not None and (changes_at is None or moment < changes_at):
                    changes_at = moment
        if changes_at is None or not self.screen.is_current:
            return
        wait = self._age_clock.real_seconds_until(changes_at)
        if wait is not None:
            self._age_timer = self.set_timer(wait, self.refresh_ages, name="ages")

    # ------------------------------------------------------------------ updating

    def update_rows(self, rows: Iterable[Row]) -> None:
        """Replace the table's contents with `rows` (the full current set), diffing by key.

        Unchanged rows keep their old object (and so their cached rendering); the order is recomputed
        only when rows came or went or a sort value changed; the filter is re-run only on new and
        changed rows; only lines on screen that changed are repainted.
        """
        old_rows = self._rows
        new_rows: dict[str, Row] = {}
        added: list[str] = []
        changed: list[str] = []
        for row in rows:
            key = row.key
            old = old_rows.get(key)
            if old is None:
                if key not in new_rows:
                    added.append(key)
                new_rows[key] = row
            elif old is row or old == row:
                new_rows[key] = old
            else:
                new_rows[key] = row
                changed.append(key)
        removed_count = len(old_rows) - (len(new_rows) - len(added))
        if not added and not removed_count and not changed and list(new_rows) == self._input_order:
            self.refresh_ages()
            return

        new_input_order = list(new_rows)
        membership_changed = bool(added or removed_count)
        order_changed = membership_changed or (
            self._sort_column is None and new_input_order != self._input_order
        )
        if self._sort_column is not None and not order_changed and changed:
            column = self._column_index[self._sort_column]
            order_changed = any(
                _sort_value(old_rows[key], column) != _sort_value(new_rows[key], column) for key in changed
            )

        self._rows = new_rows
        self._input_order = new_input_order
        if self._identifying and (added or changed):
            widths = self._identifying_widths
            if widths is None or any(
                len(static_plain(new_rows[key].cells[index])) > widths[index]
                for key in (*added, *changed)
                for index in self._identifying
                if index < len(new_rows[key].cells)
            ):
                self._identifying_widths = None  # a wider value arrived: lay out again
                self._layout = None
        matched = self._matched
        filter_changed = False
        if matched is not None:
            if removed_count:
                matched.intersection_update(new_rows)
            for key in (*added, *changed):
                if self._matches(new_rows[key]):
                    if key not in matched:
                        matched.add(key)
                        filter_changed = True
                elif key in matched:
                    matched.discard(key)
                    filter_changed = True

        if order_changed:
            self._order = self._sorted(new_input_order)
        if order_changed or filter_changed:
            self._rebuild_visible(changed_keys=changed)
        else:
            self._refresh_changed_lines(changed)
            self.refresh_ages()

    def sort_by(self, column_key: str, *, reverse: bool | None = None) -> None:
        """Sort by `column_key`; with `reverse` None, sorting by the current column again reverses it."""
        if column_key not in self._column_index:
            raise KeyError(f"ResourceTable has no column {column_key!r}")
        if reverse is None:
            reverse = not self._sort_reverse if column_key == self._sort_column else False
        if column_key == self._sort_column and reverse == self._sort_reverse:
            return
        self._sort_column = column_key
        self._sort_reverse = reverse
        self._order = self._sorted(self._input_order)
        self._header_strip = None
        self._rebuild_visible(center_cursor=True)
        self.refresh()
        self.post_message(self.SortChanged(self, column_key, reverse))

    def move_cursor_to_key(self, key: str) -> None:
        """Put the cursor on the row with `key` and scroll it into view; ignores unknown or hidden keys."""
        if not self._is_visible(key):
            return
        index = self._cursor_index
        if not (0 <= index < len(self._visible) and self._visible[index] == key):
            index = self._visible.index(key)
        self._set_cursor(index)

    # ------------------------------------------------------------------ filter and sort internals

    def watch_filter_text(self, filter_text: str) -> None:
        text = filter_text.strip()
        negate = text.startswith("!")
        needle = (text[1:] if negate else text).strip().lower()
        previous_needle, previous_negate, previous_matched = self._needle, self._negate, self._matched
        self._needle, self._negate = needle, negate
        rows = self._rows
        if not needle:
            self._matched = None
        elif negate:
            self._matched = {key for key, row in rows.items() if needle not in row.search_text}
        elif previous_matched is not None and not previous_negate and previous_needle in needle:
            # Typing on narrows: rows matching "llam" are among those matching "lla", so only those
            # are searched again (each keystroke gets cheaper as the list gets shorter).
            self._matched = {key for key in previous_matched if needle in rows[key].search_text}
        else:
            self._matched = {key for key, row in rows.items() if needle in row.search_text}
        self._rebuild_visible()
        self.refresh()

    def watch_zebra_stripes(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def _matches(self, row: Row) -> bool:
        return (self._needle in row.search_text) != self._negate

    def _is_visible(self, key: str) -> bool:
        return key in self._rows and (self._matched is None or key in self._matched)

    def _sorted(self, keys: list[str]) -> list[str]:
        if self._sort_column is None:
            return keys
        column = self._column_index[self._sort_column]
        rows = self._rows
        try:
            values = {key: rows[key].sort_values[column] for key in keys}
        except IndexError:  # a row with too few sort values sorts as None
            values = {key: _sort_value(rows[key], column) for key in keys}
        return _sort_keys(keys, values, self._sort_reverse)

    def _rebuild_visible(self, *, changed_keys: Sequence[str] = (), center_cursor: bool = False) -> None:
        """Recompute the visible keys, keep the cursor on its key (or a neighbour) and repaint if needed."""
        old_visible = self._visible
        old_cursor_key = self._cursor_key
        old_cursor_index = self._cursor_index
        old_scroll_y = int(self.scroll_offset.y)
        page_height = self._page_height()
        matched = self._matched
        self._visible = list(self._order) if matched is None else [k for k in self._order if k in matched]
        visible = self._visible

        if self._anchor_key is not None and self._anchor_key not in self._rows:
            self._anchor_key = None  # the user's row is gone for good, not just filtered out
        new_key: str | None = None
        new_index = 0
        kept_key = next(
            (key for key in (self._anchor_key, old_cursor_key) if key is not None and self._is_visible(key)),
            None,
        )
        if kept_key is not None:
            new_key = kept_key
            if old_cursor_index < len(visible) and visible[old_cursor_index] == kept_key:
                new_index = old_cursor_index
            else:
                new_index = visible.index(kept_key)
        elif visible:
            neighbour = self._surviving_neighbour(old_visible, old_cursor_index)
            if neighbour is None:
                new_index = min(old_cursor_index, len(visible) - 1)
            else:
                new_index = visible.index(neighbour)
            new_key = visible[new_index]
        self._cursor_key = new_key
        self._cursor_index = new_index

        self._update_virtual_size()
        # Keep the cursor on the same screen line when rows above it come and go (as k9s does).
        cursor_screen_line = old_cursor_index - old_scroll_y
        if center_cursor:
            target_scroll = new_index - page_height // 2
        elif old_cursor_key is not None and 0 <= cursor_screen_line < page_height:
            target_scroll = new_index - cursor_screen_line
        else:
            target_scroll = old_scroll_y
        target_scroll = max(0, min(target_scroll, len(visible) - page_height))
        target_scroll = min(max(target_scroll, new_index - page_height + 1), new_index)
        target_scroll = max(0, target_scroll)
        self._scroll_to_line(target_scroll)

        old_window = old_visible[old_scroll_y : old_scroll_y + page_height]
        new_window = visible[target_scroll : target_scroll + page_height]
        if old_window != new_window or old_cursor_index - old_scroll_y != new_index - target_scroll:
            self.refresh()
        else:
            self._refresh_changed_lines(changed_keys)
            if old_cursor_key != new_key:
                self.refresh()
        if new_key != old_cursor_key:
            self.post_message(self.RowHighlighted(self, new_key))
        self.refresh_ages()  # rows that came into view show ages for now, not for the last wake-up

    def _surviving_neighbour(self, old_visible: list[str], old_index: int) -> str | None:
        """The nearest row to `old_index` in the old display order that is still shown (below first)."""
        is_visible = self._is_visible
        for key in islice(old_visible, old_index + 1, None):
            if is_visible(key):
                return key
        for index in range(min(old_index, len(old_visible)) - 1, -1, -1):
            if is_visible(old_visible[index]):
                return old_visible[index]
        return None

    def _refresh_changed_lines(self, changed_keys: Sequence[str]) -> None:
        """Repaint only the on-screen lines whose rows changed (less output over a slow SSH link)."""
        if not changed_keys or not self.is_mounted:
            return
        scroll_y = int(self.scroll_offset.y)
        window = self._visible[scroll_y : scroll_y + self._page_height()]
        if not window:
            return
        changed = set(changed_keys)
        for offset, key in enumerate(window):
            if key in changed:
                self.refresh_line(scroll_y + offset + 1)

    # ------------------------------------------------------------------ cursor and scrolling

    def _page_height(self) -> int:
        """Rows that fit below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self._visible) + 1)
        if self.virtual_size != size:
            self.virtual_size = size

    def _scroll_to_line(self, line: int) -> None:
        if self.is_mounted and line != int(self.scroll_offset.y):
            self.scroll_to(y=line, animate=False, force=True)

    def _set_cursor(self, index: int) -> None:
        """Move the cursor to visible `index` (a deliberate move), scroll it into view and tell the parent."""
        visible = self._visible
        if not visible:
            return
        index = max(0, min(index, len(visible) - 1))
        old_index, old_key = self._cursor_index, self._cursor_key
        self._cursor_index = index
        self._cursor_key = self._anchor_key = visible[index]
        self._scroll_cursor_into_view()
        if self.is_mounted:
            self.refresh_line(old_index + 1)
            self.refresh_line(index + 1)
        if self._cursor_key != old_key:
            self.post_message(self.RowHighlighted(self, self._cursor_key))

    def _scroll_cursor_into_view(self) -> None:
        page_height = self._page_height()
        scroll_y = int(self.scroll_offset.y)
        index = self._cursor_index
        if index < scroll_y:
            self._scroll_to_line(index)
        elif index >= scroll_y + page_height:
            self._scroll_to_line(index - page_height + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self._cursor_index - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self._cursor_index + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self._cursor_index - self._page_height())

    def action_page_down(self) -> None:
        self._set_cursor(self._cursor_index + self._page_height())

    def action_cursor_home(self) -> None:
        self._set_cursor(0)

    def action_cursor_end(self) -> None:
        self._set_cursor(len(self._visible) - 1)

    def action_choose_row(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowChosen(self, self._cursor_key))

    # ------------------------------------------------------------------ events

    def on_key(self, event: events.Key) -> None:
        """Sort by a shown column whose `sort_hotkey` matches the key; pressing it again reverses."""
        key = event.key
        if key.startswith("shift+") and len(key) == 7:
            key = key[-1].upper()
        candidates = {key, event.character} if event.is_printable else {key}
        for index in self._ensure_layout().indices:
            column = self._columns[index]
            if column.sort_hotkey is not None and column.sort_hotkey in candidates:
                event.stop()
                event.prevent_default()
                self.sort_by(column.key)
                return

    def on_click(self, event: events.Click) -> None:
        """A click on the header sorts by that column; on a row moves the cursor, and again opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column_key = self._column_at(offset.x)
            if column_key is not None:
                self.sort_by(column_key)
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self._visible):
            if index == self._cursor_index and self._visible[index] == self._cursor_key:
                self.action_choose_row()
            else:
                self._set_cursor(index)

    def _column_at(self, x: int) -> str | None:
        layout = self._ensure_layout()
        left = 0
        for index, width in zip(layout.indices, layout.widths, strict=True):
            if left <= x < left + width + _COLUMN_GAP:
                return self._columns[index].key
            left += width + _COLUMN_GAP
        return None

    def on_mount(self) -> None:
        self.refresh_ages()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh_ages()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.refresh_ages()

    def on_focus(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """Theme or CSS changed: every cached line carries old styles."""
        super().notify_style_update()
        self._line_cache.clear()
        self._header_strip = None

    # ------------------------------------------------------------------ rendering

    def _ensure_layout(self) -> _Layout:
        """The column layout for the current width, recomputed only when the width changes."""
        width = self.scrollable_content_region.width  # `size` would include the scrollbar
        layout = self._layout
        if layout is None or layout.width != width:
            layout = self._layout = compute_layout(self._columns, width, self._identifying_value_widths())
            self._line_cache.clear()
            self._header_strip = None
        return layout

    def _identifying_value_widths(self) -> list[int] | None:
        """The widest value of each identifying column (others 0), measured once per change of rows."""
        if self._identifying is None:
            self._identifying = [i for i, column in enumerate(self._columns) if column.identifies]
        if not self._identifying:
            return None
        if self._identifying_widths is None:
            widths = [0] * len(self._columns)
            for index in self._identifying:
                widths[index] = max(
                    (
                        len(static_plain(row.cells[index]))
                        for row in self._rows.values()
                        if index < len(row.cells)
                    ),
                    default=0,
                )
            self._identifying_widths = widths
        return self._identifying_widths

    def render_line(self, y: int) -> Strip:
        """Line 0 is the fixed header; the rest are rows from the scroll offset down."""
        layout = self._ensure_layout()
        width = layout.width
        if y == 0:
            return self._render_header(layout)
        visible = self._visible
        if not visible:
            if y == 1:
                return self._render_empty(width)
            return Strip.blank(width, self.rich_style)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(visible):
            return Strip.blank(width, self.rich_style)
        key = visible[index]
        row = self._rows[key]
        is_cursor = key == self._cursor_key
        is_odd = self.zebra_stripes and index % 2 == 1
        cache_key = (key, is_cursor, is_odd)
        cached = self._line_cache.get(cache_key)
        now = self._ages_time()
        ages = row.age_texts(now) if row.age_columns else ()
        if cached is not None and cached[0] is row and cached[1] == ages:
            return cached[2]
        strip = self._render_row(row, layout, is_cursor, is_odd, now)
        self._line_cache[cache_key] = (row, ages, strip)
        return strip

    def _render_row(self, row: Row, layout: _Layout, is_cursor: bool, is_odd: bool, now: datetime) -> Strip:
        line = Text(no_wrap=True, end="")
        cells = row.cells
        columns = self._columns
        last = len(layout.indices) - 1
        for position, (index, width) in enumerate(zip(layout.indices, layout.widths, strict=True)):
            cell = cells[index] if index < len(cells) else ""
            if isinstance(cell, AgeCell):
                cell = cell.render_at(now)
            column = columns[index]
            line.append_text(_fit_cell(cell, width, column.align, cut_middle=column.identifies))
            if position != last:
                line.append(" " * _COLUMN_GAP)
        base_style = self.rich_style
        if is_odd:
            base_style += self.get_component_rich_style("resource-table--zebra")
        line.stylize_before(base_style)
        if is_cursor:
            line.stylize(self.get_component_rich_style("resource-table--cursor"))
        return self._to_strip(line, layout.width, base_style)

    def _render_header(self, layout: _Layout) -> Strip:
        if self._header_strip is not None:
            return self._header_strip
        header_style = self.get_component_rich_style("resource-table--header")
        line = Text(no_wrap=True, end="")
        last = len(layout.indices) - 1
        for position, (index, width) in enumerate(zip(layout.indices, layout.widths, strict=True)):
            column = self._columns[index]
            label = column.label
            if column.key == self._sort_column:
                # The arrow is a symbol, so the sort reads without colour; the label gives way to it.
                indicator = _SORT_DESCENDING if self._sort_reverse else _SORT_ASCENDING
                room = width - 2
                fitted = _fit_cell(label, room, "left").plain.rstrip() if room > 0 else ""
                label = f"{fitted} {indicator}" if fitted else indicator
            cell = _fit_cell(label, width, column.align)
            if column.sort_hotkey is not None:
                # The sort letter is underlined (`⇧` + it sorts), as menus mark their accelerators:
                # readable without colour, and only where the header shows that letter.
                at = cell.plain.upper().find(column.sort_hotkey.upper())
                if at >= 0:
                    cell.stylize("underline", at, at + 1)
            line.append_text(cell)
            if position != last:
                line.append(" " * _COLUMN_GAP)
        line.stylize_before(header_style)
        self._header_strip = self._to_strip(line, layout.width, header_style)
        return self._header_strip

    def _render_empty(self, width: int) -> Strip:
        if self._rows and self._needle:
            message = f"No rows match '/{self.filter_text.strip()}'"
        else:
            message = self._empty_message
        style = self.get_component_rich_style("resource-table--empty")
        text = Text(message, no_wrap=True, end="")
        if text.cell_len > width:
            text.truncate(width, overflow="ellipsis")
        text.pad_left(max(0, (width - text.cell_len) // 2))
        text.stylize_before(style)
        return self._to_strip(text, width, self.rich_style)

    def _to_strip(self, line: Text, width: int, fill_style: Style) -> Strip:
        strip = Strip(line.render(self.app.console), line.cell_len)
        return strip.adjust_cell_length(width, fill_style)


_MISSING = object()


def _sort_value(row: Row, column: int) -> object:
    values = row.sort_values
    return values[column] if column < len(values) else None


class RowCache(Generic[ItemT]):
    """Builds a `Row` only for items that changed since the last refresh (by identity, then equality).

    Building a `Text` cell costs ~5 us, so rebuilding 20 000 rows of 8 cells every refresh would take
    ~0.8 s; with this cache a refresh builds only the rows whose model object changed, and the table's
    diff then sees the very same `Row` object and skips it at once.
    """

    def __init__(self, build: Callable[[ItemT], Row], key: Callable[[ItemT], str]) -> None:
        self._build = build
        self._key = key
        # Two flat dicts rather than one of (item, row) pairs: a refresh of 20,000 unchanged items then
        # allocates no object per item, which kept the collector out (a pair each cost ~28 collections
        # per refresh, and now and then a full one of ~100 ms, in the `large` scenario).
        self._items: dict[str, ItemT] = {}
        self._rows: dict[str, Row] = {}

    def rows(self, items: Iterable[ItemT]) -> list[Row]:
        """Rows for `items`, reusing the previous `Row` of any item equal to last time's."""
        build, key_of = self._build, self._key
        old_items, old_rows = self._items, self._rows
        new_items: dict[str, ItemT] = {}
        new_rows: dict[str, Row] = {}
        for item in items:
            key = key_of(item)
            old = old_items.get(key, _MISSING)
            row = old_rows[key] if old is item or (old is not _MISSING and old == item) else build(item)
            new_items[key] = item
            new_rows[key] = row
        self._items, self._rows = new_items, new_rows
        return list(new_rows.values())

    def clear(self) -> None:
        """Forget every built row (e.g. after the theme or the columns changed)."""
        self._items, self._rows = {}, {}
