"""Hostile servers: the simulator's own HTTP faces on 127.0.0.1, with fault rules that rewrite what
they answer (endless paging, repeated tokens, huge and deeply nested bodies). Nothing here patches a
client library: every test goes over real HTTP with the real kubernetes client and httpx."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "live" / "kube"))

from kube_fixtures import ADMIN, ADMIN_TOKEN, RESEARCHER, RESEARCHER_TOKEN, KubeEnv, demo_sim  # noqa: E402

from console.sim.http.base import SimulatorHost  # noqa: E402
from console.sim.http.kube import kube_server  # noqa: E402
from console.sim.http.kubeconfig import write_kubeconfig  # noqa: E402


@pytest.fixture
def kube_env(tmp_path: Path) -> Iterator[KubeEnv]:
    sim = demo_sim()
    host = SimulatorHost(sim, clock_speed=0)
    server = kube_server(host, {ADMIN_TOKEN: ADMIN, RESEARCHER_TOKEN: RESEARCHER}).start()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig.json", server.url, ADMIN_TOKEN)
    try:
        yield KubeEnv(sim, host, server, kubeconfig, tmp_path)
    finally:
        server.stop()
