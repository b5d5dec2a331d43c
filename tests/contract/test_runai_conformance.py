"""Every body the Run:ai face serves, and every request the live client sends, against the real OpenAPI spec.

The spec is the latest runapy copy in `../shared/reference/openapi/runai/` beside the repository (CI checks
`shared` out there; see its README). One scenario drives the face through `RunaiClient` (every query and
action, a researcher, the error paths) and through raw HTTP for the routes the client does not use; a
recording server keeps each exchange. Then:

- each response's status must be documented for its operation (or be in `UNDOCUMENTED`, with the reason),
  and its JSON body must validate against the documented schema (undocumented error statuses: `Error`);
- each request's JSON body and query parameters must validate against the operation's;
- every route the face serves must have been exercised.

Validation is `openapi_subset.OpenApi` (why not `jsonschema`: see that module).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_subset import NO_DOCUMENTED_SCHEMA, OpenApi

from console.backends.live.runai import RunaiClient
from console.data.errors import BackendError
from console.model import (
    GpuRequest,
    PoolQuota,
    Role,
    WorkloadFilter,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.http.base import Request, Response, SimHttpServer, SimulatorHost
from console.sim.http.runai import AppCredential, RunaiFace, runai_error_body
from console.sim.scenarios import build_simulator

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_NAME = "runai-openapi-latest-runapy-1.224.0.json"
SPEC_CANDIDATES = (
    REPO_ROOT.parent / "shared" / "reference" / "openapi" / "runai" / SPEC_NAME,
    REPO_ROOT / "shared" / "reference" / "openapi" / "runai" / SPEC_NAME,
)
SPEC_PATH = next((path for path in SPEC_CANDIDATES if path.is_file()), None)

if SPEC_PATH is None:
    pytest.skip(
        f"Run:ai OpenAPI spec not found: expected {SPEC_CANDIDATES[0]} (../shared beside the repository; CI "
        "checks it out there)",
        allow_module_level=True,
    )

UUID_EXEMPT = ("DepartmentProjectParent", "DepartmentProjectChild")
"""reference/runai.md §1 [CONFLICT]: these ids are typed uuid, but department and project ids are numeric
strings in practice (and in the same spec's examples); the face serves the real ids."""

UNDOCUMENTED: dict[tuple[str, str, int], str] = {
    ("POST", "/api/v1/token", 401): "reference §13 asks for 401 on a bad secret; the spec lists 400/500/503",
    ("GET", "/api/v1/workloads", 400): "an unknown filterBy field; the spec documents no 400 for this list",
    ("GET", "/api/v1/workloads/count", 400): "as for the list",
    ("POST", "/api/v1/workloads/trainings", 409): "duplicate name: reference §7 [UNSURE], the spec is silent",
    ("POST", "/api/v1/workloads/trainings/{workloadId}/suspend", 409): "suspending a finished workload",
    ("POST", "/api/v1/workloads/trainings/{workloadId}/resume", 409): "resuming a running workload",
}
"""Statuses the face answers that the spec does not list for the operation, and why."""

KNOWN_DEVIATIONS: tuple[tuple[str, str], ...] = (
    (
        r"\.nodepools\[\d+\]\.label(Key|Value): shorter than 1",
        "the default pool holds the unlabelled nodes and has no label; the spec's minLength 1 comes from the "
        "create fields it shares (reference §5.3)",
    ),
)
"""Response errors accepted, each with its reason (a regex over the validator's message)."""

NEGATIVE = "X-Conformance-Negative"
"""Header on raw requests that are wrong on purpose (to reach a 400): their query is not checked."""

ADMIN = AppCredential("conf-admin", "conf-Adm1n-secret", "admin@acme.ai", Role.ADMIN)
RESEARCHER = AppCredential("conf-alice", "conf-Al1ce-secret", "alice@acme.ai", Role.RESEARCHER)


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, list[str]]
    request_body: bytes
    status: int
    response_body: bytes
    negative: bool


