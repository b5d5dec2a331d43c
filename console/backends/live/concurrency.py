"""How the live clients run requests side by side: `together` for a few, `bounded` for many.

Both exist so that no caller sees an `ExceptionGroup` or a half-finished sibling, and so that a screen of
40 workloads never fires 80 requests at a control plane at once. Before this module the Run:ai client, the
WEKA client and `LiveBackend` each had their own copy with slightly different rules.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

from console.data.errors import BackendError

T = TypeVar("T")


async def together(*awaitables: Awaitable[Any]) -> list[Any]:
    """Run `awaitables` concurrently and return their results in order.

    The first failure cancels the others (no request is left running for an answer nobody reads); what
    is raised is the first failure in call order, a `BackendError` before anything else, alone.
    """
    tasks: list[asyncio.Task[Any]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(awaitable)) for awaitable in awaitables]
    except BaseExceptionGroup as failures:
        for awaitable in awaitables:
            _close_if_unstarted(awaitable)
        raise _first_failure(tasks, failures) from None
    return [task.result() for task in tasks]


def _close_if_unstarted(awaitable: Awaitable[Any]) -> None:
    """Close a coroutine that was cancelled before it ran (a task cancelled before its first step, a
    request still waiting for its turn in `bounded`): otherwise Python reports "coroutine ... was never
    awaited" whenever it happens to be collected."""
    if inspect.iscoroutine(awaitable) and inspect.getcoroutinestate(awaitable) == inspect.CORO_CREATED:
        awaitable.close()


def _first_failure(tasks: list[asyncio.Task[Any]], group: BaseExceptionGroup[Any]) -> BaseException:
    """The failure to report: in call order, a `BackendError` first; else the group's first leaf."""
    in_order = [
        task.exception()
        for task in tasks
        if task.done() and not task.cancelled() and task.exception() is not None
    ]
    leaves = in_order or _leaves(group)
    chosen = next((error for error in leaves if isinstance(error, BackendError)), leaves[0])
    assert chosen is not None
    return chosen


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    found: list[BaseException] = []
    for error in group.exceptions:
        found += _leaves(error) if isinstance(error, BaseExceptionGroup) else [error]
    return found


async def nothing() -> None:
    """An awaitable that answers None at once: the empty slot of a `together` whose part is not needed."""
    return None


def bounded(limit: int) -> Callable[[Awaitable[T]], Coroutine[Any, Any, T]]:
    """A wrapper that lets at most `limit` of the awaitables it wraps run at once.

    `gate = bounded(8)`, then `gate(request())` for each of many: the rest wait their turn, so a list of
    hundreds is read steadily instead of all at once."""
    semaphore = asyncio.Semaphore(limit)

    async def gated(awaitable: Awaitable[T]) -> T:
        try:
            async with semaphore:
                return await awaitable
        finally:
            _close_if_unstarted(awaitable)  # cancelled while waiting for its turn

    return gated


class Remembered(Generic[T]):
    """A value read again only once `seconds` have passed (what changes rarely and is asked for often)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._value: tuple[T, float] | None = None

    async def get(self, read: Callable[[], Awaitable[T]]) -> T:
        if self._value is not None and time.monotonic() - self._value[1] < self.seconds:
            return self._value[0]
        value = await read()
        self._value = (value, time.monotonic())
        return value

    def set(self, value: T) -> None:
        """Remember `value` as read now (it came with another read that had to be made anyway)."""
        self._value = (value, time.monotonic())

    def forget(self) -> None:
        """The next `get` reads again (we changed what it remembers)."""
        self._value = None
