"""Where pods fit: bin-packing whole GPUs, fractions, GPU memory and MIG slices onto nodes.

Placement is separate from policy (runai_scheduler.py decides *whether* a workload may have GPUs;
this module answers *where* they would go). `find_placement` never changes state, so the scheduler
can ask "would it fit if these victims left?" by releasing victims, asking, and restoring them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from console.model.runai import GpuRequest, GpuRequestKind, NodeRole
from console.sim.runai_state import (
    EPSILON,
    AllocState,
    GpuState,
    NodeState,
    ProjectState,
    WorkloadState,
)

MIG_COMPUTE_SLICES = 7
"""An A100/H100 splits into 7 compute slices and 8 memory slices."""

MIG_PROFILES: tuple[tuple[int, int], ...] = ((1, 1), (2, 2), (3, 4), (4, 4), (7, 8))
"""(compute slices, memory eighths) of the MIG profiles, smallest first: 1g.10gb ... 7g.80gb on 80 GB."""

GIB = 1024**3
CPU_PER_GPU_MILLICORES = 8_000
CPU_PER_FRACTION_MILLICORES = 2_000
CPU_ONLY_POD_MILLICORES = 4_000
MEMORY_PER_GPU_BYTES = 64 * GIB
MEMORY_PER_FRACTION_BYTES = 16 * GIB


@dataclass(frozen=True, slots=True)
class MigProfile:
    name: str
    slices: int
    memory_mib: int


@dataclass(slots=True)
class GpuShare:
    """What one pod takes of one GPU."""

    gpu: GpuState
    fraction: float
    memory_mib: int | None
    mig_profile: str | None
    slices: int


@dataclass(slots=True)
class PodPlan:
    node: NodeState
    shares: list[GpuShare]
    cpu_millicores: int
    memory_bytes: int


@functools.lru_cache(maxsize=256)
def mig_profile_for(memory_mib: float, total_mib: int) -> MigProfile | None:
    """The smallest MIG profile with at least `memory_mib`, named as nvidia-smi names them."""
    total_gb = round(total_mib / 1024)
    for slices, eighths in MIG_PROFILES:
        profile_mib = total_mib * eighths // 8
        if profile_mib + EPSILON >= memory_mib:
            gigabytes = total_gb * eighths // 8
            return MigProfile(f"{slices}g.{gigabytes}gb", slices, profile_mib)
    return None


def pod_cpu_memory(request: GpuRequest) -> tuple[int, int]:
    """CPU millicores and memory bytes one pod asks for; scaled by its GPUs like the UI's defaults."""
    if request.kind is GpuRequestKind.DEVICES:
        if request.devices <= 0:
            return CPU_ONLY_POD_MILLICORES, 16 * GIB
        return CPU_PER_GPU_MILLICORES * request.devices, MEMORY_PER_GPU_BYTES * request.devices
    return CPU_PER_FRACTION_MILLICORES, MEMORY_PER_FRACTION_BYTES


def _share_for(gpu: GpuState, request: GpuRequest) -> GpuShare | None:
    """The share `request` would take of `gpu`, or None if the GPU cannot serve that kind of request."""
    if request.kind is GpuRequestKind.PORTION:
        need_mib = request.portion * gpu.memory_total_mib
        fraction = request.portion
    else:
        need_mib = float(request.memory_mib)
        fraction = request.memory_mib / gpu.memory_total_mib
    if need_mib > gpu.memory_total_mib + EPSILON:
        return None
    if gpu.mig:
        profile = mig_profile_for(need_mib, gpu.memory_total_mib)
        if profile is None:
            return None
        return GpuShare(
            gpu, profile.slices / MIG_COMPUTE_SLICES, profile.memory_mib, profile.name, profile.slices
        )
    return GpuShare(gpu, fraction, int(round(need_mib)), None, 0)


class _Overlay:
    """Tentative claims of earlier pods of the same gang, so later pods do not double-book."""

    __slots__ = ("cpu", "gpu_fraction", "gpu_slices", "whole", "memory")

    def __init__(self) -> None:
        self.cpu: dict[str, int] = {}
        self.memory: dict[str, int] = {}
        self.whole: dict[str, int] = {}
        self.gpu_fraction: dict[int, float] = {}
        self.gpu_slices: dict[int, int] = {}

    def gpu_taken(self, gpu: GpuState) -> bool:
        key = id(gpu)
        return key in self.gpu_fraction or key in self.gpu_slices

    def claim(self, plan: PodPlan) -> None:
        name = plan.node.name
        self.cpu[name] = self.cpu.get(name, 0) + plan.cpu_millicores
        self.memory[name] = self.memory.get(name, 0) + plan.memory_bytes
        for share in plan.shares:
            key = id(share.gpu)
            if share.gpu.is_free and key not in self.gpu_fraction and key not in self.gpu_slices:
                self.whole[name] = self.whole.get(name, 0) + 1
            self.gpu_fraction[key] = self.gpu_fraction.get(key, 0.0) + share.fraction
            self.gpu_slices[key] = self.gpu_slices.get(key, 0) + share.slices


