"""Where `ResourceTable`'s cursor and scroll go when the visible rows change under them.

The rules (the cursor stays on its row, or the row the user last chose, or the nearest survivor; the
cursor keeps its screen line as rows above it come and go, as k9s does) are pure functions of the old
and new display orders, so they are tested without a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice


def surviving_neighbour(
    old_visible: Sequence[str], old_index: int, is_visible: Callable[[str], bool]
) -> str | None:
    """The nearest row to `old_index` in the old display order that is still shown (below first)."""
    for key in islice(old_visible, old_index + 1, None):
        if is_visible(key):
            return key
    for index in range(min(old_index, len(old_visible)) - 1, -1, -1):
        if is_visible(old_visible[index]):
            return old_visible[index]
    return None


def kept_cursor(
    visible: Sequence[str],
    old_visible: Sequence[str],
    old_index: int,
    wanted: Sequence[str | None],
    is_visible: Callable[[str], bool],
) -> tuple[str | None, int]:
    """The cursor's new (key, index): the first of `wanted` still shown (the user's anchor, then the old
    cursor row), else the old row's nearest surviving neighbour, else the same index clamped."""
    kept_key = next((key for key in wanted if key is not None and is_visible(key)), None)
    if kept_key is not None:
        if old_index < len(visible) and visible[old_index] == kept_key:
            return kept_key, old_index
        return kept_key, visible.index(kept_key)
    if not visible:
        return None, 0
    neighbour = surviving_neighbour(old_visible, old_index, is_visible)
    new_index = min(old_index, len(visible) - 1) if neighbour is None else visible.index(neighbour)
    return visible[new_index], new_index


def scroll_target(
    *,
    new_index: int,
    old_index: int,
    old_scroll_y: int,
    had_cursor: bool,
    page_height: int,
    row_count: int,
    center: bool,
) -> int:
    """The first row to show: the cursor centred (after a sort), or on the same screen line as before
    (when it was on screen), or the old scroll; always within the rows and with the cursor in view."""
    cursor_screen_line = old_index - old_scroll_y
    if center:
        target = new_index - page_height // 2
    elif had_cursor and 0 <= cursor_screen_line < page_height:
        target = new_index - cursor_screen_line
    else:
        target = old_scroll_y
    target = max(0, min(target, row_count - page_height))
    target = min(max(target, new_index - page_height + 1), new_index)
    return max(0, target)
