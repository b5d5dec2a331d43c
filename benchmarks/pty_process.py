"""Run a terminal program in a pseudo-terminal and watch what it writes, as a user's terminal would.

Benchmarks measure whole processes (start-up, idle CPU, bytes written), not functions, so they run
the real `rwc` under a pty sized like an SSH session.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path


def private_env(home: str | Path) -> dict[str, str]:
    """The environment of an `rwc` run in a throwaway home: its own config and state folders (no profile
    or log of the user's is read or written) and no animations (frames are what is measured)."""
    return {
        "XDG_CONFIG_HOME": f"{home}/config",
        "XDG_STATE_HOME": f"{home}/state",
        "TEXTUAL_ANIMATIONS": "none",
    }


@dataclass
class PtyProcess:
    """A child process on a pty of `columns` x `rows`; `output` accumulates everything it wrote."""

    argv: list[str]
    columns: int = 80
    rows: int = 24
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    """Where the child runs (`python -m` puts it first on sys.path: another checkout's code runs)."""
    pid: int = 0
    fd: int = -1
    output: bytearray = field(default_factory=bytearray)
    started_at: float = 0.0

    def start(self) -> None:
        environment = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(self.columns),
            "LINES": str(self.rows),
            **self.env,
        }
        # Measure what users run: Python caching bytecode (some shells here export
        # PYTHONDONTWRITEBYTECODE, which would recompile rwc's sources on every start).
        if "PYTHONDONTWRITEBYTECODE" not in self.env:
            environment.pop("PYTHONDONTWRITEBYTECODE", None)
        self.started_at = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            if self.cwd is not None:
                os.chdir(self.cwd)
            os.execvpe(self.argv[0], self.argv, environment)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))

    def read_for(self, seconds: float) -> int:
        """Drain output for `seconds`; returns the bytes read in that time."""
        deadline = time.perf_counter() + seconds
        read = 0
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output.extend(chunk)
            read += len(chunk)
        return read

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> float:
        """Seconds from start until `marker` appears in the output (raises TimeoutError)."""
        deadline = time.perf_counter() + timeout
        while marker not in self.output:
            if time.perf_counter() > deadline:
                tail = bytes(self.output[-400:]).decode(errors="replace")
                raise TimeoutError(f"{marker!r} did not appear within {timeout} s; last output: {tail!r}")
            self.read_for(0.005)
        return time.perf_counter() - self.started_at

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def stop(self) -> None:
        """End the child (SIGTERM, then SIGKILL) and reap it."""
        if not self.pid:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            for _ in range(50):
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.pid = 0
                    break
                self.read_for(0.02)
            if not self.pid:
                break
        with contextlib.suppress(OSError):
            os.close(self.fd)