def _cpu_fits(node: NodeState, cpu: int, memory: int, overlay: _Overlay) -> bool:
    free_cpu = node.cpu_millicores - node.allocated_cpu_millicores - overlay.cpu.get(node.name, 0)
    free_memory = node.memory_bytes - node.allocated_memory_bytes - overlay.memory.get(node.name, 0)
    return free_cpu >= cpu and free_memory >= memory


def _place_whole(
    nodes: Iterable[NodeState], devices: int, cpu: int, memory: int, overlay: _Overlay, pinned: bool = False
) -> PodPlan | None:
    """Bin-pack: the node with the fewest free whole GPUs that still has `devices` (MIG nodes last)."""
    best: NodeState | None = None
    best_key: tuple[int, int, int] | None = None
    for node in nodes:
        free = node.free_whole - overlay.whole.get(node.name, 0)
        if free < devices or not (pinned or node.schedulable) or not _cpu_fits(node, cpu, memory, overlay):
            continue
        key = (int(node.mig), free, node.order)
        if best_key is None or key < best_key:
            best, best_key = node, key
            if free == devices and not node.mig:
                break  # a perfect fit on a plain node; nothing packs tighter
    if best is None:
        return None
    shares: list[GpuShare] = []
    for gpu in best.gpus:
        if len(shares) == devices:
            break
        if gpu.is_free and not overlay.gpu_taken(gpu):
            profile = f"{MIG_COMPUTE_SLICES}g.{round(gpu.memory_total_mib / 1024)}gb" if gpu.mig else None
            slices = MIG_COMPUTE_SLICES if gpu.mig else 0
            shares.append(GpuShare(gpu, 1.0, gpu.memory_total_mib, profile, slices))
    return PodPlan(best, shares, cpu, memory)


def _place_fraction(
    nodes: Iterable[NodeState],
    request: GpuRequest,
    cpu: int,
    memory: int,
    overlay: _Overlay,
    pinned: bool = False,
) -> PodPlan | None:
    """Best fit: the GPU left with the least room after this share (so halves pair up, quarters fill in).

    Hot path of a scheduling pass on a big pool, so it compares numbers and builds one share at the end;
    a GPU that this share fills exactly on a plain node cannot be beaten and ends the search.
    """
    portion = request.portion if request.kind is GpuRequestKind.PORTION else None
    taken_fraction = overlay.gpu_fraction
    taken_slices = overlay.gpu_slices
    best_gpu: GpuState | None = None
    best_node: NodeState | None = None
    best_key: tuple[int, float, int, int] | None = None
    for node in nodes:
        gpus = node.gpus
        if not gpus or not (pinned or node.schedulable):
            continue
        total = gpus[0].memory_total_mib
        need_mib = portion * total if portion is not None else float(request.memory_mib)
        if need_mib > total + EPSILON:
            continue
        node_best: GpuState | None = None
        node_left = 2.0
        if node.mig:
            profile = mig_profile_for(need_mib, total)
            if profile is None:
                continue
            for gpu in gpus:
                used = gpu.used_slices + (taken_slices.get(id(gpu), 0) if taken_slices else 0)
                left = (MIG_COMPUTE_SLICES - used - profile.slices) / MIG_COMPUTE_SLICES
                if -EPSILON <= left < node_left:
                    node_best, node_left = gpu, left
        else:
            fraction = need_mib / total if portion is None else portion
            for gpu in gpus:
                shared = gpu.used + (taken_fraction.get(id(gpu), 0.0) if taken_fraction else 0.0)
                left = 1.0 - shared - fraction
                if -EPSILON <= left < node_left:
                    node_best, node_left = gpu, left
        if node_best is None:
            continue
        key = (int(node.mig), node_left, node.order, node_best.index)
        if (best_key is None or key < best_key) and _cpu_fits(node, cpu, memory, overlay):
            best_gpu, best_node, best_key = node_best, node, key
            if not node.mig and node_left <= EPSILON:
                break
    if best_gpu is None or best_node is None:
        return None
    share = _share_for(best_gpu, request)
    if share is None:  # pragma: no cover - the loop above already checked the same sizes
        return None
    return PodPlan(best_node, [share], cpu, memory)


def _place_cpu_only(nodes: Iterable[NodeState], cpu: int, memory: int, overlay: _Overlay) -> PodPlan | None:
    """CPU-only pods prefer CPU workers, then the node with the least CPU left (bin-pack)."""
    best: NodeState | None = None
    best_key: tuple[int, int, int] | None = None
    for node in nodes:
        if not node.schedulable or not _cpu_fits(node, cpu, memory, overlay):
            continue
        left = node.cpu_millicores - node.allocated_cpu_millicores - overlay.cpu.get(node.name, 0)
        key = (int(node.role is not NodeRole.CPU_WORKER), left, node.order)
        if best_key is None or key < best_key:
            best, best_key = node, key
    return None if best is None else PodPlan(best, [], cpu, memory)


