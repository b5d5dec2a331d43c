"""The real `rwc` process in a real terminal (tmux at 80x24): it starts, draws, and quits on `q`.

Pilot tests drive the app in-process; this one proves the installed entry point, the terminal driver
and the exit path work together, the way a user over SSH meets them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 20.0
QUIT_TIMEOUT_SECONDS = 10.0


class TmuxSession:
    """One detached session on a private tmux server, so a developer's own tmux is never touched."""

    def __init__(self, socket_name: str, session_name: str, status_file: Path, log_file: Path) -> None:
        self.socket_name = socket_name
        self.session_name = session_name
        self.status_file = status_file
        self.log_file = log_file

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket_name, *args], capture_output=True, text=True, timeout=10, check=check
        )

    def is_alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session_name, check=False).returncode == 0

    def capture(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", self.session_name, check=False)
        return result.stdout if result.returncode == 0 else ""

    def wait_for_text(self, text: str, timeout: float) -> str:
        """Poll the pane until `text` shows; fail with the last screen if it never does."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            finished = self.status_file.exists() or not self.is_alive()
            screen = self.capture()
            if finished:
                pytest.fail(f"rwc exited before showing {text!r}; {self.diagnostics(screen)}")
            if text in screen:
                return screen
            time.sleep(0.2)
        pytest.fail(f"{text!r} did not appear within {timeout:.0f}s; {self.diagnostics(screen)}")

    def diagnostics(self, screen: str) -> str:
        """The last screen, rwc's exit status and its log: what a failed run leaves to explain itself."""
        status = self.status_file.read_text().strip() if self.status_file.exists() else "still running"
        log = self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else "(no log)"
        return f"exit status: {status}\nlast screen:\n{screen}\nrwc.log:\n{log}"

    def wait_until_gone(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_alive():
                return True
            time.sleep(0.1)
        return False


@pytest.fixture
def rwc_in_tmux(tmp_path: Path) -> Iterator[TmuxSession]:
    """`python -m console --demo --clock-speed 0` in an 80x24 tmux pane with private XDG dirs.

    The wrapper shell writes rwc's exit status to `session.status_file`.
    """
    unique = f"rwc-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    status_file = tmp_path / "exit-status"
    session = TmuxSession(unique, unique, status_file, tmp_path / "xdg-state" / "rwc" / "rwc.log")
    env = {
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "TEXTUAL_ANIMATIONS": "none",
    }
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    rwc = f"{shlex.quote(sys.executable)} -m console --demo --clock-speed 0"
    # The wrapper records the exit status; after a failure it keeps the pane (and rwc's one-line error)
    # on screen so the test can show it, while a clean exit ends the session at once.
    command = (
        f"cd {shlex.quote(str(REPO_ROOT))} && env -u NO_COLOR {assignments} {rwc}; "
        f"status=$?; echo $status > {shlex.quote(str(status_file))}; "
        f'[ "$status" -eq 0 ] || sleep 30'
    )
    session.tmux("new-session", "-d", "-s", unique, "-x", "80", "-y", "24", command)
    try:
        yield session
    finally:
        session.tmux("kill-server", check=False)


def test_demo_starts_draws_and_quits(rwc_in_tmux: TmuxSession) -> None:
    session = rwc_in_tmux
    screen = session.wait_for_text("DEMO", START_TIMEOUT_SECONDS)
    assert "Traceback" not in screen
    session.tmux("send-keys", "-t", session.session_name, "q")
    assert session.wait_until_gone(QUIT_TIMEOUT_SECONDS), (
        f"rwc did not quit on q; screen:\n{session.capture()}"
    )
    assert session.status_file.read_text().strip() == "0"
