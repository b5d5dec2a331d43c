"""The live Run:ai client against a 2.18 control plane and the latest, over real HTTP on 127.0.0.1.

The simulator's Run:ai face answers as 2.18 does with `version="2.18"` (its token request, 404 on the
routes 2.18 lacks, the cluster-scoped and legacy routes, its telemetry types). The same seeded simulator
behind a latest face is the reference: what a user sees must be the same on both, except the readings
2.18 has no data for, which say "not available on this Run:ai version". Sign-in failures say "sign-in to
Run:ai failed: <the server's words>" on the client and on the app's stale banner.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from runai_harness import ADMIN, RESEARCHER, Served, new_simulator, serve
from textual.pilot import Pilot
from textual.widgets import Static

from console.backends.live import backend as live_backend
from console.backends.live.runai import RunaiClient
from console.cli import make_app
from console.config import Config, load_config_file
from console.data.errors import Invalid, NotFound, Unauthorized
from console.model import PoolQuota
from console.model.identity import Role
from console.model.runai import ClusterInfo
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.nodes import NodesScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner

NOT_AVAILABLE = "not available on this Run:ai version"
TELEMETRY_2_18 = {"READY_GPU_NODES", "READY_GPUS", "TOTAL_GPU_NODES", "TOTAL_GPUS", "FREE_GPUS"}


@pytest.fixture(scope="module")
def old() -> Iterator[Served]:
    """A 2.18 control plane (read-only tests share it)."""
    running = serve(new_simulator(), version="2.18")
    try:
        yield running
    finally:
        running.server.stop()


@pytest.fixture(scope="module")
def latest() -> Iterator[Served]:
    """The latest control plane over an identical simulator: the reference answers."""
    running = serve(new_simulator())
    try:
        yield running
    finally:
        running.server.stop()


@pytest.fixture
def fresh_old() -> Iterator[Served]:
    running = serve(new_simulator(), version="2.18")
    try:
        yield running
    finally:
        running.server.stop()


ClientOf = Callable[..., RunaiClient]


@pytest.fixture
async def client_of() -> AsyncIterator[ClientOf]:
    clients: list[RunaiClient] = []

    def make(served: Served, credential=ADMIN, **options) -> RunaiClient:  # type: ignore[no-untyped-def]
        options.setdefault("verify", False)
        client = RunaiClient(served.url, credential.client_id, credential.client_secret, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def token_requests(served: Served) -> int:
    return served.server.requests_seen.count(("POST", "/api/v1/token"))


# ====================================================================================================
# signing in and listing
# ====================================================================================================
async def test_2_18_signs_in_and_lists_workloads_and_projects(
    client_of: ClientOf, old: Served, latest: Served
) -> None:
    before = token_requests(old)
    client = client_of(old)
    reference = client_of(latest)
    # 2.18's Workload has no `command` and no `phaseReason`: everything else reads the same.
    assert await client.workloads() == [
        dataclasses.replace(workload, command="", phase_reason=None)
        for workload in await reference.workloads()
    ]
    assert await client.projects() == await reference.projects()
    assert await client.departments() == await reference.departments()
    assert (await client.cluster()).version.startswith("2.18")
    # The latest form was refused as malformed, 2.18's app_token form accepted: one token, two requests.
    assert client.tokens_fetched == 1
    assert token_requests(old) == before + 2
    # Once known, the accepted form is used straight away.
    old.face.expire_tokens()
    assert len(await client.projects()) == len(await reference.projects())
    assert client.tokens_fetched == 2
    assert token_requests(old) == before + 3


async def test_2_18_nodes_and_pools_read_what_2_18_has(
    client_of: ClientOf, old: Served, latest: Served
) -> None:
    client = client_of(old)
    seen_before = len(old.server.requests_seen)
    nodes = await client.nodes()
    reference = {node.name: node for node in await client_of(latest).nodes()}
    assert sorted(node.name for node in nodes) == sorted(reference)
    for node in nodes:
        want = reference[node.name]
        # Allocation from the pods placed on each node: the same figure the latest's telemetry gives.
        assert node.allocated_gpus == pytest.approx(want.allocated_gpus), node.name
        assert (node.status, node.gpu_count, node.gpu_model, node.node_pool) == (
            want.status,
            want.gpu_count,
            want.gpu_model,
            want.node_pool,
        )
        # CPU and memory: 2.18 has no such telemetry, and says so instead of showing 0/0.
        assert node.telemetry_unavailable_reason is not None
        assert NOT_AVAILABLE in node.telemetry_unavailable_reason
        assert "CPU" in node.telemetry_unavailable_reason and "memory" in node.telemetry_unavailable_reason
        assert want.telemetry_unavailable_reason is None
    pools = await client.node_pools()
    assert pools == await client_of(latest).node_pools()
    asked = old.server.requests_seen[seen_before:]
    # Only routes 2.18 has were asked for after the first 404, and no telemetry type 2.18 lacks.
    assert ("GET", "/api/v1/nodes/telemetry") not in asked
    assert asked.count(("GET", "/api/v1/nodes")) == 1


async def test_2_18_identity_from_the_tenant_access_rules(
    client_of: ClientOf, old: Served, latest: Served
) -> None:
    admin = await client_of(old).identity()
    assert admin.role is Role.ADMIN and admin == await client_of(latest).identity()
    researcher = await client_of(old, RESEARCHER).identity()
    assert researcher.role is Role.RESEARCHER
    assert researcher == await client_of(latest, RESEARCHER).identity()
    assert researcher.project_names


@pytest.mark.parametrize("verb", ["suspend", "resume"])
async def test_2_18_distributed_suspend_is_not_available(
    client_of: ClientOf, fresh_old: Served, verb: str
) -> None:
    state = fresh_old.simulator.runai.state
    distributed = next(w.id for w in state.workloads.values() if w.type.value == "Distributed")
    client = client_of(fresh_old)
    with pytest.raises(Invalid) as caught:
        await getattr(client, f"{verb}_workload")(distributed)
    assert NOT_AVAILABLE in str(caught.value)


async def test_2_18_actions(client_of: ClientOf, fresh_old: Served) -> None:
    """Quota edits name pools by the legacy list's numeric ids; a training suspends as on the latest."""
    client = client_of(fresh_old)
    project = await client.update_project_quotas("5", [PoolQuota("a100", 5)])
    assert {quota.node_pool: quota.deserved_gpus for quota in project.quotas}["a100"] == 5
    training = next(
        w.id
        for w in fresh_old.simulator.runai.state.workloads.values()
        if w.type.value == "Training" and w.phase.value == "Running"
    )
    suspended = await client.suspend_workload(training)
    assert suspended.phase.value in ("Stopping", "Stopped")


