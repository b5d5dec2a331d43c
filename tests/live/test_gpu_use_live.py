"""GPU use over the wire: Run:ai's per-workload `GPU_UTILIZATION` metrics (`/api/v1/workloads/{id}/metrics`)
read by the live backend are the readings the demo backend computes from the same simulator, for every holder
(the idle-GPU view) and for one workload (its detail's lines: utilisation and, from `GPU_MEMORY_USAGE_BYTES`,
memory). The simulator runs at the wall clock, as `rwc sim serve` does, since the live backend asks for the
last hour by its own clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.backends.demo import DemoBackend
from console.backends.live.backend import LiveBackend
from console.config import load_config_file
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[LiveBackend, DemoBackend]]:
    simulator = build_simulator("demo", 7, start=datetime.now(UTC).replace(microsecond=0))
    with ServedSimulator(simulator, clock_speed=0, workdir=tmp_path / "sim") as served:
        profile = load_config_file(served.write_profile(tmp_path / "rwc.toml"), must_exist=True).select(None)
        assert profile is not None
        live = LiveBackend(profile, use_nvml=False)
        demo = DemoBackend(simulator)
        try:
            yield live, demo
        finally:
            await live.aclose()
            await demo.aclose()


async def test_every_holder_and_one_workload(pair: tuple[LiveBackend, DemoBackend]) -> None:
    live, demo = pair
    expected = {h.workload_id: h.percents for h in await demo.workload_gpu_utilisation(3600, 60)}
    read = {h.workload_id: h.percents for h in await live.workload_gpu_utilisation(3600, 60)}
    assert len(read) > 10 and set(read) <= set(expected)
    for workload_id, percents in read.items():
        assert same_readings(percents, expected[workload_id]), workload_id
    one = next(iter(read))
    [alone] = await live.workload_gpu_utilisation(3600, 60, one)
    assert alone.workload_id == one and same_readings(alone.percents, expected[one])
    # One workload's line has its GPU memory too (`GPU_MEMORY_USAGE_BYTES`), MiB as the demo computes it.
    [demo_alone] = await demo.workload_gpu_utilisation(3600, 60, one)
    assert any(value for value in demo_alone.memory_used_mib)
    assert same_readings(
        tuple(None if v is None else round(v, 1) for v in alone.memory_used_mib), demo_alone.memory_used_mib
    )
    assert all(not h.memory_used_mib for h in await live.workload_gpu_utilisation(3600, 60))  # lists: none


def same_readings(read: tuple[float | None, ...], expected: tuple[float | None, ...]) -> bool:
    """The same readings in the same order: the server samples at its own moments (its clock, not ours),
    so the grid may start one step apart; no reading may differ or be missing inside the run."""
    got = [value for value in read if value is not None]
    want = [value for value in expected if value is not None]
    return len(got) >= len(want) - 1 and any(want[start : start + len(got)] == got for start in (0, 1))
