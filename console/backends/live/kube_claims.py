"""Binding a WEKA filesystem into a project's namespace over the Kubernetes API: a static csi-wekafs
PersistentVolume and the claim bound to it (`console.wire.kube_static_volumes` writes both), so workloads
submitted with `WorkloadSpec.volumes` can mount the filesystem by the claim's name.

Two requests, and Kubernetes has no transaction: the volume is made first (it is cluster-scoped, reserved for
the claim by `claimRef`, so nothing else can take it meanwhile), then the claim. If the claim cannot be made
the volume is deleted again, so nothing is left half-made; if that delete fails too the message says the
volume is left, and how to remove it. `LiveClaims` is the `Backend` side, mixed into `LiveBackend`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubernetes.client.exceptions import ApiException

from console.backends.live.kube_answers import map_kube_error, read_json
from console.data.errors import BackendError, Conflict
from console.model.storage import ClaimSpec
from console.wire.kube_static_volumes import static_claim_json, static_pair, static_volume_json

if TYPE_CHECKING:
    from kubernetes import client as k8s_client

SERVICE = "kubernetes"


def create_static_claim(core: k8s_client.CoreV1Api, timeout: Any, namespace: str, spec: ClaimSpec) -> None:
    """Make the volume, then the claim; undo the volume when the claim fails (blocking: run in a thread)."""
    volume, claim = static_pair(namespace, spec)
    try:
        read_json(
            core.create_persistent_volume(
                static_volume_json(volume),  # type: ignore[arg-type]  # a dict body is sent as JSON as it is
                _preload_content=False,
                _request_timeout=timeout,
            )
        )
    except ApiException as error:
        if error.status == 409:
            raise Conflict(
                f"PersistentVolume {volume.name} already exists: claim {spec.claim} was made in {namespace} "
                "before (or the name is taken); nothing was changed.",
                status=409,
                service=SERVICE,
            ) from None
        raise
    try:
        read_json(
            core.create_namespaced_persistent_volume_claim(
                namespace,
                static_claim_json(claim),  # type: ignore[arg-type]  # a dict body is sent as JSON as it is
                _preload_content=False,
                _request_timeout=timeout,
            )
        )
    except Exception as error:  # undo the volume whatever stopped the claim, then say what happened
        failed = _claim_failure(error, spec.claim, namespace)
        raise _undo_volume(core, timeout, volume.name, failed) from None


def _claim_failure(error: BaseException, claim: str, namespace: str) -> BackendError:
    if isinstance(error, ApiException) and error.status == 409:
        return Conflict(f"claim {claim} already exists in namespace {namespace}", status=409, service=SERVICE)
    return map_kube_error(error)


def _undo_volume(core: k8s_client.CoreV1Api, timeout: Any, name: str, failed: BackendError) -> BackendError:
    """`failed`, saying whether the volume made for the claim was deleted again or is left."""
    try:
        read_json(core.delete_persistent_volume(name, _preload_content=False, _request_timeout=timeout))
    except Exception as error:  # the claim's failure is what the user must see, with the volume's fate
        left = map_kube_error(error)
        note = (
            f" PersistentVolume {name} was made and could not be deleted again ({left.message}); it is "
            f"left: remove it with `kubectl delete pv {name}`."
        )
    else:
        note = f" PersistentVolume {name} was deleted again; nothing is left."
    return type(failed)(failed.message + note, status=failed.status, service=failed.service)
