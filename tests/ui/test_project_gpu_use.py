"""GPU use per project (issue 16, item 4): the Projects list's GPU USE 1h column is each project's
GPU-weighted mean utilisation over the last hour, a sparkline and its mean, and a department's over its
projects; it comes from the same hour of per-workload histories the pools read (one poll for both), each
history naming its project and the GPUs it held, so no workload list is read for it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from demo_helpers import admin, demo_app, open_list, simulator
from pilot_waits import wait_until

from console.cli import make_app
from console.config import Config, load_config_file
from console.model import WorkloadUtilisation
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from console.ui.usage import usage_by_project
from tests.live.served_backend import live_backend_over

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_projects_use_weighs_its_workloads_by_their_gpus_and_a_department_sums_its_projects() -> None:
    histories = [
        WorkloadUtilisation("big", START, 60, (100.0, None, 50.0), project_id="p1", gpus=8.0),
        WorkloadUtilisation("small", START, 60, (0.0, 50.0, None), project_id="p1", gpus=2.0),
        WorkloadUtilisation("other", START, 60, (20.0, 20.0, 20.0), project_id="p2", gpus=10.0),
        WorkloadUtilisation("unknown", START, 60, (90.0, 90.0, 90.0)),  # no project said: left out
        WorkloadUtilisation("released", START, 60, (90.0, 90.0, 90.0), project_id="p2", gpus=0.0),
    ]
    assert usage_by_project(histories) == {"p1": [80.0, 50.0, 50.0], "p2": [20.0, 20.0, 20.0]}
    departments = {"p1": "d", "p2": "d"}
    # 8 GPUs at 50 % and 10 at 20 % in the last step: (400 + 200) / 18.
    assert usage_by_project(histories, departments.get) == {"d": [50.0, 25.0, pytest.approx(600 / 18)]}


async def test_the_demo_projects_show_their_hour_of_gpu_use() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        table = await open_list(pilot, "1", "projects")
        sim = simulator(app)
        busy = max(sim.runai.projects(admin(sim)), key=lambda project: project.allocated_gpus)
        await wait_until(pilot, lambda: table.cell_text(busy.id, "use").endswith("%"), "the use column")
        cell = table.cell_text(busy.id, "use")
        assert 0 <= int(cell.split()[-1].rstrip("%")) <= 100
        department_key = f"department:{busy.department_id}"
        assert table.cell_text(department_key, "use").endswith("%")


async def test_over_the_real_apis_each_history_names_its_project_and_gpus() -> None:
    simulator_ = build_simulator("demo", 7, start=datetime.now(UTC).replace(microsecond=0))
    async with live_backend_over(simulator_) as (backend, _served):
        histories = await backend.workload_gpu_utilisation(3600, 120)
    projects = {workload.id: workload for workload in simulator_.runai.workloads(admin(simulator_))}
    assert histories
    for history in histories:
        assert history.project_id == projects[history.workload_id].project_id
        assert history.gpus == projects[history.workload_id].allocated_gpus > 0


async def test_the_projects_over_the_real_apis_show_the_use_column(tmp_path: Path) -> None:
    simulator_ = build_simulator("demo", 7, start=datetime.now(UTC).replace(microsecond=0))
    with ServedSimulator(simulator_, clock_speed=0, workdir=tmp_path / "sim") as served:
        path = served.write_profile(tmp_path / "rwc-sim.toml")
        profile = load_config_file(path, must_exist=True).select(None)
        assert profile is not None
        app = make_app(Config(demo=False, profile=profile, profile_name=profile.name, config_path=path))
        async with app.run_test(size=(160, 40)) as pilot:
            table = await open_list(pilot, "1", "projects")
            busy = max(simulator_.runai.projects(admin(simulator_)), key=lambda p: p.allocated_gpus)
            await wait_until(pilot, lambda: table.cell_text(busy.id, "use").endswith("%"), "the use column")
