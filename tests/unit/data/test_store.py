"""Store: change-only notifications, last value kept on failure, backoff with jitter, refresh, pause, stop.

Time is injected: `ManualTime` hands the Store a clock and a sleep that either passes at once
(`instant=True`, for walking through a chain of retries) or waits until the test advances it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.data import BackendError, BadResponse, Forbidden, RateLimited, Timeout, Unauthorized, Unavailable
from console.data.store import ResourceState, Store

EPOCH = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)


class ManualTime:
    """A monotonic clock and a sleep for the Store; `sleeps` records every delay it asked for."""

    def __init__(self, *, instant: bool = False) -> None:
        self.now = 0.0
        self.instant = instant
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.instant:
            self.now += seconds
            await asyncio.sleep(0)
            return
        wake = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, wake))
        await wake

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for wake_at, wake in self._sleepers:
            if wake_at <= self.now and not wake.done():
                wake.set_result(None)
        self._sleepers = [(at, wake) for at, wake in self._sleepers if not wake.done()]

    @property
    def pending_sleeps(self) -> int:
        return sum(1 for _, wake in self._sleepers if not wake.done())


class Script:
    """A fetch that answers from a list (values, or exceptions to raise), then parks forever."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.exhausted = asyncio.Event()
        self.gate: asyncio.Event | None = None  # when set by a test, each fetch waits for it

    async def __call__(self) -> object:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                await self.gate.wait()
            if not self.outcomes:
                self.exhausted.set()
                await asyncio.Event().wait()
            outcome = self.outcomes.pop(0)
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        finally:
            self.in_flight -= 1


class HighestRandom(random.Random):
    """Full jitter at its ceiling, so the backoff's growth is visible exactly."""

    def random(self) -> float:
        return 1.0


async def wait_until(predicate: Callable[[], bool], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0)


async def settle() -> None:
    """Let every ready task run a good while (for asserting that nothing more happens)."""
    for _ in range(50):
        await asyncio.sleep(0)


def make_store(backend: Any, time_source: ManualTime, **kwargs: Any) -> Store:
    kwargs.setdefault("rng", HighestRandom())
    return Store(backend, clock=time_source.clock, sleep=time_source.sleep, now=time_source.wall, **kwargs)


class Recorder:
    def __init__(self) -> None:
        self.updates: list[tuple[str, ResourceState[Any]]] = []

    def __call__(self, name: str, state: ResourceState[Any]) -> None:
        self.updates.append((name, state))

    @property
    def values(self) -> list[Any]:
        return [state.value for _, state in self.updates]


@pytest.fixture
async def cleanup() -> Any:
    """Stops every Store a test made, even when an assertion failed first."""
    stores: list[Store] = []
    yield stores.append
    for store in stores:
        await store.stop()


async def test_notifies_only_when_the_value_changes(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"], ["a"], ["a"], ["b"])
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source)
    cleanup(store)
    recorder = Recorder()
    store.subscribe(recorder)
    store.register("projects", fetch, interval_seconds=5)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    assert recorder.values == [["a"], ["b"]]
    assert time_source.sleeps == [5, 5, 5, 5]
    state = store.snapshot("projects")
    assert state.value == ["b"] and state.fetched_at == EPOCH + timedelta(seconds=15)
    assert not state.stale and state.error is None


async def test_an_equal_value_keeps_the_previous_object(recording_backend: Any, cleanup: Any) -> None:
    first, equal = ["a"], ["a"]
    fetch = Script(first, equal)
    store = make_store(recording_backend, ManualTime(instant=True))
    cleanup(store)
    store.register("projects", fetch, interval_seconds=5)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    assert store.snapshot("projects").value is first


async def test_a_failure_keeps_the_last_value_and_marks_it_stale(
    recording_backend: Any, cleanup: Any
) -> None:
    down = Unavailable("WEKA is not answering.", service="weka", status=503)
    fetch = Script(["fs-1"], down, Unavailable("WEKA is not answering.", service="weka", status=503))
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source)
    cleanup(store)
    recorder = Recorder()
    store.subscribe(recorder)
    store.register("filesystems", fetch, interval_seconds=2)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    state = store.snapshot("filesystems")
    assert state.value == ["fs-1"]
    assert state.stale and state.failed and state.loaded
    assert str(state.error) == "WEKA is not answering. (weka 503)"
    assert state.fetched_at == EPOCH
    assert state.error_since == EPOCH + timedelta(seconds=2)  # the first failure, not the latest
    assert state.attempt == 2
    # One notification for the load and one for the error; the same error again is not news.
    assert [(state.value, state.error is not None) for _, state in recorder.updates] == [
        (["fs-1"], False),
        (["fs-1"], True),
    ]