class RecordingServer(SimHttpServer):
    """Keeps every request and the face's answer (faults are not used here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exchanges: list[Exchange] = []
        self._record_lock = threading.Lock()

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        with self._record_lock:
            self.exchanges.append(
                Exchange(
                    request.method,
                    request.path,
                    request.query,
                    request.body,
                    response.status,
                    response.body,
                    NEGATIVE.lower() in request.headers,
                )
            )
        return response


@pytest.fixture(scope="module")
def spec() -> OpenApi:
    assert SPEC_PATH is not None
    return OpenApi(json.loads(SPEC_PATH.read_text()), uuid_exempt=UUID_EXEMPT)


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[RecordingServer, RunaiFace]]:
    simulator = build_simulator("demo", seed=7)
    host = SimulatorHost(simulator, clock_speed=0)
    face = RunaiFace(host, {c.client_id: c for c in (ADMIN, RESEARCHER)})
    server = RecordingServer("runai", face.router, runai_error_body)
    server.start()
    try:
        asyncio.run(_scenario(server.url, host))
        _raw_calls(server.url, simulator.runai.cluster.uuid)
        yield server, face
    finally:
        server.stop()


async def _expect_error(call: Any) -> None:
    try:
        await call
    except BackendError:
        return
    raise AssertionError("expected the face to refuse")


async def _scenario(url: str, host: SimulatorHost) -> None:
    admin = RunaiClient(url, ADMIN.client_id, ADMIN.client_secret, verify=False)
    alice = RunaiClient(url, RESEARCHER.client_id, RESEARCHER.client_secret, verify=False)
    try:
        await admin.cluster()
        await admin.identity()
        await admin.projects()
        await admin.project("5")
        await admin.departments()
        await admin.node_pools()
        await admin.nodes()
        workloads = await admin.workloads()
        for workload_filter in (
            WorkloadFilter(project_name="vision", phase=WorkloadPhase.RUNNING),
            WorkloadFilter(node_pool="h100", submitted_by="alice@acme.ai", name_contains="sdxl"),
        ):
            await admin.workloads(workload_filter)
        holding = [workload.id for workload in workloads if workload.allocated_gpus > 0][:3]
        now = host.simulator.clock.now()
        await admin.workload_utilisation(holding, now - timedelta(hours=1), now, 12)
        await admin.gpu_history.of_node("dgx-a100-01", 3600, 300, now)  # node metrics per GPU
        for workload in workloads:
            await admin.workload(workload.id)
            await admin.describe_workload(workload.id)
        for kind in WorkloadType:  # the typed GET (a workload's spec), once per type
            await admin.specs.volumes(next(w for w in workloads if w.type is kind))
        await alice.identity()
        await alice.projects()
        await alice.departments()
        await alice.workloads()

        await admin.create_project("conformance", "2", [PoolQuota("a100", 1, 2, 1), PoolQuota("h100", 0.5)])
        await admin.update_project_quotas("5", [PoolQuota("h100", 10, -1, 2)])
        await admin.update_department_quotas("3", [PoolQuota("a100", 12, 20, 3)])
        specs = [
            WorkloadSpec(
                "c-train", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.whole(1), command="python"
            ),
            WorkloadSpec("c-frac", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.fraction(0.25)),
            WorkloadSpec(
                "c-ws", "vision", WorkloadType.WORKSPACE, "img:1", GpuRequest.memory(4096), preemptible=False
            ),
            WorkloadSpec(
                "c-ddp",
                "llm-pretrain",
                WorkloadType.DISTRIBUTED,
                "img:1",
                GpuRequest.whole(2),
                node_pools=("h100",),
                workers=2,
                arguments="--x 1",
            ),
            WorkloadSpec("c-serve", "mlops", WorkloadType.INFERENCE, "img:1", GpuRequest.whole(1)),
        ]
        submitted = [await admin.submit_workload(spec) for spec in specs]
        for workload in submitted[:1] + submitted[2:4]:
            await admin.suspend_workload(workload.id)
        with host.lock:
            host.simulator.advance(10)  # Stopping -> Stopped
        for workload in submitted[:1] + submitted[2:4]:
            await admin.resume_workload(workload.id)
        for workload in submitted:
            await admin.delete_workload(workload.id)
        await admin.delete_project("11")

        # refusals: 400 (with complianceIssues), 403, 404, 409
        await _expect_error(
            admin.submit_workload(
                WorkloadSpec("Bad_Name", "vision", WorkloadType.TRAINING, "i", GpuRequest.whole(1))
            )
        )
        await _expect_error(
            admin.submit_workload(
                WorkloadSpec("c-frac2", "vision", WorkloadType.TRAINING, "i", GpuRequest.fraction(1.5))
            )
        )
        await _expect_error(
            admin.submit_workload(
                WorkloadSpec("yolov8-detect", "vision", WorkloadType.TRAINING, "i", GpuRequest.whole(1))
            )
        )
        await _expect_error(admin.create_project("vision", "2", []))
        await _expect_error(admin.create_project("Bad_Name", "2", []))
        await _expect_error(alice.create_project("alices", "2", []))
        await _expect_error(alice.update_project_quotas("5", [PoolQuota("a100", 1)]))
        await _expect_error(admin.update_project_quotas("404", [PoolQuota("a100", 1)]))
        completed = await admin.workloads(WorkloadFilter(phase=WorkloadPhase.COMPLETED))
        await _expect_error(admin.suspend_workload(completed[0].id))
        running = await admin.workloads(WorkloadFilter(project_name="vision", phase=WorkloadPhase.RUNNING))
        await _expect_error(
            admin.resume_workload(next(w.id for w in running if w.type is WorkloadType.TRAINING))
        )
        carols = next(
            w for w in running if w.submitted_by == "carol@acme.ai" and w.type is WorkloadType.TRAINING
        )
        await _expect_error(alice.suspend_workload(carols.id))
        await _expect_error(alice.delete_workload(carols.id))
        await _expect_error(admin.workload("00000000-0000-4000-8000-000000000000"))
    finally:
        await admin.aclose()
        await alice.aclose()
    async with RunaiClient(url, ADMIN.client_id, "wrong", verify=False) as wrong:
        await _expect_error(wrong.cluster())


def _raw_calls(url: str, cluster: str) -> None:
    """Routes and parameters the client does not use: counts, PUTs, sorting, search, one cluster."""
    with httpx.Client(base_url=url) as http:
        token = http.post(
            "/api/v1/token",
            json={
                "grantType": "client_credentials",
                "clientID": ADMIN.client_id,
                "clientSecret": ADMIN.client_secret,
            },
        ).json()["accessToken"]
        http.headers["Authorization"] = f"Bearer {token}"
        http.get(f"/api/v1/clusters/{cluster}")
        http.get("/api/v1/clusters/00000000-0000-4000-8000-000000000000")
        http.get("/api/v1/org-unit/projects/count", params={"filterBy": "phase==Ready"})
        http.get("/api/v1/org-unit/projects", params={"sortBy": "name", "sortOrder": "desc", "search": "s"})
        http.get("/api/v1/org-unit/departments/count")
        http.get("/api/v1/org-unit/departments", params={"verbosity": "verbose", "sortBy": "gpuAllocated"})
        http.get("/api/v1/org-unit/departments/404")
        http.get("/api/v1/node-pools", params={"filterBy": "name!=default", "sortBy": "name"})
        http.get("/api/v1/nodes", params={"search": "dgx", "sortBy": "status", "sortOrder": "desc"})
        http.get(
            "/api/v1/nodes/telemetry", params={"telemetryType": "TOTAL_GPUS", "groupBy": "Nodepool,Node"}
        )
        http.get("/api/v1/workloads/count", params={"filterBy": "allocatedGPU>=2"})
        http.get("/api/v1/workloads/count", params={"filterBy": "notAField==1"}, headers={NEGATIVE: "1"})
        http.get("/api/v1/workloads", params={"filterBy": "notAField==1"}, headers={NEGATIVE: "1"})
        http.get(
            "/api/v1/workloads", params={"sortBy": "createdAt", "sortOrder": "desc", "limit": 5, "offset": 3}
        )
        http.get("/api/v1/workloads/pods", params={"completed": "false", "verbosity": "brief"})
        http.get(
            "/api/v1/workloads/telemetry",
            params={"telemetryType": "GPU_ALLOCATION", "groupBy": "Type", "filterByPhases": "Running"},
        )
        first = http.get("/api/v1/workloads", params={"limit": 1}).json()["workloads"][0]["id"]
        http.get(f"/api/v1/workloads/{first}/events", params={"sortOrder": "desc", "limit": 3})
        http.get(f"/api/v1/workloads/{first}/pods", params={"limit": 1})
        resources = [{"nodePool": {"id": "100581", "name": "a100"}, "gpu": {"deserved": 3, "limit": None}}]
        http.put("/api/v1/org-unit/projects/6", json={"resources": resources, "description": "vision"})
        http.put("/api/v1/org-unit/projects/6/resources", json=resources)
        http.put("/api/v1/org-unit/departments/3/resources", json=resources)
        http.get("/api/v1/org-unit/projects", headers={"Authorization": "Bearer not.a.token"})


def _operation(spec: OpenApi, exchange: Exchange) -> tuple[str, Any]:
    found = spec.operation(exchange.method, exchange.path)
    assert found is not None, f"{exchange.method} {exchange.path} is not an operation of the spec"
    return found


def test_every_response_is_documented_and_valid(
    spec: OpenApi, recorded: tuple[RecordingServer, RunaiFace]
) -> None:
    server, _ = recorded
    problems: list[str] = []
    statuses: set[tuple[str, str, int]] = set()
    for exchange in server.exchanges:
        template, operation = _operation(spec, exchange)
        statuses.add((exchange.method, template, exchange.status))
        schema = spec.response_schema(operation, exchange.status)
        key = (exchange.method, template, exchange.status)
        if schema is None:
            if key not in UNDOCUMENTED:
                problems.append(f"{key}: status not documented for this operation")
                continue
            schema = {"$ref": "#/components/schemas/Error"}
        if schema is NO_DOCUMENTED_SCHEMA:
            continue
        body = json.loads(exchange.response_body)
        errors = spec.validate(body, schema, direction="response")
        errors = [e for e in errors if not any(re.search(p, e) for p, _ in KNOWN_DEVIATIONS)]
        for error in errors[:5]:
            problems.append(f"{exchange.method} {exchange.path} -> {exchange.status}: {error}")
    assert not problems, "\n".join(sorted(set(problems))[:60])
    # the scenario reached the error paths, not only the happy ones
    assert {status for _, _, status in statuses} >= {200, 201, 202, 400, 401, 403, 404, 409}


def test_every_request_the_client_sends_is_valid(
    spec: OpenApi, recorded: tuple[RecordingServer, RunaiFace]
) -> None:
    server, _ = recorded
    problems: list[str] = []
    bodies = 0
    for exchange in server.exchanges:
        template, operation = _operation(spec, exchange)
        if exchange.negative:
            continue
        for error in spec.validate_query(template, operation, exchange.query):
            problems.append(f"{exchange.method} {exchange.path}: {error}")
        if exchange.request_body:
            schema = spec.request_schema(operation)
            assert schema is not None, f"{exchange.method} {template} takes no JSON body"
            bodies += 1
            body = json.loads(exchange.request_body)
            for error in spec.validate(body, schema, direction="request")[:5]:
                problems.append(f"{exchange.method} {exchange.path} request: {error}")
    assert not problems, "\n".join(sorted(set(problems))[:60])
    assert bodies >= 15


def test_every_face_route_was_exercised(recorded: tuple[RecordingServer, RunaiFace]) -> None:
    server, face = recorded
    seen = {(exchange.method, exchange.path) for exchange in server.exchanges}
    missing = []
    for method, template in face.router.templates:
        pattern = re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", template) + "$")
        if not any(m == method and pattern.match(path) for m, path in seen):
            missing.append(f"{method} {template}")
    assert not missing, missing


def test_undocumented_statuses_are_still_used(
    recorded: tuple[RecordingServer, RunaiFace], spec: OpenApi
) -> None:
    """Each `UNDOCUMENTED` entry is needed (the face really answers so), so the list cannot go stale."""
    server, _ = recorded
    answered = {
        (exchange.method, _operation(spec, exchange)[0], exchange.status) for exchange in server.exchanges
    }
    stale = [key for key in UNDOCUMENTED if key not in answered]
    assert not stale, stale


def test_query_strings_parse_back(recorded: tuple[RecordingServer, RunaiFace]) -> None:
    """`filterBy` goes as one comma-joined parameter (explode: false), never repeated."""
    server, _ = recorded
    for exchange in server.exchanges:
        assert len(exchange.query.get("filterBy", [])) <= 1, exchange.path
    sample = urlsplit("/api/v1/workloads?filterBy=a==1,b==2")
    assert parse_qs(sample.query)["filterBy"] == ["a==1,b==2"]


def test_the_validator_catches_mistakes(spec: OpenApi, recorded: tuple[RecordingServer, RunaiFace]) -> None:
    """Guard against a validator that passes everything: broken copies of real answers must fail."""
    server, _ = recorded
    project = next(
        json.loads(e.response_body)["projects"][0]
        for e in server.exchanges
        if e.path == "/api/v1/org-unit/projects" and e.status == 200 and e.method == "GET"
    )
    workload = next(
        json.loads(e.response_body)
        for e in server.exchanges
        if re.fullmatch(r"/api/v1/workloads/[0-9a-f-]{36}", e.path) and e.status == 200
    )
    project_schema = {"$ref": "#/components/schemas/Project"}
    workload_schema = {"$ref": "#/components/schemas/WorkloadDetailed"}
    assert spec.validate(project, project_schema, direction="response") == []
    assert spec.validate(workload, workload_schema, direction="response") == []
    broken: list[tuple[Any, Any]] = [
        ({k: v for k, v in project.items() if k != "id"}, project_schema),
        ({**project, "status": {**project["status"], "phase": "Bogus"}}, project_schema),
        ({**project, "resources": [{**project["resources"][0], "gpu": None}]}, project_schema),
        ({**project, "createdAt": "yesterday"}, project_schema),
        ({**project, "clusterId": "not-a-uuid"}, project_schema),
        ({**workload, "phase": 5}, workload_schema),
        ({**workload, "runningPods": 1.5}, workload_schema),
        ({**workload, "childrenIds": [{"id": workload["id"]}]}, workload_schema),
        ({**workload, "tenantId": 2**40}, workload_schema),
    ]
    for body, schema in broken:
        assert spec.validate(body, schema, direction="response"), body
