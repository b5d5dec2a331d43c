"""The live backend and the demo backend agree: same seed, frozen clock, same domain objects, same effects.

`LiveBackend` is pointed at the simulator's three wire faces (Run:ai, WEKA, Kubernetes, served by
`console.sim.http.serve.ServedSimulator` from a real profile file), and `DemoBackend` at a twin simulator
built from the same seed. Every query must return equal domain objects, and every action must change the
served simulator exactly as the demo backend changes its twin. The fields the real wire cannot carry are
listed once, in `WIRE_LOSSES` and `ACTION_DIFFERENCES`, with the reason; everything else is compared.

The per-client tests (tests/live/*) cover each client's edge cases; this one covers the composition: which
service answers what, the merges (nodes, GPU models, pods' GPU indexes, alerts) and the profile path.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from console.backends.demo import DemoBackend
from console.backends.live.backend import LiveBackend
from console.config import Profile, load_config_file
from console.data.errors import BackendError, Invalid, Unavailable
from console.model import (
    Alert,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemSpec,
    GpuDevice,
    GpuRequest,
    PoolQuota,
    Role,
    SnapshotSpec,
    StowStatus,
    WekaCluster,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

SEED = 7
TIB = 1024**4

# ====================================================================================================
# What cannot cross the real wire equal: the ONE place, each with its reason
# ====================================================================================================
WIRE_LOSSES: dict[str, str] = {
    "GpuDevice.uuid/memory_used_mib/utilization_percent/temperature_celsius/power_watts": (
        "The Kubernetes API carries no GPU UUID and no readings (DCGM/NVML do); the live backend adds NVML "
        "readings only to the GPUs of the host rwc runs on, and no simulated node is this host."
    ),
    "Filesystem.used_object_bytes": (
        "WEKA's REST API has no per-filesystem object-tier usage; the client reports the data that is only "
        "on the object store (used total - used SSD), the simulator also counts data on both tiers."
    ),
    "WekaCluster.ssd_used_bytes/object_tier_used_bytes": (
        "Sums of the per-filesystem figures above (the SSD sum of integers vs the simulator's rounded float "
        "sum differs by under a byte per filesystem)."
    ),
    "weka_metrics window start": (
        "WEKA keeps statistics in cluster time, so the client reads the cluster's clock (`/cluster`, at most "
        "once a minute) and moves it on with its own clock in between. The simulator's clock is frozen here, "
        "so the window may start a few seconds later than the demo's: the live samples are the demo's newest."
    ),
    "Alert.raised_at of WEKA, NodeNotReady and NodeDraining alerts": (
        "Neither WEKA's alerts nor Run:ai's nodes say when the condition began; the live backend records "
        "when it first saw each alert. A degraded workload's alert keeps its phase time, which the API has."
    ),
}

ACTION_DIFFERENCES: dict[str, str] = {
    "update_project_quotas/update_department_quotas result": (
        "The demo returns the org unit right after the change, before the scheduler ran; the live client "
        "reads it back afterwards, so it is compared with the demo's next query instead."
    ),
    "error messages of node actions": (
        "Kubernetes words its own errors (a Status message); the error type is compared."
    ),
    "suspend/resume of an inference": (
        "The Run:ai API has no suspend or resume for inferences; the live backend refuses (Invalid) and "
        "changes nothing, where the simulator would suspend it."
    ),
}

NODE_ALERT_TYPES = frozenset({"NodeNotReady", "NodeDraining"})


def comparable(value: Any) -> Any:
    """`value` with exactly the `WIRE_LOSSES` blanked, recursively through lists and tuples."""
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    if isinstance(value, GpuDevice):
        return dataclasses.replace(
            value,
            uuid="",
            memory_used_mib=None,
            utilization_percent=None,
            temperature_celsius=None,
            power_watts=None,
        )
    if isinstance(value, Filesystem):
        return dataclasses.replace(value, used_object_bytes=0)
    if isinstance(value, WekaCluster):
        return dataclasses.replace(value, ssd_used_bytes=0, object_tier_used_bytes=0)
    if isinstance(value, Alert) and (value.source == "weka" or value.type in NODE_ALERT_TYPES):
        return dataclasses.replace(value, raised_at=None)
    return value


QUERIES: tuple[str, ...] = (
    "identity",
    "cluster",
    "departments",
    "projects",
    "node_pools",
    "nodes",
    "gpus",
    "workloads",
    "weka_cluster",
    "weka_metrics",
    "filesystem_groups",
    "filesystems",
    "snapshots",
    "buckets",
    "alerts",
)
"""Every argument-free query of the Backend protocol."""


async def everything(backend: Any, *, concurrently: bool) -> dict[str, Any]:
    """Every query's answer, comparable; the live backend's run together (as the Store runs them)."""
    if concurrently:
        answers = await asyncio.gather(*(getattr(backend, name)() for name in QUERIES))
    else:
        answers = [await getattr(backend, name)() for name in QUERIES]
    return {name: comparable(answer) for name, answer in zip(QUERIES, answers, strict=True)}


def assert_same(live: dict[str, Any], demo: dict[str, Any]) -> None:
    """Every query's answer equal, but for the `weka_metrics` window start (see WIRE_LOSSES)."""
    for name in QUERIES:
        if name == "weka_metrics":
            newest = demo[name][len(demo[name]) - len(live[name]) :]
            assert live[name] == newest and len(live[name]) >= len(demo[name]) - 60, name
        else:
            assert live[name] == demo[name], name


