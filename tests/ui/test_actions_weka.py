"""WEKA actions at 80x24 against the demo backend, driven by keys: filesystem create / resize / tiering /
delete and snapshot create / delete / restore / upload / filesystem-from-snapshot. After each, the
simulator itself is asked whether the change happened (or did not), and refusals are checked to come
back with the API's own words, under the field they concern, with everything typed still there.

The clock is frozen (`clock_speed=0`, seed 7); the upload test moves it by hand.
"""

from __future__ import annotations

from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Switch

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.data import paths
from console.data.audit import read_audit_records
from console.data.errors import ReadOnlyError, Unavailable
from console.data.resources import SNAPSHOTS
from console.model import Filesystem, FilesystemSpec, Role, SnapshotSpec, StowStatus
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.ui.data_path import mounting_workloads
from console.ui.units import GIB, TIB
from screens.dialogs import ConfirmDialog, FormScreen, TypeNameDialog
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.filesystem_forms import (
    NO_BUCKET,
    CreateFilesystemForm,
    ResizeFilesystemForm,
    TieringForm,
)
from screens.dialogs.snapshot_forms import CreateSnapshotForm, FilesystemFromSnapshotForm
from screens.filesystems import FilesystemsScreen
from screens.snapshots import SnapshotsScreen
from screens.weka_overview import WekaOverviewScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
MARKUP_NAME = "[b]x[red]-data"
"""A name that is also Rich markup (WEKA names may not hold "/"): it must arrive and show as typed."""


def demo_app(**overrides: object) -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, **overrides))  # type: ignore[arg-type]


def simulator(app: RwcApp) -> Simulator:
    """The simulator under the wrappers (audit, read-only), to check what really happened."""
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend.simulator


def admin(app: RwcApp):  # type: ignore[no-untyped-def]
    return simulator(app).runai.identity_for(None, Role.ADMIN)


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_screen(pilot: Pilot, key: str, screen_class: type) -> ResourceTable:
    await pilot.press(key)
    await wait_until(pilot, lambda: type(pilot.app.screen) is screen_class, screen_class.__name__)
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "rows")
    await pilot.pause()
    return table


def fs_uid(app: RwcApp, name: str) -> str:
    return next(fs.uid for fs in sim_filesystems(app) if fs.name == name)


def snapshot_uid(app: RwcApp, filesystem: str, name: str) -> str:
    sim = simulator(app)
    with sim.lock:  # the demo backend's worker thread may be answering a poll
        snapshots = sim.weka.snapshots()
    return next(s.uid for s in snapshots if s.filesystem_name == filesystem and s.name == name)


def sim_filesystems(app: RwcApp) -> list[Filesystem]:
    sim = simulator(app)
    with sim.lock:
        return list(sim.weka.filesystems())


def filesystems_by_name(app: RwcApp) -> dict[str, object]:
    return {fs.name: fs for fs in sim_filesystems(app)}


async def open_form(pilot: Pilot, key: str, form_class: type[FormScreen]) -> FormScreen:
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, form_class), form_class.__name__)
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, form_class)
    return form


async def fill(pilot: Pilot, form: FormScreen, **values: object) -> None:
    """Set fields as a user would leave them: text into inputs, a choice in a select, a switch."""
    for name, value in values.items():
        widget = form.widget_for(name)
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, Switch | Checkbox):
            widget.value = bool(value)
    await pilot.pause()


def field_error(form: FormScreen, field: str) -> str:
    return str(form._errors[field].render())


def notifications(app: RwcApp, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


def audit_lines() -> list[dict[str, object]]:
    """One record per action (intent and outcome lines merged), see `read_audit_records`."""
    return read_audit_records(paths.audit_log_path())


# -- filesystems: create --------------------------------------------------------------------------------
async def test_create_filesystem_ssd_only() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await pilot.press(*MARKUP_NAME)
        await fill(pilot, form, total="2 TiB", encrypted=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FilesystemsScreen)
        created = filesystems_by_name(app)[MARKUP_NAME]
        assert created.total_budget_bytes == created.ssd_budget_bytes == 2 * TIB  # type: ignore[attr-defined]
        assert created.group_name == "default" and created.is_encrypted  # type: ignore[attr-defined]
        assert not created.is_tiered  # type: ignore[attr-defined]
        assert any(f"Filesystem {MARKUP_NAME} created" in m for m in notifications(app, "information"))
        uid = created.uid  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: uid in table.visible_keys(), "the new row, refreshed at once")
        assert table.cell_text(uid, "name").strip() == MARKUP_NAME
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("create_filesystem", "ok")


