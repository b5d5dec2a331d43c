"""Faults on every Run:ai route become the right `console.data.errors` type, never anything else.

Each route the client uses gets each fault from the face's injector (real HTTP, nothing patched): 401 (one
token renewal, then success when the token had just expired, or Unauthorized when it keeps failing), 403,
404, 409, 429 (with Retry-After), 500, 503, a timeout (a short client timeout), a dropped connection, a body
that is not JSON, and a 200 whose JSON lacks the fields the client needs. And no secret ever shows in an
error's message, repr or formatted traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from runai_harness import ADMIN, RESEARCHER, SECRETS, ClientFactory, Served

from console.backends.live.runai import RunaiClient
from console.data.errors import (
    ActionAccepted,
    BackendError,
    BadResponse,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Timeout,
    Unauthorized,
    Unavailable,
)
from console.model import GpuRequest, PoolQuota, WorkloadFilter, WorkloadSpec, WorkloadType
from console.sim.http.base import Fault, FaultKind

TRAINING = "4a564ed2"  # yolov8-detect (Running)
STOPPED = "70a1bc5f"  # gpt-neox-pretrain-v0 (Stopped)


def _workload_id(served: Served, prefix: str = TRAINING) -> str:
    return next(w for w in served.simulator.runai.state.workloads if w.startswith(prefix))


@dataclass(frozen=True)
class Route:
    """One request a client method makes: the fault goes to `method` + `pattern` only."""

    name: str
    call: Callable[[RunaiClient, Served], Awaitable[Any]]
    method: str
    pattern: str
    parses_body: bool = True
    changes_state: bool = False


SPEC = WorkloadSpec("fault-probe", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.whole(1))

ROUTES = [
    Route("cluster", lambda c, s: c.cluster(), "GET", r"^/api/v1/clusters$"),
    Route("identity", lambda c, s: c.identity(), "GET", r"/authorization/me/access-rules$"),
    Route("projects", lambda c, s: c.projects(), "GET", r"^/api/v1/org-unit/projects$"),
    Route("projects-counts", lambda c, s: c.projects(), "GET", r"^/api/v1/workloads/telemetry$"),
    Route("project", lambda c, s: c.project("5"), "GET", r"^/api/v1/org-unit/projects/5$"),
    Route("departments", lambda c, s: c.departments(), "GET", r"^/api/v1/org-unit/departments$"),
    Route("department", lambda c, s: c.departments(), "GET", r"^/api/v1/org-unit/departments/3$"),
    Route("node-pools", lambda c, s: c.node_pools(), "GET", r"^/api/v1/node-pools$"),
    Route("node-pools-telemetry", lambda c, s: c.node_pools(), "GET", r"^/api/v1/nodes/telemetry$"),
    Route("nodes", lambda c, s: c.nodes(), "GET", r"^/api/v1/nodes$"),
    Route("nodes-telemetry", lambda c, s: c.nodes(), "GET", r"^/api/v1/nodes/telemetry$"),
    Route("workloads", lambda c, s: c.workloads(), "GET", r"^/api/v1/workloads$"),
    Route(
        "workloads-filtered",
        lambda c, s: c.workloads(WorkloadFilter(project_name="vision")),
        "GET",
        r"^/api/v1/workloads$",
    ),
    Route("workloads-pods", lambda c, s: c.workloads(), "GET", r"^/api/v1/workloads/pods$"),
    Route("workload", lambda c, s: c.workload(_workload_id(s)), "GET", r"^/api/v1/workloads/[0-9a-f-]{36}$"),
    Route(
        "workload-pods", lambda c, s: c.workload(_workload_id(s)), "GET", r"/workloads/[0-9a-f-]{36}/pods$"
    ),
    Route("workload-events", lambda c, s: c.workload(_workload_id(s)), "GET", r"/[0-9a-f-]{36}/events$"),
    Route("describe", lambda c, s: c.describe_workload(_workload_id(s)), "GET", r"/workloads/[0-9a-f-]{36}$"),
    Route(
        "create-project",
        lambda c, s: c.create_project("fault-team", "2", [PoolQuota("a100", 1)]),
        "POST",
        r"^/api/v1/org-unit/projects$",
        changes_state=True,
    ),
    Route(
        "update-project-quotas",
        lambda c, s: c.update_project_quotas("5", [PoolQuota("a100", 5)]),
        "PATCH",
        r"/org-unit/projects/5/resources$",
        parses_body=False,
        changes_state=True,
    ),
    Route(
        "delete-project",
        lambda c, s: c.delete_project("11"),
        "DELETE",
        r"/org-unit/projects/11$",
        parses_body=False,
        changes_state=True,
    ),
    Route(
        "update-department-quotas",
        lambda c, s: c.update_department_quotas("3", [PoolQuota("a100", 7)]),
        "PATCH",
        r"/org-unit/departments/3/resources$",
        parses_body=False,
        changes_state=True,
    ),
    Route(
        "submit", lambda c, s: c.submit_workload(SPEC), "POST", r"/workloads/trainings$", changes_state=True
    ),
    Route(
        "suspend",
        lambda c, s: c.suspend_workload(_workload_id(s)),
        "POST",
        r"/suspend$",
        parses_body=False,
        changes_state=True,
    ),
    Route(
        "resume",
        lambda c, s: c.resume_workload(_workload_id(s, STOPPED)),
        "POST",
        r"/resume$",
        parses_body=False,
        changes_state=True,
    ),
    Route(
        "delete-workload",
        lambda c, s: c.delete_workload(_workload_id(s)),
        "DELETE",
        r"/workloads/trainings/",
        parses_body=False,
        changes_state=True,
    ),
]

ROUTES_WITH_2_18_FORMS = frozenset({"identity", "node-pools", "nodes"})
"""Top-level lists a 2.18 control plane lacks: the client tries the 2.18 route after a 404."""

STATUS_ERRORS: list[tuple[int, type[BackendError]]] = [
    (403, Forbidden),
    (404, NotFound),
    (409, Conflict),
    (429, RateLimited),
    (500, Unavailable),
    (503, Unavailable),
]

ERRORS_SEEN: list[BaseException] = []


def _params(*, stateful_only: bool = False) -> list[Any]:
    return [
        pytest.param(route, id=route.name, marks=[pytest.mark.mutates] if route.changes_state else [])
        for route in ROUTES
        if route.changes_state or not stateful_only
    ]


async def _expect(
    client: RunaiClient, served: Served, route: Route, kind: type[BackendError]
) -> BackendError:
    with pytest.raises(BackendError) as caught:
        await route.call(client, served)
    error = caught.value
    assert type(error) is kind, f"{route.name}: {type(error).__name__}: {error}"
    assert error.service == "runai"
    ERRORS_SEEN.append(error)
    return error


async def _expect_unreadable(client: RunaiClient, served: Served, route: Route) -> None:
    """A read answered 2xx with a body rwc cannot read: `BadResponse`. An action answered so was accepted
    (2xx): `ActionAccepted`, whose reason is the unreadable answer, never a failure that invites a retry."""
    if not route.changes_state:
        await _expect(client, served, route, BadResponse)
        return
    accepted = await _expect(client, served, route, ActionAccepted)
    assert isinstance(accepted, ActionAccepted) and type(accepted.reason) is BadResponse


def _inject(served: Served, route: Route, **fault: Any) -> Fault:
    return served.server.faults.add(Fault(path_pattern=route.pattern, method=route.method, **fault))


async def _warm(client: RunaiClient, served: Served, route: Route) -> None:
    """Get a token and the cluster id first, so the fault hits the route and not the set-up calls."""
    await (client.project("5") if route.name == "cluster" else client.cluster())


@pytest.mark.parametrize("route", _params())
@pytest.mark.parametrize(("status", "kind"), STATUS_ERRORS, ids=[str(status) for status, _ in STATUS_ERRORS])
async def test_status_faults(
    make_client: ClientFactory, served: Served, route: Route, status: int, kind: type[BackendError]
) -> None:
    client = make_client()
    await _warm(client, served, route)
    _inject(served, route, kind=FaultKind.STATUS, status=status, message=f"injected {status}")
    error = await _expect(client, served, route, kind)
    assert error.status == status
    if status == 404 and route.name in ROUTES_WITH_2_18_FORMS:
        # A 404 there means "an older control plane": its 2.18 route is tried, and 404s here too.
        assert "not available on this Run:ai version" in error.message
    else:
        assert error.message == f"injected {status}"
    if kind is RateLimited:
        assert isinstance(error, RateLimited) and error.retry_after == 1.0


@pytest.mark.parametrize("route", _params())
async def test_unauthorized_after_one_renewal(
    make_client: ClientFactory, served: Served, route: Route
) -> None:
    client = make_client()
    await _warm(client, served, route)
    before = client.tokens_fetched
    _inject(served, route, kind=FaultKind.STATUS, status=401, message="Issuer is not familiar.")
    error = await _expect(client, served, route, Unauthorized)
    assert error.status == 401 and error.message == "Issuer is not familiar."
    assert client.tokens_fetched == before + 1  # renewed once, then gave up


@pytest.mark.parametrize("route", _params())
async def test_one_401_renews_the_token_and_succeeds(
    make_client: ClientFactory, served: Served, route: Route
) -> None:
    client = make_client()
    await _warm(client, served, route)
    before = client.tokens_fetched
    _inject(served, route, kind=FaultKind.STATUS, status=401, times=1)
    await route.call(client, served)
    assert client.tokens_fetched == before + 1


@pytest.mark.parametrize("route", _params())
async def test_timeout(make_client: ClientFactory, served: Served, route: Route) -> None:
    client = make_client(timeout=0.4)
    await _warm(client, served, route)
    _inject(served, route, kind=FaultKind.TIMEOUT, delay_seconds=1.5)
    await _expect(client, served, route, Timeout)


@pytest.mark.parametrize("route", _params())
async def test_dropped_connection(make_client: ClientFactory, served: Served, route: Route) -> None:
    client = make_client()
    await _warm(client, served, route)
    _inject(served, route, kind=FaultKind.DROP)
    await _expect(client, served, route, Unavailable)


@pytest.mark.parametrize("route", [p for p in _params() if p.values[0].parses_body])
async def test_malformed_json(make_client: ClientFactory, served: Served, route: Route) -> None:
    client = make_client()
    await _warm(client, served, route)
    _inject(served, route, kind=FaultKind.MALFORMED)
    await _expect_unreadable(client, served, route)


@pytest.mark.parametrize("route", [p for p in _params() if p.values[0].parses_body])
async def test_json_without_the_needed_fields(
    make_client: ClientFactory, served: Served, route: Route
) -> None:
    client = make_client()
    await _warm(client, served, route)
    _inject(served, route, kind=FaultKind.STATUS, status=200)  # answers 200 {"code": 200, "message": ...}
    await _expect_unreadable(client, served, route)


# ================================================================================================
# the token endpoint
# ================================================================================================
async def test_wrong_secret(served: Served) -> None:
    async with RunaiClient(served.url, ADMIN.client_id, "not-the-secret", verify=False) as client:
        with pytest.raises(Unauthorized) as caught:
            await client.projects()
    assert caught.value.status == 401
    assert caught.value.message == "sign-in to Run:ai failed: Invalid client credentials."
    ERRORS_SEEN.append(caught.value)


async def test_unknown_client(served: Served) -> None:
    async with RunaiClient(served.url, "nobody", RESEARCHER.client_secret, verify=False) as client:
        with pytest.raises(Unauthorized):
            await client.cluster()


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (
            Fault(FaultKind.STATUS, r"^/api/v1/token$", status=400, message="Required parameter is missing"),
            Unauthorized,
        ),
        (Fault(FaultKind.STATUS, r"^/api/v1/token$", status=500), Unavailable),
        (Fault(FaultKind.STATUS, r"^/api/v1/token$", status=503), Unavailable),
        (Fault(FaultKind.STATUS, r"^/api/v1/token$", status=429), RateLimited),
        (Fault(FaultKind.DROP, r"^/api/v1/token$"), Unavailable),
        (Fault(FaultKind.MALFORMED, r"^/api/v1/token$"), BadResponse),
        (Fault(FaultKind.STATUS, r"^/api/v1/token$", status=200), BadResponse),
        (Fault(FaultKind.TIMEOUT, r"^/api/v1/token$", delay_seconds=1.5), Timeout),
    ],
    ids=["400", "500", "503", "429", "drop", "malformed", "no-token", "timeout"],
)
async def test_token_endpoint_faults(
    make_client: ClientFactory, served: Served, fault: Fault, kind: type[BackendError]
) -> None:
    served.server.faults.add(fault)
    with pytest.raises(BackendError) as caught:
        await make_client(timeout=0.4 if fault.kind is FaultKind.TIMEOUT else 10.0).projects()
    assert type(caught.value) is kind
    ERRORS_SEEN.append(caught.value)


async def test_token_is_renewed_before_it_expires(make_client: ClientFactory, served: Served) -> None:
    now = [1_000_000.0]
    client = make_client(wall_clock=lambda: now[0])
    await client.cluster()
    await client.cluster()
    assert client.tokens_fetched == 1  # reused
    # The face's tokens live 300 s (real time); the client renews 60 s before its own view of `exp`.
    token = client.session.current_token
    assert token is not None
    expires = __import__("console.wire.runai", fromlist=["jwt_claims"]).jwt_claims(token)["exp"]
    now[0] = expires - 61
    await client.cluster()
    assert client.tokens_fetched == 1
    now[0] = expires - 59
    await client.cluster()
    assert client.tokens_fetched == 2
    assert served.server.requests_seen.count(("POST", "/api/v1/token")) >= 2


async def test_expired_token_is_renewed_once_on_401(make_client: ClientFactory, served: Served) -> None:
    client = make_client()
    await client.cluster()
    served.face.expire_tokens()  # the server now refuses the client's token as expired
    assert (await client.cluster()).uuid == served.simulator.runai.cluster.uuid
    assert client.tokens_fetched == 2


async def test_short_lived_tokens_are_refreshed(make_client: ClientFactory) -> None:
    from runai_harness import new_simulator, serve

    running = serve(new_simulator(), token_lifetime_seconds=1)
    try:
        client = RunaiClient(running.url, ADMIN.client_id, ADMIN.client_secret, verify=False)
        try:
            await client.cluster()
            import asyncio

            await asyncio.sleep(1.1)
            await client.cluster()  # renewed before the call (its own clock), not after a 401
            assert client.tokens_fetched == 2
            assert ("POST", "/api/v1/token") in running.server.requests_seen
        finally:
            await client.aclose()
    finally:
        running.server.stop()


async def test_concurrent_calls_share_one_token(make_client: ClientFactory, served: Served) -> None:
    import asyncio

    client = make_client()
    await asyncio.gather(*(client.project("5") for _ in range(8)))
    assert client.tokens_fetched == 1


# ================================================================================================
# secrets
# ================================================================================================
async def test_no_secret_in_any_error_or_repr(make_client: ClientFactory, served: Served) -> None:
    """Every kind of error, on every route and on the token endpoint, is searched for the secrets.

    The errors are made here (the tests above add theirs when they ran in this process, but under
    pytest-xdist they may have run in another one)."""
    client = make_client()
    texts = [repr(client), str(client)]
    errors: list[BaseException] = list(ERRORS_SEEN)
    faults = [Fault(FaultKind.STATUS, status=status) for status in (401, 403, 404, 409, 429, 500)]
    faults += [Fault(FaultKind.DROP), Fault(FaultKind.MALFORMED)]
    for route in ROUTES:
        for fault in faults:
            if fault.kind is FaultKind.MALFORMED and not route.parses_body:
                continue
            served.server.faults.clear()
            await _warm(client, served, route)
            _inject(served, route, kind=fault.kind, status=fault.status)
            with pytest.raises(BackendError) as caught:
                await route.call(client, served)
            errors.append(caught.value)
    served.server.faults.clear()
    for kind in (FaultKind.DROP, FaultKind.MALFORMED):
        served.server.faults.add(Fault(kind, r"^/api/v1/token$", times=1))
        with pytest.raises(BackendError) as caught:
            await make_client().projects()
        errors.append(caught.value)
    assert len(errors) >= len(ROUTES) * (len(faults) - 1)
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
        texts += [repr(value) for value in vars(error).values()]
    for secret in SECRETS:
        leaks = [text for text in texts if secret in text]
        assert not leaks, leaks[0][:300]
