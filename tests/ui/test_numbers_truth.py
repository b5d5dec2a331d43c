"""Every number on screen is true, seen through the real app at 80x24 (demo backend, seed 7):

- an age is right to the unit it shows while the user looks at it: `16s` becomes `17s` a second later on
  the list and the detail alike, and at `--clock-speed 60` a `26m` moves a minute per real second;
- a fraction reads `0.43`, and a `0.5` served as a MIG slice says why it came back as `0.43`;
- a filter matches what the rows show (`/idle` on the GPU screen finds the rows that say idle);
- the resize form prefills a capacity as the user would type it (`1PB`).

The simulator's own clock is frozen (`clock_speed=0`); where an age must move, the backend's clock is
replaced by one that runs from real time at a chosen pace, so the world stays still while time passes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import RwcApp
from console.backends.demo import DemoBackend
from console.cli import make_app
from console.config import Config
from console.model import (
    FilesystemSpec,
    GpuRequest,
    Role,
    Workload,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadType,
)
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.ui.format import format_age
from screens.base import ResourceScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.filesystem_forms import ResizeFilesystemForm
from screens.filesystems import FilesystemsScreen
from screens.gpus import GpusScreen
from screens.logs import LogsScreen
from screens.nodes import NodesScreen
from screens.projects import ProjectsScreen
from screens.snapshot_detail import SnapshotDetailScreen
from screens.snapshots import SnapshotsScreen
from screens.workload_detail import WorkloadDetailScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import AgeCell, ResourceTable

SIZE = (80, 24)
SAMPLE_SECONDS = 3.0
"""How long an age is watched: three changes of a seconds age, three minutes at 60x."""
LATE_SECONDS = 0.5
"""How late (real time) an age may be redrawn: a loaded CI machine, never a poll or a minute."""


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def demo_app() -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START))


def demo_backend(app: RwcApp) -> DemoBackend:
    backend: object = app.backend
    while not isinstance(backend, DemoBackend):
        backend = backend.inner  # type: ignore[attr-defined]
    return backend


def simulator(app: RwcApp) -> Simulator:
    return demo_backend(app).simulator


class RunningClock:
    """The backend's clock running `speed` times real time from `start` (what `--clock-speed` does),
    while the simulator itself stays frozen: ages move, nothing else does."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self.real_start = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.real_start) * self.speed)


def run_clock(app: RwcApp, start: datetime, speed: float) -> RunningClock:
    clock = RunningClock(start, speed)
    demo_backend(app).now = clock  # type: ignore[method-assign]
    return clock


async def watch_age(
    pilot: Pilot, clock: RunningClock, since: datetime, shown: Callable[[], str]
) -> list[str]:
    """Read an age as drawn every few hundredths of a second for `SAMPLE_SECONDS`; each reading must
    be the age at that moment, or at most `LATE_SECONDS` (real time) behind it. The readings."""
    readings: list[str] = []
    end = time.monotonic() + SAMPLE_SECONDS
    while time.monotonic() < end:
        before = clock()
        text = shown()
        after = clock()
        allowed = {
            format_age(before - timedelta(seconds=LATE_SECONDS * clock.speed * step / 4), since)
            for step in range(5)
        } | {format_age(after, since)}
        assert text in allowed, (
            f"shown {text!r} at {after:%H:%M:%S.%f}; the age was {format_age(after, since)!r}"
        )
        readings.append(text)
        await pilot.pause(0.03)
    return readings


def submit(app: RwcApp, name: str, request: GpuRequest, node_pools: tuple[str, ...] = ()) -> str:
    """A workspace submitted to the simulator (as another user would), scheduled at once."""
    sim = simulator(app)
    with sim.lock:
        identity = sim.runai.identity_for(None, Role.ADMIN)
        workload_id = sim.runai.submit_workload(
            identity,
            WorkloadSpec(
                name=name,
                project_name="vision",
                type=WorkloadType.WORKSPACE,
                image="jupyter/base",
                gpu_request=request,
                node_pools=node_pools,
            ),
        )
        sim.settle()
    return workload_id


