"""Kubernetes storage on the wire: the volumes a pod mounts, PersistentVolumeClaims and PersistentVolumes,
read (live) and written (the simulator's face) in one place, and the chain followed from a pod's volume to
the WEKA object behind it.

The chain (kubernetes.io/docs/concepts/storage/persistent-volumes): a pod's `spec.volumes[]` entry names a
claim (`persistentVolumeClaim.claimName`) and each container's `volumeMounts[]` says where it appears and
whether read-only; the claim, in the pod's namespace, is bound to a volume (`spec.volumeName`, `status.phase`
Bound); the volume's `spec.csi` names the driver and its `volumeHandle`, which for csi-wekafs names the
filesystem, directory or snapshot (console.wire.csi_wekafs). Each link can be missing or odd on a real
cluster; each is said in words instead of failing the whole list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.data.errors import BadResponse
from console.data.unreadable import readable_items
from console.model.storage import DataMount
from console.wire.common import format_rfc3339_seconds
from console.wire.csi_wekafs import WEKA_CSI_DRIVER, parse_volume_handle

SERVICE = "kubernetes"
DYNAMIC_STORAGE_CLASS = "storageclass-wekafs-dir-api"
"""csi-wekafs's example storage class, which the simulator's own claims were provisioned from."""
MAX_VOLUMES_PER_POD = 256
"""More volumes than any real pod mounts; a pod listing more is cut here, not followed without bound."""


@dataclass(frozen=True, slots=True)
class PodVolume:
    """A claim a pod mounts, where, and whether read-only."""

    claim: str
    mount_path: str
    read_only: bool


@dataclass(frozen=True, slots=True)
class ClaimRow:
    namespace: str
    name: str
    volume_name: str | None
    phase: str


@dataclass(frozen=True, slots=True)
class VolumeRow:
    name: str
    driver: str | None
    handle: str | None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- decoding -------------------------------------------------------------------------------------------
def pod_volumes(pod: Any) -> list[PodVolume]:
    """The claims a pod mounts: each PVC volume with the first mount of it among the containers (a claim
    mounted nowhere is still listed, at "—"; a volume that is not a claim is not storage rwc follows)."""
    spec = _mapping(_mapping(pod).get("spec"))
    claims: dict[str, tuple[str, bool]] = {}
    volumes = spec.get("volumes")
    for volume in volumes[:MAX_VOLUMES_PER_POD] if isinstance(volumes, list) else ():
        volume = _mapping(volume)
        source = _mapping(volume.get("persistentVolumeClaim"))
        name, claim = _text(volume.get("name")), _text(source.get("claimName"))
        if name and claim:
            claims[name] = (claim, source.get("readOnly") is True)
    found: dict[tuple[str, str], PodVolume] = {}
    mounted: set[str] = set()
    containers = spec.get("containers")
    for container in containers if isinstance(containers, list) else ():
        mounts = _mapping(container).get("volumeMounts")
        for mount in mounts[:MAX_VOLUMES_PER_POD] if isinstance(mounts, list) else ():
            mount = _mapping(mount)
            name, path = _text(mount.get("name")), _text(mount.get("mountPath"))
            if name not in claims or path is None:
                continue
            claim, claim_read_only = claims[name]
            mounted.add(name)
            found.setdefault(
                (claim, path), PodVolume(claim, path, claim_read_only or mount.get("readOnly") is True)
            )
    for name, (claim, read_only) in claims.items():
        if name not in mounted:
            found.setdefault((claim, ""), PodVolume(claim, "", read_only))
    return list(found.values())


def parse_claim(item: Any, _index: int = 0) -> ClaimRow:
    obj = _mapping(item)
    metadata = _mapping(obj.get("metadata"))
    name, namespace = _text(metadata.get("name")), _text(metadata.get("namespace"))
    if name is None or namespace is None:
        raise BadResponse("A PersistentVolumeClaim lacks its name or namespace.", service=SERVICE)
    phase = _text(_mapping(obj.get("status")).get("phase")) or "Unknown"
    return ClaimRow(namespace, name, _text(_mapping(obj.get("spec")).get("volumeName")), phase)


def parse_claims(items: Iterable[Any]) -> dict[tuple[str, str], ClaimRow]:
    """{(namespace, name): claim} of a claim list's readable items."""
    return {
        (row.namespace, row.name): row for row in readable_items(items, parse_claim, "PersistentVolumeClaim")
    }


def parse_volume(item: Any, _index: int = 0) -> VolumeRow:
    obj = _mapping(item)
    name = _text(_mapping(obj.get("metadata")).get("name"))
    if name is None:
        raise BadResponse("A PersistentVolume lacks its name.", service=SERVICE)
    csi = _mapping(_mapping(obj.get("spec")).get("csi"))
    return VolumeRow(name, _text(csi.get("driver")), _text(csi.get("volumeHandle")))


