"""Fixtures for the Kubernetes client tests: the simulator's Kubernetes face on 127.0.0.1, a kubeconfig that
points the real `kubernetes` client at it, and a demo backend over a twin simulator to compare with.

Nothing here patches the kubernetes client or urllib3: every test goes over real HTTP, so what passes here
is what the installed client version does on the wire.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import kubernetes
import pytest
from kube_fixtures import ADMIN, ADMIN_TOKEN, RESEARCHER, RESEARCHER_TOKEN, KubeEnv, demo_sim

from console.backends.demo import DemoBackend
from console.backends.live.kube import KubeClient
from console.sim.http.base import SimulatorHost
from console.sim.http.kube import kube_server
from console.sim.http.kubeconfig import write_kubeconfig


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which kubernetes client the live tests ran against (shown even with -q)."""
    terminalreporter.write_line(f"tests/live/kube: kubernetes client {kubernetes.__version__}")


@pytest.fixture
def kube_env(tmp_path: Path) -> Iterator[KubeEnv]:
    sim = demo_sim()
    host = SimulatorHost(sim, clock_speed=0)  # frozen: tests move time with sim.advance under host.lock
    server = kube_server(host, {ADMIN_TOKEN: ADMIN, RESEARCHER_TOKEN: RESEARCHER}).start()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig.json", server.url, ADMIN_TOKEN)
    try:
        yield KubeEnv(sim, host, server, kubeconfig, tmp_path)
    finally:
        server.stop()


@pytest.fixture
async def client(kube_env: KubeEnv) -> AsyncIterator[KubeClient]:
    kube = kube_env.client(request_timeout=(2.0, 5.0))
    try:
        yield kube
    finally:
        await kube.aclose()


@pytest.fixture
def demo_of(kube_env: KubeEnv) -> DemoBackend:
    """The demo backend over the *same* simulator the face serves (frozen clock)."""
    return DemoBackend(kube_env.sim, clock_speed=0)


@pytest.fixture
def twin() -> DemoBackend:
    """The demo backend over a second, identical simulator: for comparing what actions do."""
    return DemoBackend(demo_sim(), clock_speed=0)
