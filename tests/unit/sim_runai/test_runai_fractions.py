"""GPU sharing: fractions and GPU-memory requests bin-pack onto shared GPUs; MIG slices by memory."""

from __future__ import annotations

from runai_tiny import A100, BOUND, Tiny, quota

from console.model import GpuRequest, WorkloadPhase, WorkloadType


def _one_node(tiny: Tiny, gpus: int, *, mig: bool = False) -> None:
    tiny.pool("h100", nodes=1, gpus=gpus, mig=mig, model=A100 if mig else "NVIDIA H100 80GB HBM3")
    tiny.project("team-a", quota("h100", gpus))


def test_a_half_and_two_quarters_share_one_gpu(tiny: Tiny) -> None:
    _one_node(tiny, gpus=2)
    tiny.submit("half", "team-a", 0.5, kind=WorkloadType.WORKSPACE)
    tiny.submit("quarter-1", "team-a", 0.25, kind=WorkloadType.WORKSPACE)
    tiny.submit("quarter-2", "team-a", 0.25, kind=WorkloadType.WORKSPACE)
    tiny.advance(3)

    places = {name: tiny.gpus_of(name, "team-a") for name in ("half", "quarter-1", "quarter-2")}
    assert len(set(map(tuple, places.values()))) == 1  # all three on the same GPU
    node, index = places["half"][0]
    shared = tiny.gpu(node, index)
    assert sorted(allocation.fraction for allocation in shared.allocations) == [0.25, 0.25, 0.5]
    assert shared.allocated_fraction == 1.0
    other = tiny.gpu(node, 1 - index)
    assert other.allocations == ()


def test_a_sixty_percent_share_does_not_fit_beside_a_half(tiny: Tiny) -> None:
    _one_node(tiny, gpus=1)
    tiny.submit("half", "team-a", 0.5)
    tiny.submit("sixty", "team-a", 0.6)
    tiny.advance(3)

    assert tiny.phase("half", "team-a") in BOUND
    sixty = tiny.workload("sixty", "team-a")
    assert sixty.phase is WorkloadPhase.PENDING
    assert "0.6 GPU" in sixty.phase_message


def test_a_sixty_percent_share_takes_another_gpu_when_there_is_one(tiny: Tiny) -> None:
    _one_node(tiny, gpus=2)
    tiny.submit("half", "team-a", 0.5)
    tiny.advance(3)
    tiny.submit("sixty", "team-a", 0.6)
    tiny.advance(3)

    assert tiny.gpus_of("half", "team-a") != tiny.gpus_of("sixty", "team-a")


def test_gpu_memory_requests_pack_by_memory_on_one_80gb_gpu(tiny: Tiny) -> None:
    _one_node(tiny, gpus=2)
    tiny.submit("embed-a", "team-a", GpuRequest.memory(40960))
    tiny.submit("embed-b", "team-a", GpuRequest.memory(40960))
    tiny.advance(3)

    assert tiny.gpus_of("embed-a", "team-a") == tiny.gpus_of("embed-b", "team-a")
    node, index = tiny.gpus_of("embed-a", "team-a")[0]
    shared = tiny.gpu(node, index)
    assert [allocation.memory_mib for allocation in shared.allocations] == [40960, 40960]
    assert shared.free_fraction == 0.0


def test_a_whole_gpu_request_never_lands_on_a_gpu_that_holds_a_fraction(tiny: Tiny) -> None:
    _one_node(tiny, gpus=2)
    tiny.submit("quarter", "team-a", 0.25)
    tiny.advance(3)
    tiny.submit("two-whole", "team-a", 2)
    tiny.submit("one-whole", "team-a", 1)
    tiny.advance(3)

    assert tiny.phase("two-whole", "team-a") is WorkloadPhase.PENDING  # only one untouched GPU
    quarter_gpu = tiny.gpus_of("quarter", "team-a")[0]
    whole_gpu = tiny.gpus_of("one-whole", "team-a")[0]
    assert whole_gpu != quarter_gpu
    assert [a.fraction for a in tiny.gpu(*whole_gpu).allocations] == [1.0]


def test_a_mig_node_carves_the_smallest_profile_that_holds_the_request(tiny: Tiny) -> None:
    _one_node(tiny, gpus=1, mig=True)
    tiny.submit("tiny-notebook", "team-a", GpuRequest.memory(10240), kind=WorkloadType.WORKSPACE)
    tiny.submit("half", "team-a", 0.5, kind=WorkloadType.WORKSPACE)
    tiny.advance(3)

    gpu = tiny.gpu("h100-1", 0)
    assert gpu.mig_enabled
    profiles = sorted(allocation.mig_profile or "" for allocation in gpu.allocations)
    assert profiles == ["1g.10gb", "3g.40gb"]
    assert tiny.workload("half", "team-a").allocated_gpus == round(3 / 7, 6)
