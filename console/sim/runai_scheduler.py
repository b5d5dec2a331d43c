"""One scheduling pass: fair shares per node pool, then in-share work, then over-quota borrowing.

The policy follows reference/runai.md §8 (KAI scheduler semantics):

* Fair share per project and node pool = deserved quota (up to what the project asks for) plus a
  share of the spare GPUs split by over-quota weight among projects that want more (water-filling).
  Limits cap what a project may ask for; -1 is unlimited.
* Pass 1 — requests that keep the project within max(deserved, fair share), highest priority first,
  then oldest: placed on free GPUs, or by preempting (a) preemptible work of other projects that are
  above their fair share ("reclaim") or (b) lower-priority preemptible work of the same project.
* Non-preemptible requests only ever run inside deserved quota (`NonPreemptibleOverQuota`).
* Pass 2 — preemptible requests beyond fair share borrow idle GPUs only (never preempt), handed out
  one workload at a time to the project with the least over-quota use per unit of weight.
* A request over the project's (or its department's) limit pends with `OverLimit`.
* Multi-pod workloads are placed as a gang: every pod or none (runai_placement.find_placement).

Simplifications, said here so they are not mistaken for the real scheduler's: no department-level
fair-share layer (department limits are enforced, their deserved quota does not split spare GPUs),
no minimum guaranteed runtime, no consolidation (defragmenting moves).
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.model.runai import GpuRequest, GpuRequestKind, NodeStatus, PhaseReason, WorkloadPhase
from console.sim.runai_placement import PodPlan, find_placement
from console.sim.runai_preemption import Preemptor
from console.sim.runai_state import EPSILON, ClusterState, ProjectState, WorkloadState

if TYPE_CHECKING:
    from console.sim.runai_lifecycle import Lifecycle

MAX_PREEMPTION_ATTEMPTS_PER_PASS = 8
"""Bounds the work of one pass on a huge cluster; what did not get a turn is tried a little later."""


def describe_request(request: GpuRequest, workers: int) -> str:
    """`2 GPUs`, `0.5 GPU`, `40960 MiB of GPU memory`, with `4 pods x` for gangs."""
    if request.kind is GpuRequestKind.DEVICES:
        each = f"{request.devices} GPU" + ("s" if request.devices != 1 else "")
        if request.devices == 0:
            each = "CPU only"
    elif request.kind is GpuRequestKind.PORTION:
        each = f"{request.portion:g} GPU"
    else:
        each = f"{request.memory_mib} MiB of GPU memory"
    return f"{workers} pods x {each}" if workers > 1 else each


@dataclass(slots=True)
class _Outcome:
    """Why a workload did not start, per node pool it tried, in the order it tried them."""

    notes: list[tuple[str, PhaseReason | None]] = field(default_factory=list)

    def add(self, message: str, reason: PhaseReason | None = None) -> None:
        self.notes.append((message, reason))

    def summary(self) -> tuple[str, PhaseReason | None]:
        if not self.notes:
            return "No node pool of the project can run this workload", None
        reason = next((reason for _, reason in self.notes if reason is not None), None)
        message = "; ".join(dict.fromkeys(message for message, _ in self.notes))
        return message, reason


class SchedulingPass:
    """The state of one pass; build a new one for every pass (it memoises what did not fit)."""

    def __init__(self, state: ClusterState, life: Lifecycle) -> None:
        self.state = state
        self.life = life
        self.shares: dict[str, dict[str, float]] = {}
        self._no_fit: set[tuple[str, GpuRequest, int]] = set()
        self._no_preempt: set[tuple[str, str, GpuRequest, int]] = set()
        self._preemption_attempts = 0
        self._preemptor = Preemptor(state, self.share_of)
        self._department_used: dict[tuple[str, str], float] = {}
        """Per-pass cache of departments' allocated GPUs per pool; cleared whenever something starts."""
        self.incomplete = False
        """Set when the pass ran out of preemption attempts: run another pass on the next tick."""

    # -- fair share ------------------------------------------------------------------------------
    def compute_fair_shares(self, pending: list[WorkloadState]) -> None:
        """Water-fill each pool's GPUs: deserved first, then spare by over-quota weight (reference §8)."""
        state = self.state
        wanted: dict[str, dict[str, float]] = {pool: {} for pool in state.pools}
        for project in state.projects.values():
            for pool, allocated in project.allocated.items():
                if allocated > 0 and pool in wanted:
                    wanted[pool][project.id] = allocated
        for workload in pending:
            if not workload.node_pools:
                continue
            pool_name = workload.node_pools[0]
            pool_state = state.pools.get(pool_name)
            if pool_state is None:
                continue
            per_pool = wanted[pool_name]
            per_pool[workload.project_id] = per_pool.get(
                workload.project_id, 0.0
            ) + workload.requested_gpus_in(pool_state)
        for pool_name, demands in wanted.items():
            nodes = state.pool_nodes(pool_name)
            capacity = float(sum(len(node.gpus) for node in nodes if node.status is NodeStatus.READY))
            self.shares[pool_name] = _water_fill(capacity, demands, state.projects, pool_name)

    def share_of(self, project: ProjectState, pool: str) -> float:
        return self.shares.get(pool, {}).get(project.id, 0.0)

    # -- the pass --------------------------------------------------------------------------------
    def run(self) -> None:
        state = self.state
        pending = list(state.pending.values())
        if not pending:
            return
        self.compute_fair_shares(pending)
        # Stable sort: equal priority keeps the order workloads entered Pending (FIFO).
        pending.sort(key=lambda workload: -workload.priority)
        deferred: list[tuple[WorkloadState, list[str], _Outcome]] = []
        for workload in pending:
            if workload.phase is not WorkloadPhase.PENDING:
                continue  # preempted or moved earlier in this pass
            outcome = _Outcome()
            over_share = self._try_in_share(workload, outcome)
            if over_share is None:
                continue
            if over_share:
                deferred.append((workload, over_share, outcome))
            else:
                self.life.mark_unschedulable(workload, *outcome.summary())
        self._borrow(deferred)

    def _limit_problem(
        self, workload: WorkloadState, project: ProjectState, pool: str, gpus: float
    ) -> str | None:
        state = self.state
        quota = project.quota(pool)
        allocated = project.allocated.get(pool, 0.0)
        if quota.limit >= 0 and allocated + gpus > quota.limit + EPSILON:
            return (
                f"Requesting {gpus:g} GPUs would put project {project.name} over its limit of "
                f"{quota.limit:g} GPUs in node pool {pool}"
            )
        department = state.departments.get(project.department_id)
        if department is not None:
            dept_quota = department.quotas.get(pool)
            if dept_quota is not None and dept_quota.limit >= 0:
                used = self._department_used.get((department.id, pool))
                if used is None:
                    used = sum(state.projects[pid].allocated.get(pool, 0.0) for pid in department.project_ids)
                    self._department_used[(department.id, pool)] = used
                if used + gpus > dept_quota.limit + EPSILON:
                    return (
                        f"Requesting {gpus:g} GPUs would put department {department.name} over its limit of "
                        f"{dept_quota.limit:g} GPUs in node pool {pool}"
                    )
        return None

    def _try_in_share(self, workload: WorkloadState, outcome: _Outcome) -> list[str] | None:
        """Place within fair share (preempting if needed); None when placed, else the pools to borrow in."""
        state = self.state
        project = state.projects[workload.project_id]
        over_share: list[str] = []
        for pool_name in workload.node_pools:
            pool = state.pools.get(pool_name)
            if pool is None:
                continue
            gpus = workload.requested_gpus_in(pool)
            problem = self._limit_problem(workload, project, pool_name, gpus)
            if problem:
                outcome.add(problem, PhaseReason.OVER_LIMIT)
                continue
            quota = project.quota(pool_name)
            if not workload.preemptible:
                in_use = project.allocated_non_preemptible.get(pool_name, 0.0)
                if in_use + gpus > quota.deserved + EPSILON:
                    outcome.add(
                        "Non-preemptible workloads may use only the deserved quota of project "
                        f"{project.name} ({quota.deserved:g} GPUs in node pool {pool_name}); "
                        "make it preemptible or raise the quota",
                        PhaseReason.NON_PREEMPTIBLE_OVER_QUOTA,
                    )
                    continue
            allocated = project.allocated.get(pool_name, 0.0)
            in_share = allocated + gpus <= max(quota.deserved, self.share_of(project, pool_name)) + EPSILON
            if not in_share and workload.preemptible:
                if (pool_name, workload.gpu_request, workload.workers) in self._no_fit:
                    outcome.add(_over_share_message(project, pool_name, workload))  # nothing idle to borrow
                else:
                    over_share.append(pool_name)
                continue
            plans = self._fit(workload, pool_name)
            if plans is None and workload.needs_gpu:  # nobody is evicted to make room for CPU-only pods
                plans = self._preempt_for(workload, project, pool_name, allow_reclaim=in_share)
            if plans is not None:
                self._start(workload, plans)
                return None
            outcome.add(
                f"Not enough resources in node pool {pool_name}: no schedulable node has "
                f"{describe_request(workload.gpu_request, workload.workers)} free"
            )
        return over_share

    def _start(self, workload: WorkloadState, plans: list[PodPlan]) -> None:
        self.life.start_workload(workload, plans)
        self._department_used.clear()

    def _fit(self, workload: WorkloadState, pool: str) -> list[PodPlan] | None:
        key = (pool, workload.gpu_request, workload.workers)
        if key in self._no_fit:
            return None
        plans = find_placement(self.state.pool_nodes(pool), workload.gpu_request, workload.workers)
        if plans is None:
            self._no_fit.add(key)
        return plans

    # -- preemption ------------------------------------------------------------------------------
    def _preempt_for(
        self, workload: WorkloadState, project: ProjectState, pool: str, *, allow_reclaim: bool
    ) -> list[PodPlan] | None:
        """Free room by evicting eligible victims; the fewest needed, or nobody if it still would not fit."""
        key = (project.id, pool, workload.gpu_request, workload.workers)
        if key in self._no_preempt:
            return None
        if self._preemption_attempts >= MAX_PREEMPTION_ATTEMPTS_PER_PASS:
            self.incomplete = True
            return None
        self._preemption_attempts += 1
        candidates = self._preemptor.candidates(workload, project, pool, allow_reclaim)
        found = self._preemptor.find(workload, project, pool, candidates) if candidates else None
        if found is None:
            self._no_preempt.add(key)
            return None
        plans, victims = found
        for victim in victims:
            self.life.evict_released(victim, reclaimer=workload, reclaiming_project=project, pool=pool)
        self._no_fit.clear()  # capacity moved; shapes that failed before may fit now
        self._department_used.clear()
        return plans

    # -- pass 2: borrowing -------------------------------------------------------------------------
    def _borrow(self, deferred: list[tuple[WorkloadState, list[str], _Outcome]]) -> None:
        """Idle GPUs go to over-quota work one workload at a time, least over-quota use per weight first."""
        if not deferred:
            return
        state = self.state
        queues: dict[str, deque[tuple[WorkloadState, list[str], _Outcome]]] = {}
        for entry in deferred:
            queues.setdefault(entry[0].project_id, deque()).append(entry)
        order = {project_id: index for index, project_id in enumerate(queues)}

        def key(project_id: str) -> tuple[int, float]:
            project = state.projects[project_id]
            pool = queues[project_id][0][1][0]
            quota = project.quota(pool)
            over = project.allocated.get(pool, 0.0) - quota.deserved
            if quota.weight <= 0:
                return (1, over)
            return (0, over / quota.weight)

        heap = [(key(project_id), order[project_id], project_id) for project_id in queues]
        heapq.heapify(heap)
        while heap:
            stale_key, position, project_id = heapq.heappop(heap)
            fresh = key(project_id)
            if fresh != stale_key:
                heapq.heappush(heap, (fresh, position, project_id))
                continue
            workload, pools, outcome = queues[project_id].popleft()
            self._borrow_one(workload, pools, outcome)
            if queues[project_id]:
                heapq.heappush(heap, (key(project_id), position, project_id))

    def _borrow_one(self, workload: WorkloadState, pools: list[str], outcome: _Outcome) -> None:
        state = self.state
        project = state.projects[workload.project_id]
        for pool_name in pools:
            pool = state.pools[pool_name]
            problem = self._limit_problem(workload, project, pool_name, workload.requested_gpus_in(pool))
            if problem:
                outcome.add(problem, PhaseReason.OVER_LIMIT)
                continue
            plans = self._fit(workload, pool_name)
            if plans is not None:
                self._start(workload, plans)
                return
            outcome.add(_over_share_message(project, pool_name, workload))
        self.life.mark_unschedulable(workload, *outcome.summary())