# ====================================================================================================
# sign-in failures and the cluster that was picked
# ====================================================================================================
async def test_sign_in_failure_says_so_with_the_servers_words(client_of: ClientOf, old: Served) -> None:
    wrong = dataclasses.replace(ADMIN, client_secret="not-the-secret")
    with pytest.raises(Unauthorized) as caught:
        await client_of(old, wrong).projects()
    assert str(caught.value) == "sign-in to Run:ai failed: Invalid client credentials. (runai 401)"


async def test_a_token_request_refused_as_malformed_says_sign_in_failed(
    client_of: ClientOf, latest: Served
) -> None:
    latest.server.faults.add(
        Fault(FaultKind.STATUS, r"^/api/v1/token$", status=400, message="Required parameter is missing")
    )
    try:
        with pytest.raises(Unauthorized) as caught:
            await client_of(latest).projects()
    finally:
        latest.server.faults.clear()
    assert str(caught.value) == "sign-in to Run:ai failed: Required parameter is missing (runai 400)"


async def test_an_auto_picked_cluster_is_never_blamed_on_the_profile(
    client_of: ClientOf, fresh_old: Served
) -> None:
    client = client_of(fresh_old)  # the profile names no cluster_id
    first = await client.cluster()
    runai = fresh_old.simulator.runai
    with fresh_old.host.lock:
        runai.cluster = ClusterInfo(
            "0b7e2f1c-5d40-4c51-9a3e-2d6f8c1b9a77", "replaced", "2.18.56", "Connected"
        )
    assert (await client.cluster()).uuid != first.uuid
    named = client_of(fresh_old, cluster_id=first.uuid)
    with pytest.raises(NotFound) as caught:
        await named.cluster()
    assert "the profile's cluster_id" in str(caught.value)


