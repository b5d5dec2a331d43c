"""The simulator's data feed: read demand against the filesystem's and the cluster's ceilings and the
object tier's bandwidth; GPUs work as much as they are fed; the demo's story (a tiered-out dataset, a burst
of readers) happens and clears; the figures do not depend on how time was stepped."""

from __future__ import annotations

import pytest

from console.data.errors import Conflict, Forbidden, Invalid
from console.model import Role
from console.sim.data_feed import BASE_READ_LATENCY_US, OBJECT_TIER_LATENCY_US, ReadBurst
from console.sim.feed_scenarios import BURST_HOSTS, BURST_SECONDS, BURST_START_SECONDS
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator
from console.sim.weka_units import GB


def workload_id(sim: Simulator, name: str) -> str:
    return next(w.id for w in sim.runai.state.workloads.values() if w.name == name)


def reads_of(sim: Simulator, host: str):  # noqa: ANN201 - a ClientReads
    return next(reads for reads in sim.feed.client_reads() if reads.hostname == host)


def gpu_percent_now(sim: Simulator, name: str) -> float:
    [history] = sim.runai.workload_gpu_utilisation(60, 30, workload_id(sim, name))
    latest = history.percents[-1]
    assert latest is not None
    return latest


def test_the_tiered_out_training_reads_at_the_buckets_pace_and_its_gpus_wait() -> None:
    sim = build_simulator("demo")
    vit = workload_id(sim, "vit-large-pretrain")
    fed = sim.feed.fed_at(vit, sim.clock.elapsed_seconds)
    # 4 GPUs × 0.3 GB/s, 88 % of it cold: 1.06 GB/s asked of a 500 MB/s bucket (shared with the
    # vit-probes reading the same directory): under half fed.
    assert 0.3 < fed < 0.5
    assert sim.feed.fed_at(vit, -3600) == fed  # so since it started, before the demo's clock began
    node = reads_of(sim, "dgx-a100-01")
    assert node.obs_download_bytes_per_second > 0
    assert BASE_READ_LATENCY_US < node.read_latency_microseconds < OBJECT_TIER_LATENCY_US
    assert gpu_percent_now(sim, "vit-large-pretrain") < 60  # fed × its ~90 %
    healthy = reads_of(sim, "dgx-h100-01")  # llama3-8b-sft: its dataset is on SSD
    assert healthy.obs_download_bytes_per_second == 0
    assert healthy.read_latency_microseconds == BASE_READ_LATENCY_US
    assert sim.feed.fed_at(workload_id(sim, "llama3-8b-sft"), 0) == 1.0


def test_a_prefetch_brings_the_directory_back_and_the_job_is_fed() -> None:
    sim = build_simulator("demo")
    admin = sim.runai.identity_for(None, Role.ADMIN)
    vit = workload_id(sim, "vit-large-pretrain")
    before = sim.clock.elapsed_seconds
    sim.feed.prefetch(admin, "datasets", "/imagenet-21k/")
    sim.advance(45 * 60)
    assert sim.feed.cold_share("datasets", "imagenet-21k") == 0.0
    assert sim.feed.fed_at(vit, sim.clock.elapsed_seconds) == 1.0
    assert sim.feed.fed_at(vit, before) < 0.5  # the past stays as it was
    assert reads_of(sim, "dgx-a100-01").obs_download_bytes_per_second == 0
    assert gpu_percent_now(sim, "vit-large-pretrain") > 75


def test_prefetch_refusals() -> None:
    sim = build_simulator("demo")
    admin = sim.runai.identity_for(None, Role.ADMIN)
    researcher = sim.runai.identity_for(None, Role.RESEARCHER)
    with pytest.raises(Forbidden):
        sim.feed.prefetch(researcher, "datasets", "imagenet-21k")
    with pytest.raises(Invalid, match="does not exist"):
        sim.feed.prefetch(admin, "nope", "imagenet-21k")
    with pytest.raises(Conflict, match="nothing to fetch"):
        sim.feed.prefetch(admin, "datasets", "imagenet-1k")


def test_a_burst_of_readers_saturates_datasets_until_it_ends() -> None:
    sim = build_simulator("demo")
    llama = workload_id(sim, "llama3-8b-sft")
    sim.advance(BURST_START_SECONDS + 5 * 60)
    now = sim.clock.elapsed_seconds
    assert sim.feed.fed_at(llama, now) < 0.5  # 8 GPUs asking 2.4 GB/s get a fair share of what is left
    assert reads_of(sim, "dgx-h100-01").read_latency_microseconds > 1000  # the filesystem queues
    assert {reads.hostname for reads in sim.feed.client_reads()} >= set(BURST_HOSTS)
    sim.advance(BURST_SECONDS)
    assert sim.feed.fed_at(llama, sim.clock.elapsed_seconds) == 1.0
    assert not {reads.hostname for reads in sim.feed.client_reads()} & set(BURST_HOSTS)


def test_the_cluster_ceiling_caps_every_filesystem() -> None:
    sim = build_simulator("demo")
    hosts = tuple(f"bulk-{index}" for index in range(40))
    now = sim.clock.elapsed_seconds
    # 80 GB/s asked of scratch, on a cluster that delivers 40 GB/s at most
    sim.feed.add_burst(ReadBurst("scratch", now, now + 600, hosts, 2 * GB))
    sim.advance(20)
    total = sum(reads.read_bytes_per_second for reads in sim.feed.client_reads())
    assert total <= 40 * GB + 1


def test_the_same_advance_gives_the_same_figures_however_it_is_stepped() -> None:
    one, other = build_simulator("demo"), build_simulator("demo")
    one.advance(BURST_START_SECONDS + 600)
    for _ in range(int((BURST_START_SECONDS + 600) / 7)):
        other.advance(7)
    other.advance((BURST_START_SECONDS + 600) % 7)
    assert one.feed.client_reads() == other.feed.client_reads()
    vit = workload_id(one, "vit-large-pretrain")
    history = one.runai.workload_gpu_utilisation(3600, 30, vit)
    assert history == other.runai.workload_gpu_utilisation(3600, 30, vit)
