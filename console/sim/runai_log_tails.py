"""Log tails of the Run:ai simulator's pods: what `workload_logs` and a `--follow` read, cached.

A follower polls every second and a new line comes every few seconds, so the tail of each pod's current
(or previous, crashed) container is kept until the workload writes its next line. The lines themselves
are written by `runai_logs.LogRenderer`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.data.errors import Invalid
from console.sim.clock import Clock
from console.sim.runai_access import not_found
from console.sim.runai_lifecycle import Lifecycle
from console.sim.runai_logs import LINE_INTERVAL_SECONDS, LogRenderer, crash_lines
from console.sim.runai_state import ClusterState, PodState, WorkloadState

LOG_CACHE_ENTRIES = 64
"""Log tails kept between calls (a follower polls every second; a new line comes every few seconds)."""

CRASH_BACKOFF_SECONDS = 300.0
"""The kubelet's CrashLoopBackOff ceiling: a container that keeps crashing is restarted every 5 minutes."""


class LogTails:
    """The cached log tails of every pod of one simulated cluster."""

    def __init__(self, state: ClusterState, clock: Clock, life: Lifecycle) -> None:
        self.state = state
        self.clock = clock
        self.life = life
        self._cache: dict[str, tuple[tuple[object, ...], int, tuple[str, ...]]] = {}

    @staticmethod
    def pod_of(workload: WorkloadState, name: str | None) -> PodState | None:
        """The pod whose log is asked for: None for the first pod of a workload that has none yet."""
        if name is None:
            return workload.pods[0] if workload.pods else None
        for pod in workload.pods:
            if pod.name == name:
                return pod
        raise not_found(f'pods "{name}" not found')

    def tail(
        self, workload: WorkloadState, pod: PodState | None = None, *, previous: bool = False
    ) -> tuple[int, tuple[str, ...]]:
        """(lines written in all, the tail) of one pod's current or previous container, cached until the
        workload writes its next line."""
        rank = pod.index if pod is not None else 0
        if previous and (pod is None or pod.crashed_at is None):
            name = pod.name if pod is not None else workload.name
            raise Invalid(f'previous terminated container "{workload.name}" in pod "{name}" not found')
        if not workload.log_segments:
            return 0, ()
        run_now = self.life.run_seconds(workload)
        renderer_pool = workload.current_pool or (workload.node_pools[0] if workload.node_pools else "")
        last = workload.log_segments[-1]
        interval = LINE_INTERVAL_SECONDS[workload.type]
        crashed = pod is not None and pod.crashed_at is not None and (previous or pod.failed)
        restarts = int(self.clock.now().timestamp() // CRASH_BACKOFF_SECONDS) if crashed else 0
        key = (
            len(workload.log_segments),
            last[2],
            last[3],
            int(run_now // interval),
            renderer_pool,
            rank,
            previous,
            crashed,
            restarts,
        )
        cache_key = f"{workload.id}/{rank}/{previous}"
        cached = self._cache.get(cache_key)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        project = self.state.projects[workload.project_id]
        pool = self.state.pools.get(renderer_pool)
        renderer = LogRenderer(workload, pool.gpu_model if pool else None, project.namespace, rank)
        if crashed and pod is not None and pod.crashed_at is not None:
            restart = self._last_restart(pod.crashed_at)
            if not previous:
                lines = renderer.restarted(restart)
            elif restart > pod.crashed_at:  # it has crash-looped: the previous try died the same way
                lines = renderer.restarted(restart - timedelta(seconds=CRASH_BACKOFF_SECONDS))
            else:  # the first crash: the run up to it
                lines = [*renderer.tail(pod.crashed_run_seconds), *crash_lines(pod.crashed_at, rank)]
            entry = (key, len(lines), tuple(lines))
        else:
            entry = (key, renderer.count(run_now), tuple(renderer.tail(run_now)))
        if len(self._cache) >= LOG_CACHE_ENTRIES:
            self._cache.clear()
        self._cache[cache_key] = entry
        return entry[1], entry[2]

    def _last_restart(self, crashed_at: datetime) -> datetime:
        """When a crash-looping container last started: the kubelet's back-off grows to five minutes, so
        after the first tries it restarts every CRASH_BACKOFF_SECONDS. A try lives 20 s (`restarted`),
        so the newest one has already died: it began 30 s before the crash it is counted from."""
        since = max(0.0, (self.clock.now() - crashed_at).total_seconds())
        loops = since // CRASH_BACKOFF_SECONDS
        return crashed_at + timedelta(seconds=CRASH_BACKOFF_SECONDS * loops - 30)
