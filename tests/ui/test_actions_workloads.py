"""Workload actions at 80x24 against the real demo backend: submit (form, inline checks, backend refusals),
suspend, resume and delete (asked first), from the list and the detail view, in read-only mode and as a
researcher. Every test asserts what the SIMULATOR holds afterwards (reached through the wrapper chain),
and the audit log's lines, not only the message on screen.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest
from pilot_waits import wait_for_screen, wait_until
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from console.data.audit import read_audit_records
from console.data.backend import Backend
from console.data.errors import Forbidden, ReadOnlyError
from console.model import GpuRequest, Identity, Role, Workload, WorkloadPhase, WorkloadSpec, WorkloadType
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.submit_workload import SubmitWorkloadForm, parse_gpu_request
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
IMAGE = "nvcr.io/nvidia/pytorch:24.08-py3"


# -- helpers ---------------------------------------------------------------------------------------------


def demo_app(**overrides: Any) -> RwcApp:
    return make_app(Config(demo=True, clock_speed=0, sim_start=DEFAULT_START, **overrides))


def simulator_of(app: RwcApp) -> Simulator:
    """The DemoBackend's simulator under the audit (and read-only) wrappers."""
    backend: Any = app.backend
    while not hasattr(backend, "simulator"):
        backend = backend.inner
    return backend.simulator


def admin(sim: Simulator) -> Identity:
    return sim.runai.identity_for(None, Role.ADMIN)


def sim_workload(sim: Simulator, name: str) -> Workload | None:
    """The workload named `name` as the simulator holds it now (None when it does not exist)."""
    with sim.lock:  # the demo backend's worker thread may be answering a poll
        return next((w for w in sim.runai.workloads(admin(sim)) if w.name == name), None)


def audit_lines() -> list[dict[str, Any]]:
    """Every line of the audit log (XDG_STATE_HOME is per test, see tests/conftest.py)."""
    return read_audit_records(Path(os.environ["XDG_STATE_HOME"]) / "rwc" / "audit.jsonl")


async def workloads_table(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "workload rows")
    await pilot.pause()
    return table


async def cursor_on(pilot: Pilot, name: str) -> Workload:
    """Put the workloads table's cursor on the row of `name`; returns that workload."""
    table = await workloads_table(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WorkloadsScreen)
    page = screen.context.bridge.snapshot(screen.resource_keys[0]).value
    workloads = page.workloads if page is not None else None
    workload = next(w for w in workloads if w.name == name)
    table.move_cursor_to_key(workload.id)
    await pilot.pause()
    assert table.cursor_key == workload.id
    return workload


def notifications(app: RwcApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def wait_for_notification(pilot: Pilot, text: str) -> str:
    app = pilot.app
    await wait_until(pilot, lambda: any(text in message for message in notifications(app)), repr(text))
    return next(message for message in notifications(app) if text in message)


async def answer(pilot: Pilot, key: str) -> ConfirmDialog:
    """Wait for the confirm dialog, check it names what it asks about, and press `key`."""
    app = pilot.app
    await wait_for_screen(pilot, ConfirmDialog, "the confirm dialog")
    dialog = app.screen
    assert isinstance(dialog, ConfirmDialog)
    await pilot.press(key)
    await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), "the dialog to close")
    return dialog


async def open_submit_form(pilot: Pilot) -> SubmitWorkloadForm:
    await workloads_table(pilot)
    await pilot.press("s")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, SubmitWorkloadForm), "the submit form")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, SubmitWorkloadForm)
    return form


async def fill(pilot: Pilot, form: SubmitWorkloadForm, **values: object) -> None:
    """Type text fields key by key (as a user does); choose selects and switches by value."""
    for name, value in values.items():
        widget = form.widget_for(name)
        if isinstance(widget, Input):
            widget.focus()
            widget.value = ""
            await pilot.press(*str(value)) if value else None
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        await pilot.pause()


def field_error(form: SubmitWorkloadForm, name: str) -> str:
    return str(form._errors[name].render()).strip()


def form_error(form: SubmitWorkloadForm) -> str:
    return str(form.query_one("#form-error", Static).render()).strip()


# -- submit ----------------------------------------------------------------------------------------------


