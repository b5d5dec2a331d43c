"""A small WEKA cluster built with `WekaSim`'s builders, and a hand-cranked clock.

Tests drive `WekaSim` directly (not through `Simulator`) so they depend on the WEKA half only.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from console.model import Identity, Role
from console.sim.clock import Clock
from console.sim.weka import WekaSim
from console.sim.weka_units import MIB, TIB

TOTAL_SSD = 100 * TIB


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(clock: Clock) -> WekaSim:
    """Groups `default` (WEKA's policy) and `fast` (5 s cue, 60 s retention), a local and a remote bucket."""
    weka = WekaSim(clock, random.Random(1))
    weka.configure_cluster(name="weka-test", total_ssd_bytes=TOTAL_SSD)
    weka.add_group("default")
    weka.add_group("fast", target_ssd_retention_seconds=60, start_demote_seconds=5)
    weka.add_bucket("obs-local", obs_site="local", bandwidth_bytes_per_second=100 * MIB)
    weka.add_bucket("obs-dr", obs_site="remote", bandwidth_bytes_per_second=50 * MIB)
    return weka


@pytest.fixture
def advance(clock: Clock, sim: WekaSim) -> Callable[[float], None]:
    """Move time forward second by second, as `Simulator.advance` does: clock first, then the cluster."""

    def run(seconds: float) -> None:
        for _ in range(int(seconds)):
            clock.advance(1)
            sim.step(1)

    return run


@pytest.fixture
def admin() -> Identity:
    return Identity(user="alice", role=Role.ADMIN)


@pytest.fixture
def researcher() -> Identity:
    return Identity(user="bob", role=Role.RESEARCHER, project_names=("vision",))