async def details(backend: Any, workload_ids: list[str]) -> list[Any]:
    return [comparable(await backend.workload(workload_id)) for workload_id in workload_ids]


def sim_state(simulator: Simulator) -> dict[str, Any]:
    """Everything either half of a simulator holds that a user or a later tick can see, exactly."""
    runai, weka = simulator.runai, simulator.weka
    admin = runai.identity_for(None, Role.ADMIN)
    workloads = runai.workloads(admin)
    return {
        "now": simulator.clock.now(),
        "projects": runai.projects(admin),
        "departments": runai.departments(admin),
        "node_pools": runai.node_pools(),
        "nodes": runai.nodes(),
        "gpus": runai.gpus(),
        "workloads": [runai.workload(admin, workload.id) for workload in workloads],
        "describe": [runai.describe_workload(admin, workload.id) for workload in workloads],
        "runai_alerts": runai.alerts(),
        "rng": (simulator.rng.getstate(), runai.rng.getstate()),
        "weka": (
            weka.cluster(),
            weka.filesystems(),
            list(weka.snapshots()),
            weka.buckets(),
            weka.filesystem_groups(),
            weka.alerts(),
            weka.tasks(),
            weka.events(10_000),
            weka.metrics(600),
        ),
    }


def profile_of(served: ServedSimulator, tmp_path: Path) -> Profile:
    """The profile as a user gets it: written by the server, read back by the config loader."""
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return profile


# ====================================================================================================
# fixtures
# ====================================================================================================
@pytest.fixture(scope="module")
def shared_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSimulator]:
    """One served simulator for the tests that only read (the clock is frozen, nothing changes it)."""
    with ServedSimulator(
        build_simulator("demo", SEED), clock_speed=0, workdir=tmp_path_factory.mktemp("served")
    ) as served:
        yield served


@pytest.fixture(scope="module")
def shared_demo() -> DemoBackend:
    return DemoBackend(build_simulator("demo", SEED), clock_speed=0)


@pytest.fixture
async def live(shared_served: ServedSimulator, tmp_path: Path) -> AsyncIterator[LiveBackend]:
    backend = LiveBackend(profile_of(shared_served, tmp_path), use_nvml=False)
    yield backend
    await backend.aclose()


@dataclasses.dataclass
class Twins:
    """A served simulator driven through a `LiveBackend` and its twin driven through a `DemoBackend`."""

    served: ServedSimulator
    live: LiveBackend
    twin: Simulator
    demo: DemoBackend

    def assert_same_simulators(self) -> None:
        with self.served.locked() as simulator:
            served = sim_state(simulator)
        twin = sim_state(self.twin)
        for key in served:
            assert served[key] == twin[key], key

    async def assert_same_answers(self) -> None:
        assert_same(
            await everything(self.live, concurrently=True), await everything(self.demo, concurrently=False)
        )

    async def assert_same_details(self) -> None:
        ids = [workload.id for workload in await self.demo.workloads()]
        assert await details(self.live, ids) == await details(self.demo, ids)
        for workload_id in ids:
            assert await self.live.describe_workload(workload_id) == await self.demo.describe_workload(
                workload_id
            )

    def advance(self, seconds: float) -> None:
        with self.served.locked() as simulator:
            simulator.advance(seconds)
        self.twin.advance(seconds)


