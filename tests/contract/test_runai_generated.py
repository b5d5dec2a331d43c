"""The live Run:ai decoders against answers generated from the real specs (2.18 and the latest).

For each list and get answer `RunaiClient` reads, the response schema of both real OpenAPI documents in
`../shared/reference/openapi/runai/` (converted to JSON Schema by `openapi_jsonschema`) drives
hypothesis-jsonschema, and the bodies it generates go through the same `console.wire.runai` code the client
calls. Every such body is valid by the spec, so:

- decoding it may fail only with a `BackendError` (the Store shows those; anything else is a crash), and
- a list that mixes one item that has what rwc needs (id, name, …: `NEEDS`) with random schema-valid
  items keeps that item, and counts every item it leaves out (`console.data.unreadable`).

Examples are few per test (`PROFILE`); the spread comes from the many endpoints and from every run
drawing new ones. A failure prints the `@reproduce_failure` blob that replays it.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from openapi_jsonschema import OpenApiSchemas, close

from console.data.errors import BackendError, BadResponse
from console.data.unreadable import tallying
from console.wire import runai as wire

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_FILES = {
    "2.18": "runai-openapi-2.18-swagger-playground.json",
    "latest": "runai-openapi-latest-runapy-1.224.0.json",
}
SPEC_DIRS = (
    REPO_ROOT.parent / "shared" / "reference" / "openapi" / "runai",
    REPO_ROOT / "shared" / "reference" / "openapi" / "runai",
)
SPEC_DIR = next(
    (path for path in SPEC_DIRS if all((path / name).is_file() for name in SPEC_FILES.values())), None
)
if SPEC_DIR is None:
    pytest.skip(
        f"Run:ai OpenAPI specs not found: expected them in {SPEC_DIRS[0]} (../shared beside the repository)",
        allow_module_level=True,
    )

settings.register_profile(
    "rwc-generated",
    max_examples=6,
    deadline=None,
    database=None,
    print_blob=True,
    # Schemas of a few hundred fields make big examples; the autouse XDG fixture is harmless here.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)
PROFILE = settings.get_profile("rwc-generated")
"""Bounded so that the whole file runs in well under a minute on a 2-core machine."""

GOOD_ID = "good-0b5e"
GOOD_TIME = "2026-03-01T10:00:00Z"


@dataclass(frozen=True)
class Answer:
    """One answer the client reads: where it is in each spec, and how the client decodes it."""

    name: str
    paths: dict[str, str]
    """Spec version -> the path whose 200 answer this is (the route differs between versions)."""
    decode: Callable[[Any], Any]
    list_key: str | None = None
    """The array of items in the answer; None for a bare array answer or a single object."""
    needs: dict[str, Any] | None = None
    """What an item needs to be readable (overlaid on a random one, with GOOD_ID in the field `identify`
    reads); None: not a list of items."""
    identify: Callable[[Any], str] | None = None
    """How to find the item with `needs` in the decoded list."""


def items_of(body: Any, key: str | None) -> list[Any]:
    """The item array of a list answer, as `RunaiClient._list` takes it (`require` + array check)."""
    if key is None:
        items = body
    else:
        if not isinstance(body, dict) or body.get(key) is None:
            raise BadResponse(f"no {key!r}")
        items = body[key]
    if not isinstance(items, list):
        raise BadResponse(f"{key!r} is not an array")
    return items


def _cluster(body: Any) -> Any:
    return wire.parse_cluster(wire.choose_cluster(body, None))


def _identity(body: Any) -> Any:
    return wire.is_admin(wire.access_rules_of(body))


ANSWERS = (
    Answer(
        "workloads",
        {version: "/api/v1/workloads" for version in SPEC_FILES},
        lambda body: wire.parse_workloads(items_of(body, "workloads"), []),
        "workloads",
        {
            "id": GOOD_ID,
            "name": "good",
            "projectId": "1",
            "projectName": "p",
            "createdAt": GOOD_TIME,
            "phaseUpdatedAt": GOOD_TIME,
        },
        lambda workload: workload.id,
    ),
    Answer(
        "workload",
        {version: "/api/v1/workloads/{workloadId}" for version in SPEC_FILES},
        lambda body: wire.parse_workload_detail(body, [], []),
    ),
    Answer(
        "cluster pods",
        {version: "/api/v1/workloads/pods" for version in SPEC_FILES},
        lambda body: wire.node_names_by_workload(items_of(body, "pods")),
    ),
    Answer(
        "workload pods",
        {version: "/api/v1/workloads/{workloadId}/pods" for version in SPEC_FILES},
        lambda body: (
            wire.parse_workload_detail(
                {
                    "id": GOOD_ID,
                    "name": "w",
                    "projectId": "1",
                    "projectName": "p",
                    "createdAt": GOOD_TIME,
                    "phaseUpdatedAt": GOOD_TIME,
                },
                items_of(body, "pods"),
                [],
            ).pods
        ),
        "pods",
        {"name": GOOD_ID, "workloadId": "w"},
        lambda pod: pod.name,
    ),
    Answer(
        "workload events",
        {version: "/api/v1/workloads/{workloadId}/events" for version in SPEC_FILES},
        lambda body: (
            wire.parse_workload_detail(
                {
                    "id": GOOD_ID,
                    "name": "w",
                    "projectId": "1",
                    "projectName": "p",
                    "createdAt": GOOD_TIME,
                    "phaseUpdatedAt": GOOD_TIME,
                },
                [],
                items_of(body, "events"),
            ).events
        ),
        "events",
        {"createdAt": GOOD_TIME, "message": GOOD_ID},
        lambda event: event.message,
    ),
    Answer(
        "projects",
        {version: "/api/v1/org-unit/projects" for version in SPEC_FILES},
        lambda body: wire.parse_projects(items_of(body, "projects"), {}),
        "projects",
        {"id": GOOD_ID, "name": "good", "createdAt": GOOD_TIME},
        lambda project: project.id,
    ),
    Answer(
        "project",
        {version: "/api/v1/org-unit/projects/{projectId}" for version in SPEC_FILES},
        lambda body: wire.parse_project(body, {}),
    ),
    Answer(
        "departments",
        {version: "/api/v1/org-unit/departments" for version in SPEC_FILES},
        lambda body: wire.department_ids(items_of(body, "departments")),
        "departments",
        {"id": GOOD_ID},
        lambda department_id: department_id,
    ),
    Answer(
        "department",
        {version: "/api/v1/org-unit/departments/{departmentId}" for version in SPEC_FILES},
        wire.parse_department,
    ),
    Answer(
        "nodes",
        {"2.18": "/api/v1/clusters/{clusterUuid}/nodes", "latest": "/api/v1/nodes"},
        lambda body: wire.parse_nodes(items_of(body, "nodes"), {}),
        "nodes",
        {"name": GOOD_ID, "createdAt": GOOD_TIME},
        lambda node: node.name,
    ),
    Answer(
        "node pools",
        {"latest": "/api/v1/node-pools"},
        lambda body: wire.parse_node_pools(items_of(body, "nodepools"), [], {}),
        "nodepools",
        {"id": GOOD_ID, "name": "good"},
        lambda pool: pool.id,
    ),
    Answer(
        "node telemetry",
        {version: "/api/v1/nodes/telemetry" for version in SPEC_FILES},
        lambda body: wire.telemetry_by(body, "Node"),
    ),
    Answer(
        "workload telemetry",
        {version: "/api/v1/workloads/telemetry" for version in SPEC_FILES},
        wire.workload_counts,
    ),
    Answer("clusters", {version: "/api/v1/clusters" for version in SPEC_FILES}, _cluster),
    Answer("access rules", {"latest": "/api/v1/authorization/me/access-rules"}, _identity),
)


@functools.cache
def schemas(version: str) -> OpenApiSchemas:
    assert SPEC_DIR is not None
    return OpenApiSchemas(json.loads((SPEC_DIR / SPEC_FILES[version]).read_text()))


@functools.cache
def response_schema(version: str, path: str) -> dict[str, Any]:
    """The 200 answer's schema, closed to the documented keys (bodies spend their size on real fields)."""
    return close(schemas(version).response("GET", path))


