"""Static csi-wekafs volumes on the wire: the PersistentVolume that names a WEKA filesystem (or a directory of
it) and the claim bound to it, as rwc sends them (live) and the simulator's Kubernetes face reads them back.

A static volume is made by hand, not by the CSI provisioner (csi-wekafs `examples/static_volume`): the PV
carries the driver and `volumeHandle` (`weka/v2/<filesystem>[/<path>]`, console.wire.csi_wekafs), a
`claimRef` reserving it for one claim, reclaim policy Retain (deleting the claim must never delete the
data), and `storageClassName: ""` so no provisioner takes it; the claim names the PV in `spec.volumeName`
with the same empty class, and Kubernetes binds the two (kubernetes.io/docs/concepts/storage/
persistent-volumes/#reserving-a-persistentvolume).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from console.data.errors import Invalid
from console.model.storage import ClaimSpec, WekaLocation, WekaVolumeKind
from console.wire.common import parse_quantity
from console.wire.csi_wekafs import WEKA_CSI_DRIVER, volume_handle
from console.wire.kube_objects import pod_memory_quantity
from console.wire.kube_storage import access_modes

SERVICE = "kubernetes"
RECLAIM_POLICY = "Retain"


@dataclass(frozen=True, slots=True)
class StaticVolume:
    """A PersistentVolume reserved for one claim, as its create request says."""

    name: str
    driver: str
    handle: str
    capacity_bytes: int
    read_only: bool
    claim_namespace: str
    claim: str


@dataclass(frozen=True, slots=True)
class StaticClaim:
    """A claim naming the PersistentVolume it wants, as its create request says."""

    namespace: str
    name: str
    volume_name: str
    capacity_bytes: int
    read_only: bool


def static_volume_name(namespace: str, claim: str) -> str:
    """The PV rwc makes for `claim` in `namespace`: one per claim, named after both (PVs are cluster-wide)."""
    return f"{namespace}-{claim}"


def static_pair(namespace: str, spec: ClaimSpec) -> tuple[StaticVolume, StaticClaim]:
    """The volume and claim that make `spec.filesystem` (or its `path`) mountable in `namespace`."""
    path = spec.path.strip("/")
    kind = WekaVolumeKind.DIRECTORY if path else WekaVolumeKind.FILESYSTEM
    volume = StaticVolume(
        name=static_volume_name(namespace, spec.claim),
        driver=WEKA_CSI_DRIVER,
        handle=volume_handle(WekaLocation(kind, spec.filesystem, path)),
        capacity_bytes=spec.capacity_bytes,
        read_only=spec.read_only,
        claim_namespace=namespace,
        claim=spec.claim,
    )
    return volume, StaticClaim(namespace, spec.claim, volume.name, spec.capacity_bytes, spec.read_only)


def static_volume_json(volume: StaticVolume) -> dict[str, Any]:
    """The PersistentVolume create request for `volume`."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": volume.name},
        "spec": {
            "accessModes": access_modes(volume.read_only),
            "capacity": {"storage": pod_memory_quantity(volume.capacity_bytes)},
            "claimRef": {"namespace": volume.claim_namespace, "name": volume.claim},
            "csi": {"driver": volume.driver, "volumeHandle": volume.handle},
            "persistentVolumeReclaimPolicy": RECLAIM_POLICY,
            "storageClassName": "",
            "volumeMode": "Filesystem",
        },
    }


def static_claim_json(claim: StaticClaim) -> dict[str, Any]:
    """The PersistentVolumeClaim create request for `claim`, bound to its volume by name."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": claim.name, "namespace": claim.namespace},
        "spec": {
            "accessModes": access_modes(claim.read_only),
            "resources": {"requests": {"storage": pod_memory_quantity(claim.capacity_bytes)}},
            "storageClassName": "",
            "volumeMode": "Filesystem",
            "volumeName": claim.volume_name,
        },
    }


# -- reading them back (the simulator's face) ---------------------------------------------------------
def _invalid(kind: str, name: str, field: str, message: str) -> Invalid:
    """A 422 in the apiserver's words: `<Kind> "<name>" is invalid: <field>: <message>`."""
    return Invalid(f'{kind} "{name}" is invalid: {field}: {message}', field=field, service=SERVICE)


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _name(body: Any, kind: str) -> str:
    name = _object(_object(body).get("metadata")).get("name")
    if not isinstance(name, str) or not name:
        raise _invalid(kind, "", "metadata.name", "Required value: name or generateName is required")
    return name


def _bytes(value: Any, kind: str, name: str, field: str) -> int:
    amount = parse_quantity(value)
    if amount is None or amount <= 0:
        raise _invalid(kind, name, field, "Required value: a positive storage quantity")
    return int(amount)


def _read_only(spec: Mapping[str, Any], kind: str, name: str) -> bool:
    modes = spec.get("accessModes")
    if not isinstance(modes, list) or not modes or not all(isinstance(m, str) for m in modes):
        raise _invalid(kind, name, "spec.accessModes", "Required value: at least 1 access mode is required")
    return "ReadWriteMany" not in modes and "ReadWriteOnce" not in modes and "ReadOnlyMany" in modes


def _text(obj: Mapping[str, Any], key: str, kind: str, name: str, field: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _invalid(kind, name, field, "Required value")
    return value


def parse_static_volume(body: Any) -> StaticVolume:
    """A PersistentVolume create request: `Invalid` (422) naming the first field it lacks."""
    kind = "PersistentVolume"
    name = _name(body, kind)
    spec = _object(_object(body).get("spec"))
    csi = _object(spec.get("csi"))
    claim_ref = _object(spec.get("claimRef"))
    return StaticVolume(
        name=name,
        driver=_text(csi, "driver", kind, name, "spec.csi.driver"),
        handle=_text(csi, "volumeHandle", kind, name, "spec.csi.volumeHandle"),
        capacity_bytes=_bytes(_object(spec.get("capacity")).get("storage"), kind, name, "spec.capacity"),
        read_only=_read_only(spec, kind, name),
        claim_namespace=_text(claim_ref, "namespace", kind, name, "spec.claimRef.namespace"),
        claim=_text(claim_ref, "name", kind, name, "spec.claimRef.name"),
    )


def parse_static_claim(body: Any, namespace: str) -> StaticClaim:
    """A PersistentVolumeClaim create request in `namespace`: `Invalid` (422) naming the first field it
    lacks; the simulator binds only claims that name their volume."""
    kind = "PersistentVolumeClaim"
    name = _name(body, kind)
    stated = _object(_object(body).get("metadata")).get("namespace")
    if stated not in (None, namespace):
        raise _invalid(kind, name, "metadata.namespace", "Invalid value: does not match the request path")
    spec = _object(_object(body).get("spec"))
    requests = _object(_object(spec.get("resources")).get("requests"))
    return StaticClaim(
        namespace=namespace,
        name=name,
        volume_name=_text(spec, "volumeName", kind, name, "spec.volumeName"),
        capacity_bytes=_bytes(requests.get("storage"), kind, name, "spec.resources.requests.storage"),
        read_only=_read_only(spec, kind, name),
    )
