"""Help that teaches: `?` lists this screen's keys first, explains the notations the screen draws
(Pending*, 2×4, dsv/lim/wt, the bars' + and ×, upload age...), lists every `:` alias, and the `:`
hint names every screen."""

from __future__ import annotations

from demo_helpers import demo_app, open_list
from pilot_waits import wait_for_screen
from textual.widgets import Input, Static

from console.ui.keymap import SCREENS
from screens.help import HelpScreen


async def help_text(pilot, number_key: str, screen_name: str) -> str:  # type: ignore[no-untyped-def]
    await open_list(pilot, number_key, screen_name)
    await pilot.press("question_mark")
    await wait_for_screen(pilot, HelpScreen)
    text = str(pilot.app.screen.query_one("#help-text", Static).render())
    await pilot.press("escape")
    return text


async def test_help_lists_this_screens_keys_first_and_its_legend() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        text = await help_text(pilot, "2", "workloads")
        sections = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert sections[0] == "Workload", sections  # the screen's own keys before the global ones
        assert sections.index("Workload") < sections.index("General")
        assert "Pending*" in text and "2×4" in text and "@user" in text
        text = await help_text(pilot, "1", "projects")
        assert text.splitlines()[0] == "Projects"
        assert "dsv/lim/wt" in text and "deserved" in text
        text = await help_text(pilot, "5", "filesystems")
        assert "UPLOAD 3h" in text and "off-site" in text
        assert "█████+" in text and "××××" in text  # the bars every screen shares


async def test_help_lists_every_colon_alias() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        text = await help_text(pilot, "3", "nodes")
        for entry in SCREENS:
            for name in entry.command_names:
                assert f":{name}" in text, name


async def test_the_colon_hint_names_every_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, "2", "workloads")
        await pilot.press("colon")
        line = app.screen.query_one("#command-line", Input)
        for entry in SCREENS:
            assert entry.aliases[0] in line.placeholder.split(), entry.name
