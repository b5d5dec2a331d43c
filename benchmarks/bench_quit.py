"""Quit: a real `rwc` on a live profile whose Run:ai and WEKA servers hold every list request for 25 s
(requests in flight in worker threads and on the event loop), from the key or signal to the process gone.

Goal from the issue: every worker and thread ends within a second — `q`, ctrl+c, SIGTERM, SIGHUP alike.
The median of three runs of each is reported; the goal is on the slowest median.
"""

from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pty_process import PtyProcess, private_env

GOAL_SECONDS = 1.0
RUNS = 3
WAYS: dict[str, str | int] = {"q": "q", "ctrl+c": "\x03", "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}


def one_quit(config: Path, home: str, how: str | int) -> float:
    env = private_env(home)
    process = PtyProcess([sys.executable, "-m", "console", "--config", str(config)], env=env)
    process.start()
    try:
        process.wait_for(b"Workloads", timeout=60)
        process.read_for(2.0)
        started = time.perf_counter()
        if isinstance(how, str):
            process.send(how.encode())
        else:
            os.kill(process.pid, how)
        while True:
            process.read_for(0.005)
            ended, _ = os.waitpid(process.pid, os.WNOHANG)
            if ended:
                process.pid = 0
                return time.perf_counter() - started
            if time.perf_counter() - started > 30:
                return float("inf")
    finally:
        process.stop()


def measure() -> dict[str, float]:
    from console.sim.http.base import Fault, FaultKind
    from console.sim.http.serve import ServedSimulator
    from console.sim.scenarios import build_simulator

    medians: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=Path(home) / "sim") as served,
    ):
        served.runai.faults.add(Fault(FaultKind.TIMEOUT, r"^/api/v1/workloads$", "GET", delay_seconds=25))
        served.weka.faults.add(Fault(FaultKind.TIMEOUT, r"^/api/v2/fileSystems$", "GET", delay_seconds=25))
        config = served.write_profile(Path(home) / "rwc-sim.toml")
        for name, how in WAYS.items():
            medians[name] = statistics.median(one_quit(config, home, how) for _ in range(RUNS))
    return medians


def main() -> bool:
    medians = measure()
    slowest = max(medians.values())
    ok = slowest <= GOAL_SECONDS
    words = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in medians.items())
    print(
        f"quit with requests hanging (median of {RUNS}): {words} "
        f"(goal <= {GOAL_SECONDS:.0f} s) -> {'OK' if ok else 'MISSED'}"
    )
    return ok


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(0 if main() else 1)