def sim_workload(app: RwcApp, workload_id: str) -> Workload:
    sim = simulator(app)
    with sim.lock:
        return sim.runai.workload(sim.runai.identity_for(None, Role.ADMIN), workload_id)


async def list_screen(pilot: Pilot, alias: str, screen_class: type[ResourceScreen]) -> ResourceTable:
    """Open a list with `:alias` (as a user does) and wait for its rows."""
    await pilot.press("colon", *alias, "enter")
    app = pilot.app
    await wait_until(pilot, lambda: type(app.screen) is screen_class, screen_class.__name__)
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows on {screen_class.__name__}")
    return table


async def open_detail(pilot: Pilot, table: ResourceTable, workload_id: str) -> WorkloadDetailScreen:
    await wait_until(pilot, lambda: table.get_row(workload_id) is not None, "the workload's row")
    table.move_cursor_to_key(workload_id)
    await pilot.press("enter")
    await wait_for_screen(pilot, WorkloadDetailScreen)
    detail = pilot.app.screen
    assert isinstance(detail, WorkloadDetailScreen)
    await wait_until(pilot, lambda: "Created" in detail.rendered_text(), "the workload's detail")
    return detail


def detail_line(detail: WorkloadDetailScreen, label: str) -> str:
    return next(line for line in detail.rendered_text().splitlines() if line.startswith(label))


# -- ages -------------------------------------------------------------------------------------------------


async def test_a_seconds_age_on_the_list_counts_every_second() -> None:
    """`16s` must not stay `16s` for a minute: the AGE of a new workload follows the clock second by
    second, with no poll and no change to the workload in between."""
    app = demo_app()
    workload_id = submit(app, "age-watch", GpuRequest.whole(0))
    created = sim_workload(app, workload_id).created_at
    clock = run_clock(app, created + timedelta(seconds=10), speed=1)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        await wait_until(pilot, lambda: table.get_row(workload_id) is not None, "the new workload's row")
        readings = await watch_age(pilot, clock, created, lambda: table.cell_text(workload_id, "age"))
    assert len(set(readings)) >= 3, readings  # 10s, 11s, 12s, ... each in its second


async def test_minute_ages_move_a_minute_per_second_at_clock_speed_60() -> None:
    """At `--clock-speed 60` a `26m` becomes `27m` a real second later, not `56m` half a minute later."""
    app = demo_app()
    workload_id = submit(app, "age-watch-60", GpuRequest.whole(0))
    created = sim_workload(app, workload_id).created_at
    clock = run_clock(app, created + timedelta(minutes=26), speed=60)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        await wait_until(pilot, lambda: table.get_row(workload_id) is not None, "the new workload's row")
        readings = await watch_age(pilot, clock, created, lambda: table.cell_text(workload_id, "age"))
    assert len(set(readings)) >= 3, readings


async def test_the_detail_views_ages_tick_too() -> None:
    """ "Created 26m ago" and the pods' AGE on the detail follow the clock as the list's do."""
    app = demo_app()
    workload_id = submit(app, "age-detail", GpuRequest.whole(1))
    workload = sim_workload(app, workload_id)
    created = workload.created_at
    clock = run_clock(app, created + timedelta(minutes=26), speed=60)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        detail = await open_detail(pilot, table, workload_id)

        def created_age() -> str:
            line = detail_line(detail, "Created")
            return line.removeprefix("Created").strip().removesuffix(" ago")

        readings = await watch_age(pilot, clock, created, created_age)
    assert len(set(readings)) >= 3, readings


AGO = re.compile(r"\((\S+) ago\)")
"""`(26m ago)`, as the snapshot detail and an ended workload's log status write it."""


def ago_in(text: str) -> str:
    found = AGO.search(text)
    assert found is not None, text
    return found.group(1)


