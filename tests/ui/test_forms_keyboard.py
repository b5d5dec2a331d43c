"""Forms by keyboard: the first text field has focus, pre-filled numbers are replaced by typing,
checkboxes read `[x] yes` / `[ ] no` without colour, a blank select is refused before anything is
sent, the save hint shows at 60x15, and a burst with tabs fills the right fields in order."""

from __future__ import annotations

from typing import TypeVar

from demo_helpers import audited_actions, demo_app, open_list
from pilot_waits import wait_for_screen, wait_until
from test_key_bursts import gate_idle, type_in_one_read
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from screens.dialogs.filesystem_forms import CreateFilesystemForm, ResizeFilesystemForm
from screens.dialogs.form import FormScreen, YesNoBox
from screens.dialogs.snapshot_forms import CreateSnapshotForm
from screens.dialogs.submit_workload import SubmitWorkloadForm

F = TypeVar("F", bound=FormScreen)  # type: ignore[type-arg]


async def open_form(pilot: Pilot, number_key: str, screen_name: str, key: str, form_class: type[F]) -> F:
    """Go to a list, press the key that opens `form_class`, and wait until it is painted."""
    await open_list(pilot, number_key, screen_name)
    await pilot.press(key)
    await wait_for_screen(pilot, form_class)
    form = pilot.app.screen
    assert isinstance(form, form_class)
    return form


async def test_the_first_text_field_has_focus_not_the_select_above_it() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "6", "snapshots", "c", CreateSnapshotForm)
        assert form.widget_for("name").has_focus  # the Filesystem select above it is pre-chosen


async def test_typing_into_a_prefilled_number_replaces_it() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5", "filesystems", "r", ResizeFilesystemForm)
        total = form.widget_for("total")
        assert isinstance(total, Input) and total.value
        total.focus()
        await pilot.pause()
        await pilot.press(*"3PB")
        assert total.value == "3PB"


async def test_checkboxes_read_without_colour_and_a_blank_select_is_refused() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5", "filesystems", "c", CreateFilesystemForm)
        box = form.widget_for("encrypted")
        assert isinstance(box, YesNoBox)
        assert str(box.render()).startswith("[ ] no")
        box.value = True
        await pilot.pause()
        assert str(box.render()).startswith("[x] yes")
        group = form.widget_for("group")
        assert isinstance(group, Select)
        group.clear()
        await pilot.press(*"train-data")
        form.widget_for("total").value = "10TiB"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, CreateFilesystemForm)
        assert "Choose a group." in str(form._errors["group"].render())
        assert "create_filesystem" not in audited_actions()


async def test_the_save_hint_is_on_screen_at_60x15() -> None:
    app = demo_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await open_list(pilot, "2", "workloads")
        await pilot.press("s")
        await wait_for_screen(pilot, SubmitWorkloadForm)
        status = app.screen.query_one("#form-status", Static)
        region = status.region
        assert region.height >= 1 and region.y + region.height <= 15
        assert "^s" in str(status.render())


async def test_a_burst_with_tabs_fills_each_field_in_order() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, "2", "workloads")
        type_in_one_read(app, ["s", *"job-a", "<tab>", "<tab>", *"img:1", "<tab>", *"python x.py"])
        await gate_idle(pilot)
        form = app.screen
        assert isinstance(form, SubmitWorkloadForm)
        await wait_until(pilot, lambda: form.value_of("command") == "python x.py", "the command")
        assert form.value_of("name") == "job-a"
        assert form.value_of("image") == "img:1"


async def test_focus_shows_on_selects_and_checkboxes_without_colour() -> None:
    app = demo_app(no_color=True)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5", "filesystems", "c", CreateFilesystemForm)
        group, box = form.widget_for("group"), form.widget_for("encrypted")
        group.focus()
        await pilot.pause()
        assert group.query_one("SelectCurrent").styles.text_style.reverse
        box.focus()
        await pilot.pause()
        assert box.styles.text_style.reverse
        assert not group.query_one("SelectCurrent").styles.text_style.reverse
