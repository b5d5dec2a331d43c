"""`TableModel`: what `ResourceTable` shows, apart from how it draws it.

Rows kept by key, the order `update_rows` gave them, the sorted order and the keys that pass the filter.
`update` diffs a full new set against the old one and says what moved, so the widget repaints only
what changed; everything here is plain data (no widget, no app), so it is tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from console.ui.table_rows import Column, Row, static_plain

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison


def sort_keys(keys: list[str], values: dict[str, object], reverse: bool) -> list[str]:
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


def sort_value(row: Row, column: int) -> object:
    """The row's sort value for column `column`; None when the row has too few."""
    values = row.sort_values
    return values[column] if column < len(values) else None


class RowsUpdate(NamedTuple):
    """What one `TableModel.update` changed."""

    added: list[str]
    changed: list[str]
    order_changed: bool
    """The sorted order must be (and has been) recomputed: rows came or went, or a sort value moved."""
    filter_changed: bool
    """A new or changed row entered or left the filter's matches."""
    wider: bool
    """An identifying column got a value wider than any before: the layout may widen it."""


class TableModel:
    """Rows by key, their display order and the filter's matches; `visible` is recomputed by `refilter`."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.column_index: dict[str, int] = {column.key: i for i, column in enumerate(columns)}
        self._column_count = len(columns)
        self._identifying = [i for i, column in enumerate(columns) if column.identifies]
        """Indexes of the `identifies` columns."""
        self._identifying_widths: list[int] | None = None
        """The widest value per column for `compute_layout`; None until measured or after a wider one."""
        self.rows: dict[str, Row] = {}
        self.input_order: list[str] = []
        """Keys in the order `update` gave them: the display order when no sort is set."""
        self.order: list[str] = []
        """All keys in display order (sorted, unfiltered)."""
        self.visible: list[str] = []
        """Keys shown after the filter, in display order (as of the last `refilter`)."""
        self.matched: set[str] | None = None
        """Keys that match the filter, or None when there is no filter."""
        self.needle = ""
        self.negate = False
        self.sort_column: str | None = None
        self.sort_reverse = False

    def matches(self, row: Row) -> bool:
        return (self.needle in row.search_text) != self.negate

    def is_visible(self, key: str) -> bool:
        return key in self.rows and (self.matched is None or key in self.matched)

    def refilter(self) -> None:
        """Recompute `visible` from the order and the matches."""
        matched = self.matched
        self.visible = list(self.order) if matched is None else [k for k in self.order if k in matched]

    def update(self, rows: Iterable[Row]) -> RowsUpdate | None:
        """Take `rows` (the full current set) as the contents; None when nothing at all changed.

        Unchanged rows keep their old object (and so their cached rendering); the order is recomputed
        only when rows came or went or a sort value changed; the filter is re-run only on new and
        changed rows.
        """
        old_rows = self.rows
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
        if not added and not removed_count and not changed and list(new_rows) == self.input_order:
            return None

        new_input_order = list(new_rows)
        order_changed = bool(added or removed_count) or (
            self.sort_column is None and new_input_order != self.input_order
        )
        if self.sort_column is not None and not order_changed and changed:
            column = self.column_index[self.sort_column]
            order_changed = any(
                sort_value(old_rows[key], column) != sort_value(new_rows[key], column) for key in changed
            )
        self.rows = new_rows
        self.input_order = new_input_order
        matched = self.matched
        filter_changed = False
        if matched is not None:
            if removed_count:
                matched.intersection_update(new_rows)
            for key in (*added, *changed):
                if self.matches(new_rows[key]):
                    if key not in matched:
                        matched.add(key)
                        filter_changed = True
                elif key in matched:
                    matched.discard(key)
                    filter_changed = True
        if order_changed:
            self.order = self.sorted(new_input_order)
        wider = self._widened(added, changed)
        return RowsUpdate(added, changed, order_changed, filter_changed, wider)

    def _widened(self, added: Sequence[str], changed: Sequence[str]) -> bool:
        """Whether a new or changed row holds an identifying value wider than the widest measured (the
        widths are then measured again on the next `content_widths`)."""
        widths, rows = self._identifying_widths, self.rows
        if not self._identifying or not (added or changed):
            return False
        if widths is None or any(
            len(static_plain(rows[key].cells[index])) > widths[index]
            for key in (*added, *changed)
            for index in self._identifying
            if index < len(rows[key].cells)
        ):
            self._identifying_widths = None
            return True
        return False

    def content_widths(self) -> list[int] | None:
        """The widest value of each identifying column (others 0), measured once per change of rows;
        None when no column identifies."""
        if not self._identifying:
            return None
        if self._identifying_widths is None:
            widths = [0] * self._column_count
            for index in self._identifying:
                widths[index] = max(
                    (
                        len(static_plain(row.cells[index]))
                        for row in self.rows.values()
                        if index < len(row.cells)
                    ),
                    default=0,
                )
            self._identifying_widths = widths
        return self._identifying_widths

    def set_filter(self, filter_text: str) -> None:
        """Match rows against `filter_text` (case-insensitive substring; ``!text`` negates)."""
        text = filter_text.strip()
        negate = text.startswith("!")
        needle = (text[1:] if negate else text).strip().lower()
        previous_needle, previous_negate, previous_matched = self.needle, self.negate, self.matched
        self.needle, self.negate = needle, negate
        rows = self.rows
        if not needle:
            self.matched = None
        elif negate:
            self.matched = {key for key, row in rows.items() if needle not in row.search_text}
        elif previous_matched is not None and not previous_negate and previous_needle in needle:
            # Typing on narrows: rows matching "llam" are among those matching "lla", so only those
            # are searched again (each keystroke gets cheaper as the list gets shorter).
            self.matched = {key for key in previous_matched if needle in rows[key].search_text}
        else:
            self.matched = {key for key, row in rows.items() if needle in row.search_text}

    def set_sort(self, column_key: str, reverse: bool) -> None:
        """Sort by `column_key` (reverse for descending) and recompute the order."""
        self.sort_column = column_key
        self.sort_reverse = reverse
        self.order = self.sorted(self.input_order)

    def sorted(self, keys: list[str]) -> list[str]:
        """`keys` in the current sort order (as they are when no sort is set)."""
        if self.sort_column is None:
            return keys
        column = self.column_index[self.sort_column]
        rows = self.rows
        try:
            values = {key: rows[key].sort_values[column] for key in keys}
        except IndexError:  # a row with too few sort values sorts as None
            values = {key: sort_value(rows[key], column) for key in keys}
        return sort_keys(keys, values, self.sort_reverse)
