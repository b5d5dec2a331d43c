"""A burst over real HTTP: the demo's two sites served on 127.0.0.1 (`rwc sim serve`'s `ServedSites`: each
site's Run:ai, WEKA and Kubernetes faces, the two WEKAs sharing the `weka-prod-dr` bucket), the real app on
the config it writes, its live backends talking to them. `b` on on-prem's `sandbox-llm-distill` plans from
both sites' answers (the workload's claims followed through the Kubernetes face to csi-wekafs handles),
then every step goes over the wire: the snapshot and its upload on on-prem's WEKA, the filesystem from the
locator on cloud's WEKA, the claims on cloud's Kubernetes, the submit on cloud's Run:ai, the suspend on
on-prem's. Both served simulators are then asked what happened.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.cli import make_app, parse_args
from console.data import paths
from console.data.audit import read_audit_records
from console.model import Role
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve_sites import ServedSites, build_served_sites
from console.ui import burst_run
from console.ui.burst_run import BurstRun
from screens.burst import BurstScreen
from screens.dialogs.confirm import ConfirmDialog
from widgets.resource_table import ResourceTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from pilot_waits import wait_for_screen, wait_until  # noqa: E402

SIZE = (120, 32)
CANDIDATE = "sandbox-llm-distill"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSites]:
    # Started at the wall clock: a live backend measures ages against it (`LiveBackend.now`).
    start = datetime.now(UTC).replace(microsecond=0)
    with build_served_sites("demo", 7, clock_speed=0, start=start, workdir=tmp_path / "sim") as running:
        yield running


async def open_the_plan(pilot: Pilot, served: ServedSites) -> tuple[BurstScreen, str]:
    """From the sites overview: on-prem's workloads, the candidate's row, `b`, and its plan read from both
    served sites; (the burst screen, the candidate's id)."""
    app = pilot.app
    await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview", timeout=30)
    await pilot.press("2")
    await wait_until(pilot, lambda: app.current_mode == "workloads", "on-prem's workloads", timeout=30)
    table = app.screen.query_one(ResourceTable)
    with served["on-prem"].locked() as on_prem:
        admin = on_prem.runai.identity_for(None, Role.ADMIN)
        [original] = [w for w in on_prem.runai.workloads(admin, None) if w.name == CANDIDATE]
    await wait_until(pilot, lambda: table.get_row(original.id) is not None, "the candidate's row", 30)
    table.move_cursor_to_key(original.id)
    await pilot.press("b")
    await wait_for_screen(pilot, BurstScreen)
    screen = app.screen
    assert isinstance(screen, BurstScreen)
    await wait_until(pilot, lambda: screen.plan is not None or screen.read_error, "the plan", timeout=30)
    return screen, original.id


async def burst_with_suspend(pilot: Pilot, screen: BurstScreen, served: ServedSites) -> BurstRun:
    """`s`, enter, `y` once asked; then both served clocks move on until the burst ends."""
    await pilot.press("s", "enter")
    await wait_for_screen(pilot, ConfirmDialog)
    await pilot.press("y")
    await wait_until(pilot, lambda: screen.run is not None, "the burst to start")
    run = screen.run
    assert run is not None
    for _ in range(2000):
        if run.finished:
            break
        for name in ("on-prem", "cloud"):
            with served[name].locked() as simulator:
                simulator.advance(2)
        await pilot.pause(0.02)
    assert run.finished, "\n".join(screen.lines())
    return run


@pytest.mark.slow
async def test_a_burst_goes_over_the_wire_to_both_served_sites(
    served: ServedSites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(burst_run, "POLL_SECONDS", 0.05)
    config = parse_args(["--config", str(served.write_profile(tmp_path / "rwc-sites.toml"))])
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        screen, original_id = await open_the_plan(pilot, served)
        text = screen.view.text()
        assert screen.plan is not None and screen.plan.can_start, text
        assert "becomes filesystem home on cloud" in text
        assert "distill-runs-on-prem → home:/alice/distill/runs at /runs (rw)" in text
        run = await burst_with_suspend(pilot, screen, served)
        assert not run.failed, "\n".join(screen.lines())

    with served["cloud"].locked() as cloud:
        admin = cloud.runai.identity_for(None, Role.ADMIN)
        home = next(fs for fs in cloud.weka.filesystems() if fs.name == "home")
        assert home.is_ready
        [copy] = [w for w in cloud.runai.workloads(admin, None) if w.name == CANDIDATE]
        assert copy.project_name == "sandbox"
        claims = {c.claim.name for c in cloud.runai.claims.claims()}
        assert {"distill-corpus-on-prem", "distill-runs-on-prem"} <= claims
    with served["on-prem"].locked() as on_prem:
        admin = on_prem.runai.identity_for(None, Role.ADMIN)
        [snapshot] = [s for s in on_prem.weka.snapshots(None) if s.name == run.snapshot_name]
        assert snapshot.locator
        suspended = next(w for w in on_prem.runai.workloads(admin, None) if w.id == original_id)
        assert suspended.phase.value in ("Stopping", "Stopped")
    records = [(r["profile"], r["action"]) for r in read_audit_records(paths.audit_log_path())]
    assert ("on-prem", "upload_snapshot") in records and ("cloud", "submit_workload") in records
    assert ("cloud", "create_filesystem_claim") in records


@pytest.mark.slow
async def test_cloud_refusing_the_filesystem_stops_the_burst_and_says_what_each_site_holds(
    served: ServedSites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cloud's WEKA answers 503 to `POST /fileSystems/download`: the burst stops at that step in WEKA's
    words; on-prem keeps the uploaded snapshot (said), cloud has no filesystem, no claim, no copy, and the
    original still waits on on-prem. Both sites keep answering."""
    monkeypatch.setattr(burst_run, "POLL_SECONDS", 0.05)
    served["cloud"].weka.faults.add(
        Fault(FaultKind.STATUS, path_pattern="/fileSystems/download", method="POST", status=503)
    )
    config = parse_args(["--config", str(served.write_profile(tmp_path / "rwc-sites.toml"))])
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        screen, original_id = await open_the_plan(pilot, served)
        run = await burst_with_suspend(pilot, screen, served)
        assert run.failed
        text = screen.view.text()
        assert "✗ 3. on cloud: create filesystem home from the upload in obs-cloud:" in text
        assert "(weka 503)" in text
        assert "– 6. on cloud: submit sandbox-llm-distill" in text
        assert f"on on-prem: snapshot {run.snapshot_name} uploaded to obs-dr" in text

    with served["cloud"].locked() as cloud:
        admin = cloud.runai.identity_for(None, Role.ADMIN)
        assert not [fs for fs in cloud.weka.filesystems() if fs.name == "home"]
        assert not cloud.runai.claims.claims()
        assert not [w for w in cloud.runai.workloads(admin, None) if w.name == CANDIDATE]
    with served["on-prem"].locked() as on_prem:
        admin = on_prem.runai.identity_for(None, Role.ADMIN)
        still = next(w for w in on_prem.runai.workloads(admin, None) if w.id == original_id)
        assert still.phase.value == "Pending"  # the suspend after the submit never ran


@pytest.mark.slow
async def test_a_target_site_that_does_not_answer_is_named_and_on_prem_stays_usable(
    served: ServedSites, tmp_path: Path
) -> None:
    """Cloud's Run:ai answers 503 to everything: the plan says cloud cannot be read, and why; nothing is
    asked or sent; esc goes back to on-prem's workloads, which keep answering."""
    served["cloud"].runai.faults.add(Fault(FaultKind.STATUS, status=503, message="Service Unavailable"))
    config = parse_args(["--config", str(served.write_profile(tmp_path / "rwc-sites.toml"))])
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        screen, _original_id = await open_the_plan(pilot, served)
        assert screen.plan is None and screen.read_error is not None
        text = screen.view.text()
        assert text.startswith("Cannot plan the burst: cloud") and "503" in text
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is screen and screen.run is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.current_mode == "workloads" and app.screen is not screen, "back")
        table = app.screen.query_one(ResourceTable)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: table.row_count > 0, "on-prem's workloads, still answering")
