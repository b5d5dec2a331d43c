"""Forms by keyboard: the first text field has focus, pre-filled numbers are replaced by typing,
focus shows on selects and checkboxes without colour, checkboxes read `[x] yes` / `[ ] no`, an opened
list stays inside its dialog, a blank select is refused before anything is sent, the save hint shows
at 60x15, and a burst with tabs fills the right fields in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import pytest
from demo_helpers import audited_actions, demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until
from test_key_bursts import gate_idle, type_in_one_read
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from console.app import RwcApp
from screens.dialogs.filesystem_forms import CreateFilesystemForm, ResizeFilesystemForm, TieringForm
from screens.dialogs.form import BLANK_SELECT_ERROR, FormScreen, YesNoBox
from screens.dialogs.project_quota import CreateProjectForm, EditQuotaForm
from screens.dialogs.snapshot_forms import CreateSnapshotForm, FilesystemFromSnapshotForm
from screens.dialogs.submit_workload import SubmitWorkloadForm

F = TypeVar("F", bound=FormScreen)  # type: ignore[type-arg]

UPLOADED_SNAPSHOT = ("datasets", "nightly-20261123")
"""A demo snapshot in a local bucket: the one a filesystem can be created from."""


@dataclass(frozen=True)
class FormKey:
    """Where a form opens: the list's number key and name, and the key on it."""

    form: type[FormScreen]  # type: ignore[type-arg]
    number_key: str
    screen_name: str
    key: str


EVERY_FORM = (
    FormKey(SubmitWorkloadForm, "2", "workloads", "s"),
    FormKey(CreateProjectForm, "1", "projects", "c"),
    FormKey(EditQuotaForm, "1", "projects", "e"),
    FormKey(CreateFilesystemForm, "5", "filesystems", "c"),
    FormKey(ResizeFilesystemForm, "5", "filesystems", "r"),
    FormKey(TieringForm, "5", "filesystems", "t"),
    FormKey(CreateSnapshotForm, "6", "snapshots", "c"),
    FormKey(FilesystemFromSnapshotForm, "6", "snapshots", "F"),
)


async def open_form(pilot: Pilot, number_key: str, screen_name: str, key: str, form_class: type[F]) -> F:
    """Go to a list, press the key that opens `form_class`, and wait until it is painted."""
    table = await open_list(pilot, number_key, screen_name)
    if form_class is FilesystemFromSnapshotForm:
        table.move_cursor_to_key(snapshot_uid(pilot.app, *UPLOADED_SNAPSHOT))  # type: ignore[arg-type]
        await pilot.pause()
    await pilot.press(key)
    await wait_for_screen(pilot, form_class)
    form = pilot.app.screen
    assert isinstance(form, form_class)
    return form


async def open_any(pilot: Pilot, where: FormKey) -> FormScreen:  # type: ignore[type-arg]
    return await open_form(pilot, where.number_key, where.screen_name, where.key, where.form)


def snapshot_uid(app: RwcApp, filesystem: str, name: str) -> str:
    sim = simulator(app)
    with sim.lock:  # the demo backend's worker thread may be answering a poll
        snapshots = sim.weka.snapshots()
    return next(s.uid for s in snapshots if s.filesystem_name == filesystem and s.name == name)


async def test_the_first_text_field_has_focus_not_the_select_above_it() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "2", "workloads", "s", SubmitWorkloadForm)
        assert form.widget_for("name").has_focus  # not the Type select above it
        await pilot.press(*"job-a")
        assert form.value_of("name") == "job-a"


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


async def test_the_quota_form_opens_with_its_first_number_ready_to_be_replaced() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_list(pilot, "1", "projects")
        table.action_cursor_down()  # from the department to its first project, as `j` does
        await pilot.press("e")
        await wait_for_screen(pilot, EditQuotaForm)
        form = app.screen
        assert isinstance(form, EditQuotaForm)
        first = next(iter(form._widgets.values()))
        assert isinstance(first, Input) and first.has_focus and first.value
        await pilot.press("4")
        assert first.value == "4"


