"""Kubernetes Pod objects -> `PodRow`, the slim row rwc keeps of each (where it runs, what it requests, whose
it is), and `pod_shares`: what a pod holds of which GPU.

Why here: a pod's GPUs are read from several places at once (whole `nvidia.com/gpu`, MIG `nvidia.com/mig-*`
resources, Run:ai's `gpu-fraction`/`gpu-memory`/`runai-gpu` annotations, and the node's sharing), and this is
the one reading of them. The label and annotation names are `console.wire.kube_names`'s; the domain `Pod`,
`Node` and `GpuDevice` views that join pods to their nodes are in `console.wire.kube`, which re-exports all
of this.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from console.data.errors import BadResponse
from console.data.unreadable import readable_items
from console.wire.kube_fields import as_int, as_list, as_mapping, as_string, parse_quantity, parse_time
from console.wire.kube_gpus import mig_profile_slices
from console.wire.kube_names import (
    ANNOTATION_GPU_FRACTION,
    ANNOTATION_GPU_INDEXES,
    ANNOTATION_GPU_MEMORY,
    LABEL_PROJECT,
    LABEL_QUEUE,
    LABEL_WORKLOAD_ID,
    LABEL_WORKLOAD_NAME,
    MAX_GPUS_PER_NODE,
    MAX_REPLICAS,
    MIG_COMPUTE_SLICES,
    MIG_PROFILE,
    RESOURCE_GPU,
    RESOURCE_GPU_SHARED,
    RESOURCE_MIG_PREFIX,
    RUNAI_SCHEDULERS,
    SERVICE,
    TERMINAL_POD_PHASES,
)


@dataclass(frozen=True, slots=True)
class PodRow:
    """What rwc keeps of one Pod object: where it runs, what it requests, whose it is."""

    name: str
    namespace: str
    node_name: str | None
    phase: str
    workload_id: str
    workload_name: str
    project_name: str
    cpu_millicores: int
    memory_bytes: int
    whole_gpus: int
    mig_slices: tuple[tuple[str, int], ...]
    """(profile, count) for each `nvidia.com/mig-<profile>` resource."""
    gpu_fraction: float | None
    gpu_memory_mib: int | None
    gpu_indexes: tuple[int, ...]
    created_at: datetime | None
    is_runai: bool = True
    """A Run:ai workload's pod (Run:ai's labels or scheduler); other pods' holders are named
    `namespace/pod` and open no workload."""
    restarts: int | None = None
    """Its containers' restarts summed (`status.containerStatuses[].restartCount`); None before any
    container has a status."""
    waiting_reason: str = ""
    """Why a container waits (CrashLoopBackOff, ContainerCreating), as k9s's STATUS shows it."""

    @property
    def holds_resources(self) -> bool:
        """Bound to a node and not finished: what counts against the node's allocatable."""
        return self.node_name is not None and self.phase not in TERMINAL_POD_PHASES


@dataclass(frozen=True, slots=True)
class GpuShare:
    """One pod's share of one GPU; `index` None when the server did not say which GPU."""

    index: int | None
    fraction: float
    memory_mib: int | None
    mig_profile: str | None


def _container_requests(spec: Mapping[str, Any], where: str) -> dict[str, Decimal]:
    """Summed requests of the pod's containers; a resource with only a limit requests its limit (as k8s
    defaults it). Init containers are left out: they have finished by the time the pod holds resources."""
    total: dict[str, Decimal] = {}
    for raw in as_list(spec.get("containers"), f"{where} spec.containers"):
        container = as_mapping(raw, f"{where} container")
        resources = as_mapping(container.get("resources"), f"{where} container resources")
        requests = dict(as_mapping(resources.get("requests"), f"{where} resources.requests"))
        for resource, value in as_mapping(resources.get("limits"), f"{where} resources.limits").items():
            requests.setdefault(resource, value)
        for resource, value in requests.items():
            total[resource] = total.get(resource, Decimal(0)) + parse_quantity(value, f"{where} {resource}")
    return total


