"""Where a job's data lives, on the demo at 100x40 with keys in bursts: the workload detail lists each
mount with the WEKA filesystem behind it (used, tiered, newest upload, alerts), `f` opens that filesystem,
and the filesystem's detail lists who mounts it; researchers see their own projects only."""

from __future__ import annotations

from datetime import UTC, datetime

from demo_helpers import demo_app, simulator
from pilot_waits import wait_for_screen, wait_until

from console.model import Alert, AlertSeverity, AttachedBucket, BucketMode, Filesystem, Role, WorkloadPhase
from console.model.storage import DataMount, WekaLocation, WekaVolumeKind, WorkloadMount
from console.ui.data_path import alerts_about, mount_facts, mounted_by, tiering_words
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.confirm import ConfirmDialog
from screens.filesystem_detail import FilesystemDetailScreen
from screens.filesystems import FilesystemsScreen
from screens.snapshots import SnapshotsScreen
from screens.workload_detail import WorkloadDetailScreen
from widgets.resource_table import ResourceTable

SIZE = (100, 40)
ALICE = "alice@acme.ai"


async def open_workload(pilot, name: str) -> WorkloadDetailScreen:  # noqa: ANN001 - a Pilot
    app = pilot.app
    await pilot.press("2")
    table = await wait_until_table(pilot)
    await pilot.press("slash", *name, "enter")
    await wait_until(pilot, lambda: table.visible_keys() and len(table.visible_keys()) == 1, "the filter")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, WorkloadDetailScreen), "the detail")
    screen = app.screen
    await wait_until(pilot, lambda: "Data (" in screen.rendered_text(98), "the data section")
    return screen


async def wait_until_table(pilot) -> ResourceTable:  # noqa: ANN001
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(ResourceTable)), "a table")
    table = pilot.app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "rows")
    return table


async def test_a_trainings_data_then_its_filesystem_then_its_snapshots() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workload(pilot, "vit-large-pretrain")
        text = screen.rendered_text(98)
        assert "Data (2 mounts)  f: the filesystem" in text
        assert "/mnt/weka/datasets/imagenet-21k ro  datasets:/imagenet-21k" in text
        assert "tiered: 81%" in text and "upload 1h ago" in text
        assert "/mnt/weka/checkpoints           rw  checkpoints:/vision" in text

        await pilot.press("f", "enter")  # one read: open the chooser and take the first, datasets
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemDetailScreen), "the filesystem")
        detail = app.screen
        assert isinstance(detail, FilesystemDetailScreen) and detail.filesystem_name == "datasets"
        await wait_until(pilot, lambda: "Mounted by" in detail.rendered_text(98), "who mounts it")
        await wait_until(pilot, lambda: "loading" not in detail.rendered_text(98), "the mounts")
        text = detail.rendered_text(98)
        assert "Used          142TiB of 200TiB (71%)" in text
        assert "Off-site copy newest uploaded snapshot taken 1h ago" in text
        sim = simulator(app)
        admin = sim.runai.identity_for(None, Role.ADMIN)
        with sim.lock:
            expected = mounted_by("datasets", sim.runai.data_mounts(admin))
        workloads = {mount.workload_id for mount in expected}
        projects = {mount.project_name for mount in expected}
        assert f"Mounted by {len(workloads)} workloads of {len(projects)} projects" in text
        assert "vit-large-pretrain" in text and "Completed" not in text  # finished pods hold no mount

        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SnapshotsScreen), "its snapshots")
        assert app.screen.screen_title.endswith("datasets")


async def test_a_filesystem_with_an_alert_from_the_list_and_from_a_mount() -> None:
    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        table = await wait_until_table(pilot)
        assert isinstance(app.screen, FilesystemsScreen)
        scratch = next(key for key in table.visible_keys() if table.cell_text(key, "name") == "scratch")
        table.move_cursor_to_key(scratch)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemDetailScreen), "the detail")
        detail = app.screen
        await wait_until(pilot, lambda: "Alerts (1)" in detail.rendered_text(98), "its alert")
        assert "Filesystem scratch uses 9" in detail.rendered_text(98)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemsScreen), "back on the list")
        assert table.cursor_key == scratch