async def test_checkboxes_read_yes_or_no_without_colour() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5", "filesystems", "c", CreateFilesystemForm)
        box = form.widget_for("encrypted")
        assert isinstance(box, YesNoBox)
        assert str(box.render()).startswith("[ ] no")
        box.focus()
        await pilot.press("space")
        assert box.value
        assert str(box.render()).startswith("[x] yes")


async def test_a_blank_select_is_refused_and_nothing_is_sent() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "2", "workloads", "s", SubmitWorkloadForm)
        await pilot.press(*"job-a")
        image = form.widget_for("image")
        assert isinstance(image, Input)
        image.value = "img:1"
        pool = form.widget_for("node_pool")
        assert isinstance(pool, Select)
        pool.clear()  # the blank "Select" entry of its list
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        assert app.screen is form
        assert BLANK_SELECT_ERROR in str(form._errors["node_pool"].render())
        assert pool.has_focus
        assert "submit_workload" not in audited_actions()


@pytest.mark.parametrize("where", EVERY_FORM, ids=lambda where: where.form.__name__)
async def test_the_save_hint_is_on_screen_at_60x15(where: FormKey) -> None:
    """However many fields, the fields scroll and `^s … esc Cancel` stays inside the dialog."""
    app = demo_app()
    async with app.run_test(size=(60, 15)) as pilot:
        form = await open_any(pilot, where)
        last = [widget for widget in form._widgets.values() if not widget.disabled][-1]
        for focused in (app.focused, last):
            assert focused is not None
            focused.focus()
            await pilot.pause()
            frame = form.query_one("#form-frame").region
            status = form.query_one("#form-status", Static)
            assert frame.contains_region(status.region) and status.region.bottom <= 15
            assert "^s" in str(status.render()) and "esc Cancel" in str(status.render())


@pytest.mark.parametrize("size", [(80, 24), (60, 15)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_opened_lists_stay_inside_the_dialog(size: tuple[int, int]) -> None:
    """Every select of every form, opened with enter: its list neither hangs over the dialog's border
    nor covers the table behind; it shows its choices (scrolling when there are more than fit)."""
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        for where in EVERY_FORM:
            form = await open_any(pilot, where)
            for select in form.query(Select):
                if select.disabled:
                    continue
                select.focus()
                await pilot.pause()
                await pilot.press("enter")
                await wait_until(pilot, lambda select=select: select.expanded, "the list to open")
                await pilot.pause()
                listed = select.query_one("SelectOverlay", OptionList)
                inside = form.query_one("#form-frame").region.shrink((1, 0, 1, 0))  # within the border
                what = f"{where.form.__name__} {select.id}: list {listed.region} in dialog {inside}"
                assert inside.contains_region(listed.region), what
                assert listed.region.height >= min(listed.option_count, 2), what
                await pilot.press("escape")  # closes the list
                await wait_until(pilot, lambda select=select: not select.expanded, "the list to close")
            await pilot.press("escape")  # closes the form
            await wait_until(pilot, lambda form=form: app.screen is not form, "the form to close")


async def test_a_burst_with_tabs_fills_each_field_in_order() -> None:
    """The issue's burst: `s` and the whole form typed in one read land field by field, and the GPUs
    pre-filled 1 are replaced by the 4 typed into them."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot, "2", "workloads")
        burst = ["s", *"job-a", "<tab>", "<tab>", *"img:1", "<tab>", *"python x.py", "<tab>", "<tab>", "4"]
        type_in_one_read(app, burst)
        await gate_idle(pilot)
        form = app.screen
        assert isinstance(form, SubmitWorkloadForm)
        await wait_until(pilot, lambda: form.value_of("gpus") == "4", "the GPUs typed")
        assert form.value_of("name") == "job-a"
        assert form.value_of("image") == "img:1"
        assert form.value_of("command") == "python x.py"
        assert form.value_of("arguments") == ""


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
