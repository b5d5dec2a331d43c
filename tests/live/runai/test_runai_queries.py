"""Over real HTTP, `RunaiClient` returns the same domain objects as the demo backend for the same state.

Fields the real API cannot carry (documented in console/wire/runai/) are blanked on both
sides before comparing; everything else must be equal dataclass for dataclass:

- `Pod.gpu_indexes`: the API's pod has no GPU index (Kubernetes' `runai-gpu` annotation has it).
- `Node.role` SYSTEM: not in the Run:ai node (the demo scenario has none, so nodes compare whole).
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from runai_harness import ADMIN, RESEARCHER, ClientFactory, Served

from console.backends.demo import DemoBackend
from console.backends.live.runai import RunaiClient
from console.model import Role, WorkloadFilter, WorkloadPhase, WorkloadWindow
from console.model.enums import PLACED_PHASES
from console.model.windows import WorkloadPage, WorkloadPlacement
from console.wire.runai.pods_events import as_runai_tells_them


async def test_cluster(client: RunaiClient, demo: DemoBackend) -> None:
    assert await client.cluster() == await demo.cluster()


async def test_identity_admin(client: RunaiClient, demo: DemoBackend) -> None:
    assert await client.identity() == await demo.identity()


async def test_identity_researcher(make_client: ClientFactory, served: Served) -> None:
    demo = DemoBackend(served.simulator, user=RESEARCHER.user, role=Role.RESEARCHER, clock_speed=0)
    assert await make_client(RESEARCHER).identity() == await demo.identity()


async def test_projects(client: RunaiClient, demo: DemoBackend) -> None:
    expected = await demo.projects()
    assert expected and any(project.running_workloads for project in expected)
    assert await client.projects() == list(expected)


async def test_one_project(client: RunaiClient, demo: DemoBackend) -> None:
    for project in await demo.projects():
        assert await client.project(project.id) == project


async def test_departments(client: RunaiClient, demo: DemoBackend) -> None:
    expected = await demo.departments()
    assert any(quota.allocated_gpus for department in expected for quota in department.quotas)
    assert await client.departments() == list(expected)


async def test_node_pools(client: RunaiClient, demo: DemoBackend) -> None:
    assert await client.node_pools() == list(await demo.node_pools())


@pytest.mark.mutates
async def test_nodes(client: RunaiClient, demo: DemoBackend, served: Served) -> None:
    runai = served.simulator.runai
    runai.cordon_node(runai.identity_for(None, Role.ADMIN), "dgx-a100-02")
    runai.drain_node(runai.identity_for(None, Role.ADMIN), "dgx-h100-03")
    served.simulator.settle()
    expected = await demo.nodes()
    assert any(node.unschedulable for node in expected) and any(node.draining for node in expected)
    assert await client.nodes() == list(expected)


async def test_workloads(client: RunaiClient, demo: DemoBackend) -> None:
    expected = await demo.workloads()
    assert len(expected) > 40 and any(workload.node_names for workload in expected)
    assert await client.workloads() == list(expected)


@pytest.mark.parametrize(
    "workload_filter",
    [
        WorkloadFilter(project_name="vision"),
        WorkloadFilter(phase=WorkloadPhase.PENDING),
        WorkloadFilter(node_pool="h100"),
        WorkloadFilter(submitted_by="alice@acme.ai"),
        WorkloadFilter(name_contains="BERT"),
        WorkloadFilter(name_contains="a,b"),
        WorkloadFilter(project_name="vision", phase=WorkloadPhase.RUNNING),
        WorkloadFilter(project_name="no-such-project"),
    ],
)
async def test_filtered_workloads(
    client: RunaiClient, demo: DemoBackend, workload_filter: WorkloadFilter
) -> None:
    assert await client.workloads(workload_filter) == list(await demo.workloads(workload_filter))


async def test_filters_go_to_the_server(client: RunaiClient, served: Served) -> None:
    await client.workloads(WorkloadFilter(project_name="vision", phase=WorkloadPhase.RUNNING))
    assert ("GET", "/api/v1/workloads") in served.server.requests_seen


async def test_each_workload_in_detail(client: RunaiClient, demo: DemoBackend) -> None:
    for summary in await demo.workloads():
        expected = await demo.workload(summary.id)
        assert as_runai_tells_them(await client.workload(summary.id)) == as_runai_tells_them(expected)


async def test_describe_workload(client: RunaiClient, demo: DemoBackend) -> None:
    for summary in (await demo.workloads())[:12]:
        assert await client.describe_workload(summary.id) == await demo.describe_workload(summary.id)


async def test_researcher_sees_what_the_demo_researcher_sees(
    make_client: ClientFactory, served: Served
) -> None:
    demo = DemoBackend(served.simulator, user=RESEARCHER.user, role=Role.RESEARCHER, clock_speed=0)
    client = make_client(RESEARCHER)
    assert await client.projects() == list(await demo.projects())
    assert await client.departments() == list(await demo.departments())
    assert await client.workloads() == list(await demo.workloads())


async def test_small_pages_give_the_same_lists(make_client: ClientFactory, demo: DemoBackend) -> None:
    client = make_client(page_size=7)
    assert await client.workloads() == list(await demo.workloads())
    assert await client.nodes() == list(await demo.nodes())
    assert await client.projects() == list(await demo.projects())


@pytest.mark.mutates
async def test_after_time_passes(client: RunaiClient, demo: DemoBackend, served: Served) -> None:
    """The comparison holds as the simulated cluster moves (trainings finish, pending work starts)."""
    with served.host.lock:
        served.simulator.advance(240)
    assert await client.workloads() == list(await demo.workloads())
    assert await client.projects() == list(await demo.projects())
    assert await client.node_pools() == list(await demo.node_pools())
    assert await client.nodes() == list(await demo.nodes())


async def test_admin_credential_is_admin(client: RunaiClient) -> None:
    identity = await client.identity()
    assert identity.user == ADMIN.user and identity.is_admin


async def test_lighter_lists_for_frequent_callers(
    client: RunaiClient, demo: DemoBackend, served: Served
) -> None:
    """`with_node_names=False` / `with_telemetry=False` skip the side requests (the alert poll uses them)."""
    await client.cluster()
    start = len(served.server.requests_seen)
    workloads = await client.workloads(WorkloadFilter(phase=WorkloadPhase.RUNNING), with_node_names=False)
    nodes = await client.nodes(with_telemetry=False)
    paths = {path for _, path in served.server.requests_seen[start:]}
    assert "/api/v1/workloads/pods" not in paths and "/api/v1/nodes/telemetry" not in paths
    expected = await demo.workloads(WorkloadFilter(phase=WorkloadPhase.RUNNING))
    assert workloads == [dataclasses.replace(workload, node_names=()) for workload in expected]
    assert [(n.name, n.status, n.taints, n.unschedulable, n.gpu_count) for n in nodes] == [
        (n.name, n.status, n.taints, n.unschedulable, n.gpu_count) for n in await demo.nodes()
    ]


@pytest.mark.parametrize(
    "window",
    [
        WorkloadWindow(),
        WorkloadWindow(limit=7),
        WorkloadWindow(WorkloadFilter(project_name="vision"), limit=3),
        WorkloadWindow(WorkloadFilter(name_contains="BERT")),
        WorkloadWindow(WorkloadFilter(node_pool="h100"), limit=2),
    ],
)
async def test_a_window_of_the_newest_workloads_reads_as_the_demo_shows_it(
    client: RunaiClient, demo: DemoBackend, window: WorkloadWindow
) -> None:
    """What a list screen of a huge cluster asks for: the newest `limit` (sorted by the server), the
    server's count of all that pass, and, once asked for the rows in view, node names from their pods."""
    expected = await demo.workload_page(window)
    bare = await client.workload_page(window)
    assert [dataclasses.replace(w, node_names=()) for w in bare.workloads] == [
        dataclasses.replace(w, node_names=()) for w in expected.workloads
    ]
    await client.workload_node_names(_placements(bare))
    page = await client.workload_page(window)
    assert page == expected
    assert len(page.workloads) <= window.limit
    assert page.truncated == (expected.total > window.limit)