def _over_share_message(project: ProjectState, pool: str, workload: WorkloadState) -> str:
    shape = describe_request(workload.gpu_request, workload.workers)
    return (
        f"Not enough idle GPUs in node pool {pool} for {shape}; project {project.name} is over its fair "
        "share there, so it can only borrow idle GPUs"
    )


def _water_fill(
    capacity: float, demands: dict[str, float], projects: dict[str, ProjectState], pool: str
) -> dict[str, float]:
    """Deserved (capped by demand) first, then the spare split by over-quota weight, capped by demand."""
    shares: dict[str, float] = {}
    wants: dict[str, float] = {}
    for project_id, demand in demands.items():
        quota = projects[project_id].quota(pool)
        if quota.limit >= 0:
            demand = min(demand, quota.limit)
        wants[project_id] = demand
        shares[project_id] = min(quota.deserved, demand)
    spare = capacity - sum(shares.values())
    hungry = [project_id for project_id in wants if wants[project_id] > shares[project_id] + EPSILON]
    while spare > EPSILON and hungry:
        weights = {project_id: max(0.0, projects[project_id].quota(pool).weight) for project_id in hungry}
        total = sum(weights.values())
        if total <= 0:
            weights = dict.fromkeys(hungry, 1.0)
            total = float(len(hungry))
        given = 0.0
        still_hungry = []
        for project_id in hungry:
            offer = spare * weights[project_id] / total
            room = wants[project_id] - shares[project_id]
            take = min(offer, room)
            shares[project_id] += take
            given += take
            if room > offer + EPSILON:
                still_hungry.append(project_id)
        spare -= given
        hungry = still_hungry
        if given <= EPSILON:
            break
    return shares
