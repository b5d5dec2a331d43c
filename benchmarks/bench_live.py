"""Live: a real `rwc` on a live profile against `rwc sim serve --scenario large|huge`, over real HTTP.

The simulator's Run:ai, WEKA and Kubernetes faces run in this process and count every request and every
body byte they send; a real `rwc` process (this checkout's, or `--baseline DIR`'s: an older commit's
worktree run with the same interpreter) opens on the Workloads list in a pty at 80x24. Measured:

- first rows: seconds from start until the list shows a workload row;
- a refresh cycle of the Workloads list (2 s) and of an idle screen (help over the list: only the header
  polls, every 5 s): requests and body bytes per cycle, over `BENCH_LIVE_SECONDS` of each;
- CPU per refresh cycle of the Workloads list (the process's user+system time / cycles);
- the `/` filter keystroke: from a key to the header showing the typed text, median of several;
- peak RSS of the whole process.

Goals (issue 15): at `huge` (5,000 nodes, 40,000 GPUs, 100,000 workloads) first rows <= 2 s and peak RSS
<= 300 MB; a Workloads refresh cycle <= 6 requests and <= 100 ms CPU; the header's summary <= 4 requests;
the filter keystroke <= 50 ms. Each figure prints with its ratio to the baseline when one is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.pty_process import PtyProcess, private_env

FIRST_ROWS_GOAL_S = 2.0
RSS_GOAL_MB = 300.0
CYCLE_REQUESTS_GOAL = 6
CYCLE_CPU_GOAL_MS = 100.0
HEADER_REQUESTS_GOAL = 4
FILTER_GOAL_MS = 50.0
WORKLOADS_CYCLE_S = 2.0
HEADER_CYCLE_S = 5.0
FIRST_ROWS_TIMEOUT_S = 120.0
ROW_MARKER = b"llama3-sft-"
"""Every `large`/`huge` workload name starts with one of a dozen words; this is the commonest."""


@dataclass
class LiveFigures:
    first_rows_s: float | None
    cycle_requests: float
    cycle_kbytes: float
    cycle_cpu_ms: float
    header_requests: float
    header_kbytes: float
    filter_ms: float | None
    peak_rss_mb: float


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def _counted(faces: list) -> tuple[int, int]:  # type: ignore[type-arg]
    return sum(len(face.requests_seen) for face in faces), sum(face.bytes_sent for face in faces)


def _filter_ms(process: PtyProcess, text: str) -> float | None:
    """Median of: a key typed after `/` to the header showing the text typed so far (None: a key took
    more than 10 s, so the list was too busy to measure)."""
    process.send(b"/")
    process.read_for(0.5)
    latencies = []
    for count in range(1, len(text) + 1):
        mark = len(process.output)
        started = time.perf_counter()
        process.send(text[count - 1].encode())
        shown = f"/{text[:count]}".encode()
        deadline = started + 10.0
        while shown not in process.output[mark:]:
            if time.perf_counter() > deadline:
                return None
            process.read_for(0.001)
        latencies.append((time.perf_counter() - started) * 1000)
        process.read_for(0.3)
    process.send(b"\x1b")  # leave the filter
    process.read_for(0.5)
    process.send(b"\x1b")
    process.read_for(0.5)
    return statistics.median(latencies)


def measure(scenario: str, checkout: Path, seconds: float) -> LiveFigures:
    from console.sim.http.serve import ServedSimulator
    from console.sim.scenarios import build_simulator

    with (
        tempfile.TemporaryDirectory() as home,
        ServedSimulator(build_simulator(scenario, 7), clock_speed=1, workdir=Path(home) / "sim") as served,
    ):
        faces = [served.runai, served.weka, served.kube]
        config = served.write_profile(Path(home) / "rwc-sim.toml")
        env = {**private_env(home), "PYTHONPATH": str(checkout)}
        argv = [sys.executable, "-m", "console", "--config", str(config)]
        process = PtyProcess(argv, env=env, cwd=str(checkout))
        process.start()
        try:
            try:
                first_rows: float | None = process.wait_for(ROW_MARKER, timeout=FIRST_ROWS_TIMEOUT_S)
            except TimeoutError:
                first_rows = None
            process.read_for(3.0)  # the first cycle's stragglers (node lookups, the header)

            for face in faces:
                face.requests_seen.clear()
            bytes_before = _counted(faces)[1]
            cpu_before = _cpu_seconds(process.pid)
            process.read_for(seconds)
            requests, sent = _counted(faces)
            cycles = seconds / WORKLOADS_CYCLE_S
            cycle = (requests / cycles, (sent - bytes_before) / cycles / 1024)
            cycle_cpu = (_cpu_seconds(process.pid) - cpu_before) / cycles * 1000

            process.send(b"?")  # help over the list: the list stops polling, the header goes on
            process.read_for(2.0)
            for face in faces:
                face.requests_seen.clear()
            bytes_before = _counted(faces)[1]
            process.read_for(seconds)
            requests, sent = _counted(faces)
            header_cycles = seconds / HEADER_CYCLE_S
            header = (requests / header_cycles, (sent - bytes_before) / header_cycles / 1024)
            process.send(b"\x1b")
            process.read_for(1.0)

            filter_ms = _filter_ms(process, "sft-0")
            peak = _peak_rss_mb(process.pid)
        finally:
            process.stop()
    return LiveFigures(first_rows, *cycle, cycle_cpu, *header, filter_ms, peak)


def _ratio(new: float | None, old: float | None) -> str:
    if new is None or old is None or old == 0:
        return ""
    return f" ({new / old:.2f}x)"


def report(scenario: str, new: LiveFigures, old: LiveFigures | None) -> bool:
    def figure(name: str, unit: str, fmt: str) -> str:
        value = getattr(new, name)
        base = getattr(old, name) if old is not None else None
        shown = "timed out" if value is None else f"{value:{fmt}} {unit}"
        before = "" if old is None else f", before {'timed out' if base is None else f'{base:{fmt}} {unit}'}"
        return f"{shown}{_ratio(value, base)}{before}"

    print(f"live ({scenario}): first rows {figure('first_rows_s', 's', '.2f')}")
    print(f"  workloads refresh cycle: {figure('cycle_requests', 'requests', '.1f')}; "
          f"{figure('cycle_kbytes', 'KB', '.0f')}; CPU {figure('cycle_cpu_ms', 'ms', '.0f')}")  # fmt: skip
    print(f"  idle screen (header only): {figure('header_requests', 'requests', '.1f')}; "
          f"{figure('header_kbytes', 'KB', '.0f')}")  # fmt: skip
    keystroke, rss = figure("filter_ms", "ms", ".0f"), figure("peak_rss_mb", "MB", ".0f")
    print(f"  filter keystroke {keystroke}; peak RSS {rss}")
    if scenario != "huge":
        return True
    ok = (
        new.first_rows_s is not None
        and new.first_rows_s <= FIRST_ROWS_GOAL_S
        and new.peak_rss_mb <= RSS_GOAL_MB
        and new.cycle_requests <= CYCLE_REQUESTS_GOAL
        and new.cycle_cpu_ms <= CYCLE_CPU_GOAL_MS
        and new.header_requests <= HEADER_REQUESTS_GOAL
        and new.filter_ms is not None
        and new.filter_ms <= FILTER_GOAL_MS
    )
    print(
        f"  goals: first rows <= {FIRST_ROWS_GOAL_S:g} s, RSS <= {RSS_GOAL_MB:g} MB, cycle <= "
        f"{CYCLE_REQUESTS_GOAL} requests and <= {CYCLE_CPU_GOAL_MS:g} ms CPU, header <= "
        f"{HEADER_REQUESTS_GOAL} requests, filter <= {FILTER_GOAL_MS:g} ms -> {'OK' if ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=("large", "huge"))
    parser.add_argument("--baseline", type=Path, help="an older checkout to measure in the same run")
    arguments = parser.parse_args(argv if argv is not None else [])
    seconds = float(os.environ.get("BENCH_LIVE_SECONDS", "20"))
    here = Path(__file__).resolve().parent.parent
    results = []
    for scenario in arguments.scenario or ["huge"]:
        old = measure(scenario, arguments.baseline.resolve(), seconds) if arguments.baseline else None
        results.append(report(scenario, measure(scenario, here, seconds), old))
    return all(results)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(0 if main(sys.argv[1:]) else 1)
