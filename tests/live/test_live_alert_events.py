"""WEKA's active alerts in the live event list, over the simulator's WEKA face on 127.0.0.1: the standing
condition with its corrective action, "(muted)" once muted, first seen by this client (WEKA's `/alerts`
carries no time), on the cluster's list and not on a workload's or filesystem's timeline."""

from __future__ import annotations

from console.model.events import ALERT_REASON, EventFilter, EventObjectKind, EventSeverity, EventSource
from console.sim.scenarios import build_simulator
from tests.live.served_backend import live_backend_over


async def test_an_active_weka_alert_is_in_the_cluster_event_list_with_its_action() -> None:
    async with live_backend_over(build_simulator("demo", 7)) as (backend, _served):
        alerts = [e for e in await backend.events() if e.reason == ALERT_REASON]

        (alert,) = alerts
        assert alert.source is EventSource.WEKA
        assert alert.severity is EventSeverity.CRITICAL
        assert alert.subject.kind is EventObjectKind.CLUSTER
        assert alert.message.startswith(
            "Tiered filesystems' SSD capacity overfilling: Filesystem scratch uses"
        )
        assert "Action: Expand its SSD capacity" in alert.message
        first_seen = alert.at

        weka_alert = next(a for a in await backend.alerts() if a.source == "weka")
        await backend.mute_alert(weka_alert.type, 3600)
        (muted,) = [e for e in await backend.events() if e.reason == ALERT_REASON]
        assert "(muted)" in muted.message
        assert muted.at == first_seen  # the same standing condition, not a new event

        timelines = [
            EventFilter(filesystem="scratch"),
            EventFilter(project="vision"),
            EventFilter(node="dgx-h100-01"),
        ]
        for event_filter in timelines:
            assert all(e.reason != ALERT_REASON for e in await backend.events(event_filter)), event_filter
