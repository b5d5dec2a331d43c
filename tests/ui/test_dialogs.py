"""The shared dialogs and `run_action`, on a bare Textual app: the contract every action screen relies on
(y/n and esc answers, exact-name typing, forms that keep what was typed, errors never as tracebacks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input

from console.data.errors import BackendError, Conflict, Forbidden, Invalid
from screens.action_runner import run_action
from screens.dialogs import ConfirmDialog, FormField, FormScreen, TypeNameDialog
from screens.dialogs.form import validate_dns1123_label, validate_limit, validate_non_negative

SIZE = (80, 24)


class DialogApp(App[None]):
    """Pushes one dialog and records what it dismissed with."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def open(self, screen: Any) -> None:
        self.push_screen(screen, self.results.append)


@pytest.mark.parametrize(
    ("keys", "answer"), [(("y",), True), (("enter",), True), (("n",), False), (("escape",), False)]
)
async def test_confirm_dialog_answers(keys: tuple[str, ...], answer: bool) -> None:
    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        app.open(ConfirmDialog("Drain node?", ["a workload [bold]x[/]"], "Drain", danger=True))
        await pilot.pause()
        assert "[bold]x[/]" in str(app.screen.query_one("#confirm-body Static").render())
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


async def test_type_name_dialog_needs_the_exact_name() -> None:
    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        dialog = TypeNameDialog("Delete project", "Deletes it.", "team-a")
        app.open(dialog)
        await pilot.pause()
        for typed in ("team-b", "Team-a", "team-a "):
            dialog.query_one(Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog, typed
            assert "nothing was changed" in str(dialog.query_one("#type-name-error").render())
        dialog.query_one(Input).value = "team-a"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [True]


async def test_type_name_dialog_escape_cancels() -> None:
    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        app.open(TypeNameDialog("Delete project", "Deletes it.", "team-a"))
        await pilot.pause()
        await pilot.press(*"team-a", "escape")
        await pilot.pause()
    assert app.results == [False]


class NameForm(FormScreen[str]):
    CONFLICT_FIELD = "name"
    FIELD_ALIASES = {"project_name": "name"}

    def __init__(self, call: Callable[[], Awaitable[str]]) -> None:
        super().__init__(
            "Create",
            [
                FormField("name", "Name", validate=validate_dns1123_label),
                FormField("kind", "Kind", kind="select", options=[("a", "a"), ("b", "b")], value="b"),
                FormField("gpus", "GPUs", kind="number", value="1", validate=validate_non_negative),
                FormField("limit", "Limit", kind="number", validate=validate_limit),
                FormField("flag", "Flag", kind="switch", value=True),
            ],
        )
        self.call = call

    def submit(self, values: dict[str, Any]) -> None:
        self.run_submit("Create thing", self.call, success=lambda result: f"created {result}")


async def test_form_enter_walks_fields_then_saves() -> None:
    async def create() -> str:
        return "ok"

    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        form = NameForm(create)
        app.open(form)
        await pilot.pause()
        await pilot.press(*"good-name", "enter")
        assert app.focused is form.widget_for("kind")
        assert form.values() == {"name": "good-name", "kind": "b", "gpus": "1", "limit": "", "flag": True}
        form.widget_for("limit").focus()
        await pilot.press("enter")  # the last text field: save
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["created ok"]
    assert app.results == ["ok"]


async def test_form_local_errors_show_under_each_field_and_nothing_runs() -> None:
    calls: list[str] = []

    async def create() -> str:
        calls.append("called")
        return "ok"

    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        form = NameForm(create)
        app.open(form)
        await pilot.pause()
        await pilot.press(*"Bad_Name")
        form.widget_for("gpus").value = "-1"  # type: ignore[attr-defined]
        form.widget_for("limit").value = "-5"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {name: str(error.render()) for name, error in form._errors.items()}
        assert errors["name"] and errors["gpus"] == "Cannot be negative." and "unlimited" in errors["limit"]
        assert app.focused is form.widget_for("name")  # the first problem
        assert calls == []
        form.widget_for("gpus").value = "2"  # type: ignore[attr-defined]
        await pilot.pause()
        assert str(form._errors["gpus"].render()) == ""  # fixing a field clears its message


@pytest.mark.parametrize(
    ("error", "field"),
    [
        (Conflict("Resource with this name already exists"), "name"),
        (Invalid("Bad project", field="project_name"), "name"),
        (Invalid("GPUs too many", field="gpus"), "gpus"),
        (Invalid("Something", field="unknown"), None),
        (Forbidden("Creating requires an administrator"), None),
    ],
)
async def test_form_backend_errors_point_at_fields_and_keep_values(
    error: BackendError, field: str | None
) -> None:
    async def create() -> str:
        raise error

    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        form = NameForm(create)
        app.open(form)
        await pilot.pause()
        await pilot.press(*"good-name")
        typed = form.values()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form
        assert form.values() == typed
        assert not form.busy
        shown = str(form._errors[field].render()) if field else str(form.query_one("#form-error").render())
        assert error.message in shown
        assert [n.severity for n in app._notifications] == ["error"]
    assert app.results == []


async def test_run_action_turns_any_exception_into_a_message() -> None:
    """A backend bug (not a BackendError) is a one-line error toast and `on_error`, never a crash."""
    seen: list[BackendError] = []

    async def broken() -> None:
        raise KeyError("boom")

    app = DialogApp()
    async with app.run_test(size=SIZE) as pilot:
        run_action(app.screen, "Do thing", broken, on_error=seen.append)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        (notification,) = app._notifications
        assert notification.severity == "error" and "KeyError" in notification.message
        assert notification.title == "Do thing"
    assert len(seen) == 1
