"""Named scenarios: `demo` (a believable small cluster), `large` and `huge` (scale testing)."""

from __future__ import annotations

from datetime import datetime

from console.sim import demo_claims, feed_scenarios, runai_scenarios, weka_scenarios
from console.sim.clock import DEFAULT_START
from console.sim.object_store import ObjectStore
from console.sim.simulator import Simulator

SCENARIOS: tuple[str, ...] = ("demo", "large", "huge")
SITE_SEED_OFFSET = 1
"""The cloud site's seed is the demo's plus this: its own cluster id and randomness, as reproducible."""


def build_simulator(
    scenario: str = "demo",
    seed: int = 7,
    start: datetime = DEFAULT_START,
    object_store: ObjectStore | None = None,
) -> Simulator:
    """A simulator populated with `scenario`; raises ValueError naming the known ones otherwise.

    `object_store` is the one the demo's other site uses, so each sees what the other uploads."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}")
    simulator = Simulator(seed=seed, start=start, object_store=object_store)
    if scenario == "demo":
        runai_scenarios.populate_demo(simulator.runai)
        weka_scenarios.populate_demo(simulator.weka)
        feed_scenarios.populate_demo(simulator.feed)
        demo_claims.add_demo_claims(simulator)
    else:
        scale = runai_scenarios.HUGE if scenario == "huge" else runai_scenarios.LARGE
        runai_scenarios.populate_large(simulator.runai, scale)
        weka_scenarios.populate_large(simulator.weka)
    simulator.settle()
    return simulator


def build_site_simulator(
    site: str, seed: int = 7, start: datetime = DEFAULT_START, object_store: ObjectStore | None = None
) -> Simulator:
    """The simulator of one of the demo's other sites (`cloud`: `console.sim.cloud_scenario`)."""
    if site != "cloud":
        raise ValueError(f"unknown demo site {site!r}; the demo's sites are on-prem and cloud")
    from console.sim import cloud_scenario

    simulator = Simulator(seed=seed + SITE_SEED_OFFSET, start=start, object_store=object_store)
    cloud_scenario.populate_cloud_runai(simulator.runai)
    cloud_scenario.populate_cloud_weka(simulator.weka)
    simulator.settle()
    return simulator
