"""Workload phase transitions, their timers and their events.

Every phase change goes through `Lifecycle.set_phase`, which keeps the counters and indexes the rest
of the simulator relies on (pending queue, per-project running/pending counts and requested GPUs,
run-time and pending-time totals, log segments) and marks the workload's cached view stale. Timed
transitions (Creating -> Pending, Initializing -> Running, Stopping -> Stopped, ...) sit in one heap
keyed by due time, so a tick costs only what is due — not a walk over 20,000 workloads.
"""

from __future__ import annotations

import heapq
import itertools
import random
from datetime import datetime, timedelta

from console.model.runai import PhaseReason, ProjectPhase, WorkloadPhase, WorkloadType
from console.sim.clock import Clock
from console.sim.runai_placement import PodPlan, bind, release
from console.sim.runai_state import (
    BOUND_PHASES,
    CREATING_SECONDS,
    DELETING_SECONDS,
    DEMAND_PHASES,
    INITIALIZING_SECONDS,
    MAX_EVENTS_PER_WORKLOAD,
    RESUMING_SECONDS,
    RUNNING_PHASES,
    STOPPING_SECONDS,
    TERMINATING_SECONDS,
    ClusterState,
    NodeState,
    PodState,
    ProjectState,
    WorkloadState,
    pod_name,
)

SCHEDULER = "runai-scheduler"
KUBELET = "kubelet"
CONTROLLER = "workload-controller"

_Timer = tuple[float, int, str, int, str]
"""(due elapsed seconds, sequence, workload id, token, kind); a token mismatch means "stale"."""


