"""`:dr` in the two-site demo: on-prem's filesystems with a DR copy in `weka-prod-dr` are restorable at
cloud (whose local bucket it is), cloud's `checkpoints` at on-prem, each with its locator and age against
its RPO target; Enter shows the dry run's steps. Keys go in bursts, as a typist or a paste sends them.
"""

from __future__ import annotations

from demo_helpers import demo_app
from pilot_waits import wait_for_screen, wait_until
from rich.text import Text
from textual.pilot import Pilot

from console.config import DEMO_SITES
from screens.dr import DrPlanScreen, DrScreen
from widgets.resource_table import ResourceTable

SIZE = (120, 30)


def cell(table: ResourceTable, key: str, column: int) -> Text:
    row = table.get_row(key)
    assert row is not None, key
    value = row.cells[column]
    assert isinstance(value, Text)
    return value


async def dr_table(pilot: Pilot, rows: int) -> ResourceTable:
    app = pilot.app
    await pilot.press(*":dr", "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "the DR view")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count >= rows, "a row per filesystem and restoring site")
    return table


async def test_dr_lists_each_restorable_copy_and_enter_shows_the_dry_run() -> None:
    app = demo_app(sites=DEMO_SITES)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        table = await dr_table(pilot, 4)
        assert set(table.visible_keys()) == {
            "on-prem/checkpoints@cloud",
            "on-prem/home@cloud",
            "on-prem/models@cloud",
            "cloud/checkpoints@on-prem",
        }
        palette = app.screen.palette  # type: ignore[attr-defined]
        models = cell(table, "on-prem/models@cloud", 4)
        assert models.plain.startswith("✗ past by") and models.style == palette.error
        assert cell(table, "on-prem/models@cloud", 3).plain == "2d18h/1d"
        assert cell(table, "on-prem/home@cloud", 4).plain == "✓ within"
        assert cell(table, "on-prem/home@cloud", 1).plain == "cloud"
        never = cell(table, "on-prem/checkpoints@cloud", 4).plain
        assert never.startswith("✗ never uploaded to obs-dr")
        assert table.visible_keys()[0] == "on-prem/models@cloud"  # red first

        table.move_cursor_to_key("on-prem/home@cloud")
        await pilot.press("enter")
        await wait_for_screen(pilot, DrPlanScreen)
        text = app.screen.view.text()  # type: ignore[attr-defined]
        assert "DR plan (dry run: nothing runs) for home on on-prem" in text
        assert "1. on cloud: bucket obs-cloud (weka-prod-dr on s3.eu-west-1.amazonaws.com) is a local" in text
        assert "2. on cloud: create filesystem home-restore from the locator" in text
        assert "POST /fileSystems/download" in text and '"object_storage": "obs-cloud"' in text
        assert "weka fs download home-restore default 20TiB 20TiB obs-cloud " in text
        assert "3. on cloud: mount home-restore for the 8 workloads that used home" in text
        assert "vision/jupyter-alice: claim home-alice at /home/jovyan (rw)" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "back to the DR view")

        # From cloud, the same view (every site's rows); a burst: switch, then :dr typed at once.
        await pilot.press(*":ctx cloud", "enter", *":dr", "enter")
        await wait_until(pilot, lambda: app.context.profile_name == "cloud", "the cloud site")
        await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "the DR view on cloud")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count == 4, "every site's rows from cloud")
        assert cell(table, "cloud/checkpoints@on-prem", 4).plain == "✓ within"
        table.move_cursor_to_key("cloud/checkpoints@on-prem")
        await pilot.press("enter")
        await wait_for_screen(pilot, DrPlanScreen)
        text = app.screen.view.text()  # type: ignore[attr-defined]
        # on-prem has weka-prod-dr as a remote bucket: WEKA restores from a local one only.
        assert (
            "1. on on-prem: add weka-prod-dr on s3.eu-west-1.amazonaws.com as a local bucket obs-dr-local"
            in text
        )
        assert "POST /objectStoreBuckets" in text and '"object_storage": "obs-dr-local"' in text


async def test_a_site_that_does_not_answer_has_its_row_and_the_others_stay() -> None:
    app = demo_app(sites=DEMO_SITES)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        switchboard = app.context.sites
        assert switchboard is not None
        await wait_until(pilot, lambda: switchboard.sites["cloud"].backend is not None, "cloud opened")
        cloud = switchboard.sites["cloud"].backend
        assert cloud is not None

        async def down() -> list[object]:
            raise ConnectionError("WEKA API unreachable")

        cloud.filesystems = down  # type: ignore[method-assign]
        table = await dr_table(pilot, 4)
        assert cell(table, "cloud/", 4).plain == "✗ not read: WEKA API unreachable"
        unknown = cell(table, "on-prem/models@cloud", 4).plain
        assert unknown.startswith("? cloud not read (WEKA API unreachable)")
        assert {"on-prem/home@cloud", "on-prem/checkpoints@cloud"} <= set(table.visible_keys())
