"""Keys typed in one burst (one terminal read: a paste, a fast typist, a laggy SSH link) go where the
user will see them: into the dialog, form, prompt or screen the first key opened, in order, and never
to the table underneath. A destructive question takes only keys pressed after it was painted.

Each burst is posted as a terminal read delivers it: every key queued on the app before the first is
handled (`type_in_one_read`), unlike Pilot's `press`, which waits for each key to be handled. Each
test then asks the simulator what really happened.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from demo_helpers import admin, audited_actions, demo_app, open_list, simulator
from pilot_waits import wait_until
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import RwcApp
from console.model import FilesystemSpec
from console.sim.simulator import Simulator
from console.ui.units import GIB
from screens.base import ResourceScreen
from screens.dialogs import ConfirmDialog, FormScreen, TypeNameDialog
from widgets.resource_table import ResourceTable

SIZE = (80, 24)

KEY_NAMES = {
    "/": "slash",
    ":": "colon",
    " ": "space",
    "\t": "tab",
    "\r": "enter",
    "\x1b": "escape",
    "@": "at",
    "-": "minus",
    ".": "full_stop",
    "?": "question_mark",
}


def key_event(token: str) -> events.Key:
    """`"a"` -> the key a, `"<tab>"`/`"<shift+tab>"`/`"<D>"`... -> that named key (upper case: shift)."""
    if token.startswith("<") and token.endswith(">") and len(token) > 2:
        name = token[1:-1]
        if len(name) == 1:
            return events.Key(name, name)
        named = {"tab": "\t", "enter": "\r", "escape": "\x1b", "shift+tab": None}
        return events.Key(name, named.get(name))
    return events.Key(KEY_NAMES.get(token, token), token)


def tokens(burst: str | Sequence[str]) -> list[str]:
    if isinstance(burst, str):
        return list(burst)
    return list(burst)


def type_in_one_read(app: RwcApp, burst: str | Sequence[str]) -> None:
    """Queue every key of `burst` on the app at once, as one terminal read delivers them."""
    for token in tokens(burst):
        app.post_message(key_event(token))


async def gate_idle(pilot: Pilot) -> None:
    """Until every queued key was delivered and settled, and the workers it started are done."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    await wait_until(pilot, lambda: app.key_gate.idle, "every key of the burst to be delivered")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def cursor_on_a_project(pilot: Pilot, table: ResourceTable) -> str:
    """Projects open on a department row; move down to the first project, as a user would (j)."""
    from console.model import Project

    for _ in range(10):
        selected = pilot.app.screen._selected()  # type: ignore[attr-defined]
        if isinstance(selected, Project):
            return selected.name
        await pilot.press("j")
    raise AssertionError("no project row under the cursor")


async def cursor_on_a_filesystem_without_snapshots(pilot: Pilot, table: ResourceTable) -> None:
    """⇧d is refused at once on a filesystem with snapshots; make one without, as a user would find one."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    sim = simulator(app)
    with sim.lock:
        spare = sim.weka.create_filesystem(admin(sim), FilesystemSpec("spare", "default", 100 * GIB))
        sim.advance(5)
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: spare.uid in table.visible_keys(), "the spare filesystem")
    table.move_cursor_to_key(spare.uid)
    await pilot.pause()


async def cursor_on_a_deletable_snapshot(pilot: Pilot, table: ResourceTable) -> None:
    """d is refused at once beside an upload; put the cursor where a delete would be asked about."""
    screen = pilot.app.screen
    assert isinstance(screen, ResourceScreen)
    await wait_until(pilot, lambda: screen.identity is not None, "who is signed in")
    for key in table.visible_keys():
        table.move_cursor_to_key(key)
        if screen.refusal_reason("delete_snapshot") is None:
            await pilot.pause()
            return
    raise AssertionError("no snapshot that may be deleted")


def snapshot_names(app: RwcApp) -> set[tuple[str, str]]:
    sim = simulator(app)
    with sim.lock:
        return {(s.filesystem_name, s.name) for s in sim.weka.snapshots()}


# -- the burst of the report ------------------------------------------------------------------------------
@pytest.mark.parametrize("attempt", range(4))
async def test_c_then_udaily_in_one_read_types_into_the_create_form_and_deletes_nothing(attempt: int) -> None:
    """The report: on Snapshots, `cudaily` in one read opened Upload (u), Delete (d) and confirmed the
    delete with the y of "daily" — two tries of four deleted a snapshot. Now it is the form's text."""
    from screens.dialogs.snapshot_forms import CreateSnapshotForm

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "6", "snapshots")
        before = snapshot_names(app)
        type_in_one_read(app, "cudaily")
        await gate_idle(pilot)
        form = app.screen
        assert isinstance(form, CreateSnapshotForm), f"the create form, not {type(form).__name__}"
        name_field = form.widget_for("name")
        assert isinstance(name_field, Input)
        assert name_field.value == "udaily"
        assert snapshot_names(app) == before
        assert not any(action.startswith(("delete", "upload")) for action in audited_actions())


