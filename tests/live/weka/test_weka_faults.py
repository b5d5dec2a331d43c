"""Faults on every route the client uses -> the right `console.data.errors` type; the password never leaks.

The fault injector of `SimHttpServer` answers a matching request with a status (WEKA's error body), holds it
past the client's timeout, drops the connection, or sends JSON that does not parse.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from weka_support import PASSWORD, FakeClock, make_client

from console.backends.live.weka import WekaClient
from console.data.errors import (
    BackendError,
    BadResponse,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Timeout,
    Unauthorized,
    Unavailable,
)
from console.model import FilesystemFromSnapshotSpec, FilesystemSpec, SnapshotSpec, StowStatus
from console.sim.http.base import Fault, FaultKind, SimHttpServer
from console.sim.http.weka import ACCESS_TOKEN_SECONDS
from console.sim.simulator import Simulator
from console.sim.weka_units import TIB

CLIENT_TIMEOUT = 0.4
"""The client's timeout where a held answer must time out (the server holds it HELD_SECONDS)."""
HELD_SECONDS = 1.5
PATIENT_TIMEOUT = 10.0
"""Where the answer is a prompt error, a loaded CI machine must not turn it into a timeout."""


def timeout_for(fault: Fault) -> float:
    return CLIENT_TIMEOUT if fault.kind is FaultKind.TIMEOUT else PATIENT_TIMEOUT


Call = Callable[[WekaClient, Simulator], Awaitable[Any]]


def _fs(sim: Simulator, name: str) -> str:
    return next(fs.uid for fs in sim.weka.filesystems() if fs.name == name)


def _snap(sim: Simulator, fs_name: str, *, uploaded: bool = False) -> Any:
    return next(
        s
        for s in sim.weka.snapshots()
        if s.filesystem_name == fs_name and (not uploaded or s.stow_status is StowStatus.SYNCHRONIZED)
    )


def _download(sim: Simulator) -> FilesystemFromSnapshotSpec:
    locator = _snap(sim, "datasets", uploaded=True).locator
    return FilesystemFromSnapshotSpec("datasets-dr", "tiered", 200 * TIB, 2 * TIB, "obs-local", locator)


# (id, method, path pattern, a client call that sends that request with otherwise valid arguments)
ROUTES: list[tuple[str, str, str, Call]] = [
    ("login", "POST", r"/login$", lambda c, s: c.login()),
    ("cluster", "GET", r"/cluster$", lambda c, s: c.weka_cluster()),
    # /stats/realtime and /fileSystems are parts weka_cluster() does without: see the test below.
    ("stats", "GET", r"/stats$", lambda c, s: c.weka_metrics(60)),
    ("alerts", "GET", r"/alerts$", lambda c, s: c.alerts()),
    ("groups", "GET", r"/fileSystemGroups$", lambda c, s: c.filesystem_groups()),
    ("buckets", "GET", r"/objectStoreBuckets$", lambda c, s: c.buckets()),
    ("filesystems", "GET", r"/fileSystems$", lambda c, s: c.filesystems()),
    ("filesystem", "GET", r"/fileSystems/[^/]+$", lambda c, s: c.filesystem(_fs(s, "home"))),
    ("snapshots", "GET", r"/snapshots$", lambda c, s: c.snapshots()),
    ("snapshot", "GET", r"/snapshots/[^/]+$", lambda c, s: c.snapshot(_snap(s, "home").uid)),
    (
        "create-fs",
        "POST",
        r"/fileSystems$",
        lambda c, s: c.create_filesystem(FilesystemSpec("projects", "default", 2 * TIB)),
    ),
    ("resize-fs", "PUT", r"/fileSystems/[^/]+$", lambda c, s: c.resize_filesystem(_fs(s, "home"), 24 * TIB)),
    ("delete-fs", "DELETE", r"/fileSystems/[^/]+$", lambda c, s: c.delete_filesystem(_fs(s, "home"))),
    (
        "attach",
        "POST",
        r"/objectStoreBuckets$",
        lambda c, s: c.set_filesystem_tiering(_fs(s, "inference-cache"), "obs-local"),
    ),
    (
        "detach",
        "DELETE",
        r"/objectStoreBuckets/[^/]+$",
        lambda c, s: c.set_filesystem_tiering(_fs(s, "checkpoints"), None),
    ),
    (
        "download",
        "POST",
        r"/fileSystems/download$",
        lambda c, s: c.create_filesystem_from_snapshot(_download(s)),
    ),
    (
        "create-snap",
        "POST",
        r"/snapshots$",
        lambda c, s: c.create_snapshot(SnapshotSpec(_fs(s, "home"), "before-cleanup")),
    ),
    ("delete-snap", "DELETE", r"/snapshots/[^/]+$", lambda c, s: c.delete_snapshot(_snap(s, "home").uid)),
    (
        "restore",
        "POST",
        r"/restore$",
        lambda c, s: c.restore_snapshot(_snap(s, "inference-cache").uid),
    ),
    ("upload", "POST", r"/upload$", lambda c, s: c.upload_snapshot(_snap(s, "scratch").uid)),
]

