"""The real `rwc` process in a real terminal (tmux at 80x24): it starts (on the demo's two sites), draws,
goes through every screen by number key (1..7) and by `:`, filters with `/`, shows help on `?`, and quits
on `q` with exit 0.

Pilot tests drive the app in-process; these prove the installed entry point, the terminal driver, the
key decoding and the exit path work together, the way a user over SSH meets them. They read only what
`tmux capture-pane` shows, and no screen may ever show a Python traceback.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 20.0
STEP_TIMEOUT_SECONDS = 5.0
QUIT_TIMEOUT_SECONDS = 10.0


class TmuxSession:
    """One detached session on a private tmux server, so a developer's own tmux is never touched."""

    def __init__(self, socket_name: str, session_name: str, status_file: Path, log_file: Path) -> None:
        self.socket_name = socket_name
        self.session_name = session_name
        self.status_file = status_file
        self.log_file = log_file
        self.tracebacks: list[str] = []
        """Every captured screen that showed a traceback (there must be none)."""

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket_name, *args], capture_output=True, text=True, timeout=10, check=check
        )

    def is_alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session_name, check=False).returncode == 0

    def capture(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", self.session_name, check=False)
        screen = result.stdout if result.returncode == 0 else ""
        if "Traceback" in screen:
            self.tracebacks.append(screen)
        return screen

    def send_keys(self, *keys: str) -> None:
        """tmux key names, one key each: `1`, `Enter`, `Escape`, `?`."""
        self.tmux("send-keys", "-t", self.session_name, *keys)

    def type_text(self, text: str) -> None:
        """`text` literally, character by character (so `wl` is not read as a key name)."""
        self.tmux("send-keys", "-t", self.session_name, "-l", text)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float) -> str:
        """Poll the pane until `predicate(screen)` holds; fail with the last screen if it never does."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            finished = self.status_file.exists() or not self.is_alive()
            screen = self.capture()
            if finished:
                pytest.fail(f"rwc exited before showing {what}; {self.diagnostics(screen)}")
            if predicate(screen):
                return screen
            time.sleep(0.1)
        pytest.fail(f"{what} did not appear within {timeout:.0f}s; {self.diagnostics(screen)}")

    def wait_for_text(self, text: str, timeout: float) -> str:
        """Poll the pane until `text` shows; fail with the last screen if it never does."""
        return self.wait_for(lambda screen: text in screen, repr(text), timeout)

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


def rwc_command() -> str:
    """The `rwc` console script installed next to this Python, else `python -m console` (a checkout)."""
    script = shutil.which("rwc", path=str(Path(sys.executable).parent))
    if script is not None:
        return shlex.quote(script)
    return f"{shlex.quote(sys.executable)} -m console"


def start_in_tmux(tmp_path: Path, arguments: str, prefix: str = "rwc-e2e") -> TmuxSession:
    """`rwc ARGUMENTS` in an 80x24 tmux pane with private XDG dirs (under `tmp_path`).

    The wrapper shell writes rwc's exit status to `session.status_file`; after a failure it keeps the pane
    (and rwc's one-line error) on screen so the test can show it, while a clean exit ends the session.
    """
    unique = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    status_file = tmp_path / "exit-status"
    session = TmuxSession(unique, unique, status_file, tmp_path / "xdg-state" / "rwc" / "rwc.log")
    env = {
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "TEXTUAL_ANIMATIONS": "none",
    }
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    command = (
        f"cd {shlex.quote(str(REPO_ROOT))} && env -u NO_COLOR {assignments} {rwc_command()} {arguments}; "
        f"status=$?; echo $status > {shlex.quote(str(status_file))}; "
        f'[ "$status" -eq 0 ] || sleep 30'
    )
    session.tmux("new-session", "-d", "-s", unique, "-x", "80", "-y", "24", command)
    return session


@pytest.fixture
def rwc_in_tmux(tmp_path: Path) -> Iterator[TmuxSession]:
    """`rwc --demo --clock-speed 0` in an 80x24 tmux pane (`start_in_tmux`)."""
    session = start_in_tmux(tmp_path, "--demo --clock-speed 0")
    try:
        yield session
    finally:
        session.tmux("kill-server", check=False)


def test_demo_starts_draws_and_quits(rwc_in_tmux: TmuxSession) -> None:
    session = rwc_in_tmux
    screen = session.wait_for_text("DEMO", START_TIMEOUT_SECONDS)
    assert "Traceback" not in screen
    session.send_keys("q")
    assert session.wait_until_gone(QUIT_TIMEOUT_SECONDS), (
        f"rwc did not quit on q; screen:\n{session.capture()}"
    )
    assert session.status_file.read_text().strip() == "0"


# -- the tour -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """One screen of the tour: its number key, its title in the header and a row the seeded demo has."""

    key: str
    title: str
    row: str


TOUR = (
    Stop("1", "Projects", "llm-pretrain"),
    Stop("2", "Workloads", "mistral-eval"),
    Stop("3", "Nodes", "dgx-h100-04"),
    Stop("4", "GPU fractions", "dgx-a100-01"),
    Stop("5", "Filesystems", "inference-cache"),
    Stop("6", "Snapshots", "eval-sandbox"),  # nightly names carry the date the demo starts
    Stop("7", "WEKA", "weka-prod"),
)


def header_count(screen: str, title: str) -> tuple[int, int] | None:
    """(shown, total) from the header's `Title [total]` or `Title [shown/total] /filter`; None if absent."""
    match = re.search(rf"^ ?{re.escape(title)} \[(?:(\d+)/)?(\d+)\]", screen, re.MULTILINE)
    if match is None:
        return None
    total = int(match.group(2))
    return (int(match.group(1)) if match.group(1) else total, total)


def showing(title: str, *rows: str) -> Callable[[str], bool]:
    """The header names `title` (with its row count, so the data is in) and every one of `rows` shows."""
    return lambda screen: header_count(screen, title) is not None and all(row in screen for row in rows)


def prompt_open(symbol: str) -> Callable[[str], bool]:
    """The prompt line (just above the footer) starts with `symbol`."""

    def is_open(screen: str) -> bool:
        lines = screen.rstrip("\n").splitlines()
        return len(lines) >= 2 and lines[-2].lstrip().startswith(symbol)

    return is_open


def test_tour_of_every_screen_filter_help_and_quit(rwc_in_tmux: TmuxSession) -> None:
    session = rwc_in_tmux
    # `rwc --demo` has two sites (on-prem and cloud), so it opens on their overview.
    session.wait_for(showing("Sites", "on-prem", "cloud"), "the sites at start", START_TIMEOUT_SECONDS)

    for stop in TOUR:
        session.send_keys(stop.key)
        screen = session.wait_for(
            showing(stop.title, stop.row), f"{stop.title} with {stop.row!r}", STEP_TIMEOUT_SECONDS
        )
        assert "DEMO" in screen

    # `:wl` enter goes to the workloads from anywhere (here: the snapshots).
    session.send_keys(":")
    session.wait_for(prompt_open(":"), "the : prompt", STEP_TIMEOUT_SECONDS)
    session.type_text("wl")
    session.send_keys("Enter")
    screen = session.wait_for(
        showing("Workloads", "mistral-eval"), ":wl to the workloads", STEP_TIMEOUT_SECONDS
    )
    counts = header_count(screen, "Workloads")
    assert counts is not None
    _, total = counts

    # `/` narrows the rows as one types; enter keeps the filter, esc clears it.
    session.send_keys("/")
    session.wait_for(prompt_open("/"), "the / prompt", STEP_TIMEOUT_SECONDS)
    session.type_text("jupyter")

    def narrowed(screen: str) -> bool:
        counts = header_count(screen, "Workloads")
        return counts is not None and counts[0] < total and "/jupyter" in screen

    screen = session.wait_for(narrowed, "the workloads filtered by /jupyter", STEP_TIMEOUT_SECONDS)
    assert "jupyter-alice" in screen
    assert "vit-large-pretrain" not in screen
    session.send_keys("Enter")
    session.wait_for(
        lambda screen: narrowed(screen) and not prompt_open("/")(screen),
        "the kept filter",
        STEP_TIMEOUT_SECONDS,
    )
    session.send_keys("Escape")
    session.wait_for(
        lambda screen: header_count(screen, "Workloads") == (total, total) and "/jupyter" not in screen,
        "all workloads again after esc",
        STEP_TIMEOUT_SECONDS,
    )

    # `?` shows the keys of this screen; esc closes it.
    session.send_keys("?")
    screen = session.wait_for_text("Keys — Workloads", STEP_TIMEOUT_SECONDS)
    assert "Workload" in screen and "Submit" in screen  # this screen's own keys come first
    session.send_keys("Escape")
    session.wait_for(
        lambda screen: "Keys — Workloads" not in screen and header_count(screen, "Workloads") is not None,
        "the workloads after closing help",
        STEP_TIMEOUT_SECONDS,
    )

    session.send_keys("q")
    assert session.wait_until_gone(QUIT_TIMEOUT_SECONDS), (
        f"rwc did not quit on q; screen:\n{session.capture()}"
    )
    assert session.status_file.read_text().strip() == "0"
    assert not session.tracebacks, f"a traceback showed:\n{session.tracebacks[0]}"
    log = session.log_file.read_text(errors="replace") if session.log_file.exists() else ""
    assert "Traceback" not in log, log[-4000:]


# -- a burst of keys in one terminal write ---------------------------------------------------------------


def test_c_then_udaily_in_one_write_types_into_the_form_and_deletes_nothing(rwc_in_tmux: TmuxSession) -> None:
    """The report's burst through a real terminal: `cudaily` in one `send-keys` write on Snapshots once
    opened Upload (u), Delete (d) and confirmed the delete with the `y` of "daily". Now the letters
    after `c` are the new snapshot's name, the snapshot count does not move, and nothing is audited."""
    session = rwc_in_tmux
    session.wait_for(showing("Sites", "on-prem", "cloud"), "the sites at start", START_TIMEOUT_SECONDS)
    session.send_keys("6")
    screen = session.wait_for(showing("Snapshots", "eval-sandbox"), "the snapshots", STEP_TIMEOUT_SECONDS)
    before = header_count(screen, "Snapshots")

    session.type_text("cudaily")  # one write: tmux hands rwc all seven bytes in one read
    screen = session.wait_for(
        lambda screen: "Create snapshot" in screen and "udaily" in screen,
        "the create form holding udaily",
        STEP_TIMEOUT_SECONDS,
    )
    assert re.search(r"Name +udaily", screen), screen
    assert "─ Delete" not in screen and "─ Upload" not in screen  # no other dialog's title
    session.send_keys("Escape")
    screen = session.wait_for(
        lambda screen: "Create snapshot" not in screen and header_count(screen, "Snapshots") is not None,
        "the snapshots after esc",
        STEP_TIMEOUT_SECONDS,
    )
    assert header_count(screen, "Snapshots") == before
    audit_log = session.log_file.parent / "audit.jsonl"
    audited = audit_log.read_text() if audit_log.exists() else ""
    assert "delete_snapshot" not in audited and "upload_snapshot" not in audited
    session.send_keys("q")
    assert session.wait_until_gone(QUIT_TIMEOUT_SECONDS)


# -- signals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("signal_name", "status"), [("TERM", 143), ("HUP", 129), ("INT", 130)])
def test_a_signal_ends_rwc_promptly_and_gives_the_terminal_back(
    rwc_in_tmux: TmuxSession, signal_name: str, status: int
) -> None:
    """SIGTERM, SIGHUP (a dropped SSH link) and SIGINT from outside: rwc exits within seconds with 128+n
    and leaves the alternate screen with mouse tracking off (tmux says what the terminal is in)."""
    session = rwc_in_tmux
    session.wait_for(showing("Sites", "on-prem", "cloud"), "the sites at start", START_TIMEOUT_SECONDS)
    shell_pid = session.tmux("display", "-p", "-t", session.session_name, "#{pane_pid}").stdout.strip()
    rwc_pid = subprocess.run(["pgrep", "-P", shell_pid], capture_output=True, text=True).stdout.split()
    assert rwc_pid, "rwc's process under the pane's shell"
    subprocess.run(["kill", f"-{signal_name}", rwc_pid[0]], check=True)
    deadline = time.monotonic() + QUIT_TIMEOUT_SECONDS
    while not session.status_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session.status_file.exists(), (
        f"rwc still running after SIG{signal_name}; {session.diagnostics(session.capture())}"
    )
    assert session.status_file.read_text().strip() == str(status)
    modes = session.tmux(
        "display", "-p", "-t", session.session_name, "#{alternate_on} #{mouse_any_flag}"
    ).stdout
    assert modes.split() == ["0", "0"], f"terminal left in alternate screen / mouse mode: {modes!r}"
    assert "Traceback" not in session.capture()


def test_ctrl_c_typed_ends_rwc_with_130_and_gives_the_terminal_back(rwc_in_tmux: TmuxSession) -> None:
    """ctrl+c typed in rwc (a key, since the terminal is raw) stops it as it stops any terminal program:
    at once, exit status 130, the terminal back to normal (Textual's own ctrl+c only said "use ctrl+q")."""
    session = rwc_in_tmux
    session.wait_for(showing("Sites", "on-prem", "cloud"), "the sites at start", START_TIMEOUT_SECONDS)
    session.send_keys("C-c")
    deadline = time.monotonic() + QUIT_TIMEOUT_SECONDS
    while not session.status_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session.status_file.exists(), (
        f"rwc still running after ctrl+c; {session.diagnostics(session.capture())}"
    )
    assert session.status_file.read_text().strip() == "130"
    modes = session.tmux(
        "display", "-p", "-t", session.session_name, "#{alternate_on} #{mouse_any_flag}"
    ).stdout
    assert modes.split() == ["0", "0"], f"terminal left in alternate screen / mouse mode: {modes!r}"
