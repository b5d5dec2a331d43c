"""Refuse before asking: a key for an action the API would refuse is dimmed, and pressing it says why
at once — no question, no form, nothing sent, nothing audited as sent. Tested over the demo backend at
80x24, with the simulator asked afterwards what happened.
"""

from __future__ import annotations

from demo_helpers import admin, audited_actions, demo_app, open_list, simulator
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.model import Role, SnapshotSpec, WorkloadPhase
from screens.dialogs import ConfirmDialog
from widgets.key_bar import KeyBar

SIZE = (80, 24)


def messages(app: RwcApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def key_bar_dims(app: RwcApp, description: str) -> bool:
    """Whether the key bar shows `description`'s key dimmed (Textual's disabled binding)."""
    return any(
        active.binding.description == description and not active.enabled
        for active in app.screen.active_bindings.values()
    ) and bool(app.screen.query(KeyBar))


async def press_and_hear_why(pilot: Pilot, key: str, why: str) -> None:
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: any(why in message for message in messages(app)), repr(why))  # type: ignore[arg-type]
    assert not isinstance(app.screen, ConfirmDialog), "refused before asking: no question"


async def test_suspend_of_a_stopped_workload_is_refused_before_asking() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        table = await open_list(pilot, "2", "workloads")
        with sim.lock:
            running = next(w for w in sim.runai.workloads(admin(sim)) if w.phase is WorkloadPhase.RUNNING)
            sim.runai.suspend_workload(admin(sim), running.id)
            sim.advance(60)
            stopped = next(w for w in sim.runai.workloads(admin(sim)) if w.id == running.id)
        assert stopped.phase is WorkloadPhase.STOPPED
        await pilot.press("ctrl+r")
        table.move_cursor_to_key(stopped.id)
        await wait_until(pilot, lambda: key_bar_dims(app, "Suspend"), "Suspend dimmed on a stopped workload")
        await press_and_hear_why(pilot, "S", f"{stopped.name} is already suspended (Stopped)")
        assert audited_actions() == []


async def test_a_researchers_admin_keys_are_dimmed_with_the_reason() -> None:
    app = demo_app(role=Role.RESEARCHER, user="alice@acme.ai")
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "1", "projects")
        assert key_bar_dims(app, "New project")
        await press_and_hear_why(pilot, "c", "only an administrator can create, change or delete projects")
        await open_list(pilot, "5", "filesystems")
        await press_and_hear_why(pilot, "c", "only an administrator can change filesystems")
        await open_list(pilot, "6", "snapshots")
        await press_and_hear_why(pilot, "d", "only an administrator can change snapshots")
        assert audited_actions() == []


async def test_delete_of_a_snapshot_being_uploaded_says_so_at_once() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        table = await open_list(pilot, "6", "snapshots")
        with sim.lock:
            home = next(fs for fs in sim.weka.filesystems() if fs.name == "scratch")
            snapshot = sim.weka.create_snapshot(admin(sim), SnapshotSpec(home.uid, "going-up"))
            sim.weka.upload_snapshot(admin(sim), snapshot.uid, "LOCAL")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: snapshot.uid in table.visible_keys(), "the uploading snapshot")
        table.move_cursor_to_key(snapshot.uid)
        await pilot.pause()
        await press_and_hear_why(pilot, "d", "going-up is uploading; delete it once the upload has finished")
        with sim.lock:
            assert any(s.uid == snapshot.uid for s in sim.weka.snapshots())
        assert "delete_snapshot" not in audited_actions()
