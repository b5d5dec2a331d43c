"""Run:ai workload metrics (§6) both ways: what the face writes reads back; odd points never fail a
series; the live backend puts points on its window's grid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.backends.live.utilisation import on_grid
from console.wire import runai as wire

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_points_round_trip_and_missing_readings_are_left_out() -> None:
    points = [(T0 + timedelta(minutes=k), float(k) if k != 2 else None) for k in range(5)]
    body = wire.metrics_json(wire.GPU_UTILIZATION, points)
    assert [value["value"] for value in body["measurements"][0]["values"]] == ["0", "1", "3", "4"]
    assert wire.parse_metric_points(body, wire.GPU_UTILIZATION) == [p for p in points if p[1] is not None]


def test_odd_points_are_skipped_or_unknown_never_an_error() -> None:
    body = {
        "measurements": [
            None,
            {"type": "CPU_USAGE_CORES", "values": [{"value": "3", "timestamp": "2026-11-23T09:00:00Z"}]},
            {"type": "GPU_UTILIZATION", "labels": {"gpu": "0"}, "values": [{"value": "9"}]},
            {
                "type": "GPU_UTILIZATION",
                "labels": None,
                "values": [
                    {"value": "NaN", "timestamp": "2026-11-23T09:01:00Z"},
                    {"value": "+Inf", "timestamp": "2026-11-23T09:02:00Z"},
                    {"value": "7", "timestamp": "yesterday"},
                    {"value": "5.5", "timestamp": "2026-11-23T09:00:00Z"},
                    "garbage",
                ],
            },
        ]
    }
    assert wire.parse_metric_points(body, wire.GPU_UTILIZATION) == [
        (T0, 5.5),
        (T0 + timedelta(minutes=1), None),
        (T0 + timedelta(minutes=2), None),
    ]


def test_params_stay_in_the_specs_bounds() -> None:
    params = wire.metrics_params(wire.GPU_UTILIZATION, T0, T0 + timedelta(hours=1), 5000)
    assert params["numberOfSamples"] == 1000 and params["start"] == "2026-11-23T09:00:00.000Z"


def test_points_land_on_the_nearest_grid_step_within_half_a_step() -> None:
    points = [
        (T0 + timedelta(seconds=58), 1.0),
        (T0 + timedelta(seconds=185), 2.0),
        (T0 + timedelta(hours=9), 9.0),
    ]
    assert on_grid(points, T0, 60.0, 4) == (None, 1.0, None, 2.0)