async def test_submit_a_training_with_half_a_gpu_runs_it_on_a_shared_gpu() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        form = await open_submit_form(pilot)
        assert form.value_of("preemptible") is True  # a training is preemptible by default
        await fill(
            pilot,
            form,
            type=WorkloadType.TRAINING,
            name="half-gpu-train",
            project="llm-pretrain",
            image=IMAGE,
            command="python train.py",
            arguments="--epochs 1",
            gpus="0.5",
            node_pool="h100",
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the form to close")
        assert "Submitted half-gpu-train" in await wait_for_notification(pilot, "Submitted")

        submitted = sim_workload(sim, "half-gpu-train")
        assert submitted is not None
        assert submitted.project_name == "llm-pretrain"
        assert submitted.gpu_request == GpuRequest.fraction(0.5)
        assert submitted.requested_node_pools == ("h100",)
        assert (submitted.command, submitted.arguments, submitted.image) == (
            "python train.py",
            "--epochs 1",
            IMAGE,
        )
        assert submitted.preemptible

        # The list refreshed at once and the cursor went to the new row.
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.cursor_key == submitted.id, "the cursor on the new row")

        # A second half-GPU training in the same pool: the scheduler bin-packs both onto one GPU.
        partner = WorkloadSpec(
            "half-gpu-partner", "llm-pretrain", WorkloadType.TRAINING, IMAGE, GpuRequest.fraction(0.5)
        )
        with sim.lock:
            sim.runai.submit_workload(admin(sim), dataclasses.replace(partner, node_pools=("h100",)))
        sim.advance(180)
        running = sim_workload(sim, "half-gpu-train")
        assert running is not None and running.phase is WorkloadPhase.RUNNING
        assert running.allocated_gpus == pytest.approx(0.5)
        with sim.lock:
            gpus = sim.runai.gpus()
        (gpu,) = [gpu for gpu in gpus if any(a.workload_id == running.id for a in gpu.allocations)]
        shares = {allocation.workload_name: allocation.fraction for allocation in gpu.allocations}
        assert shares == {"half-gpu-train": 0.5, "half-gpu-partner": 0.5}

        (line,) = [entry for entry in audit_lines() if entry["action"] == "submit_workload"]
        assert line["outcome"] == "ok"


async def test_a_fraction_above_one_is_refused_on_the_field_and_nothing_is_submitted() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        with sim.lock:
            before = len(sim.runai.workloads(admin(sim)))
        form = await open_submit_form(pilot)
        await fill(pilot, form, name="too-much", project="vision", image=IMAGE, gpus="1.5")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form
        assert "1.5" in field_error(form, "gpus")
        assert "fraction" in field_error(form, "gpus")
        assert form.focused is form.widget_for("gpus")
        assert sim_workload(sim, "too-much") is None
        with sim.lock:
            assert len(sim.runai.workloads(admin(sim))) == before
        assert audit_lines() == []


@pytest.mark.parametrize("bad_name", ["Bad_Name", "-leading-dash", "x" * 64])
async def test_an_invalid_name_is_refused_before_anything_is_sent(bad_name: str) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        form = await open_submit_form(pilot)
        await fill(pilot, form, name=bad_name, project="vision", image=IMAGE, gpus="1")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form
        assert field_error(form, "name")
        assert sim_workload(sim, bad_name) is None
        assert audit_lines() == []


async def test_image_and_workers_are_checked_inline() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_submit_form(pilot)
        await fill(pilot, form, type=WorkloadType.DISTRIBUTED, name="dist-one", project="vision", image="")
        await fill(pilot, form, workers="1", gpus="1")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert app.screen is form
        assert "image" in field_error(form, "image").lower()
        assert "at least 2 workers" in field_error(form, "workers")
        assert sim_workload(simulator_of(app), "dist-one") is None


async def test_a_distributed_training_with_workers_is_submitted_with_them() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        form = await open_submit_form(pilot)
        await fill(pilot, form, type=WorkloadType.DISTRIBUTED)
        assert not form.widget_for("workers").disabled
        await fill(pilot, form, name="dist-three", project="llm-pretrain", image=IMAGE, gpus="1", workers="3")
        await pilot.press("ctrl+s")
        await wait_for_notification(pilot, "Submitted dist-three")
        submitted = sim_workload(sim, "dist-three")
        assert submitted is not None
        assert submitted.type is WorkloadType.DISTRIBUTED and submitted.requested_pods == 3


