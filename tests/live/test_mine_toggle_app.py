"""`m` on Workloads over the simulator's HTTP faces. A researcher (signed in to Run:ai with their own
application credential, to Kubernetes with their own token) opens on "My workloads", the rows of the demo
as that researcher, and `m` shows everyone's the API lets them see; an admin opens on everyone's and `m`
narrows to their own. Each list is asked of the server (`submitted_by`), and reads as the demo's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from served_app import demo_app, in_one_read, open_list, rows_read, served, settled_rows, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.model import Role
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SIZE = (100, 30)
ROWS_BOTH_SHOW = 20
"""The rows in view at SIZE in both apps (the demo's header has one line more: "DEMO: simulated...")."""


@dataclass
class Lists:
    """Each list the user read, with its title, as `m` toggled it."""

    titles: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, ...]]] = field(default_factory=list)
    """The first rows in view."""
    names: list[list[str]] = field(default_factory=list)
    """Every workload listed, in order."""
    submitters: list[set[str]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    user: str = ""


async def toggle_mine(app: RwcApp, presses: int) -> Lists:
    read = Lists()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "2", "workloads")
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen) and screen.identity is not None
        read.user = screen.identity.user
        for press in range(presses + 1):
            if press:
                before = screen.mine_only
                await in_one_read(pilot, "m")
                assert screen.mine_only is not before
            await wait_until(pilot, lambda: screen.header.title == screen.screen_title, "the title")
            await settled(pilot, screen, table)
            read.titles.append(screen.header.title)
            read.rows.append(rows_read(table)[:ROWS_BOTH_SHOW])
            keys = table.visible_keys()
            read.names.append([table.cell_text(key, "name") for key in keys])
            read.submitters.append({table.cell_text(key, "submitter").strip() for key in keys})
            read.empty.append(table.empty_message if not keys else "")
    return read


async def settled(pilot: Pilot, screen: WorkloadsScreen, table: ResourceTable) -> None:
    """Until the list asked for (mine or everyone's) came and is the one on screen, its nodes filled."""
    bridge = screen.context.bridge
    await wait_until(pilot, lambda: bridge.snapshot(screen.resource_keys[0]).value is not None, "the list")
    await settled_rows(pilot, table)


def mine(submitters: set[str], user: str) -> bool:
    return bool(submitters) and submitters <= {user, user.split("@")[0]}


async def test_a_researcher_over_http_starts_on_their_own_and_m_shows_everyones(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await toggle_mine(faces.app(Role.RESEARCHER), presses=2)
        demo = await toggle_mine(demo_app(Role.RESEARCHER), presses=2)
    assert live.user == demo.user == faces.faces.researcher.user
    assert live.titles == ["My workloads", "Workloads", "My workloads"]
    assert mine(live.submitters[0], live.user)
    assert not mine(live.submitters[1], live.user) and len(live.names[1]) > len(live.names[0])
    assert live.rows[2] == live.rows[0]
    assert live == demo


async def test_an_admin_over_http_starts_on_everyones_and_m_narrows_to_theirs(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await toggle_mine(faces.app(), presses=1)
        demo = await toggle_mine(demo_app(), presses=1)
    assert live.user == faces.faces.admin.user
    assert live.titles == ["Workloads", "My workloads"]
    assert len(live.names[1]) < len(live.names[0])
    assert mine(live.submitters[1], live.user) if live.names[1] else "m lists everyone's" in live.empty[1]
    assert live == demo
