"""`:starved` over the simulator's HTTP faces: the starved training, its evidence (WEKA's per-client reads
from `/stats/realtime`, the mounts from Kubernetes, the GPU use from Run:ai) and the GPU-hours lost read as
the demo's, cell for cell; the prefetch is refused with what to run instead (WEKA has no REST call for it)."""

from __future__ import annotations

from pathlib import Path

from served_app import demo_app, in_one_read, served, wait_for_screen, wait_until
from test_starved import open_starved  # tests/ui, on the path served_app sets
from textual.pilot import Pilot

from console.app import RwcApp
from screens.dialogs import ConfirmDialog

SIZE = (140, 30)


async def starved_rows(pilot: Pilot) -> list[tuple[str, ...]]:
    screen, table = await open_starved(pilot)
    return [
        tuple(table.cell_text(key, column.key).strip() for column in screen.COLUMNS)
        for key in table.visible_keys()
    ]


async def read_starved(app: RwcApp) -> list[tuple[str, ...]]:
    async with app.run_test(size=SIZE) as pilot:
        return await starved_rows(pilot)


async def test_the_starved_view_over_http_reads_as_the_demo(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await read_starved(faces.app())
    demo = await read_starved(demo_app())
    assert [row[0] for row in demo] == ["vit-large-pretrain"]
    assert live == demo


async def test_prefetch_over_http_says_what_to_run_on_a_client(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        app = faces.app()
        async with app.run_test(size=SIZE) as pilot:
            await starved_rows(pilot)
            await in_one_read(pilot, ["p"])
            await wait_for_screen(pilot, ConfirmDialog)
            await in_one_read(pilot, ["y"])
            await wait_until(
                pilot,
                lambda: any("weka fs tier fetch" in str(n.message) for n in app._notifications),
                "the refusal with the command",
            )
        assert not faces.faces.simulator.feed.state.cold[("datasets", "imagenet-21k")].prefetching
