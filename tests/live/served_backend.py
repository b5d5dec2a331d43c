"""A `LiveBackend` on the profile of a simulator served over real HTTP on 127.0.0.1: what the live tests that
count requests or compare answers start from."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from console.backends.live.backend import LiveBackend
from console.config import Config, load_config_file
from console.sim.http.serve import ServedSimulator
from console.sim.simulator import Simulator


@asynccontextmanager
async def live_backend_over(
    simulator: Simulator, **options: Any
) -> AsyncIterator[tuple[LiveBackend, ServedSimulator]]:
    """The backend and the served faces (frozen clock; `options` go to `ServedSimulator`)."""
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(simulator, clock_speed=0, workdir=Path(home) / "sim", **options) as served,
    ):
        profile = load_config_file(served.write_profile(Path(home) / "rwc.toml")).select(None)
        assert profile is not None
        backend = LiveBackend(profile)
        try:
            yield backend, served
        finally:
            await backend.aclose()


@contextmanager
def app_config_over(simulator: Simulator, workdir: Path) -> Iterator[Config]:
    """The `Config` of `rwc --config` on the profile of `simulator` served under `workdir` (frozen clock):
    for the real app over the simulator's faces."""
    with ServedSimulator(simulator, clock_speed=0, workdir=workdir / "sim") as served:
        path = served.write_profile(workdir / "rwc-sim.toml")
        profile = load_config_file(path, must_exist=True).select(None)
        assert profile is not None
        yield Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)
