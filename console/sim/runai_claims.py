"""The claims made in the simulated cluster: static csi-wekafs PersistentVolumes and the claims bound to them,
per project namespace, as `create_filesystem_claim` (the demo) or a client of the Kubernetes face (two
requests: the volume, then the claim) makes them.

The demo's own workloads mount claims derived from their names (`runai_mounts`), never stored; these are the
ones someone made, so a filesystem made by rwc (a burst to another site) can be mounted by a workload
submitted with `WorkloadSpec.volumes`. A claim is bound from the moment it is made (its volume exists, is
reserved for it and Kubernetes binds such a pair at once); nothing here is ever deleted except a volume no
claim has taken yet (a client undoing a half-made pair).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from console.data.errors import Conflict, Forbidden, Invalid, NotFound
from console.model.identity import Identity
from console.model.names import is_dns1123_label
from console.model.storage import ClaimSpec, VolumeSpec
from console.wire.csi_wekafs import WEKA_CSI_DRIVER, parse_volume_handle
from console.wire.kube_static_volumes import StaticClaim, StaticVolume, static_pair

SERVICE = "kubernetes"


@dataclass(frozen=True, slots=True)
class SimClaim:
    """A claim someone made, with the volume it is bound to."""

    project_name: str
    claim: StaticClaim
    volume: StaticVolume
    created_at: datetime


class ClaimRegistry:
    """The volumes and claims made in one simulated cluster (cluster-scoped volumes, namespaced claims)."""

    def __init__(self, on_change: Callable[[], None] = lambda: None) -> None:
        self._on_change = on_change
        """Told of each volume or claim made or deleted (the cluster's resourceVersion moves)."""
        self._volumes: dict[str, tuple[StaticVolume, datetime]] = {}
        self._claims: dict[tuple[str, str], SimClaim] = {}

    # -- reads ------------------------------------------------------------------------------------
    def claim(self, namespace: str, name: str) -> SimClaim | None:
        return self._claims.get((namespace, name))

    def project_claim(self, project_name: str, name: str) -> SimClaim | None:
        """The claim `name` in the namespace of project `project_name` (what a workload of it mounts)."""
        return next(
            (c for c in self._claims.values() if c.project_name == project_name and c.claim.name == name),
            None,
        )

    def claims(self, namespace: str | None = None) -> list[SimClaim]:
        """Every claim made (in `namespace`, if given), in (namespace, name) order."""
        return [
            found for key, found in sorted(self._claims.items()) if namespace is None or key[0] == namespace
        ]

    def unclaimed_volumes(self) -> list[tuple[StaticVolume, datetime]]:
        """Volumes made whose claim is not (yet) made: Available, as a real cluster lists them."""
        taken = {sim_claim.volume.name for sim_claim in self._claims.values()}
        return [entry for name, entry in sorted(self._volumes.items()) if name not in taken]

    # -- actions ----------------------------------------------------------------------------------
    def create_volume(
        self, actor: Identity, volume: StaticVolume, filesystems: Collection[str], now: datetime
    ) -> None:
        """Make a PersistentVolume: an administrator's, on a filesystem this site's WEKA has."""
        _require_admin(actor, f"PersistentVolume {volume.name}")
        if volume.driver != WEKA_CSI_DRIVER:
            raise Invalid(
                f"PersistentVolume {volume.name}: the simulator serves {WEKA_CSI_DRIVER} volumes only, "
                f"not {volume.driver}.",
                field="spec.csi.driver",
                service=SERVICE,
            )
        location = parse_volume_handle(volume.handle)
        if location is None:
            raise Invalid(
                f"PersistentVolume {volume.name}: {volume.handle!r} is not a csi-wekafs volume handle.",
                field="spec.csi.volumeHandle",
                service=SERVICE,
            )
        _require_filesystem(location.filesystem, filesystems)
        if volume.name in self._volumes:
            raise Conflict(f'persistentvolumes "{volume.name}" already exists', status=409, service=SERVICE)
        self._volumes[volume.name] = (volume, now)
        self._on_change()

    def create_claim(
        self, actor: Identity, claim: StaticClaim, projects: Mapping[str, str], now: datetime
    ) -> None:
        """Make a claim bound to the volume it names (which must be reserved for it); `projects` maps each
        project namespace to its project's name."""
        _require_admin(actor, f"claim {claim.name}")
        if claim.namespace not in projects:
            raise NotFound(f'namespaces "{claim.namespace}" not found', status=404, service=SERVICE)
        if (claim.namespace, claim.name) in self._claims:
            raise _exists(claim.name, claim.namespace)
        entry = self._volumes.get(claim.volume_name)
        if entry is None:
            raise Invalid(
                f"claim {claim.name}: volume {claim.volume_name} does not exist; make it first.",
                field="spec.volumeName",
                service=SERVICE,
            )
        volume = entry[0]
        if (volume.claim_namespace, volume.claim) != (claim.namespace, claim.name):
            raise Invalid(
                f"claim {claim.name}: volume {claim.volume_name} is reserved for claim "
                f"{volume.claim} in {volume.claim_namespace}.",
                field="spec.volumeName",
                service=SERVICE,
            )
        self._claims[(claim.namespace, claim.name)] = SimClaim(projects[claim.namespace], claim, volume, now)
        self._on_change()

    def delete_volume(self, actor: Identity, name: str) -> None:
        """Delete a volume no claim has taken (undoing a half-made pair); a bound one is kept."""
        _require_admin(actor, f"PersistentVolume {name}")
        if name not in self._volumes:
            raise NotFound(f'persistentvolumes "{name}" not found', status=404, service=SERVICE)
        if any(sim_claim.volume.name == name for sim_claim in self._claims.values()):
            raise Conflict(
                f"PersistentVolume {name} is bound to a claim; the simulator keeps it.",
                status=409,
                service=SERVICE,
            )
        del self._volumes[name]
        self._on_change()

    def create_filesystem_claim(
        self,
        actor: Identity,
        spec: ClaimSpec,
        namespace: str,
        filesystems: Collection[str],
        now: datetime,
    ) -> SimClaim:
        """The volume and the claim at once (what `Backend.create_filesystem_claim` does), checked before
        either is made so nothing is left half-made."""
        _require_admin(actor, f"claim {spec.claim}")
        if not is_dns1123_label(spec.claim):
            raise Invalid(
                f"Claim name {spec.claim!r} is not valid: use at most 63 lower-case letters, digits and "
                "'-', starting and ending with a letter or digit.",
                field="claim",
                service=SERVICE,
            )
        if spec.capacity_bytes <= 0:
            raise Invalid("A claim's capacity must be positive.", field="capacity_bytes", service=SERVICE)
        if (namespace, spec.claim) in self._claims:
            raise _exists(spec.claim, namespace)
        _require_filesystem(spec.filesystem, filesystems)
        volume, claim = static_pair(namespace, spec)
        self.create_volume(actor, volume, filesystems, now)
        self.create_claim(actor, claim, {namespace: spec.project_name}, now)
        return self._claims[(namespace, spec.claim)]


def _require_admin(actor: Identity, what: str) -> None:
    if not actor.is_admin:
        raise Forbidden(
            f"Making {what} needs an administrator (PersistentVolumes are cluster-scoped); "
            f"{actor.user} is a researcher.",
            status=403,
            service=SERVICE,
        )


def _require_filesystem(filesystem: str, filesystems: Collection[str]) -> None:
    if filesystem not in filesystems:
        raise NotFound(
            f"Filesystem {filesystem} does not exist on this site's WEKA; make it (or bring it from a "
            "snapshot) before binding a claim to it.",
            status=404,
            service=SERVICE,
        )


def _exists(claim: str, namespace: str) -> Conflict:
    return Conflict(f"claim {claim} already exists in namespace {namespace}", status=409, service=SERVICE)


def check_volumes(volumes: tuple[VolumeSpec, ...]) -> None:
    """Refuse a submission's volumes as Run:ai would (field `volumes`): each names a claim and an absolute
    mount path, and no two mount at the same path."""
    paths: set[str] = set()
    for volume in volumes:
        if not volume.claim:
            raise Invalid("A volume needs the name of the claim it mounts.", field="volumes", service="runai")
        if not volume.mount_path.startswith("/"):
            raise Invalid(
                f"Claim {volume.claim}: the mount path {volume.mount_path!r} must be absolute.",
                field="volumes",
                service="runai",
            )
        if volume.mount_path in paths:
            raise Invalid(f"Two volumes mount at {volume.mount_path}.", field="volumes", service="runai")
        paths.add(volume.mount_path)
