"""`ResourceTable`'s data and cursor rules, without an app: the diff of a refresh, sort, filter, and
where the cursor and scroll go when rows come and go."""

from __future__ import annotations

from console.ui.table_rows import Column, Row
from widgets.table_cursor import kept_cursor, scroll_target
from widgets.table_model import TableModel

COLUMNS = (Column("name", "NAME", 10, identifies=True), Column("gpus", "GPUS", 4))


def row(name: str, gpus: int) -> Row:
    return Row(name, (name, str(gpus)), (name, gpus))


def test_an_unchanged_refresh_changes_nothing_and_keeps_the_row_objects() -> None:
    model = TableModel(COLUMNS)
    first = [row("a", 1), row("b", 2)]
    model.update(first)
    assert model.update([row("a", 1), row("b", 2)]) is None
    assert model.rows["a"] is first[0]


def test_a_changed_sort_value_reorders_and_a_filter_only_rechecks_changed_rows() -> None:
    model = TableModel(COLUMNS)
    model.update([row("a", 1), row("b", 2), row("llama", 3)])
    model.set_sort("gpus", reverse=True)
    model.set_filter("!llama")
    model.refilter()
    assert model.visible == ["b", "a"]
    update = model.update([row("a", 5), row("b", 2), row("llama", 3)])
    assert update is not None and update.changed == ["a"] and update.order_changed
    assert not update.filter_changed
    model.refilter()
    assert model.visible == ["a", "b"]


def test_a_wider_name_asks_for_a_new_layout() -> None:
    model = TableModel(COLUMNS)
    model.update([row("a", 1)])
    assert model.content_widths() == [1, 0]
    update = model.update([row("a", 1), row("a-much-longer-name", 1)])
    assert update is not None and update.wider
    assert model.content_widths() == [18, 0]


def test_the_cursor_keeps_its_row_or_falls_to_the_nearest_survivor() -> None:
    old = ["a", "b", "c", "d"]
    assert kept_cursor(["a", "c", "d"], old, 2, ("c", None), lambda k: k != "b") == ("c", 1)
    shown = {"a", "d"}
    assert kept_cursor(["a", "d"], old, 1, ("b",), shown.__contains__) == ("d", 1)
    assert kept_cursor([], old, 1, ("b",), lambda _k: False) == (None, 0)


def test_the_cursor_keeps_its_screen_line_when_rows_above_it_go() -> None:
    common = {"old_scroll_y": 10, "had_cursor": True, "page_height": 5, "row_count": 100, "center": False}
    assert scroll_target(new_index=10, old_index=12, **common) == 8  # type: ignore[arg-type]
    centred = {**common, "center": True}
    assert scroll_target(new_index=50, old_index=12, **centred) == 48  # type: ignore[arg-type]
