"""DemoBackend keeps simulator work off the event loop and away from other threads' work.

A `Gate` holds one simulator call (a scheduler tick or a query) in the middle while the test looks at
what else can run: the event loop must stay free, the clock must stay readable, and anyone else using
the simulator (a test calling `advance` between awaits, an HTTP face's thread) must wait for the
call to finish rather than change the state under it. Every wait has a timeout, so a regression
fails instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from console.backends.demo import DemoBackend
from console.model import Role, WorkloadPhase
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

WAIT_SECONDS = 5.0


class Gate:
    """Wraps a simulator method so that its first call stops in the middle until `open()`."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self._method = method
        self.entered = threading.Event()
        self._open = threading.Event()
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            self._open.wait(WAIT_SECONDS)
        return self._method(*args, **kwargs)

    def open(self) -> None:
        self._open.set()

    async def wait_entered(self) -> None:
        """Wait, on the event loop, until the gated call has started in some thread."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.entered.is_set():
            assert time.monotonic() < deadline, "the gated simulator call never started"
            await asyncio.sleep(0.005)


@pytest.fixture
def simulator() -> Simulator:
    return build_simulator("demo", 7)


def gate_tick(simulator: Simulator) -> Gate:
    gate = Gate(simulator.runai.step)
    simulator.runai.step = gate  # type: ignore[method-assign]
    return gate


def gate_workloads(simulator: Simulator) -> Gate:
    gate = Gate(simulator.runai.workloads)
    simulator.runai.workloads = gate  # type: ignore[method-assign]
    return gate


async def test_a_slow_tick_does_not_block_the_event_loop(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, clock_speed=60)
    gate = gate_tick(simulator)
    await asyncio.sleep(0.05)  # three simulated seconds to catch up on at the next call
    fetch = asyncio.create_task(backend.workloads())
    await gate.wait_entered()  # only possible if the loop runs while the tick is stopped
    ticks: list[str] = []

    async def other() -> None:
        ticks.append("ran")

    await asyncio.wait_for(other(), WAIT_SECONDS)
    assert ticks == ["ran"] and not fetch.done()
    gate.open()
    workloads = await asyncio.wait_for(fetch, WAIT_SECONDS)
    assert gate.calls >= 3  # the catch-up ran every tick before answering
    assert workloads == simulator.runai.workloads(backend.identity_now)
    await backend.aclose()


async def test_a_slow_query_does_not_block_the_event_loop_or_the_clock(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, clock_speed=0)
    gate = gate_workloads(simulator)
    fetch = asyncio.create_task(backend.workloads())
    await gate.wait_entered()
    started = time.monotonic()
    assert backend.now() == simulator.clock.now()  # the clock reads at once while the query runs
    assert time.monotonic() - started < 0.5
    assert not fetch.done()
    gate.open()
    assert len(await asyncio.wait_for(fetch, WAIT_SECONDS)) == len(
        simulator.runai.workloads(backend.identity_now)
    )
    await backend.aclose()


async def test_answers_are_the_simulators_own(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, user=None, role=Role.ADMIN, clock_speed=0)
    identity = await backend.identity()
    assert identity == backend.identity_now == simulator.runai.identity_for(None, Role.ADMIN)
    assert await backend.workloads() == simulator.runai.workloads(identity)
    assert await backend.projects() == simulator.runai.projects(identity)
    assert await backend.nodes() == simulator.runai.nodes()
    assert await backend.filesystems() == simulator.weka.filesystems()
    assert await backend.cluster() == simulator.runai.cluster_info()
    await backend.aclose()


async def test_advance_from_the_test_waits_for_a_query_in_flight(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, clock_speed=0)
    identity = await backend.identity()
    seen: list[object] = []
    inner = simulator.runai.workloads

    def observed(*args: Any) -> Any:
        seen.append(simulator.clock.now())
        gate_open.wait(WAIT_SECONDS)
        answer = inner(*args)
        seen.append(simulator.clock.now())
        return answer

    gate_open = threading.Event()
    simulator.runai.workloads = observed  # type: ignore[method-assign]
    before, expected = simulator.clock.now(), inner(identity)
    fetch = asyncio.create_task(backend.workloads())
    deadline = time.monotonic() + WAIT_SECONDS
    while not seen:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
    threading.Timer(0.1, gate_open.set).start()
    simulator.advance(30)  # as a UI test does between awaits: waits for the query, then ticks
    assert seen == [before, before]  # the query saw one instant from start to end
    assert simulator.clock.now() > before
    assert await asyncio.wait_for(fetch, WAIT_SECONDS) == expected  # the state before the advance
    await backend.aclose()


async def test_concurrent_queries_and_advances_from_another_thread_stay_consistent(
    simulator: Simulator,
) -> None:
    backend = DemoBackend(simulator, clock_speed=600)
    identity = await backend.identity()
    stop = threading.Event()
    advances = 0

    def advancer() -> None:  # an HTTP face's thread, or a test's helper, moving the same simulator
        nonlocal advances
        while not stop.is_set() and advances < 400:
            simulator.advance(1)
            advances += 1

    thread = threading.Thread(target=advancer)
    thread.start()
    try:
        for _ in range(15):
            answers = await asyncio.wait_for(
                asyncio.gather(
                    backend.workloads(), backend.nodes(), backend.projects(), backend.gpus(), backend.alerts()
                ),
                WAIT_SECONDS,
            )
            workloads = answers[0]
            assert len({workload.id for workload in workloads}) == len(workloads)
            await asyncio.sleep(0.002)
    finally:
        stop.set()
        thread.join(WAIT_SECONDS)
    assert advances > 0
    assert await backend.workloads() == simulator.runai.workloads(identity)
    await backend.aclose()


async def test_a_cancelled_action_finishes_and_later_calls_see_it(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, clock_speed=0)
    identity = await backend.identity()
    running = next(w for w in simulator.runai.workloads(identity) if w.phase is WorkloadPhase.RUNNING)
    gate = Gate(simulator.runai.suspend_workload)
    simulator.runai.suspend_workload = gate  # type: ignore[method-assign]
    action = asyncio.create_task(backend.suspend_workload(running.id))
    await gate.wait_entered()
    action.cancel()
    with pytest.raises(asyncio.CancelledError):
        await action
    gate.open()
    after = await asyncio.wait_for(backend.workload(running.id), WAIT_SECONDS)
    assert after.phase is not WorkloadPhase.RUNNING  # the suspend went through, once
    assert gate.calls == 1
    assert after == simulator.runai.workload(identity, running.id)
    await backend.aclose()


async def test_aclose_returns_at_once_while_a_tick_is_running(simulator: Simulator) -> None:
    backend = DemoBackend(simulator, clock_speed=60)
    gate = gate_tick(simulator)
    await asyncio.sleep(0.05)
    fetch = asyncio.create_task(backend.workloads())
    await gate.wait_entered()
    started = time.monotonic()
    await asyncio.wait_for(backend.aclose(), WAIT_SECONDS)
    assert time.monotonic() - started < 0.5
    gate.open()
    await asyncio.wait_for(fetch, WAIT_SECONDS)  # the call already running still answers
    assert await asyncio.wait_for(backend.nodes(), WAIT_SECONDS) == simulator.runai.nodes()  # usable again
    await backend.aclose()


async def test_the_factory_builds_off_the_event_loop() -> None:
    built = threading.Event()
    release = threading.Event()
    loop_thread = threading.get_ident()
    build_threads: list[int] = []

    def factory() -> Simulator:
        build_threads.append(threading.get_ident())
        built.set()
        release.wait(WAIT_SECONDS)
        return build_simulator("demo", 7)

    backend = DemoBackend(factory, clock_speed=0)
    fetch = asyncio.create_task(backend.nodes())
    deadline = time.monotonic() + WAIT_SECONDS
    while not built.is_set():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
    assert not fetch.done()
    release.set()
    assert await asyncio.wait_for(fetch, WAIT_SECONDS) == backend.simulator.runai.nodes()
    assert build_threads and build_threads[0] != loop_thread
    await backend.aclose()
