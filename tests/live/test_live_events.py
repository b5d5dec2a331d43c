"""`Backend.events` of the live backend over the simulator's real HTTP faces (Run:ai's
`/api/v1/workloads/{id}/events`, WEKA's `/events`) equals the demo backend's for the same seeded, frozen
simulator: the merged list, a preemption on both sides, a node's and a project's timeline.

Event ids cannot compare: the demo's Run:ai and WEKA records carry none, and the faces make some up
(WEKA's `guid`), so `comparable` blanks them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from console.backends.demo import DemoBackend
from console.backends.live.backend import LiveBackend
from console.config import load_config_file
from console.model.events import ALERT_REASON, Event, EventFilter, EventObjectKind, EventSource
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator

SEED = 7


def comparable(events: Sequence[Event]) -> list[Event]:
    """Events as both backends tell them: without the source's ids; without the GPUs' own events (XIDs,
    throttling), which come from NVML on the host rwc runs on and no HTTP face serves
    (tests/unit/live/test_nvml_events.py covers that path); and without active WEKA alerts, whose time is
    when this client first saw them (WEKA's `/alerts` carries none: the wall clock live, the simulator's in
    the demo; tests/live/test_live_alert_events.py covers them)."""
    return [
        dataclasses.replace(event, id="")
        for event in events
        if event.source is not EventSource.NVML and event.reason != ALERT_REASON
    ]


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[LiveBackend, DemoBackend]]:
    served = ServedSimulator(build_simulator("demo", SEED), clock_speed=0, workdir=tmp_path / "served")
    with served:
        profile = load_config_file(served.write_profile(tmp_path / "rwc-sim.toml"), must_exist=True).select(
            None
        )
        assert profile is not None
        with served.locked() as simulator:
            simulator.advance(400)  # WEKA's upload in flight finishes: WEKA events too
        twin = build_simulator("demo", SEED)
        twin.advance(400)
        live = LiveBackend(profile, use_nvml=False)
        try:
            yield live, DemoBackend(twin, clock_speed=0)
        finally:
            await live.aclose()


FILTERS = (
    EventFilter(limit=120),
    EventFilter(workload_name="llama3-8b-sft", project="llm-pretrain"),
    EventFilter(project="sandbox"),
    EventFilter(filesystem="models"),
)


async def test_live_events_over_http_equal_the_demo(pair: tuple[LiveBackend, DemoBackend]) -> None:
    live, demo = pair
    for event_filter in FILTERS:
        expected = comparable(await demo.events(event_filter))
        assert expected, event_filter
        # The demo's newest `limit` counted its GPU events, which `comparable` drops: live has more behind.
        assert comparable(await live.events(event_filter))[: len(expected)] == expected, event_filter


async def test_a_preemption_shows_on_both_sides_over_http(pair: tuple[LiveBackend, DemoBackend]) -> None:
    live, _ = pair
    preemptor = await live.events(EventFilter(workload_name="llama3-8b-sft", project="llm-pretrain"))
    taken = [event for event in preemptor if event.is_preemption]
    assert [(e.subject.name, e.subject.project) for e in taken] == [("bert4rec-train", "sandbox")]
    assert taken[0].counterpart is not None and taken[0].counterpart.name == "llama3-8b-sft"
    lost = [e for e in await live.events(EventFilter(project="sandbox")) if e.is_preemption]
    assert taken[0] in lost  # (sandbox may have lost more since, to other projects)
    assert all(e.subject.kind is EventObjectKind.WORKLOAD for e in preemptor)


async def test_the_cluster_wide_list_reads_a_bounded_number_of_workloads(
    pair: tuple[LiveBackend, DemoBackend], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run:ai lists events per workload: the list reads the most recently changed few, one request each."""
    import console.backends.live.events as live_events

    live, demo = pair
    monkeypatch.setattr(live_events, "MAX_EVENT_WORKLOADS", 3)
    events = await live.events()
    read = {event.subject.id for event in events if event.subject.kind is EventObjectKind.WORKLOAD}
    assert 0 < len(read) <= 3
    workloads = sorted(await demo.workloads(), key=lambda w: w.phase_updated_at, reverse=True)
    newest = workloads[2].phase_updated_at
    assert all(w.phase_updated_at >= newest for w in workloads if w.id in read)