# ====================================================================================================
# the app on a 2.18 control plane
# ====================================================================================================
async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


@pytest.fixture
def served_2_18(tmp_path: Path) -> Iterator[ServedSimulator]:
    simulator = build_simulator("demo", 7)
    with ServedSimulator(simulator, clock_speed=0, workdir=tmp_path / "sim", runai_version="2.18") as running:
        yield running


def config_of(served: ServedSimulator, path: Path, *, kubernetes: bool = True) -> Config:
    """The profile `rwc sim serve` writes; without `kubernetes`, a Run:ai-only profile (no kubeconfig)."""
    text = served.profile_toml()
    if not kubernetes:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("kube")) + "\n"
    path.write_text(text, encoding="utf-8")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)


@pytest.fixture
def config_2_18(served_2_18: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", 5.0)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))  # no default cluster to fall back on
    return config_of(served_2_18, tmp_path / "rwc-sim.toml")


async def open_nodes(pilot: Pilot) -> tuple[ResourceTable, Static]:
    app = pilot.app
    await pilot.press("3")
    await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 5, "the node rows")
    return table, app.screen.query_one("#telemetry-note", Static)


async def test_app_on_2_18_lists_workloads_and_nodes(
    config_2_18: Config, served_2_18: ServedSimulator
) -> None:
    """A 2.18 control plane signs in and fills the screens; CPU and memory come from Kubernetes."""
    app = make_app(config_2_18)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count > 40, "the workload rows")
        assert app.screen.query_one(StaleBanner).message == ""
        table, note = await open_nodes(pilot)
        assert not note.has_class("-visible")
        assert "—" not in table.cell_text("dgx-a100-01", "cpu")


async def test_app_on_2_18_without_kubernetes_says_cpu_and_memory_are_not_available(
    served_2_18: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", 5.0)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    app = make_app(config_of(served_2_18, tmp_path / "rwc-sim.toml", kubernetes=False))
    async with app.run_test(size=(120, 30)) as pilot:
        table, note = await open_nodes(pilot)
        await wait_until(pilot, lambda: note.has_class("-visible"), "the note above the nodes")
        assert str(note.render()) == "Node CPU and memory readings: not available on this Run:ai version."
        assert table.cell_text("dgx-a100-01", "cpu") == "—"
        assert table.cell_text("dgx-a100-01", "memory") == "—"
        assert "/8" in table.cell_text("dgx-a100-01", "gpus")  # allocation still shown (from the pods)


async def test_app_sign_in_failure_on_every_banner(config_2_18: Config, served_2_18: ServedSimulator) -> None:
    served_2_18.runai.faults.add(
        Fault(FaultKind.STATUS, r"^/api/v1/token$", "POST", status=401, message="Invalid client credentials.")
    )
    app = make_app(config_2_18)
    async with app.run_test(size=(120, 30)) as pilot:
        for key, screen in (("2", WorkloadsScreen), ("3", NodesScreen)):
            await pilot.press(key)
            await wait_until(pilot, lambda screen=screen: isinstance(app.screen, screen), screen.__name__)
            banner = app.screen.query_one(StaleBanner)
            await wait_until(pilot, lambda banner=banner: "sign-in" in banner.message, "the banner")
            assert "sign-in to Run:ai failed: Invalid client credentials." in banner.message
            assert "Required parameter" not in banner.message
