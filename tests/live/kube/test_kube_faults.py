"""Faults on every call KubeClient makes become the right `console.data` error, and never anything else.

Each fault is injected in the simulator's face (base.py's FaultInjector) on the request the operation makes:
an error status with a Status body, a server that holds the request past the client's timeout, a dropped
connection, a 200 with a body that is not JSON. The bearer token must not appear in any message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from kube_fixtures import ADMIN, SECRET_TOKENS, KubeEnv

from console.backends.live.kube import KubeClient
from console.config import ConfigError
from console.data.errors import (
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
from console.model.runai import WorkloadPhase, WorkloadType
from console.sim.http.base import Fault, FaultKind
from console.sim.http.kubeconfig import write_kubeconfig

CLIENT_TIMEOUT = 0.5
SERVER_HOLD = 2.0

Operation = Callable[[KubeClient, KubeEnv], Awaitable[object]]


def _running_pod(env: KubeEnv) -> tuple[str, str, str]:
    workload = next(
        w
        for w in env.sim.runai.workloads(ADMIN)
        if w.phase is WorkloadPhase.RUNNING and w.type is WorkloadType.TRAINING
    )
    namespace = next(p.namespace for p in env.sim.runai.projects(ADMIN) if p.name == workload.project_name)
    return workload.id, namespace, env.sim.runai.workload(ADMIN, workload.id).pods[0].name


async def _nodes(client: KubeClient, env: KubeEnv) -> object:
    return await client.nodes()


async def _pods(client: KubeClient, env: KubeEnv) -> object:
    return await client.pods_of_workload(_running_pod(env)[0])


async def _gpus(client: KubeClient, env: KubeEnv) -> object:
    return await client.gpus("dgx-a100-04")


async def _cordon(client: KubeClient, env: KubeEnv) -> object:
    return await client.cordon_node("dgx-a100-01")


async def _drain(client: KubeClient, env: KubeEnv) -> object:
    return await client.drain_node("dgx-a100-01")


async def _logs(client: KubeClient, env: KubeEnv) -> object:
    _, namespace, pod = _running_pod(env)
    return [line async for line in client.workload_logs(namespace, pod, tail_lines=5)]


async def _follow(client: KubeClient, env: KubeEnv) -> object:
    _, namespace, pod = _running_pod(env)
    follow = client.workload_logs(namespace, pod, follow=True, tail_lines=5)
    lines = []
    try:
        async for line in follow:
            lines.append(line)
            if len(lines) == 5:
                break
    finally:
        await follow.aclose()
    return lines


async def _evict(client: KubeClient, env: KubeEnv) -> object:
    _, namespace, pod = _running_pod(env)
    return await client.evict_pod(namespace, pod)


OPERATIONS: dict[str, tuple[Operation, str, str]] = {
    # name: (operation, path pattern of the request to break, method)
    "nodes": (_nodes, r"^/api/v1/nodes$", "GET"),
    "nodes-pods": (_nodes, r"^/api/v1/pods$", "GET"),
    "pods": (_pods, r"^/api/v1/pods$", "GET"),
    "gpus": (_gpus, r"^/api/v1/nodes/dgx-a100-04$", "GET"),
    "cordon": (_cordon, r"^/api/v1/nodes/dgx-a100-01$", "PATCH"),
    "drain-read": (_drain, r"^/api/v1/nodes/dgx-a100-01$", "GET"),
    "drain-patch": (_drain, r"^/api/v1/nodes/dgx-a100-01$", "PATCH"),
    "logs": (_logs, r"/log$", "GET"),
    "follow": (_follow, r"/log$", "GET"),
    "evict": (_evict, r"/eviction$", "POST"),
}

FAULTS: dict[str, tuple[Fault, type[BackendError]]] = {
    "401": (Fault(FaultKind.STATUS, status=401, message="Unauthorized"), Unauthorized),
    "403": (Fault(FaultKind.STATUS, status=403, message='nodes "x" is forbidden'), Forbidden),
    "404": (Fault(FaultKind.STATUS, status=404, message='nodes "x" not found'), NotFound),
    "409": (Fault(FaultKind.STATUS, status=409, message="the object has been modified"), Conflict),
    "429": (Fault(FaultKind.STATUS, status=429, message="Too many requests"), RateLimited),
    "500": (Fault(FaultKind.STATUS, status=500, message="etcdserver: request timed out"), Unavailable),
    "503": (Fault(FaultKind.STATUS, status=503, message="the server is shutting down"), Unavailable),
    "timeout": (Fault(FaultKind.TIMEOUT, delay_seconds=SERVER_HOLD), Timeout),
    "drop": (Fault(FaultKind.DROP), Unavailable),
    "malformed": (Fault(FaultKind.MALFORMED), BadResponse),
}

NOT_AN_ERROR: dict[tuple[str, str], str] = {
    ("logs", "malformed"): "a log is text: a 200 with any body is log lines (they are shown, not parsed)",
    ("follow", "malformed"): "a log is text: a 200 with any body is log lines (they are shown, not parsed)",
    ("evict", "404"): "evicting a pod that is already gone counts as done (kubectl drain does the same)",
}
"""Operation/fault pairs that are, by design, not errors."""

RETRIED: dict[tuple[str, str], str] = {
    ("drain-patch", "409"): "a taint patch that conflicts is read and sent again (CONFLICT_ATTEMPTS)",
}


def assert_no_secret(error: BaseException) -> None:
    for text in (str(error), repr(error), getattr(error, "message", "")):
        for token in SECRET_TOKENS:
            assert token not in text, f"the bearer token leaked into {type(error).__name__}: {text}"


@pytest.mark.parametrize("fault_name", list(FAULTS))
@pytest.mark.parametrize("operation_name", list(OPERATIONS))
async def test_a_fault_becomes_the_right_error(
    kube_env: KubeEnv, operation_name: str, fault_name: str
) -> None:
    operation, path, method = OPERATIONS[operation_name]
    template, expected = FAULTS[fault_name]
    times = 1 if (operation_name, fault_name) in RETRIED else None
    kube_env.server.faults.add(
        Fault(
            template.kind,
            path_pattern=path,
            method=method,
            status=template.status,
            delay_seconds=template.delay_seconds,
            message=template.message,
            times=times,
        )
    )
    # Short only where the answer is held past it: elsewhere a loaded CI machine must not turn a
    # prompt error into a timeout.
    client = kube_env.client(request_timeout=CLIENT_TIMEOUT if template.kind is FaultKind.TIMEOUT else 10.0)
    try:
        if (operation_name, fault_name) in NOT_AN_ERROR or (operation_name, fault_name) in RETRIED:
            await operation(client, kube_env)
            return
        with pytest.raises(BackendError) as raised:
            await operation(client, kube_env)
    finally:
        await client.aclose()
    error = raised.value
    assert type(error) is expected, f"{operation_name}/{fault_name}: {type(error).__name__}: {error}"
    assert error.service == "kubernetes"
    if template.kind is FaultKind.STATUS:
        assert error.status == template.status
        assert template.message in error.message  # the Status message is what the user reads
    assert_no_secret(error)


async def test_a_wrong_token_is_unauthorized_and_never_echoed(kube_env: KubeEnv) -> None:
    wrong = "rwc-wrong-token-5e6f7a8b9c0d"
    client = kube_env.client(wrong)
    try:
        for call in (client.nodes(), client.gpus(), client.cordon_node("dgx-a100-01"), client.version()):
            try:
                await call
            except Unauthorized as error:
                assert wrong not in f"{error} {error!r}"
                assert str(error) == "Unauthorized (kubernetes 401)"
            else:
                assert call.__name__ == "version", "only /version is readable without credentials"
    finally:
        await client.aclose()


async def test_a_server_that_is_not_there_is_unavailable(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = write_kubeconfig(tmp_path / "gone.json", f"http://127.0.0.1:{port}", SECRET_TOKENS[0])
    client = KubeClient(path, "rwc-sim", request_timeout=CLIENT_TIMEOUT)
    try:
        with pytest.raises(Unavailable) as raised:
            await client.nodes()
        assert type(raised.value) is Unavailable
        assert_no_secret(raised.value)
    finally:
        await client.aclose()


def test_an_unusable_kubeconfig_is_a_config_error(kube_env: KubeEnv, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no-such-context"):
        KubeClient(kube_env.kubeconfig, "no-such-context")
    with pytest.raises(ConfigError):
        KubeClient(tmp_path / "missing.json", "rwc-sim")
    (tmp_path / "junk.json").write_text("{not yaml: [", encoding="utf-8")
    with pytest.raises(ConfigError):
        KubeClient(tmp_path / "junk.json", "rwc-sim")


async def test_a_list_item_missing_a_required_field_is_left_out_and_counted(kube_env: KubeEnv) -> None:
    """Valid JSON with the wrong shape (a node without a name) is neither a KeyError nor a pydantic
    ValidationError (the client parses raw JSON itself), nor the end of the list: that item is left out
    and counted for the screen's notice, the readable one is kept."""
    from console.data.unreadable import UnreadableItems, tallying
    from console.sim.http.base import Response

    good = {"metadata": {"name": "n1", "creationTimestamp": "2026-03-01T10:00:00Z"}}
    router = kube_env.server.router
    router.add(
        "GET", "/api/v1/nodes", lambda request: Response.json(200, {"kind": "NodeList", "items": [{}, good]})
    )
    router._routes.insert(0, router._routes.pop())  # noqa: SLF001 - ours first
    client = kube_env.client()
    try:
        with tallying() as tally:
            nodes = await client.nodes()
        assert [node.name for node in nodes] == ["n1"]
        assert tally.found() == (UnreadableItems("node", 1),)
    finally:
        await client.aclose()


async def test_the_profiles_tls_settings_override_the_kubeconfigs(kube_env: KubeEnv, tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not used over plain http", encoding="utf-8")
    client = KubeClient(kube_env.kubeconfig, "rwc-sim", ca_bundle=bundle, insecure=True)
    try:
        configuration = client._api_client.configuration  # noqa: SLF001 - what the pool manager was built from
        assert configuration.verify_ssl is False
        assert configuration.ssl_ca_cert == str(bundle)
        assert configuration.retries is False
        assert len(await client.nodes()) == 11
    finally:
        await client.aclose()
