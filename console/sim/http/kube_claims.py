"""PersistentVolumeClaims and PersistentVolumes of the Kubernetes face.

Each project namespace holds the claims its workloads mount (Run:ai PVC data sources), each bound to a
csi-wekafs PersistentVolume whose handle names the WEKA directory, filesystem or snapshot. The demo's own
claims are made once and never change; beside them are the static volumes and claims someone made
(`console.sim.runai_claims`: `POST` here, or `create_filesystem_claim`), which this face also creates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.errors import BackendError
from console.model.identity import Identity
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.kube_access import request_object
from console.sim.http.kube_errors import from_sim
from console.sim.http.kube_records import uid
from console.sim.runai_mounts import volumes_of
from console.sim.simulator import Simulator
from console.wire import kube_storage
from console.wire.kube_objects import pod_memory_quantity
from console.wire.kube_static_volumes import (
    StaticVolume,
    parse_static_claim,
    parse_static_volume,
)

CLAIM_CAPACITY = "1Ti"


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    """A claim and the volume bound to it, as the face serves them (the volume alone, unclaimed, has
    `claim_bound` False)."""

    namespace: str
    claim: str
    volume: str
    handle: str
    capacity: str
    created_at: datetime
    storage_class: str = kube_storage.DYNAMIC_STORAGE_CLASS
    read_only: bool = False
    claim_bound: bool = True


def claims(sim: Simulator, namespace: str | None) -> list[ClaimEntry]:
    """Each claim of each project namespace (or the one asked), in (namespace, name) order: the demo's
    workloads' own, and the ones someone made."""
    found: dict[tuple[str, str], ClaimEntry] = {}
    for made in sim.runai.claims.claims(namespace):
        found[(made.claim.namespace, made.claim.name)] = _made(made.volume, made.created_at)
    for workload in sim.runai.workload_records():
        project = sim.runai.project_of(workload)
        if (namespace is not None and project.namespace != namespace) or workload.volumes:
            continue
        for volume in volumes_of(workload, project.name):
            name = volume_name(project.namespace, volume.claim)
            entry = ClaimEntry(
                project.namespace, volume.claim, name, volume.handle, CLAIM_CAPACITY, sim.clock.start
            )
            found.setdefault((project.namespace, volume.claim), entry)
    return [found[key] for key in sorted(found)]


def volumes(sim: Simulator) -> list[ClaimEntry]:
    """Every PersistentVolume: those bound to claims, and the ones made whose claim is not made yet."""
    waiting = [_made(volume, at, claim_bound=False) for volume, at in sim.runai.claims.unclaimed_volumes()]
    return sorted([*claims(sim, None), *waiting], key=lambda entry: entry.volume)


def _made(volume: StaticVolume, created_at: datetime, *, claim_bound: bool = True) -> ClaimEntry:
    return ClaimEntry(
        volume.claim_namespace,
        volume.claim,
        volume.name,
        volume.handle,
        pod_memory_quantity(volume.capacity_bytes),
        created_at,
        storage_class="",
        read_only=volume.read_only,
        claim_bound=claim_bound,
    )


def volume_name(namespace: str, claim: str) -> str:
    return f"pvc-{uid('claim', f'{namespace}/{claim}')}"


def claim_json(sim: Simulator, entry: ClaimEntry) -> dict[str, Any]:
    return kube_storage.claim_json(
        entry.namespace,
        entry.claim,
        entry.volume,
        uid("claim-object", f"{entry.namespace}/{entry.claim}"),
        entry.created_at,
        entry.capacity,
        storage_class=entry.storage_class,
        read_only=entry.read_only,
    )


def volume_json(sim: Simulator, entry: ClaimEntry) -> dict[str, Any]:
    return kube_storage.volume_json(
        entry.volume,
        entry.namespace,
        entry.claim,
        entry.handle,
        uid("volume", entry.volume),
        entry.created_at,
        entry.capacity,
        storage_class=entry.storage_class,
        read_only=entry.read_only,
        phase="Bound" if entry.claim_bound else "Available",
    )


class ClaimWrites:
    """`POST` of PersistentVolumes and claims, and `DELETE` of a volume no claim took (RBAC: an admin's)."""

    def __init__(self, host: SimulatorHost) -> None:
        self.host = host

    def create_volume(self, request: Request, identity: Identity) -> Response:
        volume = self._parsed(lambda: parse_static_volume(request_object(request, "PersistentVolume")))
        with self.host.session() as sim:
            try:
                sim.runai.claims.create_volume(identity, volume, sim.filesystem_names(), sim.clock.now())
            except BackendError as error:
                raise _status(error, "persistentvolumes", volume.name) from None
            entry = next(e for e in volumes(sim) if e.volume == volume.name)
            return Response.json(201, volume_json(sim, entry))

    def create_claim(self, request: Request, identity: Identity) -> Response:
        namespace = request.path_params["namespace"]
        claim = self._parsed(
            lambda: parse_static_claim(request_object(request, "PersistentVolumeClaim"), namespace)
        )
        with self.host.session() as sim:
            try:
                sim.runai.claims.create_claim(identity, claim, sim.project_namespaces(), sim.clock.now())
            except BackendError as error:
                raise _status(error, "persistentvolumeclaims", claim.name) from None
            entry = next(e for e in claims(sim, namespace) if e.claim == claim.name)
            return Response.json(201, claim_json(sim, entry))

    def delete_volume(self, request: Request, identity: Identity) -> Response:
        name = request.path_params["name"]
        with self.host.session() as sim:
            entry = next((e for e in volumes(sim) if e.volume == name), None)
            try:
                sim.runai.claims.delete_volume(identity, name)
            except BackendError as error:
                raise _status(error, "persistentvolumes", name, conflict="Conflict") from None
            assert entry is not None  # the registry had it, so the list did
            return Response.json(200, volume_json(sim, entry))

    @staticmethod
    def _parsed(read: Any) -> Any:
        try:
            return read()
        except BackendError as error:
            raise HttpError(422, error.message, extra={"reason": "Invalid"}) from None


def _status(error: BackendError, resource: str, name: str, *, conflict: str = "AlreadyExists") -> HttpError:
    """A registry refusal as the apiserver's Status: 409 AlreadyExists (a create) or Conflict, 403 Forbidden,
    404 NotFound, 422 Invalid."""
    found = from_sim(error)
    reason = {403: "Forbidden", 404: "NotFound", 409: conflict, 422: "Invalid"}.get(found.status)
    return HttpError(
        found.status,
        found.message,
        extra={"reason": reason, "details": {"name": name, "kind": resource}},
    )
