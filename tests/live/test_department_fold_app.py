"""Departments fold on Projects over the simulator's HTTP faces: the cursor walked down to a department
and enter hide its projects (`▸ research (3)`), space shows them again, space on one of its projects folds
it from there and leaves the cursor on the department. Every list the user reads is the demo's, row for
row; keys arrive in bursts, as a terminal read delivers them."""

from __future__ import annotations

from pathlib import Path

from served_app import demo_app, in_one_read, open_list, served, settled_rows, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from screens.projects import DEPARTMENT_KEY_PREFIX
from widgets.resource_table import ResourceTable

SIZE = (100, 30)
DEPARTMENT = "research"


def names(table: ResourceTable) -> list[str]:
    return [table.cell_text(key, "name").strip() for key in table.visible_keys()]


async def changed(pilot: Pilot, table: ResourceTable, before: list[str], what: str) -> list[str]:
    await wait_until(pilot, lambda: names(table) != before, what)
    return names(table)


async def fold_and_unfold(app: RwcApp) -> list[list[tuple[str, ...]]]:
    """The rows in view after each step: opened, folded by enter, unfolded by space, folded from a project."""
    read: list[list[tuple[str, ...]]] = []
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "1", "projects")
        read.append(await settled_rows(pilot, table))  # the usage columns come with the workloads
        everything = names(table)
        at = everything.index(f"▾ {DEPARTMENT}")
        department = table.visible_keys()[at]
        assert department.startswith(DEPARTMENT_KEY_PREFIX)
        steps = at - table.cursor_index

        await in_one_read(pilot, ["j"] * steps + ["<enter>"])
        folded = await changed(pilot, table, everything, "the projects folded away")
        assert table.cursor_key == department
        read.append(await settled_rows(pilot, table))

        await in_one_read(pilot, " ")
        assert await changed(pilot, table, folded, "the projects back") == everything
        read.append(await settled_rows(pilot, table))

        await in_one_read(pilot, "j ")  # on its first project
        assert await changed(pilot, table, everything, "folded from a project") == folded
        assert table.cursor_key == department
        read.append(await settled_rows(pilot, table))
    return read


async def test_a_department_folds_and_unfolds_over_http_as_in_the_demo(tmp_path: Path) -> None:
    with served(tmp_path) as faces:
        live = await fold_and_unfold(faces.app())
        demo = await fold_and_unfold(demo_app())
    opened, folded, unfolded, from_project = (
        [row[0] for row in rows if row[0].startswith(("▾", "▸"))] for rows in live
    )
    assert f"▾ {DEPARTMENT}" in opened
    (shown,) = (name for name in folded if name.startswith(f"▸ {DEPARTMENT} ("))
    hidden = len(live[0]) - len(live[1])
    assert hidden > 0 and shown == f"▸ {DEPARTMENT} ({hidden})"
    assert unfolded == opened and live[2] == live[0]
    assert from_project == folded and live[3] == live[1]
    assert live == demo
