"""A node's timeline over the wire: what the kubelets reported about it (a cordon, an uncordon), read as
Kubernetes events (`GET /api/v1/events?fieldSelector=involvedObject.kind=Node,...`) by the live backend,
are the node events the demo backend shows for the same simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.backends.demo import DemoBackend
from console.backends.live.backend import LiveBackend
from console.config import load_config_file
from console.model import Role
from console.model.events import EventFilter, EventObjectKind, EventSource
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator

NODE = "dgx-a100-03"


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[LiveBackend, DemoBackend, ServedSimulator]]:
    simulator = build_simulator("demo", 7)
    with ServedSimulator(simulator, clock_speed=0, workdir=tmp_path / "sim") as served:
        profile = load_config_file(served.write_profile(tmp_path / "rwc.toml"), must_exist=True).select(None)
        assert profile is not None
        live = LiveBackend(profile, use_nvml=False)
        try:
            yield live, DemoBackend(simulator), served
        finally:
            await live.aclose()


def node_events(events):  # type: ignore[no-untyped-def]  # a sequence of Event
    return [
        (event.at, event.reason, event.message, event.source)
        for event in events
        if event.subject.kind is EventObjectKind.NODE and event.subject.name == NODE
    ]


async def test_a_cordon_and_an_uncordon_show_on_the_nodes_timeline(
    pair: tuple[LiveBackend, DemoBackend, ServedSimulator],
) -> None:
    live, demo, served = pair
    with served.locked() as sim:
        admin = sim.runai.identity_for(None, Role.ADMIN)
        sim.runai.cordon_node(admin, NODE)
        sim.advance(60)
        sim.runai.uncordon_node(admin, NODE)
    wanted = EventFilter(node=NODE)
    expected = node_events(await demo.events(wanted))
    assert [reason for _, reason, _, _ in expected][:2] == ["NodeSchedulable", "NodeNotSchedulable"]
    assert node_events(await live.events(wanted)) == expected
    assert all(source is EventSource.KUBERNETES for *_, source in expected)
    cluster_wide = node_events(await live.events(None))
    assert cluster_wide[:2] == expected[:2]
