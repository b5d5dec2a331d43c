"""A tiny hand-built Run:ai cluster for scheduler tests: a few nodes, a few projects, one clock.

Tests read like a scenario: build the topology, submit, advance the clock, look at what a user would
see (phases, allocations, events). Named `runai_tiny` (not `helpers`) because test directories have
no `__init__.py` and module names must be unique across the test tree.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from console.model import (
    GpuDevice,
    GpuRequest,
    Identity,
    PoolQuota,
    Role,
    Workload,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.clock import Clock
from console.sim.runai import RunaiSim, gpu_request_of

ADMIN = Identity(user="admin@acme.ai", role=Role.ADMIN)
H100 = "NVIDIA H100 80GB HBM3"
A100 = "NVIDIA A100-SXM4-80GB"
GPU_MIB = 81920

BOUND = frozenset({WorkloadPhase.INITIALIZING, WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED})
"""Phases in which a workload holds its GPUs."""


def quota(pool: str, deserved: float, limit: float = -1.0, weight: float = 2.0) -> PoolQuota:
    return PoolQuota(node_pool=pool, deserved_gpus=deserved, limit_gpus=limit, over_quota_weight=weight)


class Tiny:
    """A RunaiSim with a hand-advanced clock and shortcuts that speak in names."""

    def __init__(self, seed: int = 1) -> None:
        self.clock = Clock()
        self.sim = RunaiSim(self.clock, random.Random(seed))
        self.department = ""

    # -- topology ------------------------------------------------------------------------------
    def pool(self, name: str, nodes: int = 1, gpus: int = 8, *, model: str = H100, mig: bool = False) -> None:
        """A node pool with `nodes` nodes called `<pool>-1`, `<pool>-2`, ..."""
        self.sim.add_node_pool(name)
        for index in range(1, nodes + 1):
            self.sim.add_node(f"{name}-{index}", name, model, gpus, GPU_MIB, mig=mig)

    def project(self, name: str, *quotas: PoolQuota, members: Sequence[str] = ()) -> str:
        if not self.department:
            self.department = self.sim.add_department("research")
        return self.sim.add_project(name, self.department, list(quotas), members=list(members))

    # -- acting ----------------------------------------------------------------------------------
    def submit(
        self,
        name: str,
        project: str,
        gpu: GpuRequest | float | int = 1,
        *,
        kind: WorkloadType = WorkloadType.TRAINING,
        workers: int = 1,
        pools: Sequence[str] = (),
        preemptible: bool | None = None,
        duration: float | None = 3600.0,
        actor: Identity = ADMIN,
    ) -> str:
        spec = WorkloadSpec(
            name=name,
            project_name=project,
            type=kind,
            image="nvcr.io/nvidia/pytorch:24.08-py3",
            gpu_request=gpu_request_of(gpu),
            node_pools=tuple(pools),
            preemptible=preemptible,
            workers=workers,
            duration_seconds=duration if kind in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED) else None,
        )
        workload_id = self.sim.submit_workload(actor, spec)
        self.sim.schedule()  # what the demo backend does after every action
        return workload_id

    def advance(self, seconds: float) -> None:
        """Tick the clock one second at a time, as the Simulator does."""
        for _ in range(int(seconds)):
            self.clock.advance(1.0)
            self.sim.step(1.0)

    # -- looking -------------------------------------------------------------------------------
    def workload(self, name: str, project: str) -> Workload:
        return self.sim.workload_by_name(ADMIN, project, name)

    def phase(self, name: str, project: str) -> WorkloadPhase:
        return self.workload(name, project).phase

    def bound(self, project: str) -> list[str]:
        """Names of the project's workloads that hold GPUs (Initializing, Running or Degraded)."""
        return [w.name for w in self.sim.workloads(ADMIN) if w.project_name == project and w.phase in BOUND]

    def allocated(self, project: str, pool: str) -> float:
        found = next(p for p in self.sim.projects(ADMIN) if p.name == project).quota_for(pool)
        return found.allocated_gpus if found else 0.0

    def gpu(self, node: str, index: int) -> GpuDevice:
        return self.sim.gpus(node)[index]

    def gpus_of(self, name: str, project: str) -> list[tuple[str, int]]:
        """(node, GPU index) of every GPU the workload holds a share of."""
        workload = self.workload(name, project)
        return [(pod.node_name or "", index) for pod in workload.pods for index in pod.gpu_indexes]