@pytest.fixture
async def twins(tmp_path: Path) -> AsyncIterator[Twins]:
    served = ServedSimulator(build_simulator("demo", SEED), clock_speed=0, workdir=tmp_path / "served")
    with served:
        live = LiveBackend(profile_of(served, tmp_path), use_nvml=False)
        twin = build_simulator("demo", SEED)
        try:
            yield Twins(served, live, twin, DemoBackend(twin, clock_speed=0))
        finally:
            await live.aclose()


Step = Callable[[Any], Awaitable[Any]]
"""One action, written once against the Backend method names both backends share."""


async def _outcome(call: Awaitable[Any]) -> tuple[Any, BackendError | None]:
    try:
        return await call, None
    except BackendError as error:
        return None, error


async def run_both(twins: Twins, steps: list[Step], *, same_messages: bool = True) -> list[Any]:
    """Each step on both sides: the same result (or the same refusal), then the same simulators and the
    same answers to every query. Returns the live results."""
    results = []
    for step in steps:
        live_result, live_error = await _outcome(step(twins.live))
        demo_result, demo_error = await _outcome(step(twins.demo))
        if demo_error is not None:
            assert live_error is not None, f"live succeeded where the demo refused: {demo_error}"
            assert type(live_error) is type(demo_error), (live_error, demo_error)
            if same_messages:
                assert live_error.message == demo_error.message
                assert getattr(live_error, "field", None) == getattr(demo_error, "field", None)
        else:
            assert live_error is None, f"live failed where the demo did not: {live_error!r}"
            assert comparable(live_result) == comparable(demo_result)
        results.append(live_result)
        twins.assert_same_simulators()
        await twins.assert_same_answers()
    return results


async def finish(twins: Twins) -> None:
    """The details of every workload agree at the end, and the simulators stay equal as time runs."""
    await twins.assert_same_details()
    for seconds in (5, 60):
        twins.advance(seconds)
        twins.assert_same_simulators()


# ====================================================================================================
# queries
# ====================================================================================================
def test_the_wire_losses_are_documented_once() -> None:
    assert all(reason.strip() for reason in (*WIRE_LOSSES.values(), *ACTION_DIFFERENCES.values()))


async def test_every_query_answers_as_the_demo(live: LiveBackend, shared_demo: DemoBackend) -> None:
    answers = await everything(live, concurrently=True)
    expected = await everything(shared_demo, concurrently=False)
    assert_same(answers, expected)
    assert answers["weka_metrics"]
    # The comparison sees what matters: merged nodes, every GPU, alerts of both services.
    assert len(answers["gpus"]) > 40 and any(gpu.allocations for gpu in answers["gpus"])
    assert {alert.source for alert in answers["alerts"]} == {"weka", "runai"}
    assert any(node.unschedulable for node in answers["nodes"])


async def test_every_workload_in_detail_and_described(live: LiveBackend, shared_demo: DemoBackend) -> None:
    ids = [workload.id for workload in await shared_demo.workloads()]
    live_details = await details(live, ids)
    assert live_details == await details(shared_demo, ids)
    # The pods' GPU indexes come from Kubernetes (Run:ai's pods have none), so they compare too.
    assert any(pod.gpu_indexes for workload in live_details for pod in workload.pods)
    for workload_id in ids:
        assert await live.describe_workload(workload_id) == await shared_demo.describe_workload(workload_id)


@pytest.mark.parametrize(
    "workload_filter",
    [
        WorkloadFilter(project_name="vision"),
        WorkloadFilter(phase=WorkloadPhase.PENDING),
        WorkloadFilter(node_pool="h100", name_contains="train"),
    ],
    ids=["project", "phase", "pool-and-name"],
)
async def test_filtered_workloads(
    live: LiveBackend, shared_demo: DemoBackend, workload_filter: WorkloadFilter
) -> None:
    assert list(await live.workloads(workload_filter)) == list(await shared_demo.workloads(workload_filter))


async def test_one_nodes_gpus_and_one_filesystems_snapshots(
    live: LiveBackend, shared_demo: DemoBackend
) -> None:
    assert comparable(await live.gpus("dgx-h100-01")) == comparable(await shared_demo.gpus("dgx-h100-01"))
    for filesystem in await shared_demo.filesystems():
        assert list(await live.snapshots(filesystem.uid)) == list(await shared_demo.snapshots(filesystem.uid))