async def test_create_tiered_filesystem_with_less_ssd() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", FilesystemsScreen)
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await fill(
            pilot, form, name="tiered-new", group="tiered", total="10TiB", ssd="2TiB", bucket="obs-local"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = filesystems_by_name(app)["tiered-new"]
        assert (created.total_budget_bytes, created.ssd_budget_bytes) == (10 * TIB, 2 * TIB)  # type: ignore[attr-defined]
        assert created.is_tiered and created.group_name == "tiered"  # type: ignore[attr-defined]


async def test_create_refuses_ssd_above_total_and_keeps_values() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", FilesystemsScreen)
        before = set(filesystems_by_name(app))
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await fill(pilot, form, name="too-much-ssd", total="1TiB", ssd="2TiB", bucket="obs-local")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "cannot exceed the total" in field_error(form, "ssd")
        assert form.values()["ssd"] == "2TiB" and form.values()["name"] == "too-much-ssd"
        assert set(filesystems_by_name(app)) == before


async def test_create_refuses_junk_sizes_inline() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", FilesystemsScreen)
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await fill(pilot, form, name="junk", total="lots", ssd="5 parsecs")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'lots' is not a size" in field_error(form, "total")
        assert "Unknown unit 'parsecs'" in field_error(form, "ssd")
        assert "junk" not in filesystems_by_name(app)


async def test_api_refusal_lands_under_the_field_it_names() -> None:
    """More SSD than the cluster has unprovisioned: only the API knows; its `ssd_capacity` is our SSD."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", FilesystemsScreen)
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await fill(pilot, form, name="huge", total="100TiB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Not enough SSD capacity" in field_error(form, "ssd")
        assert form.values()["total"] == "100TiB"
        assert "huge" not in filesystems_by_name(app)
        assert any("Not enough SSD capacity" in m for m in notifications(app, "error"))


async def test_duplicate_name_is_a_conflict_under_the_name_with_values_kept() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", FilesystemsScreen)
        before = filesystems_by_name(app)["datasets"]
        form = await open_form(pilot, "c", CreateFilesystemForm)
        await fill(pilot, form, name="datasets", total="1TiB", encrypted=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "already exists" in field_error(form, "name")
        assert form.values() == {
            "name": "datasets",
            "group": "default",
            "total": "1TiB",
            "ssd": "",
            "encrypted": True,
            "bucket": NO_BUCKET,
        }
        assert filesystems_by_name(app)["datasets"] == before
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("create_filesystem", "failed") or line["outcome"] != "ok"


# -- filesystems: resize, tiering -----------------------------------------------------------------------
async def test_resize_grows_total_and_ssd() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        table.move_cursor_to_key(fs_uid(app, "checkpoints"))
        form = await open_form(pilot, "r", ResizeFilesystemForm)
        assert form.values() == {"total": "100TiB", "ssd": "30TiB"}  # prefilled with today's sizes
        await fill(pilot, form, total="120TiB", ssd="35TiB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        resized = filesystems_by_name(app)["checkpoints"]
        assert (resized.total_budget_bytes, resized.ssd_budget_bytes) == (120 * TIB, 35 * TIB)  # type: ignore[attr-defined]
        assert any("checkpoints resized" in m for m in notifications(app, "information"))


async def test_resize_refuses_shrinking_below_used() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        before = filesystems_by_name(app)["datasets"]
        table.move_cursor_to_key(before.uid)  # type: ignore[attr-defined]
        form = await open_form(pilot, "r", ResizeFilesystemForm)
        await fill(pilot, form, total="100TiB", ssd="10TiB")  # uses 142TiB, 27TiB of it on SSD
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Cannot go below the 142TiB" in field_error(form, "total")
        assert "Cannot shrink below the 27TiB of SSD" in field_error(form, "ssd")
        assert form.values() == {"total": "100TiB", "ssd": "10TiB"}
        assert filesystems_by_name(app)["datasets"] == before


async def test_resize_refused_by_the_api_points_at_ssd() -> None:
    """Growing SSD past what the cluster has unprovisioned: the API's `ssd_capacity` refusal."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        before = filesystems_by_name(app)["datasets"]
        table.move_cursor_to_key(before.uid)  # type: ignore[attr-defined]
        form = await open_form(pilot, "r", ResizeFilesystemForm)
        await fill(pilot, form, ssd="200TiB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Not enough SSD capacity" in field_error(form, "ssd")
        assert filesystems_by_name(app)["datasets"] == before


async def test_tiering_attach_then_detach() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        table.move_cursor_to_key(fs_uid(app, "inference-cache"))
        form = await open_form(pilot, "t", TieringForm)
        await fill(pilot, form, bucket="obs-local")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert filesystems_by_name(app)["inference-cache"].is_tiered  # type: ignore[attr-defined]
        assert any("now tiers to obs-local" in m for m in notifications(app, "information"))

        form = await open_form(pilot, "t", TieringForm)
        assert form.values()["bucket"] == "obs-local"
        await fill(pilot, form, bucket=NO_BUCKET)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not filesystems_by_name(app)["inference-cache"].is_tiered  # type: ignore[attr-defined]


# -- filesystems: delete --------------------------------------------------------------------------------
async def test_delete_with_a_mismatched_name_changes_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        table.move_cursor_to_key(fs_uid(app, "home"))
        screen = app.screen
        assert isinstance(screen, FilesystemsScreen)
        screen.action_delete_filesystem()  # past the dimmed key (home has snapshots): the name is asked
        await wait_for_screen(pilot, TypeNameDialog, "the type-the-name dialog")
        await pilot.press(*"homes", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TypeNameDialog)  # still asking
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FilesystemsScreen)
        assert filesystems_by_name(app)["home"].status == "READY"  # type: ignore[attr-defined]
    assert not any(line["action"] == "delete_filesystem" for line in audit_lines())


async def test_delete_of_a_filesystem_with_snapshots_says_so_at_once() -> None:
    """Refuse before asking: ⇧d on a filesystem with snapshots is dimmed and says why, no name asked."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        table.move_cursor_to_key(fs_uid(app, "home"))
        await pilot.pause()
        await pilot.press("D")
        await wait_until(
            pilot, lambda: any("home still has 4 snapshots" in m for m in notifications(app)), "why"
        )
        assert isinstance(app.screen, FilesystemsScreen)
        assert filesystems_by_name(app)["home"].status == "READY"  # type: ignore[attr-defined]
    assert not any(line["action"] == "delete_filesystem" for line in audit_lines())


async def test_delete_refused_while_snapshots_exist_shows_the_api_message() -> None:
    """The API stays the authority: past the dimmed key, the server's own refusal is shown."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        table.move_cursor_to_key(fs_uid(app, "home"))
        screen = app.screen
        assert isinstance(screen, FilesystemsScreen)
        screen.action_delete_filesystem()
        await wait_for_screen(pilot, TypeNameDialog, "the type-the-name dialog")
        await pilot.press(*"home", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FilesystemsScreen)
        assert any("Filesystem home still has 4 snapshots" in m for m in notifications(app, "error"))
        assert filesystems_by_name(app)["home"].status == "READY"  # type: ignore[attr-defined]


async def test_delete_a_filesystem_without_snapshots() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        weka = simulator(app).weka
        spare = weka.create_filesystem(admin(app), FilesystemSpec("spare", "default", 100 * GIB))
        simulator(app).advance(5)  # ready after a few seconds
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: spare.uid in table.visible_keys(), "the spare filesystem")
        table.move_cursor_to_key(spare.uid)
        await pilot.press("D")
        await wait_for_screen(pilot, TypeNameDialog, "the type-the-name dialog")
        await pilot.press(*"spare", "enter")
        await settle(pilot)
        assert weka.filesystem(spare.uid).is_removing
        assert any("spare is being deleted" in m for m in notifications(app, "information"))
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("delete_filesystem", "ok")


