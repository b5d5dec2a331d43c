"""The real app over the live backend, with faults injected into the simulator's Run:ai face.

`console.cli.make_app` builds `RwcApp` from a `Config` whose profile points at `rwc sim serve`'s faces
(served in process here), exactly as `rwc --config` does; Pilot drives it at 80x24. The workloads route
then answers 500, hangs past the client's timeout, sends a body that is not JSON, and rejects an expired
token. Each time the app must stay up, keep the last rows, say "stale since HH:MM:SS — <reason>", keep
retrying with a growing backoff, and drop the banner once the fault is gone. A second test runs a session
with actions and then searches everything rwc wrote (the screen, the app log, the audit log) for the
Run:ai client secret and the WEKA password.
"""

from __future__ import annotations

import logging
import random
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.live import backend as live_backend
from console.cli import make_app
from console.config import Config, load_config_file
from console.data import paths
from console.data.resources import NEWEST_WORKLOADS
from console.model import SnapshotSpec
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator, SimCredentials
from console.sim.scenarios import build_simulator
from console.ui.format import format_clock_time
from screens.dialogs import ConfirmDialog
from screens.gpus import GpusScreen
from screens.nodes import NodesScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner

SIZE = (80, 24)
WORKLOADS_ROUTE = r"^/api/v1/workloads$"
REQUEST_TIMEOUT_SECONDS = 1.5
"""Short, so the timeout fault costs seconds, not the default 20; still far above a local answer."""

CREDENTIALS = SimCredentials(
    runai_client_secret="RUNAI-s3cret-never-shown-7Qx",
    weka_password="WEKA-passw0rd-never-shown-4Zk",
    kube_token="KUBE-t0ken-never-shown-9Lm",
)
SECRETS = (CREDENTIALS.runai_client_secret, CREDENTIALS.weka_password, CREDENTIALS.kube_token)
STALE = re.compile(r"stale since (\d\d:\d\d:\d\d) UTC — (.+)$")


class SmallJitter(random.Random):
    """Full jitter always drawing 5% of the ceiling: retries after 0.1, 0.2, 0.4, 0.8 s... (2 s polls),
    so the test sees the backoff grow within seconds."""

    def random(self) -> float:
        return 0.05


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    simulator = build_simulator("demo", 7)
    with ServedSimulator(
        simulator, clock_speed=0, credentials=CREDENTIALS, workdir=tmp_path / "sim"
    ) as running:
        yield running


@pytest.fixture
def live_config(served: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", REQUEST_TIMEOUT_SECONDS)
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)


@pytest.fixture
def app_log() -> Iterator[Path]:
    """The app log as `rwc` writes it (see `console.cli.main`), at DEBUG to catch the most."""
    path = paths.app_log_path()
    paths.ensure_private_dir(path.parent)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


@pytest.fixture
async def app(live_config: Config) -> AsyncIterator[RwcApp]:
    made = make_app(live_config)
    made.store._rng = SmallJitter()  # the Store's jitter source (see SmallJitter)
    yield made


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def wait_for_screen(pilot: Pilot, screen_class: type, what: str) -> None:
    """Until a `screen_class` screen is on top and painted (a question ignores keys typed before)."""
    app = pilot.app
    assert isinstance(app, RwcApp)
    await wait_until(
        pilot, lambda: isinstance(app.screen, screen_class) and app.key_gate.is_shown(app.screen), what
    )


async def workloads_table(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 40, "the workload rows")
    return table


def route_hits(served: ServedSimulator, path: str = "/api/v1/workloads") -> int:
    return sum(1 for seen in list(served.runai.requests_seen) if seen == ("GET", path))


def token_requests(served: ServedSimulator) -> int:
    return sum(1 for seen in list(served.runai.requests_seen) if seen == ("POST", "/api/v1/token"))


