"""WEKA's `GET /events` over real HTTP: the live client reads the simulator's face as the demo reads the
simulator (the same events, newest first, about the same filesystems), and one unreadable event is left
out, not the list."""

from __future__ import annotations

import dataclasses

from weka_support import advance_both

from console.backends.demo import DemoBackend
from console.backends.live.weka import WekaClient
from console.model.events import ALERT_REASON, Event, EventFilter, EventObjectKind, EventSource
from console.sim.http.base import SimulatorHost
from console.sim.simulator import Simulator
from console.wire import weka as wire


def _without_id(event: Event) -> Event:
    """The simulator keeps no event id; its face makes one up (a digest), so ids cannot compare."""
    return dataclasses.replace(event, id="")


async def test_weka_events_over_http_match_the_demo(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    advance_both(host, twin, 400)  # the demo's upload in flight finishes: SnapshotUploadFinished
    live = await client.events(50)
    assert live, "the demo's upload should have left WEKA events"
    everything = await demo.events(EventFilter(limit=500))
    # `client.events` is WEKA's event log; the demo's list also holds the active alerts (`alert_event`).
    expected = [e for e in everything if e.source is EventSource.WEKA and e.reason != ALERT_REASON][:50]
    assert [_without_id(e) for e in live] == [_without_id(e) for e in expected]
    assert [e.at for e in live] == sorted((e.at for e in live), reverse=True)
    assert all(e.id for e in live), "the guid is the row's identity"
    uploads = [e for e in live if e.reason.startswith("SnapshotUpload")]
    assert uploads and all(e.subject.kind is EventObjectKind.FILESYSTEM for e in uploads)


async def test_num_results_bounds_the_answer(client: WekaClient, host: SimulatorHost) -> None:
    with host.lock:
        for index in range(30):
            host.simulator.weka._store.emit("Custom", "Custom", f"note {index}")
    assert len(await client.events(5)) == 5
    newest = await client.events(1)
    assert newest[0].message == "note 29"


def test_an_unreadable_event_is_left_out_not_the_list() -> None:
    good = {
        "timestamp": "2026-11-23T09:00:00Z",
        "type": "FilesystemAdded",
        "category": "Filesystem",
        "severity": "INFO",
        "description": "Filesystem [a] created",
        "entity": "team[/]data",
    }
    events = wire.parse_events([good, {"type": "NoTime"}, None, {"timestamp": "yesterday", "type": "x"}])
    assert [e.reason for e in events] == ["FilesystemAdded"]
    assert events[0].subject.name == "team[/]data"
    assert events[0].subject.kind is EventObjectKind.FILESYSTEM
