"""The demo app as rwc builds it, and the simulator under it, for Pilot tests in this folder.

Test modules import it as `from demo_helpers import demo_app, simulator` (pytest puts the folder of a
test module on sys.path; the tests folders have no `__init__.py`).
"""

from __future__ import annotations

from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.data import paths
from console.data.audit import read_audit_records
from console.model import Identity, Role
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from screens.base import ResourceScreen
from widgets.resource_table import ResourceTable


def demo_app(**overrides: object) -> RwcApp:
    """`rwc --demo` with the clock frozen at the demo's start (override any `Config` field)."""
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, **overrides))  # type: ignore[arg-type]


def simulator(app: RwcApp) -> Simulator:
    """The simulator under the wrappers (audit, read-only), to ask what really happened."""
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend.simulator


def admin(sim: Simulator) -> Identity:
    return sim.runai.identity_for(None, Role.ADMIN)


def audited_actions() -> list[str]:
    """The action of every line of the audit log so far (XDG_STATE_HOME is per test)."""
    return [str(record["action"]) for record in read_audit_records(paths.audit_log_path())]


async def open_list(pilot: Pilot, number_key: str, screen_name: str) -> ResourceTable:
    """Press a number key and wait until that list is painted with rows and knows who is signed in."""
    from pilot_waits import wait_for_screen, wait_until

    app = pilot.app
    await pilot.press(number_key)
    await wait_until(pilot, lambda: app.current_mode == screen_name, f"the {screen_name} screen")
    screen = app.screen
    assert isinstance(screen, ResourceScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"{screen_name} rows")
    await wait_for_screen(pilot, ResourceScreen)
    await wait_until(pilot, lambda: screen.identity is not None, "who is signed in")
    return table