# -- read-only ------------------------------------------------------------------------------------------
async def test_read_only_dims_the_keys_and_changes_nothing() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "5", FilesystemsScreen)
        screen = app.screen
        before = simulator(app).weka.filesystems()
        for action in ("create_filesystem", "resize_filesystem", "set_tiering", "delete_filesystem"):
            assert screen.check_action(action, ()) is None, action
        table.move_cursor_to_key(fs_uid(app, "scratch"))
        for key in ("c", "r", "t", "D"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, f"{key} opened a dialog in read-only mode"
        # The command palette runs actions through `run_action`, which asks check_action too.
        assert not await app.run_action("create_filesystem", screen)
        await settle(pilot)
        assert app.screen is screen
        # And the data layer refuses on its own.
        try:
            await app.backend.delete_filesystem(fs_uid(app, "scratch"))
        except ReadOnlyError:
            pass
        else:
            raise AssertionError("the read-only backend let a delete through")
        assert simulator(app).weka.filesystems() == before

        table = await open_screen(pilot, "6", SnapshotsScreen)
        screen = app.screen
        before_snaps = simulator(app).weka.snapshots()
        for key in ("c", "d", "R", "u", "F"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen
        assert simulator(app).weka.snapshots() == before_snaps


# -- snapshots ------------------------------------------------------------------------------------------
async def test_create_snapshot_with_the_default_access_point() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        table.move_cursor_to_key(snapshot_uid(app, "home", "nightly-20261123"))
        form = await open_form(pilot, "c", CreateSnapshotForm)
        assert form.values()["filesystem"] == fs_uid(app, "home")  # the cursor row's filesystem
        assert form.values()["access_point"] == "@GMT-2026.11.23-09.00.00"
        await pilot.press(*MARKUP_NAME)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotsScreen)
        uid = snapshot_uid(app, "home", MARKUP_NAME)
        snapshot = simulator(app).weka.snapshot(uid)
        assert snapshot.access_point == "@GMT-2026.11.23-09.00.00" and not snapshot.is_writable
        await wait_until(pilot, lambda: uid in table.visible_keys(), "the new snapshot row")
        assert table.cell_text(uid, "name").strip() == MARKUP_NAME
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("create_snapshot", "ok")


async def test_duplicate_snapshot_name_is_refused_with_values_kept() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        table.move_cursor_to_key(snapshot_uid(app, "home", "nightly-20261123"))
        count = len(simulator(app).weka.snapshots())
        form = await open_form(pilot, "c", CreateSnapshotForm)
        await fill(pilot, form, name="nightly-20261123", access_point="@mine", writable=True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "already has a snapshot named nightly-20261123" in field_error(form, "name")
        assert form.values()["access_point"] == "@mine" and form.values()["writable"] is True
        assert len(simulator(app).weka.snapshots()) == count


async def test_delete_snapshot_after_confirming() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        uid = snapshot_uid(app, "inference-cache", "before-rollout")
        table.move_cursor_to_key(uid)
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmDialog, "the confirmation")
        await pilot.press("n")
        await settle(pilot)
        assert not simulator(app).weka.snapshot(uid).is_removing
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmDialog, "the confirmation")
        await pilot.press("y")
        await settle(pilot)
        assert simulator(app).weka.snapshot(uid).is_removing
        await wait_until(pilot, lambda: "(removing)" in table.cell_text(uid, "name"), "the removing mark")
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("delete_snapshot", "ok")


