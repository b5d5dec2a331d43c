"""Submitting and acting on workloads (`/api/v1/workloads/<segment>`, reference §4.1 and §4.5), both
sides: the route segment of each type, the creation request the live client sends (`submission_body`)
and the simulator's face reads back (`spec_from_body`), and how a refused submission points at a form
field (`complianceIssues[].field`, `form_field` and `SUBMISSION_FIELDS`).

[CONFLICT] reference §4.5 on N devices x a fraction: the domain supports fractions of a single device
only, so the face refuses more (`gpu_request_from_compute`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.model.enums import GpuRequestKind, WorkloadType
from console.model.runai import GpuRequest, WorkloadSpec
from console.model.storage import VolumeSpec
from console.wire.runai.fields import _refused, expect, memory_mib
from console.wire.runai.workloads import DISTRIBUTED_FRAMEWORK

SEGMENTS: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "trainings",
    WorkloadType.WORKSPACE: "workspaces",
    WorkloadType.DISTRIBUTED: "distributed",
    WorkloadType.INFERENCE: "inferences",
}
"""`/api/v1/workloads/<segment>` for submit, suspend, resume and delete of each type."""

KIND_SEGMENTS: dict[str, WorkloadType] = {segment: kind for kind, segment in SEGMENTS.items()}
"""`SEGMENTS` the other way: the workload type a `/api/v1/workloads/<segment>` route submits."""

SUSPENDABLE = frozenset({WorkloadType.TRAINING, WorkloadType.WORKSPACE, WorkloadType.DISTRIBUTED})
"""Inferences have no suspend/resume endpoint in the spec (reference §4.1)."""

FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("projectId", "project_name"),
    ("spec.image", "image"),
    ("spec.compute", "gpu"),
    ("spec.nodePools", "node_pools"),
    ("spec.numWorkers", "workers"),
    ("spec.command", "command"),
    ("spec.args", "arguments"),
    ("spec.preemptibility", "preemptible"),
    ("spec.storage", "volumes"),
)
"""A submission's `complianceIssues[].field` (a wire path, prefix-matched) as the form field it concerns."""

MAX_CLAIM_NAME = 63
MAX_ANSWER_VOLUMES = 256
"""More volumes than this in one answer are not a workload's; the rest are not read."""
"""`PvcFieldsNonUpdatable.claimName`'s `maxLength`."""

SUBMISSION_FIELDS: dict[str, str] = {form: path for path, form in FORM_FIELDS} | {"duration_seconds": "spec"}
"""`FORM_FIELDS` the other way: a form field (`Invalid.field`) as the `complianceIssues[].field` path."""


# -- what rwc sends --------------------------------------------------------------------------------
def submission_body(spec: WorkloadSpec, project_id: str, cluster_id: str) -> dict[str, Any]:
    """`TrainingCreationRequest` / `WorkspaceCreationRequest` / `DistributedCreationRequest` /
    `InferenceCreationRequest` for `spec` (reference §4.5). `duration_seconds` is the simulator's own and
    is not sent."""
    request = spec.gpu_request
    compute: dict[str, Any]
    if request.kind is GpuRequestKind.DEVICES:
        compute = {"gpuDevicesRequest": request.devices}
    elif request.kind is GpuRequestKind.PORTION:
        compute = {"gpuDevicesRequest": 1, "gpuRequestType": "portion", "gpuPortionRequest": request.portion}
    else:
        compute = {
            "gpuDevicesRequest": 1,
            "gpuRequestType": "memory",
            "gpuMemoryRequest": f"{request.memory_mib}Mi",
        }
    body_spec: dict[str, Any] = {"image": spec.image, "compute": compute}
    if spec.command:
        body_spec["command"] = spec.command
    if spec.arguments:
        body_spec["args"] = spec.arguments
    if spec.node_pools:
        body_spec["nodePools"] = list(spec.node_pools)
    if spec.preemptible is not None:
        body_spec["preemptibility"] = "preemptible" if spec.preemptible else "non-preemptible"
    if spec.volumes:
        body_spec["storage"] = {"pvc": [pvc_json(volume) for volume in spec.volumes]}
    body: dict[str, Any] = {"name": spec.name, "projectId": project_id, "clusterId": cluster_id}
    if spec.type is WorkloadType.DISTRIBUTED:
        # numWorkers counts the workers beside the master; `WorkloadSpec.workers` counts every pod.
        body_spec["distributedFramework"] = DISTRIBUTED_FRAMEWORK
        body_spec["numWorkers"] = spec.workers - 1
        body["masterSpecSameAsWorker"] = True
    body["spec"] = body_spec
    return body


