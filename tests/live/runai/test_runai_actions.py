"""Every action through `RunaiClient` over HTTP changes the simulator exactly as through the demo backend.

Two simulators from the same seed: one behind the HTTP face (driven by the client), one behind
`DemoBackend`. After the same action (and again after time passes) their whole visible state must be equal,
and so must their random generators (the same draws happened). Errors must be the same type with the same
message (and, for submissions, the same form field).

Known, documented differences in what an action *returns* (the state afterwards is equal regardless):
- `update_project_quotas` / `update_department_quotas`: the demo returns the org unit as the simulator had
  it right after the change, before the scheduler ran; the client reads it back from the server afterwards,
  so allocation figures can already reflect the scheduler's response.
- `Pod.gpu_indexes` is not on the wire (see test_runai_queries.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from runai_harness import ADMIN, RESEARCHER, Served, new_simulator, serve

from console.backends.demo import DemoBackend
from console.backends.live.runai import RunaiClient
from console.data.errors import BackendError, Conflict, Forbidden, Invalid, NotFound
from console.model import (
    GpuRequest,
    PoolQuota,
    Role,
    Workload,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.http.runai import AppCredential
from console.sim.simulator import Simulator
from console.wire.runai.pods_events import as_runai_tells_them


@dataclasses.dataclass
class Twins:
    served: Served
    demo_simulator: Simulator

    def demo(self, credential: AppCredential = ADMIN) -> DemoBackend:
        return DemoBackend(self.demo_simulator, user=credential.user, role=credential.role, clock_speed=0)

    def advance(self, seconds: float) -> None:
        with self.served.host.lock:
            self.served.simulator.advance(seconds)
        self.demo_simulator.advance(seconds)


@pytest.fixture
def twins() -> AsyncIterator[Twins]:
    served = serve(new_simulator())
    try:
        yield Twins(served, new_simulator())  # type: ignore[misc]
    finally:
        served.server.stop()


class _Clients(dict[str, RunaiClient]):
    """Clients made on first use (an httpx client loads the CA store when made, ~0.2 s)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def __missing__(self, key: str) -> RunaiClient:
        credential = {"admin": ADMIN, "researcher": RESEARCHER}[key]
        # Plain HTTP to 127.0.0.1: no TLS to verify (test_runai_tls.py covers verification settings).
        client = self[key] = RunaiClient(
            self.url, credential.client_id, credential.client_secret, verify=False
        )
        return client


@pytest.fixture
async def clients(twins: Twins) -> AsyncIterator[dict[str, RunaiClient]]:
    made = _Clients(twins.served.url)
    yield made
    for client in made.values():
        await client.aclose()


def state_of(simulator: Simulator) -> dict[str, Any]:
    """Everything an admin can see, plus the random generators' state."""
    runai = simulator.runai
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
        # No log tails (rendering costs ~1 s): they follow from the phases, run times and seeds.
        "segments": [runai.state.workloads[workload.id].log_segments for workload in workloads],
        "rng": (simulator.rng.getstate(), runai.rng.getstate()),
    }


def assert_same_state(twins: Twins) -> None:
    with twins.served.host.lock:
        served = state_of(twins.served.simulator)
    demo = state_of(twins.demo_simulator)
    for key in served:
        assert served[key] == demo[key], key


async def both(
    twins: Twins,
    live: Callable[[], Awaitable[Any]],
    demo: Callable[[], Awaitable[Any]],
) -> tuple[Any, Any]:
    """Run the action both ways; errors are returned (not raised) so they can be compared."""
    results = []
    for call in (live, demo):
        try:
            results.append(await call())
        except BackendError as error:
            results.append(error)
    return results[0], results[1]


def assert_same_error(live: object, demo: object, kind: type[BackendError]) -> None:
    assert isinstance(live, kind), live
    assert type(live) is type(demo), (live, demo)
    assert live.message == demo.message  # type: ignore[attr-defined]
    assert live.service == demo.service == "runai"  # type: ignore[attr-defined]
    if isinstance(live, Invalid):
        assert live.field == demo.field  # type: ignore[attr-defined]


async def finish(twins: Twins) -> None:
    assert_same_state(twins)
    twins.advance(45)
    assert_same_state(twins)