class Lifecycle:
    """Owns phase changes; the scheduler and the actions call in here rather than editing phases."""

    def __init__(self, state: ClusterState, clock: Clock, rng: random.Random) -> None:
        self.state = state
        self.clock = clock
        self.rng = rng
        self.dirty = True
        """Something changed that may let a pending workload start (or require a preemption)."""
        self._timers: list[_Timer] = []
        self._sequence = itertools.count()

    # -- time ------------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return self.clock.elapsed_seconds

    def now(self) -> datetime:
        return self.clock.now()

    def at_elapsed(self, elapsed: float) -> datetime:
        return self.clock.start + timedelta(seconds=elapsed)

    def run_seconds(self, workload: WorkloadState) -> float:
        """Run time so far, counting the stretch in progress (trainings resume from their checkpoint)."""
        if workload.running_since is None:
            return workload.run_done
        return workload.run_done + max(0.0, self.elapsed() - workload.running_since)

    def pending_seconds(self, workload: WorkloadState) -> float:
        if workload.pending_since is None:
            return workload.pending_seconds
        return workload.pending_seconds + max(0.0, self.elapsed() - workload.pending_since)

    # -- events and timers -----------------------------------------------------------------------
    def event(
        self,
        workload: WorkloadState,
        kind: str,
        reason: str,
        message: str,
        source: str = SCHEDULER,
        at: datetime | None = None,
    ) -> None:
        workload.events.append((at or self.now(), kind, reason, message, source))
        if len(workload.events) > MAX_EVENTS_PER_WORKLOAD:
            del workload.events[: len(workload.events) - MAX_EVENTS_PER_WORKLOAD]
        self.state.touch(workload)

    def timer(self, workload: WorkloadState, delay_seconds: float, kind: str) -> None:
        due = self.elapsed() + max(0.0, delay_seconds)
        heapq.heappush(self._timers, (due, next(self._sequence), workload.id, workload.token, kind))

    def run_due(self) -> None:
        """Fire every timer that is due, oldest first (ties in the order they were set)."""
        horizon = self.elapsed() + 1e-9
        timers = self._timers
        while timers and timers[0][0] <= horizon:
            _, _, workload_id, token, kind = heapq.heappop(timers)
            workload = self.state.workloads.get(workload_id)
            if workload is None or workload.token != token:
                continue
            self._fire(workload, kind)

    def _fire(self, workload: WorkloadState, kind: str) -> None:
        phase = workload.phase
        if kind == "created" and phase is WorkloadPhase.CREATING:
            self.set_phase(workload, WorkloadPhase.PENDING)
        elif kind == "started" and phase is WorkloadPhase.INITIALIZING:
            self.begin_running(workload)
        elif kind == "complete" and phase in RUNNING_PHASES:
            self.finish(workload, failed=False)
        elif kind == "fail" and phase in RUNNING_PHASES:
            self.finish(workload, failed=True)
        elif kind == "recover" and phase is WorkloadPhase.DEGRADED:
            crashed = next((pod.name for pod in workload.pods if pod.failed), workload.pods[0].name)
            for pod in workload.pods:
                pod.failed = False
            self.event(workload, "Normal", "Started", f"Restarted container in pod {crashed}", KUBELET)
            self.set_phase(workload, WorkloadPhase.RUNNING)
        elif kind == "stopped" and phase is WorkloadPhase.STOPPING:
            self.unbind(workload)
            self.event(workload, "Normal", "Stopped", "All pods terminated; GPUs released", CONTROLLER)
            self.set_phase(workload, WorkloadPhase.STOPPED)
        elif kind == "resumed" and phase is WorkloadPhase.RESUMING:
            self.set_phase(workload, WorkloadPhase.PENDING)
        elif kind == "requeued" and phase is WorkloadPhase.TERMINATING:
            self.renew_pods(workload)
            self.event(
                workload, "Normal", "Requeued", "Pods terminated; waiting to be scheduled again", SCHEDULER
            )
            self.set_phase(workload, WorkloadPhase.PENDING, workload.phase_message)
        elif kind == "deleted" and phase is WorkloadPhase.DELETING:
            self.remove(workload)

    # -- the one place phases change -------------------------------------------------------------
    def set_phase(
        self,
        workload: WorkloadState,
        phase: WorkloadPhase,
        message: str = "",
        reason: PhaseReason | None = None,
        *,
        end_kind: str | None = None,
    ) -> None:
        """Change phase and keep every counter and index in step; `end_kind` closes a run segment."""
        old = workload.phase
        if old is phase and workload.phase_message == message and workload.phase_reason == reason:
            return
        state = self.state
        workload.phase_message = message
        workload.phase_reason = reason
        now = self.now()
        workload.updated_at = now
        if old is not phase:
            elapsed = self.elapsed()
            workload.phase = phase
            workload.phase_updated_at = now
            if not (old in RUNNING_PHASES and phase in RUNNING_PHASES):
                workload.token += 1  # timers set for the old phase no longer apply
            project = state.projects[workload.project_id]
            if old is WorkloadPhase.PENDING:
                state.pending.pop(workload.id, None)
                project.pending -= 1
                if workload.pending_since is not None:
                    workload.pending_seconds += elapsed - workload.pending_since
                    workload.pending_since = None
            if phase is WorkloadPhase.PENDING:
                state.pending[workload.id] = workload
                project.pending += 1
                workload.pending_since = elapsed
                workload.queued_at = elapsed
                self.dirty = True
            if old in RUNNING_PHASES and phase not in RUNNING_PHASES:
                project.running -= 1
                if workload.running_since is not None:
                    workload.run_done += max(0.0, elapsed - workload.running_since)
                    workload.running_since = None
                if workload.log_segments and workload.log_segments[-1][2] is None:
                    workload.log_segments[-1][2] = workload.run_done
                    workload.log_segments[-1][3] = end_kind or "stopped"
            if phase in RUNNING_PHASES and old not in RUNNING_PHASES:
                project.running += 1
            self._update_demand(workload, project, phase in DEMAND_PHASES)
            self._touch_nodes(workload)
        state.touch(workload)

    def _update_demand(self, workload: WorkloadState, project: ProjectState, wants: bool) -> None:
        """Keep the project's `requested` GPUs (placed or not) per pool in step with the phase."""
        if workload.demand_pool is not None:
            pool = workload.demand_pool
            project.requested[pool] = max(0.0, project.requested.get(pool, 0.0) - workload.demand_gpus)
            workload.demand_pool, workload.demand_gpus = None, 0.0
        if not wants:
            return
        pool_name = workload.current_pool or (workload.node_pools[0] if workload.node_pools else None)
        demanded = self.state.pools.get(pool_name) if pool_name else None
        if demanded is None:
            return
        gpus = workload.requested_gpus_in(demanded)
        workload.demand_pool, workload.demand_gpus = demanded.name, gpus
        project.requested[demanded.name] = project.requested.get(demanded.name, 0.0) + gpus

    def _touch_nodes(self, workload: WorkloadState) -> None:
        """GPU readings depend on the phase of what runs there; tell those nodes' caches."""
        for pod in workload.pods:
            if pod.node_name:
                node = self.state.nodes.get(pod.node_name)
                if node is not None:
                    node.version += 1

    # -- transitions the scheduler asks for --------------------------------------------------------
    def start_workload(self, workload: WorkloadState, plans: list[PodPlan]) -> None:
        """Bind the pods (all of them: gangs start together) and begin Initializing."""
        self.bind(workload, plans)
        workload.bound_at = self.elapsed()
        namespace = self.state.projects[workload.project_id].namespace
        if workload.workers == 1:
            plan = plans[0]
            gpus = ", ".join(str(share.gpu.index) for share in plan.shares)
            where = f" (GPU {gpus})" if gpus else ""
            message = f"Successfully assigned {namespace}/{workload.pods[0].name} to {plan.node.name}{where}"
        else:
            nodes = ", ".join(dict.fromkeys(plan.node.name for plan in plans))
            message = f"Gang-scheduled all {workload.workers} pods together on {nodes}"
        self.event(workload, "Normal", "Scheduled", message)
        self.event(workload, "Normal", "Pulling", f'Pulling image "{workload.image}"', KUBELET)
        self.set_phase(workload, WorkloadPhase.INITIALIZING)
        low, high = INITIALIZING_SECONDS
        self.timer(workload, float(self.rng.randint(int(low), int(high))), "started")

    def bind(self, workload: WorkloadState, plans: list[PodPlan]) -> None:
        project = self.state.projects[workload.project_id]
        bind(workload, plans, project, self.state.nodes)
        pool = workload.current_pool or ""
        self.state.bound.setdefault(pool, {})[workload.id] = workload
        self._update_demand(workload, project, workload.phase in DEMAND_PHASES)
        self.state.touch(workload)

    def renew_pods(self, workload: WorkloadState) -> None:
        """The terminated pods are gone; the controller makes new ones (new names and uids) to queue again."""
        now = self.clock.now()
        distributed = workload.type is WorkloadType.DISTRIBUTED
        workload.pods = [
            PodState(
                index=pod.index,
                name=pod_name(workload.name, distributed, pod.index, pod.attempt + 1),
                created_at=now,
                attempt=pod.attempt + 1,
            )
            for pod in workload.pods
        ]
        self.state.touch(workload)

    def unbind(self, workload: WorkloadState) -> None:
        """Free whatever the workload holds (idempotent)."""
        if workload.current_pool is None and not any(pod.node_name for pod in workload.pods):
            return
        project = self.state.projects[workload.project_id]
        pool = workload.current_pool
        release(workload, project, self.state.nodes)
        self.forget(workload, pool)

    def forget(self, workload: WorkloadState, pool: str | None) -> None:
        """Drop the pods' (already released) placements."""
        for pod in workload.pods:
            pod.allocs = []
            pod.node_name = None
            pod.cpu_millicores = pod.memory_bytes = 0
            pod.failed = False
        workload.current_pool = None
        if pool is not None:
            self.state.bound.get(pool, {}).pop(workload.id, None)
        self.dirty = True
        self.state.touch(workload)

    def mark_unschedulable(self, workload: WorkloadState, message: str, reason: PhaseReason | None) -> None:
        if workload.phase_message == message and workload.phase_reason == reason:
            return
        self.set_phase(workload, WorkloadPhase.PENDING, message, reason)
        self.event(workload, "Warning", "Unschedulable", message)

    def evict_released(
        self, victim: WorkloadState, *, reclaimer: WorkloadState, reclaiming_project: ProjectState, pool: str
    ) -> None:
        """A preemption victim whose resources the scheduler already released: Terminating, then Pending."""
        self.forget(victim, pool)
        if victim.project_id == reclaiming_project.id:
            message = (
                f"Preempted by higher-priority workload {reclaimer.name} of the same project "
                f"in node pool {pool}; "
                "requeued as Pending"
            )
        else:
            message = (
                f"Preempted to reclaim GPUs for project {reclaiming_project.name} "
                f"(workload {reclaimer.name}) "
                f"in node pool {pool}; requeued as Pending"
            )
        self.event(victim, "Warning", "Preempted", message)
        self.set_phase(victim, WorkloadPhase.TERMINATING, message, end_kind="preempted")
        self.timer(victim, TERMINATING_SECONDS, "requeued")

    def evict_for_drain(self, victim: WorkloadState, node: NodeState) -> None:
        """Move a preemptible workload off a draining node: its pods go, it queues for another node."""
        self.unbind(victim)
        message = (
            f"Node {node.name} is being drained (taint runai=drain:NoExecute); "
            "the workload was moved off the node and requeued as Pending"
        )
        self.event(victim, "Warning", "Evicted", message)
        self.set_phase(victim, WorkloadPhase.TERMINATING, message, end_kind="evicted")
        self.timer(victim, TERMINATING_SECONDS, "requeued")

    # -- transitions the clock drives -----------------------------------------------------------
    def begin_running(self, workload: WorkloadState) -> None:
        project = self.state.projects[workload.project_id]
        self.event(workload, "Normal", "Pulled", f'Successfully pulled image "{workload.image}"', KUBELET)
        self.event(
            workload,
            "Normal",
            "Started",
            f"Started container {workload.name} in {project.namespace}",
            KUBELET,
        )
        self.set_phase(workload, WorkloadPhase.RUNNING)
        self.open_segment(workload, self.elapsed())

    def open_segment(self, workload: WorkloadState, started_elapsed: float) -> None:
        """Start a run stretch at `started_elapsed` (may lie in the past for scenario history)."""
        workload.running_since = started_elapsed
        workload.log_segments.append([self.at_elapsed(started_elapsed), workload.run_done, None, None])
        self.arm_running_timers(workload)

    def arm_running_timers(self, workload: WorkloadState) -> None:
        done = self.run_seconds(workload)
        if workload.fail_at is not None and (
            workload.duration is None or workload.fail_at < workload.duration
        ):
            self.timer(workload, workload.fail_at - done, "fail")
        elif workload.duration is not None:
            self.timer(workload, workload.duration - done, "complete")
        if workload.recover_at is not None:
            self.timer(workload, workload.recover_at - self.elapsed(), "recover")

    def finish(self, workload: WorkloadState, *, failed: bool) -> None:
        pod = workload.pods[0]
        if failed:
            message = f"Pod {pod.name} failed: container exited with code 1 (CUDA out of memory)"
            self.event(workload, "Warning", "BackOff", message, KUBELET)
        else:
            message = "All pods completed successfully"
            self.event(workload, "Normal", "Completed", message, CONTROLLER)
        workload.completed_at = self.now()
        phase = WorkloadPhase.FAILED if failed else WorkloadPhase.COMPLETED
        self.set_phase(workload, phase, message, end_kind="failed" if failed else "completed")
        self.unbind(workload)

    # -- transitions users ask for --------------------------------------------------------------
    def submit(self, workload: WorkloadState) -> None:
        self.event(
            workload, "Normal", "Created", f"Workload submitted by {workload.submitted_by}", CONTROLLER
        )
        self.timer(workload, CREATING_SECONDS, "created")

    def suspend(self, workload: WorkloadState, user: str) -> None:
        self.event(workload, "Normal", "Suspending", f"Suspended by {user}; stopping its pods", CONTROLLER)
        # With nothing running yet there are no pods to stop, but the phase still walks through Stopping.
        has_pods = workload.phase in BOUND_PHASES or workload.phase is WorkloadPhase.TERMINATING
        self.set_phase(workload, WorkloadPhase.STOPPING, f"Suspended by {user}", end_kind="stopped")
        self.timer(workload, STOPPING_SECONDS if has_pods else 1.0, "stopped")

    def resume(self, workload: WorkloadState, user: str) -> None:
        self.event(workload, "Normal", "Resuming", f"Resumed by {user}", CONTROLLER)
        self.set_phase(workload, WorkloadPhase.RESUMING, f"Resumed by {user}")
        self.timer(workload, RESUMING_SECONDS, "resumed")

    def delete(self, workload: WorkloadState, user: str) -> None:
        self.event(workload, "Normal", "Deleting", f"Deleted by {user}", CONTROLLER)
        self.set_phase(workload, WorkloadPhase.DELETING, f"Deleted by {user}", end_kind="deleted")
        self.timer(workload, DELETING_SECONDS, "deleted")

    def remove(self, workload: WorkloadState) -> None:
        """The workload is gone: free it, drop it from every index."""
        self.unbind(workload)
        self.set_phase(workload, WorkloadPhase.UNKNOWN)  # leaves every counted phase
        state = self.state
        project = state.projects[workload.project_id]
        project.workload_ids.pop(workload.id, None)
        state.workloads.pop(workload.id, None)
        state.names.pop((workload.project_id, workload.name), None)
        state.changed[workload.id] = None
        self.dirty = True
        if project.phase is ProjectPhase.DELETING and not project.workload_ids:
            self._drop_project(project)

    def _drop_project(self, project: ProjectState) -> None:
        state = self.state
        state.projects.pop(project.id, None)
        state.project_names.pop(project.name, None)
        department = state.departments.get(project.department_id)
        if department is not None and project.id in department.project_ids:
            department.project_ids.remove(project.id)
        state.generation += 1

    def drop_project_now(self, project: ProjectState) -> None:
        self._drop_project(project)
