"""Turns the Textual-free Store into Textual messages, and polls only what a visible screen shows.

The Store calls back on the event loop with `(key, state)`; the bridge posts a `StoreUpdated` message
to each screen that asked for that resource. A screen attaches when it is shown and detaches when it
is hidden, and the bridge pauses every resource no attached screen needs, so hidden screens cost
nothing: no fetches, no messages, no repaints.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from console.data.backend import Backend
from console.data.resource_keys import ResourceKey, ResourceKind
from console.data.store import ResourceState, Store
from console.ui.resources import ALWAYS_POLLED

T = TypeVar("T")

AnyKey = ResourceKey[Any]


class StoreUpdated(Message):
    """A resource's value or error changed; `state` is the Store's immutable snapshot."""

    def __init__(self, key: AnyKey, state: ResourceState[Any]) -> None:
        super().__init__()
        self.key = key
        self.state = state

    def can_replace(self, message: Message) -> bool:
        """A burst of updates to one resource collapses into the newest (Toolong's trick)."""
        return isinstance(message, StoreUpdated) and message.key == self.key


class StoreBridge:
    """Owns the subscription to the Store and the map of which screen wants which resources.

    Keys are registered with the Store the first time a screen asks for them. A screen *holds* its keys
    from its first `attach` until `release` (it closed); it *shows* them only while attached (visible).
    Shown keys poll; held but hidden ones pause and keep their value (a dialog over a detail view must
    not blank it); a parameterised key no screen holds any more is dropped, so a closed detail view or
    an old filter costs nothing. Plain keys (`NODES`) stay registered, paused, for the next screen.
    """

    def __init__(
        self,
        store: Store,
        backend: Backend,
        *,
        always_polled: Iterable[AnyKey] = ALWAYS_POLLED,
    ) -> None:
        self.store = store
        self.backend = backend
        self.always_polled = frozenset(always_polled)
        self._shown: dict[MessagePump, frozenset[AnyKey]] = {}
        self._held: dict[MessagePump, frozenset[AnyKey]] = {}
        self._unsubscribe = store.subscribe(self._on_store_change)
        for key in self.always_polled:
            self._ensure_registered(key, paused=False)

    def _ensure_registered(self, key: AnyKey, *, paused: bool = True) -> None:
        if key not in self.store:
            self.store.register(
                key, functools.partial(key.fetch, self.backend), key.interval_seconds, paused=paused
            )

    def close(self) -> None:
        self._unsubscribe()
        self._shown.clear()
        self._held.clear()

    # -- screens ------------------------------------------------------------------------------
    def attach(self, target: MessagePump, keys: Iterable[AnyKey]) -> None:
        """`target` shows `keys` from now on (replacing what it showed): they poll and it gets updates."""
        wanted = frozenset(keys)
        for key in wanted:
            self._ensure_registered(key)
        self._shown[target] = wanted
        self._held[target] = wanted
        self._sync_polling()
        self._drop_unheld()

    def detach(self, target: MessagePump) -> None:
        """`target` is hidden: no more updates; its keys pause unless another screen shows them."""
        if self._shown.pop(target, None) is not None:
            self._sync_polling()

    def release(self, target: MessagePump) -> None:
        """`target` closed: its parameterised keys are dropped unless another screen holds them."""
        self._shown.pop(target, None)
        if self._held.pop(target, None) is not None:
            self._sync_polling()
            self._drop_unheld()

    def snapshot(self, key: ResourceKey[T]) -> ResourceState[T]:
        """What the Store has for `key`; nothing loaded yet for a key no screen has asked for (a screen
        checks its keys before it is first shown)."""
        if key not in self.store:
            return ResourceState(name=str(key))
        return self.store.snapshot(key)

    def refresh(self, keys: Iterable[AnyKey]) -> None:
        for key in keys:
            if key in self.store:
                self.store.refresh(key)

    def invalidate(self, kinds: Iterable[ResourceKind[Any, Any]]) -> None:
        """An action changed these kinds (`console.data.actions`): refresh them, and the header with them
        (GPU totals and alert counts move with most actions)."""
        self.store.invalidate(kinds)
        self.refresh(self.always_polled)

    @property
    def active_keys(self) -> frozenset[AnyKey]:
        """Resources that poll now: the always-polled ones and those a visible screen shows."""
        wanted: set[AnyKey] = set(self.always_polled)
        for keys in self._shown.values():
            wanted |= keys
        return frozenset(wanted)

    def _sync_polling(self) -> None:
        wanted = self.active_keys
        for key in self.store.keys:
            paused = self.store.is_paused(key)
            if key in wanted and paused:
                self.store.resume(key)
            elif key not in wanted and not paused:
                self.store.pause(key)

    def _drop_unheld(self) -> None:
        held: set[AnyKey] = set(self.always_polled)
        for keys in self._held.values():
            held |= keys
        for key in self.store.keys:
            if isinstance(key, ResourceKey) and key.parameterised and key not in held:
                self.store.drop(key)

    def _on_store_change(self, key: Hashable, state: ResourceState[Any]) -> None:
        if not isinstance(key, ResourceKey):
            return
        for target, keys in list(self._shown.items()):
            if key in keys:
                target.post_message(StoreUpdated(key, state))
