"""Start-up: `rwc --demo` to its first painted frame, as a ratio to a hello-world Textual app.

Goal: ratio <= 1.5. Each side is started `runs` times in a pty at 80x24, alternating; the ratio is
the median of the back-to-back pairs' ratios, so a machine that speeds up or slows down during the
run (a shared VM does) moves both sides of each pair alike.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.pty_process import PtyProcess, private_env

GOAL_RATIO = 1.5
HELLO = [sys.executable, str(Path(__file__).with_name("hello_app.py"))]
RWC = [sys.executable, "-m", "console", "--demo", "--clock-speed", "0"]


def time_to_marker(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    process = PtyProcess(argv, env=env)
    process.start()
    try:
        return process.wait_for(marker)
    finally:
        process.stop()


def run(runs: int = 11) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = private_env(home)
        time_to_marker(HELLO, b"HELLO-BASELINE", env)  # warm the page cache and bytecode
        time_to_marker(RWC, b"DEMO", env)
        hello, rwc = [], []
        for _ in range(runs):
            hello.append(time_to_marker(HELLO, b"HELLO-BASELINE", env))
            rwc.append(time_to_marker(RWC, b"DEMO", env))
    hello_s, rwc_s = statistics.median(hello), statistics.median(rwc)
    ratio = statistics.median(r / h for r, h in zip(rwc, hello, strict=True))
    return {"hello_first_frame_s": hello_s, "rwc_first_frame_s": rwc_s, "ratio": ratio}


def check_demo_imports() -> list[str]:
    """The heavy clients the demo path must not import (kubernetes, httpx, pynvml)."""
    import subprocess

    code = (
        "import sys, console.cli as c; cfg = c.parse_args(['--demo']); c.make_app(cfg); "
        "print(','.join(sorted(m for m in ('kubernetes','httpx','pynvml') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().split(",") if name]


def main() -> bool:
    result = run()
    heavy = check_demo_imports()
    ok = result["ratio"] <= GOAL_RATIO and not heavy
    print(
        f"start: rwc --demo first frame {result['rwc_first_frame_s'] * 1000:.0f} ms, "
        f"hello-world {result['hello_first_frame_s'] * 1000:.0f} ms (medians), "
        f"ratio {result['ratio']:.2f}x (median of pairs) "
        f"(goal <= {GOAL_RATIO}x); heavy imports on the demo path: {heavy or 'none'} "
        f"-> {'OK' if ok else 'MISSED'}"
    )
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
