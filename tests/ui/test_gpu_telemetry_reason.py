"""The GPU panel says why utilisation, memory and temperature are `—` when it cannot read them.

The live backend talks to the simulator's Run:ai, WEKA and Kubernetes faces over real HTTP on 127.0.0.1
(`ServedSimulator`), so Kubernetes lists the GPUs and their holders; NVML is replaced through the backend's
own seam (`nvml_reader`) by a stand-in for a host without an NVIDIA driver, or for one whose driver works.
Only the first gets the line; the demo, which always has telemetry, never does. 80x24 throughout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import RwcApp
from console.backends.live.backend import LiveBackend
from console.cli import make_app
from console.config import Config, load_config_file
from console.data.errors import Unavailable
from console.model import GpuDevice
from console.sim.clock import DEFAULT_START
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from console.ui.format import NOT_AVAILABLE
from screens.gpus import GpusScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)

NO_DRIVER = "No NVIDIA driver on this host (libnvidia-ml.so.1 not found); the GPU panel is unavailable"
"""`NvmlGpuReader.unavailable_reason()` on a host without the driver library."""

EXPECTED_LINE = (
    "No NVIDIA driver on this host (libnvidia-ml.so.1 not found), so no GPU telemetry: utilisation, memory"
    " and temperature come from NVML on a GPU node."
)


class NoDriverReader:
    """An `NvmlGpuReader` stand-in for a host without an NVIDIA driver."""

    def available(self) -> bool:
        return False

    def unavailable_reason(self) -> str | None:
        return NO_DRIVER

    def read(self, node_name: str) -> list[GpuDevice]:
        raise AssertionError("read() without a driver")

    def close(self) -> None:
        return None

    def started(self) -> tuple[object, list[tuple[int, object, str]]]:
        """No GPU events from this stand-in (the event watcher's seam): NVML's answer without a driver."""
        raise Unavailable("No NVIDIA driver on this host (libnvidia-ml.so.1 not found)", service="nvml")


class WorkingDriverReader(NoDriverReader):
    """An `NvmlGpuReader` stand-in for a host whose driver works (and which is not a cluster node)."""

    def available(self) -> bool:
        return True

    def unavailable_reason(self) -> str | None:
        return None

    def read(self, node_name: str) -> list[GpuDevice]:
        return []


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the audit log and config lookups out of the real home directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSimulator]:
    with ServedSimulator(
        build_simulator("demo", 7), clock_speed=0, workdir=tmp_path_factory.mktemp("served")
    ) as running:
        yield running


@pytest.fixture
def live_app(served: ServedSimulator, tmp_path: Path) -> Callable[[object], RwcApp]:
    """The app over a live backend on the served faces, with `reader` as this host's NVML."""
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    config = Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)

    def build(reader: object) -> RwcApp:
        backend = LiveBackend(profile, nvml_reader=reader)  # type: ignore[arg-type]
        return RwcApp(backend=backend, config=config)

    return build


async def gpu_screen(pilot: Pilot) -> tuple[GpusScreen, ResourceTable]:
    """Open the GPU screen with `4` and wait for its rows."""
    app = pilot.app
    await pilot.press("4")
    await wait_until(pilot, lambda: isinstance(app.screen, GpusScreen), "the GPU screen")
    screen = app.screen
    assert isinstance(screen, GpusScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the GPU rows")
    await pilot.pause()
    return screen, table


def note_of(screen: GpusScreen) -> Static:
    return screen.query_one("#telemetry-note", Static)


def util_cells(table: ResourceTable) -> list[str]:
    return [table.cell_text(key, "util") for key in table.visible_keys()]


@pytest.fixture
async def closing() -> AsyncIterator[list[RwcApp]]:
    apps: list[RwcApp] = []
    yield apps
    for app in apps:
        await app.backend.aclose()


async def test_without_a_driver_one_line_says_why_the_readings_are_missing(
    live_app: Callable[[object], RwcApp], closing: list[RwcApp]
) -> None:
    app = live_app(NoDriverReader())
    closing.append(app)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await gpu_screen(pilot)
        note = note_of(screen)
        assert note.display
        assert str(note.render()) == EXPECTED_LINE
        # Readable at 80x24: the line wraps to two rows, under the header, and the GPUs still show.
        assert note.region.height == 2
        assert note.region.y < table.region.y
        assert table.region.height >= 10
        assert set(util_cells(table)) == {NOT_AVAILABLE}


async def test_with_a_working_driver_there_is_no_line(
    live_app: Callable[[object], RwcApp], closing: list[RwcApp]
) -> None:
    app = live_app(WorkingDriverReader())
    closing.append(app)
    async with app.run_test(size=SIZE) as pilot:
        screen, _ = await gpu_screen(pilot)
        assert not note_of(screen).display


async def test_the_demo_has_telemetry_and_no_line() -> None:
    app = make_app(Config(clock_speed=0, sim_start=DEFAULT_START))
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await gpu_screen(pilot)
        assert not note_of(screen).display
        assert set(util_cells(table)) != {NOT_AVAILABLE}
