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


def modules_listed_by(probe: str) -> list[str]:
    """Run `probe` in a fresh interpreter; it prints a sorted list of module names as its last line."""
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    listed: list[str] = ast.literal_eval(completed.stdout.strip().splitlines()[-1])
    return listed


def test_headless_layers_import_no_ui_and_no_live_clients() -> None:
    assert modules_listed_by(PROBE) == []


FIRST_FRAME_PROBE = (
    "import sys; import console.cli as cli; from console.app import SCREEN_CLASSES; "
    "from console.ui.keymap import DEFAULT_SCREEN; "
    "app = cli.make_app(cli.parse_args(['--demo'])); SCREEN_CLASSES[DEFAULT_SCREEN]; "
    "print(sorted(m for m in sys.modules if m in {'console.model.runai', 'console.model.weka', "
    "'console.model.identity'} or m.startswith('console.sim')))"
)


def test_the_first_frame_needs_neither_the_model_dataclasses_nor_the_simulator() -> None:
    """`rwc --demo` paints its chrome before any data exists: the simulator is built after the first
    frame, and the model's dataclasses (~25 ms to create) load with it, not before."""
    assert modules_listed_by(FIRST_FRAME_PROBE) == []
