"""What a Kubernetes node's labels and allocatable say of its GPUs: how many physical ones, which model, how
much memory each, and how pods are given them (whole, replicas of one under time-slicing, or MIG slices).

Why apart from the node parser (`console.wire.kube_nodes`): this is the one reading of GPU Feature Discovery,
GKE and EC2 labels (their names and sources are in `console.wire.kube_names`), and the pod parser needs its
MIG arithmetic too (`mig_profile_slices`). Every label is read tolerantly: a label is a hint from whoever
wrote it, so a garbage one costs the field it says, never the node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from console.wire import common
from console.wire.kube_fields import allocatable, as_mapping
from console.wire.kube_names import (
    EC2_GPU_FAMILIES,
    GFD_COUNT_LABEL,
    GFD_MEMORY_LABEL,
    GFD_MIG_CAPABLE_LABEL,
    GFD_MIG_COUNT_LABEL,
    GFD_MIG_PRODUCT,
    GFD_MIG_STRATEGY_LABEL,
    GFD_PRODUCT_LABEL,
    GFD_REPLICAS_LABEL,
    GFD_SHARED_SUFFIX,
    GFD_SHARING_STRATEGY_LABEL,
    GKE_ACCELERATOR_LABEL,
    GKE_ACCELERATORS,
    GKE_MAX_SHARED_CLIENTS_LABEL,
    GKE_PARTITION_SIZE_LABEL,
    GKE_SHARING_STRATEGY_LABEL,
    INSTANCE_TYPE_LABEL,
    MAX_GPU_MEMORY_MIB,
    MAX_GPUS_PER_NODE,
    MAX_REPLICAS,
    MIG_COMPUTE_SLICES,
    MIG_PROFILE,
    MIG_STRATEGIES_ON,
    RESOURCE_GPU,
    RESOURCE_GPU_SHARED,
    RESOURCE_MIG_PREFIX,
    KnownGpu,
)


def _label_int(labels: Mapping[str, str], key: str, low: int, high: int) -> int | None:
    """A whole-number label within [low, high]; None when absent or garbage (`NaN`, `-4`, `1e400`, `8.5`):
    a label is a hint from whoever wrote it, so a bad one costs the field it says, never the node."""
    text = labels.get(key)
    # ASCII digits only (`"²".isdigit()` is true and int() refuses it); 12 digits is past every bound.
    if text is None or not re.fullmatch(r"[0-9]{1,12}", text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


def _gpu_quantity(status: Mapping[str, Any], resource: str) -> int | None:
    """A GPU resource's allocatable (else capacity) as a count; None when absent, fractional, negative or
    past any machine (`MAX_GPUS_PER_NODE` x `MAX_REPLICAS`)."""
    raw = allocatable(status, resource)
    if raw is None:
        return None
    quantity = common.parse_quantity(raw)
    if quantity is None or quantity < 0 or quantity != quantity.to_integral_value():
        return None
    return int(quantity) if quantity <= MAX_GPUS_PER_NODE * MAX_REPLICAS else None


def mig_profile_slices(profile: str) -> int | None:
    """Compute slices (of 7) of a `<g>g.<mem>gb` profile; None for a name rwc cannot size."""
    found = MIG_PROFILE.match(profile)
    if found is None:
        return None
    slices = int(found.group(1))
    return slices if 1 <= slices <= MIG_COMPUTE_SLICES else None


def _gigabytes_in_name(model: str) -> int | None:
    """`NVIDIA-A100-SXM4-80GB` -> 81920: the memory a model's own name states, when it states one."""
    found = re.search(r"(?<![0-9])(\d{1,4})GB(?![a-z0-9])", model, re.IGNORECASE)
    return int(found.group(1)) * 1024 if found else None


@dataclass(frozen=True, slots=True)
class GpuShape:
    """What a node's labels and allocatable say of its GPUs: how many physical ones, which model, how much
    memory each, and how pods are given them (whole, replicas of one, or MIG slices)."""

    count: int
    model: str | None
    memory_mib: int | None
    replicas: int = 1
    sharing: str | None = None
    mig_strategy: str | None = None
    mig_profile: str | None = None
    mig_gpus: int = 0


