"""Items of a list answer that could not be read: left out of the list, logged, counted and shown.

One odd item must not take its whole list with it (a workload with a garbled timestamp must not blank
the workloads screen), and it must not vanish silently either: a decoder that gives up on items of a
list calls `report_unreadable`, which logs why and counts them; the Store runs every fetch inside
`tallying()` and keeps the counts on the resource's state (`ResourceState.unreadable`), and the screen's
notice line says "2 workloads could not be read — see log".

The count travels beside the value, not in it: a backend merges, sorts and filters lists (Run:ai and
Kubernetes nodes, say) and a count kept on a list object would be lost on the way. The tally is found
through a context variable, which tasks started during the fetch inherit, so the decoders need no
parameter for it and code outside a Store fetch (a test, a one-off call) simply counts nowhere.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from console.data.errors import BadResponse

logger = logging.getLogger(__name__)

T = TypeVar("T")

_RECENT_LIMIT = 512
"""How many distinct reasons are remembered so that a list polled every 2 s logs each one once."""


@dataclass(frozen=True, slots=True)
class UnreadableItems:
    """`count` items of one `kind` ("workload", "node pool", …) left out of the answers of one fetch."""

    kind: str
    count: int

    def __str__(self) -> str:
        return f"{self.count} {self.kind if self.count == 1 else self.kind + 's'}"


class UnreadableTally:
    """The unreadable items of one fetch, by kind (in the order first seen).

    A fetch may read the same list twice (the header reads the nodes for its GPU count and again for the
    alerts): per kind it keeps the most any one reading left out, so one bad node is one, not two.
    """

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def add(self, kind: str, count: int) -> None:
        self._counts[kind] = max(self._counts.get(kind, 0), count)

    def found(self) -> tuple[UnreadableItems, ...]:
        return tuple(UnreadableItems(kind, count) for kind, count in self._counts.items())


_current_tally: ContextVar[UnreadableTally | None] = ContextVar("rwc_unreadable_tally", default=None)
_recent_reasons: dict[str, None] = {}


@contextlib.contextmanager
def tallying() -> Iterator[UnreadableTally]:
    """Count the items reported unreadable by the code run inside (and the tasks it starts)."""
    tally = UnreadableTally()
    token = _current_tally.set(tally)
    try:
        yield tally
    finally:
        _current_tally.reset(token)


def report_unreadable(kind: str, reasons: Sequence[str]) -> None:
    """One reading of a `kind` list left out an item for each of `reasons` (the decoder's words, naming
    the field): counted in the current fetch's tally and logged (a warning the first time a reason is
    seen, debug after that, so a bad item polled every few seconds does not flood the log)."""
    tally = _current_tally.get()
    if tally is not None:
        tally.add(kind, len(reasons))
    for reason in reasons:
        key = f"{kind}: {reason}"
        if key in _recent_reasons:
            logger.debug("Left out an unreadable %s: %s", kind, reason)
            continue
        if len(_recent_reasons) >= _RECENT_LIMIT:
            _recent_reasons.pop(next(iter(_recent_reasons)))
        _recent_reasons[key] = None
        logger.warning("Left out an unreadable %s: %s", kind, reason)


def readable_items(items: Iterable[Any], parse: Callable[[Any, int], T], kind: str) -> list[T]:
    """Each item of a list answer that can be read, in order: `parse(item, index)` for each.

    An item that cannot be read (`parse` raises `BadResponse`: it is not an object, or lacks what it
    cannot be shown without) is left out, and `report_unreadable` logs why and counts it; a null item
    (some specs make item schemas nullable) carries nothing and is skipped. Any other exception is a bug
    in `parse` and is not hidden here.
    """
    result = []
    reasons = []
    for index, item in enumerate(items):
        if item is None:
            continue
        try:
            result.append(parse(item, index))
        except BadResponse as error:
            reasons.append(error.message)
    if reasons:
        report_unreadable(kind, reasons)
    return result


def merge_unreadable(groups: Iterable[Iterable[UnreadableItems]]) -> tuple[UnreadableItems, ...]:
    """The counts of several resources as one: per kind the largest, since two resources that read the
    same list (the nodes screen and the header both read the nodes) saw the same bad items."""
    largest: dict[str, int] = {}
    for group in groups:
        for items in group:
            largest[items.kind] = max(largest.get(items.kind, 0), items.count)
    return tuple(UnreadableItems(kind, count) for kind, count in largest.items() if count > 0)


def unreadable_notice(found: Iterable[UnreadableItems]) -> str:
    """The notice line: "2 workloads could not be read — see log" (kinds joined with "and"); "" for none."""
    parts = [str(items) for items in found if items.count > 0]
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{listed} could not be read — see log"
