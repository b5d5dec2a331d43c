"""`m` on Workloads: only mine / everyone's. A researcher's list opens on their own workloads (the title
says "My workloads"); an admin's on everyone's. The same workloads the API shows, filtered by submitter."""

from __future__ import annotations

from demo_helpers import demo_app, open_list
from pilot_waits import wait_until

from console.model import Role


async def test_a_researcher_starts_on_their_own_workloads_and_m_shows_everyones() -> None:
    app = demo_app(role=Role.RESEARCHER)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "2", "workloads")
        screen = app.screen
        user = screen.identity.user
        visible = {w.id: w for w in await app.backend.workloads()}
        mine = sorted(key for key, w in visible.items() if w.submitted_by == user)
        assert mine and len(mine) < len(visible)
        await wait_until(pilot, lambda: sorted(table.visible_keys()) == mine, "only my workloads")
        assert screen.header.title == "My workloads"

        await pilot.press("m")
        await wait_until(pilot, lambda: table.row_count == len(visible), "everyone's")
        assert screen.header.title == "Workloads"
        await pilot.press("m")
        await wait_until(pilot, lambda: sorted(table.visible_keys()) == mine, "mine again")


async def test_an_admin_starts_on_everyones_and_m_narrows_to_theirs() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "2", "workloads")
        everyone = table.row_count
        user = app.screen.identity.user
        assert app.screen.header.title == "Workloads"
        await pilot.press("m")
        await wait_until(pilot, lambda: table.row_count < everyone, "only mine")
        assert app.screen.header.title == "My workloads"
        owners = {table.cell_text(key, "submitter").strip() for key in table.visible_keys()}
        assert owners <= {user, user.split("@")[0]}
        if table.row_count == 0:
            assert "m lists everyone's" in table.empty_message
