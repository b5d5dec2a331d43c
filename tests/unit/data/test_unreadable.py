"""Items left out as unreadable: counted per fetch by the Store, and said on the screen's notice line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from console.data.errors import Unavailable
from console.data.store import ResourceState, Store
from console.data.unreadable import UnreadableItems, report_unreadable, tallying, unreadable_notice
from widgets.stale_banner import describe_problem

NOW = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)


def test_the_notice_counts_and_names_the_kinds() -> None:
    assert unreadable_notice([]) == ""
    assert unreadable_notice([UnreadableItems("workload", 1)]) == "1 workload could not be read — see log"
    assert (
        unreadable_notice([UnreadableItems("workload", 2), UnreadableItems("node pool", 1)])
        == "2 workloads and 1 node pool could not be read — see log"
    )


def test_reports_count_only_inside_a_tally_and_reach_tasks_started_there() -> None:
    """Per kind the most any one reading left out: the header reads the nodes twice in one fetch."""
    report_unreadable("node", ["outside any fetch"])  # logged, counted nowhere

    async def fetch() -> None:
        report_unreadable("node", ["no name", "no createdAt"])
        await asyncio.gather(asyncio.create_task(_report("node")), asyncio.create_task(_report("pod")))

    async def run() -> tuple[UnreadableItems, ...]:
        with tallying() as tally:
            await fetch()
        return tally.found()

    assert asyncio.run(run()) == (UnreadableItems("node", 2), UnreadableItems("pod", 1))


async def _report(kind: str) -> None:
    report_unreadable(kind, ["in a task"])


def test_the_store_keeps_the_count_with_the_value_and_tells_when_only_it_changes() -> None:
    """Same rows, one more unreadable item: subscribers hear of it (the notice must appear)."""
    answers = [(["a"], 0), (["a"], 2)]
    seen: list[ResourceState[Any]] = []

    async def fetch() -> list[str]:
        value, bad = answers.pop(0) if len(answers) > 1 else answers[0]
        if bad:
            report_unreadable("workload", ["lacks 'id'"] * bad)
        return value

    async def run() -> None:
        store = Store(object(), now=lambda: NOW)  # type: ignore[arg-type]
        store.subscribe(lambda _name, state: seen.append(state))
        store.register("workloads", fetch, interval_seconds=3600)
        store.start()
        for _ in range(2):
            await _settle()
            store.refresh("workloads")
        await _settle()
        await store.stop()

    asyncio.run(run())
    assert [state.unreadable for state in seen] == [(), (UnreadableItems("workload", 2),)]


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_the_banner_says_what_was_left_out_beside_or_without_a_failure() -> None:
    fresh = ResourceState("workloads", ["a"], fetched_at=NOW, unreadable=(UnreadableItems("workload", 2),))
    header = ResourceState("summary", "s", fetched_at=NOW, unreadable=(UnreadableItems("node", 1),))
    nodes = ResourceState("nodes", ["n"], fetched_at=NOW, unreadable=(UnreadableItems("node", 1),))
    assert describe_problem([fresh]) == "2 workloads could not be read — see log"
    # The header and the nodes screen read the same nodes: one bad node is one, not two.
    assert describe_problem([nodes, header]) == "1 node could not be read — see log"
    failing = ResourceState(
        "workloads",
        ["a"],
        fetched_at=NOW,
        error=Unavailable("down"),
        error_since=NOW,
        unreadable=(UnreadableItems("workload", 1),),
    )
    assert describe_problem([failing]).endswith(" — down · 1 workload could not be read — see log")
    assert describe_problem([ResourceState("workloads", ["a"], fetched_at=NOW)]) == ""