async def test_a_success_after_failures_clears_the_error_and_notifies(
    recording_backend: Any, cleanup: Any
) -> None:
    fetch = Script(["a"], Timeout(), Timeout(), ["a"])
    store = make_store(recording_backend, ManualTime(instant=True))
    cleanup(store)
    recorder = Recorder()
    store.subscribe(recorder)
    store.register("nodes", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    state = store.snapshot("nodes")
    assert (state.error, state.error_since, state.attempt, state.next_retry_in) == (None, None, 0, None)
    assert not state.stale
    assert [type(state.error) for _, state in recorder.updates] == [type(None), Timeout, type(None)]


async def test_never_loaded_and_failing_is_failed_but_not_stale(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(Unavailable())
    store = make_store(recording_backend, ManualTime(instant=True))
    cleanup(store)
    store.register("alerts", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    state = store.snapshot("alerts")
    assert state.failed and not state.stale and not state.loaded and state.value is None


async def test_retries_back_off_exponentially_up_to_the_cap(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(*[Unavailable() for _ in range(7)], ["ok"])
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source, backoff_cap_seconds=10)
    cleanup(store)
    store.register("workloads", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    # Seven failures: 1, 2, 4, 8, then the cap; the success resets to the interval.
    assert time_source.sleeps == [1, 2, 4, 8, 10, 10, 10, 1]


async def test_jitter_stays_within_the_exponential_ceiling(recording_backend: Any, cleanup: Any) -> None:
    failures = 12
    fetch = Script(*[Timeout() for _ in range(failures)])
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source, rng=random.Random(1234), backoff_cap_seconds=60)
    cleanup(store)
    store.register("gpus", fetch, interval_seconds=2)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    ceilings = [min(60.0, 2.0 * 2**attempt) for attempt in range(failures)]
    assert len(time_source.sleeps) == failures
    for delay, ceiling in zip(time_source.sleeps, ceilings, strict=True):
        assert 0.0 <= delay < ceiling
    assert len(set(time_source.sleeps)) == failures  # jittered, not a fixed schedule
    assert max(time_source.sleeps[6:]) > 2.0 * 2**4  # and it does grow well past the early ceilings


@pytest.mark.parametrize("error", [Unauthorized(), Forbidden()])
async def test_errors_a_retry_cannot_fix_wait_the_cap(
    error: BackendError, recording_backend: Any, cleanup: Any
) -> None:
    fetch = Script(error, error, error)
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source, rng=random.Random(1), backoff_cap_seconds=30)
    cleanup(store)
    store.register("projects", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    assert time_source.sleeps == [30, 30, 30]


def test_the_cap_is_never_shorter_than_the_interval(recording_backend: Any) -> None:
    store = Store(recording_backend, rng=HighestRandom(), backoff_cap_seconds=60)

    assert store.backoff_delay(300, 1, Unavailable()) == 300
    assert store.backoff_delay(300, 1, Forbidden()) == 300
    assert store.backoff_delay(1, 10_000, Unavailable()) == 60  # no float overflow on long outages


async def test_an_unexpected_exception_becomes_a_bad_response_and_polling_goes_on(
    recording_backend: Any, cleanup: Any
) -> None:
    fetch = Script(KeyError("gpuUtilization"), ["a"])
    store = make_store(recording_backend, ManualTime(instant=True))
    cleanup(store)
    errors: list[BackendError | None] = []
    store.subscribe(lambda _, state: errors.append(state.error))
    store.register("gpus", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    assert isinstance(errors[0], BadResponse)
    assert "gpus" in str(errors[0]) and "KeyError" in str(errors[0])
    assert errors[1] is None and store.snapshot("gpus").value == ["a"]


async def test_a_stray_cancelled_error_from_a_fetch_does_not_kill_polling(
    recording_backend: Any, cleanup: Any
) -> None:
    fetch = Script(asyncio.CancelledError(), ["a"])
    store = make_store(recording_backend, ManualTime(instant=True))
    cleanup(store)
    errors: list[BackendError | None] = []
    store.subscribe(lambda _, state: errors.append(state.error))
    store.register("nodes", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    assert isinstance(errors[0], BadResponse) and errors[1] is None


async def test_a_fetch_past_its_timeout_fails_with_timeout(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script()  # parks at once: never answers
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("weka", fetch, interval_seconds=5, timeout_seconds=0.01)

    store.start()
    await wait_until(lambda: store.snapshot("weka").failed)

    assert isinstance(store.snapshot("weka").error, Timeout)
    assert "weka" in str(store.snapshot("weka").error)


async def test_next_retry_in_counts_down(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(Unavailable())
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("alerts", fetch, interval_seconds=8)

    store.start()
    await wait_until(lambda: store.snapshot("alerts").failed)
    assert store.snapshot("alerts").next_retry_in == 8
    time_source.advance(3)
    assert store.snapshot("alerts").next_retry_in == 5


async def test_refresh_fetches_at_once(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"], ["b"])
    store = Store(recording_backend)  # real time: an hour's interval must not be waited out
    cleanup(store)
    store.register("workloads", fetch, interval_seconds=3600)
    store.start()
    await wait_until(lambda: fetch.calls == 1)

    store.refresh("workloads")

    await wait_until(lambda: store.snapshot("workloads").value == ["b"])


async def test_refresh_during_a_fetch_fetches_once_more_afterwards_without_overlap(
    recording_backend: Any, cleanup: Any
) -> None:
    fetch = Script(["before-action"], ["after-action"])
    fetch.gate = asyncio.Event()
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("projects", fetch, interval_seconds=60)
    store.start()
    await wait_until(lambda: fetch.in_flight == 1)

    store.refresh("projects")
    store.refresh("projects")  # coalesces with the first
    fetch.gate.set()

    await wait_until(lambda: store.snapshot("projects").value == ["after-action"])
    await settle()
    assert fetch.most_in_flight == 1
    assert fetch.calls == 2
    assert time_source.sleeps == [60]


async def test_pause_stops_polling_and_resume_fetches_if_due(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"], ["b"], ["c"])
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("nodes", fetch, interval_seconds=10)
    store.start()
    await wait_until(lambda: time_source.pending_sleeps == 1)

    store.pause("nodes")
    await settle()
    assert store.is_paused("nodes")
    assert time_source.pending_sleeps == 0  # nothing scheduled: no wake-ups while hidden
    time_source.advance(100)
    await settle()
    assert fetch.calls == 1

    store.resume("nodes")  # overdue: fetch at once
    await wait_until(lambda: fetch.calls == 2)
    await wait_until(lambda: time_source.pending_sleeps == 1)

    store.pause("nodes")
    time_source.advance(4)
    store.resume("nodes")  # not due yet: wait out the rest of the interval only
    await wait_until(lambda: time_source.sleeps[-1] == 6)
    assert fetch.calls == 2
    time_source.advance(6)
    await wait_until(lambda: fetch.calls == 3)


async def test_refresh_of_a_paused_resource_happens_on_resume(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"], ["b"])
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("snapshots", fetch, interval_seconds=30)
    store.start()
    await wait_until(lambda: fetch.calls == 1)
    store.pause("snapshots")

    store.refresh("snapshots")
    await settle()
    assert fetch.calls == 1

    store.resume("snapshots")
    await wait_until(lambda: fetch.calls == 2)


async def test_registered_paused_does_not_fetch_until_resumed(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"])
    store = make_store(recording_backend, ManualTime())
    cleanup(store)
    store.register("buckets", fetch, interval_seconds=30, paused=True)
    store.start()
    await settle()
    assert fetch.calls == 0 and not store.snapshot("buckets").loaded

    store.resume("buckets")
    await wait_until(lambda: store.snapshot("buckets").loaded)


async def test_each_resource_polls_on_its_own_interval(recording_backend: Any, cleanup: Any) -> None:
    fast, slow = Script(1, 2, 3), Script("x", "y")
    time_source = ManualTime()
    store = make_store(recording_backend, time_source)
    cleanup(store)
    store.register("fast", fast, interval_seconds=1)
    store.register("slow", slow, interval_seconds=5)
    store.start()
    await wait_until(lambda: time_source.pending_sleeps == 2)  # both fetched once and asleep

    for expected_fast_calls in (2, 3):
        time_source.advance(1)
        await wait_until(lambda: fast.calls == expected_fast_calls and time_source.pending_sleeps == 2)  # noqa: B023

    await settle()
    assert (fast.calls, slow.calls) == (3, 1)
    assert sorted(time_source.sleeps) == [1, 1, 1, 5]


async def test_stop_cancels_every_task_cleanly(recording_backend: Any) -> None:
    in_flight, sleeping = Script(), Script(["a"])
    store = make_store(recording_backend, ManualTime())
    store.register("in-flight", in_flight, interval_seconds=1)
    store.register("sleeping", sleeping, interval_seconds=1)
    store.start()
    await wait_until(lambda: in_flight.in_flight == 1 and sleeping.calls == 1)

    await store.stop()

    assert not store.running
    assert in_flight.in_flight == 0  # the parked fetch was cancelled, not abandoned
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_the_store_is_an_async_context_manager(recording_backend: Any) -> None:
    fetch = Script(["a"])
    store = make_store(recording_backend, ManualTime())
    store.register("projects", fetch, interval_seconds=1)

    async with store:
        await wait_until(lambda: store.snapshot("projects").loaded)

    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_subscribers_can_filter_unsubscribe_and_fail_alone(
    recording_backend: Any, cleanup: Any
) -> None:
    fetch_a, fetch_b = Script(["a"]), Script(["b"])
    store = make_store(recording_backend, ManualTime())
    cleanup(store)
    only_b, everything, gone = Recorder(), Recorder(), Recorder()

    def broken(name: str, state: ResourceState[Any]) -> None:
        raise RuntimeError("a subscriber bug")

    store.subscribe(broken)
    store.subscribe(only_b, keys=["b"])
    store.subscribe(everything)
    store.subscribe(gone)()  # unsubscribed at once
    store.register("a", fetch_a, interval_seconds=1)
    store.register("b", fetch_b, interval_seconds=1)
    store.start()
    await wait_until(lambda: store.snapshot("a").loaded and store.snapshot("b").loaded)

    assert [name for name, _ in only_b.updates] == ["b"]
    assert sorted(name for name, _ in everything.updates) == ["a", "b"]
    assert gone.updates == []


async def test_register_after_start_polls_and_unregister_stops(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(["a"])
    store = make_store(recording_backend, ManualTime())
    cleanup(store)
    store.start()

    store.register("late", fetch, interval_seconds=1)
    await wait_until(lambda: store.snapshot("late").loaded)
    await store.unregister("late")

    assert store.keys == ()
    assert fetch.in_flight == 0
    with pytest.raises(KeyError, match="no resource 'late'"):
        store.snapshot("late")


def test_register_refuses_duplicates_and_bad_intervals(recording_backend: Any) -> None:
    store = Store(recording_backend)
    store.register("projects", Script(), interval_seconds=1)

    with pytest.raises(ValueError, match="already registered"):
        store.register("projects", Script(), interval_seconds=1)
    with pytest.raises(ValueError, match="must be positive"):
        store.register("nodes", Script(), interval_seconds=0)
    with pytest.raises(KeyError):
        store.refresh("nope")


class LowestRandom(random.Random):
    """Full jitter at its floor (no wait at all), so only a server's Retry-After can make the Store wait."""

    def random(self) -> float:
        return 0.0


def test_rate_limited_carries_retry_after_and_builds_like_the_others() -> None:
    assert RateLimited().retry_after is None
    assert RateLimited("Slow down.").message == "Slow down."
    error = RateLimited("Slow down.", retry_after=7.5, status=429, service="WEKA")
    assert (error.retry_after, error.status, error.service) == (7.5, 429, "WEKA")
    assert str(error) == "Slow down. (WEKA 429)"


def test_backoff_waits_at_least_the_servers_retry_after_up_to_the_cap(recording_backend: Any) -> None:
    store = Store(recording_backend, rng=LowestRandom(), backoff_cap_seconds=60)

    assert store.backoff_delay(1, 1, RateLimited()) == 0  # said nothing: plain jitter
    assert store.backoff_delay(1, 1, RateLimited(retry_after=7)) == 7
    assert store.backoff_delay(1, 1, RateLimited(retry_after=3600)) == 60  # a far-off date waits the cap
    high = Store(recording_backend, rng=HighestRandom(), backoff_cap_seconds=60)
    assert high.backoff_delay(1, 5, RateLimited(retry_after=2)) == 16  # the longer of the two


async def test_a_rate_limited_poll_sleeps_its_retry_after(recording_backend: Any, cleanup: Any) -> None:
    fetch = Script(RateLimited(retry_after=5), RateLimited(retry_after=None), ["ok"])
    time_source = ManualTime(instant=True)
    store = make_store(recording_backend, time_source, backoff_cap_seconds=30)
    cleanup(store)
    store.register("projects", fetch, interval_seconds=1)

    store.start()
    await asyncio.wait_for(fetch.exhausted.wait(), 2)

    # Retry-After 5 beats the first ceiling (1); without one, the second ceiling (2); then the interval.
    assert time_source.sleeps == [5, 2, 1]
    assert store.snapshot("projects").value == ["ok"]
