"""`together` and `bounded` leave nothing behind: a request cancelled while it waited for its turn (the
Workloads list's node lookups when the user leaves the screen or quits) is closed, not collected later
with Python's "coroutine ... was never awaited" printed into the log or over the terminal."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine
from typing import Any

import pytest

from console.backends.live.concurrency import bounded, together


async def _slow() -> None:
    await asyncio.sleep(10)


async def _refused() -> None:
    raise ValueError("refused")


def _states(coroutines: list[Coroutine[Any, Any, None]]) -> set[str]:
    return {inspect.getcoroutinestate(coroutine) for coroutine in coroutines}


async def test_requests_cancelled_while_waiting_for_their_turn_are_closed() -> None:
    gate = bounded(1)
    requests = [_slow() for _ in range(4)]
    waiting = [asyncio.create_task(gate(request)) for request in requests]
    await asyncio.sleep(0.01)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    assert _states(requests) == {inspect.CORO_CLOSED}


async def test_a_failure_in_together_leaves_no_sibling_unawaited() -> None:
    siblings = [_slow(), _slow()]
    with pytest.raises(ValueError, match="refused"):
        await together(_refused(), *siblings)
    assert _states(siblings) == {inspect.CORO_CLOSED}