async def test_a_workspace_defaults_to_non_preemptible() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        form = await open_submit_form(pilot)
        await fill(pilot, form, type=WorkloadType.WORKSPACE)
        await wait_until(pilot, lambda: form.value_of("preemptible") is False, "the workspace default")
        assert form.widget_for("workers").disabled
        await fill(
            pilot, form, name="my-notebook", project="vision", image="jupyter/scipy-notebook", gpus="20GiB"
        )
        await pilot.press("ctrl+s")
        await wait_for_notification(pilot, "Submitted my-notebook")
        submitted = sim_workload(sim, "my-notebook")
        assert submitted is not None
        assert submitted.type is WorkloadType.WORKSPACE and not submitted.preemptible
        assert submitted.gpu_request == GpuRequest.memory(20 * 1024)


async def test_a_duplicate_name_shows_the_conflict_in_the_form_with_every_value_kept() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        existing = sim_workload(sim, "vit-large-pretrain")
        assert existing is not None
        form = await open_submit_form(pilot)
        typed = {
            "name": "vit-large-pretrain",
            "project": "vision",
            "image": IMAGE,
            "command": "python again.py",
            "arguments": "--lr 1e-4",
            "gpus": "0.25",
        }
        await fill(pilot, form, **typed)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(field_error(form, "name")), "the conflict under the name")
        assert app.screen is form
        assert "already exists" in field_error(form, "name")
        assert {name: form.value_of(name) for name in typed} == typed
        assert not form.busy
        # Nothing changed in the simulator: the original is still the only one of that name.
        with sim.lock:
            same_name = [w.id for w in sim.runai.workloads(admin(sim)) if w.name == "vit-large-pretrain"]
        assert same_name == [existing.id]
        (line,) = [entry for entry in audit_lines() if entry["action"] == "submit_workload"]
        assert line["outcome"] == "error"

        # Fixing the name and saving again submits, from the same form.
        await fill(pilot, form, name="vit-large-again")
        await pilot.press("ctrl+s")
        await wait_for_notification(pilot, "Submitted vit-large-again")
        assert sim_workload(sim, "vit-large-again") is not None


async def test_an_invalid_value_from_the_backend_lands_on_its_field() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        form = await open_submit_form(pilot)
        await fill(pilot, form, name="huge-memory", project="vision", image=IMAGE, gpus="200GiB")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(field_error(form, "gpus")), "the refusal under GPUs")
        assert "204800 MiB" in field_error(form, "gpus")
        assert form.value_of("gpus") == "200GiB" and form.value_of("name") == "huge-memory"
        assert sim_workload(sim, "huge-memory") is None


async def test_a_forbidden_submit_is_shown_in_the_form_with_the_values_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)

        def membership_revoked(actor: Identity, spec: WorkloadSpec) -> str:
            raise Forbidden(f"{actor.user} is not a member of project {spec.project_name}.", status=403)

        form = await open_submit_form(pilot)
        monkeypatch.setattr(sim.runai, "submit_workload", membership_revoked)
        typed = {"name": "alice-run", "project": "sandbox", "image": IMAGE, "gpus": "0.5"}
        await fill(pilot, form, **typed)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(form_error(form)), "the refusal under the form")
        assert "not a member of project sandbox" in form_error(form)
        assert app.screen is form
        assert {name: form.value_of(name) for name in typed} == typed
        assert sim_workload(sim, "alice-run") is None


async def test_the_submit_form_opens_from_the_command_palette() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await workloads_table(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"submit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SubmitWorkloadForm), "the submit form")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the form to close")


def test_gpu_field_parsing() -> None:
    assert parse_gpu_request("2") == GpuRequest.whole(2)
    assert parse_gpu_request(" 0 ") == GpuRequest.whole(0)
    assert parse_gpu_request("0.5") == GpuRequest.fraction(0.5)
    assert parse_gpu_request("20GiB") == GpuRequest.memory(20480)
    assert parse_gpu_request("20480MiB") == GpuRequest.memory(20480)
    for bad in ("1.5", "0.05", "0.95", "-1", "", "lots", "0.5GiB-ish"):
        with pytest.raises(ValueError):
            parse_gpu_request(bad)


# -- suspend / resume / delete ---------------------------------------------------------------------------


async def test_suspend_confirmed_stops_the_workload() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = await cursor_on(pilot, "vit-large-pretrain")
        assert workload.phase is WorkloadPhase.RUNNING
        await pilot.press("S")
        dialog = await answer(pilot, "y")
        assert dialog.dialog_title == "Suspend workload"
        await wait_for_notification(pilot, "Suspending vit-large-pretrain")
        suspended = sim_workload(sim, "vit-large-pretrain")
        assert suspended is not None and suspended.phase in (WorkloadPhase.STOPPING, WorkloadPhase.STOPPED)
        sim.advance(120)
        stopped = sim_workload(sim, "vit-large-pretrain")
        assert stopped is not None and stopped.phase is WorkloadPhase.STOPPED
        assert stopped.allocated_gpus == 0
        (line,) = [entry for entry in audit_lines() if entry["action"] == "suspend_workload"]
        assert (line["outcome"], line["target"]) == ("ok", workload.id)


