"""Named scenarios: `demo` (a believable small cluster), `large` and `huge` (scale testing)."""

from __future__ import annotations

from datetime import datetime

from console.sim import runai_scenarios, weka_scenarios
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator

SCENARIOS: tuple[str, ...] = ("demo", "large", "huge")


def build_simulator(scenario: str = "demo", seed: int = 7, start: datetime = DEFAULT_START) -> Simulator:
    """A simulator populated with `scenario`; raises ValueError naming the known ones otherwise."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}")
    simulator = Simulator(seed=seed, start=start)
    if scenario == "demo":
        runai_scenarios.populate_demo(simulator.runai)
        weka_scenarios.populate_demo(simulator.weka)
    else:
        scale = runai_scenarios.HUGE if scenario == "huge" else runai_scenarios.LARGE
        runai_scenarios.populate_large(simulator.runai, scale)
        weka_scenarios.populate_large(simulator.weka)
    simulator.settle()
    return simulator
