"""What the API refuses, and how: Invalid with the field, Conflict with the API's words, NotFound."""

from __future__ import annotations

import pytest
from runai_tiny import ADMIN, Tiny, quota

from console.data.errors import Conflict, Invalid, NotFound
from console.model import GpuRequest, PoolQuota, WorkloadSpec, WorkloadType


@pytest.fixture
def team(tiny: Tiny) -> Tiny:
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("team-a", quota("h100", 4))
    return tiny


@pytest.mark.parametrize(
    "name", ["Upper", "under_score", "-leading", "trailing-", "", "x" * 64, "dots.here", "newline\n"]
)
def test_names_must_be_dns_labels(team: Tiny, name: str) -> None:
    with pytest.raises(Invalid) as refused:
        team.submit(name, "team-a", 1)
    assert refused.value.field == "name"
    department = team.sim.projects(ADMIN)[0].department_id
    with pytest.raises(Invalid) as refused:
        team.sim.create_project(ADMIN, name, department, [])
    assert refused.value.field == "name"


def test_a_63_character_name_is_fine(team: Tiny) -> None:
    team.submit("a" * 63, "team-a", 1)


def test_a_duplicate_project_name_is_a_conflict_in_the_apis_words(team: Tiny) -> None:
    department = team.sim.projects(ADMIN)[0].department_id
    with pytest.raises(Conflict) as refused:
        team.sim.create_project(ADMIN, "team-a", department, [])
    assert refused.value.message == "Resource with this name already exists"
    assert refused.value.status == 409


def test_a_duplicate_workload_name_in_a_project_is_a_conflict(team: Tiny) -> None:
    team.submit("train", "team-a", 1)
    with pytest.raises(Conflict, match="already exists"):
        team.submit("train", "team-a", 1)


@pytest.mark.parametrize("portion", [0.0, 1.0, 1.5, -0.25])
def test_a_gpu_fraction_must_lie_strictly_between_zero_and_one(team: Tiny, portion: float) -> None:
    with pytest.raises(Invalid) as refused:
        team.submit("frac", "team-a", GpuRequest.fraction(portion))
    assert refused.value.field == "gpu"


def test_gpu_memory_must_exist_on_some_gpu(team: Tiny) -> None:
    with pytest.raises(Invalid) as refused:
        team.submit("huge", "team-a", GpuRequest.memory(200_000))
    assert refused.value.field == "gpu"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (PoolQuota("h100", -1.0), "deserved_gpus"),
        (PoolQuota("h100", 2.0, limit_gpus=-3.0), "limit_gpus"),
        (PoolQuota("h100", 4.0, limit_gpus=2.0), "limit_gpus"),
        (PoolQuota("h100", 1.0, over_quota_weight=-1.0), "over_quota_weight"),
        (PoolQuota("no-such-pool", 1.0), "node_pool"),
    ],
)
def test_quotas_are_validated(team: Tiny, bad: PoolQuota, field: str) -> None:
    project_id = team.sim.project_id("team-a")
    with pytest.raises(Invalid) as refused:
        team.sim.update_project_quotas(ADMIN, project_id, [bad])
    assert refused.value.field == field
    department = team.sim.projects(ADMIN)[0].department_id
    with pytest.raises(Invalid):
        team.sim.update_department_quotas(ADMIN, department, [bad])


def test_an_unknown_node_pool_in_a_submission_is_invalid(team: Tiny) -> None:
    with pytest.raises(Invalid) as refused:
        team.submit("lost", "team-a", 1, pools=["tpu"])
    assert refused.value.field == "node_pools"


def test_workers_and_project_are_checked(team: Tiny) -> None:
    with pytest.raises(Invalid) as refused:
        team.submit("solo", "team-a", 1, workers=2)  # only distributed workloads have workers
    assert refused.value.field == "workers"
    with pytest.raises(Invalid) as refused:
        team.submit("orphan", "no-such-project", 1)
    assert refused.value.field == "project_name"
    spec = WorkloadSpec("no-image", "team-a", WorkloadType.TRAINING, " ", GpuRequest.whole(1))
    with pytest.raises(Invalid) as refused:
        team.sim.submit_workload(ADMIN, spec)
    assert refused.value.field == "image"


def test_unknown_ids_are_not_found(team: Tiny) -> None:
    with pytest.raises(NotFound):
        team.sim.workload(ADMIN, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        team.sim.suspend_workload(ADMIN, "nope")
    with pytest.raises(NotFound):
        team.sim.delete_project(ADMIN, "999")
    with pytest.raises(NotFound):
        team.sim.workload_by_name(ADMIN, "team-a", "ghost")


def test_creating_and_deleting_a_project(team: Tiny) -> None:
    department = team.sim.projects(ADMIN)[0].department_id
    created = team.sim.create_project(ADMIN, "new-team", department, [quota("h100", 2, limit=4)])
    assert created.name == "new-team" and created.namespace == "runai-new-team"
    assert created.quota_for("h100").deserved_gpus == 2 and created.quota_for("h100").limit_gpus == 4
    team.submit("job", "new-team", 1)
    team.advance(3)

    team.sim.delete_project(ADMIN, created.id)
    assert [p.phase.value for p in team.sim.projects(ADMIN) if p.name == "new-team"] == ["Deleting"]
    team.advance(4)
    assert all(p.name != "new-team" for p in team.sim.projects(ADMIN))
    assert all(w.project_name != "new-team" for w in team.sim.workloads(ADMIN))