async def test_the_snapshot_details_created_ago_ticks() -> None:
    app = demo_app()
    sim = simulator(app)
    with sim.lock:
        snapshot = next(iter(sim.weka.snapshots()))
    clock = run_clock(app, snapshot.created_at + timedelta(minutes=26), speed=60)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "snap", SnapshotsScreen)
        table.move_cursor_to_key(snapshot.uid)
        await pilot.press("enter")
        await wait_for_screen(pilot, SnapshotDetailScreen)
        detail = pilot.app.screen
        assert isinstance(detail, SnapshotDetailScreen)
        await wait_until(pilot, lambda: AGO.search(detail.rendered_text()) is not None, "the created age")
        readings = await watch_age(pilot, clock, snapshot.created_at, lambda: ago_in(detail.rendered_text()))
    assert len(set(readings)) >= 3, readings


async def test_an_ended_workloads_log_says_how_long_ago_it_ended_truthfully() -> None:
    """`■ Completed 09:12:30 (26m ago) · log complete` moves on as the clock does."""
    app = demo_app()
    sim = simulator(app)
    with sim.lock:
        admin = sim.runai.identity_for(None, Role.ADMIN)
        ended = next(w for w in sim.runai.workloads(admin, None) if w.phase is WorkloadPhase.COMPLETED)
    ended_at = ended.completed_at or ended.phase_updated_at
    clock = run_clock(app, ended_at + timedelta(minutes=26), speed=60)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        table.move_cursor_to_key(ended.id)
        await pilot.press("l")
        await wait_for_screen(pilot, LogsScreen)
        logs = pilot.app.screen
        assert isinstance(logs, LogsScreen)

        def status() -> str:
            return str(logs.query_one("#view-status", Static).render())

        await wait_until(pilot, lambda: "log complete" in status(), "the ended status")
        readings = await watch_age(pilot, clock, ended_at, lambda: ago_in(status()))
    assert len(set(readings)) >= 3, readings


