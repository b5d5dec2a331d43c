"""`rwc sim serve` as a user runs it: a separate process serving the simulator's three faces, a profile file
that the normal `rwc --config` path turns into a live backend, the demo's workloads over the wire, and a
clean exit 0 on Ctrl-C (SIGINT) that removes the secret files.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from console.backends.demo import DemoBackend
from console.cli import build_backend, parse_args
from console.config import load_config_file
from console.sim.scenarios import build_simulator

REPO_ROOT = Path(__file__).resolve().parents[2]
START_LINE = re.compile(r"^# rwc sim serve: simulator start (\S+), clock speed 0$", re.MULTILINE)
READY_SECONDS = 30.0


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """The server process and its profile file, once written (the servers answer by then)."""
    config_out = tmp_path / "rwc-sim.toml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "console",
            "sim",
            "serve",
            "--config-out",
            str(config_out),
            "--clock-speed",
            "0",
        ],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not config_out.exists():
            if process.poll() is not None:
                pytest.fail(f"rwc sim serve exited early ({process.returncode}): {process.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("rwc sim serve wrote no profile in time")
            time.sleep(0.05)
        yield process, config_out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


async def test_the_served_profile_shows_the_demo_and_ctrl_c_ends_cleanly(
    serving: tuple[subprocess.Popen[str], Path],
) -> None:
    process, config_out = serving
    text = config_out.read_text(encoding="utf-8")
    assert os.stat(config_out).st_mode & 0o777 == 0o600
    found = START_LINE.search(text)
    assert found, text
    start = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))

    profile = load_config_file(config_out).select(None)
    assert profile is not None and profile.runai_client_secret_file is not None
    secret_dir = profile.runai_client_secret_file.parent
    assert secret_dir.stat().st_mode & 0o777 == 0o700
    secrets = [profile.runai_client_secret(), profile.weka_password()]
    assert all(secret not in text for secret in secrets)  # the profile names files, never secrets

    backend = build_backend(parse_args(["--config", str(config_out)]))
    demo = DemoBackend(build_simulator("demo", 7, start=start), clock_speed=0)
    try:
        live_workloads = await backend.workloads()
        assert len(live_workloads) > 40
        assert list(live_workloads) == list(await demo.workloads())
        assert backend.profile_name == "on-prem"  # the first of the demo's two sites, the default
    finally:
        await backend.aclose()

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "[profiles.on-prem]" in out and "[profiles.cloud]" in out and "Simulator stopped." in out
    assert all(secret not in out + err for secret in secrets)
    assert not secret_dir.exists()


def test_sim_serve_help_and_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "console", "sim", "serve", "--clock-speed", "-1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--clock-speed" in result.stderr
    assert result.stdout == ""


def test_importing_the_server_and_the_live_backend_loads_no_client_library() -> None:
    """httpx, kubernetes and pynvml load when a LiveBackend is built, not when its module is imported."""
    probe = (
        "import sys, console.cli, console.sim.http.serve, console.backends.live.backend; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'httpx', 'kubernetes', 'pynvml', 'textual', 'rich'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