async def test_keys_arriving_30ms_apart_after_c_all_land_in_the_form() -> None:
    """The other symptom: keys 20-50 ms apart lost their first letters while the form mounted."""
    from screens.dialogs.snapshot_forms import CreateSnapshotForm

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "6", "snapshots")
        for token in "cweekly":
            app.post_message(key_event(token))
            await pilot.pause(0.03)
        await gate_idle(pilot)
        form = app.screen
        assert isinstance(form, CreateSnapshotForm)
        name_field = form.widget_for("name")
        assert isinstance(name_field, Input) and name_field.value == "weekly"


# -- destructive questions want a fresh key ---------------------------------------------------------------
async def test_delete_then_y_in_one_read_does_not_delete_and_says_why() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "6", "snapshots")
        await cursor_on_a_deletable_snapshot(pilot, table)
        before = snapshot_names(app)
        type_in_one_read(app, "dy")
        await gate_idle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog), "the question stays open"
        assert dialog.ignored_key_count == 1
        assert "Ignored 1 key typed before this question appeared" in str(
            dialog.query_one("#typed-ahead").render()
        )
        assert snapshot_names(app) == before
        await pilot.press("y")  # a key pressed now, after it was painted, answers it
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), "the dialog to close")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: "delete_snapshot" in audited_actions(), "the delete to be sent")


async def test_type_the_name_ignores_a_name_and_enter_typed_ahead() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "1", "projects")
        sim = simulator(app)
        with sim.lock:
            projects_before = {p.name for p in sim.runai.projects(admin(sim))}
        project = await cursor_on_a_project(pilot, table)
        type_in_one_read(app, ["<D>", *project, "<enter>"])
        await gate_idle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TypeNameDialog)
        assert dialog.typed == ""
        assert dialog.ignored_key_count == len(project) + 1
        with sim.lock:
            assert {p.name for p in sim.runai.projects(admin(sim))} == projects_before


async def test_escape_typed_ahead_still_cancels_a_question() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, "6", "snapshots")
        await cursor_on_a_deletable_snapshot(pilot, table)
        before = snapshot_names(app)
        type_in_one_read(app, ["d", "<escape>", "j"])
        await gate_idle(pilot)
        assert isinstance(app.screen, ResourceScreen) and app.current_mode == "snapshots"
        assert snapshot_names(app) == before


# -- forms: tab typed ahead moves focus in order with the text around it ------------------------------------
async def test_tab_in_a_burst_moves_focus_between_the_text_around_it() -> None:
    from screens.dialogs.snapshot_forms import CreateSnapshotForm

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "6", "snapshots")
        type_in_one_read(app, ["c", *"daily", "<tab>", *"@here"])
        await gate_idle(pilot)
        form = app.screen
        assert isinstance(form, CreateSnapshotForm)
        name_field = form.widget_for("name")
        assert isinstance(name_field, Input) and name_field.value == "daily"
        access_point = form.widget_for("access_point")
        assert isinstance(access_point, Input) and access_point.has_focus
        assert access_point.value.endswith("@here") and "daily" not in access_point.value


