"""The simulator: a seeded, clock-driven model of a Run:ai cluster and a WEKA cluster.

`build_simulator(scenario, seed)` gives a populated one; the demo backend and the HTTP face serve it.
"""

from console.sim.scenarios import SCENARIOS, build_simulator
from console.sim.simulator import Simulator

__all__ = ["SCENARIOS", "Simulator", "build_simulator"]
