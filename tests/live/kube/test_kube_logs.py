"""Pod logs through KubeClient: the last N lines equal the demo backend's, and following yields the lines the
simulator writes after `advance` (a chunked stream read in a thread, handed over through a queue).

One difference the wire forces: a Stopped (suspended) workload has no pods, so Kubernetes has no log to give,
while the demo backend still shows the log the workload wrote before it stopped.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import pytest
from kube_fixtures import ADMIN, RESEARCHER_TOKEN, KubeEnv

from console.backends.demo import DemoBackend
from console.backends.live.kube import KubeClient
from console.data.errors import Forbidden, Invalid, NotFound
from console.model.runai import Workload, WorkloadPhase, WorkloadType

FOLLOW_WAIT_SECONDS = 5.0


async def collect(lines: AsyncIterator[str]) -> list[str]:
    return [line async for line in lines]


def pod_of(kube_env: KubeEnv, workload: Workload) -> tuple[str, str]:
    """(namespace, first pod name) of a workload, as the face serves it."""
    sim = kube_env.sim
    namespace = next(p.namespace for p in sim.runai.projects(ADMIN) if p.name == workload.project_name)
    return namespace, sim.runai.workload(ADMIN, workload.id).pods[0].name


def running_training(kube_env: KubeEnv) -> Workload:
    return next(
        w
        for w in kube_env.sim.runai.workloads(ADMIN)
        if w.phase is WorkloadPhase.RUNNING and w.type is WorkloadType.TRAINING and w.requested_pods == 1
    )


async def test_last_lines_equal_the_demo_backends(
    kube_env: KubeEnv, client: KubeClient, demo_of: DemoBackend
) -> None:
    compared = stopped = 0
    for workload in kube_env.sim.runai.workloads(ADMIN):
        demo_lines = await collect(demo_of.workload_logs(workload.id, tail_lines=20))
        if not demo_lines:
            continue
        if workload.phase is WorkloadPhase.STOPPED:  # no pods: nothing for the Kubernetes API to show
            assert await client.pods_of_workload(workload.id) == []
            stopped += 1
            continue
        namespace, pod = pod_of(kube_env, workload)
        assert await collect(client.workload_logs(namespace, pod, tail_lines=20)) == demo_lines, workload.name
        compared += 1
    assert compared >= 20 and stopped


async def test_the_whole_log_equals_the_demo_backends(
    kube_env: KubeEnv, client: KubeClient, demo_of: DemoBackend
) -> None:
    workload = running_training(kube_env)
    namespace, pod = pod_of(kube_env, workload)
    whole = await collect(client.workload_logs(namespace, pod, tail_lines=None))
    assert whole == await collect(demo_of.workload_logs(workload.id, tail_lines=0))
    assert len(whole) > 20


async def test_follow_yields_the_lines_written_after_advance(kube_env: KubeEnv, client: KubeClient) -> None:
    sim, workload = kube_env.sim, running_training(kube_env)
    namespace, pod = pod_of(kube_env, workload)
    lines, seen = sim.runai.workload_logs_after(ADMIN, workload.id, 0)
    follow = client.workload_logs(namespace, pod, follow=True, tail_lines=3)
    first = [await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS) for _ in range(3)]
    assert first == lines[-3:]

    with kube_env.host.lock:
        sim.advance(30)
        fresh, seen = sim.runai.workload_logs_after(ADMIN, workload.id, seen)
    assert len(fresh) >= 3
    more = [await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS) for _ in fresh]
    assert more == fresh

    with kube_env.host.lock:
        sim.advance(30)
        fresh, _ = sim.runai.workload_logs_after(ADMIN, workload.id, seen)
    assert [await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS) for _ in fresh] == fresh
    started = time.monotonic()
    await follow.aclose()
    assert time.monotonic() - started < 2.5


async def test_a_silent_follow_is_reopened_and_keeps_following(kube_env: KubeEnv) -> None:
    """After `follow_idle_seconds` without a byte the client reopens the stream from now (tailLines=0)."""
    sim, workload = kube_env.sim, running_training(kube_env)
    namespace, pod = pod_of(kube_env, workload)
    client = kube_env.client(follow_idle_seconds=0.5)
    log_path = f"/api/v1/namespaces/{namespace}/pods/{pod}/log"
    try:
        follow = client.workload_logs(namespace, pod, follow=True, tail_lines=1)
        await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS)
        while sum(1 for _, path in kube_env.server.requests_seen if path == log_path) < 2:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.15)  # the reopened stream has taken its starting point; next reopen in ~0.35 s
        with kube_env.host.lock:
            _, seen = sim.runai.workload_logs_after(ADMIN, workload.id, 0)
            sim.advance(20)
            fresh, _ = sim.runai.workload_logs_after(ADMIN, workload.id, seen)
        assert fresh
        assert [await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS) for _ in fresh] == fresh
        await follow.aclose()
    finally:
        await client.aclose()


async def test_follow_ends_when_the_workload_ends(kube_env: KubeEnv, client: KubeClient) -> None:
    sim, workload = kube_env.sim, running_training(kube_env)
    namespace, pod = pod_of(kube_env, workload)
    follow = client.workload_logs(namespace, pod, follow=True, tail_lines=1)
    await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS)
    with kube_env.host.lock:
        sim.runai.suspend_workload(ADMIN, workload.id)
        sim.advance(10)
    rest = await asyncio.wait_for(collect(follow), FOLLOW_WAIT_SECONDS)
    assert any("SIGTERM" in line for line in rest)


async def test_closing_a_follow_ends_the_servers_stream(kube_env: KubeEnv, client: KubeClient) -> None:
    """The face notices the departed client at its next heartbeat; no server thread keeps following."""
    workload = running_training(kube_env)
    namespace, pod = pod_of(kube_env, workload)
    follow = client.workload_logs(namespace, pod, follow=True, tail_lines=1)
    await asyncio.wait_for(anext(follow), FOLLOW_WAIT_SECONDS)
    # Counted relative to now: other tests' request threads may still be finishing in this process.
    streaming = server_request_threads()
    assert streaming >= 1
    await follow.aclose()
    deadline = time.monotonic() + 10.0
    while server_request_threads() >= streaming and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert server_request_threads() < streaming


def server_request_threads() -> int:
    """Threads of the stdlib server answering a request (the follow stream runs in one)."""
    return sum(1 for thread in threading.enumerate() if "process_request_thread" in thread.name)


async def test_a_pod_waiting_to_start_has_no_log_yet(kube_env: KubeEnv, client: KubeClient) -> None:
    workload = next(
        w
        for w in kube_env.sim.runai.workloads(ADMIN)
        if w.phase is WorkloadPhase.PENDING and not kube_env.sim.runai.workload_logs(ADMIN, w.id)
    )
    namespace, pod = pod_of(kube_env, workload)
    with pytest.raises(Invalid) as raised:
        await collect(client.workload_logs(namespace, pod))
    assert "is waiting to start" in str(raised.value)


async def test_logs_of_a_missing_pod(client: KubeClient) -> None:
    with pytest.raises(NotFound):
        await collect(client.workload_logs("runai-vision", "no-such-pod"))
    with pytest.raises(NotFound):
        await collect(client.workload_logs("runai-vision", "no-such-pod", follow=True))


async def test_a_researcher_reads_only_their_projects_logs(kube_env: KubeEnv) -> None:
    researcher = kube_env.client(RESEARCHER_TOKEN)
    try:
        workloads = kube_env.sim.runai.workloads(ADMIN)
        theirs = next(w for w in workloads if w.project_name == "speech" and w.phase is WorkloadPhase.RUNNING)
        other = next(
            w for w in workloads if w.project_name == "llm-pretrain" and w.phase is WorkloadPhase.RUNNING
        )
        assert await collect(researcher.workload_logs(*pod_of(kube_env, theirs), tail_lines=5))
        with pytest.raises(Forbidden) as raised:
            await collect(researcher.workload_logs(*pod_of(kube_env, other), tail_lines=5))
        assert 'cannot get resource "pods/log"' in str(raised.value)
    finally:
        await researcher.aclose()


async def test_each_pod_and_a_crashed_pods_previous_container_equal_the_demo_backends(
    kube_env: KubeEnv, client: KubeClient, demo_of: DemoBackend
) -> None:
    """`kubectl logs <worker>` and `--previous` over the wire read what the demo backend shows for that pod;
    a pod that never restarted has no previous container (400, the kubelet's words)."""
    sim = kube_env.sim
    workload = next(
        w
        for w in sim.runai.workloads(ADMIN)
        if w.phase is WorkloadPhase.DEGRADED and len(sim.runai.workload(ADMIN, w.id).pods) > 1
    )
    namespace, _ = pod_of(kube_env, workload)
    pods = sim.runai.workload(ADMIN, workload.id).pods
    crashed = next(pod.name for pod in pods if pod.status == "CrashLoopBackOff")
    for pod in pods:
        wire = await collect(client.workload_logs(namespace, pod.name, tail_lines=50))
        assert wire == await collect(demo_of.workload_logs(workload.id, tail_lines=50, pod=pod.name)), (
            pod.name
        )
    previous = await collect(client.workload_logs(namespace, crashed, tail_lines=50, previous=True))
    assert previous == await collect(
        demo_of.workload_logs(workload.id, tail_lines=50, pod=crashed, previous=True)
    )
    assert "NCCL error" in previous[-2]
    with pytest.raises(Invalid, match="previous terminated container"):
        await collect(client.workload_logs(namespace, pods[0].name, previous=True))


async def test_a_follow_that_never_sends_a_newline_is_cut_into_bounded_lines(
    kube_env: KubeEnv, client: KubeClient
) -> None:
    """A hostile server streams 1 MB with no newline: the reader hands it over in 64 KB lines as it comes,
    instead of holding one line that grows for as long as the server likes."""
    from console.backends.live.kube_logs import LOG_LINE_BYTES
    from console.sim.http.base import Request, Response

    def endless_line(request: Request) -> Response:
        return Response(200, content_type="text/plain", stream=iter([b"x" * 65_536] * 16))

    kube_env.server.router.add(
        "GET", "/api/v1/namespaces/{namespace}/pods/{name}/log", endless_line, first=True
    )
    lines = await collect(client.workload_logs("runai-vision", "any-pod", follow=True))
    assert lines and all(len(line) <= LOG_LINE_BYTES for line in lines)
    assert sum(len(line) for line in lines) == 16 * 65_536
