"""The live WEKA client against the simulator's WEKA face over real HTTP on 127.0.0.1.

Two identical seeded simulators with frozen clocks: `sim` behind the face (driven by `WekaClient`) and
`twin` behind the demo backend. Whatever the client does to `sim`, the demo does to `twin`, and the tests
compare what comes back and what each simulator holds afterwards (`weka_support` lists the fields that
cannot cross the wire equal).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from weka_support import USERS, FakeClock, make_client

from console.backends.demo import DemoBackend
from console.backends.live.weka import WekaClient
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.weka import serve_weka
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator


@pytest.fixture
def face_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim() -> Simulator:
    return build_simulator("demo", seed=7)


@pytest.fixture
def twin() -> Simulator:
    return build_simulator("demo", seed=7)


@pytest.fixture
def host(sim: Simulator) -> SimulatorHost:
    return SimulatorHost(sim, clock_speed=0)


@pytest.fixture
def server(host: SimulatorHost, face_clock: FakeClock) -> Iterator[SimHttpServer]:
    with serve_weka(host, USERS, clock=face_clock) as running:
        yield running


@pytest.fixture
async def client(server: SimHttpServer) -> AsyncIterator[WekaClient]:
    weka = make_client(server)
    yield weka
    await weka.aclose()


@pytest.fixture
def demo(twin: Simulator) -> DemoBackend:
    return DemoBackend(twin, clock_speed=0)
