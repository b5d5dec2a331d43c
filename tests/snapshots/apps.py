"""The one factory for snapshot apps (STYLE.md §3, Posting's `posting_snapshot_app.py`).

Every snapshot test builds its app here, through `console.cli.make_app` exactly as `rwc` does, on the
seeded demo cluster with the simulated clock frozen at a fixed instant, so the same code always renders
the same SVG. Override any `Config` field by keyword: `demo_app(role=Role.RESEARCHER)`,
`demo_app(read_only=True)`.

Test modules in this folder import it as `from apps import demo_app` (pytest puts the folder of a test
module on sys.path; the tests folders have no `__init__.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from screens.base import ResourceScreen, RwcScreen
from widgets.header import RwcHeader
from widgets.resource_table import ResourceTable

SNAPSHOT_START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
"""The frozen simulated "now" of every snapshot: timestamps and ages render the same on every run."""

SNAPSHOT_SEED = 7

SNAPSHOT_CONFIG_PATH = Path.home() / ".config" / "rwc" / "config.toml"
"""The config file the header's demo hint names. The real default follows XDG_CONFIG_HOME, which the
test-wide conftest points at a numbered pytest temp folder (a different path on every run); under the
home folder it renders as `~/.config/rwc/config.toml` for every user. The demo never reads it."""

SIZES: tuple[tuple[int, int], ...] = ((80, 24), (160, 48))
"""The terminal sizes every screen is snapshotted at: the 80x24 floor and a roomy terminal."""


def snapshot_config(**config_overrides: Any) -> Config:
    """The deterministic demo `Config` (frozen clock, fixed seed and start) plus `config_overrides`."""
    settings: dict[str, Any] = {
        "demo": True,
        "clock_speed": 0,
        "seed": SNAPSHOT_SEED,
        "sim_start": SNAPSHOT_START,
        "config_path": SNAPSHOT_CONFIG_PATH,
    }
    settings.update(config_overrides)
    return Config(**settings)


def demo_app(**config_overrides: Any) -> RwcApp:
    """A new `RwcApp` on the seeded demo with a frozen clock; keywords override `Config` fields."""
    return make_app(snapshot_config(**config_overrides))


# -- waiting for a screen to settle (for `run_before`) ---------------------------------------------------

WAIT_TIMEOUT_SECONDS = 10.0


async def wait_until(pilot: Pilot[Any], predicate: Callable[[], bool], what: str) -> None:
    """Pause until `predicate()` holds; fail naming `what` after `WAIT_TIMEOUT_SECONDS`."""
    deadline = time.monotonic() + WAIT_TIMEOUT_SECONDS
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Let queued messages, workers and refreshes finish so the next frame is the final one."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def wait_for_header(pilot: Pilot[Any]) -> None:
    """The current screen's header has its cluster summary (no "loading…" in the snapshot)."""
    screen = pilot.app.screen

    def loaded() -> bool:
        headers = screen.query(RwcHeader)
        return bool(headers) and headers.first().summary is not None

    await wait_until(pilot, loaded, f"the header summary of {type(screen).__name__}")


async def wait_for_screen(pilot: Pilot[Any], screen_class: type[RwcScreen]) -> RwcScreen:
    """`screen_class` is on top with all its data drawn and its header filled in; returns the screen.

    A table screen has built its rows (or said it is empty) from every resource it shows; any other
    screen has a value for each of its resources.
    """
    app = pilot.app
    await wait_until(pilot, lambda: type(app.screen) is screen_class, f"{screen_class.__name__} on top")
    screen = app.screen
    assert isinstance(screen, RwcScreen)

    def drawn() -> bool:
        if not screen.values().all_loaded:
            return False
        if isinstance(screen, ResourceScreen):
            table = screen.query_one(ResourceTable)
            return table.row_count > 0 or table.empty_message == screen.EMPTY_MESSAGE
        return True

    await wait_until(pilot, drawn, f"the data of {screen_class.__name__}")
    await wait_for_header(pilot)
    await settle(pilot)
    return screen


async def wait_for_table(pilot: Pilot[Any], screen_class: type[ResourceScreen]) -> ResourceTable:
    """`screen_class` is on top, its table has rows and its header is filled in; returns the table."""
    screen = await wait_for_screen(pilot, screen_class)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows in {screen_class.__name__}")
    return table
