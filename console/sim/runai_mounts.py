"""The volumes the simulator's workloads mount, on the demo's WEKA filesystems, as a Run:ai cluster on
WEKA lays them out: trainings read a dataset directory (read-only) and write checkpoints to their
project's directory, notebooks keep a home directory per user and see the datasets, inference servers read
model weights and share a cache.

Derived from the workload (name, type, project, user, seed), never stored, so submitting, suspending or
restoring a workload needs no bookkeeping; the dataset is the one its log says it loads
(`runai_logs.model_for`). Each volume comes as its PVC name, mount path, access and csi-wekafs handle, the
chain a real cluster has (the handle is what the Kubernetes face serves on the PersistentVolume).

A workload submitted with volumes (`WorkloadSpec.volumes`, Run:ai's `spec.storage.pvc[]`) mounts those
instead, each followed through the claims someone made (`runai_claims`); a claim nobody made shows with no
handle, so the data path says it is not bound rather than inventing a filesystem.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.enums import WorkloadType
from console.sim.runai_claims import ClaimRegistry
from console.sim.runai_logs import model_for
from console.sim.runai_state import WorkloadState


@dataclass(frozen=True, slots=True)
class SimVolume:
    claim: str
    mount_path: str
    read_only: bool
    handle: str
    """The csi-wekafs handle (console.wire.csi_wekafs) of the PersistentVolume the claim is bound to; ""
    when the claim is bound to none (nobody made it)."""


def _user(submitted_by: str) -> str:
    return submitted_by.split("@", 1)[0] or "user"


def volumes_of(
    workload: WorkloadState, project_name: str, claims: ClaimRegistry | None = None
) -> tuple[SimVolume, ...]:
    """The workload's volumes, in the order its pod spec lists them: those it was submitted with (bound
    through `claims`), else the ones derived from it."""
    if workload.volumes:
        found = []
        for volume in workload.volumes:
            made = claims.project_claim(project_name, volume.claim) if claims is not None else None
            handle = made.volume.handle if made is not None else ""
            read_only = volume.read_only or (made is not None and made.volume.read_only)
            found.append(SimVolume(volume.claim, volume.mount_path, read_only, handle))
        return tuple(found)
    dataset = model_for(workload.name)[3].rsplit("/", 1)[-1]
    if workload.type in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED):
        volumes = [
            SimVolume(
                f"datasets-{dataset}", f"/mnt/weka/datasets/{dataset}", True, f"dir/v1/datasets/{dataset}"
            ),
            SimVolume(
                f"checkpoints-{project_name}",
                "/mnt/weka/checkpoints",
                False,
                f"weka/v2/checkpoints/{project_name}",
            ),
        ]
        if workload.seed % 3 == 0:  # some jobs stage shards on the scratch filesystem
            volumes.append(SimVolume("scratch", "/scratch", False, "weka/v2/scratch"))
        return tuple(volumes)
    if workload.type is WorkloadType.WORKSPACE:
        user = _user(workload.submitted_by)
        return (
            SimVolume(f"home-{user}", "/home/jovyan", False, f"dir/v1/home/{user}"),
            SimVolume("datasets", "/mnt/weka/datasets", True, "weka/v2/datasets"),
        )
    model = model_for(workload.name)[1].rsplit("/", 1)[-1].replace(" ", "-").lower()
    return (
        SimVolume(f"models-{model}", "/models", True, f"weka/v2/models/{model}"),
        SimVolume("inference-cache", "/cache", False, "weka/v2/inference-cache"),
    )
