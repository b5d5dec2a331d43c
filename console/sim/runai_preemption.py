"""Choosing preemption victims: reclaim across projects and priority preemption inside one.

Kept out of the pass itself because it is the expensive part on a big cluster. It works node by node
for single-pod requests (a pod needs its GPUs on one node, so only that node's victims matter), and
falls back to a cluster-wide greedy search only for multi-pod gangs. Every search is tentative:
victims are released, the placement is asked for, and they are restored unless they must go; of the
victims tried, those whose GPUs turn out not to be needed keep running.
"""

from __future__ import annotations

from collections.abc import Callable

from console.model.runai import GpuRequest, GpuRequestKind, WorkloadPhase
from console.sim.runai_placement import (
    MIG_COMPUTE_SLICES,
    PodPlan,
    find_placement,
    mig_profile_for,
    release,
    restore,
)
from console.sim.runai_state import EPSILON, ClusterState, NodeState, ProjectState, WorkloadState

MAX_NODES_PER_ATTEMPT = 12
MAX_VICTIMS_PER_GANG_ATTEMPT = 32

VICTIM_PHASES = frozenset({WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED})


class Preemptor:
    """One pass's victim search; `share_of(project, pool)` is the pass's fair share."""

    def __init__(self, state: ClusterState, share_of: Callable[[ProjectState, str], float]) -> None:
        self.state = state
        self.share_of = share_of
        self._by_pool: dict[str, list[WorkloadState]] = {}

    def _preemptible_in(self, pool: str) -> list[WorkloadState]:
        """Preemptible work bound in `pool`, low priority and newest first (cached for the pass)."""
        cached = self._by_pool.get(pool)
        if cached is None:
            cached = [victim for victim in self.state.bound_in_pool(pool) if victim.preemptible]
            cached.sort(key=lambda victim: (victim.priority, -victim.bound_at, victim.id))
            self._by_pool[pool] = cached
        return cached

    def candidates(
        self, workload: WorkloadState, project: ProjectState, pool: str, allow_reclaim: bool
    ) -> list[WorkloadState]:
        """Eligible victims, best first: projects most over their fair share, then own lower priority."""
        over: dict[str, float] = {}
        if allow_reclaim:
            for other in self.state.projects.values():
                if other.id != project.id:
                    excess = other.allocated.get(pool, 0.0) - self.share_of(other, pool)
                    if excess > EPSILON:
                        over[other.id] = excess
        reclaim: list[WorkloadState] = []
        own: list[WorkloadState] = []
        for victim in self._preemptible_in(pool):
            if victim.phase not in VICTIM_PHASES or victim.current_pool != pool:
                continue
            if victim.project_id == project.id:
                if victim.priority < workload.priority:
                    own.append(victim)
            elif victim.project_id in over:
                reclaim.append(victim)
        reclaim.sort(key=lambda victim: -over[victim.project_id])  # stable: keeps low priority, newest first
        return reclaim + own

    def _still_eligible(self, victim: WorkloadState, project: ProjectState, pool: str) -> bool:
        """Reclaim stops at a project's fair share; taking more would just move the shortage."""
        if victim.project_id == project.id:
            return True
        victim_project = self.state.projects[victim.project_id]
        return victim_project.allocated.get(pool, 0.0) > self.share_of(victim_project, pool) + EPSILON

    def find(
        self, workload: WorkloadState, project: ProjectState, pool: str, candidates: list[WorkloadState]
    ) -> tuple[list[PodPlan], list[WorkloadState]] | None:
        """(placement, victims) with the victims already released, or None with nothing changed."""
        if workload.workers == 1:
            return self._find_on_one_node(workload, project, pool, candidates)
        return self._find_for_gang(workload, project, pool, candidates)

    def _find_on_one_node(
        self, workload: WorkloadState, project: ProjectState, pool: str, candidates: list[WorkloadState]
    ) -> tuple[list[PodPlan], list[WorkloadState]] | None:
        state = self.state
        per_node: dict[str, list[WorkloadState]] = {}
        for victim in candidates:
            for node_name in dict.fromkeys(pod.node_name for pod in victim.pods if pod.node_name):
                per_node.setdefault(node_name, []).append(victim)
        tried = 0
        for node_name, victims in per_node.items():
            node = state.nodes[node_name]
            if not node.schedulable or not _could_fit(node, victims, workload.gpu_request):
                continue
            tried += 1
            if tried > MAX_NODES_PER_ATTEMPT:
                break
            found = self._search([node], workload, project, pool, victims)
            if found is not None:
                return found
        return None

    def _find_for_gang(
        self, workload: WorkloadState, project: ProjectState, pool: str, candidates: list[WorkloadState]
    ) -> tuple[list[PodPlan], list[WorkloadState]] | None:
        nodes = self.state.pool_nodes(pool)
        return self._search(nodes, workload, project, pool, candidates[:MAX_VICTIMS_PER_GANG_ATTEMPT])

    def _search(
        self,
        nodes: list[NodeState],
        workload: WorkloadState,
        project: ProjectState,
        pool: str,
        victims: list[WorkloadState],
    ) -> tuple[list[PodPlan], list[WorkloadState]] | None:
        """Release victims in order until the workload fits on `nodes`, then keep back the unneeded."""
        state = self.state
        request, pods = workload.gpu_request, workload.workers
        chosen: list[WorkloadState] = []
        plans: list[PodPlan] | None = None
        for victim in victims:
            if victim.current_pool != pool or not self._still_eligible(victim, project, pool):
                continue
            release(victim, state.projects[victim.project_id], state.nodes, keep=True)
            chosen.append(victim)
            plans = find_placement(nodes, request, pods)
            if plans is not None:
                break
        if plans is None:
            for victim in reversed(chosen):
                restore(victim, state.projects[victim.project_id], state.nodes)
            return None
        for victim in reversed(chosen[:]):
            victim_project = state.projects[victim.project_id]
            restore(victim, victim_project, state.nodes)
            if find_placement(nodes, request, pods) is None:
                release(victim, victim_project, state.nodes, keep=True)
            else:
                chosen.remove(victim)
        plans = find_placement(nodes, request, pods)
        if plans is None:  # pragma: no cover - the set that fitted above is released again
            for victim in reversed(chosen):
                restore(victim, state.projects[victim.project_id], state.nodes)
            return None
        return plans, chosen


def _could_fit(node: NodeState, victims: list[WorkloadState], request: GpuRequest) -> bool:
    """Would one pod fit on `node` if every one of `victims` left? (A cheap bound before trying.)"""
    leaving = {victim.id for victim in victims}
    if request.kind is GpuRequestKind.DEVICES:
        free = sum(1 for gpu in node.gpus if all(alloc.workload_id in leaving for alloc in gpu.allocs))
        return free >= request.devices
    for gpu in node.gpus:
        staying = [alloc for alloc in gpu.allocs if alloc.workload_id not in leaving]
        total = gpu.memory_total_mib
        need_mib = request.portion * total if request.kind is GpuRequestKind.PORTION else request.memory_mib
        if gpu.mig:
            profile = mig_profile_for(float(need_mib), total)
            if profile and sum(alloc.slices for alloc in staying) + profile.slices <= MIG_COMPUTE_SLICES:
                return True
        elif sum(alloc.fraction for alloc in staying) + need_mib / total <= 1.0 + EPSILON:
            return True
    return False