FAULTS: list[tuple[str, Fault, type[BackendError]]] = [
    ("400", Fault(FaultKind.STATUS, status=400), Invalid),
    ("401", Fault(FaultKind.STATUS, status=401), Unauthorized),
    ("403", Fault(FaultKind.STATUS, status=403), Forbidden),
    ("404", Fault(FaultKind.STATUS, status=404), NotFound),
    ("409", Fault(FaultKind.STATUS, status=409), Conflict),
    ("429", Fault(FaultKind.STATUS, status=429), RateLimited),
    ("500", Fault(FaultKind.STATUS, status=500), Unavailable),
    ("503", Fault(FaultKind.STATUS, status=503), Unavailable),
    ("timeout", Fault(FaultKind.TIMEOUT, delay_seconds=HELD_SECONDS), Timeout),
    ("drop", Fault(FaultKind.DROP), Unavailable),
    ("malformed", Fault(FaultKind.MALFORMED), BadResponse),
]


@pytest.mark.parametrize(("route_id", "method", "pattern", "call"), ROUTES, ids=[r[0] for r in ROUTES])
@pytest.mark.parametrize(("fault_id", "fault", "expected"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_fault_maps_to_typed_error(
    server: SimHttpServer,
    sim: Simulator,
    route_id: str,
    method: str,
    pattern: str,
    call: Call,
    fault_id: str,
    fault: Fault,
    expected: type[BackendError],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(server, timeout=timeout_for(fault))
    try:
        if route_id != "login":
            await client.login()
        server.faults.add(
            Fault(
                fault.kind,
                f"^/api/v2.*{pattern}",
                method,
                fault.status,
                fault.delay_seconds,
                message="injected",
            )
        )
        with pytest.raises(expected) as error:
            await call(client, sim)
        assert error.value.service == "weka"
        if fault.kind is FaultKind.STATUS:
            assert error.value.status == fault.status
        if fault_id == "429":
            assert isinstance(error.value, RateLimited) and error.value.retry_after == 1.0
        seen = [str(error.value), repr(error.value), repr(vars(error.value)), repr(client), caplog.text]
        assert not [text for text in seen if PASSWORD in text]
    finally:
        server.faults.clear()
        await client.aclose()


@pytest.mark.parametrize(
    ("fault_id", "fault", "expected"),
    [f for f in FAULTS if f[0] not in ("400", "401", "403")],
    ids=[f[0] for f in FAULTS if f[0] not in ("400", "401", "403")],
)
async def test_fault_on_refresh_maps_to_typed_error(
    server: SimHttpServer,
    face_clock: FakeClock,
    fault_id: str,
    fault: Fault,
    expected: type[BackendError],
) -> None:
    client = make_client(server, timeout=timeout_for(fault))
    try:
        await client.filesystem_groups()
        face_clock.advance(ACCESS_TOKEN_SECONDS + 1)
        server.faults.add(Fault(fault.kind, r"/login/refresh$", "POST", fault.status, fault.delay_seconds))
        with pytest.raises(expected):
            await client.filesystem_groups()
    finally:
        server.faults.clear()
        await client.aclose()


@pytest.mark.parametrize("status", [400, 401, 403])
async def test_a_refused_refresh_falls_back_to_login(
    server: SimHttpServer, face_clock: FakeClock, status: int
) -> None:
    """400/401/403 on refresh mean the refresh token is no good: log in again (what CSI does, §2.1)."""
    client = make_client(server)
    try:
        await client.filesystem_groups()
        face_clock.advance(ACCESS_TOKEN_SECONDS + 1)
        server.faults.add(Fault(FaultKind.STATUS, r"/login/refresh$", "POST", status, times=1))
        server.requests_seen.clear()
        assert await client.filesystem_groups()
        assert ("POST", "/api/v2/login") in server.requests_seen
    finally:
        await client.aclose()


async def test_a_fault_once_then_the_call_works(server: SimHttpServer, client: WekaClient) -> None:
    """Nothing sticks in the client after a failure: the Store's retry gets a normal answer."""
    server.faults.add(Fault(FaultKind.DROP, r"/fileSystemGroups$", times=1))
    with pytest.raises(Unavailable):
        await client.filesystem_groups()
    assert await client.filesystem_groups()


async def test_does_not_exist_classes_answered_with_400_are_not_found(server: SimHttpServer) -> None:
    """WEKA answers "object does not exist" with 400 in several calls (§3.2): the exception class decides."""
    from console.sim.http import weka as face

    original = face.weka_error_body

    def body_with_400(status: int, message: str, extra: dict[str, Any]) -> Any:
        return original(status, message, {"exceptionClass": ["FilesystemDoesNotExistException"]})

    server.error_body = body_with_400
    server.faults.add(Fault(FaultKind.STATUS, r"/fileSystems/[^/]+$", "GET", status=400))
    client = make_client(server)
    try:
        with pytest.raises(NotFound):
            await client.filesystem("whatever")
    finally:
        await client.aclose()


async def test_invalid_names_the_field(client: WekaClient) -> None:
    with pytest.raises(Invalid) as error:
        await client.create_filesystem(FilesystemSpec("projects", "no-such-group", 2 * TIB))
    assert error.value.field == "group_name"
    assert error.value.status == 400


async def test_the_password_never_appears_in_errors_reprs_or_logs(
    server: SimHttpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A rejected login, a successful one and a failing call: error texts and reprs, the client's repr and
    attributes, and every log record at DEBUG (httpx and httpcore included) are searched for the password.
    (Each fault test above also checks its own error and logs.)"""
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    wrong = make_client(server, "admin", PASSWORD + "-typo")
    right = make_client(server, "admin", PASSWORD)
    try:
        with pytest.raises(Unauthorized) as rejected:
            await wrong.alerts()
        await right.alerts()
        server.faults.add(Fault(FaultKind.STATUS, r"/alerts$", status=500, message="boom"))
        with pytest.raises(Unavailable) as failed:
            await right.alerts()
        for error in (rejected.value, failed.value):
            texts += [str(error), repr(error), repr(vars(error)), repr(error.args)]
        for client in (wrong, right):
            texts += [repr(client), repr(vars(client))]
    finally:
        await wrong.aclose()
        await right.aclose()
    texts.append(caplog.text)
    texts.extend(record.getMessage() for record in caplog.records)
    assert caplog.records, "httpx should have logged the requests"
    assert not [text for text in texts if PASSWORD in text]


@pytest.mark.parametrize(
    ("part", "pattern"), [("latency", r"/stats/realtime$"), ("capacity", r"/fileSystems$")]
)
@pytest.mark.parametrize("fault_id", ["404", "500", "malformed", "drop"])
async def test_a_fault_on_an_optional_part_of_the_cluster_leaves_the_rest(
    server: SimHttpServer, part: str, pattern: str, fault_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`/cluster` is what the overview cannot do without; a failing realtime-stats or filesystems
    route leaves its latency (NaN, drawn as —) or its capacity sums unknown, reported as a missing part."""
    from console.data.unreadable import tallying

    _, fault, _ = next(f for f in FAULTS if f[0] == fault_id)
    client = make_client(server, timeout=PATIENT_TIMEOUT)
    try:
        await client.login()
        server.faults.add(Fault(fault.kind, f"^/api/v2.*{pattern}", "GET", fault.status, message="injected"))
        with tallying() as tally:
            cluster = await client.weka_cluster()
        assert cluster.name and cluster.drives_total > 0  # /cluster's own figures
        if part == "latency":
            assert cluster.latest is not None and math.isnan(cluster.latest.latency_microseconds)
            assert not cluster.filesystem_totals_unknown
        else:
            assert cluster.filesystem_totals_unknown
        [missing] = tally.missing()
        assert missing.part.startswith("WEKA") and missing.reason
        assert PASSWORD not in caplog.text
    finally:
        server.faults.clear()
        await client.aclose()
