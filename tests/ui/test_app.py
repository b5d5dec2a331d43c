"""The app shell at 80x24 against the real demo backend: header, badges, help, command line, command
palette, themes, polling only what is visible, and stale data kept on screen when a fetch fails.
"""

from __future__ import annotations

import pytest
from pilot_waits import wait_until
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import SCREEN_CLASSES, RwcApp
from console.cli import build_backend, make_app
from console.config import Config
from console.data.errors import Unauthorized, Unavailable
from console.data.readonly import ForwardingBackend
from console.data.resources import FILESYSTEMS, GPUS, NEWEST_WORKLOADS, NODES, PROJECTS, SNAPSHOTS
from console.model import Identity
from console.model.windows import WorkloadPage, WorkloadWindow
from console.sim.clock import DEFAULT_START
from console.ui.format import format_gpu_sum
from console.ui.keymap import ALL_KEYS, SCREENS
from console.ui.resources import SUMMARY
from screens.base import RwcScreen
from screens.help import HelpScreen
from screens.nodes import NodesScreen
from screens.projects import ProjectsScreen
from screens.store_bridge import StoreUpdated
from screens.workloads import WorkloadsScreen
from widgets.header import RwcHeader
from widgets.key_bar import KeyBar
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner
from widgets.textual_compat import input_suggestion

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def demo_config(**overrides: object) -> Config:
    return Config(clock_speed=0, sim_start=DEFAULT_START, **overrides)  # type: ignore[arg-type]


def header_text(app: RwcApp) -> str:
    return app.screen.query_one(RwcHeader).render().plain


async def workloads_loaded(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "workload rows")
    return table


# -- header ------------------------------------------------------------------------------------------


async def test_header_shows_demo_hint_user_role_and_gpu_totals() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await wait_until(pilot, lambda: app.screen.header.summary is not None, "the header summary")
        pools = await app.backend.node_pools()
        identity = await app.backend.identity()
        text = header_text(app)
        assert "DEMO" in text
        assert "DEMO: simulated. To connect, add a profile to" in text
        assert f"{identity.user} ({identity.role.value})" in text
        # Allocated of the usable GPUs, the down ones named (the demo's dgx-h100-04 is NotReady).
        allocated = format_gpu_sum(sum(pool.allocated_gpus for pool in pools))
        total = sum(pool.total_gpus for pool in pools)
        assert f"{allocated}/{total - 8} (8 down)" in text
        assert "WEKA " in text and "alerts " in text
        assert "READ-ONLY" not in text
        assert "STALE" not in text
        assert all(len(line) <= SIZE[0] for line in text.splitlines())


