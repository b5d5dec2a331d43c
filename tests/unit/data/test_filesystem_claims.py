"""Binding a WEKA filesystem into a project's namespace in the demo, and submitting a workload that mounts
it: what the burst flow does on the receiving site. The claim's filesystem is then where the data path says
the workload's data lives (its mounts, "who mounts this filesystem", the Kubernetes face's pods and claims);
each refusal says why in words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from console.backends.demo import DemoBackend
from console.data.errors import Conflict, Forbidden, Invalid, NotFound, ReadOnlyError
from console.data.readonly import ReadOnlyBackend
from console.model.enums import Role, WorkloadType
from console.model.runai import GpuRequest, WorkloadSpec
from console.model.storage import ClaimSpec, VolumeSpec, WekaLocation, WekaVolumeKind
from console.sim.http.kube_claims import claims, volumes
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

PROJECT = "vision"
CLAIM = ClaimSpec(PROJECT, "burst-models", "models", 200 * 2**30, read_only=True, path="llama")
SUBMIT = WorkloadSpec(
    "burst-serve",
    PROJECT,
    WorkloadType.TRAINING,
    "nvcr.io/nvidia/pytorch:24.05-py3",
    GpuRequest.whole(1),
    volumes=(VolumeSpec("burst-models", "/models"), VolumeSpec("never-made", "/scratch")),
)


@pytest.fixture
def simulator() -> Simulator:
    return build_simulator("demo", 7)


@pytest.fixture
async def backend(simulator: Simulator) -> AsyncIterator[DemoBackend]:
    demo = DemoBackend(simulator, clock_speed=0)
    yield demo
    await demo.aclose()


async def test_a_claimed_filesystem_is_where_the_submitted_workloads_data_lives(
    simulator: Simulator, backend: DemoBackend
) -> None:
    await backend.create_filesystem_claim(CLAIM)
    workload = await backend.submit_workload(SUBMIT)
    simulator.advance(10)
    mounts = list(await backend.workload_mounts(workload.id))
    llama = WekaLocation(WekaVolumeKind.DIRECTORY, "models", "llama")
    assert [(m.claim, m.mount_path, m.read_only, m.location) for m in mounts] == [
        ("burst-models", "/models", True, llama),  # the claim is read-only, so its mount is
        ("never-made", "/scratch", False, None),
    ]
    assert mounts[1].note == "claim never-made not found in runai-vision"  # not bound: no filesystem made up
    mounted_by = [m for m in await backend.data_mounts() if m.workload_id == workload.id]
    assert [m.mount.location for m in mounted_by] == [llama, None]
    with simulator.lock:
        served = {(e.namespace, e.claim): e for e in claims(simulator, "runai-vision")}
        assert served[("runai-vision", "burst-models")].handle == "weka/v2/models/llama"
        assert served[("runai-vision", "burst-models")].storage_class == ""
        assert ("runai-vision", "never-made") not in served
        assert [e.volume for e in volumes(simulator) if e.claim == "burst-models"] == [
            "runai-vision-burst-models"
        ]


async def test_a_workload_submitted_without_volumes_mounts_what_it_always_did(
    simulator: Simulator, backend: DemoBackend
) -> None:
    await backend.create_filesystem_claim(CLAIM)
    workload = await backend.submit_workload(
        WorkloadSpec("plain", PROJECT, WorkloadType.TRAINING, "img", GpuRequest.whole(1))
    )
    simulator.advance(10)
    claims_mounted = [m.claim for m in await backend.workload_mounts(workload.id)]
    assert "burst-models" not in claims_mounted and claims_mounted[1] == "checkpoints-vision"


async def test_refusals_say_why(simulator: Simulator, backend: DemoBackend) -> None:
    await backend.create_filesystem_claim(CLAIM)
    with pytest.raises(Conflict, match="^claim burst-models already exists in namespace runai-vision"):
        await backend.create_filesystem_claim(CLAIM)
    with pytest.raises(NotFound, match="Filesystem lost-fs does not exist on this site's WEKA"):
        await backend.create_filesystem_claim(ClaimSpec(PROJECT, "other", "lost-fs", 2**30))
    with pytest.raises(Invalid, match="Project 'nowhere' does not exist"):
        await backend.create_filesystem_claim(ClaimSpec("nowhere", "other", "models", 2**30))
    with pytest.raises(Invalid, match="Claim name 'Not_A_Name' is not valid"):
        await backend.create_filesystem_claim(ClaimSpec(PROJECT, "Not_A_Name", "models", 2**30))
    with pytest.raises(Invalid, match="Two volumes mount at /data"):
        await backend.submit_workload(
            WorkloadSpec(
                "twice",
                PROJECT,
                WorkloadType.TRAINING,
                "img",
                GpuRequest.whole(1),
                volumes=(VolumeSpec("a", "/data"), VolumeSpec("b", "/data")),
            )
        )
    researcher = "alice@acme.ai"  # a member of vision
    as_researcher = DemoBackend(simulator, user=researcher, role=Role.RESEARCHER, clock_speed=0)
    with pytest.raises(Forbidden, match="needs an administrator .PersistentVolumes are cluster-scoped"):
        await as_researcher.create_filesystem_claim(ClaimSpec(PROJECT, "mine", "models", 2**30))
    await as_researcher.aclose()
    with pytest.raises(ReadOnlyError, match="'create filesystem claim' is disabled"):
        await ReadOnlyBackend(backend).create_filesystem_claim(ClaimSpec(PROJECT, "ro", "models", 2**30))
    with simulator.lock:
        assert [c.claim.name for c in simulator.runai.claims.claims("runai-vision")] == ["burst-models"]
        assert simulator.runai.claims.unclaimed_volumes() == []