async def test_restore_needs_the_filesystem_name() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        weka = simulator(app).weka
        uid = snapshot_uid(app, "inference-cache", "before-rollout")
        table.move_cursor_to_key(uid)
        await pilot.press("R")
        await wait_for_screen(pilot, TypeNameDialog, "the type-the-name dialog")
        await pilot.press(*"before-rollout", "enter")  # the snapshot's name is not the filesystem's
        await pilot.pause()
        assert isinstance(app.screen, TypeNameDialog)
        assert not [e for e in weka.events() if e.type == "SnapshotFilesystemRestored"]
        dialog = app.screen
        dialog.query_one(Input).value = ""
        await pilot.press(*"inference-cache", "enter")
        # The inference servers mount it: suspend them first (the default), or restore now (chosen here).
        await wait_for_screen(pilot, ChooseDialog, "what to do with the workloads that mount it")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotsScreen)
        restored = [e for e in weka.events() if e.type == "SnapshotFilesystemRestored"]
        assert [e.entity for e in restored] == ["inference-cache"]
        assert any("inference-cache restored from snapshot before-rollout" in m for m in notifications(app))
    line = audit_lines()[-1]
    assert (line["action"], line["outcome"]) == ("restore_snapshot", "ok")


async def test_restore_names_who_mounts_it_and_suspends_them_first() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        sim = simulator(app)
        admin = sim.runai.identity_for(None, Role.ADMIN)
        with sim.lock:
            users = mounting_workloads("inference-cache", sim.runai.data_mounts(admin))
        assert users
        table.move_cursor_to_key(snapshot_uid(app, "inference-cache", "before-rollout"))
        await pilot.press("R")
        await wait_for_screen(pilot, TypeNameDialog, "the type-the-name dialog")
        explanation = str(app.screen.explanation)
        assert f"Mounted now by {len(users)} workload" in explanation
        assert all(f"{user.workload_name} (rw)" in explanation for user in users)
        await pilot.press(*"inference-cache", "enter")
        await wait_for_screen(pilot, ChooseDialog, "suspend them first?")
        await pilot.press("enter")  # the first choice: suspend, then restore
        await wait_until(pilot, lambda: len(audit_lines()) >= len(users), "the suspends")
        for _ in range(60):  # the simulated clock is frozen: move it until they have stopped
            sim.advance(5)
            await pilot.pause(0.05)
            if any(e.type == "SnapshotFilesystemRestored" for e in sim.weka.events()):
                break
        await wait_until(
            pilot,
            lambda: any(e.type == "SnapshotFilesystemRestored" for e in sim.weka.events()),
            "the restore after they stopped",
            timeout=20,
        )
    actions = [line["action"] for line in audit_lines()]
    assert actions == ["suspend_workload"] * len(users) + ["restore_snapshot"]