async def test_logs_of_running_workloads(live: LiveBackend, shared_demo: DemoBackend) -> None:
    running = [w for w in await shared_demo.workloads() if w.phase is WorkloadPhase.RUNNING][:4]
    for workload in running:
        expected = [line async for line in shared_demo.workload_logs(workload.id, tail_lines=15)]
        assert [line async for line in live.workload_logs(workload.id, tail_lines=15)] == expected
        assert expected


async def test_a_node_described_is_the_kubernetes_object_the_demo_shows(
    live: LiveBackend, shared_demo: DemoBackend
) -> None:
    expected = await shared_demo.describe_node("dgx-h100-01")
    assert await live.describe_node("dgx-h100-01") == expected
    assert expected["kind"] == "Node" and "allocatable" in expected["status"]  # type: ignore[operator]


async def test_where_data_lives(live: LiveBackend, shared_demo: DemoBackend) -> None:
    """Pod -> claim -> volume -> csi-wekafs handle over Run:ai and Kubernetes, as the demo shows it."""
    assert sorted(map(repr, await live.data_mounts())) == sorted(map(repr, await shared_demo.data_mounts()))
    mounted = 0
    for workload in list(await shared_demo.workloads())[::7]:
        expected = list(await shared_demo.workload_mounts(workload.id))
        assert list(await live.workload_mounts(workload.id)) == expected
        mounted += bool(expected)
    assert mounted


# ====================================================================================================
# actions
# ====================================================================================================
async def test_org_unit_actions(twins: Twins) -> None:
    quotas = [PoolQuota("a100", 2, 4, 1), PoolQuota("h100", 1.5)]
    created = await run_both(twins, [lambda b: b.create_project("contract-team", "3", quotas)])
    project_id = created[0].id
    await run_both(
        twins,
        [
            lambda b: b.create_project("vision", "2", []),  # exists: Conflict
            lambda b: b.delete_project("404"),
            lambda b: b.delete_project(project_id),
        ],
    )
    # ACTION_DIFFERENCES: quota updates are compared with the demo's query after the scheduler ran.
    project = await twins.live.update_project_quotas("5", [PoolQuota("a100", 12, -1, 3)])
    await twins.demo.update_project_quotas("5", [PoolQuota("a100", 12, -1, 3)])
    assert project == next(p for p in await twins.demo.projects() if p.id == "5")
    department = await twins.live.update_department_quotas("3", [PoolQuota("a100", 10, 20, 1)])
    await twins.demo.update_department_quotas("3", [PoolQuota("a100", 10, 20, 1)])
    assert department == next(d for d in await twins.demo.departments() if d.id == "3")
    twins.assert_same_simulators()
    await twins.assert_same_answers()
    await finish(twins)


async def test_workload_actions(twins: Twins) -> None:
    by_name = {workload.name: workload.id for workload in await twins.demo.workloads()}
    steps: list[Step] = [
        lambda b: b.submit_workload(
            WorkloadSpec("contract-train", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.whole(1))
        ),
        lambda b: b.submit_workload(
            WorkloadSpec(
                "contract-ws", "sandbox", WorkloadType.WORKSPACE, "jupyter:1", GpuRequest.fraction(0.5)
            )
        ),
        lambda b: b.submit_workload(
            WorkloadSpec("Bad_Name", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.whole(1))
        ),
        lambda b: b.suspend_workload(by_name["vit-large-pretrain"]),
        lambda b: b.resume_workload(by_name["jupyter-bob"]),
        lambda b: b.delete_workload(by_name["sdxl-lora-sweep-3"]),
        lambda b: b.delete_workload("no-such-workload"),
    ]
    await run_both(twins, steps)
    # ACTION_DIFFERENCES: the API cannot suspend an inference; the live backend says so and changes nothing.
    with pytest.raises(Invalid, match="cannot suspend inference"):
        await twins.live.suspend_workload(by_name["bert-embed-serve"])
    twins.assert_same_simulators()
    await finish(twins)


async def test_node_actions(twins: Twins) -> None:
    steps: list[Step] = [
        lambda b: b.cordon_node("dgx-a100-01"),
        lambda b: b.uncordon_node("dgx-a100-02"),  # cordoned in the scenario
        lambda b: b.drain_node("dgx-h100-01"),  # preemptible work moves off and requeues
        lambda b: b.undrain_node("dgx-h100-01"),
        lambda b: b.uncordon_node("dgx-a100-01"),
        lambda b: b.cordon_node("no-such-node"),
    ]
    results = await run_both(twins, steps, same_messages=False)  # ACTION_DIFFERENCES: Kubernetes' words
    assert results[0].unschedulable and results[2].draining


