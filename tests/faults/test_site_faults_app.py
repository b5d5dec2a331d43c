"""One site's faults leave the other fully usable: the demo's two sites served over real HTTP on 127.0.0.1
(`rwc sim serve`'s `ServedSites`), the real app on the config it writes, and on-prem's Run:ai face made
to fail (down: 503; 401 on every call; hanging past the client's timeout). `:sites` says what is wrong
with on-prem on its row while cloud's row stays connected, and `:ctx cloud` opens a cloud whose lists
load from its own faces.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.backends.live import backend as live_backend
from console.cli import make_app, parse_args
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve_sites import ServedSites, build_served_sites
from screens.base import ResourceScreen
from widgets.resource_table import ResourceTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from pilot_waits import wait_until  # noqa: E402

SIZE = (100, 30)
REQUEST_TIMEOUT_SECONDS = 1.5

FAULTS = {
    "down": Fault(FaultKind.STATUS, status=503, message="Service Unavailable"),
    "401": Fault(FaultKind.STATUS, status=401, message="token expired"),
    "timeout": Fault(FaultKind.TIMEOUT, delay_seconds=6.0),
}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSites]:
    with build_served_sites("demo", 7, clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_failing_site_leaves_the_other_usable(
    served: ServedSites, fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", REQUEST_TIMEOUT_SECONDS)
    config_path = served.write_profile(tmp_path / "rwc-sites.toml")
    config = parse_args(["--config", str(config_path)])
    assert config.sites == ("on-prem", "cloud")
    served["on-prem"].runai.faults.add(FAULTS[fault])
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        table = await sites_table(pilot)
        await wait_until(
            pilot, lambda: row_state(table, "cloud") in ("connected",), "cloud connected", timeout=30
        )
        await wait_until(
            pilot,
            lambda: row_state(table, "on-prem") not in ("connecting…", "open", ""),
            "on-prem's failure on its row",
            timeout=30,
        )
        assert row_state(table, "cloud") == "connected"

        await pilot.press(*":ctx cloud", "enter", "2")
        await wait_until(
            pilot, lambda: app.context.profile_name == "cloud" and app.current_mode == "workloads", "cloud"
        )
        screen = app.screen
        assert isinstance(screen, ResourceScreen)
        workloads = screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: workloads.row_count == 3, "cloud's workloads", timeout=30)
        assert "internvl2-pretrain" in workloads.visible_keys() or workloads.row_count == 3
        cloud = served["cloud"].simulator
        with served["cloud"].locked():
            pending = [
                w
                for w in cloud.runai.workloads(served["cloud"].admin, None)
                if w.name == "internvl2-pretrain"
            ]
        assert pending and pending[0].phase.value == "Pending"


async def sites_table(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await wait_until(pilot, lambda: app.current_mode == "sites", "the sites overview", timeout=30)
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count == 2, "a row per site", timeout=30)
    return table


def row_state(table: ResourceTable, name: str) -> str:
    row = table.get_row(name)
    if row is None:
        return ""
    cell = row.cells[-1]
    return cell if isinstance(cell, str) else getattr(cell, "plain", "")


async def test_a_site_that_cannot_open_says_why_and_stays_closed(served: ServedSites, tmp_path: Path) -> None:
    """The cloud's secret file is gone: rwc still opens (on-prem was asked for), the cloud's row says why,
    and `:ctx cloud` says it too and leaves on-prem on screen."""
    config_path = served.write_profile(tmp_path / "rwc-sites.toml")
    served["cloud"].runai_secret_path.unlink()
    app = make_app(parse_args(["--config", str(config_path)]))
    async with app.run_test(size=SIZE) as pilot:
        table = await sites_table(pilot)
        await wait_until(
            pilot, lambda: row_state(table, "cloud").startswith("cannot open: "), "cloud's reason"
        )
        assert "runai_client_secret_file" in row_state(table, "cloud")
        await wait_until(pilot, lambda: row_state(table, "on-prem") == "open", "on-prem open", timeout=30)
        await pilot.press(*":ctx cloud", "enter")
        await wait_until(
            pilot,
            lambda: any("Site cloud cannot be opened" in str(n.message) for n in app._notifications),
            "the toast that says why",
        )
        assert app.context.profile_name == "on-prem" and app.current_mode == "sites"
