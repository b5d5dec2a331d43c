"""A workload's detail draws its GPU memory under its GPU use (issue 16, item 4: utilisation and memory per
workload, over the window `w` chooses): a four-GPU training run holds 88 % of 4 x 80 GiB once running."""

from __future__ import annotations

from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until

from screens.workload_detail import WorkloadDetailScreen


async def test_the_detail_shows_gpu_memory_in_use_under_gpu_use() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.advance(900)
        table = await open_list(pilot, "2", "workloads")
        key = next(k for k in table.visible_keys() if table.cell_text(k, "name") == "vit-large-pretrain")
        table.move_cursor_to_key(key)
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: "GPU memory" in detail.rendered_text(), "the memory line")
        lines = detail.rendered_text().splitlines()
        use = next(n for n, line in enumerate(lines) if line.startswith("GPU use 1h"))
        memory = lines[use + 1]
        assert memory.startswith("GPU memory   ") and memory.rstrip().endswith("now 282GiB")  # 0.88 x 320 GiB
        # The sparkline starts where the use line's does.
        assert len(memory) - len(memory[13:].lstrip()) == len(lines[use]) - len(lines[use][13:].lstrip())

        await pilot.press("w")  # 24 h: still its memory, over the day
        await wait_until(pilot, lambda: "GPU use 1d" in detail.rendered_text(), "the day's window")
        await wait_until(pilot, lambda: "now 282GiB" in detail.rendered_text(), "the memory over the day")
