"""Live mode, over real HTTP on 127.0.0.1: the header never says `WEKA OK` while WEKA does not answer,
and a graph with nothing to draw says `no data`.

The app is `rwc --config` pointed at `rwc sim serve`'s faces (served in process), driven by Pilot at
80x24; faults are injected into the simulator's WEKA face (and once into its Run:ai face), never into the
client library. A WEKA that hangs used to leave the last `WEKA OK` in the header for the client's 30 s
timeout (every 5 s poll waited for it); a WEKA that answers errors read `WEKA ?` with no word of since
when; a failing Run:ai left `WEKA OK` under a STALE badge. The WEKA screen drew a flat `▁▁▁` line for
activity it never received.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Sparkline

from console.app import RwcApp
from console.cli import make_app
from console.config import Config, load_config_file
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator, SimCredentials
from console.sim.scenarios import build_simulator
from console.ui import resources
from screens.weka_overview import MetricLine, WekaOverviewScreen
from screens.workloads import WorkloadsScreen
from widgets.header import RwcHeader

SIZE = (80, 24)
HANG_SECONDS = 4.0
"""How long the hung WEKA holds each request: longer than the header's deadline, shorter than the
client's own 30 s timeout (the case where the old header kept saying `WEKA OK`)."""
HEADER_DEADLINE_SECONDS = 1.0
"""The header's wait for WEKA in this test (6 s in rwc), so the test costs seconds."""
CREDENTIALS = SimCredentials(
    runai_client_secret="RUNAI-s3cret-never-shown-1Ab",
    weka_password="WEKA-passw0rd-never-shown-2Cd",
    kube_token="KUBE-t0ken-never-shown-3Ef",
)
WEKA_UNKNOWN = re.compile(r"WEKA \? since (\d\d:\d\d:\d\d)")


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(
        build_simulator("demo", 7), clock_speed=0, credentials=CREDENTIALS, workdir=tmp_path / "sim"
    ) as running:
        yield running


@pytest.fixture
def app(served: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RwcApp:
    # rwc's own deadline for the header's WEKA query, shortened; the clients keep their real timeouts.
    monkeypatch.setattr(resources, "WEKA_SUMMARY_DEADLINE_SECONDS", HEADER_DEADLINE_SECONDS, raising=False)
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return make_app(Config(demo=False, profile=profile, profile_name=profile.name, config_path=path))


def header_text(app: RwcApp) -> str:
    return app.screen.query_one(RwcHeader).render().plain


def screen_text(app: RwcApp) -> str:
    """The whole screen as the user reads it (what `export_screenshot` draws, as plain text)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False)


async def wait_for(pilot: Pilot, predicate, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; header: {header_text(pilot.app)!r}")  # type: ignore[arg-type]
        await pilot.pause(0.05)


async def weka_ok(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, RwcApp)
    await wait_for(pilot, lambda: "WEKA OK" in header_text(app), "WEKA OK")
    assert "since" not in header_text(app)


async def weka_unknown_since(pilot: Pilot, what: str) -> str:
    """Wait for `WEKA ? since HH:MM:SS`; checks `WEKA OK` is gone; returns the time it names."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    await wait_for(pilot, lambda: WEKA_UNKNOWN.search(header_text(app)) is not None, what)
    text = header_text(app)
    assert "WEKA OK" not in text
    found = WEKA_UNKNOWN.search(text)
    assert found is not None
    return found.group(1)


async def test_the_header_says_weka_is_unknown_since_when_while_weka_hangs_fails_or_cannot_be_asked(
    app: RwcApp, served: ServedSimulator
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        await weka_ok(pilot)

        # WEKA hangs: within the header's deadline it stops saying OK, and says since when.
        started = time.monotonic()
        served.weka.faults.add(Fault(FaultKind.TIMEOUT, ".*", delay_seconds=HANG_SECONDS))
        await pilot.press("ctrl+r")
        since = await weka_unknown_since(pilot, "WEKA ? since … while WEKA hangs")
        assert time.monotonic() - started < 15
        assert "GPU " in header_text(app) and "STALE" not in header_text(app).splitlines()[0]
        # The next round keeps the moment it stopped answering, not the moment of the latest poll.
        polls = app.store.snapshot(resources.SUMMARY).fetched_at
        await wait_for(
            pilot, lambda: app.store.snapshot(resources.SUMMARY).fetched_at != polls, "another poll"
        )
        assert await weka_unknown_since(pilot, "still unknown") == since

        served.weka.faults.clear()
        await pilot.press("ctrl+r")
        await weka_ok(pilot)

        # WEKA answers, but with errors.
        served.weka.faults.add(Fault(FaultKind.STATUS, ".*", status=503))
        await pilot.press("ctrl+r")
        await weka_unknown_since(pilot, "WEKA ? since … while WEKA answers 503")
        served.weka.faults.clear()
        await pilot.press("ctrl+r")
        await weka_ok(pilot)

        # WEKA is fine but the header's summary cannot be fetched (Run:ai fails): nothing says WEKA OK.
        # (the GPU totals: cluster-wide node telemetry)
        served.runai.faults.add(Fault(FaultKind.STATUS, r"^/api/v1/nodes/telemetry$", "GET", status=500))
        await pilot.press("ctrl+r")
        await weka_unknown_since(pilot, "WEKA ? since … while the summary fails")
        assert "STALE" in header_text(app)
        served.runai.faults.clear()
        await pilot.press("ctrl+r")
        await weka_ok(pilot)


async def test_weka_activity_graphs_say_no_data_when_weka_sends_none(
    app: RwcApp, served: ServedSimulator
) -> None:
    served.weka.faults.add(Fault(FaultKind.STATUS, r"/stats$", "GET", status=503))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        await pilot.press("7")
        await wait_for(pilot, lambda: isinstance(app.screen, WekaOverviewScreen), "the WEKA screen")
        lines = list(app.screen.query(MetricLine))
        assert len(lines) == 4
        await wait_for(pilot, lambda: "no data" in screen_text(app), "no data on the WEKA screen")
        await pilot.pause(0.2)
        text = screen_text(app)
        for label in ("Read", "Write", "IOPS", "Latency"):
            row = next(line for line in text.splitlines() if line.lstrip().startswith(label))
            assert "no data — WEKA did not answer" in row, row
            assert "▁" not in row, row  # no flat line that reads as zero
        assert all(not line.query_one(Sparkline).display for line in lines)

        # WEKA answers again: the graphs draw.
        served.weka.faults.clear()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "no data" not in screen_text(app), "the graphs to draw")
        assert all(line.query_one(Sparkline).display for line in lines)
