"""Navigation like k9s: a number key or `:alias` always opens that list, esc walks back, `:wl vision`
opens the list filtered, new rows get the cursor, lists open newest first, sort letters are marked
and mean sorting everywhere, and ctrl+p finds every action of every screen. At 80x24 on the demo.
"""

from __future__ import annotations

from demo_helpers import demo_app, simulator
from pilot_waits import wait_for_screen, wait_until
from textual.command import CommandPalette
from textual.pilot import Pilot

from console.app import SCREEN_CLASSES
from console.data.resources import NEWEST_WORKLOADS, SNAPSHOTS
from console.model import Snapshot
from console.ui.keymap import ALL_KEYS
from screens.base import ResourceScreen
from screens.gpus import GpusScreen
from screens.node_detail import NodeDetailScreen
from screens.nodes import NodesScreen
from screens.snapshots import SnapshotsScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


async def list_shown(pilot: Pilot, screen_class: type[ResourceScreen]) -> ResourceTable:
    app = pilot.app
    await wait_until(pilot, lambda: type(app.screen) is screen_class, screen_class.__name__)
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"{screen_class.__name__} rows")
    await wait_for_screen(pilot, screen_class)
    return table


async def command(pilot: Pilot, text: str) -> None:
    await pilot.press("colon", *text, "enter")


async def test_a_number_key_opens_the_list_not_the_sub_screen_left_open_there() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        table = await list_shown(pilot, NodesScreen)
        table.move_cursor_to_key("dgx-a100-01")
        await pilot.pause()
        await pilot.press("enter")  # the node's detail, pushed over the nodes list
        await wait_until(pilot, lambda: isinstance(app.screen, NodeDetailScreen), "the node's detail")
        await pilot.press("g")  # and its GPUs over that
        await wait_until(pilot, lambda: isinstance(app.screen, GpusScreen), "the node's GPUs")
        await pilot.press("2")
        await list_shown(pilot, WorkloadsScreen)
        await pilot.press("3")
        await list_shown(pilot, NodesScreen)
        assert len(app.screen_stack) == 1
        await command(pilot, "no")  # the same for :alias
        assert type(app.screen) is NodesScreen


async def test_esc_walks_back_to_the_screen_the_user_came_from() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await list_shown(pilot, WorkloadsScreen)
        await pilot.press("3")
        await list_shown(pilot, NodesScreen)
        await pilot.press("6")
        await list_shown(pilot, SnapshotsScreen)
        await pilot.press("escape")
        await list_shown(pilot, NodesScreen)
        await pilot.press("escape")
        await list_shown(pilot, WorkloadsScreen)


async def test_colon_alias_with_words_opens_the_list_filtered() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await list_shown(pilot, WorkloadsScreen)
        await pilot.press("3")
        await list_shown(pilot, NodesScreen)
        await command(pilot, "wl vision")
        table = await list_shown(pilot, WorkloadsScreen)
        assert table.filter_text == "vision"
        workloads = app.screen.values()[NEWEST_WORKLOADS].workloads  # type: ignore[attr-defined]
        names = {w.id: w.name for w in workloads}
        shown = table.visible_keys()
        assert shown and all(
            "vision" in names[key] or "vision" in table.get_row(key).search_text for key in shown
        )
        assert "/vision" in app.screen.header.detail  # type: ignore[attr-defined]

        await command(pilot, "wl @alice")
        await wait_until(pilot, lambda: table.filter_text == "@alice", ":wl @alice")
        by_id = {w.id: w for w in workloads}
        shown = table.visible_keys()
        assert shown and all(by_id[key].submitted_by.startswith("alice") for key in shown)
        assert len(shown) == sum(1 for w in workloads if w.submitted_by.startswith("alice"))


async def test_workloads_and_snapshots_open_newest_first() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_shown(pilot, WorkloadsScreen)
        workloads = app.screen.values()[NEWEST_WORKLOADS].workloads  # type: ignore[attr-defined]
        by_id = {w.id: w for w in workloads}
        created = [by_id[key].created_at for key in table.visible_keys()]
        assert created == sorted(created, reverse=True)
        await pilot.press("6")
        table = await list_shown(pilot, SnapshotsScreen)
        snapshots: list[Snapshot] = app.screen.values()[SNAPSHOTS]  # type: ignore[attr-defined]
        snapshot_by_uid = {s.uid: s for s in snapshots}
        created = [snapshot_by_uid[key].created_at for key in table.visible_keys()]
        assert created == sorted(created, reverse=True)


async def test_after_creating_a_snapshot_the_cursor_is_on_it() -> None:
    from screens.dialogs.snapshot_forms import CreateSnapshotForm

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        table = await list_shown(pilot, SnapshotsScreen)
        await pilot.press("c")
        await wait_for_screen(pilot, CreateSnapshotForm)
        await pilot.press(*"pre-upgrade", "ctrl+s")
        await wait_until(pilot, lambda: type(app.screen) is SnapshotsScreen, "the form to close")
        sim = simulator(app)

        def new_uid() -> str | None:
            with sim.lock:
                return next((s.uid for s in sim.weka.snapshots() if s.name == "pre-upgrade"), None)

        await wait_until(
            pilot, lambda: new_uid() is not None and table.cursor_key == new_uid(), "cursor on it"
        )


def test_no_key_sorts_on_one_screen_and_acts_on_another() -> None:
    """Shift+letters that act anywhere (⇧d delete, ⇧s suspend, ⇧r resume/restore...) never sort."""
    list_scopes = {*SCREEN_CLASSES, "app", "table", "workload_detail", "snapshot_detail"}
    action_keys = {part for key in ALL_KEYS if key.scope in list_scopes for part in key.key.split(",")}
    for name in SCREEN_CLASSES:
        screen_class = SCREEN_CLASSES[name]
        for column in getattr(screen_class, "COLUMNS", ()):
            if column.sort_hotkey is not None:
                assert column.sort_hotkey not in action_keys, (
                    f"⇧{column.sort_hotkey.lower()} sorts {name} by {column.label} but is an action key"
                )


async def test_sort_letters_are_underlined_in_the_column_header() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_shown(pilot, WorkloadsScreen)
        header = table.render_line(0)
        underlined = "".join(s.text for s in header if s.style is not None and s.style.underline)
        assert "N" in underlined and "A" in underlined  # NAME, AGE


async def test_the_palette_finds_every_screens_actions_and_goes_there() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await list_shown(pilot, WorkloadsScreen)
        await pilot.press("3")
        await list_shown(pilot, NodesScreen)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"upload")
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await wait_until(pilot, lambda: "Upload — Snapshots" in _palette_text(palette), "Upload — Snapshots")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "snapshots", "the snapshots screen")


def _palette_text(palette: CommandPalette) -> str:
    from textual.command import CommandList

    options = palette.query_one(CommandList)
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
