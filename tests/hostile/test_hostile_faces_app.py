"""The real app on a live profile, against the simulator's HTTP faces turned hostile by rules on their
answers (the faces' AMEND faults): names carrying terminal escapes and markup in the Run:ai and WEKA
lists, NaN and infinite telemetry. Each test asserts what a user would see — the rows are there, drawn as
visible text; the numbers read "—"; nothing stale — that the app stays up, that the bytes written to the
terminal hold none of the data's control sequences, and how much memory it took (measured, bounded)."""

from __future__ import annotations

import copy
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config, load_config_file
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner

SIZE = (120, 36)
HOSTILE = "ev\x1b]52;c;cHduZWQ=\x07il\x1b]0;pwned\x07\x9b31m\u202egpj.exe\x1b[5m[/][@click=app.quit]x"
"""OSC 52 (clipboard), OSC 0 (title), BEL, C1 CSI, bidi override, SGR blink, a markup closer and an action."""
FORBIDDEN_IN_OUTPUT = ("\x1b]52", "\x1b]0;", "\x9b", "\u202e", "\x07", "\x1b[5m")
RSS_GROWTH_LIMIT_MB = 200


def terminal_bytes(app: RwcApp) -> str:
    """What rwc would write to a real terminal for the whole screen now (Pilot's driver writes nothing)."""
    update = app.screen._compositor.render_update(full=True)
    return app.console._render_buffer(app.console.render(update))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


@pytest.fixture
def live_config(served: ServedSimulator, tmp_path: Path) -> Config:
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def renamed(list_key: str | None, field: str, prefix: str) -> Callable[[Any], Any]:
    """An AMEND rule: every item of the answer's list gets a hostile `field`."""

    def amend(body: Any) -> Any:
        body = copy.deepcopy(body)
        items = body["data"] if list_key is None else body[list_key]
        for item in items:
            item[field] = f"{prefix}{item.get(field, '')}-{HOSTILE}"
        return body

    return amend


async def table_of(pilot: Pilot, key: str) -> ResourceTable:
    await pilot.press(key)
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(ResourceTable)), "a table")
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "rows")
    return table


async def test_escapes_and_markup_in_names_from_both_apis_reach_the_terminal_as_text(
    served: ServedSimulator, live_config: Config
) -> None:
    served.runai.faults.add(
        Fault(FaultKind.AMEND, r"^/api/v1/workloads$", "GET", amend=renamed("workloads", "name", "w"))
    )
    served.runai.faults.add(
        Fault(
            FaultKind.AMEND,
            r"^/api/v1/workloads/[^/]+$",
            "GET",
            amend=lambda b: {**b, "phaseMessage": HOSTILE},
        )
    )
    served.weka.faults.add(
        Fault(FaultKind.AMEND, r"^/api/v2/fileSystems$", "GET", amend=renamed(None, "name", "f"))
    )
    before = rss_mb()
    app = make_app(live_config)
    written: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        table = await table_of(pilot, "2")
        await wait_until(
            pilot, lambda: any("pwned" in table.cell_text(k, "name") for k in table.visible_keys()), "names"
        )
        written.append(terminal_bytes(app))
        await pilot.press("enter")  # the workload detail: title, summary, its (hostile) phase message
        await wait_until(pilot, lambda: "pwned" in getattr(app.screen, "rendered_text", str)(), "the detail")
        written.append(terminal_bytes(app))
        await pilot.press("escape")
        table = await table_of(pilot, "5")
        await wait_until(
            pilot, lambda: any("pwned" in table.cell_text(k, "name") for k in table.visible_keys()), "fs"
        )
        written.append(terminal_bytes(app))
        assert app.is_running, "markup in a name must not crash the app"
        assert app.screen.query_one(StaleBanner).message == ""
    output = "".join(written)
    assert "pwned" in output and "gpj.exe" in output  # drawn, as visible text
    for sequence in FORBIDDEN_IN_OUTPUT:
        assert sequence not in output, f"{sequence!r} from the data reached the terminal"
    assert rss_mb() - before < RSS_GROWTH_LIMIT_MB


def not_a_number(body: Any) -> Any:
    """Node telemetry whose every value is NaN, +Inf or absurd, as strings (schema-valid; Prometheus
    gives NaN for 0/0)."""
    body = copy.deepcopy(body)
    garbage = ("NaN", "+Inf", "-Inf", "1e400")
    for index, series in enumerate(body.get("values", [])):
        if isinstance(series, dict):
            series["value"] = garbage[index % len(garbage)]
    return body


async def test_nan_and_infinite_telemetry_read_as_dashes_and_the_nodes_stay(
    served: ServedSimulator, live_config: Config
) -> None:
    served.runai.faults.add(Fault(FaultKind.AMEND, r"^/api/v1/nodes/telemetry$", "GET", amend=not_a_number))
    app = make_app(live_config)
    async with app.run_test(size=SIZE) as pilot:
        table = await table_of(pilot, "3")
        await pilot.pause(0.5)
        assert table.row_count >= 10
        output = terminal_bytes(app)
        assert "nan" not in output.lower() and "inf" not in output.lower()
        assert app.is_running and not app.screen.header.stale
