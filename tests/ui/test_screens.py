"""The six resource screens at 80x24 against the real demo backend: reach each by number key and by
`:alias`, filter with `/`, sort with a shift+letter key, open the detail with enter and come back with
esc. The simulator's clock is frozen (`clock_speed=0`) and seeded, so every run sees the same cluster.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import build_backend, make_app
from console.config import Config
from console.data.readonly import ForwardingBackend
from console.sim.clock import DEFAULT_START
from screens.base import ResourceScreen
from screens.filesystem_detail import FilesystemDetailScreen
from screens.filesystems import FilesystemsScreen
from screens.gpus import GpusScreen
from screens.node_detail import NodeDetailScreen
from screens.nodes import NodesScreen
from screens.projects import DEPARTMENT_KEY_PREFIX, ProjectsScreen
from screens.snapshots import SnapshotsScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch) -> None:
    """Keep the audit log and config lookups out of the real home directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def demo_app(**overrides: object) -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, **overrides))  # type: ignore[arg-type]


async def loaded_table(pilot: Pilot, screen_class: type[ResourceScreen]) -> ResourceTable:
    """Wait until `screen_class` is on top and its table shows rows; return the table."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, screen_class), f"{screen_class.__name__} on top")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows in {screen_class.__name__}")
    await pilot.pause()
    return table


@dataclass(frozen=True)
class ScreenCase:
    name: str
    number_key: str
    alias: str
    screen_class: type[ResourceScreen]
    filter_column: str
    sort_hotkey: str
    sort_column: str
    detail_class: type | None
    """What enter opens (None: this screen has no detail view)."""
    detail_row: Callable[[ResourceTable], str] | None = None
    """Which row to open (default: the first visible one)."""


def first_project_row(table: ResourceTable) -> str:
    return next(key for key in table.visible_keys() if not key.startswith(DEPARTMENT_KEY_PREFIX))


def first_gpu_node(table: ResourceTable) -> str:
    return next(key for key in table.visible_keys() if table.cell_text(key, "gpus").strip() != "—")


def first_held_gpu(table: ResourceTable) -> str:
    return next(key for key in table.visible_keys() if table.cell_text(key, "holders").strip() != "idle")


CASES = [
    ScreenCase(
        "projects", "1", "proj", ProjectsScreen, "name", "C", "running", WorkloadsScreen, first_project_row
    ),
    ScreenCase("workloads", "2", "wl", WorkloadsScreen, "name", "N", "name", WorkloadDetailScreen),
    ScreenCase("nodes", "3", "no", NodesScreen, "name", "N", "name", NodeDetailScreen, first_gpu_node),
    ScreenCase("gpus", "4", "gpu", GpusScreen, "node", "T", "util", WorkloadDetailScreen, first_held_gpu),
    ScreenCase("filesystems", "5", "fs", FilesystemsScreen, "name", "N", "name", FilesystemDetailScreen),
    ScreenCase("snapshots", "6", "snap", SnapshotsScreen, "name", "N", "name", None),
]
IDS = [case.name for case in CASES]


async def open_other_screen_first(pilot: Pilot, case: ScreenCase) -> None:
    """Start from a different screen, so reaching `case` proves the navigation worked."""
    other = "6" if case.number_key != "6" else "5"
    await pilot.press(other)
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, case.screen_class), "another screen")


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_number_key_opens_the_screen(case: ScreenCase) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_other_screen_first(pilot, case)
        await pilot.press(case.number_key)
        table = await loaded_table(pilot, case.screen_class)
        assert table.visible_count == table.row_count > 0


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_command_line_alias_and_full_name_open_the_screen(case: ScreenCase) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_other_screen_first(pilot, case)
        await pilot.press("colon", *case.alias, "enter")
        await loaded_table(pilot, case.screen_class)
        await open_other_screen_first(pilot, case)
        await pilot.press("colon", *case.name, "enter")
        await loaded_table(pilot, case.screen_class)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_slash_filters_live_enter_keeps_and_escape_clears(case: ScreenCase) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(case.number_key)
        table = await loaded_table(pilot, case.screen_class)
        total = table.row_count
        keys = table.visible_keys()
        needle = table.cell_text(keys[-1], case.filter_column).strip().lower()
        assert needle

        await pilot.press("slash", *needle)
        await pilot.pause()
        assert table.filter_text == needle
        assert 0 < table.visible_count <= total
        assert keys[-1] in table.visible_keys()
        assert all(needle in table.get_row(key).search_text for key in table.visible_keys())  # type: ignore[union-attr]

        await pilot.press("enter")  # keep the filter, back to the table
        await pilot.pause()
        assert table.filter_text == needle
        assert table.has_focus
        assert f"/{needle}" in app.screen.header.detail

        await pilot.press("escape")  # esc on the table clears a kept filter
        await pilot.pause()
        assert table.filter_text == ""
        assert table.visible_count == total
        assert isinstance(app.screen, case.screen_class)


async def test_escape_in_the_filter_prompt_drops_the_filter() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await loaded_table(pilot, WorkloadsScreen)
        await pilot.press("slash", "z", "z", "z", "q")
        await pilot.pause()
        assert table.visible_count == 0
        assert isinstance(app.screen, WorkloadsScreen), "q typed into the filter must not quit"
        await pilot.press("escape")
        await pilot.pause()
        assert table.filter_text == ""
        assert table.visible_count == table.row_count


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_shift_letter_sorts_by_its_column_and_again_reverses(case: ScreenCase) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(case.number_key)
        table = await loaded_table(pilot, case.screen_class)
        await pilot.press(case.sort_hotkey)
        await pilot.pause()
        assert table.sort_column == case.sort_column
        ascending = table.sort_reverse
        index = [column.key for column in table.columns].index(case.sort_column)
        values = [table.get_row(key).sort_values[index] for key in table.visible_keys()]  # type: ignore[union-attr]
        present = [value for value in values if value is not None]
        assert present == sorted(present, reverse=ascending)

        await pilot.press(case.sort_hotkey)
        await pilot.pause()
        assert table.sort_column == case.sort_column
        assert table.sort_reverse is not ascending


@pytest.mark.parametrize("case", [case for case in CASES if case.detail_class], ids=lambda case: case.name)
async def test_enter_opens_the_detail_and_escape_comes_back(case: ScreenCase) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(case.number_key)
        table = await loaded_table(pilot, case.screen_class)
        row_key = case.detail_row(table) if case.detail_row else table.visible_keys()[0]
        table.move_cursor_to_key(row_key)
        await pilot.pause()
        list_screen = app.screen

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, case.detail_class), "the detail screen")
        detail = app.screen
        assert detail is not list_screen
        if isinstance(detail, ResourceScreen):
            await loaded_table(pilot, type(detail))

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is list_screen, "the list again")
        assert table.cursor_key == row_key


MARKUP_LOOKING_NAME = "team[a] x[/] [bold]y"


class MarkupNames(ForwardingBackend):
    """The demo backend with the first item of every list renamed to something Rich would parse as
    markup (and choke on: `[/]` closes nothing) if a screen passed it as a markup string."""

    async def projects(self):  # type: ignore[no-untyped-def]
        return self._renamed(await super().projects(), "name")

    async def workload_page(self, window):  # type: ignore[no-untyped-def]
        page = await super().workload_page(window)
        return dataclasses.replace(page, workloads=tuple(self._renamed(page.workloads, "name")))

    async def nodes(self):  # type: ignore[no-untyped-def]
        return self._renamed(await super().nodes(), "name")

    async def gpus(self, node_name=None):  # type: ignore[no-untyped-def]
        return self._renamed(await super().gpus(node_name), "node_name")

    async def filesystems(self):  # type: ignore[no-untyped-def]
        return self._renamed(await super().filesystems(), "name")

    async def snapshots(self, filesystem_uid=None):  # type: ignore[no-untyped-def]
        return self._renamed(await super().snapshots(filesystem_uid), "name")

    @staticmethod
    def _renamed(items, field: str) -> list:  # type: ignore[no-untyped-def]
        items = list(items)
        items[0] = dataclasses.replace(items[0], **{field: MARKUP_LOOKING_NAME})
        return items


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_names_that_look_like_markup_show_literally(case: ScreenCase) -> None:
    config = Config(clock_speed=0, sim_start=DEFAULT_START)
    app = RwcApp(backend=MarkupNames(build_backend(config)), config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press(case.number_key)
        table = await loaded_table(pilot, case.screen_class)
        column = "node" if case.name == "gpus" else "name"
        cells = [table.cell_text(key, column).strip() for key in table.visible_keys()]
        assert MARKUP_LOOKING_NAME in cells
        await pilot.press("slash", *"x[/]", "enter")
        await pilot.pause()
        assert table.visible_count >= 1


async def test_workload_detail_shows_pods_events_and_why_it_is_pending() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await loaded_table(pilot, WorkloadsScreen)
        pending = [key for key in table.visible_keys() if table.cell_text(key, "phase").startswith("Pending")]
        assert pending, "the demo scenario has pending workloads"
        table.move_cursor_to_key(pending[0])
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail")
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: detail._shown is not None, "the workload to load")
        text = detail.rendered_text()
        assert "Pending" in text
        assert "Why" in text
        assert "Pods (" in text
        assert "Events (" in text


async def test_scoped_lists_show_only_their_parent() -> None:
    """Enter on a project lists its workloads only; esc returns to the projects."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        projects = await loaded_table(pilot, ProjectsScreen)
        project_key = first_project_row(projects)
        project_name = projects.cell_text(project_key, "name").strip()
        projects.move_cursor_to_key(project_key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the project's workloads")
        workloads = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: workloads.row_count > 0, "workload rows")
        assert {workloads.cell_text(key, "project") for key in workloads.visible_keys()} == {project_name}
        assert project_name in app.screen.header.title


async def test_every_screen_fits_80x24_with_its_essential_columns() -> None:
    essentials = {
        "1": ("name", "allocated", "running", "pending"),
        "2": ("name", "phase", "allocated", "age"),
        "3": ("name", "status", "scheduling", "gpus"),
        "4": ("node", "index", "share"),
        "5": ("name", "ssd"),
        "6": ("name", "created", "upload"),
    }
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        for number_key, columns in essentials.items():
            await pilot.press(number_key)
            screen_class = {c.number_key: c.screen_class for c in CASES}[number_key]
            table = await loaded_table(pilot, screen_class)
            shown = {column.key for column in table.shown_columns}
            assert set(columns) <= shown, f"screen {number_key} lost {set(columns) - shown}"
