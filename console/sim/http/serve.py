"""`rwc sim serve`: the simulator behind all three wire faces at once, with a profile that points rwc at it.

Why: the live backend is only worth trusting if it shows what the demo shows. Serving one simulator as the
Run:ai control plane, the WEKA REST API and the Kubernetes API (each on its own 127.0.0.1 ephemeral port,
all sharing one `SimulatorHost`, so one lock and one clock) lets a person run `rwc --config <profile>` in a
second terminal and see the cluster `rwc --demo` shows, and lets tests do the same in process.

Secrets: every run makes fresh random credentials. They go into files created 0600 in a private 0700
folder (removed when the server stops) that the profile names with `*_file` keys, so nothing secret is
printed, typed on a command line or written to the profile itself. The kubeconfig (which holds a bearer
token) goes into the same folder.

This module prints only from `run_until_stopped`, the CLI's body, which runs in its own process: the server
never shares a terminal with a TUI.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, TextIO

from console.model.identity import Identity, Role
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.kube import kube_server
from console.sim.http.kubeconfig import DEFAULT_CONTEXT, RESEARCHER_CONTEXT, write_kubeconfig
from console.sim.http.runai import LATEST, AppCredential, serve_runai
from console.sim.http.tls import make_server_tls
from console.sim.http.weka import WekaUser, serve_weka
from console.sim.simulator import Simulator

PROFILE_NAME = "sim"
RUNAI_CLIENT_ID = "rwc-sim"
WEKA_USERNAME = "admin"

RUNAI_SECRET_FILE = "runai-client-secret"
WEKA_PASSWORD_FILE = "weka-password"
KUBECONFIG_FILE = "kubeconfig"


@dataclass(frozen=True)
class SimCredentials:
    """What the faces accept; random per run unless a test pins them (to grep for them afterwards)."""

    runai_client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    weka_password: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    kube_token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    kube_researcher_token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class ProfileWriteError(OSError):
    """`--config-out` could not be written safely; the message says why, for one line on stderr."""


def _write_private(path: Path, text: str, *, exclusive: bool = False) -> Path:
    """Create `path` readable by its owner only (0600) before anything is written into it, never through
    a symbolic link planted there (O_NOFOLLOW); `exclusive` also refuses any file already there (O_EXCL)."""
    flags = os.O_WRONLY | os.O_CREAT | _NO_FOLLOW | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
    return path


def _toml_string(value: str) -> str:
    """A TOML basic string; JSON's escapes are a subset of TOML's, so `json.dumps` writes a valid one."""
    return json.dumps(value, ensure_ascii=False)


class ServedSimulator:
    """One simulator behind the Run:ai, WEKA and Kubernetes faces, and the files a profile needs.

    Use as a context manager (`with ServedSimulator(sim) as served:`) or `start()` / `stop()`. `workdir`
    None makes a private temporary folder that `stop()` removes; a given folder is left in place.
    """

    def __init__(
        self,
        simulator: Simulator,
        *,
        clock_speed: float = 1.0,
        credentials: SimCredentials | None = None,
        workdir: Path | None = None,
        profile_name: str = PROFILE_NAME,
        runai_token_lifetime_seconds: float | None = None,
        runai_version: str = LATEST,
        kube_tls: bool = True,
    ) -> None:
        """`kube_tls` False serves the Kubernetes API over plain HTTP (rwc still connects; Go clients
        such as kubectl then send no token)."""
        self.simulator = simulator
        self.host = SimulatorHost(simulator, clock_speed=clock_speed)
        self.credentials = credentials or SimCredentials()
        self.profile_name = profile_name
        self._own_workdir = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="rwc-sim-")) if workdir is None else Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        admin = simulator.runai.identity_for(None, Role.ADMIN)
        self.admin = admin
        runai_options: dict[str, Any] = {"version": runai_version}
        if runai_token_lifetime_seconds is not None:
            runai_options["token_lifetime_seconds"] = runai_token_lifetime_seconds
        # The acting user is the demo's default admin, so `rwc --config` sees what `rwc --demo` sees.
        credential = AppCredential(
            RUNAI_CLIENT_ID, self.credentials.runai_client_secret, admin.user, Role.ADMIN
        )
        self.runai: SimHttpServer = serve_runai(self.host, {RUNAI_CLIENT_ID: credential}, **runai_options)
        self.weka: SimHttpServer = serve_weka(
            self.host, {WEKA_USERNAME: WekaUser(WEKA_USERNAME, self.credentials.weka_password)}
        )
        self.kube_tls = make_server_tls() if kube_tls else None
        self.researcher = simulator.runai.identity_for(None, Role.RESEARCHER)
        self.kube: SimHttpServer = kube_server(
            self.host,
            {
                self.credentials.kube_token: Identity(user=admin.user, role=Role.ADMIN),
                self.credentials.kube_researcher_token: self.researcher,
            },
            ssl_context=self.kube_tls.context if self.kube_tls else None,
        )
        self.kubeconfig_path = self.workdir / KUBECONFIG_FILE
        self.runai_secret_path = self.workdir / RUNAI_SECRET_FILE
        self.weka_password_path = self.workdir / WEKA_PASSWORD_FILE
        self.started_at = simulator.clock.now()
        self._started = False

    @property
    def servers(self) -> tuple[SimHttpServer, SimHttpServer, SimHttpServer]:
        return (self.runai, self.weka, self.kube)

    def start(self) -> ServedSimulator:
        """Start the three servers and write the kubeconfig and the secret files."""
        for server in self.servers:
            server.start()
        self._started = True
        write_kubeconfig(
            self.kubeconfig_path,
            self.kube.url,
            self.credentials.kube_token,
            ca_pem=self.kube_tls.ca_pem if self.kube_tls else None,
            other_contexts={RESEARCHER_CONTEXT: self.credentials.kube_researcher_token},
        )
        _write_private(self.runai_secret_path, self.credentials.runai_client_secret + "\n")
        _write_private(self.weka_password_path, self.credentials.weka_password + "\n")
        return self

    def stop(self) -> None:
        """Stop every server (each even if another fails) and remove a folder this object made."""
        if self._started:
            self._started = False
            for server in self.servers:
                with suppress(OSError):
                    server.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> ServedSimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def clear_faults(self) -> None:
        for server in self.servers:
            server.faults.clear()

    @contextmanager
    def locked(self) -> Iterator[Simulator]:
        """The simulator under the servers' lock (tests move its clock with this)."""
        with self.host.lock:
            yield self.simulator

    # -- the profile ------------------------------------------------------------------------------------
    def profile_toml(self, *, comment: bool = True) -> str:
        """A config file with one profile (the default) for these faces; it names files, never secrets."""
        lines: list[str] = []
        if comment:
            start = self.started_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            lines += [
                f"# rwc sim serve: simulator start {start}, clock speed {self.host.clock_speed:g}",
                f"# Run:ai {self.runai.url}  WEKA {self.weka.url}  Kubernetes {self.kube.url}",
                "# The secret files below exist only while `rwc sim serve` runs.",
            ]
        lines += [f"default_profile = {_toml_string(self.profile_name)}", "", *self.profile_block()]
        return "\n".join(lines) + "\n"

    def profile_block(self) -> list[str]:
        """This simulator's `[profiles.NAME]` table: the lines a config with several sites repeats."""
        cluster = self.simulator.runai.cluster_info()
        lines = [
            f"[profiles.{self.profile_name}]",
            f"runai_url = {_toml_string(self.runai.url)}",
            f"runai_client_id = {_toml_string(RUNAI_CLIENT_ID)}",
            "allow_http = true",  # the faces serve plain HTTP on 127.0.0.1; the header says HTTP
            f"runai_client_secret_file = {_toml_string(str(self.runai_secret_path))}",
            f"cluster_id = {_toml_string(cluster.uuid)}",
            f"weka_url = {_toml_string(self.weka.url)}",
            f"weka_username = {_toml_string(WEKA_USERNAME)}",
            f"weka_password_file = {_toml_string(str(self.weka_password_path))}",
            f"kubeconfig = {_toml_string(str(self.kubeconfig_path))}",
            f"kube_context = {_toml_string(DEFAULT_CONTEXT)}",
        ]
        return lines

    def write_profile(self, path: Path) -> Path:
        """Write `profile_toml()` to `path` atomically (a reader never sees half a file), mode 0600.

        The text goes first into a new file (O_EXCL, O_NOFOLLOW) in a private 0700 folder that `mkdtemp`
        makes beside `path` with an unguessable name, then is renamed over `path`: nobody can plant a link
        where it is written, and a rename replaces whatever is at `path` without following it. A symbolic
        link at `path` itself is refused (it says where someone wanted the profile to go; not rwc's call).
        Raises `ProfileWriteError` with a message for the user.
        """
        return write_profile_file(path, self.profile_toml())


