"""Every body the simulator's WEKA face serves against WEKA's own field names and JSON types.

Sources (`../shared/reference/openapi/weka/` beside the repository, see its README):

- the v3.14 REST inventory derived from WEKA's generated client: for each (method, path) the face serves, the
  response model; every key the face sends must exist in that model (recursively) with the right JSON type;
- the real `weka status --json` of a 4.4.2 cluster for `/cluster`, whose 4.4 keys (`containers`,
  `processes`, `capacity.unavailable_bytes`, ...) the 3.14 model lacks.

Keys the face sends beyond the 3.14 models are allowed only where `reference/weka.md` documents them for 4.x
(`EXTRA_KEYS`, each with its section). The request bodies the live client builds are checked against the
inventory's body models the same way, and the client's cluster parser reads the real 4.4 capture.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.model import FilesystemFromSnapshotSpec, FilesystemSpec, SnapshotSpec, StowStatus
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.weka import API, WekaUser, build_weka_router, serve_weka
from console.sim.scenarios import build_simulator
from console.sim.weka_units import TIB
from console.wire import weka as wire

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CANDIDATES = (REPO_ROOT.parent / "shared", REPO_ROOT / "shared")
WEKA_DATA = next(
    (root / "reference" / "openapi" / "weka" for root in SHARED_CANDIDATES if (root / "reference").is_dir()),
    None,
)
INVENTORY_FILE = "weka-rest-api-3.14-inventory.derived.json"
CAPTURE_FILE = "cli-weka-status-json-4.4.2.157.json"

if (
    WEKA_DATA is None
    or not (WEKA_DATA / INVENTORY_FILE).is_file()
    or not (WEKA_DATA / CAPTURE_FILE).is_file()
):
    pytest.skip(
        "WEKA conformance data not found: expected ../shared/reference/openapi/weka/ beside the repository "
        f"(looked in {', '.join(str(c) for c in SHARED_CANDIDATES)}); CI checks it out there.",
        allow_module_level=True,
    )

INVENTORY: dict[str, Any] = json.loads((WEKA_DATA / INVENTORY_FILE).read_text())
MODELS: dict[str, dict[str, Any]] = INVENTORY["models"]
CAPTURE: dict[str, Any] = json.loads((WEKA_DATA / CAPTURE_FILE).read_text())

STOW_INFO = "_StowInfo"
EXTRA_MODELS: dict[str, dict[str, Any]] = {
    STOW_INFO: {
        "stowStatus": {"type": "str"},
        "stowProgress": {"type": "str"},
        "locator": {"type": "str"},
        # §12.1: the CLI lists each site's upload size; the REST key names are the simulator's
        # ([UNSURE] in console.wire.weka.snapshots), read by the client only when present.
        wire.UPLOAD_SIZE_KEY: {"type": "float"},
        wire.UPLOADED_SIZE_KEY: {"type": "float"},
    },
}
"""Pseudo-models for documented 4.x shapes the 3.14 inventory lacks."""

EXTRA_KEYS: dict[tuple[str, str], str] = {
    ("Alert", "description"): "str",  # §7: 4.x CLI JSON (WUC)
    ("Alert", "count"): "float",  # §7
    ("Alert", "severity"): "str",  # §7
    ("Snapshot", "localStowInfo"): STOW_INFO,  # §12.1: CLI JSON 4.0.5+ (WUC, SNAP)
    ("Snapshot", "remoteStowInfo"): STOW_INFO,  # §12.1
    ("InlineResponse400Data", "exceptionClass"): "list[str]",  # §3.2: CSI reads data.exceptionClass
    ("InlineResponse20073Data", "extra"): "object",
}
"""(model, key) -> type: keys beyond the 3.14 models that reference/weka.md documents for 4.x."""

STATS_CATEGORIES_MODEL = "InlineResponse20074DataAll"
"""The spec's `/stats` model is a placeholder, `{"all": {"rpc": [object]}}`: read as category -> rows, so any
category the face serves must be a list of objects (reference §9, open question 3)."""

ENUMS: dict[tuple[str, str], set[str]] = {
    ("InlineResponse2004Data", "status"): {
        "OK",
        "REBUILDING",
        "REDISTRIBUTING",
        "PARTIALLY_PROTECTED",
        "UNPROTECTED",
        "UNAVAILABLE",
        "UNINITIALIZED",
        "UNKNOWN",
    },  # §5, §18
    ("Snapshot", "stowStatus"): {s.value for s in StowStatus},  # §18
    (STOW_INFO, "stowStatus"): {s.value for s in StowStatus},
    ("FileSystemObjectStorages", "mode"): {"WRITABLE", "REMOTE"},  # §18
    ("ObjectStoreBucket", "status"): {"UP", "DOWN", "UNKNOWN"},  # §18
    ("Alert", "severity"): {"CRITICAL", "MAJOR", "MINOR", "WARNING", "INFO", "DEBUG"},  # §7, §18
    ("Tokens", "token_type"): {"Bearer"},  # §2.1
    ("InlineResponse20078Data", "type"): {
        "STOW_UPLOAD",
        "STOW_DOWNLOAD_FILESYSTEM",
        "STOW_DOWNLOAD_SNAPSHOT",
        "OBS_DETACH",
        "FSCK",
        "DATA_REDUCTION",
        "DATA_REDUCTION_GC",
        "QUOTA_COLORING",
    },  # §16
}
"""Enumerations from reference/weka.md §18 (the inventory's own `enum`s are checked as well)."""

ENDPOINTS: dict[tuple[str, str], dict[str, Any]] = {
    (e["method"], e["path"]): e for e in INVENTORY["endpoints"]
}

PASSWORD = "Conformance-9c1"
USERS = {"admin": WekaUser("admin", PASSWORD), "viewer": WekaUser("viewer", PASSWORD, role="ReadOnly")}


# -- the checker ---------------------------------------------------------------------------------------------


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


_KINDS = {"str": "str", "float": "number", "int": "number", "bool": "bool", "object": "object"}


def check(value: Any, type_name: str, path: str, *, model: str = "", key: str = "") -> list[str]:
    """Problems of `value` against a codegen type (`str`, `float`, `list[X]`, a model name)."""
    if type_name.startswith("list[") and type_name.endswith("]"):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {_json_kind(value)}"]
        inner = type_name[5:-1]
        return [problem for i, item in enumerate(value) for problem in check(item, inner, f"{path}[{i}]")]
    if type_name in _KINDS:
        kind = _json_kind(value)
        if kind != _KINDS[type_name] and not (type_name == "object" and kind == "null"):
            return [f"{path}: expected {type_name}, got {kind}"]
        allowed = ENUMS.get((model, key))
        if allowed is not None and value not in allowed:
            return [f"{path}: {value!r} is not one of {sorted(allowed)}"]
        return []
    schema = MODELS.get(type_name) or EXTRA_MODELS.get(type_name)
    if schema is None:
        return [f"{path}: unknown model {type_name} in the inventory"]
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({type_name}), got {_json_kind(value)}"]
    problems = []
    for name, item in value.items():
        where = f"{path}.{name}"
        if name in schema:
            field = schema[name]
            enum = field.get("enum")
            if enum is not None and item not in enum:
                problems.append(f"{where}: {item!r} is not one of {enum}")
            problems += check(item, field["type"], where, model=type_name, key=name)
        elif (type_name, name) in EXTRA_KEYS:
            problems += check(item, EXTRA_KEYS[type_name, name], where, model=type_name, key=name)
        elif type_name == STATS_CATEGORIES_MODEL:
            problems += check(item, "list[object]", where)
        else:
            problems.append(f"{where}: no key {name!r} in {type_name} (3.14) nor documented for 4.x")
    return problems


def check_cluster(value: Any, model_type: str | None, captured: Any, path: str) -> list[str]:
    """`/cluster` against the 3.14 model and the 4.4 capture: each key in one of them, types agreeing."""
    schema = MODELS.get(model_type or "")
    if isinstance(value, dict):
        problems = []
        for name, item in value.items():
            where = f"{path}.{name}"
            in_model = schema is not None and name in schema
            in_capture = isinstance(captured, dict) and name in captured
            if not in_model and not in_capture:
                problems.append(f"{where}: neither in the 3.14 cluster model nor in the 4.4 status capture")
                continue
            inner_type = schema[name]["type"] if in_model else None
            inner_capture = captured[name] if in_capture else None
            if in_capture and _json_kind(item) != _json_kind(inner_capture) and inner_capture is not None:
                problems.append(
                    f"{where}: {_json_kind(item)} where the 4.4 capture has {_json_kind(inner_capture)}"
                )
            if isinstance(item, dict) or (inner_type and inner_type in MODELS):
                problems += check_cluster(item, inner_type, inner_capture, where)
            elif in_model:
                problems += check(item, inner_type or "object", where, model=model_type or "", key=name)
        return problems
    if isinstance(value, list) and model_type and model_type.startswith("list["):
        return check(value, model_type, path)
    return []


# -- a face to ask -------------------------------------------------------------------------------------------


class Face:
    """Plain-stdlib requests to the face (no client in between: the bodies are what is checked)."""

    def __init__(self, server: SimHttpServer) -> None:
        self.base = server.url + API
        self.token = ""

    def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        bearer = self.token if token is None else token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def login(self, username: str = "admin") -> dict[str, Any]:
        status, body = self.request("POST", "/login", wire.login_body(username, PASSWORD, None), token="")
        assert status == 200, body
        self.token = body["data"]["access_token"]
        return body


@pytest.fixture
def face() -> Iterator[tuple[Face, Any]]:
    simulator = build_simulator("demo", seed=7)
    with serve_weka(SimulatorHost(simulator, clock_speed=0), USERS) as server:
        yield Face(server), simulator


def advance(simulator: Any, seconds: float) -> None:
    """Between requests only (nothing in flight), so the host's lock is not needed."""
    simulator.advance(seconds)


def _response_model(method: str, template: str) -> str:
    endpoint = ENDPOINTS.get((method, template))
    assert endpoint is not None, f"{method} {template} is not in the 3.14 inventory"
    return endpoint["response"]


def assert_conforms(method: str, template: str, body: Any) -> None:
    problems = check(body, _response_model(method, template), f"{method} {template}")
    assert not problems, "\n".join(problems)


# -- the tests -----------------------------------------------------------------------------------------------


def test_the_checker_finds_unknown_keys_wrong_types_and_bad_enums() -> None:
    """So the conformance tests cannot pass by checking nothing."""
    fs = {"uid": "u", "name": "n", "total_budget": "big", "usedTotal": 1, "obs_buckets": [{"mode": "LOCAL"}]}
    problems = check({"data": [fs]}, "InlineResponse20016", "x")
    assert any("total_budget: expected float, got str" in p for p in problems)
    assert any("no key 'usedTotal'" in p for p in problems)
    assert any("'LOCAL' is not one of" in p for p in problems)
    cluster = {"name": 1, "containers": {"active": "x"}, "made_up": True}
    problems = check_cluster(cluster, "InlineResponse2004Data", CAPTURE, "c")
    assert any("c.name" in p for p in problems)
    assert any("c.containers.active" in p for p in problems)
    assert any("c.made_up" in p for p in problems)


RWC_OWN_PREFIX = wire.SCHEDULES_PATH
"""Snapshot schedules: rwc's own resource on the face, not WEKA's (WEKA's API has none;
`console.wire.weka.schedules`); tests/contract/test_schedule_contract.py checks its shape."""


def test_every_route_the_face_serves_exists_in_the_3_14_api() -> None:
    router = build_weka_router(SimulatorHost(build_simulator("demo", seed=7), clock_speed=0), USERS)
    missing = [
        (method, template)
        for method, template in router.templates
        if (method, template.removeprefix(API)) not in ENDPOINTS
        and not template.removeprefix(API).startswith(RWC_OWN_PREFIX)
    ]
    assert not missing


def test_login_and_refresh(face: tuple[Face, Any]) -> None:
    client, _ = face
    body = client.login()
    # Login `data` is an object (reference §2.1: what working clients read); the 3.14 spec agrees for login.
    assert_conforms("POST", "/login", body)
    status, refreshed = client.request(
        "POST", "/login/refresh", {"refresh_token": body["data"]["refresh_token"]}
    )
    assert status == 200
    # The 3.14 spec models the refresh answer as list[Tokens]; the face answers an object like login
    # (reference §2.1 open question 1): its keys are checked against `Tokens`.
    assert not check(refreshed["data"], "Tokens", "POST /login/refresh data")


READ_ROUTES = [
    "/cluster",
    "/alerts",
    "/stats/realtime",
    "/fileSystemGroups",
    "/objectStoreBuckets",
    "/fileSystems",
    "/snapshots",
]


@pytest.mark.parametrize("template", [r for r in READ_ROUTES if r != "/cluster"])
def test_list_answers(face: tuple[Face, Any], template: str) -> None:
    client, _ = face
    client.login()
    status, body = client.request("GET", template)
    assert status == 200
    assert body["data"], f"{template} answered an empty list: nothing was checked"
    assert_conforms("GET", template, body)


def test_stats_answer(face: tuple[Face, Any]) -> None:
    client, simulator = face
    client.login()
    status, body = client.request("GET", "/stats?resolution_secs=60")
    assert status == 200
    assert set(body["data"]["all"]) == {"ops", "object_storage"}
    assert_conforms("GET", "/stats", body)
    assert {row["stat"] for row in body["data"]["all"]["ops"]} >= {"READ_LATENCY", "WRITE_LATENCY", "OPS"}


def test_client_reads_answer(face: tuple[Face, Any]) -> None:
    """The per-client entries of `/stats/realtime` (one WEKA client per GPU node) are in the 3.14 shape and
    read back as the simulator's data feed has them: hostname, read rate, latency, object-store reads."""
    client, simulator = face
    client.login()
    status, body = client.request("GET", "/stats/realtime")
    assert status == 200
    assert_conforms("GET", "/stats/realtime", body)
    read = {reads.hostname: reads for reads in wire.parse_client_reads(body["data"])}
    expected = simulator.feed.client_reads()
    assert expected and all(read[reads.hostname] == reads for reads in expected)
    starved = read["dgx-a100-01"]
    assert starved.obs_download_bytes_per_second > 0 and starved.read_latency_microseconds > 1000


def test_cluster_answer_against_the_3_14_model_and_the_4_4_capture(face: tuple[Face, Any]) -> None:
    client, _ = face
    client.login()
    status, body = client.request("GET", "/cluster")
    assert status == 200
    data = body["data"]
    problems = check_cluster(data, "InlineResponse2004Data", CAPTURE, "GET /cluster data")
    assert not problems, "\n".join(problems)
    # The keys reference §5 lists as what rwc and an admin read, all present.
    for key in ("name", "guid", "release", "status", "io_status", "active_alerts_count", "drives", "hosts"):
        assert key in data
    assert set(data["capacity"]) >= {"total_bytes", "hot_spare_bytes", "unprovisioned_bytes"}
    assert set(data["activity"]) == set(CAPTURE["activity"])
    assert data["status"] in ENUMS["InlineResponse2004Data", "status"]


def test_single_objects_and_tasks(face: tuple[Face, Any]) -> None:
    client, simulator = face
    client.login()
    fs = simulator.weka.filesystems()[0]
    snapshot = simulator.weka.snapshots()[0]
    for template, path in (
        ("/fileSystems/{uid}", f"/fileSystems/{fs.uid}"),
        ("/snapshots/{uid}", f"/snapshots/{snapshot.uid}"),
        ("/tasks", "/tasks"),
    ):
        status, body = client.request("GET", path)
        assert status == 200
        assert_conforms("GET", template, body)
    assert client.request("GET", "/tasks")[1]["data"], "the demo has an upload in flight: a task to check"


def test_action_answers(face: tuple[Face, Any]) -> None:
    """Each action once, with the live client's own request bodies, in an order where each can succeed."""
    client, simulator = face
    client.login()
    weka = simulator.weka
    uid = {fs.name: fs.uid for fs in weka.filesystems()}
    bucket_uid = {b.name: b.uid for b in weka.buckets()}
    answers: list[tuple[str, str, int, Any]] = []

    def do(method: str, template: str, path: str, body: Any = None) -> Any:
        status, answer = client.request(method, path, body)
        answers.append((method, template, status, answer))
        assert status == 200, (method, path, answer)
        return answer["data"]

    create = wire.filesystem_create_body(
        FilesystemSpec("conformance", "tiered", 4 * TIB, ssd_capacity_bytes=TIB, obs_bucket="obs-local")
    )
    do("POST", "/fileSystems", "/fileSystems", create)
    advance(simulator, 10)  # ready
    created = next(fs.uid for fs in weka.filesystems() if fs.name == "conformance")
    do("PUT", "/fileSystems/{uid}", f"/fileSystems/{created}", wire.filesystem_resize_body(6 * TIB, 2 * TIB))
    do(
        "DELETE",
        "/fileSystems/{uid}/objectStoreBuckets/{obs_uid}",
        f"/fileSystems/{created}/objectStoreBuckets/{bucket_uid['obs-local']}",
    )
    advance(simulator, 5)
    do(
        "POST",
        "/fileSystems/{uid}/objectStoreBuckets",
        f"/fileSystems/{created}/objectStoreBuckets",
        wire.attach_body("obs-local"),
    )
    snap = do(
        "POST", "/snapshots", "/snapshots", wire.snapshot_create_body(SnapshotSpec(created, "conf-snap"))
    )
    do("POST", "/snapshots/{uid}/upload", f"/snapshots/{snap['uid']}/upload", wire.upload_body("LOCAL"))
    do("POST", "/snapshots/{fs_uid}/{uid}/restore", f"/snapshots/{created}/{snap['uid']}/restore", {})
    synced = next(
        s
        for s in weka.snapshots()
        if s.stow_status is StowStatus.SYNCHRONIZED and s.filesystem_name == "datasets"
    )
    download = FilesystemFromSnapshotSpec("conf-dr", "tiered", 200 * TIB, TIB, "obs-local", synced.locator)
    do("POST", "/fileSystems/download", "/fileSystems/download", wire.filesystem_download_body(download))
    cache = uid["inference-cache"]  # no schedule uploads from it: a running upload would refuse the delete
    spare = do("POST", "/snapshots", "/snapshots", wire.snapshot_create_body(SnapshotSpec(cache, "conf-2")))
    do("DELETE", "/snapshots/{uid}", f"/snapshots/{spare['uid']}")
    empty = next(fs.uid for fs in weka.filesystems() if fs.name == "conf-dr")
    advance(simulator, 3600)
    do("DELETE", "/fileSystems/{uid}", f"/fileSystems/{empty}")
    assert len(answers) == 11
    for method, template, _, answer in answers:
        assert_conforms(method, template, answer)


@pytest.mark.parametrize(
    ("case", "expected_status"),
    [("unknown-group", 400), ("unknown-fs", 404), ("duplicate", 409), ("viewer", 403), ("no-token", 401)],
)
def test_error_bodies(face: tuple[Face, Any], case: str, expected_status: int) -> None:
    """Errors as reference §3.2 recommends (`message`, `data{exceptionClass, error}`); 401 `{"data": str}`."""
    client, simulator = face
    client.login("viewer" if case == "viewer" else "admin")
    home = next(fs.uid for fs in simulator.weka.filesystems() if fs.name == "home")
    requests = {
        "unknown-group": (
            "POST",
            "/fileSystems",
            wire.filesystem_create_body(FilesystemSpec("x", "nope", TIB)),
        ),
        "unknown-fs": ("GET", "/fileSystems/no-such-uid", None),
        "duplicate": (
            "POST",
            "/fileSystems",
            wire.filesystem_create_body(FilesystemSpec("home", "default", TIB)),
        ),
        "viewer": ("PUT", f"/fileSystems/{home}", wire.filesystem_resize_body(30 * TIB, None)),
        "no-token": ("GET", "/cluster", None),
    }
    method, path, body = requests[case]
    status, answer = client.request(method, path, body, token="" if case == "no-token" else None)
    assert status == expected_status
    if status == 401:
        # The 3.14 spec's 401 body is {"data": "<text>"} (reference §2.2; not among the inventory's models).
        assert set(answer) == {"data"} and isinstance(answer["data"], str)
        return
    problems = check(answer, "InlineResponse400", f"{status} body")
    assert not problems, "\n".join(problems)
    assert isinstance(answer["data"]["exceptionClass"], list) and answer["data"]["exceptionClass"]
    if case == "unknown-group":
        assert answer["data"]["param"] == "group_name"
    if case == "unknown-fs":
        assert answer["data"]["exceptionClass"][0] == "FilesystemDoesNotExistException"


# -- what the live client sends, and what it reads -----------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "body"),
    [
        ("LoginBody", wire.login_body("admin", "pw", "Root")),
        ("LoginRefreshBody", {"refresh_token": "r"}),
        (
            "FileSystemsBody",
            wire.filesystem_create_body(
                FilesystemSpec("a", "g", TIB, TIB // 2, encrypted=True, obs_bucket="obs")
            ),
        ),
        ("FileSystemsUidBody", wire.filesystem_resize_body(TIB, TIB // 2)),
        (
            "FileSystemsDownloadBody",
            wire.filesystem_download_body(FilesystemFromSnapshotSpec("a", "g", TIB, 1, "o", "l")),
        ),
        ("SnapshotsBody", wire.snapshot_create_body(SnapshotSpec("fs", "s", "ap", is_writable=True))),
        ("UidUploadBody", wire.upload_body("remote")),
        ("UidObjectStoreBucketsBody", wire.attach_body("obs-local")),
    ],
)
def test_request_bodies_the_client_sends(model: str, body: dict[str, Any]) -> None:
    problems = check(body, model, model)
    assert not problems, "\n".join(problems)


def test_the_client_reads_the_real_4_4_status_capture() -> None:
    reading = wire.parse_cluster(CAPTURE)
    assert (reading.name, reading.release, reading.io_status) == ("weka-infra", "4.4.2.157-k8s.2", "STARTED")
    assert reading.status.value == "OK"
    assert reading.total_capacity_bytes == CAPTURE["capacity"]["total_bytes"]
    assert reading.unprovisioned_capacity_bytes == CAPTURE["capacity"]["unprovisioned_bytes"]
    assert reading.drives == (36, 36)
    assert reading.backends == (12, 13)  # `containers.backends` (4.4), not the physical `servers`
    assert reading.clients == (4, 4)
    assert reading.active_alerts_count == 34
    sample = wire.sample_from_activity(reading, 0.0, reading.cluster_time)  # type: ignore[arg-type]
    assert sample is not None and sample.iops == 0.0
