"""Roles: admins see and change everything; researchers see their projects and act on their own work."""

from __future__ import annotations

import pytest
from runai_tiny import ADMIN, Tiny, quota

from console.data.errors import Forbidden
from console.model import Identity, Role, WorkloadFilter

ALICE, BOB = "alice@acme.ai", "bob@acme.ai"


@pytest.fixture
def shared(tiny: Tiny) -> Tiny:
    """Alice and Bob share `vision`; only Bob is in `speech`."""
    tiny.pool("h100", nodes=1, gpus=8)
    tiny.project("vision", quota("h100", 4), members=[ALICE, BOB])
    tiny.project("speech", quota("h100", 4), members=[BOB])
    bob = tiny.sim.identity_for(BOB, Role.RESEARCHER)
    tiny.submit("alice-train", "vision", 1, actor=tiny.sim.identity_for(ALICE, Role.RESEARCHER))
    tiny.submit("bob-train", "vision", 1, actor=bob)
    tiny.submit("bob-asr", "speech", 1, actor=bob)
    tiny.advance(3)
    return tiny


def test_identity_for_gives_a_researcher_the_projects_they_are_a_member_of(shared: Tiny) -> None:
    assert shared.sim.identity_for(ALICE, Role.RESEARCHER).project_names == ("vision",)
    assert shared.sim.identity_for(BOB, Role.RESEARCHER).project_names == ("vision", "speech")
    assert shared.sim.identity_for(None, Role.RESEARCHER).user == ALICE
    admin = shared.sim.identity_for(None, Role.ADMIN)
    assert admin.user == "admin@acme.ai" and admin.is_admin
    stranger = shared.sim.identity_for("mallory@acme.ai", Role.RESEARCHER)
    assert stranger.project_names == ()
    assert shared.sim.workloads(stranger) == [] and shared.sim.projects(stranger) == []


def test_a_researcher_sees_only_their_projects_workloads(shared: Tiny) -> None:
    alice = shared.sim.identity_for(ALICE, Role.RESEARCHER)

    assert sorted(w.name for w in shared.sim.workloads(alice)) == ["alice-train", "bob-train"]
    assert [p.name for p in shared.sim.projects(alice)] == ["vision"]
    assert [d.name for d in shared.sim.departments(alice)] == ["research"]
    assert len(shared.sim.workloads(ADMIN)) == 3
    mine = shared.sim.workloads(alice, WorkloadFilter(submitted_by=ALICE))
    assert [w.name for w in mine] == ["alice-train"]
    asr = shared.workload("bob-asr", "speech")
    with pytest.raises(Forbidden):
        shared.sim.workload(alice, asr.id)
    with pytest.raises(Forbidden):
        shared.sim.workload_logs(alice, asr.id)


def test_a_researcher_is_forbidden_to_act_on_someone_elses_workload(shared: Tiny) -> None:
    alice = shared.sim.identity_for(ALICE, Role.RESEARCHER)
    bobs = shared.workload("bob-train", "vision")

    for action in (shared.sim.suspend_workload, shared.sim.delete_workload, shared.sim.resume_workload):
        with pytest.raises(Forbidden, match="submitted by bob@acme.ai") as refused:
            action(alice, bobs.id)
        assert refused.value.status == 403
    shared.sim.suspend_workload(alice, shared.workload("alice-train", "vision").id)  # her own: fine
    shared.sim.suspend_workload(ADMIN, bobs.id)  # an admin may act on anyone's


def test_a_researcher_cannot_submit_into_a_project_they_are_not_a_member_of(shared: Tiny) -> None:
    alice = shared.sim.identity_for(ALICE, Role.RESEARCHER)
    with pytest.raises(Forbidden, match="not a member of project speech"):
        shared.submit("sneaky", "speech", 1, actor=alice)


def test_project_and_department_changes_require_an_administrator(shared: Tiny) -> None:
    alice = shared.sim.identity_for(ALICE, Role.RESEARCHER)
    vision = shared.sim.project_id("vision")
    department = shared.sim.projects(ADMIN)[0].department_id
    attempts = (
        lambda: shared.sim.create_project(alice, "new-team", department, [quota("h100", 1)]),
        lambda: shared.sim.update_project_quotas(alice, vision, [quota("h100", 8)]),
        lambda: shared.sim.delete_project(alice, vision),
        lambda: shared.sim.update_department_quotas(alice, department, [quota("h100", 8)]),
    )
    for attempt in attempts:
        with pytest.raises(Forbidden, match="requires an administrator"):
            attempt()


def test_an_identity_built_by_hand_with_project_claims_sees_those_projects(shared: Tiny) -> None:
    claimed = Identity(user="carol@acme.ai", role=Role.RESEARCHER, project_names=("speech",))
    assert [w.name for w in shared.sim.workloads(claimed)] == ["bob-asr"]