# ================================================================================================
# org units
# ================================================================================================
async def test_create_project(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    quotas = [PoolQuota("a100", 2, 4, 1), PoolQuota("h100", 1.5)]
    live, demo = await both(
        twins,
        lambda: clients["admin"].create_project("new-team", "3", quotas),
        lambda: twins.demo().create_project("new-team", "3", quotas),
    )
    assert live == demo
    await finish(twins)


@pytest.mark.parametrize(
    ("name", "department", "quotas", "kind"),
    [
        ("vision", "2", [], Conflict),
        ("Bad_Name", "2", [], Invalid),
        ("fine-name", "99", [], Invalid),
        ("fine-name", "2", [PoolQuota("nowhere", 1)], Invalid),
        ("fine-name", "2", [PoolQuota("a100", 4, 2)], Invalid),
        ("fine-name", "2", [PoolQuota("a100", -1)], Invalid),
    ],
)
async def test_create_project_refused(
    twins: Twins,
    clients: dict[str, RunaiClient],
    name: str,
    department: str,
    quotas: list[PoolQuota],
    kind: type[BackendError],
) -> None:
    live, demo = await both(
        twins,
        lambda: clients["admin"].create_project(name, department, quotas),
        lambda: twins.demo().create_project(name, department, quotas),
    )
    if kind is Invalid:
        # Over the wire an org-unit 400 is the plain `Error` body: it names no field (only submissions do).
        assert isinstance(live, Invalid) and isinstance(demo, Invalid)
        assert live.message == demo.message and live.status == demo.status == 400
    else:
        assert_same_error(live, demo, kind)
    await finish(twins)


async def test_researcher_cannot_create_a_project(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    live, demo = await both(
        twins,
        lambda: clients["researcher"].create_project("mine", "2", []),
        lambda: twins.demo(RESEARCHER).create_project("mine", "2", []),
    )
    assert_same_error(live, demo, Forbidden)
    assert live.status == 403
    await finish(twins)


async def test_update_project_quotas(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    quotas = [PoolQuota("h100", 0, 2, 0), PoolQuota("a100", 12, -1, 3)]
    live, demo = await both(
        twins,
        lambda: clients["admin"].update_project_quotas("5", quotas),
        lambda: twins.demo().update_project_quotas("5", quotas),
    )
    assert [(q.node_pool, q.deserved_gpus, q.limit_gpus, q.over_quota_weight) for q in live.quotas] == [
        (q.node_pool, q.deserved_gpus, q.limit_gpus, q.over_quota_weight) for q in demo.quotas
    ]
    assert live == (await twins.demo().projects())[0]  # the client reads the project after the scheduler ran
    await finish(twins)


async def test_update_quotas_of_a_missing_project(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    live, demo = await both(
        twins,
        lambda: clients["admin"].update_project_quotas("404", [PoolQuota("a100", 1)]),
        lambda: twins.demo().update_project_quotas("404", [PoolQuota("a100", 1)]),
    )
    assert_same_error(live, demo, NotFound)
    await finish(twins)


async def test_delete_project(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    live, demo = await both(
        twins, lambda: clients["admin"].delete_project("6"), lambda: twins.demo().delete_project("6")
    )
    assert live is None and demo is None
    await finish(twins)


async def test_update_department_quotas(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    quotas = [PoolQuota("a100", 10, 20, 1)]
    live, demo = await both(
        twins,
        lambda: clients["admin"].update_department_quotas("3", quotas),
        lambda: twins.demo().update_department_quotas("3", quotas),
    )
    assert [(q.node_pool, q.deserved_gpus, q.limit_gpus, q.over_quota_weight) for q in live.quotas] == [
        (q.node_pool, q.deserved_gpus, q.limit_gpus, q.over_quota_weight) for q in demo.quotas
    ]
    assert live == (await twins.demo().departments())[1]  # read back after the scheduler ran
    await finish(twins)


async def test_researcher_cannot_change_department_quotas(
    twins: Twins, clients: dict[str, RunaiClient]
) -> None:
    live, demo = await both(
        twins,
        lambda: clients["researcher"].update_department_quotas("2", [PoolQuota("a100", 1)]),
        lambda: twins.demo(RESEARCHER).update_department_quotas("2", [PoolQuota("a100", 1)]),
    )
    assert_same_error(live, demo, Forbidden)
    await finish(twins)


# ================================================================================================
# workloads
# ================================================================================================
SPECS = [
    WorkloadSpec(
        "bert-tiny", "vision", WorkloadType.TRAINING, "nvcr.io/nvidia/pytorch:24.08-py3", GpuRequest.whole(1)
    ),
    WorkloadSpec("half-gpu", "llm-pretrain", WorkloadType.TRAINING, "img:1", GpuRequest.fraction(0.5)),
    WorkloadSpec(
        "mem-ws", "vision", WorkloadType.WORKSPACE, "jupyter:1", GpuRequest.memory(8192), command="jupyter"
    ),
    WorkloadSpec(
        "ddp-4",
        "llm-pretrain",
        WorkloadType.DISTRIBUTED,
        "img:2",
        GpuRequest.whole(2),
        node_pools=("h100", "a100"),
        workers=3,
        command="torchrun",
        arguments="--nnodes 3",
    ),
    WorkloadSpec("cpu-only", "sandbox", WorkloadType.TRAINING, "python:3.11", GpuRequest.whole(0)),
    WorkloadSpec("serve-it", "mlops", WorkloadType.INFERENCE, "triton:1", GpuRequest.whole(1)),
    WorkloadSpec(
        "ws-preempt", "vision", WorkloadType.WORKSPACE, "img:3", GpuRequest.whole(1), preemptible=True
    ),
    WorkloadSpec(
        "train-np", "vision", WorkloadType.TRAINING, "img:3", GpuRequest.whole(1), preemptible=False
    ),
    WorkloadSpec("huge", "vision", WorkloadType.TRAINING, "img:4", GpuRequest.whole(8), node_pools=("a100",)),
]


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
async def test_submit(twins: Twins, clients: dict[str, RunaiClient], spec: WorkloadSpec) -> None:
    live, demo = await both(
        twins, lambda: clients["admin"].submit_workload(spec), lambda: twins.demo().submit_workload(spec)
    )
    assert isinstance(live, Workload), live
    assert as_runai_tells_them(live) == as_runai_tells_them(demo)
    await finish(twins)


async def test_researcher_submits_to_own_project(twins: Twins, clients: dict[str, RunaiClient]) -> None:
    spec = SPECS[0]
    live, demo = await both(
        twins,
        lambda: clients["researcher"].submit_workload(spec),
        lambda: twins.demo(RESEARCHER).submit_workload(spec),
    )
    assert as_runai_tells_them(live) == as_runai_tells_them(demo)
    assert live.submitted_by == RESEARCHER.user
    await finish(twins)


BAD_SPECS = [
    (dataclasses.replace(SPECS[0], name="yolov8-detect"), Conflict),
    (dataclasses.replace(SPECS[0], name="Not_A_Name"), Invalid),
    (dataclasses.replace(SPECS[0], image="  "), Invalid),
    (dataclasses.replace(SPECS[0], gpu_request=GpuRequest.fraction(1.5)), Invalid),
    (dataclasses.replace(SPECS[0], gpu_request=GpuRequest.memory(10_000_000)), Invalid),
    (dataclasses.replace(SPECS[0], node_pools=("nowhere",)), Invalid),
    (dataclasses.replace(SPECS[0], workers=2), Invalid),
    (dataclasses.replace(SPECS[3], workers=0), Invalid),
    (dataclasses.replace(SPECS[0], project_name="no-such-project"), Invalid),
]


@pytest.mark.parametrize(
    ("spec", "kind"), BAD_SPECS, ids=[f"{kind.__name__}-{i}" for i, (_, kind) in enumerate(BAD_SPECS)]
)
async def test_submit_refused(
    twins: Twins, clients: dict[str, RunaiClient], spec: WorkloadSpec, kind: type[BackendError]
) -> None:
    live, demo = await both(
        twins, lambda: clients["admin"].submit_workload(spec), lambda: twins.demo().submit_workload(spec)
    )
    assert_same_error(live, demo, kind)
    await finish(twins)


async def test_researcher_submits_to_a_project_they_are_not_in(
    twins: Twins, clients: dict[str, RunaiClient]
) -> None:
    """A difference by nature: the API does not show the researcher that project, so the client cannot find
    its id and reports it as missing; the demo (which looks projects up by name) says Forbidden."""
    spec = dataclasses.replace(SPECS[0], project_name="recsys")
    live, demo = await both(
        twins,
        lambda: clients["researcher"].submit_workload(spec),
        lambda: twins.demo(RESEARCHER).submit_workload(spec),
    )
    assert isinstance(demo, Forbidden)
    assert isinstance(live, Invalid) and live.field == "project_name"
    await finish(twins)


WORKLOADS = {
    "training": "4a564ed2",  # yolov8-detect, Running, alice
    "workspace": "f90633a0",  # jupyter-alice, Running, alice
    "distributed": "6fa64b0d",  # resnet50-ddp, Running, carol
    "stopped": "70a1bc5f",  # gpt-neox-pretrain-v0, Stopped, alice
    "completed": "d043e169",  # resnet50-baseline, Completed, carol
    "carols": "66d09cc4",  # vit-large-pretrain, Running, carol
    "inference": "58a251fd",  # bert-embed-serve, Running, frank
}


def _id(twins: Twins, prefix: str) -> str:
    return next(w for w in twins.demo_simulator.runai.state.workloads if w.startswith(prefix))


@pytest.mark.parametrize("which", ["training", "workspace", "distributed"])
async def test_suspend_then_resume(twins: Twins, clients: dict[str, RunaiClient], which: str) -> None:
    workload_id = _id(twins, WORKLOADS[which])
    live, demo = await both(
        twins,
        lambda: clients["admin"].suspend_workload(workload_id),
        lambda: twins.demo().suspend_workload(workload_id),
    )
    assert as_runai_tells_them(live) == as_runai_tells_them(demo)
    assert live.phase is WorkloadPhase.STOPPING
    await finish(twins)
    live, demo = await both(
        twins,
        lambda: clients["admin"].resume_workload(workload_id),
        lambda: twins.demo().resume_workload(workload_id),
    )
    assert as_runai_tells_them(live) == as_runai_tells_them(demo)
    await finish(twins)


@pytest.mark.parametrize("which", ["training", "workspace", "distributed", "completed", "inference"])
async def test_delete_workload(twins: Twins, clients: dict[str, RunaiClient], which: str) -> None:
    workload_id = _id(twins, WORKLOADS[which])
    live, demo = await both(
        twins,
        lambda: clients["admin"].delete_workload(workload_id),
        lambda: twins.demo().delete_workload(workload_id),
    )
    assert live is None and demo is None
    await finish(twins)


@pytest.mark.parametrize(
    ("verb", "which", "credential", "kind"),
    [
        ("suspend", "completed", ADMIN, Conflict),
        ("suspend", "stopped", ADMIN, Conflict),
        ("resume", "training", ADMIN, Conflict),
        ("suspend", "carols", RESEARCHER, Forbidden),
        ("delete", "carols", RESEARCHER, Forbidden),
        ("suspend", "training", RESEARCHER, None),
    ],
)
async def test_lifecycle_rules(
    twins: Twins,
    clients: dict[str, RunaiClient],
    verb: str,
    which: str,
    credential: AppCredential,
    kind: type[BackendError] | None,
) -> None:
    workload_id = _id(twins, WORKLOADS[which])
    client = clients["admin" if credential is ADMIN else "researcher"]
    demo = twins.demo(credential)
    live_result, demo_result = await both(
        twins,
        lambda: getattr(client, f"{verb}_workload")(workload_id),
        lambda: getattr(demo, f"{verb}_workload")(workload_id),
    )
    if kind is None:
        assert as_runai_tells_them(live_result) == as_runai_tells_them(demo_result)
    else:
        assert_same_error(live_result, demo_result, kind)
    await finish(twins)


@pytest.mark.parametrize("verb", ["suspend", "resume", "delete"])
async def test_unknown_workload(twins: Twins, clients: dict[str, RunaiClient], verb: str) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    live, demo = await both(
        twins,
        lambda: getattr(clients["admin"], f"{verb}_workload")(missing),
        lambda: getattr(twins.demo(), f"{verb}_workload")(missing),
    )
    assert_same_error(live, demo, NotFound)
    assert live.status == 404


async def test_inference_cannot_be_suspended_over_the_api(
    twins: Twins, clients: dict[str, RunaiClient]
) -> None:
    """The spec has no suspend for inferences (reference §4.1); the client says so and changes nothing."""
    with pytest.raises(Invalid, match="cannot suspend inference"):
        await clients["admin"].suspend_workload(_id(twins, WORKLOADS["inference"]))
    assert_same_state(twins)