async def test_a_researcher_sees_who_of_their_projects_mounts_it() -> None:
    app = demo_app(demo=True, role=Role.RESEARCHER, user=ALICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workload(pilot, "jupyter-alice")
        text = screen.rendered_text(98)
        assert "/home/jovyan" in text and "home:/alice" in text
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "which filesystem")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FilesystemDetailScreen), "home")
        detail = app.screen
        await wait_until(
            pilot,
            lambda: "Mounted by" in detail.rendered_text(98) and "loading" not in detail.rendered_text(98),
            "mounts",
        )
        sim = simulator(app)
        with sim.lock:
            alice = sim.runai.identity_for(ALICE, Role.RESEARCHER)
            visible = {w.project_name for w in sim.runai.workloads(alice)}
        shown = mounted_by("home", await app.backend.data_mounts())
        assert shown and {mount.project_name for mount in shown} <= visible


# -- the words, without an app --------------------------------------------------------------------------
def a_filesystem(**changes: object) -> Filesystem:
    values: dict[str, object] = {
        "uid": "u",
        "id": "i",
        "name": "datasets",
        "group_name": "g",
        "status": "READY",
        "is_ready": True,
        "is_creating": False,
        "is_removing": False,
        "is_encrypted": False,
        "total_budget_bytes": 100,
        "ssd_budget_bytes": 40,
        "used_total_bytes": 50,
        "used_ssd_bytes": 20,
        "used_object_bytes": 50,
        "buckets": (AttachedBucket("obs", BucketMode.WRITABLE),),
        "snapshot_count": 0,
        "last_uploaded_snapshot_at": None,
    }
    values.update(changes)
    return Filesystem(**values)  # type: ignore[arg-type]


def an_alert(title: str, description: str, *, muted: bool = False) -> Alert:
    return Alert("t", title, description, AlertSeverity.MAJOR, muted, datetime(2026, 1, 1, tzinfo=UTC))


def test_words_of_a_mount() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert tiering_words(a_filesystem()) == "tiered: 60% not on SSD"
    assert tiering_words(a_filesystem(buckets=())) == "SSD only"
    alerts = [
        an_alert("SSD overfilling", "Filesystem datasets uses 97%"),
        an_alert("x", "Filesystem datasets-old is gone"),  # another filesystem whose name starts the same
        an_alert("muted", "datasets", muted=True),
    ]
    assert [a.description for a in alerts_about("datasets", alerts)] == ["Filesystem datasets uses 97%"]
    location = WekaLocation(WekaVolumeKind.DIRECTORY, "datasets", "imagenet")
    facts = mount_facts(DataMount("c", "/data", True, location), [a_filesystem()], alerts, now)
    assert (facts.access, facts.weka, facts.used, facts.upload, facts.alerts) == (
        "ro",
        "datasets:/imagenet",
        "50B of 100B (50%)",
        "never uploaded",
        1,
    )
    elsewhere = mount_facts(
        DataMount("c", "/x", False, WekaLocation(WekaVolumeKind.FILESYSTEM, "gone")), [], [], now
    )
    assert elsewhere.used == "not on this WEKA cluster"
    broken = mount_facts(DataMount("c", "/y", False, None, "on ebs.csi.aws.com, not WEKA"), [], [], now)
    assert broken.weka == "on ebs.csi.aws.com, not WEKA"


def test_who_mounts_a_filesystem_by_project_then_workload_writers_first() -> None:
    def mount(workload: str, project: str, read_only: bool, fs: str = "datasets") -> WorkloadMount:
        location = WekaLocation(WekaVolumeKind.FILESYSTEM, fs)
        return WorkloadMount(
            workload, workload, project, WorkloadPhase.RUNNING, DataMount("c", "/m", read_only, location)
        )

    mounts = [
        mount("b", "p2", True),
        mount("a", "p2", True),
        mount("a", "p2", False),
        mount("z", "p1", True),
        mount("q", "p1", True, "other"),
    ]
    assert [(m.project_name, m.workload_name, m.mount.read_only) for m in mounted_by("datasets", mounts)] == [
        ("p1", "z", True),
        ("p2", "a", False),
        ("p2", "a", True),
        ("p2", "b", True),
    ]


async def test_the_drain_question_warns_of_cold_datasets() -> None:
    """Draining a node moves vit-large-pretrain, which restarts reading a dataset mostly off SSD."""
    from screens.dialogs import ConfirmDialog
    from screens.nodes import NodesScreen

    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        table = await wait_until_table(pilot)
        assert isinstance(app.screen, NodesScreen)
        table.move_cursor_to_key("dgx-a100-01")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the drain question")
        body = "\n".join(str(line) for line in app.screen.body_lines)
        assert (
            "! vit-large-pretrain restarts reading datasets:/imagenet-21k: 81% of datasets is off SSD" in body
        )
        assert "jupyter-alice restarts" not in body  # a notebook is not preemptible: it stays
        await pilot.press("escape")