# -- every dialog-opening key, on every screen ---------------------------------------------------------------
OPENING_KEYS: tuple[tuple[str, str, str, type | str], ...] = (
    # (number key, screen name, key that opens something, what it opens)
    ("1", "projects", "c", FormScreen),
    ("1", "projects", "e", FormScreen),
    ("1", "projects", "<D>", TypeNameDialog),
    ("2", "workloads", "s", FormScreen),
    ("2", "workloads", "<S>", ConfirmDialog),
    ("2", "workloads", "<D>", ConfirmDialog),
    ("2", "workloads", "l", "screens.logs:LogsScreen"),
    ("2", "workloads", "y", "screens.describe:DescribeScreen"),
    ("2", "workloads", "<enter>", "screens.workload_detail:WorkloadDetailScreen"),
    ("3", "nodes", "c", ConfirmDialog),
    ("3", "nodes", "d", ConfirmDialog),
    ("5", "filesystems", "c", FormScreen),
    ("5", "filesystems", "r", FormScreen),
    ("5", "filesystems", "t", FormScreen),
    ("5", "filesystems", "<D>", TypeNameDialog),
    ("6", "snapshots", "c", FormScreen),
    ("6", "snapshots", "d", ConfirmDialog),
    ("6", "snapshots", "<R>", TypeNameDialog),
    ("6", "snapshots", "<F>", FormScreen),
)


def screen_class(spec: type | str) -> type:
    if isinstance(spec, type):
        return spec
    import importlib

    module, _, name = spec.partition(":")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


@pytest.mark.parametrize(("number", "screen_name", "opener", "opens"), OPENING_KEYS)
async def test_every_opening_key_takes_the_burst_behind_it(
    number: str, screen_name: str, opener: str, opens: type | str
) -> None:
    """The key that opens something, then letters that on the table would each act (`d`elete,
    `u`pload, `c`ordon, `y`es...): none reaches the table, and nothing changes."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_list(pilot, number, screen_name)
        sim = simulator(app)
        if screen_name == "projects":
            await cursor_on_a_project(pilot, table)
        if screen_name == "snapshots":
            await cursor_on_a_deletable_snapshot(pilot, table)
        if (screen_name, opener) == ("filesystems", "<D>"):
            await cursor_on_a_filesystem_without_snapshots(pilot, table)
        with sim.lock:
            state_before = sim_state(sim)
        type_in_one_read(app, [opener, *"udcyDSR"])
        await gate_idle(pilot)
        expected = screen_class(opens)
        # A dialog is on top; a screen (logs, detail) has its own keys, so the letters may act there
        # (`y` on a detail describes it): either way it is in the stack, above the table.
        opened = [screen for screen in app.screen_stack if isinstance(screen, expected)]
        assert opened, f"{opener} opened {[type(screen).__name__ for screen in app.screen_stack]}"
        if issubclass(expected, (ConfirmDialog, TypeNameDialog, FormScreen)):
            assert app.screen is opened[0]
        with sim.lock:
            assert sim_state(sim) == state_before
        assert audited_actions() == []


def sim_state(sim: Simulator) -> tuple[object, ...]:
    """What the actions of this test could change: snapshots, filesystems, projects, nodes, workloads."""
    return (
        sorted((s.filesystem_name, s.name) for s in sim.weka.snapshots()),
        sorted(f.name for f in sim.weka.filesystems()),
        sorted(p.name for p in sim.runai.projects(admin(sim))),
        sorted((n.name, n.cordoned, n.draining) for n in sim.runai.nodes()),
        sorted((w.name, w.phase.value) for w in sim.runai.workloads(admin(sim))),
    )
