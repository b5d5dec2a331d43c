"""The RPO story over the simulator's HTTP faces, as `rwc --config` beside `rwc sim serve` runs it: `:rpo`
reads as the demo's (targets from the schedules the WEKA face serves), `u` on the red `models` row starts
the upload through `POST /snapshots/{uid}/upload`, and once it lands the row is green; `p` lists models'
schedules from `/snapshotSchedules` and `r` runs one through the face."""

from __future__ import annotations

from pathlib import Path

from served_app import demo_app, in_one_read, served, settled_rows, wait_for_screen, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.model import StowStatus
from screens.protection import ProtectionScreen
from screens.schedules import SchedulesScreen
from widgets.resource_table import ResourceTable

SIZE = (100, 30)


async def open_rpo(pilot: Pilot) -> tuple[ProtectionScreen, ResourceTable]:
    await in_one_read(pilot, [":", *"rpo", "<enter>"])
    await wait_for_screen(pilot, ProtectionScreen)
    screen = pilot.app.screen
    assert isinstance(screen, ProtectionScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count >= 6, "the filesystems")
    await wait_until(pilot, lambda: screen.identity is not None, "who is signed in")
    return screen, table


def key_of(table: ResourceTable, name: str) -> str:
    return next(key for key in table.visible_keys() if table.cell_text(key, "name") == name)


async def rpo_rows(app: RwcApp) -> list[tuple[str, ...]]:
    async with app.run_test(size=SIZE) as pilot:
        _, table = await open_rpo(pilot)
        return await settled_rows(pilot, table)


async def test_the_rpo_view_over_http_reads_as_the_demo(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await rpo_rows(faces.app())
    demo = await rpo_rows(demo_app())
    assert live == demo
    assert live[0][:5] == ("models", "7h", "2d18h remote", "1d", "✗ past by 1d18h")


async def test_u_over_http_uploads_models_and_clears_it(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        simulator = faces.faces.simulator
        app = faces.app()
        async with app.run_test(size=SIZE) as pilot:
            _, table = await open_rpo(pilot)
            models = key_of(table, "models")
            table.move_cursor_to_key(models)
            await in_one_read(pilot, "u")
            await app.workers.wait_for_complete()
            with faces.faces.host.session() as sim:
                nightly = next(
                    s
                    for s in sim.weka.snapshots()
                    if s.filesystem_name == "models" and s.name == "nightly-20261123"
                )
            assert nightly.stow_status is StowStatus.UPLOADING and nightly.uploads[0].site == "REMOTE"
            await in_one_read(pilot, ["ctrl+r"])
            await wait_until(pilot, lambda: "↑" in table.cell_text(models, "state"), "the upload on the row")

            with faces.faces.host.session() as sim:
                sim.advance(2400)  # 40 simulated minutes: 40 real seconds at --clock-speed 60
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: table.cell_text(models, "state") == "✓ within", "models within")
            assert simulator.weka.snapshot(nightly.uid).stow_status is StowStatus.SYNCHRONIZED

            # Its schedules, from the face; run the nightly once through it.
            await in_one_read(pilot, "p")
            await wait_for_screen(pilot, SchedulesScreen)
            schedules = app.screen
            assert isinstance(schedules, SchedulesScreen)
            listing = schedules.query_one(ResourceTable)
            await wait_until(pilot, lambda: listing.row_count == 2, "models' schedules")
            rows = await settled_rows(pilot, listing)
            assert ("models", "nightly", "daily 02:00", "7", "none", "1d*", "02:00") in rows
            await wait_until(pilot, lambda: schedules.identity is not None, "who is signed in")
            listing.move_cursor_to_key(
                next(k for k in listing.visible_keys() if listing.cell_text(k, "name") == "nightly")
            )
            await in_one_read(pilot, "r")
            await app.workers.wait_for_complete()
            with faces.faces.host.session() as sim:
                assert any(s.name.startswith("nightly-20261123-") for s in sim.weka.snapshots())
