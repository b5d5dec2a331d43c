"""Telemetry (`/api/v1/workloads/telemetry`, `/api/v1/nodes/telemetry`) and a workload's metrics
(`/api/v1/workloads/{id}/metrics`), both sides (reference §6).

Their values are numeric strings on the wire, read strictly (`finite_number`): "NaN" (Prometheus' 0/0),
"+Inf" and garbage are unknown readings, never an error. [UNSURE] telemetry groups are matched by `key`
without case, a node or node pool by its `name`, else its `value`. The projects' running and pending
counts come from here (`workload_counts`), as the nodes' readings do (`telemetry_by`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from console.model.enums import WorkloadPhase
from console.wire.common import finite_number, format_rfc3339, parse_rfc3339
from console.wire.runai.fields import _keyed, _list, _obj, _str, iso, number_text

logger = logging.getLogger(__name__)

RUNNING_PHASES = (WorkloadPhase.RUNNING.value, WorkloadPhase.DEGRADED.value)
"""Phases a project's `running_workloads` counts (its containers run), as the simulator counts them."""

PENDING_PHASES = (WorkloadPhase.PENDING.value,)


# -- telemetry -------------------------------------------------------------------------------------
def parse_telemetry(body: Any) -> list[tuple[dict[str, tuple[str, str]], float | None]]:
    """Each telemetry value with its groups as {lower-case key: (value, name)}. A value that is not a
    finite number ("NaN": Prometheus' 0/0, "+Inf", garbage) is None: that reading is unknown. Entries and
    groups that are not objects, and groups without a key, say nothing and are skipped."""
    obj = _obj(body, "telemetry")
    result: list[tuple[dict[str, tuple[str, str]], float | None]] = []
    for entry in _list(obj, "values", "telemetry", required=True):
        if not isinstance(entry, Mapping):
            continue
        groups: dict[str, tuple[str, str]] = {}
        for key, group in _keyed(_list(entry, "groups", "telemetry value"), "key", "telemetry group"):
            label = _str(group, "value", "telemetry group", default="")
            groups[key.lower()] = (label, _str(group, "name", "telemetry group", default="") or label)
        reading = finite_number(entry.get("value"))
        if reading is None:
            logger.debug(
                "Telemetry value %.40r of %r is not a finite number: unknown", entry.get("value"), groups
            )
        result.append((groups, reading))
    return result


def telemetry_by(body: Any, key: str) -> dict[str, float]:
    """Telemetry grouped by one key, keyed by the group's name (node and node-pool names). Unknown
    readings are left out, so the node reads as if the server had sent nothing for it."""
    return {
        groups[key.lower()][1]: value
        for groups, value in parse_telemetry(body)
        if key.lower() in groups and value is not None
    }


def workload_counts(telemetry: Any) -> dict[str, tuple[int, int]]:
    """(running, pending) per project id from WORKLOADS_COUNT telemetry grouped by ProjectId and Phase."""
    running: dict[str, int] = {}
    pending: dict[str, int] = {}
    for groups, value in parse_telemetry(telemetry):
        project = groups.get("projectid")
        phase = groups.get("phase")
        if project is None or phase is None or value is None or value < 0:
            continue
        if phase[0] in RUNNING_PHASES:
            running[project[0]] = running.get(project[0], 0) + int(value)
        elif phase[0] in PENDING_PHASES:
            pending[project[0]] = pending.get(project[0], 0) + int(value)
    return {key: (running.get(key, 0), pending.get(key, 0)) for key in {*running, *pending}}


def telemetry_json(
    kind: str, at: datetime, totals: Mapping[tuple[tuple[str, str, str], ...], float]
) -> dict[str, Any]:
    """A telemetry answer: one value per group, each group a (key, value, name) triple."""
    values = [
        {
            "value": number_text(total),
            "groups": [{"key": key, "value": value, "name": name} for key, value, name in group],
        }
        for group, total in totals.items()
    ]
    return {"type": kind, "timestamp": iso(at), "values": values}


# -- workload metrics: GET /api/v1/workloads/{id}/metrics ------------------------------------------
GPU_UTILIZATION = "GPU_UTILIZATION"
GPU_MEMORY_USAGE_BYTES = "GPU_MEMORY_USAGE_BYTES"

MAX_METRIC_SAMPLES = 1000
"""`numberOfSamples` is 0-1000 in the spec (§6); the default is 20."""

DEFAULT_METRIC_SAMPLES = 20