def pvc_json(volume: VolumeSpec) -> dict[str, Any]:
    """One `spec.storage.pvc[]` entry (`Pvc`: `PvcFieldsUpdatable` + `PvcFieldsNonUpdatable`): an existing
    claim, so Run:ai mounts it as it is and makes nothing (no `claimInfo`)."""
    return {
        "claimName": volume.claim,
        "path": volume.mount_path,
        "readOnly": volume.read_only,
        "existingPvc": True,
    }


def form_field(wire_field: str | None) -> str | None:
    """The form field (the simulator's names) that a submission's `complianceIssues[].field` points at."""
    if not wire_field:
        return None
    path = wire_field if wire_field.startswith("spec") or "." not in wire_field else f"spec.{wire_field}"
    for prefix, name in FORM_FIELDS:
        if path == prefix or path.startswith(prefix + "."):
            return name
    return None


# -- the simulator's face: reading a submission, and where a refusal points ------------------------
def compliance_issues(message: str, field_path: str | None) -> dict[str, Any]:
    """The extras of a refused submission that points at `field_path` (nothing when it points nowhere)."""
    return {"complianceIssues": [{"field": field_path, "details": message}]} if field_path else {}


def gpu_request_from_compute(compute: Mapping[str, Any]) -> GpuRequest:
    """`spec.compute` as a `GpuRequest` (reference §4.5), as `submission_body` writes it.

    Whole devices: `gpuDevicesRequest` alone (or with a portion of exactly 1). A portion or an amount of
    memory: of one device. [CONFLICT] reference §4.5 on N devices x a fraction: the domain supports
    fractions of a single device only, so more is refused.
    """
    path = "spec.compute."
    devices = expect(compute, "gpuDevicesRequest", int, path + "gpuDevicesRequest", required=False)
    if devices is not None and devices < 0:
        raise _refused("gpuDevicesRequest cannot be negative.", path + "gpuDevicesRequest")
    kind = expect(compute, "gpuRequestType", str, path + "gpuRequestType", required=False)
    if kind is None:
        return GpuRequest.whole(devices or 0)
    if kind == "portion":
        portion = expect(
            compute, "gpuPortionRequest", (int, float), path + "gpuPortionRequest", required=True
        )
        if portion == 1:
            return GpuRequest.whole(devices or 1)
        if devices not in (None, 1):
            raise _refused(
                "A portion applies to one device: ask for whole devices, or one device with a portion.",
                path + "gpuDevicesRequest",
            )
        return GpuRequest.fraction(float(portion))
    if kind == "memory":
        quantity = expect(compute, "gpuMemoryRequest", str, path + "gpuMemoryRequest", required=True)
        if devices not in (None, 1):
            raise _refused("A GPU memory request applies to one device.", path + "gpuDevicesRequest")
        mib = memory_mib(quantity)
        if mib is None:
            raise _refused(
                f"GPU memory {quantity!r} is not a quantity like 8192Mi or 10G.", path + "gpuMemoryRequest"
            )
        return GpuRequest.memory(mib)
    raise _refused(f"Unknown gpuRequestType {kind!r}.", path + "gpuRequestType")


