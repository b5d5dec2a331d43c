"""Snapshots say where their uploads went, and enter shows one snapshot in full (80x24, seeded demo).

- the key bar's `⏎ Detail` does something on every table screen (Snapshots used to answer "No detail view
  here"): enter on a snapshot opens its detail: name, filesystem, created, mode, access point, and per
  site the bucket, the state, the progress, the measured rate and ETA, and the locator;
- the UPLOAD column says which site an upload went to (`✓ local`, `✓ remote`, `↑local … 40%`);
- `F` offers only the bucket that holds the snapshot, chosen by default, and refuses at once for an
  upload that is only in a remote bucket (WEKA creates filesystems only from local ones).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from console.model import Role, Snapshot, StowStatus
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.ui.format import format_age
from console.ui.keymap import SCREENS, ScreenEntry
from screens.base import ResourceScreen
from screens.dialogs.snapshot_forms import FilesystemFromSnapshotForm
from screens.snapshot_detail import SnapshotDetailScreen
from screens.snapshots import SnapshotsScreen
from screens.workloads import WorkloadsScreen
from widgets.key_bar import KeyBar
from widgets.resource_table import ResourceTable

SIZE = (80, 24)
NO_DETAIL = "No detail view here."


def demo_app() -> RwcApp:
    return make_app(Config(demo=True, clock_speed=0, sim_start=DEFAULT_START))


def simulator_of(app: RwcApp) -> Simulator:
    backend: Any = app.backend
    while not hasattr(backend, "simulator"):
        backend = backend.inner
    return backend.simulator


def sim_snapshot(app: RwcApp, filesystem: str, name: str) -> Snapshot:
    sim = simulator_of(app)
    with sim.lock:
        return next(s for s in sim.weka.snapshots() if (s.filesystem_name, s.name) == (filesystem, name))


def notifications(app: RwcApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def open_snapshots(pilot: Pilot) -> ResourceTable:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, WorkloadsScreen), "the workloads screen")
    await pilot.press("6")
    await wait_until(pilot, lambda: type(pilot.app.screen) is SnapshotsScreen, "the snapshots screen")
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "snapshot rows")
    await pilot.pause()
    return table


async def open_detail(pilot: Pilot, table: ResourceTable, uid: str) -> SnapshotDetailScreen:
    table.move_cursor_to_key(uid)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SnapshotDetailScreen), "the snapshot detail")
    screen = pilot.app.screen
    assert isinstance(screen, SnapshotDetailScreen)
    await wait_until(pilot, lambda: "bucket " in screen.rendered_text(), "the detail's uploads")
    return screen


def text_of(screen: SnapshotDetailScreen) -> str:
    """The detail as one line of words (rows wrap at 80 columns)."""
    return " ".join(screen.rendered_text(width=200).split())


# -- enter: a detail view, not "no detail" ------------------------------------------------------------------


async def test_enter_on_a_snapshot_shows_it_in_full() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        assert "⏎ Detail" in str(pilot.app.screen.query_one(KeyBar).render())
        snapshot = sim_snapshot(app, "datasets", "nightly-20261123")
        screen = await open_detail(pilot, table, snapshot.uid)
        assert NO_DETAIL not in notifications(app)
        assert screen.screen_title == "Snapshot nightly-20261123"
        text = text_of(screen)
        assert "Name nightly-20261123" in text
        assert "Filesystem datasets" in text
        age = format_age(app.backend.now(), snapshot.created_at)
        assert f"Created {snapshot.created_at:%Y-%m-%d %H:%M:%S} UTC ({age} ago)" in text
        assert f"Access point .snapshots/{snapshot.access_point}" in text
        assert "Mode read-only" in text
        assert "local bucket obs-local (weka-prod-tier on s3.dc1.internal) ✓ uploaded" in text
        assert f"locator {snapshot.locator}" in text
        # Its filesystem has no remote bucket: no remote line is made up.
        assert "remote" not in text

        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen) is SnapshotsScreen, "back to the list")
        assert table.cursor_key == snapshot.uid


async def test_the_detail_follows_an_upload_with_its_rate_and_eta() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        table = await open_snapshots(pilot)
        snapshot = sim_snapshot(app, "checkpoints", "pre-release-v3")  # 40% up to obs-local
        screen = await open_detail(pilot, table, snapshot.uid)
        text = text_of(screen)
        assert "local bucket obs-local" in text and "↑ uploading" in text and "40%" in text
        assert "rate: measuring…" in text  # one sample: no rate is made up
        assert "remote bucket obs-dr (weka-prod-dr on s3.eu-west-1.amazonaws.com) not uploaded" in text

        sim.advance(60)
        screen.action_refresh()
        await wait_until(pilot, lambda: "%/min" in text_of(screen), "a measured rate")
        percent = sim_snapshot(app, "checkpoints", "pre-release-v3").upload_progress_percent
        assert percent is not None and percent > 40
        text = text_of(screen)
        match = re.search(r"(\d+)% · (\d+\.\d)%/min · ETA (\S+) \((\d\d:\d\d:\d\d)\)", text)
        assert match is not None, text
        assert int(match[1]) == round(percent)
        assert float(match[2]) == pytest.approx(percent - 40, abs=0.06)  # per minute: one minute passed
        minutes_left = (100 - percent) / (percent - 40)
        assert match[3] == f"{int(minutes_left)}m"

        for _ in range(60):  # until it is done; the view's own one-second poll keeps it current
            if "✓ uploaded" in text_of(screen):
                break
            sim.advance(60)
            screen.action_refresh()
            await pilot.pause(0.05)
        done = sim_snapshot(app, "checkpoints", "pre-release-v3")
        assert done.stow_status is StowStatus.SYNCHRONIZED
        await wait_until(pilot, lambda: f"locator {done.locator}" in text_of(screen), "the locator")
        assert "ETA" not in text_of(screen)


async def press_enter_on(pilot: Pilot, entry: ScreenEntry) -> None:
    """Open `entry`'s screen by its number key (or `:` and its alias), press enter on the first row, and
    come back."""
    app = pilot.app
    if entry.number_key:
        await pilot.press(entry.number_key)
    else:
        await pilot.press("colon", *entry.aliases[0], "enter")
    await wait_until(pilot, lambda: getattr(app.screen, "SCREEN_NAME", "") == entry.name, entry.name)
    screen = app.screen
    assert isinstance(screen, ResourceScreen)
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, f"rows on {entry.name}")
    assert "⏎ Detail" in str(screen.query_one(KeyBar).render())
    await pilot.press("enter")
    await pilot.pause(0.2)
    if app.screen is not screen:
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, f"back to {entry.name}")


async def test_enter_never_answers_no_detail_on_any_table_screen() -> None:
    """The key bar shows `⏎ Detail` on every table screen: on each, enter on the first row does
    something (opens a view or explains the row), never "No detail view here"."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkloadsScreen), "the workloads screen")
        for entry in SCREENS:
            await press_enter_on(pilot, entry)
            assert NO_DETAIL not in notifications(app), entry.name


