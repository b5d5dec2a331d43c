"""Departments fold: enter or space on a department row hides its projects (`▸ research (3)`), again
shows them; space on a project folds its department and leaves the cursor on it."""

from __future__ import annotations

from demo_helpers import demo_app, open_list
from pilot_waits import wait_until

from screens.projects import DEPARTMENT_KEY_PREFIX


async def test_enter_and_space_fold_a_department_and_unfold_it() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "1", "projects")
        everything = table.visible_keys()
        research = next(key for key in everything if table.cell_text(key, "name").strip() == "▾ research")
        at = everything.index(research)
        table.move_cursor_to_key(research)
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.row_count < len(everything), "the projects folded away")
        folded = table.visible_keys()
        assert research in folded and table.cursor_key == research
        name = table.cell_text(research, "name").strip()
        assert name.startswith("▸ research (") and name.endswith(")")
        hidden = set(everything) - set(folded)
        assert hidden and not any(key.startswith(DEPARTMENT_KEY_PREFIX) for key in hidden)

        await pilot.press("space")
        await wait_until(pilot, lambda: table.visible_keys() == everything, "the projects back")
        assert table.cell_text(research, "name").strip().startswith("▾ research")

        # space on a project folds its department; the cursor goes to the department's row
        project = everything[at + 1]
        table.move_cursor_to_key(project)
        await pilot.press("space")
        await wait_until(pilot, lambda: project not in table.visible_keys(), "folded from a project")
        assert table.cursor_key == research
