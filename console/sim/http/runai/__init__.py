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

The package: `auth` (credentials, tokens, the token request and access rules), `org_units` (one handler set
for departments and for projects), `nodes` (clusters, node pools, nodes), `workloads`, `listing` (the list
query language) and `common` (errors, versions, telemetry); this module holds the route table. Every
handler reads the simulator through `RunaiSim`'s queries and read API, never its mutable state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from console.data.errors import BackendError
from console.model.identity import Identity
from console.sim.http.base import Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.http.runai.auth import TOKEN_LIFETIME_SECONDS, AppCredential, SignIn, Tokens
from console.sim.http.runai.common import LATEST, SERVICE, V2_18, VERSIONS, http_error
from console.sim.http.runai.node_metrics import node_metrics
from console.sim.http.runai.nodes import Nodes
from console.sim.http.runai.org_units import DEPARTMENTS, PROJECTS, OrgUnits
from console.sim.http.runai.workloads import Workloads
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.runai import KIND_SEGMENTS

__all__ = [
    "LATEST",
    "SERVICE",
    "V2_18",
    "VERSIONS",
    "AppCredential",
    "RunaiFace",
    "build_runai_router",
    "runai_error_body",
    "serve_runai",
]

runai_error_body = wire.error_body

Route = tuple[str, str, Callable[[Request, Simulator, Identity], Response]]


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


class RunaiFace:
    """The simulator behind the Run:ai REST API; `router` is what a `SimHttpServer` serves.

    The handlers live in one set per part of the API (`auth.SignIn`, `org_units.OrgUnits` for departments
    and for projects, `nodes.Nodes`, `workloads.Workloads`); this class holds the route table and runs
    every handler but the token request under the bearer token's identity and the simulator's lock.
    """

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
        self.tokens = Tokens(token_lifetime_seconds, wall_clock)
        self.sign_in = SignIn(credentials, self.tokens, issuer, version)
        self.departments = OrgUnits(DEPARTMENTS, version)
        self.projects = OrgUnits(PROJECTS, version)
        self.nodes = Nodes(version)
        self.workloads = Workloads(version)
        self.router = Router()
        self._register()

    # -- token control for tests ----------------------------------------------------------------
    def expire_tokens(self) -> None:
        """Every token issued so far now fails with 401, as if it had expired."""
        self.tokens.expire_all()

    # -- the route table --------------------------------------------------------------------------
    def _org_unit_routes(self) -> list[Route]:
        """The routes both kinds of org unit have, from one handler set each; then the project-only ones."""
        routes: list[Route] = []
        for units in (self.departments, self.projects):
            base = f"/api/v1/org-unit/{units.kind.plural}"
            one = f"{base}/{{{units.kind.id_param}}}"
            routes += [
                ("GET", base, units.list_all),
                ("GET", f"{base}/count", units.count),
                ("GET", one, units.get),
                ("PUT", f"{one}/resources", units.put_resources),
                ("PATCH", f"{one}/resources", units.patch_resources),
            ]
        projects = self.projects
        routes += [
            ("POST", "/api/v1/org-unit/projects", projects.create),
            ("PUT", "/api/v1/org-unit/projects/{project_id}", projects.put),
            ("DELETE", "/api/v1/org-unit/projects/{project_id}", projects.delete),
        ]
        return routes

    def _register(self) -> None:
        add = self.router.add
        add("POST", "/api/v1/token", self.sign_in.token)
        nodes, workloads = self.nodes, self.workloads
        routes: list[Route] = [
            ("GET", "/api/v1/clusters", nodes.clusters),
            ("GET", "/api/v1/clusters/{cluster_uuid}", nodes.cluster),
            ("GET", "/api/v1/authorization/me/access-rules", self.sign_in.my_access_rules),
            *self._org_unit_routes(),
            ("GET", "/api/v1/node-pools", nodes.node_pools),
            ("GET", "/api/v1/nodes", nodes.nodes),
            ("GET", "/api/v1/nodes/telemetry", nodes.node_telemetry),
            ("GET", "/api/v1/nodes/{node_id}/metrics", node_metrics),
            ("GET", "/api/v1/workloads", workloads.list_all),
            ("GET", "/api/v1/workloads/count", workloads.count),
            ("GET", "/api/v1/workloads/pods", workloads.all_pods),
            ("GET", "/api/v1/workloads/telemetry", workloads.workload_telemetry),
            ("GET", "/api/v1/workloads/{workload_id}", workloads.get),
            ("GET", "/api/v1/workloads/{workload_id}/pods", workloads.pods),
            ("GET", "/api/v1/workloads/{workload_id}/events", workloads.events),
            ("GET", "/api/v1/workloads/{workload_id}/metrics", workloads.metrics),
        ]
        if self.version == V2_18:
            since = {
                "/api/v1/nodes",
                "/api/v1/nodes/{node_id}/metrics",
                "/api/v1/node-pools",
                "/api/v1/authorization/me/access-rules",
            }
            routes = [route for route in routes if route[1] not in since]
            routes += [
                ("GET", "/api/v1/clusters/{cluster_uuid}/nodes", nodes.cluster_nodes),
                ("GET", "/v1/k8s/clusters/{cluster_uuid}/node-pools", nodes.legacy_node_pools),
                ("GET", "/api/v1/authorization/access-rules", self.sign_in.access_rules),
            ]
        for segment in KIND_SEGMENTS:
            base = f"/api/v1/workloads/{segment}"
            routes.append(("POST", base, workloads.submitter(segment)))
            routes.append(("GET", base + "/{workload_id}", workloads.getter(segment)))
            routes.append(("DELETE", base + "/{workload_id}", workloads.action(segment, "delete")))
            if segment == "distributed" and self.version == V2_18:
                continue  # 2.18 has no suspend/resume of distributed workloads
            if segment != "inferences":
                routes.append(("POST", base + "/{workload_id}/suspend", workloads.action(segment, "suspend")))
                routes.append(("POST", base + "/{workload_id}/resume", workloads.action(segment, "resume")))
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
            actor_credential = self.sign_in.credential_of(request)
            try:
                with self.host.session() as sim:
                    actor = sim.runai.identity_for(actor_credential.user, actor_credential.role)
                    return handler(request, sim, actor)
            except BackendError as error:
                raise http_error(error, submission=submission) from None

        return run