def _placements(page: WorkloadPage) -> list[WorkloadPlacement]:
    return [WorkloadPlacement(w.id, w.phase_updated_at) for w in page.workloads if w.phase in PLACED_PHASES]


async def test_a_window_reads_a_page_and_a_count_and_each_runners_pods_once_when_asked(
    client: RunaiClient, served: Served
) -> None:
    """A page costs two requests and never a pod: node names cost a pod request per running workload
    on screen the first time it is asked for, then nothing while its phase holds."""
    window = WorkloadWindow(limit=10)
    served.server.requests_seen.clear()
    bare = await client.workload_page(window)
    first = [path for _, path in served.server.requests_seen if path.startswith("/api/v1/workloads")]
    assert sorted(first) == ["/api/v1/workloads", "/api/v1/workloads/count"]  # (and signing in)

    served.server.requests_seen.clear()
    placements = _placements(bare)
    names = await client.workload_node_names(placements)
    lookups = [path for _, path in served.server.requests_seen]
    assert placements and len(lookups) == len(placements)
    assert all(path.endswith("/pods") and path != "/api/v1/workloads/pods" for path in lookups)
    assert any(names.values())

    served.server.requests_seen.clear()
    assert await client.workload_node_names(placements) == names
    page = await client.workload_page(window)
    assert sorted(path for _, path in served.server.requests_seen) == [
        "/api/v1/workloads",
        "/api/v1/workloads/count",
    ]
    assert {w.id: w.node_names for w in page.workloads if w.id in names} == names


async def test_identical_reads_at_the_same_moment_share_one_request(
    client: RunaiClient, served: Served
) -> None:
    """The header's GPU totals and its alerts (and a screen beside them) read the nodes at the same moment:
    one request answers all of them, and each still gets the whole answer."""
    await client.nodes()  # signed in, routes learned
    served.server.requests_seen.clear()
    first, second, third = await asyncio.gather(client.nodes(), client.nodes(), client.nodes())
    assert first == second == third and first
    assert [path for _, path in served.server.requests_seen].count("/api/v1/nodes") == 1
    await client.nodes()
    assert [path for _, path in served.server.requests_seen].count("/api/v1/nodes") == 2  # not a cache
