"""`w` on the node pools and the projects: GPU USE over 5 minutes, an hour or a day (issue 16, item 4). The
column's label names the window, and each cell is the group's GPU-weighted mean over exactly that window, as
the backend's histories for it give (the demo runs an hour past its start so the windows differ)."""

from __future__ import annotations

from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_until

from console.model import Workload
from console.ui.sparkline import mean
from console.ui.usage import usage_by, usage_by_project
from widgets.resource_table import ResourceTable

SIZE = (160, 40)


def use_label(table: ResourceTable) -> str:
    return next(column.label for column in table.columns if column.key == "use")


def percent(cell: str) -> int:
    return int(cell.split()[-1].rstrip("%"))


async def test_w_steps_the_pools_gpu_use_through_5m_1h_24h() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.advance(3600)
        table = await open_list(pilot, "9", "pools")
        assert use_label(table) == "GPU USE 1h"
        workloads: list[Workload] = list(await app.backend.workloads())

        for key_presses, label, window, step in (
            (("w",), "GPU USE 24h", 86400, 1800),
            (("w", "w", "w"), "GPU USE 24h", 86400, 1800),  # round the cycle, typed as one burst
            (("w",), "GPU USE 5m", 300, 30),
            (("w",), "GPU USE 1h", 3600, 120),
        ):
            await pilot.press(*key_presses)
            await wait_until(pilot, lambda label=label: use_label(table) == label, label)
            histories = await app.backend.workload_gpu_utilisation(window, step)
            expected = usage_by(histories, workloads, lambda workload: workload.current_node_pool)["h100"]
            want = round(mean(expected) or 0)
            await wait_until(
                pilot,
                lambda want=want: table.cell_text("h100", "use").endswith(f"{want:3.0f}%"),
                f"h100's mean over {label}",
            )


async def test_w_on_the_projects_reads_the_busiest_project_over_five_minutes() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.advance(3600)
        table = await open_list(pilot, "1", "projects")
        busy = max(await app.backend.projects(), key=lambda project: project.allocated_gpus)
        await wait_until(pilot, lambda: table.cell_text(busy.id, "use").endswith("%"), "the hour's use")
        await pilot.press("w", "w")  # 1h → 24h → 5m
        await wait_until(pilot, lambda: use_label(table) == "GPU USE 5m", "the 5-minute window")
        histories = await app.backend.workload_gpu_utilisation(300, 30)
        want = round(mean(usage_by_project(histories)[busy.id]) or 0)
        await wait_until(
            pilot, lambda: percent(table.cell_text(busy.id, "use")) == want, "the busiest project's 5 minutes"
        )


async def test_at_80_columns_w_says_what_it_changed_though_the_column_is_hidden() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_list(pilot, "9", "pools")
        assert all(column.key != "use" for column in table.shown_columns)
        await pilot.press("w")
        await wait_until(
            pilot,
            lambda: any("GPU USE 24h" in str(n.message) for n in app._notifications),
            "the window named in a toast",
        )
