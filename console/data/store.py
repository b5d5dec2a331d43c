"""The Store: polls each resource in the background and tells subscribers only what changed.

Screens never fetch on their own timers; they read `snapshot(key)` and subscribe. A resource is named
by a key: a typed `console.data.resource_keys.ResourceKey` in the app (any hashable value works, which
keeps the Store testable alone). Each registered resource has one asyncio task that fetches, sleeps its
interval and fetches again, so one slow service never delays another and fetches of one resource never
overlap. When nothing changes, nobody is called (zero repaints), and paused resources (screens not
visible) do not poll at all.

Failures keep the last good value: the state records the error and since when, the screen shows
"stale since HH:MM:SS — <reason>", and the task retries with exponential backoff and full jitter
(`ceiling = min(cap, interval * 2**(attempt-1))`, delay uniform in [0, ceiling)), resetting on
success; a `RateLimited` error's `retry_after` is waited at least (up to the cap). Errors that need a
person (credentials, permissions, anything not in `RETRYABLE_ERRORS`) retry at the cap. Any exception a
fetch raises becomes a `BackendError`; a task never dies of one.

The Store knows nothing of Textual: the app adapts `subscribe` callbacks into messages. It belongs to
one event loop and is not thread-safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

from console.data.backend import Backend
from console.data.errors import RETRYABLE_ERRORS, BackendError, BadResponse, RateLimited, Timeout
from console.data.resource_keys import ResourceKey, ResourceKind
from console.data.unreadable import MissingPart, UnreadableItems, tallying

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BACKOFF_CAP_SECONDS = 60.0
"""The longest wait between retries (and the fixed wait for errors a retry cannot fix)."""

BACKOFF_FACTOR = 2.0
_MAX_BACKOFF_EXPONENT = 32  # 2**32 x any interval is far past the cap; avoids float overflow.


@dataclass(frozen=True)  # no slots: on 3.11, `ResourceState[int](...)` with slots raises TypeError
class ResourceState(Generic[T]):
    """What the Store knows about one resource at one moment; immutable, so safe to hand to screens.

    `value` is the last good value (None until the first success) and survives failures; `fetched_at`
    is when it was fetched, in the backend's time (`Backend.now()`: UTC wall time live, the
    simulator's clock in the demo, so snapshots stay deterministic). `error` is the last fetch's
    failure (None after a success), `error_since` when the current run of failures began, `attempt`
    how many fetches in a row have failed, `next_retry_in` seconds until the next try while failing.
    `unreadable` counts the items the fetch that gave `value` had to leave out, and `missing` names the
    parts of it that did not answer (`console.data.unreadable`): the value is shown, marked incomplete.
    """

    name: str
    """The key as words (`str(key)`): what a stale notice or a log line calls this resource."""
    value: T | None = None
    fetched_at: datetime | None = None
    error: BackendError | None = None
    error_since: datetime | None = None
    attempt: int = 0
    next_retry_in: float | None = None
    unreadable: tuple[UnreadableItems, ...] = ()
    missing: tuple[MissingPart, ...] = ()

    @property
    def loaded(self) -> bool:
        """At least one fetch succeeded, so `value` is real data (possibly old)."""
        return self.fetched_at is not None

    @property
    def stale(self) -> bool:
        """A value is shown but the latest fetch failed: show it with "stale since" instead of blank."""
        return self.loaded and self.error is not None

    @property
    def failed(self) -> bool:
        """The latest fetch failed (with or without an older value to show)."""
        return self.error is not None


StoreCallback = Callable[[Hashable, ResourceState[Any]], None]
"""Called as `callback(key, state)` on the Store's event loop when a resource's value or error changed."""


def _error_key(error: BackendError | None) -> tuple[type[BackendError], str] | None:
    """Errors are "the same" when kind and message match; a new exception object per retry is not news."""
    return None if error is None else (type(error), str(error))


def _values_equal(old: object, new: object) -> bool:
    try:
        return bool(old == new)
    except Exception:  # a value type with a broken __eq__ must not stop polling: treat as changed
        return False


@dataclass(eq=False)
class _Resource:
    """The Store's private bookkeeping for one registered resource."""

    key: Hashable
    name: str
    fetch: Callable[[], Awaitable[Any]]
    interval_seconds: float
    timeout_seconds: float | None
    state: ResourceState[Any]
    paused: bool = False
    refresh_requested: bool = False
    due_at: float = float("-inf")  # monotonic time of the next fetch; -inf: at once
    wake: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class Store:
    """Background polling of named resources, with last-value caching, backoff and change callbacks.

    Typical use (the app, once its loop runs)::

        store = Store(backend)
        store.register(PROJECTS, backend.projects, interval_seconds=5)
        store.subscribe(lambda key, state: app.post_message(StoreUpdated(key, state)))
        store.start()
        ...
        await backend.delete_project(project_id); store.invalidate(INVALIDATES[Action.DELETE_PROJECT])
        ...
        await store.stop()

    `clock` (monotonic seconds), `sleep` and `rng` are injectable so tests run without real time.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        now: Callable[[], datetime] | None = None,
        backoff_cap_seconds: float = DEFAULT_BACKOFF_CAP_SECONDS,
    ) -> None:
        if backoff_cap_seconds <= 0:
            raise ValueError("backoff_cap_seconds must be positive")
        self.backend = backend
        self._clock = clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._now = now if now is not None else backend.now
        self._backoff_cap_seconds = backoff_cap_seconds
        self._resources: dict[Hashable, _Resource] = {}
        self._subscribers: list[tuple[StoreCallback, frozenset[Hashable] | None]] = []
        self._dropped: set[asyncio.Task[None]] = set()
        """Tasks of dropped resources still winding down; `stop` waits for them."""
        self._running = False

    # -- registration ---------------------------------------------------------------------------
    def register(
        self,
        key: Hashable,
        fetch: Callable[[], Awaitable[Any]],
        interval_seconds: float,
        *,
        timeout_seconds: float | None = None,
        paused: bool = False,
    ) -> None:
        """Poll `fetch()` every `interval_seconds` under `key`; starts at once if the Store runs.

        `timeout_seconds` bounds one fetch (it then fails with `Timeout`); leave None when the
        backend has its own timeouts. `paused=True` registers without polling until `resume`.
        """
        name = str(key)
        if key in self._resources:
            raise ValueError(f"resource {name!r} is already registered")
        if interval_seconds <= 0:
            raise ValueError(f"interval_seconds for {name!r} must be positive, not {interval_seconds}")
        if timeout_seconds is not None and timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds for {name!r} must be positive, not {timeout_seconds}")
        resource = _Resource(
            key=key,
            name=name,
            fetch=fetch,
            interval_seconds=interval_seconds,
            timeout_seconds=timeout_seconds,
            state=ResourceState(name=name),
            paused=paused,
        )
        self._resources[key] = resource
        if self._running:
            self._start_task(resource)

    async def unregister(self, key: Hashable) -> None:
        """Stop polling `key` and forget it, waiting until its task is gone."""
        resource = self._resources.pop(key, None)
        if resource is not None:
            await _cancel_and_wait([resource.task])

    def drop(self, key: Hashable) -> None:
        """Forget `key` now (no screen holds it any more); its task is cancelled and `stop` reaps it."""
        resource = self._resources.pop(key, None)
        if resource is not None and resource.task is not None:
            resource.task.cancel()
            self._dropped.add(resource.task)
            resource.task.add_done_callback(self._dropped.discard)

    def __contains__(self, key: object) -> bool:
        return key in self._resources

    @property
    def keys(self) -> tuple[Hashable, ...]:
        """The registered resource keys, in registration order."""
        return tuple(self._resources)

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start one polling task per resource; needs a running event loop. Idempotent."""
        if self._running:
            return
        self._running = True
        for resource in self._resources.values():
            self._start_task(resource)

    async def stop(self) -> None:
        """Cancel every polling task and wait until they are gone (no pending-task warnings)."""
        self._running = False
        tasks = [resource.task for resource in self._resources.values()]
        for resource in self._resources.values():
            resource.task = None
        await _cancel_and_wait([*tasks, *self._dropped])

    async def __aenter__(self) -> Store:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _start_task(self, resource: _Resource) -> None:
        resource.task = asyncio.get_running_loop().create_task(
            self._poll_forever(resource), name=f"rwc-store:{resource.name}"
        )

    # -- control --------------------------------------------------------------------------------
    def refresh(self, key: Hashable) -> None:
        """Fetch `key` now (after an action), without waiting for the interval or the backoff.

        A fetch already in flight may have started before the action, so one more follows it. On a
        paused resource the fetch happens as soon as it is resumed. Repeated calls coalesce.
        """
        resource = self._resource(key)
        resource.refresh_requested = True
        resource.wake.set()

    def refresh_all(self) -> None:
        """Fetch every resource now (the user pressed the global refresh key)."""
        for key in self._resources:
            self.refresh(key)

    def invalidate(self, kinds: Iterable[ResourceKind[Any, Any]]) -> None:
        """An action changed these kinds of thing: refresh every registered key of them, whatever its
        parameters (`console.data.actions.INVALIDATES` says which kinds each action changes)."""
        wanted = frozenset(kinds)
        for key in self._resources:
            if isinstance(key, ResourceKey) and key.kind in wanted:
                self.refresh(key)

    def pause(self, key: Hashable) -> None:
        """Stop polling `key` (its screen is hidden); a fetch in flight still completes and reports."""
        resource = self._resource(key)
        resource.paused = True
        resource.wake.set()

    def resume(self, key: Hashable) -> None:
        """Poll `key` again; fetches at once if its next fetch fell due while paused."""
        resource = self._resource(key)
        resource.paused = False
        resource.wake.set()

    def set_interval(self, key: Hashable, interval_seconds: float) -> None:
        """Poll `key` every `interval_seconds` from now on (a site moved to or from the background); a
        shorter pace takes effect at once, a longer one after the fetch already due."""
        if interval_seconds <= 0:
            raise ValueError(f"interval_seconds must be positive, not {interval_seconds}")
        resource = self._resource(key)
        resource.interval_seconds = interval_seconds
        resource.due_at = min(resource.due_at, self._clock() + interval_seconds)
        resource.wake.set()

    def is_paused(self, key: Hashable) -> bool:
        return self._resource(key).paused

    # -- reading --------------------------------------------------------------------------------
    @overload
    def snapshot(self, key: ResourceKey[T]) -> ResourceState[T]: ...
    @overload
    def snapshot(self, key: Hashable) -> ResourceState[Any]: ...
    def snapshot(self, key: Hashable) -> ResourceState[Any]:
        """The current state of `key`, with `next_retry_in` counted down to now (typed by a typed key)."""
        resource = self._resource(key)
        state = resource.state
        if state.error is None or resource.paused or resource.due_at == float("-inf"):
            return state
        return dataclasses.replace(state, next_retry_in=max(0.0, resource.due_at - self._clock()))

    def subscribe(
        self, callback: StoreCallback, keys: Iterable[Hashable] | None = None
    ) -> Callable[[], None]:
        """Call `callback(key, state)` whenever a resource's value or error changes; returns the
        function that unsubscribes. `keys` limits it to those resources (default: all)."""
        entry = (callback, frozenset(keys) if keys is not None else None)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(entry)

        return unsubscribe

    def _resource(self, key: Hashable) -> _Resource:
        try:
            return self._resources[key]
        except KeyError:
            raise KeyError(f"no resource {str(key)!r} is registered with the Store") from None

    # -- the polling loop -----------------------------------------------------------------------
    async def _poll_forever(self, resource: _Resource) -> None:
        """Fetch when due, refreshed or resumed; otherwise sleep. Only cancellation ends it."""
        while True:
            try:
                if resource.paused:
                    await resource.wake.wait()
                    resource.wake.clear()
                    continue
                remaining = resource.due_at - self._clock()
                if resource.refresh_requested or remaining <= 0:
                    resource.refresh_requested = False
                    await self._fetch_once(resource)
                    continue
                await self._sleep_unless_woken(remaining, resource.wake)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug in the Store itself: log it, back off, keep polling
                cap = self._cap(resource)
                logger.exception("Store polling of %r failed; retrying in %.0f s", resource.name, cap)
                resource.due_at = self._clock() + cap

    async def _sleep_unless_woken(self, seconds: float, wake: asyncio.Event) -> None:
        """Sleep with the injected `sleep`, returning early when `wake` is set (refresh, pause, resume)."""
        if not wake.is_set():
            sleeper = asyncio.ensure_future(self._sleep(seconds))
            waiter = asyncio.ensure_future(wake.wait())
            try:
                await asyncio.wait((sleeper, waiter), return_when=asyncio.FIRST_COMPLETED)
            finally:
                await _cancel_and_wait([sleeper, waiter])
        wake.clear()

    async def _fetch_once(self, resource: _Resource) -> None:
        """One fetch; records the outcome, schedules the next one and notifies if anything changed."""
        error: BackendError | None = None
        value: Any = None
        try:
            with tallying() as tally:
                if resource.timeout_seconds is None:
                    value = await resource.fetch()
                else:
                    value = await asyncio.wait_for(resource.fetch(), resource.timeout_seconds)
        except asyncio.CancelledError:
            if _being_cancelled():
                raise
            # A library cancelled something of its own and let it escape; that is a failed fetch.
            error = BadResponse(f"Fetching {resource.name} was cancelled unexpectedly.")
        except BackendError as backend_error:
            error = backend_error
        except TimeoutError:
            seconds = f" in {resource.timeout_seconds:g} s" if resource.timeout_seconds else ""
            error = Timeout(f"Fetching {resource.name} did not finish{seconds}.")
        except Exception as unexpected:
            # Not a BackendError: a backend bug. The traceback goes to the log file, a sentence to the screen.
            logger.exception("Unexpected error while fetching %r", resource.name)
            error = BadResponse(f"Could not read {resource.name}: {type(unexpected).__name__}: {unexpected}")
        if error is None:
            self._record_success(resource, value, tally.found(), tally.missing())
        else:
            self._record_failure(resource, error)

    def _record_success(
        self,
        resource: _Resource,
        value: Any,
        unreadable: tuple[UnreadableItems, ...] = (),
        missing: tuple[MissingPart, ...] = (),
    ) -> None:
        previous = resource.state
        value_changed = not previous.loaded or not _values_equal(previous.value, value)
        unreadable_changed = previous.unreadable != unreadable or previous.missing != missing
        if previous.error is not None:
            logger.info("%s recovered after %d failed attempts", resource.name, previous.attempt)
        resource.state = ResourceState(
            name=resource.name,
            # Keep the old object when equal, so consumers comparing by identity see no change either.
            value=value if value_changed else previous.value,
            fetched_at=self._now(),
            unreadable=unreadable,
            missing=missing,
        )
        resource.due_at = self._clock() + resource.interval_seconds
        if value_changed or unreadable_changed or previous.error is not None:
            self._notify(resource)

    def _record_failure(self, resource: _Resource, error: BackendError) -> None:
        previous = resource.state
        attempt = previous.attempt + 1
        delay = self.backoff_delay(resource.interval_seconds, attempt, error)
        error_changed = _error_key(previous.error) != _error_key(error)
        if error_changed:
            logger.warning("Fetching %s failed: %s (retrying in %.1f s)", resource.name, error, delay)
        resource.state = dataclasses.replace(
            previous,
            error=error,
            error_since=previous.error_since if previous.error is not None else self._now(),
            attempt=attempt,
            next_retry_in=delay,
        )
        resource.due_at = self._clock() + delay
        if error_changed:
            self._notify(resource)

    def backoff_delay(self, interval_seconds: float, attempt: int, error: BackendError) -> float:
        """Seconds to wait before retry number `attempt` (1-based) after `error`.

        Full jitter: uniform in [0, min(cap, interval * 2**(attempt-1))), so many clients never retry
        in step. A `RateLimited` error that says how long to wait (`retry_after`) waits at least that, up to
        the cap (a server's far-off date must not freeze a screen; `refresh` still fetches at once). Errors a
        retry will not fix (not in `RETRYABLE_ERRORS`) wait the whole cap. The cap is at least the interval,
        so a failing resource never polls faster than a healthy one would.
        """
        cap = max(self._backoff_cap_seconds, interval_seconds)
        if not isinstance(error, RETRYABLE_ERRORS):
            return cap
        exponent = min(max(attempt - 1, 0), _MAX_BACKOFF_EXPONENT)
        ceiling = min(cap, interval_seconds * BACKOFF_FACTOR**exponent)
        delay = ceiling * self._rng.random()
        if isinstance(error, RateLimited) and error.retry_after is not None:
            delay = max(delay, min(cap, error.retry_after))
        return delay

    def _cap(self, resource: _Resource) -> float:
        return max(self._backoff_cap_seconds, resource.interval_seconds)

    def _notify(self, resource: _Resource) -> None:
        state = resource.state
        for callback, keys in list(self._subscribers):
            if keys is not None and resource.key not in keys:
                continue
            try:
                callback(resource.key, state)
            except Exception:  # one broken subscriber must not starve the others or kill polling
                logger.exception("Store subscriber %r failed on %r", callback, resource.name)


def _being_cancelled() -> bool:
    """Whether the current task was asked to stop (as opposed to a stray CancelledError from below)."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


async def _cancel_and_wait(tasks: Iterable[asyncio.Future[Any] | None]) -> None:
    """Cancel the tasks and wait for them to finish, so none is left pending when the loop closes."""
    pending = [task for task in tasks if task is not None]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