def item_schema(version: str, answer: Answer) -> dict[str, Any]:
    schema = response_schema(version, answer.paths[version])
    array = schema["properties"][answer.list_key] if answer.list_key else schema
    while "items" not in array:  # a nullable array: anyOf [null, array]
        array = next(part for part in array["anyOf"] if part.get("type") != "null")
    return array["items"]


CASES = [(version, answer) for answer in ANSWERS for version in SPEC_FILES if version in answer.paths]
LIST_CASES = [(version, answer) for version, answer in CASES if answer.needs is not None]


def _case_id(case: tuple[str, Answer]) -> str:
    return f"{case[1].name}@{case[0]}"


def decode_only_backend_errors(answer: Answer, body: Any) -> Any:
    try:
        return answer.decode(body)
    except BackendError:
        return None  # the Store shows it as the list's error; any other exception fails the test


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_a_schema_valid_answer_decodes_or_fails_with_a_backend_error(case: tuple[str, Answer]) -> None:
    version, answer = case

    @PROFILE
    @given(body=from_schema(response_schema(version, answer.paths[version])))
    def check(body: Any) -> None:
        decode_only_backend_errors(answer, body)

    check()


@pytest.mark.parametrize("case", LIST_CASES, ids=_case_id)
def test_a_readable_item_among_random_ones_is_kept_and_the_rest_counted(case: tuple[str, Answer]) -> None:
    version, answer = case
    assert answer.needs is not None and answer.identify is not None
    needs, identify = answer.needs, answer.identify
    random_item = from_schema(item_schema(version, answer))
    good_item = random_item.map(lambda item: {**(item if isinstance(item, dict) else {}), **needs})

    @PROFILE
    @given(
        before=st.lists(random_item, max_size=2),
        good=good_item,
        after=st.lists(random_item, max_size=2),
    )
    def check(before: list[Any], good: dict[str, Any], after: list[Any]) -> None:
        items = [*before, good, *after]
        body = {answer.list_key: items} if answer.list_key else items
        with tallying() as tally:
            decoded = answer.decode(body)
        kept = [identify(item) for item in decoded]
        assert GOOD_ID in kept, f"the readable item was dropped from {items!r}"
        offered = sum(1 for item in items if item is not None)
        left_out = sum(found.count for found in tally.found())
        assert len(decoded) + left_out == offered, "an item was left out without being counted"

    check()


