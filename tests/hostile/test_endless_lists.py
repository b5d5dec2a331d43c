"""A Run:ai list whose pages never end, or whose `next` goes back, cannot grow rwc's memory or loop: the
real client over real HTTP, against the simulator's Run:ai face with its workload list replaced by a
hostile one. An endless list is cut at the client's item cap and the cut is reported (the screen's notice
says "list truncated at N"); a `next` that returns to an offset already read is a clear error. The number
of requests the server saw is measured."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.backends.live.runai import RunaiClient
from console.data.errors import BadResponse
from console.data.unreadable import missing_notice, tallying
from console.sim.http.base import Request, Response
from console.sim.http.serve import RUNAI_CLIENT_ID, ServedSimulator
from console.sim.scenarios import build_simulator

CREATED = "2026-03-01T10:00:00Z"
CAP = 2_000


def a_page(offset: int, limit: int) -> list[dict[str, object]]:
    return [
        {
            "id": f"w-{offset + index}",
            "name": f"endless-{offset + index}",
            "projectId": "p",
            "projectName": "p",
            "phase": "Running",
            "createdAt": CREATED,
            "phaseUpdatedAt": CREATED,
        }
        for index in range(limit)
    ]


class Hostile:
    """The workload list's answers, and how many requests it got."""

    def __init__(self, next_of: object) -> None:
        self.next_of = next_of
        self.requests = 0

    def answer(self, request: Request) -> Response:
        self.requests += 1
        offset = int(request.param("offset") or 0)
        limit = min(500, int(request.param("limit") or 500))
        return Response.json(200, {"workloads": a_page(offset, limit), "next": self.next_of(offset, limit)})


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


def client_of(served: ServedSimulator) -> RunaiClient:
    return RunaiClient(
        served.runai.url, RUNAI_CLIENT_ID, served.credentials.runai_client_secret, max_list_items=CAP
    )


async def test_pages_that_never_end_are_cut_at_the_cap_and_said(served: ServedSimulator) -> None:
    hostile = Hostile(lambda offset, limit: offset + limit)
    served.runai.router.add("GET", "/api/v1/workloads", hostile.answer, first=True)
    client = client_of(served)
    tracemalloc.start()
    try:
        with tallying() as tally:
            workloads = await client.workloads(with_node_names=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.aclose()
    assert len(workloads) == CAP
    assert hostile.requests == CAP // 500 + 1  # the page that went past the cap, then no more
    assert peak < 64 * 1024 * 1024, f"{peak / 2**20:.0f} MB for {CAP} items"
    assert missing_notice(tally.missing()) == (
        f"workloads past the first {CAP:,} not shown: list truncated at {CAP:,} (runai)"
    ) or "list truncated at 2,000" in missing_notice(tally.missing())


@pytest.mark.parametrize("back_to", [0, 250], ids=["start", "inside the first page"])
async def test_a_next_that_goes_back_is_an_error_not_a_loop(served: ServedSimulator, back_to: int) -> None:
    hostile = Hostile(lambda offset, limit: back_to if offset else limit)
    served.runai.router.add("GET", "/api/v1/workloads", hostile.answer, first=True)
    client = client_of(served)
    try:
        with pytest.raises(BadResponse, match=rf"back to offset {back_to} after 2 pages"):
            await client.workloads(with_node_names=False)
    finally:
        await client.aclose()
    assert hostile.requests == 2