async def test_weka_actions(twins: Twins) -> None:
    twin = twins.twin
    uid = {fs.name: fs.uid for fs in twin.weka.filesystems()}
    snap = {(s.filesystem_name, s.name): s.uid for s in twin.weka.snapshots()}
    uploaded = next(
        s
        for s in twin.weka.snapshots()
        if s.filesystem_name == "datasets" and s.stow_status is StowStatus.SYNCHRONIZED
    )
    scratch_snapshot = next(s.uid for s in twin.weka.snapshots() if s.filesystem_name == "scratch")
    steps: list[Step] = [
        lambda b: b.create_filesystem(FilesystemSpec("contract-fs", "default", 2 * TIB)),
        lambda b: b.create_filesystem(FilesystemSpec("home", "default", 2 * TIB)),  # exists: Conflict
        lambda b: b.resize_filesystem(uid["home"], 24 * TIB),
        lambda b: b.set_filesystem_tiering(uid["inference-cache"], "obs-local"),
        lambda b: b.set_filesystem_tiering(uid["inference-cache"], None),
        lambda b: b.create_snapshot(SnapshotSpec(uid["home"], "before-cleanup")),
        lambda b: b.upload_snapshot(scratch_snapshot),
        lambda b: b.restore_snapshot(snap[("inference-cache", "before-rollout")]),
        lambda b: b.delete_snapshot(snap[("models", "eval-sandbox")]),
        lambda b: b.create_filesystem_from_snapshot(
            FilesystemFromSnapshotSpec(
                "datasets-dr", "tiered", 200 * TIB, 2 * TIB, "obs-local", uploaded.locator
            )
        ),
        lambda b: b.delete_filesystem(uid["scratch"]),
        lambda b: b.delete_snapshot("no-such-uid"),
    ]
    await run_both(twins, steps)
    for seconds in (30, 600):
        twins.advance(seconds)
        twins.assert_same_simulators()


class FakeReader:
    """An `NvmlGpuReader` stand-in for a host that is the node `dgx-a100-01` (no driver needed)."""

    def available(self) -> bool:
        return True

    def unavailable_reason(self) -> str | None:
        return None

    def read(self, node_name: str) -> list[GpuDevice]:
        return [
            GpuDevice(
                node_name,
                index,
                f"GPU-local-{index}",
                "NVIDIA A100-SXM4-80GB",
                81920,
                1000 + index,
                50.0,
                40.0,
                300.0,
            )
            for index in range(8)
        ]

    def close(self) -> None:
        return None

    def started(self) -> tuple[object, list[tuple[int, object, str]]]:
        """No GPU events from this stand-in (the event watcher's seam): NVML's answer without a driver."""
        raise Unavailable("No NVIDIA driver on this host (libnvidia-ml.so.1 not found)", service="nvml")


async def test_this_hosts_gpus_carry_its_nvml_readings(
    shared_served: ServedSimulator, shared_demo: DemoBackend, tmp_path: Path
) -> None:
    backend = LiveBackend(
        profile_of(shared_served, tmp_path),
        local_node_names=frozenset({"dgx-a100-01"}),
        nvml_reader=FakeReader(),  # type: ignore[arg-type]
    )
    try:
        gpus = await backend.gpus()
    finally:
        await backend.aclose()
    expected = await shared_demo.gpus()
    local = [gpu for gpu in gpus if gpu.node_name == "dgx-a100-01"]
    assert [(gpu.uuid, gpu.memory_used_mib, gpu.power_watts) for gpu in local] == [
        (f"GPU-local-{index}", 1000 + index, 300.0) for index in range(8)
    ]
    # The holders still come from Kubernetes; every other node's GPUs are as without NVML.
    assert [gpu.allocations for gpu in local] == [
        gpu.allocations for gpu in expected if gpu.node_name == "dgx-a100-01"
    ]
    others = [gpu for gpu in gpus if gpu.node_name != "dgx-a100-01"]
    assert comparable(others) == comparable([gpu for gpu in expected if gpu.node_name != "dgx-a100-01"])