async def test_suspend_cancelled_changes_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "vit-large-pretrain")
        await pilot.press("S")
        await answer(pilot, "n")
        await pilot.pause(0.2)
        unchanged = sim_workload(sim, "vit-large-pretrain")
        assert unchanged is not None and unchanged.phase is WorkloadPhase.RUNNING
        assert audit_lines() == []


async def test_resume_a_stopped_workload() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = await cursor_on(pilot, "jupyter-bob")
        assert workload.phase is WorkloadPhase.STOPPED
        await pilot.press("R")
        await answer(pilot, "y")
        await wait_for_notification(pilot, "Resuming jupyter-bob")
        resumed = sim_workload(sim, "jupyter-bob")
        assert resumed is not None and resumed.phase is not WorkloadPhase.STOPPED
        (line,) = [entry for entry in audit_lines() if entry["action"] == "resume_workload"]
        assert line["outcome"] == "ok"


async def test_resuming_a_running_workload_shows_the_backends_refusal() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "vit-large-pretrain")
        await pilot.press("R")  # refused before asking: it is running
        assert (
            "is not available: vit-large-pretrain is Running, not suspended"
            in await wait_for_notification(pilot, "nothing to resume")
        )
        assert not isinstance(app.screen, ConfirmDialog)
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen)
        app._notifications.clear()
        screen.action_resume_workload()  # past the dimmed key: the backend's own refusal
        await answer(pilot, "y")
        assert "not suspended" in await wait_for_notification(pilot, "nothing to resume")
        still = sim_workload(sim, "vit-large-pretrain")
        assert still is not None and still.phase is WorkloadPhase.RUNNING


async def test_delete_confirmed_removes_the_workload() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = await cursor_on(pilot, "mistral-eval")
        await pilot.press("D")
        dialog = await answer(pilot, "y")
        assert "mistral-eval" in dialog.dialog_title and dialog.danger
        await wait_for_notification(pilot, "Deleting mistral-eval")
        sim.advance(120)
        assert sim_workload(sim, "mistral-eval") is None
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.get_row(workload.id) is None, "the row to go")
        (line,) = [entry for entry in audit_lines() if entry["action"] == "delete_workload"]
        assert line["outcome"] == "ok"


async def test_delete_cancelled_with_escape_changes_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "mistral-eval")
        await pilot.press("D")
        await answer(pilot, "escape")
        assert sim_workload(sim, "mistral-eval") is not None
        assert audit_lines() == []


