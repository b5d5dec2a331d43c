"""Each GPU's history on the node detail (issue 16, item 4: per GPU, utilisation and memory over a chosen
window): a sparkline and the mean for both, next to who holds the GPU; a held GPU that idles stands out;
`w` steps the window. In the demo, half an hour in."""

from __future__ import annotations

from datetime import UTC, datetime

from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until

from console.model.gpu_history import GpuHistory
from console.ui.gpu_history import gpu_history_cells
from console.ui.sparkline import mean
from console.wire import runai as wire
from screens.node_detail import NodeDetailScreen

NODE = "dgx-a100-01"
AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_cells_read_mean_use_and_memory_as_a_share_and_flag_an_idle_held_gpu() -> None:
    idle = GpuHistory("n", 4, AT, 60, (2.0, None, 4.0), (8192.0, 8192.0, None))
    cells = gpu_history_cells(idle, 81920, held=True)
    assert cells.utilisation.endswith("  3%") and cells.memory.endswith(" 10%")
    assert cells.idle
    assert not gpu_history_cells(idle, 81920, held=False).idle  # a free GPU at 0 % is not waste
    silent = GpuHistory("n", 5, AT, 60, (None, None), (None, None))
    assert gpu_history_cells(silent, 81920, held=True) == gpu_history_cells(None, 81920, held=True)
    assert gpu_history_cells(silent, 81920, held=True).utilisation == "—"


def test_per_gpu_measurements_are_read_by_their_gpu_label_and_bad_values_are_gaps() -> None:
    body = {
        "measurements": [
            {
                "type": "GPU_UTILIZATION_PER_GPU",
                "labels": {"gpu": "1"},
                "values": [
                    {"value": "NaN", "timestamp": "2026-01-01T00:01:00Z"},
                    {"value": "50", "timestamp": "2026-01-01T00:00:00Z"},
                    {"value": "70", "timestamp": "not a time"},
                ],
            },
            {"type": "GPU_UTILIZATION_PER_GPU", "labels": {"gpu": "99999"}, "values": []},
            {"type": "GPU_UTILIZATION_PER_GPU", "labels": {"gpu": "-1"}, "values": []},
            {"type": "GPU_UTILIZATION_PER_GPU", "labels": None, "values": []},
            {"type": "GPU_MEMORY_USAGE_BYTES_PER_GPU", "labels": {"gpu": "1"}, "values": []},
            "garbage",
        ]
    }
    points = wire.parse_per_gpu_points(body, wire.GPU_UTILIZATION_PER_GPU)
    assert points == {1: [(AT, 50.0), (datetime(2026, 1, 1, 0, 1, tzinfo=UTC), None)]}


async def test_the_node_detail_draws_each_gpus_use_and_memory_and_w_steps_the_window() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.advance(1800)
        table = await open_list(pilot, "3", "nodes")
        table.move_cursor_to_key(NODE)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, NodeDetailScreen)
        detail = app.screen
        assert isinstance(detail, NodeDetailScreen)

        def row(index: int) -> str:
            return next(line for line in detail.rendered_text().splitlines() if line.startswith(f"{index} "))

        for keys, label, window, step in ((), "1h", 3600, 120), (("w", "w"), "5m", 300, 30):
            await pilot.press(*keys)  # 1h → 24h → 5m in one burst
            await wait_until(pilot, lambda label=label: f"UTIL {label}" in detail.rendered_text(), label)
            histories = {h.index: h for h in await app.backend.node_gpu_history(NODE, window, step)}
            if label == "1h":  # a quarter of GPU 4 is an open notebook's, idle: under 5 % over the hour
                assert (mean(histories[4].utilisation) or 0) < 5
            for index in (0, 4):
                want = round(mean(histories[index].utilisation) or 0)
                await wait_until(
                    pilot,
                    lambda index=index, want=want: f"{want:3.0f}%" in row(index),
                    f"GPU {index}'s mean over {label}",
                )
        assert "vit-large-pretrain" in row(0)
        assert "notebook-dave-8" in row(4)
