"""PersistentVolumeClaims and PersistentVolumes of the Kubernetes face.

Each project namespace holds the claims its workloads mount (Run:ai PVC data sources), each bound to a
csi-wekafs PersistentVolume whose handle names the WEKA directory, filesystem or snapshot. Claims are made
once and never change in the simulator.
"""

from __future__ import annotations

from typing import Any

from console.sim.http.kube_records import uid
from console.sim.runai_mounts import SimVolume, volumes_of
from console.sim.runai_state import ProjectState
from console.sim.simulator import Simulator
from console.wire import kube_storage

CLAIM_CAPACITY = "1Ti"

ClaimEntry = tuple[ProjectState, SimVolume]


def claims(sim: Simulator, namespace: str | None) -> list[ClaimEntry]:
    """(project, volume) for each claim of each project namespace (or the one asked), in name order."""
    found: dict[tuple[str, str], ClaimEntry] = {}
    for workload in sim.runai.workload_records():
        project = sim.runai.project_of(workload)
        if namespace is not None and project.namespace != namespace:
            continue
        for volume in volumes_of(workload, project.name):
            found.setdefault((project.namespace, volume.claim), (project, volume))
    return [found[key] for key in sorted(found)]


def volume_name(namespace: str, claim: str) -> str:
    return f"pvc-{uid('claim', f'{namespace}/{claim}')}"


def claim_json(sim: Simulator, project: ProjectState, volume: SimVolume) -> dict[str, Any]:
    namespace = project.namespace
    return kube_storage.claim_json(
        namespace,
        volume.claim,
        volume_name(namespace, volume.claim),
        uid("claim-object", f"{namespace}/{volume.claim}"),
        sim.clock.start,
        CLAIM_CAPACITY,
    )


def volume_json(sim: Simulator, project: ProjectState, volume: SimVolume) -> dict[str, Any]:
    name = volume_name(project.namespace, volume.claim)
    return kube_storage.volume_json(
        name,
        project.namespace,
        volume.claim,
        volume.handle,
        uid("volume", name),
        sim.clock.start,
        CLAIM_CAPACITY,
    )
