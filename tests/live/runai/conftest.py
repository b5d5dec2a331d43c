"""Fixtures: a demo simulator behind the Run:ai HTTP face on 127.0.0.1, and `RunaiClient`s pointed at it.

Real HTTP, real httpx: nothing here patches the client; faults come from the face's fault injector.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from runai_harness import ADMIN, ClientFactory, Served, new_simulator, serve

from console.backends.demo import DemoBackend
from console.backends.live.runai import RunaiClient
from console.sim.http.runai import AppCredential


@pytest.fixture(scope="module")
def shared_served() -> Iterator[Served]:
    """One server per module for tests that only read (stopping a server costs ~0.5 s of polling)."""
    running = serve(new_simulator())
    try:
        yield running
    finally:
        running.server.stop()


@pytest.fixture
def fresh_served() -> Iterator[Served]:
    """A server over a simulator of its own, for tests that change the state."""
    running = serve(new_simulator())
    try:
        yield running
    finally:
        running.server.stop()


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Served:
    """`fresh_served` for tests marked `mutates`, else the module's shared server (faults cleared)."""
    if request.node.get_closest_marker("mutates"):
        return request.getfixturevalue("fresh_served")
    running: Served = request.getfixturevalue("shared_served")
    running.server.faults.clear()
    return running


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mutates: the test changes the simulator (gets a server of its own)")


@pytest.fixture
async def make_client(served: Served) -> AsyncIterator[ClientFactory]:
    clients: list[RunaiClient] = []

    def make(credential: AppCredential = ADMIN, **options: Any) -> RunaiClient:
        # Plain HTTP to 127.0.0.1: nothing to verify, and skipping the CA store saves ~0.2 s per client.
        options.setdefault("verify", False)
        client = RunaiClient(served.url, credential.client_id, credential.client_secret, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> RunaiClient:
    return make_client()


@pytest.fixture
def demo(served: Served) -> DemoBackend:
    return DemoBackend(served.simulator, clock_speed=0)
