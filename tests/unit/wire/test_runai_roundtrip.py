"""`console.wire.runai` round-trips: what the simulator's face encodes, the live client decodes back to the
same domain object (model -> encode -> decode == model), for every object of the demo simulator, and the
request bodies the client writes read back as what was asked (hypothesis over the domain values).

Fields the Run:ai API cannot carry are blanked on both sides, as in tests/live/runai/test_runai_queries.py:
`Pod.gpu_indexes` (the API's pod has none) and the node telemetry readings (they come from
`/nodes/telemetry`, passed to the decoder here as the face computes them).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.data.errors import Invalid
from console.model import GpuRequest, PoolQuota, Role, WorkloadSpec, WorkloadType
from console.model.storage import VolumeSpec
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.runai.pods_events import as_runai_tells_it


@pytest.fixture(scope="module")
def sim() -> Simulator:
    return build_simulator("demo", seed=7)


def _admin(sim: Simulator):  # noqa: ANN202 - an Identity
    return sim.runai.identity_for(None, Role.ADMIN)


def _pool_ids(sim: Simulator) -> dict[str, str]:
    return {pool.name: pool.id for pool in sim.runai.node_pools()}


def test_projects_round_trip(sim: Simulator) -> None:
    projects = sim.runai.projects(_admin(sim))
    assert projects and any(quota.allocated_gpus for project in projects for quota in project.quotas)
    for project in projects:
        body = wire.project_json(project, _pool_ids(sim), sim.runai.cluster.uuid)
        counts = {project.id: (project.running_workloads, project.pending_workloads)}
        assert wire.parse_project(body, counts) == project


def test_departments_round_trip(sim: Simulator) -> None:
    departments = sim.runai.departments(_admin(sim))
    assert departments
    for department in departments:
        children = [(pid, sim.runai.state.projects[pid].name) for pid in department.project_ids]
        body = wire.department_json(
            department,
            _pool_ids(sim),
            sim.runai.cluster.uuid,
            created_at=sim.clock.start,
            children=children,
            detailed=True,
        )
        assert wire.parse_department(body) == department


def test_nodes_round_trip_with_a_cordon(sim: Simulator) -> None:
    nodes = sim.runai.nodes()
    cordoned = dataclasses.replace(nodes[0], unschedulable=True)
    for node in [*nodes, cordoned]:
        body = wire.node_json(node, f"id-{node.name}", sim.runai.cluster.uuid, sim.clock.now())
        telemetry = {
            "ALLOCATED_GPUS": {node.name: node.allocated_gpus},
            "TOTAL_CPU_CORES": {node.name: node.cpu_millicores / 1000},
            "ALLOCATED_CPU_CORES": {node.name: node.allocated_cpu_millicores / 1000},
            "TOTAL_CPU_MEMORY_BYTES": {node.name: node.memory_bytes},
            "ALLOCATED_CPU_MEMORY_BYTES": {node.name: node.allocated_memory_bytes},
        }
        assert wire.parse_node(body, telemetry) == node
    assert wire.CORDON_TAINT in wire.node_json(cordoned, "x", "c", sim.clock.now())["taints"]


def test_node_pools_round_trip(sim: Simulator) -> None:
    nodes = sim.runai.nodes()
    raw_nodes = [wire.node_json(node, node.name, sim.runai.cluster.uuid, sim.clock.now()) for node in nodes]
    for pool in sim.runai.node_pools():
        body = wire.node_pool_json(pool, sim.runai.cluster_info(), sim.clock.start)
        assert wire.parse_node_pool(body, raw_nodes, {pool.name: pool.allocated_gpus}) == pool


def test_pods_and_events_round_trip(sim: Simulator) -> None:
    actor = _admin(sim)
    checked = 0
    for listed in sim.runai.workloads(actor):
        workload = sim.runai.workload(actor, listed.id)
        namespace = sim.runai.state.projects[workload.project_id].namespace
        for pod in workload.pods:
            body = wire.pod_json(pod, "pod-id", workload, sim.runai.cluster.uuid)
            assert wire.parse_pod(body) == as_runai_tells_it(pod)
            checked += 1
        for event in sim.runai.workload_events(actor, workload.id):
            body = wire.event_json(event, "event-id", workload, namespace, sim.runai.cluster.uuid)
            assert wire.parse_event(body) == event
            checked += 1
    assert checked > 40


def test_workloads_round_trip(sim: Simulator) -> None:
    """The face answers with the simulator's `describe_workload`, and a workload's nodes with its pods;
    the live decoder reads the same workloads back."""
    actor = _admin(sim)
    listed = sim.runai.workloads(actor)
    bodies = [sim.runai.describe_workload(actor, workload.id) for workload in listed]
    pods = [
        wire.pod_json(pod, "pod-id", detail, sim.runai.cluster.uuid)
        for detail in (sim.runai.workload(actor, workload.id) for workload in listed)
        for pod in detail.pods
    ]
    assert len(listed) > 40 and any(workload.node_names for workload in listed)
    assert wire.parse_workloads(bodies, pods) == listed


@pytest.mark.parametrize(
    "request_",
    [GpuRequest.whole(0), GpuRequest.whole(8), GpuRequest.fraction(0.25), GpuRequest.memory(20480)],
    ids=["cpu-only", "whole", "portion", "memory"],
)
def test_workload_encoder_round_trips_every_request_kind(sim: Simulator, request_: GpuRequest) -> None:
    """`wire.workload_json` is the one writer of the workload object: each GPU request shape, distributed
    or not, reads back as the same domain workload (nodes come from pods, so none here)."""
    facts = wire.WorkloadFacts(
        cluster_id="c",
        namespace="runai-p",
        department_id=None,
        priority=50,
        updated_at=sim.clock.now(),
        allocated_gpu_memory_mib=0,
        allocated_cpu_cores=1.5,
        allocated_cpu_memory_bytes=2**30,
        run_seconds=60,
        pending_seconds=5,
    )
    for workload in sim.runai.workloads(_admin(sim))[:12]:
        shaped = dataclasses.replace(workload, gpu_request=request_, node_names=())
        assert wire.parse_workload(wire.workload_json(shaped, facts)) == shaped


def test_cluster_round_trip(sim: Simulator) -> None:
    info = sim.runai.cluster_info()
    assert wire.parse_cluster(wire.cluster_json(info, sim.clock.start, sim.clock.now())) == info


_gpus = st.floats(min_value=0, max_value=512, allow_nan=False).map(lambda value: round(value, 2))
_quotas = st.lists(
    st.builds(
        PoolQuota,
        node_pool=st.sampled_from(["default", "a100", "h100"]),
        deserved_gpus=_gpus,
        limit_gpus=st.one_of(st.just(-1.0), _gpus),
        over_quota_weight=st.integers(0, 10).map(float),
    ),
    max_size=3,
    unique_by=lambda quota: quota.node_pool,
)


@given(_quotas)
def test_quota_bodies_round_trip(quotas: list[PoolQuota]) -> None:
    """`resources_body` (what the client sends) read by `quotas_from_body` (what the face reads) and the
    face's `resources_json` read by the client's `parse_quotas` give the quotas back."""
    ids = {"default": "1", "a100": "2", "h100": "3"}
    names = {pool_id: name for name, pool_id in ids.items()}
    assert wire.quotas_from_body(wire.resources_body(quotas, ids), (), names, replace=False) == quotas
    statuses = wire.quota_statuses(quotas, ids)["nodePoolQuotaStatuses"]
    assert list(wire.parse_quotas(wire.resources_json(quotas, ids), statuses, "project")) == quotas


def test_null_limit_is_unlimited_both_ways() -> None:
    """[UNSURE] reference §3.3, made once: a null limit is no limit, read so by both sides."""
    body = [{"nodePool": {"id": "1", "name": "default"}, "gpu": {"deserved": 1, "limit": None}}]
    (quota,) = wire.quotas_from_body(body, (), {"1": "default"}, replace=False)
    assert quota.is_unlimited and wire.limit_from_wire(None) == quota.limit_gpus


_requests = st.one_of(
    st.integers(0, 8).map(GpuRequest.whole),
    st.sampled_from([0.1, 0.25, 0.5, 0.75]).map(GpuRequest.fraction),
    st.integers(1, 81920).map(GpuRequest.memory),
)
_text = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=12)


@given(
    name=_text,
    kind=st.sampled_from(list(WorkloadType)),
    image=_text,
    request=_requests,
    command=st.one_of(st.just(""), _text),
    pools=st.lists(_text, max_size=2).map(tuple),
    preemptible=st.sampled_from([None, True, False]),
    workers=st.integers(1, 8),
    volumes=st.lists(
        st.builds(VolumeSpec, _text, _text.map(lambda name: f"/mnt/{name}"), st.booleans()), max_size=3
    ).map(tuple),
)
def test_submission_round_trips(
    name: str,
    kind: WorkloadType,
    image: str,
    request: GpuRequest,
    command: str,
    pools: tuple[str, ...],
    preemptible: bool | None,
    workers: int,
    volumes: tuple[VolumeSpec, ...],
) -> None:
    spec = WorkloadSpec(
        name=name,
        project_name="team-a",
        type=kind,
        image=image,
        gpu_request=request,
        command=command,
        node_pools=pools,
        preemptible=preemptible,
        workers=workers if kind is WorkloadType.DISTRIBUTED else 1,
        volumes=volumes,
    )
    body = wire.submission_body(spec, "7", "cluster-uuid")
    assert wire.spec_from_body(body, wire.KIND_SEGMENTS[wire.SEGMENTS[kind]], "team-a") == spec


def test_refused_compute_names_its_path() -> None:
    with pytest.raises(Invalid) as refused:
        wire.gpu_request_from_compute({"gpuRequestType": "memory", "gpuMemoryRequest": "1..2"})
    assert refused.value.field == "spec.compute.gpuMemoryRequest"
    assert wire.form_field(refused.value.field) == "gpu"
    assert wire.SUBMISSION_FIELDS["gpu"] == "spec.compute"


def test_claims_a_workload_mounts_go_as_existing_pvcs() -> None:
    """`spec.storage.pvc[]` (schemas `Pvc`, `PvcFieldsNonUpdatable`): an existing claim, where, and whether
    read-only; no `claimInfo`, so Run:ai makes nothing."""
    spec = WorkloadSpec(
        "burst-resume",
        "team-a",
        WorkloadType.TRAINING,
        "img",
        GpuRequest.whole(1),
        volumes=(VolumeSpec("burst-data", "/data"), VolumeSpec("datasets", "/datasets", read_only=True)),
    )
    body = wire.submission_body(spec, "7", "cluster-uuid")
    assert body["spec"]["storage"] == {
        "pvc": [
            {"claimName": "burst-data", "path": "/data", "readOnly": False, "existingPvc": True},
            {"claimName": "datasets", "path": "/datasets", "readOnly": True, "existingPvc": True},
        ]
    }
    assert "storage" not in wire.submission_body(dataclasses.replace(spec, volumes=()), "7", "c")["spec"]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"path": "/data", "existingPvc": True}, "spec.storage.pvc[0].claimName"),
        ({"claimName": "c", "existingPvc": True}, "spec.storage.pvc[0].path"),
        ({"claimName": "c", "path": "data", "existingPvc": True}, "spec.storage.pvc[0].path"),
        ({"claimName": "c", "path": "/data"}, "spec.storage.pvc[0].existingPvc"),
        (
            {"claimName": "c", "path": "/data", "existingPvc": True, "readOnly": "yes"},
            "spec.storage.pvc[0].readOnly",
        ),
        ("c", "spec.storage.pvc[0]"),
    ],
)
def test_a_refused_pvc_names_its_path(entry: object, field: str) -> None:
    body = {"name": "w", "spec": {"image": "img", "storage": {"pvc": [entry]}}}
    with pytest.raises(Invalid) as refused:
        wire.spec_from_body(body, WorkloadType.TRAINING, "team-a")
    assert refused.value.field == field
    assert wire.form_field(field) == "volumes"


def test_an_answers_claims_are_read_leniently_and_bounded() -> None:
    """A typed GET's `spec.storage.pvc[]`: good entries kept, odd ones (no name, relative path, not an
    object, a name too long) left out without dropping the rest; junk around them is no claims."""
    from console.wire.runai import volumes_in_answer
    from console.wire.runai.submissions import MAX_ANSWER_VOLUMES

    good = {"claimName": "data", "path": "/data", "readOnly": True, "existingPvc": True}
    odd = [{"path": "/x"}, {"claimName": "rel", "path": "x"}, "pvc", {"claimName": "n" * 64, "path": "/y"}]
    answer = {"spec": {"storage": {"pvc": [good, *odd, {"claimName": "out", "path": "/out"}]}}}
    assert [(v.claim, v.mount_path, v.read_only) for v in volumes_in_answer(answer)] == [
        ("data", "/data", True),
        ("out", "/out", False),
    ]
    for junk in (None, [], {"spec": []}, {"spec": {"storage": {"pvc": {}}}}, {"spec": {"storage": None}}):
        assert volumes_in_answer(junk) == ()
    many = {"spec": {"storage": {"pvc": [good] * (MAX_ANSWER_VOLUMES * 4)}}}
    assert len(volumes_in_answer(many)) == MAX_ANSWER_VOLUMES
