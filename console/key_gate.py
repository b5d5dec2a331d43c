"""`KeyGate`: every key goes where the user will see it, in order, however fast the keys arrive.

Why this exists: Textual forwards each key to whatever has focus *when the App reads it*. A key's
binding runs later, when the key has bubbled back up from the focused widget, and a dialog that
key opens is mounted later still (or after a worker fetched the dialog's choices). So a burst such
as `c` `u` `d` `a` `i` `l` `y` (a fast typist, a paste, a laggy SSH link: one terminal read) reached
the table behind the "Create snapshot" dialog: `u` opened Upload, `d` Delete, and the `y` of "daily"
confirmed the delete. Keys 20-50 ms apart were dropped on a dialog that had no focused widget yet.

The gate fixes the cause in one place, the app shell (`RwcApp.on_event` hands it every key):

1. **One key at a time.** A key is delivered (Textual's own dispatch: priority bindings, then the
   focused widget) and the next one waits until it has *settled*: processed by the widget it went
   to and by every ancestor it bubbles through up to the App (where bindings run), then — if the
   screen changed — until the new screen is mounted, focused and painted.
2. **Keys wait for a dialog that is still loading.** An action that must fetch before it can open
   its dialog runs its worker in the group `OPENS_SCREEN` (see `open_screen_worker`); keys typed
   meanwhile wait for that screen. If the worker ends without opening one (the fetch failed), the
   keys typed for the dialog are *not* replayed on the screen underneath: they are discarded and
   the user is told. `esc` while waiting cancels the opening.
3. **Questions that destroy need a fresh key.** A screen with `ASKS_BEFORE_DESTROYING = True`
   (confirm, type-the-name) ignores every key that arrived before it was painted, except `esc`,
   and is told how many it ignored (`typed_ahead_ignored`), so a `y` typed ahead never confirms.

The gate knows Textual's message pumps, not rwc's screens: a screen opts in with two class
attributes, a loading action with one worker group.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol
from weakref import WeakKeyDictionary

from textual import events
from textual.message_pump import MessagePump
from textual.widget import Widget
from textual.worker import WorkerState

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

log = logging.getLogger(__name__)

OPENS_SCREEN = "opens-screen"
"""Worker group of an action that fetches first and then pushes a dialog, form or screen."""

HOP_TIMEOUT_SECONDS = 2.0
"""Longest wait for one message pump to process a key. Only a pump that is closing or wedged takes
this long; the gate then moves on rather than stop all input."""

READY_TIMEOUT_SECONDS = 5.0
"""Longest wait for a new screen to mount and paint before keys are delivered to it anyway."""

MAX_HELD_KEYS = 4096
"""Keys kept while waiting; a paste larger than this is cut (and the user told), not held unbounded."""

SLOW_OPEN_NOTICE_SECONDS = 0.6
"""A dialog that takes longer than this to open says so, so typing into nothing is never silent."""

_LIVE_WORKER_STATES = frozenset({WorkerState.PENDING, WorkerState.RUNNING})
_CANCEL_KEYS = frozenset({"escape"})


class AsksBeforeDestroying(Protocol):
    """What a destructive question offers the gate (`ConfirmDialog`, `TypeNameDialog`)."""

    ASKS_BEFORE_DESTROYING: bool

    def typed_ahead_ignored(self, count: int) -> None:
        """Tell the user that `count` keys typed before the question appeared were ignored."""


Deliver = Callable[[events.Key | events.Paste], Awaitable[None]]
"""Textual's own handling of an input event (`App.on_event`), which the gate calls in order."""


