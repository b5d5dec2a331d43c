"""GPU events (XID errors, clock throttling) in the demo, as NVML would report them on a GPU node: in the
event list with what to do about them, on the node's timeline, and as they happen (the weak-fan GPU of
dgx-h100-02 slows down three minutes into the demo and reads hot while it does)."""

from __future__ import annotations

from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until
from test_events_screen import SIZE, column, open_events

from screens.node_detail import NodeDetailScreen


async def test_nvml_source_lists_xids_and_throttling_with_what_to_do() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        await pilot.press("s", "s", "s", "s")  # Run:ai, Kubernetes, WEKA, NVML: one burst
        await wait_until(pilot, lambda: set(column(table, "source")) == {"NVML"}, "NVML's events only")
        assert app.screen.header.title == "Events: NVML only"
        rows = [
            (table.cell_text(key, "type"), table.cell_text(key, "reason"), table.cell_text(key, "object"))
            for key in table.visible_keys()
        ]
        assert rows == [
            ("·", "ClocksRestored", "gpu/dgx-h100-02/gpu5"),
            ("!", "ClocksThrottled", "gpu/dgx-h100-02/gpu5"),
            ("✗", "Xid", "gpu/dgx-h100-04/gpu6"),
            ("!", "Xid", "gpu/dgx-a100-03/gpu2"),
            ("✗", "Xid", "gpu/dgx-a100-03/gpu2"),
        ]
        nodes = column(table, "node")
        assert nodes == ["dgx-h100-02", "dgx-h100-02", "dgx-h100-04", "dgx-a100-03", "dgx-a100-03"]

        await pilot.press("down", "down", "enter")  # the GPU that fell off the bus: its node (NotReady since)
        await wait_for_screen(pilot, NodeDetailScreen)
        detail = app.screen
        assert isinstance(detail, NodeDetailScreen)
        await wait_until(
            pilot,
            lambda: "XID 79 on GPU 6: GPU has fallen off the bus" in detail.rendered_text(width=160),
            "the XID on the node's timeline",
        )
        text = detail.rendered_text(width=160)
        assert "drain the node and reboot it" in text
        assert text.index("NodeNotReady") < text.index("XID 79")  # newest first: NotReady came after


async def test_a_gpu_that_overheats_during_the_demo_says_so_and_reads_hot() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_events(pilot)
        await pilot.press("s", "s", "s", "s")
        await wait_until(pilot, lambda: set(column(table, "source")) == {"NVML"}, "NVML's events only")
        sim = simulator(app)
        with sim.lock:
            sim.advance(190)  # the next slowdown of dgx-h100-02's GPU 5 starts 180 s in
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: column(table, "reason")[0] == "ClocksThrottled", "the slowdown on top"
        )
        top = table.visible_keys()[0]
        assert table.cell_text(top, "object") == "gpu/dgx-h100-02/gpu5"
        assert "hardware thermal slowdown" in table.cell_text(top, "message")
        hot = next(gpu for gpu in sim.runai.gpus("dgx-h100-02") if gpu.index == 5)
        assert hot.temperature_celsius is not None and hot.temperature_celsius >= 89

        gpus = await open_list(pilot, "4", "gpus")
        key = next(
            k
            for k in gpus.visible_keys()
            if gpus.cell_text(k, "node") == "dgx-h100-02" and gpus.cell_text(k, "index") == "5"
        )
        assert float(gpus.cell_text(key, "temperature").rstrip("°C ")) >= 89
