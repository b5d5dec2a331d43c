"""`GET /api/v1/nodes/{nodeId}/metrics` (reference/runai.md §6): a node's readings per GPU, as Run:ai answers
them: one measurement per GPU (`labels: {"gpu": "<index>"}`) for `GPU_UTILIZATION_PER_GPU` (percent) and
`GPU_MEMORY_USAGE_BYTES_PER_GPU` (bytes), `numberOfSamples` samples from `start` to `end`. The other metric
types it lists are not modelled and answer no values, as a metric without samples does."""

from __future__ import annotations

from datetime import timedelta

from console.model.identity import Identity
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.runai.common import face_uuid
from console.sim.http.runai.listing import metrics_query
from console.sim.simulator import Simulator
from console.wire import runai as wire

_MIB = 1024 * 1024


def node_metrics(request: Request, sim: Simulator, actor: Identity) -> Response:
    query = metrics_query(request)
    metrics, start, end, samples = query.metrics, query.start, query.end, query.samples
    node_id = request.path_params["node_id"]
    name = next((node.name for node in sim.runai.nodes() if face_uuid("node", node.name) == node_id), None)
    if name is None:
        raise HttpError(404, f"Node {node_id} not found.")
    span = max(0.0, (end - start).total_seconds())
    moments = [start + timedelta(seconds=span * k / max(1, samples - 1)) for k in range(samples)]
    readings = sim.runai.node_gpu_samples(name, moments) if samples and end > start else {}
    measurements = []
    if wire.GPU_UTILIZATION_PER_GPU in metrics:
        series = {index: list(zip(moments, busy, strict=True)) for index, (busy, _) in readings.items()}
        measurements += wire.per_gpu_metrics_json(wire.GPU_UTILIZATION_PER_GPU, series)["measurements"]
    if wire.GPU_MEMORY_USAGE_BYTES_PER_GPU in metrics:
        series = {
            index: [(at, None if mib is None else mib * _MIB) for at, mib in zip(moments, used, strict=True)]
            for index, (_, used) in readings.items()
        }
        measurements += wire.per_gpu_metrics_json(wire.GPU_MEMORY_USAGE_BYTES_PER_GPU, series)["measurements"]
    return Response.json(200, {"measurements": measurements})
