"""Help that teaches: `?` lists this screen's keys first and, right under them, what this screen's
notations mean (Pending*, 2×4, dsv/lim/wt, ✓ local...); then the other keys, what every screen draws
(the bars' + and ×, —, the header's `(8 down)`), and every other screen's legend under its name. The
`:` line lists every alias of every screen, whole, at 80 columns and below."""

from __future__ import annotations

import io
import re

from demo_helpers import demo_app, open_list
from pilot_waits import wait_for_screen, wait_until
from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot

from console.app import RwcApp
from console.ui.keymap import SCREENS
from screens.help import HelpScreen, HelpText
from screens.workload_detail import WorkloadDetailScreen
from widgets.prompt_bar import CommandHint


def screen_text(app: RwcApp) -> str:
    """The whole screen as the user reads it, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


async def open_help(pilot: Pilot) -> HelpScreen:  # type: ignore[type-arg]
    await pilot.press("question_mark")
    await wait_for_screen(pilot, HelpScreen)
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen


def headings(help_screen: HelpScreen) -> list[str]:
    return [group for group, _ in help_screen.sections]


def section(help_screen: HelpScreen, heading: str) -> dict[str, str]:
    return dict(next(rows for group, rows in help_screen.sections if group == heading))


async def help_of(pilot: Pilot, number_key: str, screen_name: str) -> HelpScreen:  # type: ignore[type-arg]
    await open_list(pilot, number_key, screen_name)
    return await open_help(pilot)


async def close_help(pilot: Pilot) -> None:  # type: ignore[type-arg]
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, HelpScreen), "help to close")


async def test_help_lists_this_screens_keys_first_then_its_legend() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await help_of(pilot, "2", "workloads")
        order = headings(help_screen)
        # The screen's own keys, then what its notations mean, before the keys every screen has.
        assert order[:2] == ["Workload", "Legend: Workloads (this screen)"], order
        assert order.index("Legend: Workloads (this screen)") < order.index("Table") < order.index("General")
        legend = section(help_screen, "Legend: Workloads (this screen)")
        assert "reason" in legend["Pending*"] and "⏎" in legend["Pending*"]
        assert "per pod" in legend["2×4"] and "4 pods" in legend["2×4"]
        assert "@alice" in legend
        await close_help(pilot)

        help_screen = await help_of(pilot, "1", "projects")
        assert headings(help_screen)[:2] == ["Projects", "Legend: Projects (this screen)"]
        legend = section(help_screen, "Legend: Projects (this screen)")
        assert "dsv/lim/wt" in legend["a100 8/∞/2"]
        assert "deserved" in legend["dsv"] and "limit" in legend["lim"] and "weight" in legend["wt"]
        await close_help(pilot)

        help_screen = await help_of(pilot, "4", "gpus")
        assert headings(help_screen)[0] == "Legend: GPU fractions (this screen)"  # no keys of its own
        legend = section(help_screen, "Legend: GPU fractions (this screen)")
        assert {"idle", "idle · cordoned", "down"} <= set(legend)
        assert "FREE 0" in legend["idle · cordoned"] and "not Ready" in legend["down"]


async def test_help_explains_every_screens_notations_under_its_name() -> None:
    """From any screen, every legend is there: this screen's first, then the marks every screen draws,
    then the others (a user on Workloads can look up what `dsv/lim/wt` on Projects means)."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await help_of(pilot, "6", "snapshots")
        legends = [heading for heading in headings(help_screen) if heading.startswith("Legend")]
        assert legends == [
            "Legend: Snapshots (this screen)",
            "Legend: every screen",
            "Legend: Projects",
            "Legend: Workloads",
            "Legend: Nodes",
            "Legend: GPU fractions",
            "Legend: Filesystems",
            "Legend: WEKA",
            "Legend: Alerts",
            "Legend: Idle GPUs",
            "Legend: GPUs starving for data",
            "Legend: Node pools",
            "Legend: Data protection",
            "Legend: Snapshot schedules",
            "Legend: Sites",
            "Legend: DR plan",
            "Legend: Events",
        ]
        assert {"✓ local", "✓ remote", "↑local 40%", "not uploaded"} <= set(
            section(help_screen, "Legend: Snapshots (this screen)")
        )
        shared = section(help_screen, "Legend: every screen")
        assert "over" in shared["████+"] and "cannot take work" in shared["××××"]
        assert "no value" in shared["—"] and "not Ready" in shared["(8 down)"]
        assert "taken 3h ago" in section(help_screen, "Legend: Filesystems")["UPLOAD 3h"]
        assert "4 pods" in section(help_screen, "Legend: Workloads")["2×4"]
        await close_help(pilot)

        # A detail view draws its list's notations: the workload detail's help explains Pending* first.
        table = await open_list(pilot, "2", "workloads")
        assert table.row_count
        await pilot.press("enter")
        await wait_for_screen(pilot, WorkloadDetailScreen)
        help_screen = await open_help(pilot)
        legends = [heading for heading in headings(help_screen) if heading.startswith("Legend")]
        assert legends[0] == "Legend: Workloads (this screen)"


