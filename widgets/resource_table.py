"""`ResourceTable`: the keyed, diffed, Line-API table behind every list in rwc.

Textual's `DataTable` measures every cell when rows are added (~1.3 s for 10 000 rows), repaints the
whole table on any `update_cell` and removes rows in O(rows), so it cannot refresh 20 000 workloads every
few seconds. This widget keeps rows in a dict by key, keeps the ordered list of visible keys, and renders
only the lines on screen (`render_line`, like Toolong's `log_lines.py`), caching each rendered line until
its `Row` object changes. A refresh with 1 % of rows changed costs a dict pass and a few line repaints.

Ages (`AgeCell`) are written when a line is drawn, from the table's clock, and the table wakes exactly
when an age in view would read differently: `16s` becomes `17s` a second later without any row being
rebuilt, and rows off screen cost nothing. The filter matches the text the cells show.

Its parts: `table_layout` (which columns fit, cell fitting, the header and row text), `table_model` (rows
by key, sort, filter, the diff of a refresh), `row_cache` (rows rebuilt only for changed items); this
module is the widget: cursor keeping, scrolling, keys, ages and drawing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import ClassVar, TypeAlias

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from console.ui.backend_clock import AgeClock, BackendClock, wall_time
from console.ui.table_rows import AgeCell, Cell, Column, Row, ages_in_view, cell_text
from widgets import table_layout, table_messages
from widgets.row_cache import RowCache
from widgets.table_cursor import kept_cursor, scroll_target
from widgets.table_layout import ColumnLayout, compute_layout
from widgets.table_model import TableModel

__all__ = ["AgeCell", "AgeClock", "Cell", "Column", "ResourceTable", "Row", "RowCache", "compute_layout"]


_NAVIGATION_KEYS = frozenset({"up", "down", "k", "j", "pageup", "pagedown", "home", "end", "g", "G", "enter"})
"""Keys a column's `sort_hotkey` may not take: the table's own bindings."""
_LINE_CACHE_SIZE = 1024
"""Rendered lines kept; a few screens' worth, so scrolling back and forth never re-renders."""


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

    # Its messages (`widgets.table_messages`), reachable as `ResourceTable.RowChosen` as Textual's are.
    RowHighlighted: TypeAlias = table_messages.RowHighlighted
    RowChosen: TypeAlias = table_messages.RowChosen
    SortChanged: TypeAlias = table_messages.SortChanged

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
        self._model = TableModel(self._columns)
        """Rows, their order and the filter's matches."""
        self._empty_message = empty_message
        self._cursor_key: str | None = None
        self._cursor_index = 0
        self._anchor_key: str | None = None
        """The row the user last put the cursor on; the cursor returns to it when a filter lets it back."""
        self._layout: ColumnLayout | None = None
        self._line_cache: LRUCache[tuple[str, bool, bool], tuple[Row, tuple[str, ...], Strip]] = LRUCache(
            _LINE_CACHE_SIZE
        )
        """Rendered lines by (key, cursor, zebra): valid while the row is the same object and its ages
        read the same."""
        self._header_strip: Strip | None = None
        self._age_clock: AgeClock = BackendClock(wall_time)
        self._ages_now: datetime | None = None
        """The moment the ages on screen are written for (set by `refresh_ages`)."""
        self._age_timer: Timer | None = None

    # ------------------------------------------------------------------ public state

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns, in display order (including those dropped at the current width)."""
        return self._columns

    def relabel(self, key: str, label: str) -> None:
        """Rename column `key`'s header: a screen that switched what the column measures (`GPU USE 1h` →
        `GPU USE 24h`) says so where the values are."""
        columns = tuple(
            dataclasses.replace(column, label=label) if column.key == key else column
            for column in self._columns
        )
        if columns == self._columns:
            return
        self._columns = columns
        self._layout = None
        self._header_strip = None
        self.refresh()

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
            if not self._model.visible and self.is_mounted:
                self.refresh()

    @property
    def sort_column(self) -> str | None:
        """The key of the column rows are sorted by, or None for the order `update_rows` gave."""
        return self._model.sort_column

    @property
    def sort_reverse(self) -> bool:
        """True when sorted descending."""
        return self._model.sort_reverse

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None when nothing is shown."""
        return self._cursor_key

    @property
    def row_count(self) -> int:
        """All rows, before the filter."""
        return len(self._model.rows)

    @property
    def visible_count(self) -> int:
        """Rows that pass the filter."""
        return len(self._model.visible)

    @property
    def cursor_index(self) -> int:
        """The cursor's position among the visible rows (0 when there are none)."""
        return self._cursor_index

    def visible_keys(self) -> list[str]:
        """Keys of the rows that pass the filter, in display order."""
        return list(self._model.visible)

    def keys_in_view(self) -> list[str]:
        """Keys of the rows drawn now (the filter and the scroll applied), top to bottom."""
        scroll_y = int(self.scroll_offset.y)
        return self._model.visible[scroll_y : scroll_y + self._page_height()]

    def get_row(self, key: str) -> Row | None:
        """The current `Row` for `key`, or None."""
        return self._model.rows.get(key)

    def cell_text(self, key: str, column_key: str) -> str:
        """The plain text of one cell as drawn (raises KeyError for an unknown row or column)."""
        row = self._model.rows[key]
        index = self._model.column_index[column_key]
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
        rows = self._model.rows
        window = self._model.visible[scroll_y : scroll_y + self._page_height()]
        repaint, changes_at = ages_in_view((rows[key] for key in window), before, now)
        for offset in repaint:
            self.refresh_line(scroll_y + offset + 1)
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
        update = self._model.update(rows)
        if update is None:
            self.refresh_ages()
            return
        changed = update.changed
        if update.wider:
            self._layout = None  # a wider identifying value arrived: lay out again
        if update.order_changed or update.filter_changed:
            self._rebuild_visible(changed_keys=changed)
        else:
            self._refresh_changed_lines(changed)
            self.refresh_ages()

    def sort_by(self, column_key: str, *, reverse: bool | None = None) -> None:
        """Sort by `column_key`; with `reverse` None, sorting by the current column again reverses it."""
        if column_key not in self._model.column_index:
            raise KeyError(f"ResourceTable has no column {column_key!r}")
        if reverse is None:
            reverse = not self._model.sort_reverse if column_key == self._model.sort_column else False
        if column_key == self._model.sort_column and reverse == self._model.sort_reverse:
            return
        self._model.set_sort(column_key, reverse)
        self._header_strip = None
        self._rebuild_visible(center_cursor=True)
        self.refresh()
        self.post_message(self.SortChanged(self, column_key, reverse))

    def move_cursor_to_key(self, key: str) -> None:
        """Put the cursor on the row with `key` and scroll it into view; ignores unknown or hidden keys."""
        if not self._model.is_visible(key):
            return
        index = self._cursor_index
        if not (0 <= index < len(self._model.visible) and self._model.visible[index] == key):
            index = self._model.visible.index(key)
        self._set_cursor(index)

    # ------------------------------------------------------------------ filter and cursor keeping

    def watch_filter_text(self, filter_text: str) -> None:
        self._model.set_filter(filter_text)
        self._rebuild_visible()
        self.refresh()

    def watch_zebra_stripes(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def _rebuild_visible(self, *, changed_keys: Sequence[str] = (), center_cursor: bool = False) -> None:
        """Recompute the visible keys, keep the cursor on its key (or a neighbour) and repaint if needed."""
        old_visible = self._model.visible
        old_cursor_key = self._cursor_key
        old_cursor_index = self._cursor_index
        old_scroll_y = int(self.scroll_offset.y)
        page_height = self._page_height()
        self._model.refilter()
        visible = self._model.visible

        if self._anchor_key is not None and self._anchor_key not in self._model.rows:
            self._anchor_key = None  # the user's row is gone for good, not just filtered out
        new_key, new_index = kept_cursor(
            visible, old_visible, old_cursor_index, (self._anchor_key, old_cursor_key), self._model.is_visible
        )
        self._cursor_key = new_key
        self._cursor_index = new_index

        self._update_virtual_size()
        target_scroll = scroll_target(
            new_index=new_index,
            old_index=old_cursor_index,
            old_scroll_y=old_scroll_y,
            had_cursor=old_cursor_key is not None,
            page_height=page_height,
            row_count=len(visible),
            center=center_cursor,
        )
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

    def _refresh_changed_lines(self, changed_keys: Sequence[str]) -> None:
        """Repaint only the on-screen lines whose rows changed (less output over a slow SSH link)."""
        if not changed_keys or not self.is_mounted:
            return
        scroll_y = int(self.scroll_offset.y)
        window = self._model.visible[scroll_y : scroll_y + self._page_height()]
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
        size = Size(self.scrollable_content_region.width, len(self._model.visible) + 1)
        if self.virtual_size != size:
            self.virtual_size = size

    def _scroll_to_line(self, line: int) -> None:
        if self.is_mounted and line != int(self.scroll_offset.y):
            self.scroll_to(y=line, animate=False, force=True)

    def _set_cursor(self, index: int) -> None:
        """Move the cursor to visible `index` (a deliberate move), scroll it into view and tell the parent."""
        visible = self._model.visible
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
        self._set_cursor(len(self._model.visible) - 1)

    def action_choose_row(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowChosen(self, self._cursor_key))

    # ------------------------------------------------------------------ events

    def on_key(self, event: events.Key) -> None:
        """Sort by a shown column whose `sort_hotkey` matches the key; pressing it again reverses."""
        character = event.character if event.is_printable else None
        column_key = table_layout.hotkey_column(self._columns, self._ensure_layout(), event.key, character)
        if column_key is not None:
            event.stop()
            event.prevent_default()
            self.sort_by(column_key)

    def on_click(self, event: events.Click) -> None:
        """A click on the header sorts by that column; on a row moves the cursor, and again opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column_key = table_layout.column_at(self._ensure_layout(), self._columns, offset.x)
            if column_key is not None:
                self.sort_by(column_key)
            return
        index = int(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < len(self._model.visible):
            if index == self._cursor_index and self._model.visible[index] == self._cursor_key:
                self.action_choose_row()
            else:
                self._set_cursor(index)

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

    def _ensure_layout(self) -> ColumnLayout:
        """The column layout for the current width, recomputed only when the width changes."""
        width = self.scrollable_content_region.width  # `size` would include the scrollbar
        layout = self._layout
        if layout is None or layout.width != width:
            layout = self._layout = compute_layout(self._columns, width, self._model.content_widths())
            self._line_cache.clear()
            self._header_strip = None
        return layout

    def render_line(self, y: int) -> Strip:
        """Line 0 is the fixed header; the rest are rows from the scroll offset down."""
        layout = self._ensure_layout()
        width = layout.width
        if y == 0:
            return self._render_header(layout)
        visible = self._model.visible
        if not visible:
            if y == 1:
                return self._render_empty(width)
            return Strip.blank(width, self.rich_style)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(visible):
            return Strip.blank(width, self.rich_style)
        key = visible[index]
        row = self._model.rows[key]
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

    def _render_row(
        self, row: Row, layout: ColumnLayout, is_cursor: bool, is_odd: bool, now: datetime
    ) -> Strip:
        line = table_layout.row_text(row, self._columns, layout, now)
        base_style = self.rich_style
        if is_odd:
            base_style += self.get_component_rich_style("resource-table--zebra")
        line.stylize_before(base_style)
        if is_cursor:
            line.stylize(self.get_component_rich_style("resource-table--cursor"))
        return self._to_strip(line, layout.width, base_style)

    def _render_header(self, layout: ColumnLayout) -> Strip:
        if self._header_strip is not None:
            return self._header_strip
        header_style = self.get_component_rich_style("resource-table--header")
        model = self._model
        line = table_layout.header_text(self._columns, layout, model.sort_column, model.sort_reverse)
        line.stylize_before(header_style)
        self._header_strip = self._to_strip(line, layout.width, header_style)
        return self._header_strip

    def _render_empty(self, width: int) -> Strip:
        filtered = self._model.rows and self._model.needle
        message = f"No rows match '/{self.filter_text.strip()}'" if filtered else self._empty_message
        text = table_layout.centred_text(message, width)
        text.stylize_before(self.get_component_rich_style("resource-table--empty"))
        return self._to_strip(text, width, self.rich_style)

    def _to_strip(self, line: Text, width: int, fill_style: Style) -> Strip:
        strip = Strip(line.render(self.app.console), line.cell_len)
        return strip.adjust_cell_length(width, fill_style)
