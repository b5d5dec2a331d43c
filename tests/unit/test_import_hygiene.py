"""The headless layers never import the UI or the live clients (DESIGN.md, "Guards").

Importing in a fresh interpreter is the only honest check: in the test process pytest plugins may
already have imported rich or textual. Harlequin keeps the same guard.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

HEADLESS_MODULES = ("console.model", "console.data", "console.sim", "console.backends.demo")
FORBIDDEN_TOP_LEVEL = ("textual", "rich", "kubernetes", "httpx", "pynvml")

PROBE = (
    f"import {', '.join(HEADLESS_MODULES)}; import sys; "
    f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(FORBIDDEN_TOP_LEVEL)!r}))"
)


def test_headless_layers_import_no_ui_and_no_live_clients() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert ast.literal_eval(completed.stdout.strip().splitlines()[-1]) == []
