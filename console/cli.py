"""The `rwc` command: flags -> `Config` -> `Backend` -> `RwcApp`.

This is the one place that picks a backend (DESIGN.md), and the one place where failures become exit
codes: usage and configuration problems print one line and exit 2, anything unexpected prints one line
and exits 1 with the traceback in the log file, never on the terminal. Textual, the simulator and the
live clients are imported lazily so `rwc --help` answers at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from io import TextIOWrapper
from pathlib import Path
from typing import TYPE_CHECKING

from console import __version__
from console.config import (
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    DEMO_SITES,
    SCENARIO_NAMES,
    Config,
    ConfigError,
    Profile,
    load_config_file,
)
from console.data import paths
from console.model import Role

if TYPE_CHECKING:
    from console.app import RwcApp
    from console.data.backend import Backend
    from console.data.sites import Sites
    from console.sim.object_store import ObjectStore
    from console.sim.simulator import Simulator

PROG = "rwc"

EXIT_OK = 0
EXIT_INTERNAL_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

HELP_HINT = f"try '{PROG} --help'"

DESCRIPTION = """\
One keyboard-driven console for a Run:ai + WEKA GPU cluster: projects and
quotas, workloads, nodes, GPUs, WEKA filesystems and snapshots, on one screen
that works over SSH at 80x24.

With no profile configured, rwc opens a built-in simulated cluster (the demo),
so every screen and action can be tried without touching a real cluster."""

EPILOG = """\
examples:
  rwc                             the default profile, or the demo if none
  rwc --demo                      the simulated cluster, in real time
  rwc --demo --scenario large     thousands of nodes, tens of thousands of jobs
  rwc --demo --clock-speed 0      freeze the simulated clock (screenshots)
  rwc --demo --clock-speed 60     one simulated minute per second
  rwc --demo --role researcher    see the cluster as a researcher does
  rwc --profile prod --read-only  look at production, unable to change it
  rwc sim serve --config-out /tmp/rwc-sim.toml
                                  serve the simulator over the real APIs; then, in
                                  another terminal: rwc --config /tmp/rwc-sim.toml

