"""Two sites end to end: `rwc sim serve` (a separate process serving on-prem and cloud over real HTTP) and
the real `rwc --config` in an 80x24 tmux pane. It opens on `:sites` with a row per site, `:ctx cloud`
switches to the cloud's cluster without restarting, and `q` exits 0; no screen shows a traceback.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_tmux import (
    QUIT_TIMEOUT_SECONDS,
    REPO_ROOT,
    START_TIMEOUT_SECONDS,
    TmuxSession,
    pytestmark,
    start_in_tmux,
)

__all__ = ["pytestmark"]  # tmux's e2e marks, shared

STEP_TIMEOUT_SECONDS = 15.0


@contextmanager
def serving(tmp_path: Path, clock_speed: str) -> Iterator[Path]:
    """`rwc sim serve --config-out PATH --clock-speed N` running; yields the config it wrote."""
    config_out = tmp_path / "rwc-sites.toml"
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "serve-state")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "console",
            "sim",
            "serve",
            "--clock-speed",
            clock_speed,
            "--config-out",
            str(config_out),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not config_out.exists():
            if process.poll() is not None:
                pytest.fail(f"rwc sim serve exited early: {process.stderr.read() if process.stderr else ''}")
            if time.monotonic() > deadline:
                pytest.fail("rwc sim serve wrote no config in time")
            time.sleep(0.1)
        yield config_out
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def served_sites(tmp_path: Path) -> Iterator[Path]:
    """The two sites with their clocks stopped."""
    with serving(tmp_path, "0") as config:
        yield config


def start_rwc(config: Path, tmp_path: Path) -> tuple[TmuxSession, str, Path]:
    """The real `rwc --config CONFIG` in an 80x24 tmux pane: (session, its name, its exit-status file)."""
    session = start_in_tmux(tmp_path, f"--config {shlex.quote(str(config))}", prefix="rwc-sites")
    return session, session.session_name, session.status_file


def quit_cleanly(session: TmuxSession, status_file: Path) -> None:
    """`q`: rwc exits 0 and no screen showed a traceback."""
    session.send_keys("q")
    assert session.wait_until_gone(QUIT_TIMEOUT_SECONDS), f"rwc did not quit; {session.capture()}"
    assert status_file.read_text().strip() == "0"
    assert not session.tracebacks


def test_two_served_sites_in_one_terminal(served_sites: Path, tmp_path: Path) -> None:
    session, _name, status_file = start_rwc(served_sites, tmp_path)
    try:
        session.wait_for(
            lambda screen: "Sites [2]" in screen and "on-prem" in screen and "cloud" in screen,
            "the sites overview",
            START_TIMEOUT_SECONDS,
        )
        session.wait_for(
            lambda screen: "connected" in screen and " open" in screen,
            "both sites connected",
            STEP_TIMEOUT_SECONDS,
        )
        session.type_text(":ctx cloud")
        session.send_keys("Enter")
        session.wait_for(
            lambda screen: (
                "site cloud" in screen and "Workloads [3]" in screen and "internvl2-pretrain" in screen
            ),
            "the cloud's workloads",
            STEP_TIMEOUT_SECONDS,
        )
        quit_cleanly(session, status_file)
    finally:
        session.tmux("kill-server", check=False)


# Two processes start (the served sites, then rwc) and the burst polls each site every 2 s: on a loaded
# 2-core machine the whole takes longer than the suite's 120 s default, though the burst itself is seconds.
@pytest.mark.timeout(300)
def test_a_burst_from_on_prem_to_cloud_in_one_terminal(tmp_path: Path) -> None:
    """`b` on on-prem's `sandbox-llm-distill`, served at 60 simulated seconds a second: the plan, the
    question, and every step over real HTTP to both sites until the copy is submitted on cloud."""
    with serving(tmp_path, "60") as config:
        session, _name, status_file = start_rwc(config, tmp_path)
        try:
            session.wait_for(
                lambda screen: "connected" in screen and " open" in screen,
                "both sites",
                START_TIMEOUT_SECONDS,
            )
            session.send_keys("2")
            session.wait_for(
                lambda screen: "Workloads [" in screen, "on-prem's workloads", STEP_TIMEOUT_SECONDS
            )
            session.type_text("/llm-distill")
            session.send_keys("Enter")
            session.wait_for(
                lambda screen: "Workloads [1/" in screen, "the candidate alone", STEP_TIMEOUT_SECONDS
            )
            session.send_keys("b")
            session.wait_for(
                lambda screen: "Burst sandbox/sandbox-llm-distill from on-prem to cloud" in screen,
                "the plan",
                STEP_TIMEOUT_SECONDS,
            )
            session.send_keys("Enter")
            session.wait_for(
                lambda screen: "Burst sandbox-llm-distill to cloud?" in screen,
                "the question",
                STEP_TIMEOUT_SECONDS,
            )
            session.send_keys("y")
            ended = session.wait_for(
                lambda screen: "✓ Done:" in screen or "✗ Stopped." in screen, "the burst to end", 150
            )
            assert "✓ Done: sandbox-llm-distill is submitted on cloud" in ended, ended
            session.send_keys("Escape")
            session.type_text(":ctx cloud")
            session.send_keys("Enter")
            session.wait_for(
                lambda screen: "site cloud" in screen and "sandbox-llm-distill" in screen,
                "the copy in cloud's workloads",
                STEP_TIMEOUT_SECONDS,
            )
            quit_cleanly(session, status_file)
        finally:
            session.tmux("kill-server", check=False)