# -- where the upload went -----------------------------------------------------------------------------------


async def test_the_list_says_where_each_upload_went() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        table = await open_snapshots(pilot)

        def cell(filesystem: str, name: str) -> str:
            return table.cell_text(sim_snapshot(app, filesystem, name).uid, "upload").strip()

        assert cell("datasets", "nightly-20261123") == "✓ local"  # its tiering bucket, obs-local
        assert cell("home", "nightly-20261123") == "✓ remote"  # home has only the DR bucket
        assert cell("scratch", "hourly-20261123-0800") == "not uploaded"
        uploading = cell("checkpoints", "pre-release-v3")
        assert uploading.startswith("↑local ") and uploading.endswith(" 40%")

        # The same snapshot uploaded to both sites says both.
        checkpoints = sim_snapshot(app, "checkpoints", "nightly-20261123")
        with sim.lock:
            sim.weka.upload_snapshot(sim.runai.identity_for(None, Role.ADMIN), checkpoints.uid, "REMOTE")
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: "↑remote" in cell("checkpoints", "nightly-20261123"), "the remote upload"
        )
        assert cell("checkpoints", "nightly-20261123") == "✓local ↑remote 0%"


async def test_filesystem_from_snapshot_offers_only_the_bucket_that_holds_it() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        table.move_cursor_to_key(sim_snapshot(app, "datasets", "nightly-20261123").uid)
        await pilot.press("F")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemFromSnapshotForm), "the form")
        form = app.screen
        assert isinstance(form, FilesystemFromSnapshotForm)
        bucket = next(field for field in form.fields if field.name == "bucket")
        assert [value for _, value in bucket.options] == ["obs-local"]  # not the remote obs-dr
        assert form.values()["bucket"] == "obs-local"


async def test_filesystem_from_a_snapshot_only_in_a_remote_bucket_is_refused_at_once() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_snapshots(pilot)
        table.move_cursor_to_key(sim_snapshot(app, "home", "nightly-20261123").uid)
        await pilot.press("F")
        await wait_until(pilot, lambda: any("remote bucket" in m for m in notifications(app)), "the refusal")
        await pilot.pause(0.2)
        assert type(app.screen) is SnapshotsScreen  # no form to fill in vain
        message = next(m for m in notifications(app) if "remote bucket" in m)
        assert "uploaded only to its remote bucket" in message and "only from a local bucket" in message