async def test_a_frozen_clock_redraws_no_age() -> None:
    """`--clock-speed 0`: once the ages are drawn, nothing wakes to redraw them (idle costs nothing)."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        assert any(
            isinstance(cell, AgeCell)
            for key in table.visible_keys()
            for cell in table.get_row(key).cells  # type: ignore[union-attr]
        )
        await pilot.pause(1.0)  # the clock's pace is measured: it does not move
        painted: list[int] = []
        render_line = table.render_line

        def counting_render_line(y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return render_line(y)

        table.render_line = counting_render_line  # type: ignore[method-assign]
        await pilot.pause(2.5)  # more than a poll, more than an age's second
        assert painted == []


# -- fractions ------------------------------------------------------------------------------------------


async def test_half_a_gpu_served_as_a_mig_slice_says_why_it_is_0_43() -> None:
    """With only the MIG node free, `0.5` is served as a 3g.40gb slice, 3/7 of the GPU: the detail says
    `0.43` (never `0.428571`) and why, and the delete question counts it as 0.43 GPU."""
    app = demo_app()
    sim = simulator(app)
    with sim.lock:
        admin = sim.runai.identity_for(None, Role.ADMIN)
        mig_nodes = {gpu.node_name for gpu in sim.runai.gpus(None) if gpu.mig_enabled}
        pool = next(node.node_pool for node in sim.runai.nodes() if node.name in mig_nodes)
        for node in sim.runai.nodes():
            if node.node_pool == pool and node.name not in mig_nodes:
                sim.runai.cordon_node(admin, node.name)
    workload_id = submit(app, "half-on-mig", GpuRequest.fraction(0.5), node_pools=(pool,))
    with sim.lock:
        sim.advance(30)  # scheduled, then started
    assert sim_workload(app, workload_id).allocated_gpus == pytest.approx(3 / 7, abs=1e-6)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "wl", WorkloadsScreen)
        await wait_until(pilot, lambda: table.get_row(workload_id) is not None, "the workload's row")
        assert table.cell_text(workload_id, "allocated").strip() == "0.43"
        detail = await open_detail(pilot, table, workload_id)
        await wait_until(pilot, lambda: "3g.40gb" in detail.rendered_text(), "the MIG slice's name")
        text = " ".join(detail.rendered_text(width=200).split())
        assert "allocated 0.43" in text
        assert "Asked 0.5, got 0.43: a 3g.40gb MIG slice is 3/7 of the GPU" in text
        assert "0.428571" not in text and "0.42857" not in text
        await pilot.press("D")
        await wait_for_screen(pilot, ConfirmDialog)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = " ".join(str(line) for line in dialog.body_lines)
        assert "running on 0.43 GPU(s)" in body
        await pilot.press("n")
        await wait_until(
            pilot, lambda: not isinstance(pilot.app.screen, ConfirmDialog), "the question to close"
        )
    assert sim_workload(app, workload_id).name == "half-on-mig"


# -- filters --------------------------------------------------------------------------------------------


async def test_slash_idle_on_the_gpu_screen_finds_the_gpus_that_say_idle() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "gpu", GpusScreen)
        saying_idle = [key for key in table.visible_keys() if "idle" in table.cell_text(key, "holders")]
        assert saying_idle, "the demo has idle GPUs"
        await pilot.press("slash", *"idle")
        await wait_until(pilot, lambda: table.filter_text == "idle", "the filter to be typed")
        assert table.visible_keys() == saying_idle
        await pilot.press("escape")


SCREENS_BY_ALIAS: list[tuple[str, type[ResourceScreen]]] = [
    ("proj", ProjectsScreen),
    ("wl", WorkloadsScreen),
    ("no", NodesScreen),
    ("gpu", GpusScreen),
    ("fs", FilesystemsScreen),
    ("snap", SnapshotsScreen),
]


def shown_text(table: ResourceTable, key: str) -> str:
    return " ".join(table.cell_text(key, column.key) for column in table.columns).lower()


@pytest.mark.parametrize(("alias", "screen_class"), SCREENS_BY_ALIAS, ids=[a for a, _ in SCREENS_BY_ALIAS])
async def test_a_filter_finds_every_cell_a_row_shows_and_nothing_it_does_not(
    alias: str, screen_class: type[ResourceScreen]
) -> None:
    """For each cell of a few rows, filtering by the cell's text keeps that row, and every row the filter
    keeps shows that text somewhere."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, alias, screen_class)
        keys = table.visible_keys()
        for key in (keys[0], keys[len(keys) // 2], keys[-1]):
            row = table.get_row(key)
            assert row is not None
            for column, cell in zip(table.columns, row.cells, strict=False):
                needle = table.cell_text(key, column.key).strip().lower()
                if not needle or isinstance(cell, AgeCell):
                    continue  # an age changes by itself; nobody filters by one
                table.filter_text = needle
                visible = table.visible_keys()
                assert key in visible, f"/{needle} ({column.key}) lost the row that shows it"
                assert all(needle in shown_text(table, other) for other in visible), (
                    f"/{needle} kept a row that does not show it"
                )
        table.filter_text = ""


# -- capacities ------------------------------------------------------------------------------------------


async def test_the_resize_form_prefills_a_petabyte_as_1pb() -> None:
    app = demo_app()
    sim = simulator(app)
    with sim.lock:
        admin = sim.runai.identity_for(None, Role.ADMIN)
        bucket = next(iter(sim.weka.buckets())).name
        archive = sim.weka.create_filesystem(
            admin,
            FilesystemSpec(
                name="archive",
                group_name="tiered",
                total_capacity_bytes=10**15,
                ssd_capacity_bytes=20 * 10**12,
                obs_bucket=bucket,
            ),
        )
        sim.advance(120)  # created, ready to resize
    async with app.run_test(size=SIZE) as pilot:
        table = await list_screen(pilot, "fs", FilesystemsScreen)
        await wait_until(pilot, lambda: table.get_row(archive.uid) is not None, "the archive filesystem")
        table.move_cursor_to_key(archive.uid)
        await pilot.press("r")
        await wait_for_screen(pilot, ResizeFilesystemForm)
        form = pilot.app.screen
        assert isinstance(form, ResizeFilesystemForm)
        assert form.values() == {"total": "1PB", "ssd": "20TB"}
        assert isinstance(form.widget_for("total"), Input)
        await pilot.press("ctrl+s")  # untouched, it sends the very same bytes back
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ResizeFilesystemForm), "the form")
    with sim.lock:
        after = next(fs for fs in sim.weka.filesystems() if fs.uid == archive.uid)
    assert (after.total_budget_bytes, after.ssd_budget_bytes) == (10**15, 20 * 10**12)
