"""What a fetch had to leave out: items of a list that could not be read, and parts that did not answer.

One odd item must not take its whole list with it (a workload with a garbled timestamp must not blank
the workloads screen), and it must not vanish silently either: a decoder that gives up on items of a
list calls `report_unreadable`, which logs why and counts them; the Store runs every fetch inside
`tallying()` and keeps the counts on the resource's state (`ResourceState.unreadable`), and the screen's
notice line says "2 workloads could not be read — see log".

The count travels beside the value, not in it: a backend merges, sorts and filters lists (Run:ai and
Kubernetes nodes, say) and a count kept on a list object would be lost on the way. The tally is found
through a context variable, which tasks started during the fetch inherit, so the decoders need no
parameter for it and code outside a Store fetch (a test, a one-off call) simply counts nowhere.

A fetch that joins several answers (the alerts of WEKA and of Run:ai; the WEKA overview's `/cluster`,
`/fileSystems` and `/stats/realtime`) uses `answered_part` for the parts it can do without: a part that
fails is reported (`MissingPart`, kept as `ResourceState.missing`) and the rest is shown, marked — "WEKA
alerts not shown: <why>" — instead of one missing route blanking the whole screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from console.data.errors import BackendError, BadResponse

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


@dataclass(frozen=True, slots=True)
class MissingPart:
    """A part of an answer (`part`, e.g. "WEKA alerts") that did not come, and the server's or client's
    words for why (`reason`); the rest of the answer is shown."""

    part: str
    reason: str

    def __str__(self) -> str:
        return f"{self.part} not shown: {self.reason}"


class UnreadableTally:
    """The unreadable items of one fetch, by kind (in the order first seen), and its missing parts.

    A fetch may read the same list twice (the header reads the nodes for its GPU count and again for the
    alerts): per kind it keeps the most any one reading left out, so one bad node is one, not two.
    """

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._missing: dict[str, str] = {}

    def add(self, kind: str, count: int) -> None:
        self._counts[kind] = max(self._counts.get(kind, 0), count)

    def add_missing(self, part: str, reason: str) -> None:
        self._missing.setdefault(part, reason)

    def found(self) -> tuple[UnreadableItems, ...]:
        return tuple(UnreadableItems(kind, count) for kind, count in self._counts.items())

    def missing(self) -> tuple[MissingPart, ...]:
        return tuple(MissingPart(part, reason) for part, reason in self._missing.items())


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


def report_missing_part(part: str, error: BackendError) -> None:
    """`part` of the current fetch's answer did not come (`error`): counted on the fetch's state and
    logged once per distinct reason, like an unreadable item."""
    reason = str(error) or type(error).__name__
    tally = _current_tally.get()
    if tally is not None:
        tally.add_missing(part, reason)
    key = f"missing {part}: {reason}"
    if key in _recent_reasons:
        logger.debug("%s did not answer: %s", part, reason)
        return
    if len(_recent_reasons) >= _RECENT_LIMIT:
        _recent_reasons.pop(next(iter(_recent_reasons)))
    _recent_reasons[key] = None
    logger.warning("%s did not answer: %s", part, reason)


async def answered_part(part: str, call: Awaitable[T], default: T) -> T:
    """`call`'s answer, or `default` when it fails with a `BackendError` (which is reported as a
    `MissingPart`): for a part of a screen the rest can be shown without."""
    try:
        return await call
    except BackendError as error:
        report_missing_part(part, error)
        return default


async def answered_parts(parts: Mapping[str, Awaitable[Any]]) -> dict[str, Any]:
    """The answers of `parts` (run side by side), by name. A part that fails with a `BackendError` is
    left out of the result and reported as a `MissingPart`; only when no part answered is the first
    failure raised, since then there is nothing to show. Any other exception is a bug and propagates."""
    names = list(parts)
    results = await asyncio.gather(*parts.values(), return_exceptions=True)
    answers: dict[str, Any] = {}
    failures: list[tuple[str, BackendError]] = []
    for name, result in zip(names, results, strict=True):
        if isinstance(result, BackendError):
            failures.append((name, result))
        elif isinstance(result, BaseException):
            raise result
        else:
            answers[name] = result
    if failures and not answers:
        raise failures[0][1]
    for name, error in failures:
        report_missing_part(name, error)
    return answers


def missing_notice(missing: Iterable[MissingPart]) -> str:
    """ "WEKA alerts not shown: <why>" for each missing part, joined; "" for none."""
    unique = {item.part: item for item in missing}
    return " · ".join(str(item) for item in unique.values())


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