def parse_volumes(items: Iterable[Any]) -> dict[str, VolumeRow]:
    return {row.name: row for row in readable_items(items, parse_volume, "PersistentVolume")}


def resolve(
    volume: PodVolume,
    namespace: str,
    claims: Mapping[tuple[str, str], ClaimRow],
    volumes: Mapping[str, VolumeRow] | None,
    *,
    volumes_hidden: str = "",
) -> DataMount:
    """Follow one mounted claim to the WEKA object behind it, or say where the chain stops.

    `volumes` None: the PersistentVolumes could not be read (`volumes_hidden` says why, e.g. a researcher
    may not list cluster-scoped objects)."""

    def stops(note: str) -> DataMount:
        return DataMount(volume.claim, volume.mount_path, volume.read_only, None, note)

    claim = claims.get((namespace, volume.claim))
    if claim is None:
        return stops(f"claim {volume.claim} not found in {namespace}")
    if claim.volume_name is None or claim.phase != "Bound":
        return stops(f"claim {volume.claim} is {claim.phase}, not bound to a volume yet")
    if volumes is None:
        return stops(volumes_hidden or "the PersistentVolumes could not be read")
    bound = volumes.get(claim.volume_name)
    if bound is None:
        return stops(f"volume {claim.volume_name} not found")
    if bound.driver != WEKA_CSI_DRIVER:
        return stops(f"on {bound.driver or 'a non-CSI volume'}, not WEKA")
    location = parse_volume_handle(bound.handle)
    if location is None:
        return stops(f"volume handle {bound.handle or '(none)'} is not one csi-wekafs writes")
    return DataMount(volume.claim, volume.mount_path, volume.read_only, location)


# -- encoding (the simulator's Kubernetes face) ----------------------------------------------------------
def access_modes(read_only: bool) -> list[str]:
    """Many pods of many nodes mount a WEKA filesystem at once; read-only ones cannot write it."""
    return ["ReadOnlyMany"] if read_only else ["ReadWriteMany"]


def pod_volumes_json(volumes: Sequence[PodVolume]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`spec.volumes`, the container's `volumeMounts`) of a pod that mounts `volumes`."""
    spec_volumes, mounts = [], []
    for index, volume in enumerate(volumes):
        name = f"data-{index}"
        source = {"claimName": volume.claim, **({"readOnly": True} if volume.read_only else {})}
        spec_volumes.append({"name": name, "persistentVolumeClaim": source})
        mounts.append(
            {"name": name, "mountPath": volume.mount_path, **({"readOnly": True} if volume.read_only else {})}
        )
    return spec_volumes, mounts


def claim_json(
    namespace: str,
    name: str,
    volume_name: str,
    uid: str,
    created_at: datetime,
    capacity: str,
    *,
    storage_class: str = DYNAMIC_STORAGE_CLASS,
    read_only: bool = False,
) -> dict[str, Any]:
    """A Bound claim on the WEKA storage class (or a static one's, `storage_class` ""), as
    `kubectl get pvc -o json` shows one."""
    modes = access_modes(read_only)
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid,
            "creationTimestamp": format_rfc3339_seconds(created_at),
            "annotations": {"pv.kubernetes.io/bind-completed": "yes"},
        },
        "spec": {
            "accessModes": modes,
            "resources": {"requests": {"storage": capacity}},
            "storageClassName": storage_class,
            "volumeMode": "Filesystem",
            "volumeName": volume_name,
        },
        "status": {"phase": "Bound", "accessModes": modes, "capacity": {"storage": capacity}},
    }


def volume_json(
    name: str,
    claim_namespace: str,
    claim_name: str,
    handle: str,
    uid: str,
    created_at: datetime,
    capacity: str,
    *,
    storage_class: str = DYNAMIC_STORAGE_CLASS,
    read_only: bool = False,
    phase: str = "Bound",
) -> dict[str, Any]:
    """The csi-wekafs PersistentVolume a claim is bound to (examples/static_volume in csi-wekafs); one made
    by hand has `storage_class` "" and is Available until its claim is made."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": name,
            "uid": uid,
            "creationTimestamp": format_rfc3339_seconds(created_at),
            "annotations": {"pv.kubernetes.io/provisioned-by": WEKA_CSI_DRIVER},
        },
        "spec": {
            "accessModes": access_modes(read_only),
            "capacity": {"storage": capacity},
            "claimRef": {"kind": "PersistentVolumeClaim", "namespace": claim_namespace, "name": claim_name},
            "csi": {"driver": WEKA_CSI_DRIVER, "volumeHandle": handle},
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": storage_class,
            "volumeMode": "Filesystem",
        },
        "status": {"phase": phase},
    }
