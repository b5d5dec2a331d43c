"""Each GPU's past readings (utilisation, memory in use), recomputed from what ran on it, as Run:ai's node
metrics give them per GPU (`GPU_UTILIZATION_PER_GPU`, `GPU_MEMORY_USAGE_BYTES_PER_GPU`).

Readings are a pure function of (GPU, what runs on it, time) (`runai_telemetry.reading`), so the past is
recomputed, not stored: a workload counts on a GPU from when it was bound (starting up before it runs); a
moment in the future, or after a node that is not Ready went down, has no reading (no exporter answers).
"""

from __future__ import annotations

from datetime import timedelta

from console.model.gpu_history import GpuHistory
from console.model.runai import NodeStatus, WorkloadPhase
from console.sim.clock import Clock
from console.sim.runai_state import ClusterState, GpuState, NodeState
from console.sim.runai_telemetry import load_of, memory_use_of, reading

MAX_HISTORY_STEPS = 1000
"""Run:ai's `numberOfSamples` bound (§6)."""


def down_since(node: NodeState, clock: Clock) -> float | None:
    """When a node that is not Ready stopped reporting (seconds since the clock's start); None if Ready."""
    if node.status is NodeStatus.READY:
        return None
    return (node.status_since - clock.start).total_seconds()


def gpu_readings_at(
    state: ClusterState,
    node: NodeState,
    gpu: GpuState,
    times: list[float],
    now: float,
    silent_from: float | None,
) -> tuple[list[float | None], list[float | None]]:
    """(utilisation %, memory in use MiB) of `gpu` at each of `times` (seconds since the clock's start);
    none after `now` or from `silent_from` on (its node went down: no exporter answers)."""
    utilisation: list[float | None] = []
    memory: list[float | None] = []
    model = node.gpu_model or "GPU"
    for t in times:
        if t > now or (silent_from is not None and t >= silent_from):
            utilisation.append(None)
            memory.append(None)
            continue
        loads: list[tuple[float, float]] = []
        memory_used = 0.0
        for alloc in gpu.allocs:
            workload = state.workloads.get(alloc.workload_id)
            if workload is None or t < workload.bound_at:
                continue
            starting = workload.running_since is not None and t < workload.running_since
            phase = WorkloadPhase.INITIALIZING if starting else workload.phase
            loads.append((alloc.fraction, load_of(workload.type, phase, workload.seed, t)))
            memory_used += (alloc.memory_mib or 0) * memory_use_of(workload.type, phase)
        value = reading(model, gpu.seed, t, loads, int(memory_used))
        utilisation.append(value.utilization_percent)
        memory.append(float(value.memory_used_mib))
    return utilisation, memory


def node_gpu_history(
    state: ClusterState, clock: Clock, node: NodeState, window_seconds: float, step_seconds: float
) -> list[GpuHistory]:
    """Every GPU of `node` over the last `window_seconds`, a reading every `step_seconds`, ending now."""
    steps = max(1, min(MAX_HISTORY_STEPS, int(window_seconds // step_seconds)))
    now = clock.elapsed_seconds
    times = [now - (steps - 1 - k) * step_seconds for k in range(steps)]
    start = clock.start + timedelta(seconds=times[0])
    histories = []
    for gpu in node.gpus:
        utilisation, memory = gpu_readings_at(state, node, gpu, times, now, down_since(node, clock))
        histories.append(
            GpuHistory(node.name, gpu.index, start, step_seconds, tuple(utilisation), tuple(memory))
        )
    return histories


def gpu_samples(
    state: ClusterState, clock: Clock, node: NodeState, times: list[float]
) -> dict[int, tuple[list[float | None], list[float | None]]]:
    """{GPU index: (utilisation, memory in use)} at `times`: what the node metrics route answers."""
    now = clock.elapsed_seconds
    silent_from = down_since(node, clock)
    return {gpu.index: gpu_readings_at(state, node, gpu, times, now, silent_from) for gpu in node.gpus}


def workload_memory_at(
    state: ClusterState, workload_id: str, times: list[float], now: float
) -> list[float | None] | None:
    """GPU memory in use by the workload (MiB, over every GPU it holds) at each of `times`; None when it
    holds no GPUs. Frameworks take their memory when they start (`memory_use_of`), so the line is flat while
    it runs; none before it was bound, after `now`, or while none of its nodes is Ready."""
    workload = state.workloads.get(workload_id)
    if workload is None:
        return None
    held: list[tuple[NodeState, float]] = [
        (node, alloc.memory_mib or 0.0)
        for node in state.nodes.values()
        for gpu in node.gpus
        for alloc in gpu.allocs
        if alloc.workload_id == workload_id
    ]
    if not held:
        return None
    reporting = any(node.status is NodeStatus.READY for node, _ in held)
    found: list[float | None] = []
    for t in times:
        if not reporting or t < workload.bound_at or t > now:
            found.append(None)
            continue
        starting = workload.running_since is not None and t < workload.running_since
        phase = WorkloadPhase.INITIALIZING if starting else workload.phase
        found.append(round(sum(mib for _, mib in held) * memory_use_of(workload.type, phase), 1))
    return found
