"""Idle: CPU of `rwc --demo` sitting on a screen, and bytes it writes to the terminal.

Goals: <= 2 % of a core with the default refresh (the simulated cluster moves), and <= 0.5 % with
the clock frozen, when nothing changes — with zero bytes written to the terminal then.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from benchmarks.pty_process import PtyProcess, private_env

SETTLE_SECONDS = 5.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` from /proc (no psutil needed)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def measure(clock_speed: str, seconds: float) -> tuple[float, int]:
    """(percent of one core, bytes written) over `seconds` after the first frame settled."""
    with tempfile.TemporaryDirectory() as home:
        env = private_env(home)
        argv = [sys.executable, "-m", "console", "--demo", "--clock-speed", clock_speed]
        process = PtyProcess(argv, env=env)
        process.start()
        try:
            process.wait_for(b"DEMO")
            process.read_for(SETTLE_SECONDS)
            cpu_before, wall_before = cpu_seconds(process.pid), time.perf_counter()
            written = process.read_for(seconds)
            cpu = cpu_seconds(process.pid) - cpu_before
            wall = time.perf_counter() - wall_before
        finally:
            process.stop()
    return 100.0 * cpu / wall, written


def main(seconds: float | None = None) -> bool:
    seconds = seconds or float(os.environ.get("BENCH_IDLE_SECONDS", "60"))
    live_cpu, live_bytes = measure("1", seconds)
    frozen_cpu, frozen_bytes = measure("0", seconds)
    ok = live_cpu <= 2.0 and frozen_cpu <= 0.5 and frozen_bytes == 0
    print(
        f"idle ({seconds:.0f} s on the workloads screen): default refresh {live_cpu:.2f} % of a core, "
        f"{live_bytes} B written (goal <= 2 %); frozen clock {frozen_cpu:.2f} % of a core, "
        f"{frozen_bytes} B written (goal <= 0.5 %, 0 B) -> {'OK' if ok else 'MISSED'}"
    )
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
