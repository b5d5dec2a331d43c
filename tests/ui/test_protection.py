"""The RPO view (`:rpo`) on the demo: each filesystem's newest off-cluster copy against the target, those
past it first, and when each fills at the growth rwc measures; an upload clears a red row; and the figures
without an app (trend, states, forecast)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from demo_helpers import demo_app, simulator
from pilot_waits import wait_until

from console.model import (
    AttachedBucket,
    BucketMode,
    Filesystem,
    FilesystemSpec,
    Role,
    Snapshot,
    SnapshotSpec,
    StowStatus,
)
from console.ui.protection import (
    MIN_TREND_SPAN_SECONDS,
    CapacityTrend,
    RpoState,
    cluster_forecast,
    protection_of,
)
from screens.filesystem_detail import FilesystemDetailScreen
from screens.protection import ProtectionScreen
from widgets.resource_table import ResourceTable

SIZE = (100, 30)


def cells(screen: ProtectionScreen, table: ResourceTable) -> dict[str, list[str]]:
    return {
        table.cell_text(key, "name"): [table.cell_text(key, column.key) for column in screen.COLUMNS]
        for key in table.visible_keys()
    }


async def open_rpo(pilot) -> tuple[ProtectionScreen, ResourceTable]:  # noqa: ANN001 - a Pilot
    await pilot.press("colon", *"rpo", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ProtectionScreen), "the RPO view")
    screen = pilot.app.screen
    table = screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count >= 6, "the filesystems")
    return screen, table


async def test_past_the_target_first_and_an_upload_clears_it() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_rpo(pilot)
        rows = cells(screen, table)
        names = [table.cell_text(key, "name") for key in table.visible_keys()]
        # models' nightlies are not uploaded (the demo's RPO story): its one-day target (set on its nightly
        # schedule) is past; scratch is tiered (a bucket to upload to) and never uploaded.
        assert names[:2] == ["models", "scratch"]
        assert rows["models"][2:5] == ["2d18h remote", "1d", "✗ past by 1d18h"]
        assert rows["scratch"][2:5] == ["never", "1d", "✗ never uploaded"]
        # An hourly schedule that uploads keeps a two-hour target (one run may be late or uploading).
        assert rows["datasets"][2:5] == ["1h local", "2h", "✓ within"]
        assert rows["home"][2] == "1h remote"
        assert rows["inference-cache"][4] == "— no bucket"
        assert rows["datasets"][5:] == ["measuring", "measuring"]
        assert screen.screen_title == "RPO 65% full · measuring"  # 285 of 440 TiB; fits 80 columns

        # A new tiered filesystem has never been copied off the cluster; one upload later it is within.
        sim = simulator(app)
        admin = sim.runai.identity_for(None, Role.ADMIN)
        with sim.lock:
            spec = FilesystemSpec("tiny", "tiered", 10 * 1024**4, 1024**4, obs_bucket="obs-local")
            tiny = sim.weka.create_filesystem(admin, spec)
        for _ in range(60):
            with sim.lock:
                if next(fs for fs in sim.weka.filesystems() if fs.uid == tiny.uid).is_ready:
                    break
            sim.advance(5)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "tiny" in cells(screen, table), "the new filesystem")
        assert cells(screen, table)["tiny"][4] == "✗ never uploaded"
        with sim.lock:
            snapshot = sim.weka.create_snapshot(admin, SnapshotSpec(tiny.uid, "first", "first"))
            sim.weka.upload_snapshot(admin, snapshot.uid, "LOCAL")
        for _ in range(120):
            with sim.lock:
                state = next(s for s in sim.weka.snapshots() if s.uid == snapshot.uid).stow_status
            if state is StowStatus.SYNCHRONIZED:
                break
            sim.advance(5)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: cells(screen, table)["tiny"][4] == "✓ within", "tiny within")


async def test_growth_and_the_fill_forecast_once_measured() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_rpo(pilot)
        sim = simulator(app)
        for _ in range(4):  # four polls, 5 simulated minutes apart
            sim.advance(300)
            await pilot.press("ctrl+r")
            await pilot.pause(0.2)
        await wait_until(pilot, lambda: cells(screen, table)["scratch"][5] != "measuring", "a rate")
        rows = cells(screen, table)
        assert rows["scratch"][5].endswith("/d") and rows["scratch"][6][0].isdigit()
        assert rows["inference-cache"][5:] == ["flat", "not growing"]
        assert " · full " in screen.screen_title

        scratch = next(key for key in table.visible_keys() if table.cell_text(key, "name") == "scratch")
        table.move_cursor_to_key(scratch)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemDetailScreen), "the filesystem")


# -- the figures, without an app ------------------------------------------------------------------------
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def a_filesystem(uid: str = "fs", used: int = 500, total: int = 1000, buckets: tuple = ()) -> Filesystem:
    return Filesystem(
        uid, uid, uid, "g", "READY", True, False, False, False, total, total, used, used, 0, buckets, 0, None
    )


def a_snapshot(fs: str, at: datetime, uploaded: str | None) -> Snapshot:
    from console.model import SnapshotUpload

    uploads = (SnapshotUpload(uploaded, StowStatus.SYNCHRONIZED, 100.0, "loc"),) if uploaded else ()
    status = StowStatus.SYNCHRONIZED if uploaded else StowStatus.NONE
    return Snapshot(
        uid=f"s-{at.timestamp()}",
        id="",
        name="n",
        filesystem_uid=fs,
        filesystem_name=fs,
        access_point="a",
        is_writable=False,
        is_removing=False,
        created_at=at,
        stow_status=status,
        upload_progress_percent=None,
        locator="",
        uploads=uploads,
    )


def test_the_trend_is_a_least_squares_rate_once_it_spans_ten_minutes() -> None:
    trend = CapacityTrend()
    step = MIN_TREND_SPAN_SECONDS / 4
    for index in range(4):
        trend.observe([a_filesystem(used=1000 + 60 * index)], T0 + timedelta(seconds=step * index))
    assert trend.rate("fs") is None  # 7.5 minutes
    trend.observe([a_filesystem(used=1000 + 60 * 4)], T0 + timedelta(seconds=step * 4))
    assert trend.rate("fs") == 60 / step
    trend.observe([a_filesystem(used=0)], T0 + timedelta(seconds=step * 4))  # the same poll again: ignored
    assert trend.rate("fs") == 60 / step


def test_states_of_the_recovery_point() -> None:
    trend, now = CapacityTrend(), T0 + timedelta(days=3)
    tiered = (AttachedBucket("b", BucketMode.WRITABLE),)
    recent = [
        a_snapshot("fs", now - timedelta(hours=2), "REMOTE"),
        a_snapshot("fs", now - timedelta(hours=1), None),
    ]
    item = protection_of(a_filesystem(buckets=tiered), recent, trend, now)
    assert (item.state, item.upload_sites, item.newest_snapshot_at) == (
        RpoState.WITHIN,
        ("REMOTE",),
        now - timedelta(hours=1),
    )
    old = [a_snapshot("fs", now - timedelta(hours=30), "LOCAL")]
    late = protection_of(a_filesystem(buckets=tiered), old, trend, now)
    assert late.state is RpoState.PAST and late.past_by_seconds == 6 * 3600
    assert protection_of(a_filesystem(buckets=tiered), [], trend, now).state is RpoState.NEVER
    assert protection_of(a_filesystem(), [], trend, now).state is RpoState.NO_BUCKET
    used, total, rate, days = cluster_forecast([item, late])
    assert (used, total, rate, days) == (1000.0, 2000.0, None, None)  # growth still measuring