def _indexes(value: str | None, where: str) -> tuple[int, ...]:
    if not value:
        return ()
    return tuple(as_int(part, where) for part in value.split(",") if part.strip())


def _container_states(status: Mapping[str, Any], where: str) -> tuple[int | None, str]:
    """(restarts summed over its containers, the first waiting container's reason) from the pod status."""
    statuses = as_list(status.get("containerStatuses"), f"{where} status.containerStatuses")
    if not statuses:
        return None, ""
    restarts, reason = 0, ""
    for raw in statuses:
        container = as_mapping(raw, f"{where} container status")
        restarts += as_int(container.get("restartCount") or 0, f"{where} restartCount")
        state = as_mapping(container.get("state"), f"{where} container state")
        waiting = as_mapping(state.get("waiting"), f"{where} state.waiting")
        reason = reason or as_string(waiting.get("reason"), f"{where} waiting.reason", required=False) or ""
    return restarts, reason


def parse_pod(obj: Mapping[str, Any]) -> PodRow:
    metadata = as_mapping(obj.get("metadata"), "pod metadata")
    name = as_string(metadata.get("name"), "pod metadata.name")
    where = f"pod {name}"
    labels = as_mapping(metadata.get("labels"), f"{where} labels")
    annotations = as_mapping(metadata.get("annotations"), f"{where} annotations")
    spec = as_mapping(obj.get("spec"), f"{where} spec")
    status = as_mapping(obj.get("status"), f"{where} status")
    requests = _container_requests(spec, where)
    for resource, amount in requests.items():
        if resource.startswith("nvidia.com/") and not 0 <= amount <= MAX_GPUS_PER_NODE * MAX_REPLICAS:
            # More GPUs than any node advertises: garbage, and one share per GPU would exhaust memory.
            raise BadResponse(f"The {where} requests {amount} {resource}.", service=SERVICE)

    workload_id = str(labels.get(LABEL_WORKLOAD_ID) or "")
    workload_name = str(labels.get(LABEL_WORKLOAD_NAME) or "")
    namespace = as_string(metadata.get("namespace"), f"{where} namespace", required=False)
    is_runai = bool(
        workload_id
        or workload_name
        or labels.get(LABEL_PROJECT)
        or labels.get(LABEL_QUEUE)
        or spec.get("schedulerName") in RUNAI_SCHEDULERS
    )
    if not is_runai:
        # Any other pod holding GPUs (a Deployment, a Job, a notebook): named as kubectl names it.
        workload_id, workload_name = "", f"{namespace}/{name}" if namespace else name
    elif not workload_id or not workload_name:
        owners = as_list(metadata.get("ownerReferences"), f"{where} ownerReferences")
        owner = as_mapping(owners[0], f"{where} owner") if owners else {}
        workload_id = workload_id or str(owner.get("uid") or "")
        workload_name = workload_name or str(owner.get("name") or "")
    fraction = annotations.get(ANNOTATION_GPU_FRACTION)
    gpu_memory = annotations.get(ANNOTATION_GPU_MEMORY)
    try:
        gpu_fraction = float(fraction) if fraction not in (None, "") else None
    except (TypeError, ValueError):
        raise BadResponse(f"The {where} annotation gpu-fraction is {fraction!r}.", service=SERVICE) from None
    if gpu_fraction is not None and not (math.isfinite(gpu_fraction) and gpu_fraction >= 0):
        raise BadResponse(f"The {where} annotation gpu-fraction is {fraction!r}.", service=SERVICE)
    node_name = spec.get("nodeName")
    restarts, waiting_reason = _container_states(status, where)
    return PodRow(
        name=name,
        namespace=namespace,
        node_name=as_string(node_name, f"{where} spec.nodeName") if node_name else None,
        phase=as_string(status.get("phase"), f"{where} status.phase", required=False) or "Unknown",
        workload_id=workload_id,
        workload_name=workload_name,
        project_name=str(labels.get(LABEL_PROJECT) or labels.get(LABEL_QUEUE) or ""),
        cpu_millicores=int((requests.get("cpu", Decimal(0)) * 1000).to_integral_value("ROUND_CEILING")),
        memory_bytes=int(requests.get("memory", Decimal(0)).to_integral_value("ROUND_CEILING")),
        whole_gpus=int(
            requests.get(RESOURCE_GPU, Decimal(0)) + requests.get(RESOURCE_GPU_SHARED, Decimal(0))
        ),
        mig_slices=tuple(
            (resource[len(RESOURCE_MIG_PREFIX) :], int(count))
            for resource, count in requests.items()
            if resource.startswith(RESOURCE_MIG_PREFIX) and count > 0
        ),
        gpu_fraction=gpu_fraction,
        gpu_memory_mib=as_int(gpu_memory, f"{where} annotation gpu-memory") if gpu_memory else None,
        gpu_indexes=_indexes(annotations.get(ANNOTATION_GPU_INDEXES), f"{where} annotation runai-gpu"),
        created_at=parse_time(metadata.get("creationTimestamp"), f"{where} creationTimestamp"),
        is_runai=is_runai,
        restarts=restarts,
        waiting_reason=waiting_reason,
    )


