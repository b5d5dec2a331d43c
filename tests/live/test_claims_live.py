"""A WEKA filesystem bound into a project's namespace over real HTTP, as `rwc --config` does it against the
simulator's faces: the static volume and the claim over the Kubernetes API, then a workload submitted over
Run:ai's with `spec.storage.pvc[]`, whose mounts then resolve (pod -> claim -> volume -> csi handle) to the
filesystem; a second create of the same claim is a clear 409 that names it, and leaves nothing behind."""

from __future__ import annotations

import pytest

from console.data.errors import Conflict, NotFound
from console.model.enums import Role, WorkloadType
from console.model.runai import GpuRequest, WorkloadSpec
from console.model.storage import ClaimSpec, VolumeSpec, WekaLocation, WekaVolumeKind
from console.sim.scenarios import build_simulator
from console.wire.csi_wekafs import WEKA_CSI_DRIVER
from console.wire.kube_static_volumes import StaticClaim, StaticVolume
from tests.live.served_backend import live_backend_over

PROJECT = "vision"
NS = "runai-vision"
CLAIM = ClaimSpec(PROJECT, "burst-checkpoints", "checkpoints", 500 * 2**30, path="vision")


async def test_a_claimed_filesystem_is_what_a_submitted_workload_mounts() -> None:
    simulator = build_simulator("demo", 7)
    async with live_backend_over(simulator) as (backend, _served):
        await backend.create_filesystem_claim(CLAIM)
        submitted = await backend.submit_workload(
            WorkloadSpec(
                "burst-resume",
                PROJECT,
                WorkloadType.TRAINING,
                "nvcr.io/nvidia/pytorch:24.05-py3",
                GpuRequest.whole(1),
                volumes=(VolumeSpec("burst-checkpoints", "/mnt/ckpt"), VolumeSpec("never-made", "/x", True)),
            )
        )
        simulator.advance(30)
        live = await backend.workload_mounts(submitted.id)
        with simulator.lock:
            admin = simulator.runai.identity_for(None, Role.ADMIN)
            assert list(live) == simulator.runai.workload_mounts(admin, submitted.id)  # as the demo says it
        mounts = {mount.claim: mount for mount in live}
    assert mounts["burst-checkpoints"].mount_path == "/mnt/ckpt"
    assert mounts["burst-checkpoints"].location == WekaLocation(
        WekaVolumeKind.DIRECTORY, "checkpoints", "vision"
    )
    assert mounts["never-made"].location is None and "not found" in mounts["never-made"].note


async def test_a_second_create_is_a_clear_conflict_and_leaves_nothing_half_made() -> None:
    simulator = build_simulator("demo", 7)
    async with live_backend_over(simulator) as (backend, _served):
        await backend.create_filesystem_claim(CLAIM)
        with pytest.raises(Conflict) as again:
            await backend.create_filesystem_claim(CLAIM)
        assert "burst-checkpoints" in str(again.value) and "nothing was changed" in str(again.value)
        # A claim of that name made by someone else, on a volume of another name: rwc's volume is made,
        # its claim clashes, and the volume is deleted again.
        with simulator.lock:
            admin = simulator.runai.identity_for(None, Role.ADMIN)
            volume = StaticVolume(
                "someone-elses", WEKA_CSI_DRIVER, "weka/v2/scratch", 2**30, False, NS, "taken"
            )
            simulator.runai.claims.create_volume(admin, volume, {"scratch"}, simulator.clock.now())
            claim = StaticClaim(NS, "taken", "someone-elses", 2**30, False)
            simulator.runai.claims.create_claim(admin, claim, {NS: PROJECT}, simulator.clock.now())
        with pytest.raises(Conflict) as clash:
            await backend.create_filesystem_claim(ClaimSpec(PROJECT, "taken", "datasets", 2**30))
        assert str(clash.value).startswith(
            "claim taken already exists in namespace runai-vision PersistentVolume runai-vision-taken was "
            "deleted again; nothing is left."
        )
        with pytest.raises(NotFound, match="nofs does not exist"):
            await backend.create_filesystem_claim(ClaimSpec(PROJECT, "other", "nofs", 2**30))
        with simulator.lock:
            assert simulator.runai.claims.unclaimed_volumes() == []


async def test_a_suspended_workload_still_shows_the_claims_its_spec_names() -> None:
    """No pods to follow: the claims come from Run:ai's typed route (`spec.storage.pvc[]`), then claim ->
    volume -> csi handle over Kubernetes, as for a running one. The demo's burst candidate, suspended."""
    simulator = build_simulator("demo", 7)
    async with live_backend_over(simulator) as (backend, _served):
        with simulator.lock:
            admin = simulator.runai.identity_for(None, Role.ADMIN)
            [distill] = [w for w in simulator.runai.workloads(admin, None) if w.name == "sandbox-llm-distill"]
            simulator.runai.suspend_workload(admin, distill.id)
        simulator.advance(60)
        assert not (await backend.workload(distill.id)).pods
        live = await backend.workload_mounts(distill.id)
        with simulator.lock:
            assert list(live) == simulator.runai.workload_mounts(admin, distill.id)  # as the demo says it
        mounts = {mount.claim: mount for mount in live}
    assert mounts["distill-runs"].mount_path == "/runs" and not mounts["distill-runs"].read_only
    assert mounts["distill-runs"].location == WekaLocation(
        WekaVolumeKind.DIRECTORY, "home", "alice/distill/runs"
    )
    assert mounts["distill-corpus"].read_only
