"""A burst without an app: plan and run over the demo's two sites as rwc builds them (each site's backend
audited, over its own simulator, the two sharing the bucket on-prem uploads to and cloud reads).

The demo's burst candidate is `sandbox/sandbox-llm-distill`, pending on-prem for A100s: it reads its corpus
from and writes its runs to `home` (alice's directory), which on-prem uploads nightly to `obs-dr`
(`weka-prod-dr`, cloud's local bucket `obs-cloud`). Time is frozen; the test moves both clocks itself.
"""

from __future__ import annotations

import asyncio

import pytest

from console.backends.demo import DemoBackend
from console.cli import SharedObjectStore, build_backend
from console.config import DEMO_SITES, Config
from console.data import paths
from console.data.audit import read_audit_records
from console.data.backend import Backend
from console.model import FilesystemSpec, Role, UploadSite, WorkloadFilter
from console.sim.clock import DEFAULT_START
from console.sim.simulator import Simulator
from console.ui.burst_plan import BurstPlan, burst_plan
from console.ui.burst_read import read_burst
from console.ui.burst_run import BurstRun, StepState
from console.ui.burst_text import plan_lines, run_lines

WORKLOAD = "sandbox-llm-distill"
TIB = 1024**4


def simulator_of(backend: Backend) -> Simulator:
    inner: object = backend
    while not isinstance(inner, DemoBackend):
        inner = inner.inner  # type: ignore[attr-defined]
    return inner.simulator


@pytest.fixture
def sites() -> tuple[Backend, Backend]:
    config = Config(clock_speed=0, sim_start=DEFAULT_START, sites=DEMO_SITES)
    store = SharedObjectStore()
    on_prem = build_backend(config, site=DEMO_SITES[0], object_store=store)
    cloud = build_backend(config, site=DEMO_SITES[1], object_store=store)
    return on_prem, cloud


async def candidate(on_prem: Backend) -> str:
    [workload] = [
        w for w in await on_prem.workloads(WorkloadFilter(project_name="sandbox")) if w.name == WORKLOAD
    ]
    return workload.id


async def plan_for(on_prem: Backend, cloud: Backend) -> BurstPlan:
    reading = await read_burst("on-prem", on_prem, "cloud", cloud, await candidate(on_prem))
    return burst_plan(reading)


async def run_while_time_passes(run: BurstRun, *simulators: Simulator, step_seconds: float = 2.0) -> float:
    """Run the burst while both simulated clusters move on, `step_seconds` per poll of the run (the demo's
    clock does this in real time); the simulated seconds it took."""
    task = asyncio.create_task(run.run())
    passed = 0.0
    while not task.done() and passed < 8 * 3600:
        await asyncio.sleep(run.poll_seconds)
        for simulator in simulators:
            simulator.advance(step_seconds)
        passed += step_seconds
    await asyncio.wait_for(task, 5)
    return passed


async def test_the_plan_carries_home_through_the_shared_bucket_and_submits_to_the_same_project(sites) -> None:
    on_prem, cloud = sites
    plan = await plan_for(on_prem, cloud)

    assert plan.can_start, plan.problems
    [home] = plan.filesystems
    assert (home.source.name, home.upload_site, home.bucket.name) == ("home", UploadSite.REMOTE, "obs-dr")
    assert (home.target_bucket.name, home.target_name) == ("obs-cloud", "home")
    assert home.previous_upload is not None and home.previous_upload.name == "hourly-20261123-0800"
    assert {(m.claim, m.filesystem, m.path, m.read_only) for m in plan.mounts} == {
        ("distill-corpus-on-prem", "home", "alice/distill/corpus", True),
        ("distill-runs-on-prem", "home", "alice/distill/runs", False),
    }
    spec = plan.spec
    assert spec is not None
    assert (spec.name, spec.project_name, spec.node_pools) == (WORKLOAD, "sandbox", ())
    assert [v.claim for v in spec.volumes] == ["distill-corpus-on-prem", "distill-runs-on-prem"]
    text = "\n".join(plan_lines(plan, suspend_original=True, target_gpus=None, other_targets=0))
    assert "home: 12.4TiB used; on-prem's obs-dr → cloud's obs-cloud" in text
    assert "(weka-prod-dr on s3.eu-west-1.amazonaws.com)" in text
    assert "becomes filesystem home on cloud" in text
    assert "upload: only what changed since hourly-20261123-0800" in text
    assert "Press enter to start" in text


async def test_a_burst_runs_every_step_on_its_site_and_both_simulators_agree(sites) -> None:
    on_prem, cloud = sites
    on_prem_sim, cloud_sim = simulator_of(on_prem), simulator_of(cloud)
    plan = await plan_for(on_prem, cloud)
    run = BurstRun(plan, on_prem, cloud, suspend_original=True, poll_seconds=0.002)

    took = await run_while_time_passes(run, on_prem_sim, cloud_sim)

    assert not run.failed, run_lines(run)
    assert 60 < took < 15 * 60  # what changed in home since 08:00, at obs-dr's 200 MB/s
    assert [s.state for s in run.steps] == [StepState.DONE] * len(run.steps)
    admin = cloud_sim.runai.identity_for(None, Role.ADMIN)
    # cloud: the filesystem made from on-prem's upload, the claims, and the copy mounting them
    home = next(fs for fs in cloud_sim.weka.filesystems() if fs.name == "home")
    assert home.is_ready
    [copy] = [w for w in cloud_sim.runai.workloads(admin, None) if w.name == WORKLOAD]
    assert copy.project_name == "sandbox"
    mounts = {m.claim: m for m in await cloud.workload_mounts(copy.id)}
    assert mounts["distill-runs-on-prem"].location is not None
    assert mounts["distill-runs-on-prem"].location.filesystem == "home"
    assert mounts["distill-runs-on-prem"].location.path == "alice/distill/runs"
    # on-prem: the burst snapshot, uploaded to obs-dr, and the original suspended
    [snapshot] = [s for s in on_prem_sim.weka.snapshots(None) if s.name == run.snapshot_name]
    assert snapshot.locator
    original = next(w for w in on_prem_sim.runai.workloads(admin, None) if w.name == WORKLOAD)
    assert original.phase.value in ("Stopping", "Stopped")
    # every step audited, with its site, before it was sent
    records = read_audit_records(paths.audit_log_path())
    by_site = [(r["profile"], r["action"]) for r in records]
    assert ("on-prem", "create_snapshot") in by_site or any(p == "on-prem" for p, _ in by_site)
    assert {p for p, _ in by_site} == {"on-prem", "cloud"}
    assert "✓ Done" in "\n".join(run_lines(run))