async def assert_goes_stale_and_recovers(
    pilot: Pilot,
    served: ServedSimulator,
    fault: Fault,
    reason: str,
    *,
    backoff_attempts: int = 4,
    backoff_grows: bool = True,
) -> None:
    """Inject `fault`, see the banner (with `reason`) over the same rows while the Store retries with a
    growing backoff, clear it, see the banner go without anyone pressing a key. (Under a timeout each
    attempt lasts the client's whole timeout, which dwarfs the backoff: `backoff_grows=False` there.)"""
    app = pilot.app
    assert isinstance(app, RwcApp)
    table = await workloads_table(pilot)
    banner = app.screen.query_one(StaleBanner)
    rows = table.visible_keys()
    assert banner.message == ""
    hits = route_hits(served)

    served.runai.faults.add(fault)
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: banner.message != "", f"the stale banner ({fault.kind})")
    found = STALE.search(banner.message)
    assert found, banner.message
    state = app.store.snapshot(NEWEST_WORKLOADS)
    assert state.error_since is not None and found.group(1) == format_clock_time(state.error_since)
    assert reason in found.group(2), banner.message
    assert table.visible_keys() == rows  # the last rows stay
    assert app.is_running and isinstance(app.screen, WorkloadsScreen)

    # The Store keeps trying the route, each wait longer than the one before.
    attempt_times: dict[int, float] = {}
    target = state.attempt + backoff_attempts - 1

    def record() -> bool:
        attempt = app.store.snapshot(NEWEST_WORKLOADS).attempt
        attempt_times.setdefault(attempt, time.monotonic())
        return attempt >= target

    await wait_until(pilot, record, f"{backoff_attempts} failed attempts", timeout=30)
    assert route_hits(served) > hits + backoff_attempts - 1
    seen = sorted(attempt_times)
    gaps = [attempt_times[b] - attempt_times[a] for a, b in zip(seen, seen[1:], strict=False) if b == a + 1]
    if backoff_grows:
        assert len(gaps) >= 2 and gaps[-1] > gaps[0], gaps
    assert app.store.snapshot(NEWEST_WORKLOADS).next_retry_in is not None
    assert banner.message and table.visible_keys() == rows

    served.runai.faults.clear()
    await wait_until(pilot, lambda: banner.message == "", "the banner to go", timeout=30)
    assert table.row_count == len(rows)
    assert app.store.snapshot(NEWEST_WORKLOADS).error is None


# ====================================================================================================
# faults on the workloads route
# ====================================================================================================
async def test_faults_on_the_workloads_route_leave_stale_rows_then_recover(
    app: RwcApp, served: ServedSimulator
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await workloads_table(pilot)
        assert "INSECURE" not in app.screen.header.render().plain

        await assert_goes_stale_and_recovers(
            pilot, served, Fault(FaultKind.STATUS, WORKLOADS_ROUTE, "GET", status=500), "Injected fault"
        )
        await assert_goes_stale_and_recovers(
            pilot,
            served,
            Fault(FaultKind.TIMEOUT, WORKLOADS_ROUTE, "GET", delay_seconds=REQUEST_TIMEOUT_SECONDS + 1.5),
            "did not answer in time",
            backoff_attempts=2,
            backoff_grows=False,
        )
        await assert_goes_stale_and_recovers(
            pilot, served, Fault(FaultKind.MALFORMED, WORKLOADS_ROUTE, "GET"), "not JSON"
        )

        # An expired token: the route answers 401 once, the client signs in again and nothing goes stale.
        table = await workloads_table(pilot)
        banner = app.screen.query_one(StaleBanner)
        tokens, hits = token_requests(served), route_hits(served)
        served.runai.runai_face.expire_tokens()  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: route_hits(served) >= hits + 2, "the rejected and the repeated call")
        await wait_until(pilot, lambda: token_requests(served) > tokens, "a fresh token")
        await pilot.pause(0.3)
        assert banner.message == "" and table.row_count > 40
        assert app.store.snapshot(NEWEST_WORKLOADS).error is None
        assert app.is_running