async def test_help_lines_fit_the_box_and_wrap_under_their_meaning() -> None:
    """No help line is cut at the box's edge, at 80 columns or 60; a meaning too long for its line
    wraps under the meaning column, never back under the keys."""
    for size in ((80, 24), (60, 15)):
        app = demo_app()
        async with app.run_test(size=size) as pilot:
            help_screen = await help_of(pilot, "1", "projects")
            help_text = help_screen.query_one("#help-text", HelpText)
            width = help_text.content_size.width
            assert 0 < width <= size[0] - 4
            lines = help_text.render().plain.splitlines()
            headings_shown = set(headings(help_screen))
            for line in lines:
                assert cell_len(line) <= width, (size, line)
                assert not line or line in headings_shown or line.startswith("  "), (size, line)
            if size[0] == 60:
                continued = [line for line in lines if re.match(r"^ {6,}\S", line)]
                assert continued, "at 60 columns some meanings wrap, under themselves"


async def test_the_colon_line_lists_every_alias_at_80_and_60_columns() -> None:
    for size in ((80, 24), (60, 15)):
        app = demo_app()
        async with app.run_test(size=size) as pilot:
            await open_list(pilot, "2", "workloads")
            await pilot.press("colon")
            hint = app.screen.query_one(CommandHint)
            await wait_until(pilot, lambda: hint.region.height > 0, "the alias list")  # noqa: B023
            shown = screen_text(app).splitlines()
            hint_rows = shown[hint.region.y : hint.region.bottom]
            words = " ".join(hint_rows).split()
            for entry in SCREENS:
                for alias in entry.aliases:
                    assert alias in words, f"{alias} missing at {size}: {hint_rows}"
            assert all(cell_len(row.rstrip()) <= size[0] for row in hint_rows)
            # The table and the key bar are still on screen under and around it.
            assert "esc Cancel" in shown[-1]


async def test_typing_after_colon_dims_the_screens_it_cannot_mean() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, "2", "workloads")
        await pilot.press("colon", "f", "r")
        hint = app.screen.query_one(CommandHint)
        await wait_until(pilot, lambda: hint.typed == "fr", "the hint to follow the typing")
        rendered = hint.render()

        def dim_at(word: str) -> bool:
            start = rendered.plain.index(word)
            return any(
                span.start <= start < span.end and "dim" in str(span.style)
                for span in rendered.spans
                if span.end - span.start > 1
            )

        assert not dim_at("gpu fractions frac")  # `fr` completes to fractions / frac
        assert dim_at("proj pj project") and dim_at("wl workload jobs")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: app.current_mode == "gpus", "the GPU screen from :fr + tab")


async def test_help_lists_every_colon_alias() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await help_of(pilot, "3", "nodes")
        screens = section(help_screen, "Screens")
        for entry in SCREENS:
            listed = screens[entry.number_key or f":{entry.aliases[0]}"]
            assert listed.startswith(entry.title), listed
            for name in entry.command_names:
                assert f":{name}" in listed.split(), name