class KeyGate:
    """Serialises key delivery for one App; see the module docstring for the rules."""

    def __init__(self, app: App[Any], deliver: Deliver) -> None:
        self._app = app
        self._deliver = deliver
        self._pending: deque[events.Key | events.Paste] = deque()
        self._drainer: asyncio.Task[None] | None = None
        self._shown_at: WeakKeyDictionary[Screen[Any], float] = WeakKeyDictionary()
        self._cut_notified = False

    def watch_screens(self) -> None:
        """Note when each screen that comes to the top is painted, whatever brought it there (a key,
        a worker, a timer): a destructive question compares keys against that moment."""
        self._app.screen_change_signal.subscribe(self._app, self._screen_changed)
        self._screen_changed(self._app.screen)  # the first screen came before this subscription

    def _screen_changed(self, screen: Screen[Any]) -> None:
        def painted() -> None:
            if screen is self._app.screen and screen not in self._shown_at:
                self._shown_at[screen] = time.monotonic()

        self._shown_at.pop(screen, None)  # shown again (popped back to): painted anew
        screen.call_after_refresh(painted)

    # -- what the app and tests ask ---------------------------------------------------------------
    def accept(self, event: events.Key | events.Paste) -> None:
        """Queue an input event from the terminal; it is delivered after every earlier one settled."""
        if len(self._pending) >= MAX_HELD_KEYS:
            if not self._cut_notified:
                self._cut_notified = True
                self._app.notify(
                    f"More than {MAX_HELD_KEYS} keys arrived while rwc was busy; the rest were not used.",
                    severity="warning",
                    markup=False,
                )
            return
        self._pending.append(event)
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.get_running_loop().create_task(self._drain(), name="rwc-key-gate")

    def is_shown(self, screen: Screen[Any]) -> bool:
        """True once `screen` has been painted on top (keys after this are answers to it)."""
        return screen in self._shown_at

    @property
    def idle(self) -> bool:
        """No key is waiting or being delivered."""
        return not self._pending and (self._drainer is None or self._drainer.done())

    def close(self) -> None:
        """Drop held keys and stop delivering (the app is exiting)."""
        self._pending.clear()
        if self._drainer is not None:
            self._drainer.cancel()

    # -- delivery -----------------------------------------------------------------------------------
    async def _drain(self) -> None:
        while self._pending:
            event = self._pending.popleft()
            try:
                await self._deliver_and_settle(event)
            except asyncio.CancelledError:
                raise
            except Exception:  # a key must never stop all later keys
                log.exception("key delivery failed for %r", event)
        self._cut_notified = False

    async def _deliver_and_settle(self, event: events.Key | events.Paste) -> None:
        app = self._app
        screen_before = app.screen
        if self._refused_as_typed_ahead(screen_before, event):
            return
        target = await self._deliver_in_app(event)
        # Follow the key up the pumps it bubbles through; bindings run when it reaches the App.
        if target is not None:
            for pump in target.ancestors_with_self:
                await self._processed(pump)
        await self._wait_for_opening_screens(screen_before)
        if app.screen is not screen_before or app.screen not in self._shown_at:
            await self._wait_until_shown(app.screen)

    async def _deliver_in_app(self, event: events.Key | events.Paste) -> Widget | None:
        """Run Textual's dispatch of `event` in the App's own message loop, as it would have run;
        return the pump it was forwarded to (what had focus then), or None if it never ran."""
        app = self._app
        forwarded_to: asyncio.Future[Widget] = asyncio.get_running_loop().create_future()

        async def deliver() -> None:
            target: Widget = app.focused or app.screen
            try:
                await self._deliver(event)
            finally:
                if not forwarded_to.done():
                    forwarded_to.set_result(target)

        if not app.call_later(deliver):
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(forwarded_to), HOP_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("key gate: the app did not take a key within %.1fs", HOP_TIMEOUT_SECONDS)
            return None

    def _refused_as_typed_ahead(self, screen: Screen[Any], event: events.Key | events.Paste) -> bool:
        """A destructive question takes only keys pressed after it was painted (and esc, always)."""
        if not getattr(screen, "ASKS_BEFORE_DESTROYING", False):
            return False
        if isinstance(event, events.Key) and event.key in _CANCEL_KEYS:
            return False
        shown_at = self._shown_at.get(screen)
        # `event.time` is Textual's monotonic clock (time.monotonic on POSIX), stamped when read.
        if shown_at is not None and event.time >= shown_at:
            return False
        typed_ahead_ignored = getattr(screen, "typed_ahead_ignored", None)
        if callable(typed_ahead_ignored):
            typed_ahead_ignored(1)
        return True

    async def _processed(self, pump: MessagePump) -> None:
        """Wait until `pump` has handled everything queued on it so far (the key among it)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def mark_done() -> None:
            if not done.done():
                done.set_result(None)

        if not pump.call_later(mark_done):
            return  # closing or closed: nothing more will be handled there
        try:
            await asyncio.wait_for(asyncio.shield(done), HOP_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("key gate: %r did not process a key within %.1fs", pump, HOP_TIMEOUT_SECONDS)

    async def _wait_for_opening_screens(self, screen_before: Screen[Any]) -> None:
        """Hold later keys while an `OPENS_SCREEN` worker runs; drop them if it opens nothing."""
        app = self._app
        opening = [w for w in app.workers if w.group == OPENS_SCREEN and w.state in _LIVE_WORKER_STATES]
        if not opening:
            return
        started = time.monotonic()
        told_slow = False
        while any(w.state in _LIVE_WORKER_STATES for w in opening) and app.screen is screen_before:
            if any(isinstance(e, events.Key) and e.key in _CANCEL_KEYS for e in self._pending):
                for worker in opening:
                    worker.cancel()
                self._discard_until_cancel()
                app.notify("Cancelled: the dialog did not open.", timeout=3, markup=False)
                return
            if not told_slow and time.monotonic() - started > SLOW_OPEN_NOTICE_SECONDS:
                told_slow = True
                app.notify("Opening… (esc cancels; keys typed now go to it)", timeout=3, markup=False)
            await asyncio.sleep(0.01)
        if app.screen is screen_before and self._pending:
            count = len(self._pending)
            self._pending.clear()
            app.notify(
                f"The dialog did not open, so {count} key{'s' if count != 1 else ''} typed for it "
                "were not used.",
                severity="warning",
                timeout=6,
                markup=False,
            )

    def _discard_until_cancel(self) -> None:
        """Drop the keys typed for the dialog that never opened, up to and including the `esc`."""
        while self._pending:
            event = self._pending.popleft()
            if isinstance(event, events.Key) and event.key in _CANCEL_KEYS:
                return

    async def _wait_until_shown(self, screen: Screen[Any]) -> None:
        """Wait until `screen` is mounted, has handled what was queued on it (focus) and was painted."""
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not screen.is_mounted:
            if time.monotonic() > deadline or not screen.is_attached and screen is not self._app.screen:
                return
            await asyncio.sleep(0.005)
        await self._processed(screen)
        painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def mark_painted() -> None:
            if not painted.done():
                painted.set_result(None)

        if screen.call_after_refresh(mark_painted):
            try:
                await asyncio.wait_for(asyncio.shield(painted), max(0.05, deadline - time.monotonic()))
            except TimeoutError:
                log.warning("key gate: %r was not painted within %.1fs", screen, READY_TIMEOUT_SECONDS)
        if screen is self._app.screen and screen not in self._shown_at:
            self._shown_at[screen] = time.monotonic()
