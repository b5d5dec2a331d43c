"""`:dr` over real HTTP: the demo's two sites served on 127.0.0.1 (`rwc sim serve`'s `ServedSites`), the real
app on the config it writes. The plan is read from both WEKA faces (on-prem's `obs-dr` and cloud's
`obs-cloud` are the same S3 bucket); then cloud's WEKA face goes down (503) and its row says why while
on-prem's filesystems keep their rows, restorable at cloud "unknown".
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.backends.live import backend as live_backend
from console.cli import make_app, parse_args
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve_sites import ServedSites, build_served_sites
from screens.dr import DrPlanScreen, DrScreen
from widgets.resource_table import ResourceTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from pilot_waits import wait_for_screen, wait_until  # noqa: E402

SIZE = (120, 30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSites]:
    # Started at the wall clock: a live backend measures ages against it (`LiveBackend.now`).
    start = datetime.now(UTC).replace(microsecond=0)
    with build_served_sites("demo", 7, clock_speed=0, start=start, workdir=tmp_path / "sim") as running:
        yield running


def state_of(table: ResourceTable, key: str) -> str:
    row = table.get_row(key)
    if row is None:
        return ""
    return getattr(row.cells[4], "plain", "")


@pytest.mark.slow
async def test_dr_reads_both_served_sites_and_keeps_rows_when_one_fails(
    served: ServedSites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", 1.5)
    config = parse_args(["--config", str(served.write_profile(tmp_path / "rwc-sites.toml"))])
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview", timeout=30)
        switchboard = app.context.sites
        assert switchboard is not None
        await wait_until(
            pilot, lambda: all(site.backend is not None for site in switchboard.sites), "both open", 30
        )
        await pilot.press(*":dr", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "the DR view")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count == 4, "both sites' rows", timeout=30)
        assert state_of(table, "on-prem/home@cloud") == "✓ within"
        assert state_of(table, "cloud/checkpoints@on-prem") == "✓ within"
        assert state_of(table, "on-prem/models@cloud").startswith("✗ past by")

        table.move_cursor_to_key("on-prem/home@cloud")
        await pilot.press("enter")
        await wait_for_screen(pilot, DrPlanScreen)
        text = app.screen.view.text()  # type: ignore[attr-defined]
        with served["on-prem"].locked():
            snapshots = served["on-prem"].simulator.weka.snapshots()
        home = max(
            (s for s in snapshots if s.filesystem_name == "home" and s.locator), key=lambda s: s.created_at
        )
        assert f"weka fs download home-restore default 20TiB 20TiB obs-cloud {home.locator}" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DrScreen), "back to the DR view")

        served["cloud"].weka.faults.add(Fault(FaultKind.STATUS, status=503, message="Service Unavailable"))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: table.get_row("cloud/") is not None, "cloud's row says why", 30)
        assert state_of(table, "cloud/").startswith("✗ not read: ")
        assert state_of(table, "on-prem/home@cloud").startswith("? cloud not read")
        assert table.get_row("on-prem/models@cloud") is not None
