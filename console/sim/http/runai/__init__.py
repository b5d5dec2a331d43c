"""The Run:ai control plane's REST API (`/api/v1`) over the simulator, in the real wire formats.

The live Run:ai client is tested against this face, and the conformance test validates every body it
serves against the real OpenAPI spec (reference/openapi/runai), so the face must say only what the real
API says. Where the real API has no field for something the domain shows (per-node allocated GPUs, a
project's running/pending workload counts, the node names of a listed workload), the face serves what the
real API has instead (telemetry, pods) and the client computes the rest (reference/runai.md §5.2).

What is served (reference/runai.md §1-7):

- `POST /api/v1/token` — `grantType` `client_credentials` with `clientId`/`clientID` (any case) and
  `clientSecret`; a JWT-shaped `accessToken` (HS256, `exp`, `email` = the acting user) valid for
  `token_lifetime_seconds` (300 by default, so clients must refresh); 401 `{code, message}` otherwise.
- clusters (bare array), departments (+ GET one, PUT/PATCH resources), projects (list, count, GET, POST 201,
  PUT, DELETE 202, PUT/PATCH resources), node pools, nodes, node and workload telemetry, workloads (list,
  count, GET, pods, events, all pods), submissions (trainings, workspaces, distributed, inferences: 202),
  suspend/resume (202), delete (202), and `GET /api/v1/authorization/me/access-rules`.
- Lists: `offset`, `limit` (1-500, default 50), `next` (only while there is a next page), `filterBy`
  (comma-joined terms, the eight operators; a field this face does not filter on is a 400), `sortBy`,
  `sortOrder`, `search` (case-insensitive substring of the name).

Every request but the token request needs `Authorization: Bearer <token>`; the token's credential decides
the acting user and role (`AppCredential`), and the simulator decides what that user may see and do. The
simulator's `console.data` errors become the real `{code, message}` bodies: Invalid 400, Unauthorized 401,
Forbidden 403, NotFound 404, Conflict 409 (submissions add `complianceIssues` naming the field).

`version="2.18"` answers as a 2.18 control plane does (its spec, reference/openapi/runai/…-2.18-…):
the token request takes only 2.18's grants (`app_token` with `appID`/`appSecret`; anything else is a 400
"Required parameter is missing") and its answer has no `expiresIn`; there is no `/api/v1/nodes`,
`/api/v1/node-pools` or `/api/v1/authorization/me/access-rules` (404) but `GET
/api/v1/clusters/{uuid}/nodes`, the legacy `GET /v1/k8s/clusters/{uuid}/node-pools` (`NodePool1`: numeric
id, the phase in a string `status`, `nodes` as a JSON string) and `GET /api/v1/authorization/access-rules`
(every subject's rules, administrators only); node telemetry knows only 2.18's types, workload telemetry
ignores `filterByPhases` and has no `Category` group, distributed workloads cannot be suspended or resumed,
and workloads and nodes lack the fields added since. `console.backends.live.runai_versions` is the
client's side of the same differences.

Bodies are written by `console.wire.runai`, where the wire's unsure choices are made once ([UNSURE]); the
ones marked here are about serving (paging, filtering, routes).
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from console.data.errors import BackendError, Invalid, Unauthorized
from console.model.identity import Identity, Role
from console.model.runai import (
    Department,
    Node,
    NodePool,
    PoolQuota,
    Project,
    Workload,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.http.runai.auth import TOKEN_LIFETIME_SECONDS, AppCredential, Tokens
from console.sim.http.runai.listing import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Getter,
    int_param,
    page,
    paged,
    query_list,
    terms,
)
from console.sim.runai_state import PRIORITY_CLASS_VALUES
from console.sim.runai_views import pod_views
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.common import parse_rfc3339, status_of_error
from console.wire.runai import CATEGORY, KIND_SEGMENTS, SUBMISSION_FIELDS, TENANT_ID, iso

SERVICE = "runai"
DEFAULT_OVER_QUOTA_WEIGHT = PoolQuota("", 0.0).over_quota_weight
"""What a `null` over-quota weight means: the weight a quota has when nobody set one."""
ACCEPTED = {"code": 202, "message": "Request has been accepted."}

LATEST = "latest"
V2_18 = "2.18"
VERSIONS = (V2_18, LATEST)
"""Control planes this face can answer as (`RunaiFace(version=...)`)."""
CLUSTER_VERSION_2_18 = "2.18.56"
NODE_TELEMETRY_2_18 = frozenset({"READY_GPU_NODES", "READY_GPUS", "TOTAL_GPU_NODES", "TOTAL_GPUS"})
"""The node telemetry types of the 2.18 spec this face computes (2.18 also lists FREE_GPUS)."""
WORKLOAD_FIELDS_SINCE_2_18 = (
    "aiApplicationId",
    "aiApplicationName",
    "arguments",
    "category",
    "command",
    "environmentVariables",
    "guaranteedRuntimeEndsAt",
    "idleAllocatedGpus",
    "idleGpus",
    "phaseReason",
    "priority",
    "sourceApi",
    "topology",
    "totalPendingTimeSeconds",
    "totalRunningTimeSeconds",
)
"""`Workload` properties of the latest spec that the 2.18 spec does not have."""
NODE_FIELDS_SINCE_2_18 = ("id", "nvLinkDomainUid", "nvLinkCliqueId")
FACE_NAMESPACE = uuid.UUID("6f1c1d7e-4b0b-4a51-9d43-8c7f3f1f6a10")
"""Seeds uuid5 ids for things the simulator does not give a UUID (pods, events, nodes)."""

NODE_GROUP_KEYS = {"clusterid": "ClusterId", "nodepool": "Nodepool", "node": "Node"}
WORKLOAD_GROUP_KEYS = {
    "clusterid": "ClusterId",
    "departmentid": "DepartmentId",
    "projectid": "ProjectId",
    "type": "Type",
    "currentnodepools": "CurrentNodepools",
    "phase": "Phase",
    "category": "Category",
}
# [UNSURE] the spec's telemetry example shows a group `{key: "department", value: "1", name: "department-A"}`
# without saying how keys are spelled; this face answers each group with the `groupBy` name as sent in the
# spec's enum (e.g. "Node"), the id (or name, for nodes and node pools) as `value`, and a display `name`.


runai_error_body = wire.error_body


def serve_runai(
    host: SimulatorHost, credentials: Mapping[str, AppCredential], *, port: int = 0, **options: Any
) -> SimHttpServer:
    """A started-ready (not yet started) server for the Run:ai face; `options` go to `RunaiFace`."""
    face = RunaiFace(host, credentials, **options)
    server = SimHttpServer("runai", face.router, runai_error_body, port=port)
    server.runai_face = face  # type: ignore[attr-defined]  # tests reach the face (token control)
    return server


def build_runai_router(
    host: SimulatorHost, credentials: Mapping[str, AppCredential], **options: Any
) -> Router:
    """The Run:ai face's `Router` (what `SimHttpServer` serves); see `RunaiFace` for the options."""
    return RunaiFace(host, credentials, **options).router