async def test_screen_keys_wait_while_a_confirmation_is_open() -> None:
    """`3` under a delete confirmation must not switch screens and leave the question pending."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "mistral-eval")
        await pilot.press("D")
        await wait_for_screen(pilot, ConfirmDialog, "the confirm dialog")
        await pilot.press("3", "colon")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.current_mode == "workloads"
        await answer(pilot, "escape")
        assert sim_workload(sim, "mistral-eval") is not None
        await pilot.press("3")
        await wait_until(pilot, lambda: app.current_mode == "nodes", "screen keys to work again")


async def test_a_dimmed_key_in_read_only_mode_says_why() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "mistral-eval")
        await pilot.press("D")
        message = await wait_for_notification(pilot, "read-only")
        assert message == "Delete is not available: rwc is in read-only mode."
        assert not isinstance(app.screen, ConfirmDialog)
        assert sim_workload(sim, "mistral-eval") is not None
        await pilot.press("l")  # reading is fine: no such message for logs
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "LogsScreen", "the logs")
        assert sum("read-only" in message for message in notifications(app)) == 1


async def test_suspend_and_delete_from_the_detail_view() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "sdxl-finetune")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail view")
        detail = app.screen
        assert isinstance(detail, WorkloadDetailScreen)
        await wait_until(pilot, lambda: detail.selected_workload() is not None, "the detail to load")
        await pilot.press("S")
        await answer(pilot, "y")
        await wait_for_notification(pilot, "Suspending sdxl-finetune")
        suspended = sim_workload(sim, "sdxl-finetune")
        assert suspended is not None and suspended.phase in (WorkloadPhase.STOPPING, WorkloadPhase.STOPPED)

        await pilot.press("D")
        await answer(pilot, "y")
        await wait_for_notification(pilot, "Deleting sdxl-finetune")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the detail view to close")
        sim.advance(120)
        assert sim_workload(sim, "sdxl-finetune") is None
        actions = [entry["action"] for entry in audit_lines()]
        assert actions == ["suspend_workload", "delete_workload"]


# -- refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "refused_action"),
    [("s", "submit_workload"), ("S", "suspend_workload"), ("R", "resume_workload"), ("D", "delete_workload")],
)
async def test_read_only_dims_the_keys_and_changes_nothing(key: str, refused_action: str) -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "vit-large-pretrain")
        screen = app.screen
        for action in ("submit_workload", "suspend_workload", "resume_workload", "delete_workload"):
            assert screen.check_action(action, ()) is None  # shown dimmed, does nothing
        assert screen.check_action("show_logs", ()) is True
        await pilot.press(key)
        await pilot.pause(0.2)
        assert app.screen is screen  # no dialog, no form
        unchanged = sim_workload(sim, "vit-large-pretrain")
        assert unchanged is not None and unchanged.phase is WorkloadPhase.RUNNING
        [refusal] = audit_lines()  # nothing was sent, but the attempt is in the audit log
        target = None if refused_action == "submit_workload" else unchanged.id
        assert {key: refusal[key] for key in ("user", "action", "target", "outcome", "error")} == {
            "user": admin(sim).user,
            "action": refused_action,
            "target": target,
            "outcome": "refused",
            "error": "rwc is in read-only mode",
        }


async def test_read_only_backend_still_refuses_on_its_own() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = await cursor_on(pilot, "vit-large-pretrain")
        backend: Backend = app.backend
        with pytest.raises(ReadOnlyError):
            await backend.suspend_workload(workload.id)
        spec = WorkloadSpec("sneaky", "vision", WorkloadType.TRAINING, IMAGE, GpuRequest.whole(1))
        with pytest.raises(ReadOnlyError):
            await backend.submit_workload(spec)
        assert sim_workload(sim, "sneaky") is None
        unchanged = sim_workload(sim, "vit-large-pretrain")
        assert unchanged is not None and unchanged.phase is WorkloadPhase.RUNNING
        assert [entry["outcome"] for entry in audit_lines()] == ["refused", "refused"]


async def test_a_researcher_cannot_suspend_someone_elses_workload() -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await workloads_table(pilot)
        await wait_until(pilot, lambda: app.screen.identity is not None, "who is signed in")
        await pilot.press("m")  # a researcher's list opens on their own: m lists everyone's they may see
        workload = await cursor_on(pilot, "vit-large-pretrain")  # carol's, in alice's project
        assert workload.submitted_by != "alice@acme.ai"
        await pilot.press("S")  # dimmed: the reason at once, no question
        assert "researchers may suspend only their own workloads" in await wait_for_notification(
            pilot, "Suspend is not available"
        )
        assert not isinstance(app.screen, ConfirmDialog)
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen)
        app._notifications.clear()
        screen.action_suspend_workload()  # past the dimmed key: the API still refuses (403)
        await answer(pilot, "y")
        message = await wait_for_notification(pilot, "vit-large-pretrain")
        assert "submitted by carol@acme.ai" in message and "403" in message
        unchanged = sim_workload(sim, "vit-large-pretrain")
        assert unchanged is not None and unchanged.phase is WorkloadPhase.RUNNING
        (line,) = audit_lines()
        assert (line["action"], line["outcome"], line["user"]) == (
            "suspend_workload",
            "error",
            "alice@acme.ai",
        )


async def test_a_researcher_can_suspend_their_own_workload() -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        await cursor_on(pilot, "yolov8-detect")
        await pilot.press("S")
        await answer(pilot, "y")
        await wait_for_notification(pilot, "Suspending yolov8-detect")
        suspended = sim_workload(sim, "yolov8-detect")
        assert suspended is not None and suspended.phase in (WorkloadPhase.STOPPING, WorkloadPhase.STOPPED)


async def test_a_researcher_submitting_to_a_project_of_theirs_only_sees_those() -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        form = await open_submit_form(pilot)
        project_select = form.widget_for("project")
        assert isinstance(project_select, Select)
        offered = {value for _label, value in project_select._options if isinstance(value, str)}
        assert offered == {"llm-pretrain", "sandbox", "vision"}
