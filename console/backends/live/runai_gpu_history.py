"""Each GPU's history on one node from Run:ai's node metrics (`GET /api/v1/nodes/{nodeId}/metrics` with
`GPU_UTILIZATION_PER_GPU` and `GPU_MEMORY_USAGE_BYTES_PER_GPU`, reference/runai.md §6).

The route wants the node's id (a UUID), which the node list carries but rwc's `Node` does not keep: it is
looked up once per node by name (`filterBy=name==...`, one short page) and remembered. The answer's samples
are put on the window's grid (`on_grid`), one line per GPU the measurements name by their `gpu` label. 2.18
has neither the node ids nor the route: that says so, in words, where the lines would be.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from console.backends.live.utilisation import MAX_METRIC_SAMPLES, on_grid
from console.data.errors import NotFound, Unavailable
from console.model.gpu_history import GpuHistory
from console.wire import runai as wire

if TYPE_CHECKING:
    from console.backends.live.runai_api import RunaiApi

SERVICE = "runai"
_MIB = 1024 * 1024
NO_NODE_METRICS = "This Run:ai version has no per-GPU node metrics (no node ids), so no GPU history is shown."


class RunaiGpuHistory:
    """Per-GPU histories of a node; the node ids it looked up are remembered for the session."""

    def __init__(self, api: RunaiApi) -> None:
        self._api = api
        self._node_ids: dict[str, str] = {}

    async def of_node(
        self, node_name: str, window_seconds: float, step_seconds: float, now: datetime
    ) -> list[GpuHistory]:
        """Each GPU of `node_name` over the last `window_seconds`, a reading every `step_seconds`."""
        node_id = await self._node_id(node_name)
        steps = max(1, min(MAX_METRIC_SAMPLES, int(window_seconds // step_seconds)))
        start = now - timedelta(seconds=step_seconds * (steps - 1))
        metrics = f"{wire.GPU_UTILIZATION_PER_GPU},{wire.GPU_MEMORY_USAGE_BYTES_PER_GPU}"
        try:
            body = await self._api.get(
                f"/api/v1/nodes/{quote(node_id, safe='')}/metrics",
                wire.metrics_params(metrics, start, now, steps),
            )
        except NotFound:
            self._node_ids.pop(node_name, None)  # the node was replaced: look its id up again next time
            raise
        busy = wire.parse_per_gpu_points(body, wire.GPU_UTILIZATION_PER_GPU)
        memory = wire.parse_per_gpu_points(body, wire.GPU_MEMORY_USAGE_BYTES_PER_GPU)
        # The grid ends at the server's newest reading, not at our clock (`utilisation_histories` does the
        # same): a server a little behind must not read as a missing last step.
        newest = max(
            (
                at
                for points in (*busy.values(), *memory.values())
                for at, value in points
                if value is not None
            ),
            default=None,
        )
        if newest is not None:
            start = newest - timedelta(seconds=step_seconds * (steps - 1))
        histories = []
        for index in sorted(busy.keys() | memory.keys()):
            used = [(at, None if value is None else value / _MIB) for at, value in memory.get(index, ())]
            histories.append(
                GpuHistory(
                    node_name,
                    index,
                    start,
                    step_seconds,
                    on_grid(busy.get(index, ()), start, step_seconds, steps),
                    on_grid(used, start, step_seconds, steps),
                )
            )
        return histories

    async def workload_memory(
        self, workload_id: str, start: datetime, end: datetime, samples: int
    ) -> list[tuple[datetime, float | None]]:
        """GPU memory in use by one workload (MiB) from `start` to `end` (`GPU_MEMORY_USAGE_BYTES` of its
        metrics, §6): the second line of a workload's detail."""
        body = await self._api.get(
            f"/api/v1/workloads/{quote(workload_id, safe='')}/metrics",
            wire.metrics_params(wire.GPU_MEMORY_USAGE_BYTES, start, end, samples),
        )
        points = wire.parse_metric_points(body, wire.GPU_MEMORY_USAGE_BYTES)
        return [(at, None if value is None else value / _MIB) for at, value in points]

    async def _node_id(self, node_name: str) -> str:
        known = self._node_ids.get(node_name)
        if known is not None:
            return known
        if "nodes" in self._api.legacy_routes:
            raise Unavailable(NO_NODE_METRICS, service=SERVICE)
        wanted = await self._api.cluster_filter(f"name=={node_name}", key="clusterUuid")
        try:
            nodes = await self._api.first_page("/api/v1/nodes", "nodes", wanted, 1)
        except NotFound as exc:  # 2.18: no /api/v1/nodes
            raise Unavailable(NO_NODE_METRICS, service=SERVICE) from exc
        node = next(
            (item for item in nodes if isinstance(item, dict) and item.get("name") == node_name), None
        )
        if node is None:
            raise NotFound(f"Node {node_name} not found.", service=SERVICE)
        node_id = node.get("id")
        if not isinstance(node_id, str) or not node_id:
            raise Unavailable(NO_NODE_METRICS, service=SERVICE)
        self._node_ids[node_name] = node_id
        return node_id