async def test_filesystem_from_snapshot_refused_until_uploaded() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        table.move_cursor_to_key(snapshot_uid(app, "checkpoints", "pre-release-v3"))  # uploading
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotsScreen)
        assert any("is not uploaded (uploading, 40%)" in m for m in notifications(app, "error"))


async def test_filesystem_from_an_uploaded_snapshot() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        uid = snapshot_uid(app, "datasets", "nightly-20261123")
        locator = simulator(app).weka.snapshot(uid).locator
        table.move_cursor_to_key(uid)
        form = await open_form(pilot, "F", FilesystemFromSnapshotForm)
        assert form.values()["locator"] == locator
        assert form.values()["bucket"] == "obs-local"
        assert form.values()["total"] == "200TiB" and form.values()["ssd"] == "40TiB"
        await fill(pilot, form, name="datasets-dr", ssd="4TiB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotsScreen)
        created = filesystems_by_name(app)["datasets-dr"]
        assert created.is_creating and created.ssd_budget_bytes == 4 * TIB  # type: ignore[attr-defined]


async def test_upload_followed_to_synchronized() -> None:
    """Take a snapshot of `home` (only 6.7GiB changed since the last upload), upload it, and watch its
    row while the clock is moved by hand: the percentage grows and ends as uploaded."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        sim = simulator(app)
        home = fs_uid(app, "home")
        with sim.lock:  # the demo backend's worker thread may be answering a poll
            snapshot = sim.weka.create_snapshot(admin(app), SnapshotSpec(home, "dr-copy"))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: snapshot.uid in table.visible_keys(), "the new snapshot's row")
        table.move_cursor_to_key(snapshot.uid)
        assert table.cell_text(snapshot.uid, "upload").strip() == "not uploaded"

        await pilot.press("u")
        await settle(pilot)
        with sim.lock:
            assert sim.weka.snapshot(snapshot.uid).stow_status is StowStatus.UPLOADING
        assert any("Upload of dr-copy of home" in m for m in notifications(app, "information"))
        await wait_until(pilot, lambda: "0%" in table.cell_text(snapshot.uid, "upload"), "the bar at 0%")

        seen: list[int] = []
        for _ in range(40):
            sim.advance(5)
            app.context.bridge.refresh((SNAPSHOTS,))
            await settle(pilot)
            cell = table.cell_text(snapshot.uid, "upload").strip()
            if cell.startswith("✓"):
                break
            assert cell.startswith("↑remote ") and cell.endswith("%"), cell  # home has only the DR bucket
            seen.append(int(cell.rsplit(" ", 1)[-1].rstrip("%")))
        else:
            raise AssertionError("the upload never finished")
        assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] > seen[0]
        assert table.cell_text(snapshot.uid, "upload").strip() == "✓ remote"
        with sim.lock:
            final = sim.weka.snapshot(snapshot.uid)
        assert final.stow_status is StowStatus.SYNCHRONIZED and final.locator


async def test_upload_polls_faster_while_in_flight() -> None:
    """No hand-made refresh: the screen's own one-second poll moves the bar."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        sim = simulator(app)
        uid = snapshot_uid(app, "checkpoints", "pre-release-v3")
        assert "40%" in table.cell_text(uid, "upload")
        sim.advance(60)
        await wait_until(pilot, lambda: "40%" not in table.cell_text(uid, "upload"), "the bar to move", 5.0)


async def test_upload_refusal_is_the_api_message() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "6", SnapshotsScreen)
        uid = snapshot_uid(app, "models", "eval-sandbox")  # writable: cannot be uploaded
        table.move_cursor_to_key(uid)
        await pilot.press("u")
        await settle(pilot)
        assert any("A writable snapshot cannot be uploaded" in m for m in notifications(app, "error"))
        assert simulator(app).weka.snapshot(uid).stow_status is StowStatus.NONE


