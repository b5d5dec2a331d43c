"""`GET /api/v1/namespaces/{ns}/pods/{name}/log` of the Kubernetes face: the pod's log as text (tailLines,
sinceSeconds, limitBytes, previous), or a chunked follow stream until the client or the pod goes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from console.data.errors import BackendError, Forbidden, Invalid
from console.model.identity import Identity
from console.model.runai import WorkloadPhase
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.kube_errors import forbidden, from_sim
from console.sim.http.kube_lists import truthy
from console.sim.http.kube_pods import Pods

FOLLOW_POLL_SECONDS = 0.1
"""How often a follow stream looks for new lines (real seconds); also its heartbeat for a departed client."""
FOLLOW_MAX_SECONDS = 600.0
"""A follow stream ends after this long (real seconds) even if nobody closed it: the fake stays bounded."""
LOG_ENDS = frozenset({WorkloadPhase.COMPLETED, WorkloadPhase.FAILED, WorkloadPhase.STOPPED})


class PodLogs:
    """The log handler over one `SimulatorHost`, finding pods as the pod collection does."""

    def __init__(self, host: SimulatorHost, pods: Pods) -> None:
        self.host = host
        self.pods = pods

    def pod_log(self, request: Request, identity: Identity) -> Response:
        """The pod's log as text, or a chunked follow stream; `previous=true` reads the container that ran
        before the last restart (400 when there was none, as the kubelet answers)."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        container = request.param("container")
        previous = truthy(request.param("previous"))
        with self.host.session() as sim:
            _, workload, pod, phase = self.pods.find(sim, namespace, name)
            if container and container != workload.name:
                raise HttpError(400, f"container {container} is not valid for pod {name}")
            try:
                lines, seen = sim.runai.workload_logs_after(
                    identity, workload.id, 0, pod=name, previous=previous
                )
            except Forbidden:
                raise forbidden(identity, "get", "pods/log", name, namespace) from None
            except Invalid as error:  # no previous container: the kubelet's 400
                raise HttpError(400, str(error)) from None
            except BackendError as error:
                raise from_sim(error) from None
            if not lines and phase == "Pending":
                raise HttpError(
                    400,
                    f'container "{workload.name}" in pod "{name}" is waiting to start: ContainerCreating',
                )
            now = sim.clock.now()
        lines = self._select_lines(lines, request, now)
        body = "".join(f"{line}\n" for line in lines).encode()
        limit_bytes = request.param("limitBytes")
        if limit_bytes and limit_bytes.isdigit():
            body = body[: int(limit_bytes)]
        if previous or not truthy(request.param("follow")):  # a previous container writes no more
            return Response(200, body, content_type="text/plain")
        stream = self._follow(identity, workload.id, name, seen, body)
        return Response(200, content_type="text/plain", stream=stream)

    @staticmethod
    def _select_lines(lines: list[str], request: Request, now: datetime) -> list[str]:
        """`sinceSeconds` (lines whose leading RFC 3339 stamp is older are dropped; lines without one are
        kept: the simulator's notebook and server logs carry no full timestamp), then `tailLines`."""
        since = request.param("sinceSeconds")
        if since and since.isdigit():
            cutoff = now - timedelta(seconds=int(since))
            kept = []
            for line in lines:
                stamp = line[:20]
                try:
                    at = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp.endswith("Z") else None
                except ValueError:
                    at = None
                if at is None or at >= cutoff:
                    kept.append(line)
            lines = kept
        tail = request.param("tailLines")
        if tail is not None and tail.lstrip("-").isdigit() and int(tail) >= 0:
            lines = lines[len(lines) - int(tail) :] if int(tail) else []
        return lines

    def _follow(
        self, identity: Identity, workload_id: str, pod: str, seen: int, first: bytes
    ) -> Iterator[bytes]:
        """New lines as they are written; ends when the workload stops running or is gone, or after
        FOLLOW_MAX_SECONDS. Yields b"" while idle so the server notices a client that left."""
        yield first
        deadline = time.monotonic() + FOLLOW_MAX_SECONDS
        while time.monotonic() < deadline:
            time.sleep(FOLLOW_POLL_SECONDS)
            with self.host.session() as sim:
                workload = sim.runai.workload_record(workload_id)
                if workload is None:
                    return
                try:
                    fresh, seen = sim.runai.workload_logs_after(identity, workload_id, seen, pod=pod)
                except BackendError:
                    return
                ended = workload.phase in LOG_ENDS
            yield "".join(f"{line}\n" for line in fresh).encode()
            if ended:
                return