configuration:
  Profiles are read from {config_path}
  (--config overrides it; XDG_CONFIG_HOME is honoured). Secrets come only from
  the environment variable or file a profile names, never from flags.
  A non-empty NO_COLOR in the environment acts like --no-color.
  The log and the audit trail of actions are under {state_dir}"""


class UsageError(Exception):
    """The command line cannot be honoured; the message is one line and the exit code is 2."""


class _OneLineArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake raises `UsageError` instead of printing the usage block and exiting.

    A user who mistypes a flag gets one line that says what is wrong and how to get help; `main` turns
    it into exit code 2, and `parse_args` stays testable without catching SystemExit.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} ({HELP_HINT})")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _clock_speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 1, 10 or 0.5, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0 (0 freezes the clock), got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The `rwc` argument parser; its help names the real config and state paths for this user."""
    parser = _OneLineArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG.format(config_path=paths.config_file_path(), state_dir=paths.state_dir()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    source = parser.add_argument_group("which cluster")
    source.add_argument(
        "--demo",
        action="store_true",
        help="open the built-in simulated cluster even if profiles are configured "
        "(the config file is not read)",
    )
    source.add_argument(
        "--profile",
        metavar="NAME",
        help="connect with the profile NAME from the config file (default: default_profile, or the only one)",
    )
    source.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="read profiles from PATH instead of the default config file (see below)",
    )
    source.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify TLS certificates of the live APIs (shown in the header; prefer ca_bundle)",
    )

    sim = parser.add_argument_group("the demo cluster")
    sim.add_argument(
        "--scenario",
        choices=SCENARIO_NAMES,
        default=None,
        help=f"which simulated cluster: 'demo' (small and believable) or 'large' (for scale) "
        f"(default: {DEFAULT_SCENARIO})",
    )
    sim.add_argument(
        "--seed",
        type=_seed,
        metavar="N",
        default=None,
        help="seed of the simulator: the same seed gives the same cluster and history "
        f"(default: {DEFAULT_SEED})",
    )
    sim.add_argument(
        "--clock-speed",
        type=_clock_speed,
        metavar="X",
        default=None,
        help="simulated seconds per real second; 10 fast-forwards, 0 freezes the clock (default: 1)",
    )
    sim.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=None,
        help="act with this role: admins see and change everything, researchers only their projects "
        "and their own workloads (default: admin)",
    )
    sim.add_argument(
        "--user",
        metavar="NAME",
        default=None,
        help="act as this user (default: the scenario's user for the role)",
    )

    display = parser.add_argument_group("behaviour and display")
    display.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every change (cordon, delete, submit, ...); safe for looking at production",
    )
    display.add_argument(
        "--no-color",
        action="store_true",
        help="monochrome theme that shows state by words and symbols (also when NO_COLOR is set)",
    )
    display.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> Config:
    """Turn the command line (and NO_COLOR, XDG_CONFIG_HOME, the config file) into one `Config`.

    Raises `UsageError` or `ConfigError` (one-line messages) for anything the user must fix; `--help`
    and `--version` raise SystemExit(0) as argparse does.
    """
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    no_color = args.no_color or bool(os.environ.get("NO_COLOR", ""))
    config_path: Path = args.config.expanduser() if args.config is not None else paths.config_file_path()
    demo_options = {
        "--scenario": args.scenario,
        "--seed": args.seed,
        "--clock-speed": args.clock_speed,
        "--role": args.role,
        "--user": args.user,
    }
    if args.demo:
        if args.profile is not None:
            raise UsageError("--profile selects a live cluster; it cannot be combined with --demo")
        profile = None
    else:
        # --config or --profile name a file the user expects to exist; the default one may be absent.
        config_file = load_config_file(
            config_path, must_exist=args.config is not None or args.profile is not None
        )
        profile = config_file.select(args.profile)
        if profile is None and args.config is not None:
            # A file the user named and that holds no profile (`--config /dev/null`, an empty file)
            # must not quietly open the demo: they asked for a cluster.
            raise ConfigError(f"{config_path}: no profiles in this file (add [profiles.NAME], or use --demo)")
        if profile is not None:
            given = [flag for flag, value in demo_options.items() if value is not None]
            if given:
                raise UsageError(
                    f"{', '.join(given)} only {'applies' if len(given) == 1 else 'apply'} "
                    "to the demo cluster; add --demo "
                    f"(profile {profile.name!r} from {config_path} would be used otherwise)"
                )
    site_profiles: tuple[Profile, ...] = ()
    if profile is not None:
        names = config_file.site_names
        if len(names) > 1 and profile.name in names:
            site_profiles = tuple(config_file.profiles[name] for name in names)
    return Config(
        demo=profile is None,
        scenario=args.scenario or DEFAULT_SCENARIO,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        clock_speed=1.0 if args.clock_speed is None else args.clock_speed,
        read_only=args.read_only,
        no_color=no_color,
        user=args.user,
        role=Role(args.role) if args.role else Role.ADMIN,
        profile_name=profile.name if profile else None,
        config_path=config_path,
        insecure=args.insecure or (profile.insecure if profile else False),
        plain_http=bool(profile and profile.plain_http_keys),
        profile=profile,
        sites=DEMO_SITES if profile is None else tuple(p.name for p in site_profiles),
        site_profiles=site_profiles,
    )


def build_backend(
    config: Config,
    *,
    long_lived: bool = False,
    site: str | None = None,
    object_store: Callable[[], ObjectStore] | None = None,
) -> Backend:
    """The one place that picks a backend, then wraps it: read-only refusal inside, the audit outside.

    The audit is outermost so refused attempts are recorded too. Imports are local so `rwc --help`
    never loads the simulator, and the demo never loads httpx, kubernetes or pynvml. `site` names one of
    the demo's sites (`DEMO_SITES`: its simulator and the name the header and the audit give it), and
    `object_store` gives the buckets the demo's sites share (what one uploads, the other can read).
    """
    from console.data.audit import AuditedBackend
    from console.data.readonly import ReadOnlyBackend
    from console.data.visibility import OwnProjectsOnly

    if not config.demo:
        assert config.profile is not None  # Config refuses a live configuration without one
        # Reads the profile's secrets once (a missing env var or file is a ConfigError naming the key,
        # before the screen opens) and builds the clients; no request is sent yet.
        from console.backends.live.backend import LiveBackend

        live = LiveBackend(config.profile, insecure=config.insecure)
        visible: Backend = OwnProjectsOnly(live)  # a researcher sees no other project's names
        wrapped: Backend = ReadOnlyBackend(visible) if config.read_only else visible
        # The user is who the Run:ai token acts as, learnt on the first action.
        return AuditedBackend(
            wrapped, audit_path=paths.audit_log_path(), user=None, profile=live.profile_name
        )

    from console.backends.demo import DemoBackend

    start = config.sim_start or datetime.now(UTC).replace(microsecond=0)

    def simulator_factory() -> Simulator:
        # Imported here, in the worker thread that builds it, so the first frame does not wait for it.
        from console.sim.scenarios import build_simulator, build_site_simulator

        shared = object_store() if object_store is not None else None
        if site is not None and site != DEMO_SITES[0]:
            simulator = build_site_simulator(site, config.seed, start=start, object_store=shared)
        else:
            simulator = build_simulator(config.scenario, config.seed, start=start, object_store=shared)
        simulator.warm_caches()  # here, off the event loop, rather than on the first fetches
        return simulator

    demo = DemoBackend(
        simulator_factory,
        user=config.user,
        role=config.role,
        clock_speed=config.clock_speed,
        start=start,
        freeze_gc=long_lived,
        **({"profile_name": site} if site is not None else {}),
    )
    audit_user: str | None = None  # the demo's default user, known once the simulator is built
    if config.user is not None and site in (None, DEMO_SITES[0]):
        # Checked before the screen opens (so the simulator is built now, not lazily): a --user in
        # no project is almost always a typo (users are e-mail addresses); an empty console won't say.
        acting = demo.identity_now
        if not acting.is_admin and not acting.project_names:
            example = demo.simulator.runai.identity_for(None, Role.RESEARCHER).user
            raise UsageError(
                f"--user {config.user}: not a member of any project in the {config.scenario!r} scenario "
                f"(try --user {example})"
            )
        audit_user = acting.user
    visible = OwnProjectsOnly(demo)  # a researcher sees no other project's names
    backend: Backend = ReadOnlyBackend(visible) if config.read_only else visible
    return AuditedBackend(
        backend, audit_path=paths.audit_log_path(), user=audit_user, profile=demo.profile_name
    )


