"""`u` on Snapshots sends the upload to the right object-store site (reference/weka.md §12.2, §12.4).

One kind of bucket attached: no question, that site is sent (REMOTE for a remote-only filesystem, not
left to WEKA's auto-selection). Both kinds: a dialog names the buckets, `l`/`r` picks, esc uploads
nothing. No bucket: the toast says why and nothing is sent. The site is always in the audit line.

The demo scenario has no filesystem with both kinds, so those tests add one (`projects`: tiers to
obs-local, backed up to obs-dr) to the simulator under its lock, as a WEKA admin would have attached it.
Clock frozen (`clock_speed=0`, seed 7).
"""

from __future__ import annotations

from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.data import paths
from console.data.audit import read_audit_records
from console.model import Role, SnapshotSpec, StowStatus
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.sim.weka_units import TIB
from screens.dialogs import UploadSiteDialog
from screens.snapshots import SnapshotsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


def demo_app(**overrides: object) -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, **overrides))  # type: ignore[arg-type]


def simulator(app: RwcApp) -> Simulator:
    """The simulator under the wrappers (audit, read-only), to check what really happened."""
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend.simulator


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_snapshots(pilot: Pilot) -> ResourceTable:
    await pilot.press("6")
    await wait_until(pilot, lambda: type(pilot.app.screen) is SnapshotsScreen, "the snapshots screen")
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "rows")
    await pilot.pause()
    return table


def notifications(app: RwcApp, severity: str) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == severity]


def upload_audit_lines() -> list[dict[str, object]]:
    records = read_audit_records(paths.audit_log_path())
    return [record for record in records if record["action"] == "upload_snapshot"]


def stow_by_site(app: RwcApp, uid: str) -> dict[str, StowStatus]:
    sim = simulator(app)
    with sim.lock:  # the demo backend's worker thread may be answering a poll
        return {site: info.status for site, info in sim.weka.snapshot_stow_by_site(uid).items()}


def snapshot_uid(app: RwcApp, filesystem: str, name: str) -> str:
    sim = simulator(app)
    with sim.lock:
        snapshots = sim.weka.snapshots()
    return next(s.uid for s in snapshots if s.filesystem_name == filesystem and s.name == name)


async def new_snapshot(pilot: Pilot, table: ResourceTable, filesystem: str, name: str) -> str:
    """Take a snapshot of `filesystem` in the simulator, wait for its row and put the cursor on it."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    sim = simulator(app)
    with sim.lock:
        fs_uid = next(fs.uid for fs in sim.weka.filesystems() if fs.name == filesystem)
        uid = sim.weka.create_snapshot(
            sim.runai.identity_for(None, Role.ADMIN), SnapshotSpec(fs_uid, name)
        ).uid
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: uid in table.visible_keys(), f"the row of {name}")
    table.move_cursor_to_key(uid)
    return uid


async def both_kinds_snapshot(pilot: Pilot, table: ResourceTable) -> str:
    """`projects` tiers to obs-local and keeps DR copies in obs-dr; its snapshot has never uploaded."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    sim = simulator(app)
    with sim.lock:
        sim.weka.add_filesystem(
            "projects",
            "tiered",
            20 * TIB,
            ssd_bytes=4 * TIB,
            used_total_bytes=2 * TIB,
            obs_bucket="obs-local",
            remote_bucket="obs-dr",
        )
    return await new_snapshot(pilot, table, "projects", "before-migration")


async def press_u_for_the_dialog(pilot: Pilot) -> UploadSiteDialog:
    await pilot.press("u")
    await wait_for_screen(pilot, UploadSiteDialog, "the site dialog")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, UploadSiteDialog)
    return dialog


# -- one kind of bucket: no question --------------------------------------------------------------------
async def test_remote_only_filesystem_uploads_to_remote_without_asking() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        screen = app.screen
        uid = await new_snapshot(pilot, table, "home", "dr-copy")  # home: only obs-dr (remote)
        await pilot.press("u")
        await settle(pilot)
        await wait_until(pilot, lambda: upload_audit_lines() != [], "the upload's audit line")
        assert app.screen is screen, "a one-site filesystem must not ask"
        assert stow_by_site(app, uid) == {"REMOTE": StowStatus.UPLOADING}
        assert any(
            "Upload of dr-copy of home to obs-dr (remote) started." in m
            for m in notifications(app, "information")
        )
        line = upload_audit_lines()[-1]
        assert (line["outcome"], line["args"]) == ("ok", {"snapshot_uid": uid, "site": "REMOTE"})