async def test_a_run_ai_only_insecure_profile_says_weka_is_not_configured(
    served: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No WEKA in the profile: WEKA screens say so, the rest works; --insecure shows in the header."""
    text = served.profile_toml()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("weka_"))
    path = tmp_path / "runai-only.toml"
    path.write_text(text, encoding="utf-8")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None and not profile.has_weka
    assert profile.allow_http and profile.plain_http_keys == ("runai_url",)
    config = Config(
        demo=False,
        profile=profile,
        profile_name=profile.name,
        config_path=path,
        insecure=True,
        plain_http=True,
    )
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await workloads_table(pilot)
        badges = app.screen.header.render().plain
        assert "INSECURE" in badges and " HTTP " in f"{badges} "  # --insecure and plain http:// are shown
        await pilot.press("6")
        await wait_until(pilot, lambda: app.screen.query(StaleBanner), "the filesystems screen")
        banner = app.screen.query_one(StaleBanner)
        await wait_until(pilot, lambda: "No WEKA configured in profile sim" in banner.message, "the reason")
        assert app.is_running
        alerts = await app.backend.alerts()
        assert alerts and {alert.source for alert in alerts} == {"runai"}


# ====================================================================================================
# secrets never leave
# ====================================================================================================
async def test_a_session_with_actions_writes_no_secret_anywhere(
    app: RwcApp, served: ServedSimulator, app_log: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        table = await workloads_table(pilot)
        screen = app.screen
        assert isinstance(screen, WorkloadsScreen)

        # Suspend a running training (key S, confirm).
        page = screen.context.bridge.snapshot(screen.resource_keys[0]).value
        workloads = page.workloads if page is not None else None
        target = next(w for w in workloads if w.name == "vit-large-pretrain")
        table.move_cursor_to_key(target.id)
        await pilot.pause()
        await pilot.press("S")
        await wait_for_screen(pilot, ConfirmDialog, "the suspend dialog")
        await pilot.press("y")
        await app.workers.wait_for_complete()

        # Cordon a node (screen 3, key c, confirm).
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")
        nodes = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: nodes.row_count > 5, "the node rows")
        nodes.move_cursor_to_key("dgx-a100-03")
        await pilot.pause()
        await pilot.press("c")
        await wait_for_screen(pilot, ConfirmDialog, "the cordon dialog")
        await pilot.press("y")
        await app.workers.wait_for_complete()

        # A WEKA action through the same audited chain the screens use.
        home = next(fs for fs in await app.backend.filesystems() if fs.name == "home")
        await app.backend.create_snapshot(SnapshotSpec(home.uid, "secrets-check"))

        # A failed sign-in: the request that carries the secret is refused, and that is shown and logged.
        served.runai.runai_face.expire_tokens()  # type: ignore[attr-defined]
        served.runai.faults.add(
            Fault(
                FaultKind.STATUS, r"^/api/v1/token$", "POST", status=401, message="Invalid client credentials"
            )
        )
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        await pilot.press("ctrl+r")
        banner = app.screen.query_one(StaleBanner)
        await wait_until(pilot, lambda: "Invalid client credentials" in banner.message, "the sign-in failure")
        served.clear_faults()

        with served.locked() as simulator:
            assert simulator.runai.node("dgx-a100-03").cordoned
        screen_text = app.export_screenshot()

    audit = paths.audit_log_path().read_text(encoding="utf-8")
    assert "suspend_workload" in audit and "cordon_node" in audit and "create_snapshot" in audit
    log = app_log.read_text(encoding="utf-8")
    assert log.strip()
    for secret in SECRETS:
        assert secret not in screen_text
        assert secret not in audit
        assert secret not in log


async def test_without_kubernetes_or_a_gpu_driver_nodes_come_from_run_ai_and_the_gpu_panel_says_why(
    served: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile naming no kubeconfig, on a machine with none and without NVML: not an error at start;
    the nodes screen shows Run:ai's nodes and the GPU panel gives both reasons instead of rows."""
    import kubernetes.config.kube_config

    monkeypatch.setattr(kubernetes.config.kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(tmp_path / "none"))
    monkeypatch.setitem(sys.modules, "pynvml", None)  # importing it fails, as without nvidia-ml-py
    text = "\n".join(line for line in served.profile_toml().splitlines() if not line.startswith("kube"))
    path = tmp_path / "no-kube.toml"
    path.write_text(text, encoding="utf-8")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None and profile.kubeconfig is None and profile.kube_context is None
    app = make_app(Config(demo=False, profile=profile, profile_name=profile.name, config_path=path))
    async with app.run_test(size=SIZE) as pilot:
        await workloads_table(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, NodesScreen), "the nodes screen")
        nodes = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: nodes.row_count == 11, "Run:ai's nodes")
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, GpusScreen), "the GPU panel")
        banner = app.screen.query_one(StaleBanner)
        await wait_until(pilot, lambda: "cannot load gpus" in banner.message, "the GPU panel's reason")
        assert "No Kubernetes access for profile sim" in banner.message
        assert "nvidia-ml-py" in banner.message and "GPU panel is unavailable" in banner.message
        assert app.is_running