# ====================================================================================================
# errors
# ====================================================================================================
def _http_error(error: BackendError, *, submission: bool = False) -> HttpError:
    field = error.field if isinstance(error, Invalid) else None
    field_path = SUBMISSION_FIELDS.get(field, field) if field is not None else None
    extra = wire.compliance_issues(error.message, field_path) if submission else {}
    return HttpError(status_of_error(error), error.message, extra=extra)


def _bad_request(message: str, field_path: str | None = None) -> HttpError:
    return HttpError(400, message, extra=wire.compliance_issues(message, field_path) or None)


def _expect(body: Any, key: str, kinds: type | tuple[type, ...], field_path: str, *, required: bool) -> Any:
    try:
        return wire.expect(body, key, kinds, field_path, required=required)
    except Invalid as error:
        raise _bad_request(error.message, error.field) from None


# ====================================================================================================
# wire values
# ====================================================================================================
def _face_uuid(*parts: str) -> str:
    return str(uuid.uuid5(FACE_NAMESPACE, "/".join(parts)))


# ====================================================================================================
# the face
# ====================================================================================================
class RunaiFace:
    """The simulator behind the Run:ai REST API; `router` is what a `SimHttpServer` serves."""

    def __init__(
        self,
        host: SimulatorHost,
        credentials: Mapping[str, AppCredential],
        *,
        token_lifetime_seconds: float = TOKEN_LIFETIME_SECONDS,
        wall_clock: Callable[[], float] = time.time,
        issuer: str = "https://runai-sim.local/auth/realms/runai",
        version: str = LATEST,
    ) -> None:
        if version not in VERSIONS:
            raise ValueError(f"Run:ai version {version!r} is not one this face serves: {', '.join(VERSIONS)}")
        self.version = version
        self.host = host
        self.credentials = {credential.client_id.lower(): credential for credential in credentials.values()}
        self.tokens = Tokens(token_lifetime_seconds, wall_clock)
        self.issuer = issuer
        self.router = Router()
        self._register()

    # -- token control for tests ----------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every token issued so far now fails with 401, as if it had expired."""
        self.tokens.expire_all()

    # -- plumbing ---------------------------------------------------------------------------------
    def _register(self) -> None:
        add = self.router.add
        add("POST", "/api/v1/token", self._token)
        routes: list[tuple[str, str, Callable[..., Response]]] = [
            ("GET", "/api/v1/clusters", self._clusters),
            ("GET", "/api/v1/clusters/{cluster_uuid}", self._cluster),
            ("GET", "/api/v1/authorization/me/access-rules", self._my_access_rules),
            ("GET", "/api/v1/org-unit/departments", self._departments),
            ("GET", "/api/v1/org-unit/departments/count", self._departments_count),
            ("GET", "/api/v1/org-unit/departments/{department_id}", self._department),
            ("PUT", "/api/v1/org-unit/departments/{department_id}/resources", self._put_department_resources),
            (
                "PATCH",
                "/api/v1/org-unit/departments/{department_id}/resources",
                self._patch_department_resources,
            ),
            ("GET", "/api/v1/org-unit/projects", self._projects),
            ("GET", "/api/v1/org-unit/projects/count", self._projects_count),
            ("POST", "/api/v1/org-unit/projects", self._create_project),
            ("GET", "/api/v1/org-unit/projects/{project_id}", self._project),
            ("PUT", "/api/v1/org-unit/projects/{project_id}", self._put_project),
            ("DELETE", "/api/v1/org-unit/projects/{project_id}", self._delete_project),
            ("PUT", "/api/v1/org-unit/projects/{project_id}/resources", self._put_project_resources),
            ("PATCH", "/api/v1/org-unit/projects/{project_id}/resources", self._patch_project_resources),
            ("GET", "/api/v1/node-pools", self._node_pools),
            ("GET", "/api/v1/nodes", self._nodes),
            ("GET", "/api/v1/nodes/telemetry", self._node_telemetry),
            ("GET", "/api/v1/workloads", self._workloads),
            ("GET", "/api/v1/workloads/count", self._workloads_count),
            ("GET", "/api/v1/workloads/pods", self._all_pods),
            ("GET", "/api/v1/workloads/telemetry", self._workload_telemetry),
            ("GET", "/api/v1/workloads/{workload_id}", self._workload),
            ("GET", "/api/v1/workloads/{workload_id}/pods", self._workload_pods),
            ("GET", "/api/v1/workloads/{workload_id}/events", self._workload_events),
            ("GET", "/api/v1/workloads/{workload_id}/metrics", self._workload_metrics),
        ]
        if self.version == V2_18:
            since = {"/api/v1/nodes", "/api/v1/node-pools", "/api/v1/authorization/me/access-rules"}
            routes = [route for route in routes if route[1] not in since]
            routes += [
                ("GET", "/api/v1/clusters/{cluster_uuid}/nodes", self._cluster_nodes),
                ("GET", "/v1/k8s/clusters/{cluster_uuid}/node-pools", self._legacy_node_pools),
                ("GET", "/api/v1/authorization/access-rules", self._access_rules),
            ]
        for segment in KIND_SEGMENTS:
            base = f"/api/v1/workloads/{segment}"
            routes.append(("POST", base, self._submitter(segment)))
            routes.append(("DELETE", base + "/{workload_id}", self._action(segment, "delete")))
            if segment == "distributed" and self.version == V2_18:
                continue  # 2.18 has no suspend/resume of distributed workloads
            if segment != "inferences":
                routes.append(("POST", base + "/{workload_id}/suspend", self._action(segment, "suspend")))
                routes.append(("POST", base + "/{workload_id}/resume", self._action(segment, "resume")))
        for method, template, handler in routes:
            add(
                method,
                template,
                self._authenticated(handler, submission=template.endswith(tuple(KIND_SEGMENTS))),
            )

    def _authenticated(
        self, handler: Callable[..., Response], *, submission: bool
    ) -> Callable[[Request], Response]:
        """Check the bearer token, then run `handler(request, sim, actor)` under the simulator's lock."""

        def run(request: Request) -> Response:
            actor_credential = self._credential_of(request)
            try:
                with self.host.session() as sim:
                    actor = sim.runai.identity_for(actor_credential.user, actor_credential.role)
                    return handler(request, sim, actor)
            except BackendError as error:
                raise _http_error(error, submission=submission) from None

        return run

    def _credential_of(self, request: Request) -> AppCredential:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Issuer is not familiar.")
        try:
            client_id = self.tokens.check(token.strip())
        except Unauthorized as error:
            raise HttpError(401, error.message) from None
        credential = self.credentials.get(client_id.lower())
        if credential is None:
            raise HttpError(401, "Issuer is not familiar.")
        return credential

    @staticmethod
    def _settled(sim: Simulator) -> None:
        """After an action the scheduler runs at once, as the demo backend does (`Simulator.settle`)."""
        sim.settle()

    # -- auth ---------------------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        # reference §2.2 [CONFLICT]: clientID (spec), clientId (docs), AppId (runapy): any case matches.
        keys = {str(key).lower(): value for key, value in body.items()}
        if self.version == V2_18:
            return self._token_2_18(keys)
        grant = keys.get("granttype")
        if grant not in ("client_credentials", "app_token"):
            raise HttpError(400, f"Unsupported grantType {grant!r}; this server accepts client_credentials.")
        client_id = keys.get("clientid") or keys.get("appid")
        secret = keys.get("clientsecret") or keys.get("appsecret")
        if not isinstance(client_id, str) or not isinstance(secret, str):
            raise HttpError(400, "Required parameter is missing: clientId and clientSecret.")
        credential = self.credentials.get(client_id.lower())
        if credential is None or not hmac.compare_digest(credential.client_secret.encode(), secret.encode()):
            raise HttpError(401, "Invalid client credentials.")
        token, lifetime = self.tokens.issue(credential, self.issuer)
        return Response.json(200, {"accessToken": token, "idToken": token, "expiresIn": lifetime})

    def _token_2_18(self, keys: Mapping[str, Any]) -> Response:
        """2.18's token request: an application signs in with `app_token` and `appID`/`appSecret` (no
        `client_credentials`, no `clientSecret`); the answer carries no `expiresIn`."""
        client_id, secret = keys.get("appid"), keys.get("appsecret")
        if (
            keys.get("granttype") != "app_token"
            or not isinstance(client_id, str)
            or not isinstance(secret, str)
        ):
            raise HttpError(400, "Required parameter is missing")
        credential = self.credentials.get(client_id.lower())
        if credential is None or not hmac.compare_digest(credential.client_secret.encode(), secret.encode()):
            raise HttpError(401, "Invalid client credentials.")
        token, _ = self.tokens.issue(credential, self.issuer)
        return Response.json(200, {"accessToken": token, "idToken": token, "refreshToken": token})

    def _access_rules(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /api/v1/authorization/access-rules`: every subject's rules (one per credential this
        face knows), for administrators only; `{totalRecords, displayRecords, accessRules}` unwrapped."""
        if not actor.is_admin:
            raise HttpError(403, "You do not have sufficient permissions.")
        rules: list[dict[str, Any]] = []
        for credential in self.credentials.values():
            subject = sim.runai.identity_for(credential.user, credential.role)
            rules += self._rules_of(sim, subject, first_id=len(rules) + 1)
        chunk, _ = page(rules, request)
        return Response.json(
            200, {"totalRecords": len(rules), "displayRecords": len(chunk), "accessRules": list(chunk)}
        )

    def _my_access_rules(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """The caller's access rules: admins hold System administrator on the tenant, researchers a rule per
        project they are a member of (Run:ai's role names; the client reads the role from these)."""
        rules = self._rules_of(sim, actor, first_id=1 if actor.is_admin else 100)
        chunk, _ = page(rules, request)
        return Response.json(
            200,
            {
                "accessRules": {
                    "totalRecords": len(rules),
                    "displayRecords": len(chunk),
                    "accessRules": list(chunk),
                }
            },
        )

    @staticmethod
    def _rules_of(sim: Simulator, actor: Identity, *, first_id: int) -> list[dict[str, Any]]:
        created = iso(sim.clock.start)
        subject = {
            "subjectId": actor.user,
            "subjectType": "user",
            "tenantId": TENANT_ID,
            "createdAt": created,  # 2.18's access rules require their metadata (MetadataFields)
            "updatedAt": created,
            "createdBy": wire.CREATED_BY,
        }
        if actor.is_admin:
            return [
                {
                    **subject,
                    "id": first_id,
                    "roleId": 1,
                    "roleName": "System administrator",
                    "scopeId": str(TENANT_ID),
                    "scopeType": "tenant",
                    "scopeName": "runai",
                },
            ]
        names = {project.name: project.id for project in sim.runai.projects(actor)}
        return [
            {
                **subject,
                "id": first_id + index,
                "roleId": 5,
                "roleName": "L1 researcher",
                "scopeId": project_id,
                "scopeType": "project",
                "scopeName": name,
                "clusterId": sim.runai.cluster.uuid,
            }
            for index, (name, project_id) in enumerate(names.items())
        ]

    # -- clusters -------------------------------------------------------------------------------------
    def _cluster_json(self, sim: Simulator) -> dict[str, Any]:
        info = sim.runai.cluster_info()
        if self.version == V2_18:
            info = replace(info, version=CLUSTER_VERSION_2_18)
        return wire.cluster_json(info, sim.clock.start - timedelta(days=400), sim.clock.now())

    def _clusters(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(200, [self._cluster_json(sim)])

    def _cluster(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        if request.path_params["cluster_uuid"] != sim.runai.cluster.uuid:
            raise HttpError(404, "Resource id not found.")
        return Response.json(200, self._cluster_json(sim))

    # -- org units: JSON -----------------------------------------------------------------------------
    @staticmethod
    def _pool_ids(sim: Simulator) -> dict[str, str]:
        return {pool.name: pool.id for pool in sim.runai.node_pools()}

    def _project_json(self, sim: Simulator, project: Project, pool_ids: Mapping[str, str]) -> dict[str, Any]:
        body = wire.project_json(project, pool_ids, sim.runai.cluster.uuid)
        if self.version == V2_18:  # its project list requires a top-level `phase` (its `Project` has none)
            body["phase"] = project.phase.value
        return body

    def _department_json(
        self, sim: Simulator, department: Department, pool_ids: Mapping[str, str], *, detailed: bool
    ) -> dict[str, Any]:
        projects = sim.runai.state.projects
        return wire.department_json(
            department,
            pool_ids,
            sim.runai.cluster.uuid,
            created_at=sim.runai.state.departments[department.id].created_at,
            children=[(pid, projects[pid].name) for pid in department.project_ids if pid in projects],
            detailed=detailed,
        )

    # -- org units: getters for filterBy / sortBy ------------------------------------------------------
    def _project_getters(self, sim: Simulator) -> dict[str, Getter]:
        cluster = sim.runai.cluster.uuid
        return {
            "name": lambda p: p.name,
            "clusterId": lambda p: cluster,
            "departmentId": lambda p: p.department_id,
            "parentId": lambda p: p.department_id,
            "parentName": lambda p: p.department_name,
            "phase": lambda p: p.phase.value,
            "totalGpuQuota": lambda p: p.deserved_gpus,
            "gpuAllocated": lambda p: p.allocated_gpus,
            "createdAt": lambda p: p.created_at,
        }

    def _department_getters(self, sim: Simulator) -> dict[str, Getter]:
        cluster = sim.runai.cluster.uuid
        return {
            "name": lambda d: d.name,
            "clusterId": lambda d: cluster,
            "totalGpuQuota": lambda d: d.deserved_gpus,
            "gpuAllocated": lambda d: d.allocated_gpus,
            "createdAt": lambda d: sim.runai.state.departments[d.id].created_at,
        }

    # -- org units: handlers --------------------------------------------------------------------------
    def _departments(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(sim.runai.departments(actor), request, self._department_getters(sim))
        pool_ids = self._pool_ids(sim)
        return paged(
            "departments", items, request, lambda d: self._department_json(sim, d, pool_ids, detailed=False)
        )

    def _departments_count(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(
            sim.runai.departments(actor), request, self._department_getters(sim), sortable=False
        )
        return Response.json(200, {"count": len(items)})

    def _visible_department(self, sim: Simulator, actor: Identity, department_id: str) -> Department:
        found = next((d for d in sim.runai.departments(actor) if d.id == department_id), None)
        if found is not None:
            return found
        if department_id in sim.runai.state.departments:
            raise HttpError(403, "You do not have sufficient permissions.")
        raise HttpError(404, f"Department {department_id} not found.")

    def _department(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        department = self._visible_department(sim, actor, request.path_params["department_id"])
        return Response.json(200, self._department_json(sim, department, self._pool_ids(sim), detailed=True))

    def _department_resources(
        self, request: Request, sim: Simulator, actor: Identity, *, replace: bool
    ) -> Response:
        department_id = request.path_params["department_id"]
        existing = next((d for d in sim.runai.departments(_ADMIN) if d.id == department_id), None)
        if existing is None:
            raise HttpError(404, f"Department {department_id} not found.")
        quotas = self._quotas_from_body(sim, request.json(), existing.quotas, replace=replace)
        department = sim.runai.update_department_quotas(actor, department_id, quotas)
        self._settled(sim)
        return Response.json(200, wire.resources_json(department.quotas, self._pool_ids(sim)))

    def _put_department_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._department_resources(request, sim, actor, replace=True)

    def _patch_department_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._department_resources(request, sim, actor, replace=False)

    def _projects(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(
            sim.runai.projects(actor), request, self._project_getters(sim), search=lambda p: p.name
        )
        pool_ids = self._pool_ids(sim)
        return paged("projects", items, request, lambda p: self._project_json(sim, p, pool_ids))

    def _projects_count(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(
            sim.runai.projects(actor),
            request,
            self._project_getters(sim),
            search=lambda p: p.name,
            sortable=False,
        )
        return Response.json(200, {"count": len(items)})

    def _visible_project(self, sim: Simulator, actor: Identity, project_id: str) -> Project:
        found = next((p for p in sim.runai.projects(actor) if p.id == project_id), None)
        if found is not None:
            return found
        if project_id in sim.runai.state.projects:
            raise HttpError(403, "You do not have sufficient permissions.")
        raise HttpError(404, f"Project {project_id} not found.")

    def _project(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        project = self._visible_project(sim, actor, request.path_params["project_id"])
        return Response.json(200, self._project_json(sim, project, self._pool_ids(sim)))

    def _create_project(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        body = request.json()
        name = _expect(body, "name", str, "name", required=True)
        cluster_id = _expect(body, "clusterId", str, "clusterId", required=True)
        if cluster_id != sim.runai.cluster.uuid:
            raise HttpError(400, f"Cluster {cluster_id} does not exist.")
        parent_id = _expect(body, "parentId", str, "parentId", required=False) or ""
        quotas = self._quotas_from_body(sim, body.get("resources"), (), replace=False)
        project = sim.runai.create_project(actor, name, parent_id, quotas)
        self._settled(sim)
        return Response.json(201, self._project_json(sim, project, self._pool_ids(sim)))

    def _put_project(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """ProjectUpdateRequest: `resources` replace the quotas; name, cluster and parent cannot change."""
        project_id = request.path_params["project_id"]
        body = request.json()
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        existing = self._existing_project(sim, project_id)
        quotas = self._quotas_from_body(sim, body.get("resources"), existing.quotas, replace=True)
        project = sim.runai.update_project_quotas(actor, project_id, quotas)
        self._settled(sim)
        return Response.json(200, self._project_json(sim, project, self._pool_ids(sim)))

    def _existing_project(self, sim: Simulator, project_id: str) -> Project:
        existing = next((p for p in sim.runai.projects(_ADMIN) if p.id == project_id), None)
        if existing is None:
            raise HttpError(404, f"Project {project_id} not found.")
        return existing

    def _project_resources(
        self, request: Request, sim: Simulator, actor: Identity, *, replace: bool
    ) -> Response:
        project_id = request.path_params["project_id"]
        existing = self._existing_project(sim, project_id)
        quotas = self._quotas_from_body(sim, request.json(), existing.quotas, replace=replace)
        project = sim.runai.update_project_quotas(actor, project_id, quotas)
        self._settled(sim)
        return Response.json(200, wire.resources_json(project.quotas, self._pool_ids(sim)))

    def _put_project_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._project_resources(request, sim, actor, replace=True)

    def _patch_project_resources(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return self._project_resources(request, sim, actor, replace=False)

    def _delete_project(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        sim.runai.delete_project(actor, request.path_params["project_id"])
        self._settled(sim)
        return Response.json(202, ACCEPTED)

    def _quotas_from_body(
        self, sim: Simulator, items: Any, current: Sequence[PoolQuota], *, replace: bool
    ) -> list[PoolQuota]:
        """`Resources[]` as quotas for the simulator (`wire.quotas_from_body`)."""
        names_by_id = {pool.id: pool.name for pool in sim.runai.node_pools()}
        try:
            return wire.quotas_from_body(items, current, names_by_id, replace=replace)
        except Invalid as error:
            raise HttpError(400, error.message) from None

    # -- node pools and nodes -----------------------------------------------------------------------
    def _node_pool_json(self, sim: Simulator, pool: NodePool) -> dict[str, Any]:
        created_at = sim.runai.state.pools[pool.name].created_at
        return wire.node_pool_json(pool, sim.runai.cluster_info(), created_at)

    def _node_pools(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        cluster = sim.runai.cluster.uuid
        getters: dict[str, Getter] = {
            "name": lambda p: p.name,
            "clusterId": lambda p: cluster,
            "phase": lambda p: p.phase,
            "createdAt": lambda p: sim.runai.state.pools[p.name].created_at,
        }
        items = query_list(sim.runai.node_pools(), request, getters)
        # The spec's node-pool list has no `next`; it is paged like the others all the same.
        chunk, _ = page(items, request)
        return Response.json(200, {"nodepools": [self._node_pool_json(sim, pool) for pool in chunk]})

    def _node_json(self, sim: Simulator, node: Node) -> dict[str, Any]:
        updated_at = sim.runai.state.nodes[node.name].status_since
        body = wire.node_json(node, _face_uuid("node", node.name), sim.runai.cluster.uuid, updated_at)
        if self.version == V2_18:
            for key in NODE_FIELDS_SINCE_2_18:
                body.pop(key)
        return body

    def _nodes(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        cluster = sim.runai.cluster.uuid
        getters: dict[str, Getter] = {
            "name": lambda n: n.name,
            "status": lambda n: n.status.value,
            "nodePool": lambda n: n.node_pool,
            "gpuType": lambda n: n.gpu_model,
            "clusterUuid": lambda n: cluster,
        }
        items = query_list(sim.runai.nodes(), request, getters, search=lambda n: n.name)
        # The spec's `Nodes` has no `next` (reference §12.9): pages are cut all the same, the client
        # continues while a page comes back full.
        chunk, _ = page(items, request)
        return Response.json(200, {"nodes": [self._node_json(sim, node) for node in chunk]})

    def _cluster_nodes(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /api/v1/clusters/{uuid}/nodes`: every node of the cluster at once (`Nodes`)."""
        if request.path_params["cluster_uuid"] != sim.runai.cluster.uuid:
            raise HttpError(404, "Resource id not found.")
        wanted = request.param("nodeName")
        nodes = [node for node in sim.runai.nodes() if wanted in (None, "", node.name)]
        return Response.json(200, {"nodes": [self._node_json(sim, node) for node in nodes]})

    def _legacy_node_pools(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /v1/k8s/clusters/{uuid}/node-pools`: a bare array of `NodePool1`."""
        if request.path_params["cluster_uuid"] != sim.runai.cluster.uuid:
            raise HttpError(404, "Resource id not found.")
        pools = []
        for pool in sim.runai.node_pools():
            created = iso(sim.runai.state.pools[pool.name].created_at)
            pools.append(
                {
                    "id": int(pool.id) if pool.id.isdigit() else pool.id,
                    "name": pool.name,
                    "labelKey": pool.label_key,
                    "labelValue": pool.label_value,
                    "overProvisioningRatio": 1,
                    "placementStrategy": {"gpu": pool.placement_strategy, "cpu": pool.placement_strategy},
                    "clusterId": sim.runai.cluster.uuid,
                    "createdAt": created,
                    "updatedAt": created,
                    "status": pool.phase,
                    "statusMessage": "",
                    "nodes": json.dumps(list(pool.node_names)),
                    "createdBy": "admin@runai-sim.local",
                    "updatedBy": "admin@runai-sim.local",
                    "isDefault": pool.name == "default",
                }
            )
        return Response.json(200, pools)

    def _node_telemetry(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        kind = request.param("telemetryType")
        measures: dict[str, Callable[[Node], float]] = {
            "TOTAL_GPUS": lambda n: n.gpu_count,
            "READY_GPUS": lambda n: n.gpu_count if n.status.value == "Ready" else 0,
            "ALLOCATED_GPUS": lambda n: n.allocated_gpus,
            "TOTAL_GPU_NODES": lambda n: 1 if n.gpu_count else 0,
            "READY_GPU_NODES": lambda n: 1 if n.gpu_count and n.status.value == "Ready" else 0,
            "TOTAL_CPU_CORES": lambda n: n.cpu_millicores / 1000,
            "ALLOCATED_CPU_CORES": lambda n: n.allocated_cpu_millicores / 1000,
            "TOTAL_CPU_MEMORY_BYTES": lambda n: n.memory_bytes,
            "ALLOCATED_CPU_MEMORY_BYTES": lambda n: n.allocated_memory_bytes,
        }
        if self.version == V2_18:
            measures = {name: measure for name, measure in measures.items() if name in NODE_TELEMETRY_2_18}
        if kind not in measures:
            raise HttpError(
                400, f"telemetryType {kind!r} is not supported; supported: {', '.join(measures)}."
            )
        groups = self._group_by(request, NODE_GROUP_KEYS)
        nodes = sim.runai.nodes()
        cluster = sim.runai.cluster_info()
        wanted_cluster = request.param("clusterId")
        if wanted_cluster and wanted_cluster != cluster.uuid:
            nodes = []
        pool_name = request.param("nodepoolName")
        if pool_name:
            nodes = [node for node in nodes if node.node_pool == pool_name]

        def group_of(node: Node) -> tuple[tuple[str, str, str], ...]:
            parts = {
                "ClusterId": (cluster.uuid, cluster.name),
                "Nodepool": (node.node_pool, node.node_pool),
                "Node": (node.name, node.name),
            }
            return tuple((key, *parts[key]) for key in groups)

        return self._telemetry(sim, kind, nodes, group_of, measures[kind])

    @staticmethod
    def _group_by(request: Request, allowed: Mapping[str, str]) -> list[str]:
        groups = []
        for raw in terms(request, "groupBy"):
            key = allowed.get(raw.lower())
            if key is None:
                raise HttpError(400, f"groupBy {raw!r} is not one of {', '.join(allowed.values())}.")
            groups.append(key)
        if len(groups) > 2:
            raise HttpError(400, "groupBy takes at most two fields.")
        return groups

    @staticmethod
    def _telemetry(
        sim: Simulator,
        kind: str,
        items: Iterable[Any],
        group_of: Callable[[Any], tuple[tuple[str, str, str], ...]],
        measure: Callable[[Any], float],
    ) -> Response:
        totals: dict[tuple[tuple[str, str, str], ...], float] = {}
        for item in items:
            key = group_of(item)
            totals[key] = totals.get(key, 0.0) + measure(item)
        return Response.json(200, wire.telemetry_json(kind, sim.clock.now(), totals))

    # -- workloads: JSON ------------------------------------------------------------------------------
    def _workload_getters(self, sim: Simulator) -> dict[str, Getter]:
        cluster = sim.runai.cluster.uuid
        projects = sim.runai.state.projects
        return {
            "type": lambda w: w.type.value,
            "name": lambda w: w.name,
            "clusterId": lambda w: cluster,
            "projectId": lambda w: w.project_id,
            "projectName": lambda w: w.project_name,
            "departmentId": lambda w: (
                projects[w.project_id].department_id if w.project_id in projects else None
            ),
            "departmentName": lambda w: w.department_name,
            "createdAt": lambda w: w.created_at,
            "submittedBy": lambda w: w.submitted_by,
            "phase": lambda w: w.phase.value,
            "completedAt": lambda w: w.completed_at,
            # The node pool a workload runs in, or the ones it asks for while it runs nowhere (the demo's
            # WorkloadFilter.node_pool reads it the same way).
            "nodepool": lambda w: (w.current_node_pool,) if w.current_node_pool else w.requested_node_pools,
            "allocatedGPU": lambda w: w.allocated_gpus,
            "phaseUpdatedAt": lambda w: w.phase_updated_at,
            "category": lambda w: CATEGORY[w.type],
            "priorityClassName": lambda w: w.priority_class,
            "priority": lambda w: PRIORITY_CLASS_VALUES.get(w.priority_class, 0),
        }

    @staticmethod
    def _visible_workloads(sim: Simulator, actor: Identity, request: Request) -> list[Workload]:
        if (request.param("deleted") or "").lower() == "true":
            return []  # deleted workloads are gone from the simulator
        return sim.runai.workloads(actor)

    def _workload_json(
        self, sim: Simulator, actor: Identity, workload_id: str, *, detailed: bool
    ) -> dict[str, Any]:
        body = dict(sim.runai.describe_workload(actor, workload_id))
        if not detailed:
            body.pop("pendingSchedulingMessages", None)  # WorkloadDetailed only
        if self.version == V2_18:
            for key in WORKLOAD_FIELDS_SINCE_2_18:
                body.pop(key, None)
        return body

    def _pod_json(self, sim: Simulator, workload: Workload, pod: Any) -> dict[str, Any]:
        pod_id = _face_uuid("pod", workload.id, pod.name)
        return wire.pod_json(pod, pod_id, workload, sim.runai.cluster.uuid)

    def _event_json(self, sim: Simulator, workload: Workload, index: int, event: Any) -> dict[str, Any]:
        namespace = sim.runai.state.projects[workload.project_id].namespace
        event_id = _face_uuid("event", workload.id, str(index))
        return wire.event_json(event, event_id, workload, namespace, sim.runai.cluster.uuid)

    # -- workloads: handlers --------------------------------------------------------------------------
    def _workloads(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(
            self._visible_workloads(sim, actor, request),
            request,
            self._workload_getters(sim),
            search=lambda w: w.name,
        )
        return paged(
            "workloads", items, request, lambda w: self._workload_json(sim, actor, w.id, detailed=False)
        )

    def _workloads_count(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        items = query_list(
            self._visible_workloads(sim, actor, request),
            request,
            self._workload_getters(sim),
            search=lambda w: w.name,
            sortable=False,
        )
        return Response.json(200, {"count": len(items)})

    def _workload(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(
            200, self._workload_json(sim, actor, request.path_params["workload_id"], detailed=True)
        )

    def _workload_pods(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        workload = sim.runai.workload(actor, request.path_params["workload_id"])
        pods = [(workload, pod) for pod in workload.pods]
        pods = query_list(pods, request, {}, search=lambda pair: pair[1].name)
        return paged("pods", pods, request, lambda pair: self._pod_json(sim, *pair))

    def _all_pods(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """Every pod of every visible workload (`GET /api/v1/workloads/pods`), in workload order."""
        workloads = self._visible_workloads(sim, actor, request)
        cluster = sim.runai.cluster.uuid
        plain = (
            all(term == f"clusterId=={cluster}" for term in terms(request))
            and not request.param("search")
            and not request.param("sortBy")
            and (request.param("completed") or "").lower() not in ("true", "false")
        )
        if plain:
            return self._pods_window(sim, workloads, request)
        pairs = []
        for workload in workloads:
            state = sim.runai.state.workloads.get(workload.id)
            if state is not None:
                pairs += [(workload, pod) for pod in pod_views(state)]
        getters: dict[str, Getter] = {
            "clusterId": lambda pair: cluster,
            "workloadId": lambda pair: pair[0].id,
            "nodeName": lambda pair: pair[1].node_name,
            "currentNodepool": lambda pair: pair[0].current_node_pool,
            "createdAt": lambda pair: pair[1].created_at,
        }
        completed = (request.param("completed") or "").lower()
        if completed in ("true", "false"):
            wanted = completed == "true"
            pairs = [pair for pair in pairs if (pair[1].k8s_phase in ("Succeeded", "Failed")) is wanted]
        pairs = query_list(pairs, request, getters, search=lambda pair: pair[1].name)
        return paged("pods", pairs, request, lambda pair: self._pod_json(sim, *pair))

    def _pods_window(self, sim: Simulator, workloads: Sequence[Workload], request: Request) -> Response:
        """One page of all pods without building every pod's view (20,000 workloads make 40 pages)."""
        offset = int_param(request, "offset", 0, 0, None)
        limit = int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        states = sim.runai.state.workloads
        seen = 0
        chunk: list[dict[str, Any]] = []
        for workload in workloads:
            state = states.get(workload.id)
            # pod_views shows no pods for a Stopped workload (its pods are gone); the count follows it.
            count = 0 if state is None or state.phase is WorkloadPhase.STOPPED else len(state.pods)
            if count and seen + count > offset and len(chunk) < limit:
                for index, pod in enumerate(pod_views(state)):  # type: ignore[arg-type]
                    if offset <= seen + index and len(chunk) < limit:
                        chunk.append(self._pod_json(sim, workload, pod))
            seen += count
        body: dict[str, Any] = {"pods": chunk}
        if offset + limit < seen:
            body["next"] = offset + limit
        return Response.json(200, body)

    def _workload_events(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        workload_id = request.path_params["workload_id"]
        workload = sim.runai.workload(actor, workload_id)
        events = list(enumerate(sim.runai.workload_events(actor, workload_id)))
        events.sort(key=lambda pair: pair[1].created_at)  # stable: same-time events keep their order
        order = request.param("sortOrder") or "desc"  # events default to newest first (EventsSort)
        if order not in ("asc", "desc"):
            raise HttpError(400, f"sortOrder must be asc or desc, not {order!r}.")
        if order == "desc":
            events.reverse()
        return paged("events", events, request, lambda pair: self._event_json(sim, workload, *pair))

    def _workload_metrics(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """`MetricsResponse` of one workload (§6): GPU_UTILIZATION from the simulator's loads; the other
        types it does not model answer with no values, as a metric with no samples does."""
        metric = request.param("metricType")
        if not metric:
            raise HttpError(400, "Query parameter metricType is required.")
        bounds = []
        for name in ("start", "end"):
            at = parse_rfc3339(request.param(name))
            if at is None:
                raise HttpError(400, f"Query parameter {name} must be an ISO 8601 date-time.")
            bounds.append(at)
        samples = int_param(
            request, "numberOfSamples", wire.DEFAULT_METRIC_SAMPLES, 0, wire.MAX_METRIC_SAMPLES
        )
        workload_id = request.path_params["workload_id"]
        points: list[tuple[datetime, float | None]] = []
        if wire.GPU_UTILIZATION in metric.split(","):
            points = sim.runai.workload_utilisation_samples(actor, workload_id, bounds[0], bounds[1], samples)
        else:
            sim.runai.workload(actor, workload_id)  # 404 / 403 as for any workload route
        return Response.json(200, wire.metrics_json(wire.GPU_UTILIZATION, points))

    def _workload_telemetry(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        kind = request.param("telemetryType")
        measures: dict[str, Callable[[Workload], float]] = {
            "WORKLOADS_COUNT": lambda w: 1,
            "GPU_ALLOCATION": lambda w: w.allocated_gpus,
        }
        if kind not in measures:
            raise HttpError(
                400, f"telemetryType {kind!r} is not supported; supported: {', '.join(measures)}."
            )
        allowed = WORKLOAD_GROUP_KEYS
        if self.version == V2_18:
            allowed = {key: name for key, name in allowed.items() if name != "Category"}
        groups = self._group_by(request, allowed)
        workloads = sim.runai.workloads(actor)
        cluster = sim.runai.cluster_info()
        if request.param("clusterId") and request.param("clusterId") != cluster.uuid:
            workloads = []
        phases = set(terms(request, "filterByPhases")) if self.version != V2_18 else set()
        if phases:
            workloads = [w for w in workloads if w.phase.value in phases]
        projects = sim.runai.state.projects
        department_id = request.param("departmentId")
        if department_id:
            workloads = [w for w in workloads if projects[w.project_id].department_id == department_id]
        pool_name = request.param("nodepoolName")
        if pool_name:
            workloads = [w for w in workloads if w.current_node_pool == pool_name]

        def group_of(workload: Workload) -> tuple[tuple[str, str, str], ...]:
            project = projects[workload.project_id]
            parts = {
                "ClusterId": (cluster.uuid, cluster.name),
                "DepartmentId": (project.department_id, workload.department_name),
                "ProjectId": (workload.project_id, workload.project_name),
                "Type": (workload.type.value, workload.type.value),
                "CurrentNodepools": (workload.current_node_pool or "", workload.current_node_pool or ""),
                "Phase": (workload.phase.value, workload.phase.value),
                "Category": (CATEGORY[workload.type], CATEGORY[workload.type]),
            }
            return tuple((key, *parts[key]) for key in groups)

        return self._telemetry(sim, kind, workloads, group_of, measures[kind])

    # -- workloads: actions ---------------------------------------------------------------------------
    def _submitter(self, segment: str) -> Callable[[Request, Simulator, Identity], Response]:
        workload_type = KIND_SEGMENTS[segment]

        def submit(request: Request, sim: Simulator, actor: Identity) -> Response:
            body = request.json()
            spec = self._spec_from_body(sim, body, workload_type)
            workload_id = sim.runai.submit_workload(actor, spec)
            self._settled(sim)
            workload = sim.runai.workload(actor, workload_id)
            answer = {
                "name": workload.name,
                "requestedName": spec.name,
                "workloadId": workload.id,
                "projectId": workload.project_id,
                "departmentId": sim.runai.state.projects[workload.project_id].department_id,
                "clusterId": sim.runai.cluster.uuid,
                "createdBy": actor.user,
                "createdAt": iso(workload.created_at),
                "deletedAt": None,
                "desiredPhase": "Running",
                "actualPhase": workload.phase.value,
                "spec": body.get("spec") or {},
            }
            return Response.json(202, answer)

        return submit

    def _spec_from_body(self, sim: Simulator, body: Any, workload_type: WorkloadType) -> WorkloadSpec:
        if not isinstance(body, Mapping):
            raise HttpError(400, "Request body must be a JSON object.")
        _expect(body, "name", str, "name", required=True)
        project_id = _expect(body, "projectId", (str, int), "projectId", required=True)
        cluster_id = _expect(body, "clusterId", str, "clusterId", required=True)
        if cluster_id != sim.runai.cluster.uuid:
            raise _bad_request(f"Cluster {cluster_id} does not exist.", "clusterId")
        project = sim.runai.state.projects.get(str(project_id))
        if project is None:
            raise _bad_request(f"Project {project_id} does not exist.", "projectId")
        try:
            return wire.spec_from_body(body, workload_type, project.name)
        except Invalid as error:
            raise _bad_request(error.message, error.field) from None

    def _action(self, segment: str, verb: str) -> Callable[[Request, Simulator, Identity], Response]:
        workload_type = KIND_SEGMENTS[segment]

        def act(request: Request, sim: Simulator, actor: Identity) -> Response:
            workload_id = request.path_params["workload_id"]
            state = sim.runai.state.workloads.get(workload_id)
            # [UNSURE] a workload addressed under another type's path is answered as not found.
            if state is None or state.type is not workload_type:
                raise HttpError(404, f"Workload {workload_id} not found.")
            action = {
                "suspend": sim.runai.suspend_workload,
                "resume": sim.runai.resume_workload,
                "delete": sim.runai.delete_workload,
            }[verb]
            action(actor, workload_id)
            self._settled(sim)
            return Response.json(202, ACCEPTED)

        return act


_ADMIN = Identity(user="runai-face", role=Role.ADMIN)
"""Used only to read an org unit's current quotas before applying a partial update (the simulator still
checks the real caller's rights when it applies the change)."""