async def test_tiered_filesystem_uploads_to_its_local_bucket_without_asking() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        screen = app.screen
        uid = await new_snapshot(pilot, table, "scratch", "before-cleanup")  # scratch: only obs-local
        await pilot.press("u")
        await settle(pilot)
        await wait_until(pilot, lambda: upload_audit_lines() != [], "the upload's audit line")
        assert app.screen is screen
        assert stow_by_site(app, uid) == {"LOCAL": StowStatus.UPLOADING}
        assert any("to obs-local (local) started." in m for m in notifications(app, "information"))
        assert upload_audit_lines()[-1]["args"] == {"snapshot_uid": uid, "site": "LOCAL"}


async def test_no_bucket_says_why_and_sends_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        uid = snapshot_uid(app, "inference-cache", "before-rollout")  # no bucket attached
        table.move_cursor_to_key(uid)
        await pilot.press("u")
        await wait_until(pilot, lambda: notifications(app, "error") != [], "the error toast")
        (message,) = notifications(app, "error")
        assert "before-rollout cannot be uploaded" in message
        assert "inference-cache has no object-store bucket attached" in message
        assert stow_by_site(app, uid) == {}
        assert upload_audit_lines() == []


# -- both kinds: ask ------------------------------------------------------------------------------------
async def test_both_kinds_ask_and_remote_goes_to_the_remote_bucket() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        screen = app.screen
        uid = await both_kinds_snapshot(pilot, table)
        dialog = await press_u_for_the_dialog(pilot)
        text = dialog.choices().plain
        assert "l  local   obs-local (tiering bucket)" in text
        assert "r  remote  obs-dr (snapshots only)" in text
        assert "weka-prod-dr on s3.eu-west-1.amazonaws.com" in text  # where the bytes go
        assert stow_by_site(app, uid) == {} and upload_audit_lines() == []  # nothing before the answer

        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        await settle(pilot)
        await wait_until(pilot, lambda: upload_audit_lines() != [], "the upload's audit line")
        assert stow_by_site(app, uid) == {"REMOTE": StowStatus.UPLOADING}
        assert any(
            "Upload of before-migration of projects to obs-dr (remote) started." in m
            for m in notifications(app, "information")
        )
        line = upload_audit_lines()[-1]
        assert (line["outcome"], line["args"]) == ("ok", {"snapshot_uid": uid, "site": "REMOTE"})


async def test_both_kinds_local_goes_to_the_tiering_bucket() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        uid = await both_kinds_snapshot(pilot, table)
        await press_u_for_the_dialog(pilot)
        await pilot.press("l")
        await settle(pilot)
        await wait_until(pilot, lambda: upload_audit_lines() != [], "the upload's audit line")
        assert stow_by_site(app, uid) == {"LOCAL": StowStatus.UPLOADING}
        assert any("to obs-local (local) started." in m for m in notifications(app, "information"))
        assert upload_audit_lines()[-1]["args"] == {"snapshot_uid": uid, "site": "LOCAL"}


async def test_both_kinds_escape_uploads_nothing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        screen = app.screen
        uid = await both_kinds_snapshot(pilot, table)
        await press_u_for_the_dialog(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog to close")
        await settle(pilot)
        assert stow_by_site(app, uid) == {}
        assert upload_audit_lines() == []
        assert notifications(app, "information") == [] and notifications(app, "error") == []


async def test_read_only_dims_u_and_asks_nothing() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        screen = app.screen
        uid = await both_kinds_snapshot(pilot, table)
        assert screen.check_action("upload_snapshot", ()) is None
        await pilot.press("u")
        await settle(pilot)
        assert app.screen is screen
        assert stow_by_site(app, uid) == {}
        assert any("read-only" in m for m in notifications(app, "warning"))
