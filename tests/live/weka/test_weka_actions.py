"""Every WEKA action through `WekaClient` -> HTTP face changes the simulator exactly as the demo backend does.

Each test runs the same steps on both sides (`sim` behind the face, `twin` behind the demo), compares the
results (with the losses `weka_support` documents) and the whole WEKA state, then lets time run on both and
compares again, so hidden differences (a job started twice, a deadline missed) show up too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from weka_support import USERS, advance_both, comparable, make_client, weka_state

from console.backends.demo import DemoBackend
from console.backends.live.weka import WekaClient
from console.data.errors import BackendError, Conflict, Forbidden, Invalid, Unauthorized
from console.model import (
    FilesystemFromSnapshotSpec,
    FilesystemSpec,
    Role,
    SnapshotSpec,
    StowStatus,
)
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.simulator import Simulator
from console.sim.weka_units import TIB

Step = Callable[[Any], Awaitable[Any]]
"""One action, written once against the Backend method names both sides share."""


def uid_of(simulator: Simulator, fs_name: str) -> str:
    return next(fs.uid for fs in simulator.weka.filesystems() if fs.name == fs_name)


def snap_uid(simulator: Simulator, fs_name: str, snap_name: str) -> str:
    return next(
        s.uid for s in simulator.weka.snapshots() if s.filesystem_name == fs_name and s.name == snap_name
    )


async def run_both(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator, steps: list[Step]
) -> None:
    """Run `steps` on both sides, one by one: same results (or same refusal), same state after each."""
    for step in steps:
        live_result, live_error = await _outcome(step(client))
        demo_result, demo_error = await _outcome(step(demo))
        if demo_error is not None:
            assert live_error is not None, f"the live client succeeded where the demo refused: {demo_error}"
            assert type(live_error) is type(demo_error)
            assert live_error.message == demo_error.message
            assert live_error.status == demo_error.status
            assert getattr(live_error, "field", None) == getattr(demo_error, "field", None)
        else:
            assert live_error is None, f"the live client failed where the demo did not: {live_error!r}"
            assert comparable(live_result) == comparable(demo_result)
        assert weka_state(host.simulator) == weka_state(twin)
    for seconds in (1, 5, 30, 600):
        advance_both(host, twin, seconds)
        assert weka_state(host.simulator) == weka_state(twin)


async def _outcome(call: Awaitable[Any]) -> tuple[Any, BackendError | None]:
    try:
        return await call, None
    except BackendError as error:
        return None, error


# -- filesystems -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        FilesystemSpec("projects", "default", 2 * TIB),
        FilesystemSpec("archive", "tiered", 40 * TIB, ssd_capacity_bytes=4 * TIB, obs_bucket="obs-local"),
        FilesystemSpec("vault", "default", 1 * TIB, encrypted=True),
    ],
    ids=["ssd-only", "tiered", "encrypted"],
)
async def test_create_filesystem(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator, spec: FilesystemSpec
) -> None:
    await run_both(client, demo, host, twin, [lambda b: b.create_filesystem(spec)])


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        (FilesystemSpec("home", "default", 2 * TIB), Conflict),
        (FilesystemSpec("projects", "no-such-group", 2 * TIB), Invalid),
        (FilesystemSpec("tiny", "default", 1024), Invalid),
        (FilesystemSpec("huge", "default", 500 * TIB), Invalid),
        (FilesystemSpec("bad/name", "default", 2 * TIB), Invalid),
        (FilesystemSpec("drtier", "default", 2 * TIB, ssd_capacity_bytes=TIB, obs_bucket="obs-dr"), Invalid),
    ],
    ids=["duplicate", "unknown-group", "too-small", "no-ssd-left", "slash", "remote-bucket"],
)
async def test_create_filesystem_refusals(
    client: WekaClient,
    demo: DemoBackend,
    host: SimulatorHost,
    twin: Simulator,
    spec: FilesystemSpec,
    error: type[BackendError],
) -> None:
    with pytest.raises(error):
        await client.create_filesystem(spec)
    await run_both(client, demo, host, twin, [lambda b: b.create_filesystem(spec)])


async def test_resize_filesystem(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    home, scratch = uid_of(twin, "home"), uid_of(twin, "scratch")
    steps: list[Step] = [
        lambda b: b.resize_filesystem(home, 24 * TIB),  # SSD-only: SSD follows the total
        lambda b: b.resize_filesystem(scratch, 90 * TIB),  # tiered: SSD kept
        lambda b: b.resize_filesystem(scratch, 90 * TIB, 12 * TIB),
        lambda b: b.resize_filesystem(home, TIB),  # below what it uses: refused
        lambda b: b.resize_filesystem("no-such-uid", 2 * TIB),
    ]
    await run_both(client, demo, host, twin, steps)


async def test_set_tiering_attach_then_detach(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    cache, checkpoints = uid_of(twin, "inference-cache"), uid_of(twin, "checkpoints")
    steps: list[Step] = [
        lambda b: b.set_filesystem_tiering(cache, "obs-local"),
        lambda b: b.set_filesystem_tiering(cache, "obs-local"),  # already: no change
        lambda b: b.set_filesystem_tiering(cache, "obs-dr"),  # remote bucket: refused
        lambda b: b.set_filesystem_tiering(cache, None),
        lambda b: b.set_filesystem_tiering(cache, None),  # not tiered: nothing to do
        lambda b: b.set_filesystem_tiering(checkpoints, None),  # not enough SSD to bring data back
        lambda b: b.set_filesystem_tiering("no-such-uid", None),
    ]
    await run_both(client, demo, host, twin, steps)


async def test_detach_with_data_only_on_the_object_store_runs_a_task(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    """A tiered filesystem whose data has left SSD: detaching copies it back (an OBS_DETACH task)."""
    with host.lock:
        for simulator in (host.simulator, twin):  # the same setup on both sides: a one-minute retention
            simulator.weka.add_group("fast", target_ssd_retention_seconds=60, start_demote_seconds=5)
    spec = FilesystemSpec("warmup", "fast", 2 * TIB, ssd_capacity_bytes=TIB, obs_bucket="obs-local")
    await run_both(client, demo, host, twin, [lambda b: b.create_filesystem(spec)])
    with host.lock:
        for simulator in (host.simulator, twin):
            simulator.weka.set_write_rate("warmup", 2e9)
    advance_both(host, twin, 300)
    uid = uid_of(twin, "warmup")
    warmup = next(fs for fs in twin.weka.filesystems() if fs.uid == uid)
    assert warmup.used_total_bytes > warmup.used_ssd_bytes  # some data is on the object store only
    await run_both(client, demo, host, twin, [lambda b: b.set_filesystem_tiering(uid, None)])


async def test_delete_filesystem(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    await run_both(
        client, demo, host, twin, [lambda b: b.create_filesystem(FilesystemSpec("temp", "default", 2 * TIB))]
    )
    temp, home = uid_of(twin, "temp"), uid_of(twin, "home")
    steps: list[Step] = [
        lambda b: b.delete_filesystem(temp),  # ready and without snapshots: removed in the background
        lambda b: b.delete_filesystem(temp),  # already being removed: nothing more to do
        lambda b: b.delete_filesystem(home),  # has snapshots: refused (Conflict)
        lambda b: b.delete_filesystem("no-such-uid"),
    ]
    await run_both(client, demo, host, twin, steps)
    await run_both(client, demo, host, twin, [lambda b: b.delete_filesystem(temp)])  # gone: NotFound


async def test_delete_a_filesystem_while_it_is_being_created(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    """Deleting the target is how a create (or a download from a snapshot) is aborted (§12.6)."""
    spec = FilesystemSpec("short-lived", "default", 2 * TIB)
    steps: list[Step] = [
        lambda b: b.create_filesystem(spec),
        lambda b: b.delete_filesystem(uid_of(twin, "short-lived")),
    ]
    await run_both(client, demo, host, twin, steps)


# -- snapshots --------------------------------------------------------------------------------------------


async def test_create_and_delete_snapshots(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    home, models = uid_of(twin, "home"), uid_of(twin, "models")
    steps: list[Step] = [
        lambda b: b.create_snapshot(SnapshotSpec(home, "before-cleanup")),
        lambda b: b.create_snapshot(
            SnapshotSpec(models, "sandbox-2", access_point="sandbox2", is_writable=True)
        ),
        lambda b: b.create_snapshot(SnapshotSpec(home, "before-cleanup")),  # duplicate name
        lambda b: b.create_snapshot(SnapshotSpec("no-such-uid", "x")),
        lambda b: b.delete_snapshot(snap_uid(twin, "home", "before-cleanup")),
        lambda b: b.delete_snapshot(snap_uid(twin, "models", "eval-sandbox")),
        lambda b: b.delete_snapshot("no-such-uid"),
    ]
    await run_both(client, demo, host, twin, steps)


async def test_delete_snapshot_beside_an_upload_is_refused(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    older = next(s.name for s in twin.weka.snapshots() if s.filesystem_name == "checkpoints")
    await run_both(
        client, demo, host, twin, [lambda b: b.delete_snapshot(snap_uid(twin, "checkpoints", older))]
    )


async def test_restore_snapshot(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    steps: list[Step] = [
        lambda b: b.restore_snapshot(snap_uid(twin, "inference-cache", "before-rollout")),
        lambda b: b.restore_snapshot(snap_uid(twin, "datasets", twin.weka.snapshots()[0].name)),
        lambda b: b.restore_snapshot("no-such-uid"),
    ]
    await run_both(client, demo, host, twin, steps)


async def test_upload_snapshots_to_local_and_remote_buckets(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    scratch = next(s.name for s in twin.weka.snapshots() if s.filesystem_name == "scratch")
    models_nightly = max(
        s.name
        for s in twin.weka.snapshots()
        if s.filesystem_name == "models" and s.name.startswith("nightly-")
    )
    steps: list[Step] = [
        lambda b: b.upload_snapshot(snap_uid(twin, "scratch", scratch)),
        # The demo's RPO story: models' release is uploaded already (refused), its nightly is not.
        lambda b: b.upload_snapshot(snap_uid(twin, "models", "release-2026.11"), "REMOTE"),
        lambda b: b.upload_snapshot(snap_uid(twin, "models", models_nightly), "REMOTE"),
        lambda b: b.upload_snapshot(snap_uid(twin, "models", "eval-sandbox")),  # writable: refused
        lambda b: b.upload_snapshot(snap_uid(twin, "inference-cache", "before-rollout")),  # no bucket
        lambda b: b.upload_snapshot(snap_uid(twin, "scratch", scratch)),  # already uploading
        lambda b: b.upload_snapshot(snap_uid(twin, "scratch", scratch), "MARS"),
        lambda b: b.upload_snapshot("no-such-uid"),
    ]
    await run_both(client, demo, host, twin, steps)
    uploaded = await client.snapshots(uid_of(twin, "scratch"))
    assert any(
        s.stow_status is StowStatus.UPLOADING and (s.upload_progress_percent or 0) > 0 for s in uploaded
    )


async def test_create_filesystem_from_an_uploaded_snapshot(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    source = next(
        s
        for s in twin.weka.snapshots()
        if s.filesystem_name == "datasets" and s.stow_status is StowStatus.SYNCHRONIZED
    )
    good = FilesystemFromSnapshotSpec(
        "datasets-dr", "tiered", 200 * TIB, 2 * TIB, "obs-local", source.locator
    )
    steps: list[Step] = [
        lambda b: b.create_filesystem_from_snapshot(good),
        lambda b: b.create_filesystem_from_snapshot(
            FilesystemFromSnapshotSpec("x2", "tiered", 200 * TIB, 2 * TIB, "obs-local", "no/such/locator")
        ),
        lambda b: b.create_filesystem_from_snapshot(
            FilesystemFromSnapshotSpec("x3", "tiered", 200 * TIB, 2 * TIB, "obs-dr", source.locator)
        ),
        lambda b: b.create_filesystem_from_snapshot(
            FilesystemFromSnapshotSpec("x4", "tiered", 10 * TIB, 2 * TIB, "obs-local", source.locator)
        ),
    ]
    await run_both(client, demo, host, twin, steps)
    assert any(t.type == "STOW_DOWNLOAD_FILESYSTEM" for t in host.simulator.weka.tasks()) or all(
        fs.is_ready for fs in host.simulator.weka.filesystems()
    )


# -- who may act ------------------------------------------------------------------------------------------


async def test_a_read_only_user_reads_but_every_action_is_forbidden(
    server: SimHttpServer, host: SimulatorHost, twin: Simulator
) -> None:
    viewer = make_client(server, "viewer", USERS["viewer"].password)
    researcher = DemoBackend(twin, role=Role.RESEARCHER, clock_speed=0)
    home = uid_of(twin, "home")
    snap = snap_uid(twin, "home", twin.weka.snapshots(home)[0].name)
    try:
        assert await viewer.filesystems()
        actions: list[Step] = [
            lambda b: b.create_filesystem(FilesystemSpec("projects", "default", 2 * TIB)),
            lambda b: b.resize_filesystem(home, 30 * TIB),
            lambda b: b.set_filesystem_tiering(home, "obs-local"),
            lambda b: b.delete_filesystem(home),
            lambda b: b.create_snapshot(SnapshotSpec(home, "mine")),
            lambda b: b.delete_snapshot(snap),
            lambda b: b.restore_snapshot(snap),
            lambda b: b.upload_snapshot(snap),
        ]
        for action in actions:
            with pytest.raises(Forbidden) as live:
                await action(viewer)
            with pytest.raises(Forbidden):
                await action(researcher)
            assert live.value.status == 403
        assert weka_state(host.simulator) == weka_state(twin)
    finally:
        await viewer.aclose()


async def test_a_regular_user_may_log_in_but_not_read(server: SimHttpServer) -> None:
    mounter = make_client(server, "mounter", USERS["mounter"].password)
    try:
        await mounter.login()
        with pytest.raises(Forbidden):
            await mounter.filesystems()
    finally:
        await mounter.aclose()


async def test_an_org_admin_logs_in_to_its_org(server: SimHttpServer) -> None:
    tenant = make_client(server, "tenant", USERS["tenant"].password, org="research")
    try:
        assert await tenant.filesystem_groups()
    finally:
        await tenant.aclose()
    wrong_org = make_client(server, "tenant", USERS["tenant"].password)
    try:
        with pytest.raises(Unauthorized):
            await wrong_org.filesystem_groups()
    finally:
        await wrong_org.aclose()


# -- alerts --------------------------------------------------------------------------------------------------
async def test_mute_and_unmute_an_alert_type(
    client: WekaClient, demo: DemoBackend, host: SimulatorHost, twin: Simulator
) -> None:
    """`PUT /alerts/{type}/mute` hides the type for the duration (then WEKA shows it again by itself);
    `unmute` shows it at once; a duration out of bounds is refused before anything is sent."""
    alert_type = twin.weka.alerts()[0].type
    steps: list[Step] = [
        lambda b: b.mute_alert(alert_type, 3600),
        lambda b: b.unmute_alert(alert_type),
        lambda b: b.mute_alert(alert_type, 120),  # shows again by itself after 2 minutes (run_both waits)
    ]
    await run_both(client, demo, host, twin, steps)
    assert not any(alert.muted for alert in await client.alerts())  # 600 s later the mute has run out
    for bad in (0, -5, float("nan"), 10 * 365 * 24 * 3600):
        with pytest.raises(Invalid, match="mute"):
            await client.mute_alert(alert_type, bad)
