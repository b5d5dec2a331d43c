"""Access rules of the Run:ai simulator: who the caller is, what they may see and do, and the lookups that
answer 404, each raising the `console.data.errors` exception the real control plane answers with.

Kept apart from the queries and actions so that one rule (a researcher sees the projects listing them as
a member, acts only on their own workloads) is written once and every query and action applies it the
same way (as `weka_rules` does for the WEKA half).
"""

from __future__ import annotations

from collections.abc import Iterable

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model.identity import Identity, Role
from console.model.names import is_dns1123_label
from console.sim.runai_state import (
    ClusterState,
    DepartmentState,
    NodeState,
    ProjectState,
    WorkloadState,
)

DEFAULT_ADMIN = "admin@acme.ai"
DEFAULT_RESEARCHER = "alice@acme.ai"
SERVICE = "runai"


# ================================================================================================
# refusals
# ================================================================================================
def forbidden(message: str) -> Forbidden:
    return Forbidden(message, status=403, service=SERVICE)


def not_found(message: str) -> NotFound:
    return NotFound(message, status=404, service=SERVICE)


def conflict(message: str) -> Conflict:
    return Conflict(message, status=409, service=SERVICE)


def invalid(message: str, field: str) -> Invalid:
    return Invalid(message, field=field, status=400, service=SERVICE)


def check_name(name: str, what: str) -> None:
    """Refuse names Kubernetes would refuse, saying what is allowed (field `name`)."""
    if not is_dns1123_label(name):
        raise invalid(
            f"{what} name {name!r} is not valid: use at most 63 lower-case letters, digits and '-', "
            "starting and ending with a letter or digit",
            "name",
        )


# ================================================================================================
# identity and visibility
# ================================================================================================
def identity_for(projects: Iterable[ProjectState], user: str | None, role: Role) -> Identity:
    """Who the console acts as; a researcher's projects are the projects listing them as a member."""
    if role is Role.ADMIN:
        return Identity(user=user or DEFAULT_ADMIN, role=Role.ADMIN)
    name = user or DEFAULT_RESEARCHER
    names = tuple(project.name for project in projects if name in project.members)
    return Identity(user=name, role=Role.RESEARCHER, project_names=names)


def visible_project_ids(state: ClusterState, actor: Identity) -> set[str] | None:
    """None for "everything" (admins); the server's membership decides, plus the identity's claims."""
    if actor.is_admin:
        return None
    claimed = set(actor.project_names)
    return {
        project.id
        for project in state.projects.values()
        if actor.user in project.members or project.name in claimed
    }


def require_admin(actor: Identity, what: str) -> None:
    if not actor.is_admin:
        raise forbidden(f"{what} requires an administrator; {actor.user} is a researcher.")


def require_visible(state: ClusterState, actor: Identity, workload: WorkloadState) -> None:
    visible = visible_project_ids(state, actor)
    if visible is not None and workload.project_id not in visible:
        raise forbidden(
            f"You do not have sufficient permissions: {actor.user} is not a member of this project."
        )


def require_owner(state: ClusterState, actor: Identity, workload: WorkloadState, what: str) -> None:
    """Researchers act only on workloads they submitted, in projects they belong to; admins on any."""
    require_visible(state, actor, workload)
    if not actor.is_admin and workload.submitted_by != actor.user:
        raise forbidden(
            f"Cannot {what} {workload.name}: it was submitted by {workload.submitted_by}, "
            "and researchers "
            "may act only on their own workloads."
        )


# ================================================================================================
# lookups (404 as the API answers; scenario mistakes are ValueError)
# ================================================================================================
def workload_state(state: ClusterState, workload_id: str) -> WorkloadState:
    workload = state.workloads.get(workload_id)
    if workload is None:
        raise not_found(f"Workload {workload_id} not found.")
    return workload


def project_state(state: ClusterState, project_id: str) -> ProjectState:
    project = state.projects.get(project_id)
    if project is None:
        raise not_found(f"Project {project_id} not found.")
    return project


def project_by_name(state: ClusterState, name: str) -> ProjectState | None:
    project_id = state.project_names.get(name)
    return state.projects.get(project_id) if project_id is not None else None


def department_by_id_or_name(state: ClusterState, key: str) -> DepartmentState:
    departments = state.departments
    found = departments.get(key) or next((d for d in departments.values() if d.name == key), None)
    if found is None:
        raise ValueError(f"unknown department {key!r}")
    return found


def node_state(state: ClusterState, name: str) -> NodeState:
    node = state.nodes.get(name)
    if node is None:
        raise not_found(f"Node {name} not found.")
    return node