def find_placement(nodes: list[NodeState], request: GpuRequest, pods: int) -> list[PodPlan] | None:
    """A plan for all `pods` of a workload (gang: all or none), or None; changes nothing."""
    cpu, memory = pod_cpu_memory(request)
    overlay = _Overlay()
    plans: list[PodPlan] = []
    for _ in range(pods):
        if request.kind is GpuRequestKind.DEVICES:
            if request.devices > 0:
                plan = _place_whole(nodes, request.devices, cpu, memory, overlay)
            else:
                plan = _place_cpu_only(nodes, cpu, memory, overlay)
        else:
            plan = _place_fraction(nodes, request, cpu, memory, overlay)
        if plan is None:
            return None
        overlay.claim(plan)
        plans.append(plan)
    return plans


def place_pinned(nodes_per_pod: list[NodeState], request: GpuRequest) -> list[PodPlan] | None:
    """Pod i on nodes_per_pod[i], first fit, even on cordoned or NotReady nodes (scenario history)."""
    cpu, memory = pod_cpu_memory(request)
    overlay = _Overlay()
    plans: list[PodPlan] = []
    for node in nodes_per_pod:
        if request.kind is GpuRequestKind.DEVICES:
            if request.devices <= 0:
                plan: PodPlan | None = PodPlan(node, [], cpu, memory)
            else:
                plan = _place_whole([node], request.devices, cpu, memory, overlay, pinned=True)
        else:
            plan = _place_fraction([node], request, cpu, memory, overlay, pinned=True)
        if plan is None:
            return None
        overlay.claim(plan)
        plans.append(plan)
    return plans


# -- committing and undoing ----------------------------------------------------------------------


def _account(workload: WorkloadState, project: ProjectState, sign: float) -> None:
    pool = workload.current_pool
    if pool is None:
        return
    amount = sign * workload.allocated_gpus
    project.allocated[pool] = max(0.0, project.allocated.get(pool, 0.0) + amount)
    if not workload.preemptible:
        value = project.allocated_non_preemptible.get(pool, 0.0) + amount
        project.allocated_non_preemptible[pool] = max(0.0, value)


def bind(
    workload: WorkloadState, plans: list[PodPlan], project: ProjectState, nodes: dict[str, NodeState]
) -> None:
    """Give each pod its planned node and GPU shares, and charge the project's quota."""
    for pod, plan in zip(workload.pods, plans, strict=True):
        node = plan.node
        pod.node_name = node.name
        pod.cpu_millicores = plan.cpu_millicores
        pod.memory_bytes = plan.memory_bytes
        pod.allocs = []
        for share in plan.shares:
            alloc = AllocState(
                workload.id, pod.index, share.fraction, share.memory_mib, share.mig_profile, share.slices
            )
            pod.allocs.append((share.gpu, alloc))
        workload.current_pool = node.pool
    restore(workload, project, nodes)


def restore(workload: WorkloadState, project: ProjectState, nodes: dict[str, NodeState]) -> None:
    """Put back the allocations recorded on the pods (after `release(keep=True)`)."""
    touched: dict[str, NodeState] = {}
    for pod in workload.pods:
        for gpu, alloc in pod.allocs:
            gpu.allocs.append(alloc)
            gpu.used += alloc.fraction
            gpu.used_slices += alloc.slices
        node = nodes.get(pod.node_name) if pod.node_name else None
        if node is not None:
            node.allocated_cpu_millicores += pod.cpu_millicores
            node.allocated_memory_bytes += pod.memory_bytes
            node.bound[workload.id] = None
            touched[node.name] = node
    for node in touched.values():
        node.recount()
        node.version += 1
    _account(workload, project, +1.0)


def release(
    workload: WorkloadState, project: ProjectState, nodes: dict[str, NodeState], *, keep: bool = False
) -> None:
    """Free the workload's GPUs and CPU; with `keep` the pods remember them so `restore` can undo this."""
    _account(workload, project, -1.0)
    touched: dict[str, NodeState] = {}
    for pod in workload.pods:
        for gpu, alloc in pod.allocs:
            gpu.allocs.remove(alloc)
            if gpu.allocs:
                gpu.used -= alloc.fraction
                gpu.used_slices -= alloc.slices
            else:
                gpu.used, gpu.used_slices = 0.0, 0
        node = nodes.get(pod.node_name) if pod.node_name else None
        if node is not None:
            node.allocated_cpu_millicores = max(0, node.allocated_cpu_millicores - pod.cpu_millicores)
            node.allocated_memory_bytes = max(0, node.allocated_memory_bytes - pod.memory_bytes)
            node.bound.pop(workload.id, None)
            touched[node.name] = node
        if not keep:
            pod.allocs = []
            pod.node_name = None
            pod.cpu_millicores = pod.memory_bytes = 0
    for node in touched.values():
        node.recount()
        node.version += 1
    if not keep:
        workload.current_pool = None