# -- overview -------------------------------------------------------------------------------------------
async def test_weka_overview_by_key_and_alias() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_screen(pilot, "7", WekaOverviewScreen)
        summary = str(app.screen.query_one("#weka-summary").render())
        assert "✓ OK fully protected" in summary
        assert "drives 96/96" in summary and "clients 46/48 (2 down)" in summary
        assert "SSD used" in summary and "Provisioned" in summary and "Object tier" in summary
        assert "weka:TieredFilesystemOverfillingSSD" in table.visible_keys()
        assert table.cell_text("weka:TieredFilesystemOverfillingSSD", "severity").strip() == "✗ major"
        table.move_cursor_to_key("weka:TieredFilesystemOverfillingSSD")
        await pilot.press("enter")  # the full text the table crops: what to do about it
        await pilot.pause()
        assert any("Filesystem scratch uses 94%" in m for m in notifications(app))
        await open_screen(pilot, "5", FilesystemsScreen)
        await pilot.press("colon", *"wk", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WekaOverviewScreen), ":wk")


async def test_weka_overview_says_why_when_weka_never_answers() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        demo: object = app.backend
        while not isinstance(demo, DemoBackend):
            demo = demo.inner  # type: ignore[attr-defined]

        async def down() -> object:
            raise Unavailable("WEKA REST API on weka-prod:14000 refused the connection", service="weka")

        demo.weka_cluster = down  # type: ignore[method-assign]
        await pilot.press("7")
        await wait_until(pilot, lambda: isinstance(app.screen, WekaOverviewScreen), "the overview")
        summary = app.screen.query_one("#weka-summary")
        await wait_until(pilot, lambda: "WEKA did not answer" in str(summary.render()), "the reason")
        assert "refused the connection" in str(summary.render())