async def test_a_drive_failure_in_the_demo_makes_weka_rebuild_and_the_drain_question_warn() -> None:
    """A quarter of an hour in, a WEKA drive fails: the header says REBUILDING, the alerts list DriveDown,
    and draining a node first warns that WEKA is not fully protected; six minutes later it is OK again."""
    from screens.dialogs import ConfirmDialog
    from screens.nodes import NodesScreen

    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator(app)
        with sim.lock:
            sim.advance(16 * 60)
            assert "DriveDown" in [alert.type for alert in sim.weka.alerts()]
        await pilot.press("3")
        table = await wait_until_table(pilot)
        assert isinstance(app.screen, NodesScreen)
        await pilot.press("ctrl+r")

        def weka_in_header() -> str | None:
            summary = app.screen.header.summary
            return summary.weka_status.value if summary and summary.weka_status else None

        await wait_until(pilot, lambda: weka_in_header() == "REBUILDING", "REBUILDING in the header")
        table.move_cursor_to_key("dgx-a100-01")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the drain question")
        body = "\n".join(str(line) for line in app.screen.body_lines)
        assert "WEKA is REBUILDING: " in body and "not fully protected" in body
        await pilot.press("escape")
        with sim.lock:
            sim.advance(6 * 60)
            assert sim.weka.cluster().status.value == "OK"
            assert "DriveDown" not in [alert.type for alert in sim.weka.alerts()]


def test_drain_warnings_of_weka_protection_and_cold_data() -> None:
    from model_factories import a_workload

    from console.model import WekaClusterStatus

    moving = [a_workload(id="w1", name="train-a"), a_workload(id="w2", name="train-b")]
    cold = a_filesystem(used_total_bytes=100, used_ssd_bytes=10)
    warm = a_filesystem(name="warm", used_total_bytes=100, used_ssd_bytes=90)

    def mount(workload_id: str, fs: str, read_only: bool = True) -> WorkloadMount:
        location = WekaLocation(WekaVolumeKind.DIRECTORY, fs, "x")
        return WorkloadMount(
            workload_id,
            f"train-{workload_id[-1]}",
            "p",
            WorkloadPhase.RUNNING,
            DataMount("c", "/d", read_only, location),
        )

    from console.ui.data_path import drain_storage_warnings

    mounts = [
        mount("w1", "datasets"),
        mount("w2", "warm"),
        mount("w2", "datasets", read_only=False),
        mount("w9", "datasets"),
    ]
    assert drain_storage_warnings(moving, mounts, [cold, warm], WekaClusterStatus.REBUILDING) == [
        "WEKA is REBUILDING: the 2 moved workloads restart and write while it is not fully protected.",
        "train-1 restarts reading datasets:/x: 90% of datasets is off SSD, so it first reads from the "
        "object store.",
    ]
    assert drain_storage_warnings(moving, mounts, [warm], WekaClusterStatus.OK) == []
    assert drain_storage_warnings([], mounts, [cold], WekaClusterStatus.UNPROTECTED) == []


async def test_the_gpu_use_line_of_a_training_and_its_windows() -> None:
    """The detail draws how busy the workload kept its GPUs as a line (nvitop's history in a row), its mean
    and its latest reading; `w` cycles 5 minutes, 1 hour, 24 hours."""
    app = demo_app(demo=True)
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await open_workload(pilot, "ltr-xgboost-gpu")  # fed: vit-large-pretrain starves for data
        await wait_until(pilot, lambda: "GPU use 1h" in screen.rendered_text(78), "the hour's line")
        line = next(row for row in screen.rendered_text(78).splitlines() if row.startswith("GPU use"))
        assert "mean 9" in line and "now " in line and any(block in line for block in "▆▇█")
        await pilot.press("w")
        await wait_until(pilot, lambda: "GPU use 1d" in screen.rendered_text(78), "the day's line")
        await pilot.press("w")
        await wait_until(pilot, lambda: "GPU use 5m" in screen.rendered_text(78), "five minutes")