async def test_a_step_that_fails_stops_there_and_says_what_each_site_holds(sites) -> None:
    on_prem, cloud = sites
    on_prem_sim, cloud_sim = simulator_of(on_prem), simulator_of(cloud)
    plan = await plan_for(on_prem, cloud)
    # Between the plan and the run, someone provisions almost all of cloud's SSD.
    admin = cloud_sim.runai.identity_for(None, Role.ADMIN)
    with cloud_sim.lock:
        cloud_sim.weka.create_filesystem(admin, FilesystemSpec("big", "default", 40 * TIB, None))
    run = BurstRun(plan, on_prem, cloud, poll_seconds=0.002)

    await run_while_time_passes(run, on_prem_sim, cloud_sim)

    assert run.failed
    states = [s.state for s in run.steps]
    failed = states.index(StepState.FAILED)
    assert run.steps[failed].title.startswith("create filesystem home")
    assert states[:failed] == [StepState.DONE] * failed
    assert states[failed + 1 :] == [StepState.SKIPPED] * (len(states) - failed - 1)
    assert "SSD" in run.steps[failed].detail
    assert "Made so far: on on-prem: snapshot" in run.outcome
    assert "uploaded to obs-dr" in run.outcome
    assert not [fs for fs in cloud_sim.weka.filesystems() if fs.name == "home"]
    admin_prem = on_prem_sim.runai.identity_for(None, Role.ADMIN)
    original = next(w for w in on_prem_sim.runai.workloads(admin_prem, None) if w.name == WORKLOAD)
    assert original.phase.value == "Pending"  # the original is untouched


async def test_the_results_come_back_the_same_way_once_on_prem_reads_the_bucket_as_a_local_one(sites) -> None:
    on_prem, cloud = sites
    on_prem_sim, cloud_sim = simulator_of(on_prem), simulator_of(cloud)
    forward = BurstRun(await plan_for(on_prem, cloud), on_prem, cloud, poll_seconds=0.002)
    await run_while_time_passes(forward, on_prem_sim, cloud_sim)
    assert not forward.failed, forward.outcome
    admin = cloud_sim.runai.identity_for(None, Role.ADMIN)
    found = [w for w in cloud_sim.runai.workloads(admin, None) if w.name == WORKLOAD]
    [copy] = found

    async def bring_back() -> BurstPlan:
        reading = await read_burst("cloud", cloud, "on-prem", on_prem, copy.id)
        return burst_plan(reading, data_only=True)

    blocked = await bring_back()
    assert not blocked.can_start
    [why] = blocked.problems
    assert "which on-prem attaches only as a remote bucket (obs-dr)" in why
    assert "weka fs tier s3 add obs-dr-local --site local" in why

    # An admin adds the shared bucket on-prem as a local one too (`weka fs tier s3 add … --site local`).
    with on_prem_sim.lock:
        on_prem_sim.weka.add_bucket(
            "obs-dr-local", obs_site="local", bucket="weka-prod-dr", hostname="s3.eu-west-1.amazonaws.com"
        )
    plan = await bring_back()
    assert plan.can_start, plan.problems
    [home] = plan.filesystems
    assert (home.source.name, home.upload_site, home.target_bucket.name, home.target_name) == (
        "home",
        UploadSite.LOCAL,
        "obs-dr-local",
        "home-cloud",
    )
    text = "\n".join(plan_lines(plan, suspend_original=False, target_gpus=None, other_targets=0))
    assert "Data only: the filesystems become new ones on on-prem; nothing is submitted" in text
    back = BurstRun(plan, cloud, on_prem, poll_seconds=0.002)
    assert [s.title.split(" ")[0] for s in back.steps] == ["snapshot", "upload", "create"]

    # Cloud's home was made from a download: its first upload sends all 12.4 TiB, at obs-cloud's 1 GB/s.
    took = await run_while_time_passes(back, on_prem_sim, cloud_sim, step_seconds=60)

    assert not back.failed, back.outcome
    assert 3 * 3600 < took < 5 * 3600
    assert back.outcome == "home-cloud ready on on-prem, from cloud's sandbox-llm-distill data"
    returned = next(fs for fs in on_prem_sim.weka.filesystems() if fs.name == "home-cloud")
    assert returned.is_ready
    actions = [r["action"] for r in read_audit_records(paths.audit_log_path())]
    # the forward burst submitted once; bringing back submitted nothing
    assert actions.count("submit_workload") == 1 and "create_filesystem_claim" in actions