def spec_from_body(body: Any, workload_type: WorkloadType, project_name: str) -> WorkloadSpec:
    """A submission body (`submission_body`) as a `WorkloadSpec`; the caller has checked `name`,
    `projectId` and `clusterId` and found the project (`project_name`)."""
    spec = body.get("spec") if isinstance(body, Mapping) else None
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise _refused("spec must be an object.", "spec")
    compute = spec.get("compute")
    compute = {} if compute is None else compute
    if not isinstance(compute, Mapping):
        raise _refused("spec.compute must be an object.", "spec.compute")
    preemptibility = expect(spec, "preemptibility", str, "spec.preemptibility", required=False)
    if preemptibility not in (None, "preemptible", "non-preemptible"):
        raise _refused(f"Unknown preemptibility {preemptibility!r}.", "spec.preemptibility")
    node_pools = expect(spec, "nodePools", list, "spec.nodePools", required=False) or []
    if not all(isinstance(pool, str) for pool in node_pools):
        raise _refused("spec.nodePools must list node-pool names.", "spec.nodePools")
    workers = 1
    if workload_type is WorkloadType.DISTRIBUTED:
        # numWorkers counts the workers beside the master; `WorkloadSpec.workers` counts every pod.
        num_workers = expect(spec, "numWorkers", int, "spec.numWorkers", required=False)
        workers = (1 if num_workers is None else num_workers) + 1
    volumes = volumes_from_spec(spec)
    return WorkloadSpec(
        name=expect(body, "name", str, "name", required=True),
        project_name=project_name,
        type=workload_type,
        image=expect(spec, "image", str, "spec.image", required=False) or "",
        gpu_request=gpu_request_from_compute(compute),
        command=expect(spec, "command", str, "spec.command", required=False) or "",
        arguments=expect(spec, "args", str, "spec.args", required=False) or "",
        node_pools=tuple(node_pools),
        preemptible=None if preemptibility is None else preemptibility == "preemptible",
        workers=workers,
        volumes=volumes,
    )


def volumes_from_spec(spec: Mapping[str, Any]) -> tuple[VolumeSpec, ...]:
    """`spec.storage.pvc[]` as the claims the workload mounts (`pvc_json` the other way). Only existing
    claims: an entry that asks Run:ai to make its claim (`existingPvc` not true) is refused, not dropped."""
    storage = expect(spec, "storage", Mapping, "spec.storage", required=False) or {}
    entries = expect(storage, "pvc", list, "spec.storage.pvc", required=False) or []
    volumes: list[VolumeSpec] = []
    for index, entry in enumerate(entries):
        path = f"spec.storage.pvc[{index}]"
        if not isinstance(entry, Mapping):
            raise _refused(f"{path} must be an object.", path)
        claim = expect(entry, "claimName", str, path + ".claimName", required=True)
        mount_path = expect(entry, "path", str, path + ".path", required=True)
        if not claim or len(claim) > MAX_CLAIM_NAME:
            raise _refused(f"{path}.claimName must be 1 to {MAX_CLAIM_NAME} characters.", path + ".claimName")
        if not mount_path.startswith("/"):
            raise _refused(f"{path}.path must be an absolute path in the container.", path + ".path")
        if expect(entry, "existingPvc", bool, path + ".existingPvc", required=False) is not True:
            raise _refused(
                f"{path}: the simulator mounts existing claims only (existingPvc: true); "
                "it makes no new ones.",
                path + ".existingPvc",
            )
        read_only = expect(entry, "readOnly", bool, path + ".readOnly", required=False) is True
        volumes.append(VolumeSpec(claim, mount_path, read_only))
    return tuple(volumes)


def volumes_in_answer(body: Any) -> tuple[VolumeSpec, ...]:
    """The claims a workload mounts, from a typed GET's answer (`Training`, `Workspace`, ...: its
    `spec.storage.pvc[]`). Read leniently, as an answer is not a request: an entry without a claim name or
    an absolute path (Run:ai makes such claims itself) is left out, never a reason to drop the rest."""
    if not isinstance(body, Mapping):
        return ()
    spec = body.get("spec")
    storage = spec.get("storage") if isinstance(spec, Mapping) else None
    entries = storage.get("pvc") if isinstance(storage, Mapping) else None
    if not isinstance(entries, list):
        return ()
    volumes: list[VolumeSpec] = []
    for entry in entries[:MAX_ANSWER_VOLUMES]:
        if not isinstance(entry, Mapping):
            continue
        claim, mount_path = entry.get("claimName"), entry.get("path")
        if not isinstance(claim, str) or not 0 < len(claim) <= MAX_CLAIM_NAME:
            continue
        if not isinstance(mount_path, str) or not mount_path.startswith("/") or len(mount_path) > 4096:
            continue
        volumes.append(VolumeSpec(claim, mount_path, entry.get("readOnly") is True))
    return tuple(volumes)