def test_a_sparkline_keeps_gaps_and_scales() -> None:
    from console.ui.sparkline import mean, resample, sparkline

    assert sparkline([0, 50, 100, None, 100], 10) == "▁▅█ █"
    assert len(sparkline(list(range(200)), 40)) == 40
    assert resample([None, None, 10, 20], 2) == [None, 15]
    assert mean([None, float("nan"), 10, 30]) == 20


async def test_checkpoint_suspends_snapshots_what_it_writes_and_resumes() -> None:
    """`c` on a running training: the plan names the filesystem it writes (checkpoints), then suspend →
    snapshot → resume, each step audited; the workload runs again and the snapshot is there."""
    from console.data import paths
    from console.data.audit import read_audit_records

    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workload(pilot, "vit-large-pretrain")
        sim = simulator(app)
        workload_id = screen.workload_id
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the checkpoint question")
        assert "snapshot checkpoints as ckpt-vit-large-pretrai-1123-" in app.screen.question
        await pilot.press("enter")  # suspend, snapshot, resume
        for _ in range(200):  # the simulated clock is frozen: let the pods stop, then come back
            sim.advance(5)
            await pilot.pause(0.05)
            with sim.lock:
                names = [
                    s.name for s in sim.weka.snapshots() if s.name.startswith("ckpt-vit-large-pretrai-1123-")
                ]
                phase = sim.runai.workload(sim.runai.identity_for(None, Role.ADMIN), workload_id).phase
            if names and phase is not WorkloadPhase.STOPPED and phase is not WorkloadPhase.STOPPING:
                break
        assert names, [str(n.message) for n in app._notifications]
        await wait_until(
            pilot, lambda: any("Done: ckpt-" in str(n.message) for n in app._notifications), "done"
        )
    actions = [record["action"] for record in read_audit_records(paths.audit_log_path())]
    assert actions == ["suspend_workload", "create_snapshot", "resume_workload"]


async def test_a_checkpoint_whose_snapshot_fails_stops_there_suspended_and_says_how_to_resume() -> None:
    """The snapshot step is refused (a snapshot of that name exists already): the toast says where it
    stopped and why, the workload stays suspended (its GPUs free, nothing half done), and ⇧r resumes it."""
    from console.data import paths
    from console.data.audit import read_audit_records
    from console.model import SnapshotSpec

    app = demo_app(demo=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workload(pilot, "vit-large-pretrain")
        sim = simulator(app)
        workload_id = screen.workload_id
        admin = sim.runai.identity_for(None, Role.ADMIN)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the checkpoint question")
        planned = next(
            word for word in app.screen.question.split() if word.startswith("ckpt-vit-large-pretrai-")
        )
        with sim.lock:  # someone took a snapshot of that name a moment ago
            checkpoints = next(fs for fs in sim.weka.filesystems() if fs.name == "checkpoints")
            sim.weka.create_snapshot(admin, SnapshotSpec(checkpoints.uid, planned, planned))
        await pilot.press("enter")
        for _ in range(200):  # the simulated clock is frozen: let the pods stop
            sim.advance(5)
            await pilot.pause(0.05)
            if any("Stopped at" in str(n.message) for n in app._notifications):
                break
        failed = next(str(n.message) for n in app._notifications if "Stopped at" in str(n.message))
        assert failed.startswith("Stopped at 2/4 snapshot: ") and "already has a snapshot named" in failed
        assert failed.endswith("vit-large-pretrain stays suspended: ⇧r resumes it.")
        with sim.lock:
            assert sim.runai.workload(admin, workload_id).phase is WorkloadPhase.STOPPED
        await pilot.press("ctrl+r")  # the detail reads it Stopped, so ⇧r asks rather than refuses
        await wait_until(pilot, lambda: "Phase     Stopped" in screen.rendered_text(), "the detail stopped")
        await pilot.press("R")
        await wait_for_screen(pilot, ConfirmDialog, "the resume question")
        await pilot.press("y")
        for _ in range(100):
            sim.advance(5)
            await pilot.pause(0.02)
            with sim.lock:
                phase = sim.runai.workload(admin, workload_id).phase
            if phase not in (WorkloadPhase.STOPPED, WorkloadPhase.STOPPING):
                break
        assert phase not in (WorkloadPhase.STOPPED, WorkloadPhase.STOPPING)
    actions = [record["action"] for record in read_audit_records(paths.audit_log_path())]
    assert actions[:2] == ["suspend_workload", "create_snapshot"] and "resume_workload" in actions
