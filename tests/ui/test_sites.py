"""Several sites in one console: `rwc --demo` has two (on-prem and cloud), opens on `:sites`, switches
with `:ctx` without restarting, and keeps each site's filter and sort, in this run and the next.

Keys go in bursts (one `press` of a whole command), as a fast typist or a paste sends them: the key gate
must hold the keys typed after a switch for the other site's screen.
"""

from __future__ import annotations

from demo_helpers import demo_app
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.config import DEMO_SITES
from console.data import paths
from console.data.sites import SITES_STATE_FILE_NAME
from screens.base import ResourceScreen
from screens.dialogs.choose import ChooseDialog
from widgets.header import RwcHeader
from widgets.resource_table import ResourceTable

SIZE = (100, 30)


def two_site_app():  # type: ignore[no-untyped-def]
    return demo_app(sites=DEMO_SITES)


async def on_site(pilot: Pilot, name: str, screen: str) -> ResourceTable:
    """Wait until `screen` of the site `name` is shown with rows."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: app.current_mode == screen and app.context.profile_name == name,  # type: ignore[attr-defined]
        f"{screen} of {name}",
    )
    current = app.screen
    assert isinstance(current, ResourceScreen)
    table = current.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows of {screen} on {name}")
    return table


async def test_opens_on_sites_and_ctx_switches_to_the_other_site() -> None:
    app = two_site_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await on_site(pilot, "on-prem", "sites")
        await wait_until(pilot, lambda: table.row_count == 2, "a row per site")
        await wait_until(
            pilot,
            lambda: all(table.get_row(name).cells[-1].plain in ("open", "connected") for name in DEMO_SITES),  # type: ignore[union-attr]
            "both sites' overviews",
        )
        on_prem = table.get_row("on-prem")
        cloud = table.get_row("cloud")
        assert on_prem is not None and cloud is not None
        assert on_prem.cells[1].plain == "2.20.0" and cloud.cells[1].plain == "2.21.0"  # type: ignore[union-attr]
        assert cloud.cells[2].plain == "10/16"  # type: ignore[union-attr]
        assert cloud.cells[3].plain.startswith("1 (8")  # type: ignore[union-attr]  # internvl2-pretrain waits

        await pilot.press(*":ctx cloud", "enter", "3")  # one burst: the 3 lands on the cloud's nodes
        nodes = await on_site(pilot, "cloud", "nodes")
        assert {"p5-h100-01", "p5-h100-02"} <= set(nodes.visible_keys()) or nodes.row_count == 3
        header = app.screen.query_one(RwcHeader)
        assert header.site and header.profile_name == "cloud"
        assert "site cloud" in header.render_line(0).text

        await pilot.press(":", "c", "t", "x", "enter")  # the chooser, the open site highlighted
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the site chooser")
        await pilot.press("up", "enter")
        workloads = await on_site(pilot, "on-prem", "workloads")
        assert workloads.row_count > 40  # today's cluster, as before sites


async def test_each_site_keeps_its_filter_and_sort_in_this_run_and_the_next() -> None:
    app = two_site_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_site(pilot, "on-prem", "sites")
        await pilot.press(*":ctx on-prem", "enter")
        table = await on_site(pilot, "on-prem", "workloads")
        await pilot.press("/", *"vision", "enter", "N")  # filter, then sort by name
        await wait_until(pilot, lambda: table.filter_text == "vision" and table.sort_column == "name", "view")

        await pilot.press(*":ctx cloud", "enter", "2")
        cloud = await on_site(pilot, "cloud", "workloads")
        assert cloud.filter_text == "" and cloud.row_count == 3  # the cloud's own view: none set there

        await pilot.press(*":ctx on-prem", "enter")
        back = await on_site(pilot, "on-prem", "workloads")
        assert back is not table  # made anew over on-prem's Store...
        assert back.filter_text == "vision" and back.sort_column == "name"  # ...with the view it had
        await pilot.press("q")
    assert (paths.state_dir() / SITES_STATE_FILE_NAME).exists()

    again = two_site_app()
    async with again.run_test(size=SIZE) as pilot:
        await on_site(pilot, "on-prem", "sites")  # several sites: the overview first, always
        await pilot.press(*":ctx on-prem", "enter")
        table = await on_site(pilot, "on-prem", "workloads")  # the screen it was left on
        assert table.filter_text == "vision" and table.sort_column == "name"


async def test_the_palette_lists_the_other_site() -> None:
    from screens.commands import RwcCommands

    app = two_site_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_site(pilot, "on-prem", "sites")
        provider = RwcCommands(app.screen)
        texts = [entry.text for entry in provider._entries()]
        assert "Switch to site cloud" in texts and "Switch to site on-prem" not in texts
        assert "Go to Sites" in texts


async def test_one_cluster_has_no_sites_to_switch_to() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_site(pilot, "demo", "workloads")  # as before sites: the workloads, "profile demo"
        header = app.screen.query_one(RwcHeader)
        assert not header.site
        await pilot.press(*":ctx", "enter")
        await wait_until(
            pilot, lambda: any("One site only" in str(n.message) for n in app._notifications), "the hint"
        )


async def test_enter_on_the_open_site_returns_to_the_screen_left() -> None:
    app = two_site_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_site(pilot, "on-prem", "sites")
        await pilot.press("3")
        await on_site(pilot, "on-prem", "nodes")
        await pilot.press(*":sites", "enter")
        table = await on_site(pilot, "on-prem", "sites")
        assert table.cursor_key == "on-prem"
        await pilot.press("enter")
        await on_site(pilot, "on-prem", "nodes")  # where the user was, not the default workloads
        await pilot.press("escape")
        await on_site(pilot, "on-prem", "sites")  # esc walks back, as from any screen
