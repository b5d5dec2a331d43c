"""GPUs starving for data (`:starved`) on the demo: the training whose dataset was tiered out is listed with
the evidence in words; an admin's prefetch (asked first, audited) brings the data back and the row goes;
a burst of readers saturates `datasets` for a while and its trainings show until it ends; the workload
detail's Fed line says the same; `--read-only` refuses the prefetch."""

from __future__ import annotations

from demo_helpers import audited_actions, demo_app, simulator
from pilot_waits import wait_for_screen, wait_until
from test_key_bursts import type_in_one_read
from textual.pilot import Pilot

from console.app import RwcApp
from console.sim.feed_scenarios import BURST_SECONDS, BURST_START_SECONDS
from screens.dialogs import ConfirmDialog
from screens.starved import StarvedScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.resource_table import ResourceTable

SIZE = (120, 30)


async def in_one_read(pilot: Pilot, keys: list[str]) -> None:
    """Type `keys` as one terminal read delivers them, and wait until each was handled."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    type_in_one_read(app, keys)
    await wait_until(pilot, lambda: app.key_gate.idle, "every key of the burst to be delivered")
    await pilot.pause()


async def open_starved(pilot: Pilot) -> tuple[StarvedScreen, ResourceTable]:
    await in_one_read(pilot, [":", *"starved", "<enter>"])
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, StarvedScreen), "the starved view")
    screen = pilot.app.screen
    assert isinstance(screen, StarvedScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "a starved workload")
    await wait_until(pilot, lambda: screen.identity is not None, "who is signed in")
    return screen, table


def rows(table: ResourceTable) -> dict[str, dict[str, str]]:
    columns = ("fed", "for", "lost", "evidence", "dataset")
    found = {}
    for key in table.visible_keys():
        found[table.cell_text(key, "name").strip()] = {c: table.cell_text(key, c).strip() for c in columns}
    return found


async def test_the_tiered_out_training_starves_until_an_admin_prefetches_its_dataset() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_starved(pilot)
        listed = rows(table)
        assert list(listed) == ["vit-large-pretrain"]
        vit = listed["vit-large-pretrain"]
        assert vit["dataset"] == "datasets:/imagenet-21k"
        assert vit["for"] == "1h+"  # starving since it started, before the hour read
        assert int(vit["fed"].rstrip("%")) < 60
        assert vit["evidence"].endswith("% object tier")
        assert " ms" in vit["evidence"]  # object-store reads are slow: the node's latency is up

        await in_one_read(pilot, ["<enter>"])
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail")
        detail = app.screen
        await wait_until(pilot, lambda: "starved: GPU" in detail.rendered_text(120), "the Fed line")
        await in_one_read(pilot, ["<escape>", "p"])  # back, and the prefetch asked at once
        await wait_for_screen(pilot, ConfirmDialog)
        await in_one_read(pilot, ["y"])
        sim = simulator(app)
        await wait_until(pilot, lambda: "prefetch_dataset" in audited_actions(), "the audited prefetch")
        await wait_until(
            pilot, lambda: sim.feed.state.cold[("datasets", "imagenet-21k")].prefetching, "the fetch started"
        )
        for _ in range(9):  # 45 simulated minutes: the bucket brings 1.1 TB back at 500 MB/s
            sim.advance(300)
        assert sim.feed.cold_share("datasets", "imagenet-21k") == 0.0
        await in_one_read(pilot, ["<ctrl+r>"])
        await wait_until(pilot, lambda: "vit-large-pretrain" not in rows(table), "the fed job gone")


async def test_a_burst_of_readers_saturates_datasets_until_it_ends() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_starved(pilot)
        sim = simulator(app)
        sim.advance(BURST_START_SECONDS + 8 * 60)
        await in_one_read(pilot, ["<ctrl+r>"])
        await wait_until(pilot, lambda: "llama3-8b-sft" in rows(table), "a training slowed by the burst")
        llama = rows(table)["llama3-8b-sft"]
        assert " ms" in llama["evidence"] and "object tier" not in llama["evidence"]  # queued SSD reads
        sim.advance(BURST_SECONDS)
        await in_one_read(pilot, ["<ctrl+r>"])
        await wait_until(pilot, lambda: list(rows(table)) == ["vit-large-pretrain"], "the burst over")


async def test_read_only_refuses_the_prefetch() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await open_starved(pilot)
        assert not screen.check_action("prefetch_dataset", ())
        sim = simulator(app)
        await in_one_read(pilot, ["p"])
        assert not isinstance(app.screen, ConfirmDialog)
        assert not sim.feed.state.cold[("datasets", "imagenet-21k")].prefetching