def gpu_shape(labels: Mapping[str, str], status: Mapping[str, Any]) -> GpuShape:
    """The node's GPUs from GFD labels, else GKE's and EC2's (see the label constants for sources).

    Time-slicing (GFD `gpu.replicas`, GKE `gke-max-shared-clients-per-gpu`) multiplies what the node
    advertises, not what it has: the count is the physical GPUs and each advertised one a replica. Under
    MIG single (GFD product `...-MIG-<profile>`, or GKE's partition size) the advertised `nvidia.com/gpu` are
    slices, 7 // g of them per GPU; under mixed the `nvidia.com/mig-<profile>` slices fill whole GPUs, 7
    compute slices each, beside the GPUs still whole. Every label is read tolerantly: one that is garbage
    is as if absent, and the count falls back to what the node advertises.
    """
    advertised = _gpu_quantity(status, RESOURCE_GPU)
    advertised_shared = _gpu_quantity(status, RESOURCE_GPU_SHARED)
    gfd_count = _label_int(labels, GFD_COUNT_LABEL, 0, MAX_GPUS_PER_NODE * MIG_COMPUTE_SLICES)
    gfd_memory = _label_int(labels, GFD_MEMORY_LABEL, 1, MAX_GPU_MEMORY_MIB)

    product = (labels.get(GFD_PRODUCT_LABEL) or "").strip() or None
    if product is not None and product.endswith(GFD_SHARED_SUFFIX):
        product = product.removesuffix(GFD_SHARED_SUFFIX)
    mig_profile: str | None = None
    if product is not None and (found := GFD_MIG_PRODUCT.match(product)):
        product, mig_profile = found.group("model"), found.group("profile")
    if mig_profile is None and (partition := (labels.get(GKE_PARTITION_SIZE_LABEL) or "").strip()):
        mig_profile = partition
    strategy: str | None = None  # set below only where slices are seen

    known: KnownGpu | None = None
    accelerator = (labels.get(GKE_ACCELERATOR_LABEL) or "").strip()
    if accelerator:
        known = GKE_ACCELERATORS.get(accelerator) or KnownGpu(accelerator, 0)
    elif (instance := labels.get(INSTANCE_TYPE_LABEL)) is not None:
        known = EC2_GPU_FAMILIES.get(instance.split(".", 1)[0])
    model = product or (known.model if known else None)

    # Replicas: GFD's label, else GKE's clients per GPU (only when GKE says the GPUs are shared).
    replicas = _label_int(labels, GFD_REPLICAS_LABEL, 1, MAX_REPLICAS)
    sharing = labels.get(GFD_SHARING_STRATEGY_LABEL)
    gke_sharing = labels.get(GKE_SHARING_STRATEGY_LABEL)
    if (replicas is None or replicas == 1) and gke_sharing:
        replicas = _label_int(labels, GKE_MAX_SHARED_CLIENTS_LABEL, 1, MAX_REPLICAS) or replicas
        sharing = gke_sharing
    replicas = replicas or 1

    mig_slices = _mig_resources(labels, status)
    mig_gpus = 0
    memory = None if mig_profile else gfd_memory  # under single, gpu.memory is one slice's
    if mig_profile is not None:
        # Single strategy: every advertised GPU is a slice; 7 // g of them fill one physical GPU.
        slices = gfd_count if gfd_count is not None else (advertised or 0)
        per_gpu = MIG_COMPUTE_SLICES // (mig_profile_slices(mig_profile) or MIG_COMPUTE_SLICES)
        count = mig_gpus = -(-slices // per_gpu)
        strategy, replicas = "single", 1
    elif mig_slices:
        used = sum(
            count * (mig_profile_slices(profile) or MIG_COMPUTE_SLICES) for profile, count in mig_slices
        )
        mig_gpus = -(-used // MIG_COMPUTE_SLICES)
        # GFD's gpu.count may be every GPU or only the whole ones: the larger reading is the machine.
        count = max(gfd_count or 0, (advertised or 0) + mig_gpus)
        strategy = "mixed"
    elif replicas > 1:
        shared = advertised_shared if advertised_shared is not None else advertised
        count = gfd_count if gfd_count is not None else -(-(shared or 0) // replicas)
    else:
        count = gfd_count if gfd_count is not None else (advertised or advertised_shared or 0)
    if count > MAX_GPUS_PER_NODE:
        count = 0
    mig_gpus = min(mig_gpus, count)
    if memory is None and known is not None and known.memory_mib:
        memory = known.memory_mib
    if memory is None and model is not None:
        memory = _gigabytes_in_name(model)
    if not count:
        return GpuShape(0, None, None)
    words = None
    if mig_profile is not None:
        words = f"MIG single {mig_profile}"
    elif mig_slices:
        words = "MIG mixed"
    elif replicas > 1:
        words = f"{sharing if sharing and sharing != 'none' else 'shared'} ×{replicas}"
    return GpuShape(
        count=count,
        model=model or "GPU",
        memory_mib=memory,
        replicas=replicas,
        sharing=words,
        mig_strategy=strategy if strategy in MIG_STRATEGIES_ON else None,
        mig_profile=mig_profile,
        mig_gpus=mig_gpus,
    )


def _mig_resources(labels: Mapping[str, str], status: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Mixed-strategy slices: (profile, count) from the `nvidia.com/mig-<profile>` resources, else GFD's
    `nvidia.com/mig-<profile>.count` labels; garbage counts are left out."""
    found: dict[str, int] = {}
    advertised = as_mapping(status.get("allocatable"), "status.allocatable")
    capacity = as_mapping(status.get("capacity"), "status.capacity")
    for resource in {**capacity, **advertised}:
        if isinstance(resource, str) and resource.startswith(RESOURCE_MIG_PREFIX):
            count = _gpu_quantity(status, resource)
            if count:
                found[resource[len(RESOURCE_MIG_PREFIX) :]] = count
    if not found:
        for key in labels:
            if (match := GFD_MIG_COUNT_LABEL.match(key)) is not None:
                count = _label_int(labels, key, 1, MAX_GPUS_PER_NODE * MIG_COMPUTE_SLICES)
                if count:
                    found[match.group("profile")] = count
    return sorted(found.items())


def mig_enabled(shape: GpuShape, labels: Mapping[str, str]) -> bool:
    """MIG is on where slices are seen (single's `-MIG-` product, mixed's resources). A MIG strategy label
    alone is the cluster's policy, written on every GPU node, so it counts only where GFD does not say the
    GPU cannot do MIG (`nvidia.com/mig.capable=false`, an L4 under `mig.strategy=single`)."""
    # UNSURE(mig-strategy-label): a MIG-capable GPU with MIG off still reads as MIG under that policy label;
    # kept because the simulator's face labels its MIG node so, without `nvidia.com/mig-<profile>` resources.
    if shape.mig_strategy is not None:
        return True
    return (
        labels.get(GFD_MIG_STRATEGY_LABEL) in MIG_STRATEGIES_ON
        and labels.get(GFD_MIG_CAPABLE_LABEL) != "false"
    )
