"""The volumes the simulator's workloads mount, on the demo's WEKA filesystems, as a Run:ai cluster on
WEKA lays them out: trainings read a dataset directory (read-only) and write checkpoints to their
project's directory, notebooks keep a home directory per user and see the datasets, inference servers read
model weights and share a cache.

Derived from the workload (name, type, project, user, seed), never stored, so submitting, suspending or
restoring a workload needs no bookkeeping; the dataset is the one its log says it loads
(`runai_logs.model_for`). Each volume comes as its PVC name, mount path, access and csi-wekafs handle, the
chain a real cluster has (the handle is what the Kubernetes face serves on the PersistentVolume).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.model.enums import WorkloadType
from console.sim.runai_logs import model_for
from console.sim.runai_state import WorkloadState


@dataclass(frozen=True, slots=True)
class SimVolume:
    claim: str
    mount_path: str
    read_only: bool
    handle: str
    """The csi-wekafs handle (console.wire.csi_wekafs) of the PersistentVolume the claim is bound to."""


def _user(submitted_by: str) -> str:
    return submitted_by.split("@", 1)[0] or "user"


def volumes_of(workload: WorkloadState, project_name: str) -> tuple[SimVolume, ...]:
    """The workload's volumes, in the order its pod spec lists them."""
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
