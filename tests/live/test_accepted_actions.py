"""An action the server accepted is never reported as failed because only reading it back failed.

Real HTTP to the simulator's three faces (`ServedSimulator`), the real `LiveBackend` built from the profile
`rwc sim serve` writes; a fault on the route of the re-read (never the action's own route) makes that read
fail. The client must raise `ActionAccepted` (the change is in the simulator), the app must toast
"Accepted — …; the row refreshes on the next poll" instead of an error, and the audit log must say
"accepted", so nobody submits the same thing twice.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.app import RwcApp
from console.backends.live import backend as live_backend
from console.backends.live.backend import LiveBackend
from console.cli import make_app
from console.config import Config, Profile, load_config_file
from console.data import paths
from console.data.audit import read_audit_records
from console.data.errors import ActionAccepted, Unavailable
from console.model import GpuRequest, PoolQuota, WorkloadPhase, WorkloadSpec, WorkloadType
from console.model.units import TIB
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.dialogs import ConfirmDialog
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable

RUNNING_TRAINING = "4a564ed2"  # yolov8-detect, a Running training of the seeded demo
WORKLOAD_EVENTS = r"^/api/v1/workloads/[0-9a-f-]{36}/events$"
"""Read only when a workload's detail is read: after suspend, resume and submit, never for the action."""
SUSPENDED = (WorkloadPhase.STOPPING, WorkloadPhase.STOPPED)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


@pytest.fixture
def profile_path(served: ServedSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(live_backend, "REQUEST_TIMEOUT_SECONDS", 5.0)
    return served.write_profile(tmp_path / "rwc-sim.toml")


@pytest.fixture
def profile(profile_path: Path) -> Profile:
    chosen = load_config_file(profile_path, must_exist=True).select(None)
    assert chosen is not None
    return chosen


@pytest.fixture
async def backend(profile: Profile) -> AsyncIterator[LiveBackend]:
    live = LiveBackend(profile, use_nvml=False)
    yield live
    await live.aclose()


def workload_id(served: ServedSimulator, prefix: str = RUNNING_TRAINING) -> str:
    return next(key for key in served.simulator.runai.state.workloads if key.startswith(prefix))


def fail_reads(served: ServedSimulator, server: str, pattern: str) -> None:
    """Every GET of `pattern` on `server` answers 500 (the action's own POST/PATCH/PUT is untouched)."""
    getattr(served, server).faults.add(Fault(FaultKind.STATUS, pattern, "GET", status=500))


# ====================================================================================================
# the data layer: ActionAccepted, and the change is made
# ====================================================================================================
async def test_suspend_accepted_when_its_read_back_fails(
    backend: LiveBackend, served: ServedSimulator
) -> None:
    target = workload_id(served)
    await backend.cluster()
    fail_reads(served, "runai", WORKLOAD_EVENTS)
    with pytest.raises(ActionAccepted) as caught:
        await backend.suspend_workload(target)
    assert isinstance(caught.value.reason, Unavailable)
    with served.locked() as simulator:
        assert simulator.runai.state.workloads[target].phase in SUSPENDED


async def test_submit_accepted_when_its_read_back_fails(
    backend: LiveBackend, served: ServedSimulator
) -> None:
    await backend.cluster()
    fail_reads(served, "runai", WORKLOAD_EVENTS)
    spec = WorkloadSpec("accepted-probe", "vision", WorkloadType.TRAINING, "img:1", GpuRequest.whole(1))
    with pytest.raises(ActionAccepted):
        await backend.submit_workload(spec)
    with served.locked() as simulator:
        assert [w.name for w in simulator.runai.state.workloads.values()].count("accepted-probe") == 1


async def test_quota_edit_accepted_when_its_read_back_fails(
    backend: LiveBackend, served: ServedSimulator
) -> None:
    await backend.cluster()
    await backend.node_pools()
    fail_reads(served, "runai", r"^/api/v1/org-unit/projects/5$")
    with pytest.raises(ActionAccepted):
        await backend.update_project_quotas("5", [PoolQuota("a100", 5)])
    with served.locked() as simulator:
        project = next(p for p in simulator.runai.projects(served.admin) if p.id == "5")
        assert {q.node_pool: q.deserved_gpus for q in project.quotas}["a100"] == 5


async def test_cordon_accepted_when_its_read_back_fails(
    backend: LiveBackend, served: ServedSimulator
) -> None:
    await backend.nodes()
    fail_reads(served, "runai", r"^/api/v1/nodes$")
    with pytest.raises(ActionAccepted):
        await backend.cordon_node("dgx-a100-03")
    with served.locked() as simulator:
        assert simulator.runai.node("dgx-a100-03").cordoned


async def test_weka_resize_accepted_when_its_read_back_fails(
    backend: LiveBackend, served: ServedSimulator
) -> None:
    with served.locked() as simulator:
        home = next(fs for fs in simulator.weka.filesystems() if fs.name == "home")
    await backend.filesystems()
    fail_reads(served, "weka", rf"^/api/v2/fileSystems/{home.uid}$")
    with pytest.raises(ActionAccepted):
        await backend.resize_filesystem(home.uid, 24 * TIB)
    with served.locked() as simulator:
        assert simulator.weka.filesystem(home.uid).total_budget_bytes == 24 * TIB


async def test_a_refused_action_is_still_an_error(backend: LiveBackend, served: ServedSimulator) -> None:
    """Only the read after a 2xx is forgiven: a refusal of the action itself stays what it was."""
    await backend.cluster()
    served.runai.faults.add(Fault(FaultKind.STATUS, r"/suspend$", "POST", status=503))
    with pytest.raises(Unavailable):
        await backend.suspend_workload(workload_id(served))


# ====================================================================================================
# the app: the toast and the audit line
# ====================================================================================================
async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def test_app_says_accepted_not_failed(
    profile: Profile, profile_path: Path, served: ServedSimulator
) -> None:
    config = Config(demo=False, profile=profile, profile_name=profile.name, config_path=profile_path)
    app = make_app(config)
    target = workload_id(served)
    async with app.run_test(size=(120, 30)) as pilot:
        assert isinstance(app, RwcApp)
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        table = app.screen.query_one(ResourceTable)
        await wait_until(pilot, lambda: target in table.visible_keys(), "the running training's row")
        table.move_cursor_to_key(target)
        await pilot.pause()
        fail_reads(served, "runai", WORKLOAD_EVENTS)
        await pilot.press("S")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ConfirmDialog) and app.key_gate.is_shown(app.screen),
            "the suspend question",
        )
        await pilot.press("y")
        toasts = lambda: [(n.severity, n.message) for n in app._notifications]  # noqa: E731
        await wait_until(pilot, lambda: any("Accepted" in message for _, message in toasts()), "the toast")
        assert (
            "information",
            "Accepted — Suspend yolov8-detect; the row refreshes on the next poll.",
        ) in toasts()
        assert not [message for severity, message in toasts() if severity == "error"]
        served.clear_faults()
    with served.locked() as simulator:
        assert simulator.runai.state.workloads[target].phase in SUSPENDED
    lines = read_audit_records(paths.audit_log_path())
    suspend = [line for line in lines if line["action"] == "suspend_workload"]
    assert [line["outcome"] for line in suspend] == ["accepted"]
    assert "500" in suspend[0]["error"]
