"""`InvalidatingBackend`: after an action, refresh every poll of what it changed (`console.data.actions`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from console.data.actions import invalidated_by
from console.data.backend import Backend
from console.data.errors import ActionAccepted
from console.data.readonly import ForwardingBackend
from console.data.resource_keys import ResourceKind

P = ParamSpec("P")
R = TypeVar("R")

Invalidate = Callable[[frozenset[ResourceKind[Any, Any]]], None]
"""Told the kinds an action changed (the app's Store bridge refreshes them, and the header)."""


class InvalidatingBackend(ForwardingBackend):
    """After each action that went through (or was accepted unread), refresh what `INVALIDATES` names.

    Outermost wrapper of the app's backend, so multi-step flows (checkpoint, restore after suspend)
    refresh after every step, and a refused or failed action refreshes nothing.
    """

    def __init__(self, inner: Backend, on_change: Invalidate) -> None:
        super().__init__(inner)
        self._on_change = on_change

    async def _act(
        self, action: str, call: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        try:
            result = await call(*args, **kwargs)
        except ActionAccepted:
            self._on_change(invalidated_by(action))
            raise
        self._on_change(invalidated_by(action))
        return result
