"""Quitting never waits for a server: the real `rwc` on a live profile whose Run:ai workload list and
WEKA filesystems hang (the server holds the requests for 25 s) ends on `q`, ctrl+c, SIGTERM and SIGHUP
within the hang guard, with the status for each and the terminal given back (alternate screen left).
How fast (the goal is 1 s) is measured by `make bench` (benchmarks/bench_quit.py), not asserted here."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.pty_process import PtyProcess, private_env
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator

HANG_GUARD_SECONDS = 10.0
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


@pytest.fixture
def hanging(tmp_path: Path) -> Iterator[tuple[ServedSimulator, Path]]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as served:
        served.runai.faults.add(Fault(FaultKind.TIMEOUT, r"^/api/v1/workloads$", "GET", delay_seconds=25))
        served.weka.faults.add(Fault(FaultKind.TIMEOUT, r"^/api/v2/fileSystems$", "GET", delay_seconds=25))
        yield served, served.write_profile(tmp_path / "rwc-sim.toml")


@pytest.mark.parametrize(
    ("how", "status"),
    [("q", 0), ("\x03", 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["q", "ctrl+c", "SIGTERM", "SIGHUP"],
)
def test_rwc_ends_while_its_requests_hang(
    hanging: tuple[ServedSimulator, Path], tmp_path: Path, how: str | int, status: int
) -> None:
    _, config = hanging
    env = private_env(tmp_path)
    process = PtyProcess([sys.executable, "-m", "console", "--config", str(config)], env=env)
    process.start()
    try:
        process.wait_for(b"Workloads", timeout=60)
        process.read_for(2.0)  # the workload list is now being held by the server
        if isinstance(how, str):
            process.send(how.encode())
        else:
            os.kill(process.pid, how)
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        ended = 0
        while not ended and time.monotonic() < deadline:
            process.read_for(0.05)
            ended, code = os.waitpid(process.pid, os.WNOHANG)
        assert ended, f"rwc still running {HANG_GUARD_SECONDS:.0f}s after {how!r}"
        process.pid = 0
        assert os.waitstatus_to_exitcode(code) == status
        assert LEAVE_ALTERNATE_SCREEN in process.output
    finally:
        process.stop()
