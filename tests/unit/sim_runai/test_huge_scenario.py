"""The `huge` scenario is what issue 15 promised: 5,000 nodes, 40,000 GPUs, 100,000 workloads."""

from __future__ import annotations

import pytest

from console.model import Role
from console.sim.scenarios import build_simulator


@pytest.mark.slow
def test_huge_has_the_promised_size() -> None:
    sim = build_simulator("huge")
    nodes = sim.runai.nodes()
    assert len(nodes) == 5_000 and sum(node.gpu_count for node in nodes) == 40_000
    assert len(sim.runai.workloads(sim.runai.identity_for(None, Role.ADMIN))) == 100_000