SIM_DESCRIPTION = """\
Serve the simulator over the real wire formats: the Run:ai control-plane API, the
WEKA REST API and the Kubernetes API, each on a 127.0.0.1 port, for each of the
demo's two sites (on-prem and cloud). It prints a config with a profile per site
(and writes it to --config-out) that points rwc's live backend at them, so
`rwc --config PATH` in another terminal shows the sites `rwc --demo` shows
(`:ctx` switches), and its actions change what is served.
The secrets are fresh random ones in private files that exist while it runs.
Ctrl-C stops it."""


def build_sim_parser() -> argparse.ArgumentParser:
    """`rwc sim serve [--scenario S] [--seed N] [--clock-speed X] [--config-out PATH]`."""
    parser = _OneLineArgumentParser(
        prog=f"{PROG} sim",
        description="The simulator as a service, for trying rwc's live backend without a cluster.",
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="serve")
    serve = commands.add_parser(
        "serve",
        help="serve the simulator's Run:ai, WEKA and Kubernetes APIs on 127.0.0.1",
        description=SIM_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    serve.add_argument(
        "--scenario",
        choices=SCENARIO_NAMES,
        default=DEFAULT_SCENARIO,
        help=f"which simulated cluster (default: {DEFAULT_SCENARIO})",
    )
    serve.add_argument(
        "--seed", type=_seed, metavar="N", default=DEFAULT_SEED, help=f"seed (default: {DEFAULT_SEED})"
    )
    serve.add_argument(
        "--clock-speed",
        type=_clock_speed,
        metavar="X",
        default=1.0,
        help="simulated seconds per real second; 0 freezes the clock (default: 1)",
    )
    serve.add_argument(
        "--config-out",
        metavar="PATH",
        type=Path,
        default=None,
        help="also write the profile to PATH (a config file for rwc --config PATH)",
    )
    serve.add_argument(
        "--kube-plain-http",
        action="store_true",
        help="serve the Kubernetes API over plain HTTP instead of TLS with a generated CA "
        "(rwc still connects; kubectl and other Go clients send no token over HTTP)",
    )
    return parser


def run_sim(argv: Sequence[str]) -> int:
    """`rwc sim ...`: serve until Ctrl-C; exit 0 after a clean shutdown."""
    args = build_sim_parser().parse_args(list(argv))
    from console.sim.http.serve import ProfileWriteError, run_until_stopped
    from console.sim.http.serve_sites import build_served_sites

    start = datetime.now(UTC).replace(microsecond=0)  # like `rwc --demo`: the cluster's history ends now
    served = build_served_sites(
        args.scenario,
        args.seed,
        clock_speed=args.clock_speed,
        start=start,
        kube_tls=not args.kube_plain_http,
    )
    config_out = args.config_out.expanduser() if args.config_out is not None else None
    try:
        return run_until_stopped(served, config_out=config_out)
    except ProfileWriteError as error:  # a symbolic link or an unwritable folder: one line, exit 2
        raise UsageError(str(error)) from None


def site_config(config: Config, profile: Profile) -> Config:
    """`config` for one of its live sites: that profile, with its own TLS and plain-http settings."""
    return dataclasses.replace(
        config,
        profile=profile,
        profile_name=profile.name,
        insecure=config.insecure_for(profile),
        plain_http=bool(profile.plain_http_keys),
    )


def build_sites(
    config: Config,
    first: Backend,
    *,
    long_lived: bool = False,
    object_store: Callable[[], ObjectStore] | None = None,
) -> Sites | None:
    """Every site of `config` (None with one cluster); `first` is the open site's backend, built already
    so that its problems stop rwc as before (exit 2), while another site's only mark its own row."""
    if not config.several_sites:
        return None
    from console.data.sites import Sites, SiteSpec, SiteStateFile

    current = config.sites[0] if config.demo or config.profile is None else config.profile.name

    def opener(name: str) -> Callable[[], Backend]:
        if name == current:
            return lambda: first
        if config.demo:
            return functools.partial(
                build_backend, config, long_lived=long_lived, site=name, object_store=object_store
            )
        profile = next(p for p in config.site_profiles if p.name == name)
        return functools.partial(build_backend, site_config(config, profile), long_lived=long_lived)

    if config.demo:
        specs = [SiteSpec(name, opener(name), "simulated") for name in config.sites]
        scope = "demo"
    else:
        specs = [SiteSpec(p.name, opener(p.name), p.runai_url) for p in config.site_profiles]
        scope = str(config.config_path)
    return Sites(specs, current=current, state_file=SiteStateFile(scope))


class SharedObjectStore:
    """The object store the demo's sites share, made by whichever site's simulator is built first (in
    its worker thread), so the first frame imports nothing of the simulator (`build_backend`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: ObjectStore | None = None

    def __call__(self) -> ObjectStore:
        with self._lock:
            if self._store is None:
                from console.sim.object_store import ObjectStore

                self._store = ObjectStore()
            return self._store


def make_app(config: Config, *, long_lived: bool = False) -> RwcApp:
    """The app exactly as `rwc` runs it: the one factory for the CLI, the UI tests and the snapshot apps."""
    first_site = config.sites[0] if config.demo and config.several_sites else None
    # The demo's sites share the bucket on-prem uploads to and cloud reads.
    object_store = SharedObjectStore() if first_site is not None else None
    backend = build_backend(config, long_lived=long_lived, site=first_site, object_store=object_store)
    sites = build_sites(config, backend, long_lived=long_lived, object_store=object_store)
    from console.app import RwcApp

    return RwcApp(backend=backend, config=config, sites=sites)


# -- running ------------------------------------------------------------------------------------------


class _LazyFileHandler(logging.FileHandler):
    """A log file created (with its private folder) on the first record: `--help` and usage errors leave
    no files behind. It is 0600 in a 0700 folder (tightened if older ones are looser) and never written
    through a symbolic link; if it cannot be opened, records are dropped rather than crashing rwc."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)

    # typeshed says FileHandler._open never returns None; FileHandler.emit skips a record when it does.
    def _open(self) -> TextIOWrapper | None:  # type: ignore[override]
        try:
            descriptor = paths.open_private_append(Path(self.baseFilename))
        except OSError:
            return None  # FileHandler.emit skips a record when there is no stream
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115


MAX_MESSAGE_CHARS = 1000
"""An error line is read, not scrolled: a key or path pasted 100,000 characters long is cut."""


def _one_line(text: object) -> str:
    """Messages go to a terminal that may hold a TUI: one line, of bounded length, whose controls (a
    path or key from the config file may hold ESC) are shown, never obeyed."""
    from console.ui.safe_text import visible  # Textual-free: a config error never loads Textual

    line = visible(" ".join(str(text).split()))
    return line if len(line) <= MAX_MESSAGE_CHARS else f"{line[: MAX_MESSAGE_CHARS - 1]}…"


def _print_error(message: str) -> None:
    print(f"{PROG}: {_one_line(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run rwc and return the exit code: 0 fine, 1 internal error, 2 usage or configuration, 130 ^C."""
    handler = _LazyFileHandler(paths.app_log_path())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    # httpx says every request at INFO; the live backend polls every few seconds, which would bury the log.
    httpx_log = logging.getLogger("httpx")
    previous_httpx_level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)
    log = logging.getLogger("console.cli")
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["sim"]:
            return run_sim(arguments[1:])
        config = parse_args(arguments)
        app = make_app(config, long_lived=True)
        log.info(
            "starting rwc %s (%s)", __version__, "demo" if config.demo else f"profile {config.profile_name}"
        )
        app.run()
        return_code = app.return_code
        return EXIT_OK if return_code is None else return_code
    except SystemExit as exit_request:  # --help and --version
        code = exit_request.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_INTERNAL_ERROR)
    except (UsageError, ConfigError) as error:
        _print_error(f"error: {error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:
        log.exception("internal error")
        _print_error(f"internal error: {type(error).__name__}: {error} (details in {handler.baseFilename})")
        return EXIT_INTERNAL_ERROR
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        httpx_log.setLevel(previous_httpx_level)
        handler.close()


if __name__ == "__main__":  # pragma: no cover - `python -m console` goes through console.__main__
    sys.exit(main())
