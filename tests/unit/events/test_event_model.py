"""The one event model: preemption read on both sides, filters by object, researchers' view of others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.data.visibility import ANOTHER_PROJECT, visible_events
from console.model import Identity, Role
from console.model.events import (
    EventFilter,
    EventObjectKind,
    EventSeverity,
    EventSource,
    event_key,
    newest_first,
    weka_event,
    workload_event,
)
from console.model.runai import WorkloadEvent
from console.sim.scenarios import build_simulator

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RECLAIM = (
    "Preempted to reclaim GPUs for project llm-pretrain (workload llama3-8b-sft) in node pool h100; "
    "requeued as Pending"
)


def victim_event(message: str = RECLAIM, reason: str = "Preempted") -> object:
    return workload_event(
        WorkloadEvent(AT, "Warning", reason, message, "runai-scheduler"),
        workload_id="w-1",
        workload_name="bert4rec-train",
        project="sandbox",
        node=None,
    )


def test_a_reclaim_names_the_preemptor_and_its_project() -> None:
    event = victim_event()
    assert event.source is EventSource.RUNAI and event.severity is EventSeverity.WARNING
    assert event.counterpart is not None
    assert (event.counterpart.name, event.counterpart.project) == ("llama3-8b-sft", "llm-pretrain")
    assert EventFilter(workload_name="llama3-8b-sft", project="llm-pretrain").matches(event)
    assert EventFilter(workload_id="w-1").matches(event)
    assert EventFilter(project="llm-pretrain").matches(event)  # what the project reclaimed
    assert EventFilter(project="sandbox").matches(event)  # what the project lost
    assert not EventFilter(project="vision").matches(event)


def test_a_priority_preemption_inside_a_project_names_the_same_project() -> None:
    event = victim_event(
        "Preempted by higher-priority workload train-b of the same project in node pool a100"
    )
    assert event.counterpart is not None
    assert (event.counterpart.name, event.counterpart.project) == ("train-b", "sandbox")


def test_an_unknown_preemption_wording_shows_on_the_victim_only() -> None:
    assert victim_event("Evicted by the scheduler").counterpart is None


def test_kubelet_events_are_kubernetes_and_a_scheduled_event_names_its_node() -> None:
    event = workload_event(
        WorkloadEvent(
            AT, "Normal", "Scheduled", "Successfully assigned ns/pod-0 to dgx-7", "default-scheduler"
        ),
        workload_id="w",
        workload_name="w",
        project="p",
        node="dgx-9",
    )
    assert event.source is EventSource.KUBERNETES
    assert event.subject.node == "dgx-7"
    assert EventFilter(node="dgx-7").matches(event) and not EventFilter(node="dgx-9").matches(event)


def test_weka_events_are_about_their_filesystem_or_the_cluster() -> None:
    fs = weka_event(
        at=AT,
        type_="SnapshotCreated",
        category="Filesystem",
        severity="INFO",
        description="Snapshot s of filesystem data created",
        entity="data",
    )
    cluster = weka_event(
        at=AT,
        type_="ObjectStoreStatusDown",
        category="ObjectStorage",
        severity="MAJOR",
        description="down",
        entity="",
    )
    odd = weka_event(at=AT, type_="X", category="Node", severity="??", description="", entity="")
    assert fs.subject.kind is EventObjectKind.FILESYSTEM and EventFilter(filesystem="data").matches(fs)
    assert cluster.subject.kind is EventObjectKind.CLUSTER and cluster.severity is EventSeverity.CRITICAL
    assert odd.severity is EventSeverity.WARNING


def test_newest_first_is_bounded_and_keys_are_stable() -> None:
    events = [
        victim_event(),
        weka_event(
            at=AT + timedelta(seconds=5), type_="T", category="", severity="INFO", description="d", entity=""
        ),
    ]
    ordered = newest_first(list(events), 1)
    assert len(ordered) == 1 and ordered[0].source is EventSource.WEKA
    assert event_key(events[0]) == event_key(victim_event())


def test_a_researcher_reads_other_projects_as_another_project() -> None:
    researcher = Identity("erin@acme.ai", Role.RESEARCHER, project_names=("sandbox",))
    outsider = Identity("carol@acme.ai", Role.RESEARCHER, project_names=("vision",))
    mine = visible_events([victim_event()], researcher)[0]
    assert mine.subject.name == "bert4rec-train"
    assert mine.counterpart is not None and mine.counterpart.name == ANOTHER_PROJECT
    assert "llama3" not in mine.message and "llm-pretrain" not in mine.message
    theirs = visible_events([victim_event()], outsider)[0]
    assert theirs.subject.name == ANOTHER_PROJECT and "bert4rec" not in theirs.message
    assert theirs.reason == "Preempted"


def test_the_demo_simulator_merges_workload_and_node_events() -> None:
    sim = build_simulator("demo", seed=7)
    events = sim.runai.events()
    assert events == sorted(events, key=lambda e: e.at, reverse=True)
    preemptor = sim.runai.events(EventFilter(workload_name="llama3-8b-sft", project="llm-pretrain"))
    assert any(e.is_preemption and e.subject.name == "bert4rec-train" for e in preemptor)
    node = next(iter(sim.runai.state.nodes))
    sim.runai.cordon_node(Identity("admin@acme.ai", Role.ADMIN), node)
    on_node = sim.runai.events(EventFilter(node=node))
    assert on_node[0].reason == "NodeNotSchedulable" and on_node[0].subject.kind is EventObjectKind.NODE
