"""Per-GPU views (`GpuDevice`) with their allocations and live readings, cached for big clusters.

Two caches with two lifetimes: a node's allocation views change only when something is bound to or
released from it (its `version`), while readings change with time. Nodes refresh their readings at
staggered moments, so one `gpus()` call on the 8,000-GPU scenario recomputes a fraction of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from console.model.runai import GpuAllocation, GpuDevice, NodeStatus, WorkloadPhase, WorkloadUtilisation
from console.sim.clock import Clock
from console.sim.runai_gpu_faults import HOT_CELSIUS, GpuFaults
from console.sim.runai_state import ClusterState, GpuState, NodeState
from console.sim.runai_telemetry import load_of, memory_use_of, reading
from console.sim.runai_views import gpu_allocation_view

TELEMETRY_BUCKET_SECONDS = 3.0
"""GPU readings are recomputed at most this often per node (a DCGM exporter scrapes every few seconds)."""

LARGE_CLUSTER_GPUS = 1024
LARGE_CLUSTER_BUCKET_SECONDS = 15.0
"""Big clusters are scraped less often (Prometheus' usual 15 s), which keeps listing 8,000 GPUs cheap."""

_STAGGER = 16


def _always_fed(workload_id: str, t: float) -> float:
    return 1.0


class GpuViews:
    def __init__(self, state: ClusterState, clock: Clock, faults: GpuFaults | None = None) -> None:
        self.state = state
        self.clock = clock
        self.faults = faults
        self._allocations: dict[str, tuple[int, list[tuple[GpuAllocation, ...]]]] = {}
        self._devices: dict[str, tuple[int, int, tuple[GpuDevice, ...]]] = {}
        self._counted_nodes = -1
        self._gpu_total = 0
        self.fed_at: Callable[[str, float], float] = _always_fed
        """How well a workload is fed with data at a time (`console.sim.data_feed`): its GPUs work as much."""

    def _bucket_seconds(self) -> float:
        nodes = self.state.nodes
        if self._counted_nodes != len(nodes):
            self._counted_nodes = len(nodes)
            self._gpu_total = sum(len(node.gpus) for node in nodes.values())
        return (
            LARGE_CLUSTER_BUCKET_SECONDS if self._gpu_total > LARGE_CLUSTER_GPUS else TELEMETRY_BUCKET_SECONDS
        )

    def of_node(self, node: NodeState) -> tuple[GpuDevice, ...]:
        period = self._bucket_seconds()
        offset = (node.order % _STAGGER) * period / _STAGGER
        bucket = int((self.clock.elapsed_seconds + offset) // period)
        cached = self._devices.get(node.name)
        if cached is not None and cached[0] == node.version and cached[1] == bucket:
            return cached[2]
        allocations = self._allocation_views(node)
        t = bucket * period
        devices = tuple(
            self._device(node, gpu, views, t) for gpu, views in zip(node.gpus, allocations, strict=True)
        )
        self._devices[node.name] = (node.version, bucket, devices)
        return devices

    def utilisation(
        self, window_seconds: float, step_seconds: float, workload_ids: set[str] | None = None
    ) -> list[WorkloadUtilisation]:
        """How busy each workload holding GPUs (or only `workload_ids`) kept them over the last
        `window_seconds`, a reading every `step_seconds`, as a percentage of its allocation (see
        `utilisation_at`)."""
        now = self.clock.elapsed_seconds
        steps = max(1, int(window_seconds // step_seconds))
        times = [now - (steps - 1 - k) * step_seconds for k in range(steps)]
        start = self.clock.start + timedelta(seconds=times[0])
        workloads = self.state.workloads
        return [
            WorkloadUtilisation(
                workload_id,
                start,
                step_seconds,
                tuple(percents),
                project_id=workloads[workload_id].project_id,
                gpus=workloads[workload_id].allocated_gpus,
            )
            for workload_id, percents in self.utilisation_at(times, workload_ids).items()
        ]

    def utilisation_at(
        self, times: list[float], workload_ids: set[str] | None = None
    ) -> dict[str, list[float | None]]:
        """Per workload holding GPUs (or only `workload_ids`), its utilisation at each of `times` (seconds
        since the clock's start), as a percentage of its allocation.

        Loads are a pure function of (workload, time), so the past is recomputed rather than stored:
        before the workload was bound it has no reading, while it starts up (`running_since`) it reads
        as initialising, and while none of its nodes is Ready there is no reading (no exporter answers);
        a reading is never of the future.
        """
        now = self.clock.elapsed_seconds
        holders: dict[str, list[NodeState]] = {}
        for node in self.state.nodes.values():
            for gpu in node.gpus:
                for alloc in gpu.allocs:
                    if workload_ids is not None and alloc.workload_id not in workload_ids:
                        continue
                    nodes = holders.setdefault(alloc.workload_id, [])
                    if node not in nodes:
                        nodes.append(node)
        found: dict[str, list[float | None]] = {}
        for workload_id, nodes in holders.items():
            workload = self.state.workloads.get(workload_id)
            if workload is None:
                continue
            reporting = any(node.status is NodeStatus.READY for node in nodes)
            percents: list[float | None] = []
            for t in times:
                if not reporting or t < workload.bound_at or t > now:
                    percents.append(None)
                    continue
                starting = workload.running_since is not None and t < workload.running_since
                phase = WorkloadPhase.INITIALIZING if starting else workload.phase
                load = load_of(workload.type, phase, workload.seed, t) * self.fed_at(workload_id, t)
                percents.append(round(100.0 * load, 1))
            found[workload_id] = percents
        return found

    def _allocation_views(self, node: NodeState) -> list[tuple[GpuAllocation, ...]]:
        cached = self._allocations.get(node.name)
        if cached is not None and cached[0] == node.version:
            return cached[1]
        workloads, projects = self.state.workloads, self.state.projects
        views = []
        for gpu in node.gpus:
            shares = []
            for alloc in gpu.allocs:
                workload = workloads.get(alloc.workload_id)
                project = projects.get(workload.project_id) if workload else None
                shares.append(gpu_allocation_view(workload, project.name if project else "", alloc))
            views.append(tuple(shares))
        self._allocations[node.name] = (node.version, views)
        return views

    def _device(
        self, node: NodeState, gpu: GpuState, allocations: tuple[GpuAllocation, ...], t: float
    ) -> GpuDevice:
        model = node.gpu_model or "GPU"
        utilization: float | None = None
        memory: int | None = None
        temperature: float | None = None
        power: float | None = None
        if node.status is NodeStatus.READY:  # otherwise the node's exporter is not answering: N/A
            workloads = self.state.workloads
            loads: list[tuple[float, float]] = []
            memory_used = 0.0
            for alloc in gpu.allocs:
                workload = workloads.get(alloc.workload_id)
                if workload is not None:
                    load = load_of(workload.type, workload.phase, workload.seed, t)
                    loads.append((alloc.fraction, load * self.fed_at(workload.id, t)))
                    memory_used += (alloc.memory_mib or 0) * memory_use_of(workload.type, workload.phase)
            utilization, memory, temperature, power = reading(model, gpu.seed, t, loads, int(memory_used))
            if self.faults is not None and self.faults.is_hot(node.name, gpu.index, t):
                temperature = max(temperature, HOT_CELSIUS + (gpu.seed % 30) / 10)
        return GpuDevice(
            node_name=node.name,
            index=gpu.index,
            uuid=gpu.uuid,
            model=model,
            memory_total_mib=gpu.memory_total_mib,
            memory_used_mib=memory,
            utilization_percent=utilization,
            temperature_celsius=temperature,
            power_watts=power,
            allocations=allocations,
            mig_enabled=gpu.mig,
        )
