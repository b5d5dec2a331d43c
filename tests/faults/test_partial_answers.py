"""A screen built from several answers shows the ones that came and names the one that did not.

The real app against the simulator's HTTP faces on 127.0.0.1; a fault rule makes one WEKA route fail:
- `/alerts` failing leaves the Run:ai alerts on the Alerts screen and the WEKA overview, with "WEKA alerts
  not shown: …" above them, never a blank list;
- `/fileSystems` failing leaves the overview's health, hardware and activity, and its capacity lines read
  "no data" (not zero bars), with "WEKA capacity by filesystem not shown: …";
- both alert sources failing is a failed fetch (nothing to show), said as such;
- a Run:ai-only profile lists the Run:ai alerts; a click on the header's count opens the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config, load_config_file
from console.data.resources import ALERTS, WEKA_CLUSTER
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.alerts import AlertsScreen
from screens.weka_overview import WekaOverviewScreen
from widgets.header import RwcHeader
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner

SIZE = (100, 30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


def config_of(served: ServedSimulator, tmp_path: Path, *, weka: bool = True) -> Config:
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    if not weka:
        text = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("weka_"))
        path.write_text(text + "\n")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None and profile.has_weka == weka
    return Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def sources(table: ResourceTable) -> set[str]:
    return {key.split(":", 1)[0] for key in table.visible_keys()}


async def open_screen(pilot: Pilot, key: str, screen: type) -> tuple[ResourceTable, StaleBanner]:
    app = pilot.app
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, screen), screen.__name__)
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the alerts")
    return table, app.screen.query_one(StaleBanner)


async def test_weka_alerts_failing_leave_the_runai_alerts_and_say_so(
    served: ServedSimulator, tmp_path: Path
) -> None:
    app = make_app(config_of(served, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        table, banner = await open_screen(pilot, "8", AlertsScreen)
        await wait_until(pilot, lambda: sources(table) == {"weka", "runai"}, "both sources")

        served.weka.faults.add(Fault(FaultKind.STATUS, r"/alerts$", "GET", status=404, message="no route"))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "WEKA alerts not shown" in banner.message, "the notice")
        assert "no route" in banner.message and "stale" not in banner.message
        await wait_until(pilot, lambda: sources(table) == {"runai"}, "the Run:ai alerts alone")
        assert app.store.snapshot(ALERTS).error is None

        # The WEKA overview shares the list and the notice.
        overview_table, overview_banner = await open_screen(pilot, "7", WekaOverviewScreen)
        await wait_until(pilot, lambda: "WEKA alerts not shown" in overview_banner.message, "its notice")
        assert sources(overview_table) == {"runai"}

        served.weka.faults.clear()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "alerts not shown" not in overview_banner.message, "the notice to go")
        await wait_until(pilot, lambda: sources(overview_table) == {"weka", "runai"}, "WEKA's back")


async def test_both_alert_sources_failing_is_a_failed_fetch(served: ServedSimulator, tmp_path: Path) -> None:
    app = make_app(config_of(served, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        table, banner = await open_screen(pilot, "8", AlertsScreen)
        served.weka.faults.add(Fault(FaultKind.STATUS, r"/alerts$", "GET", status=503))
        served.runai.faults.add(Fault(FaultKind.STATUS, r"/nodes", "GET", status=503))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: banner.message.startswith("stale since"), "the stale banner")
        assert table.row_count > 0  # the last good rows stay, marked stale
        assert app.is_running


async def test_weka_capacity_failing_leaves_the_rest_of_the_overview(
    served: ServedSimulator, tmp_path: Path
) -> None:
    app = make_app(config_of(served, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        served.weka.faults.add(Fault(FaultKind.STATUS, r"/fileSystems$", "GET", status=404, message="gone"))
        _, banner = await open_screen(pilot, "7", WekaOverviewScreen)
        summary = app.screen.query_one("#weka-summary")
        await wait_until(pilot, lambda: "weka" in str(summary.render()).lower(), "the cluster summary")
        await wait_until(pilot, lambda: "WEKA capacity by filesystem not shown" in banner.message, "notice")
        text = str(summary.render())
        assert "fully protected" in text and "drives" in text  # /cluster answered: its words are shown
        assert "no data — the filesystems did not answer" in text
        assert "%" not in text  # no bar claims a share of a sum nobody answered
        assert app.store.snapshot(WEKA_CLUSTER).error is None


async def test_a_runai_only_profile_lists_the_runai_alerts_and_the_header_count_opens_them(
    served: ServedSimulator, tmp_path: Path
) -> None:
    app = make_app(config_of(served, tmp_path, weka=False))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, RwcApp)
        header = app.screen.query_one(RwcHeader)
        await wait_until(pilot, lambda: header.summary is not None, "the header summary")
        line = header.render().plain.splitlines()[1]
        column = line.index("alerts ") + len("alerts ")
        await pilot.click(RwcHeader, offset=(column, 1))
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen), "the alerts list")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: table.row_count > 0, "the Run:ai alerts")
        assert sources(table) == {"runai"}
        assert app.screen.query_one(StaleBanner).message == ""  # no WEKA is configured: nothing missing


async def test_the_idle_view_reads_runai_workload_metrics(tmp_path: Path) -> None:
    """Live, the idle view reads each GPU-holding workload's GPU_UTILIZATION from Run:ai's metrics API
    (the simulator's face answers from the same loads as the demo): the same notebooks are listed."""
    start = datetime.now(UTC).replace(microsecond=0)  # as `rwc sim serve`: its history ends now
    with ServedSimulator(
        build_simulator("demo", 7, start=start), clock_speed=0, workdir=tmp_path / "sim"
    ) as served:
        app = make_app(config_of(served, tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("0")
            await wait_until(pilot, lambda: getattr(app.screen, "SCREEN_NAME", "") == "idle", "the idle view")
            table = app.screen.query_one(ResourceTable)
            await wait_until(pilot, lambda: table.row_count >= 3, "the idle notebooks", timeout=30)
            names = {table.cell_text(key, "name").strip() for key in table.visible_keys()}
            assert {"jupyter-alice", "notebook-erin", "clip-retrieval-demo"} <= names
            hits = [path for _, path in served.runai.requests_seen if path.endswith("/metrics")]
            assert hits and len(hits) <= 200
