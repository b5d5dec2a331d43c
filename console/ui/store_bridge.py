"""Turns the Textual-free Store into Textual messages, and polls only what a visible screen shows.

The Store calls back on the event loop with `(name, state)`; the bridge posts a `StoreUpdated` message
to each screen that asked for that resource. A screen attaches when it is shown and detaches when it
is hidden, and the bridge pauses every resource no attached screen needs, so hidden screens cost
nothing: no fetches, no messages, no repaints.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from console.data.backend import Backend
from console.data.store import ResourceState, Store
from console.ui.resources import ALWAYS_POLLED, RESOURCE_SPECS, ResourceSpec


class StoreUpdated(Message):
    """A resource's value or error changed; `state` is the Store's immutable snapshot."""

    def __init__(self, name: str, state: ResourceState[Any]) -> None:
        super().__init__()
        self.name = name
        self.state = state

    def can_replace(self, message: Message) -> bool:
        """A burst of updates to one resource collapses into the newest (Toolong's trick)."""
        return isinstance(message, StoreUpdated) and message.name == self.name


class StoreBridge:
    """Owns the subscription to the Store and the map of which screen wants which resources."""

    def __init__(
        self,
        store: Store,
        *,
        always_polled: Iterable[str] = ALWAYS_POLLED,
    ) -> None:
        self.store = store
        self.always_polled = frozenset(always_polled)
        self._targets: dict[MessagePump, frozenset[str]] = {}
        self._unsubscribe = store.subscribe(self._on_store_change)

    def register(self, backend: Backend, specs: Iterable[ResourceSpec] = RESOURCE_SPECS) -> None:
        """Register every resource with the Store, paused unless always polled."""
        for spec in specs:
            if spec.name in self.store.names:
                continue
            self.store.register(
                spec.name,
                functools.partial(spec.fetch, backend),
                spec.interval_seconds,
                paused=spec.name not in self.always_polled,
            )

    def add_resource(
        self, name: str, fetch: Callable[[], Awaitable[object]], interval_seconds: float
    ) -> None:
        """Register a resource one screen owns (a workload's detail); paused until that screen attaches."""
        if name not in self.store.names:
            self.store.register(name, fetch, interval_seconds, paused=True)

    async def remove_resource(self, name: str) -> None:
        """Forget a screen-owned resource when its screen closes."""
        if name in self.store.names:
            await self.store.unregister(name)

    def close(self) -> None:
        self._unsubscribe()
        self._targets.clear()

    # -- screens ------------------------------------------------------------------------------
    def attach(self, target: MessagePump, names: Iterable[str]) -> None:
        """Send `target` updates of `names` from now on, and make sure they poll."""
        self._targets[target] = frozenset(names)
        self._sync_polling()

    def detach(self, target: MessagePump) -> None:
        """Stop sending `target` updates; its resources pause unless another screen wants them."""
        if self._targets.pop(target, None) is not None:
            self._sync_polling()

    def snapshot(self, name: str) -> ResourceState[Any]:
        return self.store.snapshot(name)

    def refresh(self, names: Iterable[str]) -> None:
        for name in names:
            self.store.refresh(name)

    @property
    def active_names(self) -> frozenset[str]:
        """Resources that poll now: the always-polled ones and those an attached screen shows."""
        wanted = set(self.always_polled)
        for names in self._targets.values():
            wanted |= names
        return frozenset(wanted)

    def _sync_polling(self) -> None:
        wanted = self.active_names
        for name in self.store.names:
            paused = self.store.is_paused(name)
            if name in wanted and paused:
                self.store.resume(name)
            elif name not in wanted and not paused:
                self.store.pause(name)

    def _on_store_change(self, name: str, state: ResourceState[Any]) -> None:
        for target, names in list(self._targets.items()):
            if name in names:
                target.post_message(StoreUpdated(name, state))