def parse_pods(items: Iterable[Any]) -> list[PodRow]:
    """The readable pods of a list; one that is not is left out, logged and counted."""
    return readable_items(items, lambda item, _index: parse_pod(as_mapping(item, "pod")), "pod")


def pod_shares(
    pod: PodRow, gpu_memory_mib: int | None, *, replicas: int = 1, mig_profile: str | None = None
) -> tuple[GpuShare, ...]:
    """What the pod holds of which GPU, from its requests and annotations (none unless it holds resources).

    Precedence: MIG slices it was given, whole GPUs, then a fraction or an amount of memory of a shared GPU.
    A fraction's memory is that share of the GPU's memory; a memory request's fraction is memory / GPU memory.
    On a node whose GPUs are shared (`replicas` > 1) each `nvidia.com/gpu` is one replica, 1/replicas of a
    GPU with no memory of its own; on a MIG-single node (`mig_profile`) each is one slice of that profile.
    """
    if not pod.holds_resources:
        return ()
    indexes = list(pod.gpu_indexes)
    shares: list[GpuShare] = []

    def next_index() -> int | None:
        return indexes.pop(0) if indexes else None

    for profile, count in pod.mig_slices:
        found = MIG_PROFILE.match(profile)
        if found is None:  # a profile rwc cannot size (e.g. a future naming): one GPU's worth, unsized
            shares += [GpuShare(next_index(), 1.0, None, profile) for _ in range(count)]
            continue
        slices, gigabytes = int(found.group(1)), int(found.group(2))
        fraction = slices / MIG_COMPUTE_SLICES
        shares += [GpuShare(next_index(), fraction, gigabytes * 1024, profile) for _ in range(count)]
    single = MIG_PROFILE.match(mig_profile) if mig_profile else None
    if mig_profile is not None:
        profile_slices = mig_profile_slices(mig_profile)
        fraction = profile_slices / MIG_COMPUTE_SLICES if profile_slices else 1.0
        memory = int(single.group(2)) * 1024 if single else None
        shares += [GpuShare(next_index(), fraction, memory, mig_profile) for _ in range(pod.whole_gpus)]
    elif replicas > 1:
        shares += [GpuShare(next_index(), 1.0 / replicas, None, None) for _ in range(pod.whole_gpus)]
    else:
        shares += [GpuShare(next_index(), 1.0, gpu_memory_mib, None) for _ in range(pod.whole_gpus)]
    if shares:
        return tuple(shares)
    targets: list[int | None] = list(indexes) or [None]
    if pod.gpu_fraction is not None:
        memory = int(round(pod.gpu_fraction * gpu_memory_mib)) if gpu_memory_mib else None
        return tuple(GpuShare(index, pod.gpu_fraction, memory, None) for index in targets)
    if pod.gpu_memory_mib is not None:
        fraction = pod.gpu_memory_mib / gpu_memory_mib if gpu_memory_mib else 0.0
        return tuple(GpuShare(index, fraction, pod.gpu_memory_mib, None) for index in targets)
    return ()