def metrics_params(metric: str, start: datetime, end: datetime, samples: int) -> dict[str, Any]:
    """The query of a metrics request: one type, a time range, a number of samples within bounds."""
    return {
        "metricType": metric,
        "start": format_rfc3339(start),
        "end": format_rfc3339(end),
        "numberOfSamples": max(0, min(MAX_METRIC_SAMPLES, samples)),
    }


def metrics_json(metric: str, points: Iterable[tuple[datetime, float | None]]) -> dict[str, Any]:
    """`MetricsResponse` with one measurement; values are strings, a point without a reading is left out."""
    values = [
        {"value": _metric_text(value), "timestamp": format_rfc3339(at)}
        for at, value in points
        if value is not None
    ]
    return {"measurements": [{"type": metric, "labels": None, "values": values}]}


def _metric_text(value: float) -> str:
    """`85`, `12.5`, `604731392`: whole numbers without a point, others in the fewest digits that read
    back the same (`%g`'s six digits would round a byte count)."""
    return str(int(value)) if value == int(value) else repr(float(value))


def parse_metric_points(body: Any, metric: str) -> list[tuple[datetime, float | None]]:
    """The (time, value) points of `metric` in a `MetricsResponse` (200 or 207 partial), oldest first.
    Tolerant: a point without a readable time is skipped, one whose value is not a finite number
    ("NaN", "+Inf", garbage) keeps its time with no value; another metric's measurements are ignored;
    a measurement with labels (per GPU) is left to callers that ask for it."""
    points: list[tuple[datetime, float | None]] = []
    for measurement in _list(_obj(body, "metrics answer"), "measurements", "metrics answer"):
        if not isinstance(measurement, Mapping) or measurement.get("type") != metric:
            continue
        if measurement.get("labels"):
            continue
        for value in measurement.get("values") or ():
            if not isinstance(value, Mapping):
                continue
            at = parse_rfc3339(value.get("timestamp"))
            if at is not None:
                points.append((at, finite_number(value.get("value"))))
    return sorted(points, key=lambda point: point[0])


# -- node metrics per GPU: GET /api/v1/nodes/{nodeId}/metrics ------------------------------------------
GPU_UTILIZATION_PER_GPU = "GPU_UTILIZATION_PER_GPU"
GPU_MEMORY_USAGE_BYTES_PER_GPU = "GPU_MEMORY_USAGE_BYTES_PER_GPU"
GPU_LABEL = "gpu"
"""The label a per-GPU measurement names its GPU by (`labels: {"gpu": "0"}`, reference §6)."""

MAX_GPU_INDEX = 1023
"""A `gpu` label beyond this is not a GPU index rwc believes (a node has at most a few dozen)."""


def per_gpu_metrics_json(
    metric: str, series: Mapping[int, Iterable[tuple[datetime, float | None]]]
) -> dict[str, Any]:
    """`MetricsResponse` with one measurement per GPU (`labels: {"gpu": "<index>"}`)."""
    return {
        "measurements": [
            {
                "type": metric,
                "labels": {GPU_LABEL: str(index)},
                "values": [
                    {"value": _metric_text(value), "timestamp": format_rfc3339(at)}
                    for at, value in points
                    if value is not None
                ],
            }
            for index, points in sorted(series.items())
        ]
    }


def parse_per_gpu_points(body: Any, metric: str) -> dict[int, list[tuple[datetime, float | None]]]:
    """{GPU index: its (time, value) points, oldest first} of a per-GPU `metric` in a `MetricsResponse`.
    Tolerant as `parse_metric_points`: a measurement whose `gpu` label is not a small index is left out,
    a value that is not a finite number keeps its time with no value."""
    found: dict[int, list[tuple[datetime, float | None]]] = {}
    for measurement in _list(_obj(body, "metrics answer"), "measurements", "metrics answer"):
        if not isinstance(measurement, Mapping) or measurement.get("type") != metric:
            continue
        labels = measurement.get("labels")
        label = labels.get(GPU_LABEL) if isinstance(labels, Mapping) else None
        if not isinstance(label, str) or not label.isdigit() or int(label) > MAX_GPU_INDEX:
            continue
        points = found.setdefault(int(label), [])
        for value in measurement.get("values") or ():
            if not isinstance(value, Mapping):
                continue
            at = parse_rfc3339(value.get("timestamp"))
            if at is not None:
                points.append((at, finite_number(value.get("value"))))
    return {index: sorted(points, key=lambda point: point[0]) for index, points in found.items()}