def write_profile_file(path: Path, text: str) -> Path:
    """`text` written to `path` as `ServedSimulator.write_profile` says (atomic, 0600, no links)."""
    path = Path(path).expanduser()
    if path.is_symlink():
        raise ProfileWriteError(
            f"--config-out {path}: it is a symbolic link, which rwc sim serve does not write through; "
            "remove it or choose another path"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    except FileExistsError:
        raise ProfileWriteError(f"--config-out {path}: {path.parent} is not a folder") from None
    except OSError as error:
        raise ProfileWriteError(f"--config-out {path}: {error.strerror or error}") from None
    try:
        partial = _write_private(private / "profile.toml", text, exclusive=True)
        os.replace(partial, path)
    except OSError as error:
        raise ProfileWriteError(f"--config-out {path}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return path


def build_served(
    scenario: str = "demo",
    seed: int = 7,
    *,
    clock_speed: float = 1.0,
    start: datetime | None = None,
    **options: object,
) -> ServedSimulator:
    """A (not yet started) `ServedSimulator` over a fresh scenario; `start` None is the scenario default."""
    from console.sim.scenarios import build_simulator

    simulator = (
        build_simulator(scenario, seed) if start is None else build_simulator(scenario, seed, start=start)
    )
    return ServedSimulator(simulator, clock_speed=clock_speed, **options)  # type: ignore[arg-type]


class Served(Protocol):
    """What `run_until_stopped` serves: one simulator, or the demo's sites (`serve_sites.ServedSites`)."""

    def start(self) -> object: ...

    def stop(self) -> None: ...

    def profile_toml(self, *, comment: bool = True) -> str: ...

    def write_profile(self, path: Path) -> Path: ...


def run_until_stopped(
    served: Served,
    *,
    config_out: Path | None = None,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    install_signal_handlers: bool = True,
) -> int:
    """Start `served`, say how to connect, and serve until SIGINT/SIGTERM (or `stop` is set); returns 0.

    The profile is printed (and written to `config_out` first, so a script waiting for that file finds the
    servers already answering).
    """
    out = out or sys.stdout
    stop = stop or threading.Event()
    previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if install_signal_handlers:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, request_stop)
    try:
        served.start()
        if config_out is not None:
            served.write_profile(config_out)
        print(served.profile_toml(), file=out, flush=True)
        if config_out is not None:
            print(f"# Written to {config_out}. In another terminal: rwc --config {config_out}", file=out)
        else:
            print("# Save the lines above as a config file, then: rwc --config <that file>", file=out)
        print("# Serving until Ctrl-C.", file=out, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        served.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("# Simulator stopped.", file=out, flush=True)
    return 0
