"""Project and node actions at 80x24 against the demo backend, as a user drives them: keys, dialogs,
forms, notifications — then the simulator is asked whether the change really happened (or really did
not), and the audit log whether it was written down.

The simulator's clock is frozen (`clock_speed=0`); tests that need time to pass advance it by hand.
"""

from __future__ import annotations

import pytest
from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.data import paths
from console.data.audit import read_audit_records
from console.data.errors import Forbidden, ReadOnlyError
from console.model import DRAIN_TAINT, Node, Project, Role
from console.sim.clock import DEFAULT_START
from screens.action_runner import ACTION_WORKER_GROUP
from screens.dialogs import ConfirmDialog, FormScreen, TypeNameDialog
from screens.dialogs.project_quota import CreateProjectForm, EditQuotaForm, quota_field_name
from screens.nodes import NodesScreen
from screens.projects import DEPARTMENT_KEY_PREFIX, ProjectsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


def demo_app(**overrides: object) -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, **overrides))  # type: ignore[arg-type]


def demo_backend(app: RwcApp) -> DemoBackend:
    """The DemoBackend under the wrappers (audit, read-only), to ask the simulator directly."""
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend


async def settle(pilot: Pilot) -> None:
    """Let action workers finish and their messages land."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_screen(pilot: Pilot, key: str, screen_class: type) -> ResourceTable:
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen_class), screen_class.__name__)
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "rows")
    await pilot.pause()
    return table


def move_cursor_to(table: ResourceTable, key: str) -> None:
    table.move_cursor_to_key(key)
    assert table.cursor_key == key


def notifications(app: RwcApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def error_notifications(app: RwcApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def audit_lines() -> list[dict[str, object]]:
    """One record per action (intent and outcome lines merged), see `read_audit_records`."""
    return read_audit_records(paths.audit_log_path())


async def sim_projects(app: RwcApp) -> dict[str, Project]:
    return {project.name: project for project in await demo_backend(app).projects()}


async def sim_node(app: RwcApp, name: str) -> Node:
    return next(node for node in await demo_backend(app).nodes() if node.name == name)


async def type_into(pilot: Pilot, form: FormScreen, field: str, text: str) -> None:
    widget = form.widget_for(field)
    assert isinstance(widget, Input)
    widget.value = text
    await pilot.pause()


async def open_create_form(pilot: Pilot) -> CreateProjectForm:
    await open_screen(pilot, "1", ProjectsScreen)
    await pilot.press("c")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CreateProjectForm), "create form")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, CreateProjectForm)
    return form


def field_error(form: FormScreen, field: str) -> str:
    return str(form._errors[field].render())


# -- projects ------------------------------------------------------------------------------------------
async def test_create_project_with_quotas() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        await pilot.press(*"team-new")
        await type_into(pilot, form, quota_field_name("deserved_gpus", "a100"), "4")
        await type_into(pilot, form, quota_field_name("limit_gpus", "a100"), "8")
        await type_into(pilot, form, quota_field_name("over_quota_weight", "a100"), "1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProjectsScreen)
        project = (await sim_projects(app))["team-new"]
        quota = project.quota_for("a100")
        assert quota is not None
        assert (quota.deserved_gpus, quota.limit_gpus, quota.over_quota_weight) == (4, 8, 1)
        assert any("team-new created" in message for message in notifications(app))
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: project.id in table.visible_keys(), "the new row, refreshed at once")
    line = audit_lines()[-1]
    assert (line["action"], line["target"], line["outcome"]) == ("create_project", "team-new", "ok")


async def test_negative_quota_is_refused_inline() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        before = set(await sim_projects(app))
        await pilot.press(*"team-neg")
        deserved = quota_field_name("deserved_gpus", "h100")
        await type_into(pilot, form, deserved, "-2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(form, deserved) == "Cannot be negative."
        assert app.focused is form.widget_for(deserved)
        assert set(await sim_projects(app)) == before
    assert audit_lines() == []


async def test_limit_below_deserved_is_refused_inline() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        await pilot.press(*"team-limit")
        await type_into(pilot, form, quota_field_name("deserved_gpus", "a100"), "4")
        await type_into(pilot, form, quota_field_name("limit_gpus", "a100"), "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Below the deserved 4" in field_error(form, quota_field_name("limit_gpus", "a100"))
        assert "team-limit" not in await sim_projects(app)


@pytest.mark.parametrize("name", ["Team_A", "-team", "team-", "a" * 64, "[b]x[/]"])
async def test_name_not_a_dns_label_is_refused(name: str) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        await type_into(pilot, form, "name", name)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(form, "name")
        assert name not in await sim_projects(app)


async def test_duplicate_name_shows_conflict_and_keeps_values() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_create_form(pilot)
        await type_into(pilot, form, "name", "vision")
        await type_into(pilot, form, quota_field_name("deserved_gpus", "a100"), "3")
        await type_into(pilot, form, quota_field_name("limit_gpus", "h100"), "5")
        typed = form.values()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Resource with this name already exists" in field_error(form, "name")
        assert form.values() == typed
        assert any("already exists" in message for message in error_notifications(app))
        assert not form.busy
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("create_project", "error")


async def test_edit_quota_changes_the_simulator() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "1", ProjectsScreen)
        project = (await sim_projects(app))["speech"]
        move_cursor_to(table, project.id)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditQuotaForm), "edit form")
        form = app.screen
        assert isinstance(form, EditQuotaForm)
        deserved = quota_field_name("deserved_gpus", "a100")
        assert form.value_of(deserved) == "4"  # prefilled
        await type_into(pilot, form, deserved, "6")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProjectsScreen)
        quota = (await sim_projects(app))["speech"].quota_for("a100")
        assert quota is not None and quota.deserved_gpus == 6
    assert audit_lines()[-1]["action"] == "update_project_quotas"


async def test_edit_on_a_department_row_edits_the_department() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "1", ProjectsScreen)
        departments = {d.name: d for d in await demo_backend(app).departments()}
        research = departments["research"]
        move_cursor_to(table, f"{DEPARTMENT_KEY_PREFIX}{research.id}")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditQuotaForm), "edit form")
        form = app.screen
        assert isinstance(form, EditQuotaForm)
        await type_into(pilot, form, quota_field_name("deserved_gpus", "h100"), "20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        updated = {d.name: d for d in await demo_backend(app).departments()}["research"]
        assert next(q for q in updated.quotas if q.node_pool == "h100").deserved_gpus == 20
    assert audit_lines()[-1]["action"] == "update_department_quotas"


async def test_delete_project_needs_the_exact_name() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "1", ProjectsScreen)
        project = (await sim_projects(app))["speech"]
        move_cursor_to(table, project.id)
        await pilot.press("D")
        await wait_for_screen(pilot, TypeNameDialog, "type-name dialog")
        dialog = app.screen
        await pilot.press(*"speec", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "not 'speech'" in str(dialog.query_one("#type-name-error").render())
        assert "speech" in await sim_projects(app)
        assert audit_lines() == []

        await pilot.press("h", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectsScreen)
        demo_backend(app).simulator.advance(600)
        projects = await sim_projects(app)
        assert "speech" not in projects
        assert any("speech is being deleted" in message for message in notifications(app))
    line = audit_lines()[-1]
    assert (line["action"], line["target"], line["outcome"]) == ("delete_project", project.id, "ok")


async def test_delete_project_cancelled_with_escape() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "1", ProjectsScreen)
        project = (await sim_projects(app))["speech"]
        move_cursor_to(table, project.id)
        await pilot.press("D")
        await wait_for_screen(pilot, TypeNameDialog, "type-name dialog")
        await pilot.press(*"speech", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ProjectsScreen)
        assert "speech" in await sim_projects(app)


# -- nodes ---------------------------------------------------------------------------------------------
async def open_nodes(pilot: Pilot, node_name: str) -> ResourceTable:
    table = await open_screen(pilot, "3", NodesScreen)
    move_cursor_to(table, node_name)
    await pilot.pause()
    return table


async def test_cordon_asks_then_uncordon() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-03")
        await pilot.press("c")
        await wait_for_screen(pilot, ConfirmDialog, "confirm dialog")
        await pilot.press("n")
        await settle(pilot)
        assert not (await sim_node(app, "dgx-a100-03")).cordoned

        await pilot.press("c")
        await wait_for_screen(pilot, ConfirmDialog, "confirm dialog")
        await pilot.press("y")
        await settle(pilot)
        assert (await sim_node(app, "dgx-a100-03")).cordoned
        assert any("dgx-a100-03 cordoned" in message for message in notifications(app))
        table = app.screen.query_one(ResourceTable)
        await wait_until(
            pilot,
            lambda: "cordoned" in table.cell_text("dgx-a100-03", "scheduling"),
            "the SCHED cell, refreshed",
        )

        await pilot.press("u")
        await settle(pilot)
        assert not (await sim_node(app, "dgx-a100-03")).cordoned
    assert [(line["action"], line["outcome"]) for line in audit_lines()] == [
        ("cordon_node", "ok"),
        ("uncordon_node", "ok"),
    ]


async def test_drain_lists_workloads_cancel_changes_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-01")
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmDialog, "drain confirmation")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = "\n".join(str(line) for line in dialog.body_lines)
        assert "vit-large-pretrain" in body and "vision" in body
        assert "jupyter-alice" in body
        assert "stay" in body
        await pilot.press("escape")
        await settle(pilot)
        node = await sim_node(app, "dgx-a100-01")
        assert not node.draining
    assert audit_lines() == []


async def test_drain_confirmed_taints_and_moves_preemptible_work() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-01")
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmDialog, "drain confirmation")
        await pilot.press("y")
        await settle(pilot)
        node = await sim_node(app, "dgx-a100-01")
        assert DRAIN_TAINT in node.taints
        demo_backend(app).simulator.advance(300)
        on_node = [w for w in await demo_backend(app).workloads() if "dgx-a100-01" in w.node_names]
        assert on_node, "non-preemptible work stays"
        assert all(not w.preemptible for w in on_node if not w.is_terminal)

        await pilot.press("U")
        await settle(pilot)
        assert not (await sim_node(app, "dgx-a100-01")).draining
    assert [line["action"] for line in audit_lines()] == ["drain_node", "undrain_node"]


# -- read-only and permissions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("screen_key", "screen_class", "actions"),
    [
        ("1", ProjectsScreen, ("create_project", "edit_quota", "delete_project")),
        ("3", NodesScreen, ("cordon_node", "uncordon_node", "drain_node", "undrain_node")),
    ],
)
async def test_read_only_dims_the_keys_and_the_backend_refuses(
    screen_key: str, screen_class: type, actions: tuple[str, ...]
) -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, screen_key, screen_class)
        screen = app.screen
        for action in actions:
            assert screen.check_action(action, ()) is None, action
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is screen  # no dialog opened
        with pytest.raises(ReadOnlyError):
            await app.backend.cordon_node("dgx-a100-03")
        with pytest.raises(ReadOnlyError):
            await app.backend.delete_project("5")
    assert {line["outcome"] for line in audit_lines()} == {"refused"}


async def test_read_only_refusal_reaches_the_user_when_a_key_slips_through() -> None:
    """If a screen forgot to dim a key, the data layer still refuses, and the user is told why."""
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-03")
        screen = app.screen
        assert isinstance(screen, NodesScreen)
        screen.action_cordon_node()  # straight to the method, past check_action
        await wait_for_screen(pilot, ConfirmDialog, "confirm dialog")
        await pilot.press("y")
        await settle(pilot)
        assert not (await sim_node(app, "dgx-a100-03")).cordoned
        assert any("read-only" in message.lower() for message in error_notifications(app))
    assert audit_lines()[-1]["outcome"] == "refused"


async def test_researcher_gets_forbidden_on_cordon() -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-03")
        await wait_until(pilot, lambda: app.screen.identity is not None, "who is signed in")
        await pilot.press("c")  # dimmed for a researcher: says why at once, asks nothing
        reason = "Cordon is not available: only an administrator can cordon, drain or uncordon nodes"
        await wait_until(pilot, lambda: any(reason in str(n.message) for n in app._notifications), reason)
        assert not isinstance(app.screen, ConfirmDialog)
        screen = app.screen
        assert isinstance(screen, NodesScreen)
        screen.action_cordon_node()  # past the dimmed key: the API still refuses
        await wait_for_screen(pilot, ConfirmDialog, "confirm dialog")
        await pilot.press("y")
        await settle(pilot)
        assert not (await sim_node(app, "dgx-a100-03")).cordoned
        errors = error_notifications(app)
        assert any("requires an administrator" in message for message in errors), errors
        with pytest.raises(Forbidden):
            await app.backend.cordon_node("dgx-a100-03")
    line = audit_lines()[-1]
    assert (line["user"], line["action"], line["outcome"]) == ("alice@acme.ai", "cordon_node", "error")


# -- registry ------------------------------------------------------------------------------------------
async def test_actions_are_in_footer_help_and_palette() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3", NodesScreen)
        descriptions = {key.description for key in app.screen.key_actions()}
        assert {"Cordon", "Uncordon", "Drain", "Undrain"} <= descriptions
        bound = {binding.action for _, binding, *_ in app.active_bindings.values()}
        assert {"cordon_node", "drain_node"} <= bound
        await open_screen(pilot, "1", ProjectsScreen)
        descriptions = {key.description for key in app.screen.key_actions()}
        assert {"New project", "Edit quota", "Delete"} <= descriptions


async def test_action_workers_are_grouped() -> None:
    """Tests and shutdown can find action workers by their group."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_nodes(pilot, "dgx-a100-03")
        await pilot.press("u")  # not cordoned: a message, no worker
        await pilot.pause()
        assert not [w for w in app.workers if w.group == ACTION_WORKER_GROUP and w.is_running]