def test_the_answers_issue_12_found_read_as_the_spec_means() -> None:
    """Schema-valid answers that broke rwc (issue 12), by hand: a resources entry without nodePool (the
    default pool's), a non-object entry (ignored), a null event (skipped), `gpuMemory: null` (an
    unknown request, the row kept), a quantity "1..2" and telemetry "NaN" (unknown, never an error)."""
    project = {
        "id": "1",
        "name": "p",
        "createdAt": GOOD_TIME,
        "resources": [{"gpu": {"deserved": 2}}, {"nodePool": None, "gpu": {"deserved": 3}}, False],
    }
    assert [quota.node_pool for quota in wire.parse_project(project).quotas] == [wire.DEFAULT_POOL]
    detail = wire.parse_workload_detail(
        {
            **answer_needs("workloads"),
            "workloadRequestedResources": {"gpuRequestType": "memory", "gpuMemory": None},
        },
        [],
        [None, {"createdAt": GOOD_TIME, "message": "m"}],
    )
    assert detail.gpu_request == wire.UNREADABLE_MEMORY_REQUEST and len(detail.events) == 1
    assert wire.memory_mib("1..2") is None
    telemetry = {"values": [{"value": "NaN", "groups": [{"key": "Node", "value": "n1", "name": "n1"}]}]}
    assert wire.telemetry_by(telemetry, "Node") == {}


def answer_needs(name: str) -> dict[str, Any]:
    needs = next(answer.needs for answer in ANSWERS if answer.name == name)
    assert needs is not None
    return needs


ODD_READINGS = st.sampled_from(["NaN", "+Inf", "-Inf", "1e999", "-5", "0x10", "1_000", " 7", "85", "0.5", ""])
"""Telemetry values are strings in the spec: these are schema-valid too (Prometheus writes NaN for 0/0)."""


@pytest.mark.parametrize("version", [version for version in SPEC_FILES], ids=str)
def test_a_node_reads_whatever_its_telemetry_says(version: str) -> None:
    """Each NODE_TELEMETRY answer generated from the spec, pointed at one node, then that node decoded:
    the node is kept, and every reading is a finite, non-negative number (an unreadable one reads 0)."""
    telemetry = from_schema(response_schema(version, "/api/v1/nodes/telemetry"))
    group = {"key": "Node", "value": GOOD_ID, "name": GOOD_ID}

    def aimed(body: dict[str, Any], readings: list[str]) -> dict[str, Any]:
        values = [
            {
                **entry,
                "groups": [group],
                "value": readings[index] if index < len(readings) else entry["value"],
            }
            for index, entry in enumerate(body["values"])
        ]
        return {**body, "values": values}

    answers = st.builds(aimed, telemetry, st.lists(ODD_READINGS, max_size=3))

    @PROFILE
    @given(bodies=st.lists(answers, min_size=len(wire.NODE_TELEMETRY), max_size=len(wire.NODE_TELEMETRY)))
    def check(bodies: list[dict[str, Any]]) -> None:
        readings = {
            kind: wire.telemetry_by(body, "Node")
            for kind, body in zip(wire.NODE_TELEMETRY, bodies, strict=True)
        }
        (node,) = wire.parse_nodes([{"name": GOOD_ID, "createdAt": GOOD_TIME, "nodePool": "p"}], readings)
        numbers = (
            node.allocated_gpus,
            node.cpu_millicores,
            node.allocated_cpu_millicores,
            node.memory_bytes,
            node.allocated_memory_bytes,
        )
        assert all(math.isfinite(number) and number >= 0 for number in numbers), numbers

    check()
