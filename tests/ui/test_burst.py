"""`b` on a workload in the two-site demo: the burst's plan, one question, then each step on its site, until
the copy is submitted on cloud — asserted in both simulators and in the audit log. Keys go in bursts, as a
typist or a paste sends them: a `y` typed with the enter that asks is ignored, never a yes.
"""

from __future__ import annotations

import pytest
from demo_helpers import admin, demo_app, simulator
from pilot_waits import wait_for_screen, wait_until
from test_key_bursts import gate_idle, type_in_one_read
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.config import DEMO_SITES
from console.data import paths
from console.data.audit import read_audit_records
from console.sim.simulator import Simulator
from console.ui import burst_run
from screens.burst import BurstScreen
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.confirm import ConfirmDialog
from widgets.resource_table import ResourceTable

SIZE = (110, 32)
CANDIDATE = "sandbox-llm-distill"


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The burst asks its sites every 2 s; here the clocks are moved by the test, so ask often."""
    monkeypatch.setattr(burst_run, "POLL_SECONDS", 0.02)


def site_simulator(app: RwcApp, name: str) -> Simulator:
    switchboard = app.context.sites
    assert switchboard is not None
    site = switchboard.sites[name]
    site.open()
    backend: object = site.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend.simulator


async def workloads_of(pilot: Pilot, site: str) -> ResourceTable:
    app = pilot.app
    await pilot.press("2")
    await wait_until(
        pilot,
        lambda: app.current_mode == "workloads" and app.context.profile_name == site,  # type: ignore[attr-defined]
        f"the workloads of {site}",
    )
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "workload rows")
    return table


async def burst_screen_for(pilot: Pilot, table: ResourceTable, workload_id: str) -> BurstScreen:
    table.move_cursor_to_key(workload_id)
    await pilot.press("b")
    await wait_for_screen(pilot, BurstScreen)
    screen = pilot.app.screen
    assert isinstance(screen, BurstScreen)
    await wait_until(pilot, lambda: screen.plan is not None or screen.read_error is not None, "the plan")
    return screen


async def test_a_pending_workload_bursts_to_cloud_and_both_sites_show_it() -> None:
    app = demo_app(sites=DEMO_SITES)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        table = await workloads_of(pilot, "on-prem")
        on_prem, cloud = simulator(app), site_simulator(app, "cloud")
        [original] = [w for w in on_prem.runai.workloads(admin(on_prem), None) if w.name == CANDIDATE]
        screen = await burst_screen_for(pilot, table, original.id)
        text = screen.view.text()
        assert "Burst sandbox/sandbox-llm-distill from on-prem to cloud" in text
        assert "becomes filesystem home on cloud" in text
        assert "distill-runs-on-prem → home:/alice/distill/runs at /runs (rw)" in text
        assert "Press enter to start" in text

        await pilot.press("s")  # suspend the original too
        await wait_until(
            pilot, lambda: "Then: suspend sandbox-llm-distill" in screen.view.text(), "the choice"
        )
        type_in_one_read(app, "\ry")  # one read: the y arrives before the question shows, and is ignored
        await gate_idle(pilot)
        await wait_for_screen(pilot, ConfirmDialog)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.ignored_key_count == 1
        assert screen.run is None
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.run is not None, "the burst to start")
        run = screen.run
        assert run is not None

        for _ in range(3000):
            if run.finished:
                break
            on_prem.advance(2)
            cloud.advance(2)
            await pilot.pause(0.01)
        assert run.finished and not run.failed, run.outcome
        await wait_until(
            pilot, lambda: "✓ Done: sandbox-llm-distill is submitted on cloud" in screen.view.text(), "done"
        )

        # cloud holds the filesystem made from on-prem's upload, the claims, and the copy mounting them
        home = next(fs for fs in cloud.weka.filesystems() if fs.name == "home")
        assert home.is_ready
        [copy] = [w for w in cloud.runai.workloads(admin(cloud), None) if w.name == CANDIDATE]
        assert copy.project_name == "sandbox"
        claims = {c.claim.name for c in cloud.runai.claims.claims()}
        assert {"distill-corpus-on-prem", "distill-runs-on-prem"} <= claims
        # on-prem holds the uploaded burst snapshot, and the original is suspended
        [snapshot] = [s for s in on_prem.weka.snapshots(None) if s.name == run.snapshot_name]
        assert snapshot.locator
        suspended = next(w for w in on_prem.runai.workloads(admin(on_prem), None) if w.id == original.id)
        assert suspended.phase.value in ("Stopping", "Stopped")
        # each step was audited on its site
        records = [(r["profile"], r["action"]) for r in read_audit_records(paths.audit_log_path())]
        assert ("on-prem", "create_snapshot") in records and ("on-prem", "upload_snapshot") in records
        assert ("cloud", "create_filesystem_from_snapshot") in records and (
            "cloud",
            "submit_workload",
        ) in records
        assert ("on-prem", "suspend_workload") in records

        # esc leaves it; b on the same workload shows the run again
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: app.current_mode == "workloads" and not isinstance(app.screen, BurstScreen), "back"
        )
        table.move_cursor_to_key(original.id)
        await pilot.press("b")
        await wait_for_screen(pilot, BurstScreen)
        again = app.screen
        assert isinstance(again, BurstScreen) and again is not screen and again.run is run
        await wait_until(pilot, lambda: "✓ Done" in again.view.text(), "the same run shown again")


async def test_a_workload_whose_data_cannot_travel_says_why_and_enter_starts_nothing() -> None:
    app = demo_app(sites=DEMO_SITES)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        await pilot.press(*":ctx cloud", "enter")
        table = await workloads_of(pilot, "cloud")
        cloud = site_simulator(app, "cloud")
        [job] = [w for w in cloud.runai.workloads(admin(cloud), None) if w.name == "llama3-70b-sft-cloud"]
        screen = await burst_screen_for(pilot, table, job.id)
        text = screen.view.text()
        assert "Burst llm-pretrain/llama3-70b-sft-cloud from cloud to on-prem" in text
        assert "Cannot start:" in text
        assert "which cloud does not list" in text  # its datasets claim: cloud has no datasets filesystem
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.screen is screen and screen.run is None


async def test_one_cluster_or_read_only_has_no_burst() -> None:
    app = demo_app(sites=DEMO_SITES, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        table = await workloads_of(pilot, "on-prem")
        await pilot.press("b")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, BurstScreen)
        assert table is not None
    single = demo_app()
    async with single.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: single.current_mode == "workloads", "workloads")
        workloads = single.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: workloads.row_count > 0, "rows")
        await pilot.press("b")
        await pilot.pause(0.1)
        assert not isinstance(single.screen, BurstScreen)
        assert any("second site" in n.message for n in single._notifications)


async def test_b_on_a_project_offers_its_pending_queue() -> None:
    app = demo_app(sites=DEMO_SITES)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview")
        await pilot.press("1")
        await wait_until(pilot, lambda: app.current_mode == "projects", "projects")
        table = app.screen.query_one(ResourceTable)
        sim = simulator(app)
        [sandbox] = [p for p in sim.runai.projects(admin(sim)) if p.name == "sandbox"]
        await wait_until(pilot, lambda: table.get_row(sandbox.id) is not None, "the sandbox row")
        table.move_cursor_to_key(sandbox.id)
        await pilot.press("b")
        await wait_for_screen(pilot, ChooseDialog)
        dialog = app.screen
        assert isinstance(dialog, ChooseDialog)
        assert "2 workloads of sandbox are pending on on-prem; burst which?" in dialog.question
        names = [prompt.plain.split()[0] for _key, prompt in dialog.options]
        assert names == ["bert4rec-train", "sandbox-llm-distill"]  # most GPUs first
        await pilot.press("down", "enter")
        await wait_for_screen(pilot, BurstScreen)
        screen = app.screen
        assert isinstance(screen, BurstScreen) and screen.workload.name == "sandbox-llm-distill"
