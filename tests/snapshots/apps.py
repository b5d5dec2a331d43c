"""The one factory for snapshot apps (STYLE.md §3, Posting's `posting_snapshot_app.py`).

Every snapshot test builds its app here, through `console.cli.make_app` exactly as `rwc` does, on the
seeded demo cluster with the simulated clock frozen at a fixed instant, so the same code always renders
the same SVG. Override any `Config` field by keyword: `demo_app(role=Role.RESEARCHER)`,
`demo_app(read_only=True)`.

Test modules in this folder import it as `from apps import demo_app` (pytest puts the folder of a test
module on sys.path; the tests folders have no `__init__.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.app import RwcApp
from console.cli import make_app
from console.config import Config

SNAPSHOT_START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
"""The frozen simulated "now" of every snapshot: timestamps and ages render the same on every run."""

SNAPSHOT_SEED = 7

SIZES: tuple[tuple[int, int], ...] = ((80, 24), (160, 48))
"""The terminal sizes every screen is snapshotted at: the 80x24 floor and a roomy terminal."""


def snapshot_config(**config_overrides: Any) -> Config:
    """The deterministic demo `Config` (frozen clock, fixed seed and start) plus `config_overrides`."""
    settings: dict[str, Any] = {
        "demo": True,
        "clock_speed": 0,
        "seed": SNAPSHOT_SEED,
        "sim_start": SNAPSHOT_START,
    }
    settings.update(config_overrides)
    return Config(**settings)


def demo_app(**config_overrides: Any) -> RwcApp:
    """A new `RwcApp` on the seeded demo with a frozen clock; keywords override `Config` fields."""
    return make_app(snapshot_config(**config_overrides))
