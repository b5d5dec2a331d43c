"""The demo's RPO story on `:rpo`, keys typed in bursts: `models` starts past its one-day target (its
nightlies are not uploaded; its newest off-cluster copy is a release from three days ago), `u` on its row
uploads the newest nightly to its remote bucket, the row shows the upload, and it is green again within
two simulated hours (two minutes at `--clock-speed 60`). And the schedules behind the targets: `p` opens
them, and `c`, `e`, `r` and `d` change them, as the simulator then says."""

from __future__ import annotations

from demo_helpers import audited_actions, demo_app, simulator
from pilot_waits import wait_until
from test_key_bursts import gate_idle, type_in_one_read

from console.model import StowStatus
from console.model.schedules import ScheduleEvery
from screens.dialogs import ConfirmDialog, FormScreen
from screens.protection import ProtectionScreen
from screens.schedules import SchedulesScreen
from widgets.resource_table import ResourceTable

SIZE = (100, 30)
CLOCK_SPEED = 60
"""`--clock-speed 60`: one real second is a simulated minute."""


def row_of(screen: ProtectionScreen | SchedulesScreen, table: ResourceTable, name: str, column: str) -> str:
    key = next(k for k in table.visible_keys() if table.cell_text(k, column) == name)
    return key


async def open_rpo(pilot) -> tuple[ProtectionScreen, ResourceTable]:  # noqa: ANN001 - a Pilot
    type_in_one_read(pilot.app, ":rpo\r")
    await gate_idle(pilot)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProtectionScreen), "the RPO view")
    screen = pilot.app.screen
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count >= 6, "the filesystems")
    await wait_until(pilot, lambda: screen.identity is not None, "who is signed in")
    return screen, table


async def test_models_is_past_its_target_and_u_clears_it_within_two_minutes_at_60x() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_rpo(pilot)
        models = row_of(screen, table, "models", "name")
        assert table.visible_keys()[0] == models  # past its target: first
        assert table.cell_text(models, "state") == "✗ past by 1d18h"
        assert table.cell_text(models, "target") == "1d"  # its nightly schedule's target

        table.move_cursor_to_key(models)
        type_in_one_read(app, "u")  # models has only the remote (DR) bucket: no question
        await gate_idle(pilot)
        sim = simulator(app)
        with sim.lock:
            nightly = next(
                s
                for s in sim.weka.snapshots()
                if s.name == "nightly-20261123" and s.filesystem_name == "models"
            )
        assert nightly.stow_status is StowStatus.UPLOADING
        assert nightly.uploads[0].site == "REMOTE"
        assert "upload_snapshot" in audited_actions()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "↑" in table.cell_text(models, "state"), "the upload on the row")
        assert table.cell_text(models, "state").startswith("✗ past ↑")

        simulated = 0
        while simulated < 2 * 60 * CLOCK_SPEED:  # two real minutes at 60x
            sim.advance(60)
            simulated += 60
            with sim.lock:
                done = sim.weka.snapshot(nightly.uid).stow_status is StowStatus.SYNCHRONIZED
            if done:
                break
        assert done, "the upload did not finish within two minutes at --clock-speed 60"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: table.cell_text(models, "state") == "✓ within", "models within")
        assert table.cell_text(models, "upload").endswith("remote")


async def test_u_on_a_filesystem_without_a_bucket_says_why() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_rpo(pilot)
        table.move_cursor_to_key(row_of(screen, table, "inference-cache", "name"))
        type_in_one_read(app, "u")
        await gate_idle(pilot)
        assert any("no object-store bucket" in str(n.message) for n in app._notifications)
        assert "upload_snapshot" not in audited_actions()


async def test_schedules_from_rpo_create_edit_run_and_delete() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_rpo(pilot)
        table.move_cursor_to_key(row_of(screen, table, "models", "name"))
        type_in_one_read(app, "p")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the schedules")
        schedules = app.screen
        assert isinstance(schedules, SchedulesScreen)
        assert schedules.screen_title == "Schedules of models"
        listing = schedules.query_one(ResourceTable)
        await wait_until(pilot, lambda: listing.row_count == 2, "models' two schedules")
        nightly = row_of(schedules, listing, "nightly", "name")
        assert listing.cell_text(nightly, "every") == "daily 02:00"
        assert listing.cell_text(nightly, "upload") == "none"
        assert listing.cell_text(nightly, "rpo") == "1d*"
        await wait_until(pilot, lambda: schedules.identity is not None, "who is signed in")

        # Edit: upload the nightlies to the remote bucket from now on.
        listing.move_cursor_to_key(nightly)
        type_in_one_read(app, "e")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen), "the edit form")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.widget_for("upload").value = "REMOTE"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the form closed")
        sim = simulator(app)
        with sim.lock:
            spec = next(s.spec for s in sim.weka.snapshot_schedules() if s.uid == nightly)
        assert spec.upload_site is not None and spec.upload_site.value == "REMOTE"
        assert spec.keep == 7 and spec.every is ScheduleEvery.DAILY

        # Create one: every 15 minutes, keep 4.
        type_in_one_read(app, "c")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen), "the create form")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.widget_for("name").value = "quarter"  # type: ignore[attr-defined]
        form.widget_for("interval").value = "15"  # type: ignore[attr-defined]
        form.widget_for("keep").value = "4"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: listing.row_count == 3, "the new schedule")
        quarter = row_of(schedules, listing, "quarter", "name")
        assert listing.cell_text(quarter, "every") == "every 15m"

        # Run it once: a snapshot now, named to the second.
        listing.move_cursor_to_key(quarter)
        type_in_one_read(app, "r")
        await gate_idle(pilot)
        with sim.lock:
            taken = [s.name for s in sim.weka.snapshots() if s.name.startswith("quarter-")]
        assert taken == ["quarter-20261123-090000"]

        # Delete it (confirmed; a y typed in the same burst does not count).
        type_in_one_read(app, "dy")
        await gate_idle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: listing.row_count == 2, "the schedule gone")
        with sim.lock:
            assert all(s.name != "quarter" for s in sim.weka.snapshot_schedules())
            assert any(s.name == "quarter-20261123-090000" for s in sim.weka.snapshots())  # it stays
        assert [a for a in audited_actions() if "schedule" in a] == [
            "update_snapshot_schedule",
            "create_snapshot_schedule",
            "run_snapshot_schedule",
            "delete_snapshot_schedule",
        ]


async def test_read_only_refuses_schedule_changes_before_asking() -> None:
    app = demo_app(demo=True, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        type_in_one_read(app, ":sched\r")
        await gate_idle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the schedules")
        screen = app.screen
        assert isinstance(screen, SchedulesScreen)
        listing = screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: listing.row_count == 9, "every schedule")
        assert screen.refusal_reason("delete_schedule")
        assert screen.refusal_reason("run_schedule")
        type_in_one_read(app, "d")
        await gate_idle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
