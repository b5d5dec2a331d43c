"""Fixtures for the real-kubectl tests: one `rwc sim serve` (the demo, clock frozen) per test module.

A frozen clock makes every answer reproducible; tests that need time to pass (a drain waiting for the
evicted pod to end, a followed log) move the simulator's clock themselves, under the servers' lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kubectl_env import Kubectl, kubectl_binary

from console.sim.http.serve import build_served


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which kubectl the tests ran (shown even with -q)."""
    try:
        import subprocess

        version = subprocess.run(
            [str(kubectl_binary()), "version", "--client"], capture_output=True, text=True, timeout=30
        ).stdout.splitlines()[0]
    except (RuntimeError, OSError, IndexError, subprocess.SubprocessError):
        version = "kubectl not found"
    terminalreporter.write_line(f"tests/kubectl: {version}")


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kubectl]:
    workdir: Path = tmp_path_factory.mktemp("rwc-sim")
    home = tmp_path_factory.mktemp("kubectl-home")
    served = build_served("demo", 7, clock_speed=0, workdir=workdir).start()
    try:
        yield Kubectl(kubectl_binary(), served, home)
    finally:
        served.stop()