async def test_read_only_badge_with_read_only_config() -> None:
    app = make_app(demo_config(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        assert "READ-ONLY" in header_text(app)


# -- the key bar ----------------------------------------------------------------------------------


def key_bar(app: RwcApp) -> KeyBar:
    return app.screen.query_one(KeyBar)


async def test_key_bar_lists_the_screens_keys_and_follows_focus() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await wait_until(pilot, lambda: bool(key_bar(app).hints), "the key bar")
        line = key_bar(app).render().plain
        assert "/ Filter" in line and "l Logs" in line and "q Quit" in line
        assert len(line.rstrip()) <= SIZE[0]
        await pilot.press("slash")
        await wait_until(pilot, lambda: "Keep filter" in key_bar(app).render().plain, "the filter's keys")
        await pilot.press("escape")
        await wait_until(pilot, lambda: "l Logs" in key_bar(app).render().plain, "the table's keys again")


async def test_key_bar_dims_write_keys_in_read_only_mode() -> None:
    app = make_app(demo_config(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await wait_until(pilot, lambda: bool(key_bar(app).hints), "the key bar")
        enabled = {hint.description: hint.enabled for hint in key_bar(app).hints}
        assert enabled["Logs"] and enabled["Filter"]
        assert not enabled["Delete"] and not enabled["Suspend"]
        line = key_bar(app).render()
        delete_at = line.plain.index("Delete")
        assert any(span.start <= delete_at < span.end and "dim" in str(span.style) for span in line.spans)


async def test_clicking_a_key_in_the_key_bar_presses_it() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await wait_until(pilot, lambda: bool(key_bar(app).hints), "the key bar")
        column = key_bar(app).render().plain.index("Help")
        await pilot.click(KeyBar, offset=(column, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help from a click")


# -- keys: help, command line, palette, quit --------------------------------------------------------


def test_every_registry_screen_has_a_screen_class_and_number_key() -> None:
    assert set(SCREEN_CLASSES) == {entry.name for entry in SCREENS}
    numbered = [entry.number_key for entry in SCREENS if entry.number_key]
    assert numbered == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
    expected = ["starved", "protection", "schedules", "sites", "dr", "events"]
    assert [entry.name for entry in SCREENS if not entry.number_key] == expected
    for entry in SCREENS:
        assert entry.name == SCREEN_CLASSES[entry.name].SCREEN_NAME


async def test_question_mark_shows_help_listing_every_key() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = help_screen.render_sections().plain
        for key in ALL_KEYS:
            if key.scope in ("app", "table", "filter", "command_line"):
                assert key.description in text, f"help lacks {key.description!r}"
        for entry in SCREENS:
            assert f":{entry.aliases[0]}" in text and entry.title in text
        assert "Sort by NAME" in text  # the table's sort keys, from its columns
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "help to close")


async def test_command_line_tab_completes_and_unknown_command_is_reported() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await pilot.press("colon", "n")
        command_line = app.screen.query_one("#command-line", Input)
        await wait_until(pilot, lambda: input_suggestion(command_line) == "no", "a suggestion")
        await pilot.press("tab")
        assert command_line.value == "no"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")

        await pilot.press("colon", *"bogus", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NodesScreen)
        assert any("bogus" in str(notification.message) for notification in app._notifications)


async def test_escape_closes_the_command_line_without_moving() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        table = await workloads_loaded(pilot)
        await pilot.press("colon", "p", "r", "escape")
        await pilot.pause()
        assert isinstance(app.screen, WorkloadsScreen)
        assert table.has_focus


def type_in_one_read(app: RwcApp, text: str) -> None:
    """Keys as a terminal delivers a paste or a burst over a slow SSH link: all queued at once,
    before the app handles the first (Pilot's `press` waits for each key to be handled)."""
    names = {"/": "slash", ":": "colon"}
    for character in text:
        app.post_message(events.Key(names.get(character, character), character))


async def test_keys_typed_in_one_burst_after_slash_go_into_the_filter() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        table = await workloads_loaded(pilot)
        type_in_one_read(app, "/llama")  # `l` alone would open the logs
        await wait_until(pilot, lambda: table.filter_text == "llama", "the burst to land in the filter")
        assert isinstance(app.screen, WorkloadsScreen)
        type_in_one_read(app, "/x")  # `/` typed in the open filter is text
        await wait_until(pilot, lambda: table.filter_text == "llama/x", "a slash typed into the filter")


async def test_keys_typed_in_one_burst_after_colon_go_into_the_command_line() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        type_in_one_read(app, ":no")  # `n` and `o` alone would mean nothing here, or something else
        typed = lambda: [line.value for line in app.screen.query("#command-line").results(Input)]  # noqa: E731
        await wait_until(pilot, lambda: typed() == ["no"], ":no in the command line")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")


async def test_command_palette_lists_screens_and_goes_there() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"go to projects")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProjectsScreen), "the projects screen")


async def test_q_and_colon_q_quit() -> None:
    for keys in (("q",), ("colon", "q", "enter")):
        app = make_app(demo_config())
        async with app.run_test(size=SIZE) as pilot:
            await workloads_loaded(pilot)
            await pilot.press(*keys)
            await pilot.pause()
            assert app._exit, f"{keys} did not quit"


async def test_no_color_uses_the_monochrome_theme() -> None:
    app = make_app(demo_config(no_color=True))
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        assert app.theme == "rwc-mono"
        assert isinstance(app.screen, RwcScreen)
        assert app.screen.palette.ok.color is None  # cells carry no colour, only weight


# -- data: polling, staleness, literal cells ---------------------------------------------------------


async def test_only_the_visible_screens_resources_poll() -> None:
    app = make_app(demo_config())
    async with app.run_test(size=SIZE) as pilot:
        await workloads_loaded(pilot)
        store = app.store
        assert not store.is_paused(NEWEST_WORKLOADS)
        assert not store.is_paused(SUMMARY)
        # Not shown: never asked for yet (so not even registered), or paused.
        assert all(
            key not in store or store.is_paused(key)
            for key in (NODES, GPUS, PROJECTS, FILESYSTEMS, SNAPSHOTS)
        )
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")
        assert not store.is_paused(NODES)
        assert store.is_paused(NEWEST_WORKLOADS)


async def test_unchanged_data_sends_no_updates() -> None:
    """With the clock frozen nothing changes, so refreshing re-fetches but notifies nobody."""
    messages: list[object] = []
    app = make_app(demo_config())
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await workloads_loaded(pilot)
        await pilot.pause(0.2)
        before = sum(1 for message in messages if isinstance(message, StoreUpdated))
        for _ in range(3):
            await pilot.press("ctrl+r")
            await pilot.pause(0.1)
        after = sum(1 for message in messages if isinstance(message, StoreUpdated))
        assert after == before


class FailsAfterFirstWorkloads(ForwardingBackend):
    """The demo backend, except that the workloads list fails after its first answer (a network drop)."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        super().__init__(inner)
        self.workload_calls = 0

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        self.workload_calls += 1
        if self.workload_calls > 1:
            raise Unavailable("connection reset by peer", service="runai", status=503)
        return await super().workload_page(window)


async def test_failed_fetch_keeps_rows_and_says_stale_since() -> None:
    config = demo_config()
    backend = FailsAfterFirstWorkloads(build_backend(config))
    app = RwcApp(backend=backend, config=config)
    async with app.run_test(size=SIZE) as pilot:
        table = await workloads_loaded(pilot)
        rows_before = table.visible_keys()
        banner = app.screen.query_one(StaleBanner)
        assert banner.message == ""

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: banner.message != "", "the stale banner")
        assert "stale since" in banner.message
        assert "09:00:00" in banner.message  # the frozen simulator clock
        assert "connection reset by peer" in banner.message
        assert table.visible_keys() == rows_before
        assert "STALE" in header_text(app)


class RefusesEverything(ForwardingBackend):
    """Credentials rejected from the first call: nothing ever loads."""

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        raise Unauthorized(service="runai", status=401)

    async def identity(self) -> Identity:
        raise Unauthorized(service="runai", status=401)


async def test_data_that_never_loads_says_why_instead_of_a_blank_screen() -> None:
    config = demo_config()
    app = RwcApp(backend=RefusesEverything(build_backend(config)), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        banner = app.screen.query_one(StaleBanner)
        await wait_until(pilot, lambda: "cannot load workloads" in banner.message, "the banner")
        assert "credentials were rejected" in banner.message
        table = app.screen.query_one(ResourceTable)
        assert table.empty_message.startswith("Cannot load:")
        assert "STALE" in header_text(app)
        assert "cluster summary unavailable" in header_text(app)
