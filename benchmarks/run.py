"""`make bench`: run every benchmark and print one line each; exit 1 if a goal was missed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_idle, bench_live, bench_logs, bench_quit, bench_scale, bench_start  # noqa: E402


def main() -> int:
    results = [
        bench_start.main(),
        bench_scale.main(),
        bench_idle.main(),
        bench_logs.main(),
        bench_quit.main(),
        bench_live.main(["--scenario", "huge"]),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
