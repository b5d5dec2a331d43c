"""The fed figure without an app (`console.ui.starved`): under 90 % GPU for 5 minutes while the nodes' WEKA
reads wait or come from the object tier is starved; low GPU on a quiet path is not; the evidence in words;
GPU-hours lost = GPUs × (1 − fed) × time; only running trainings that read WEKA are about it."""

from __future__ import annotations

from datetime import UTC, datetime

from model_factories import a_workload

from console.model import GpuRequest, WorkloadPhase, WorkloadType, WorkloadUtilisation
from console.model.feed import ClientReads
from console.model.storage import DataMount, WekaLocation, WekaVolumeKind, WorkloadMount
from console.ui.starved import feed_of, node_reads, starved_feeds

AT = datetime(2026, 11, 1, tzinfo=UTC)
DATASET = WekaLocation(WekaVolumeKind.DIRECTORY, "datasets", "imagenet-21k")


def training(**changes: object):  # noqa: ANN201 - a Workload
    defaults: dict[str, object] = {
        "id": "vit",
        "name": "vit",
        "gpu_request": GpuRequest.whole(4),
        "allocated_gpus": 4.0,
        "node_names": ("gpu-01",),
    }
    return a_workload(**{**defaults, **changes})


def mounts(workload_id: str = "vit", read_only: bool = True) -> list[WorkloadMount]:
    return [
        WorkloadMount(
            workload_id, "vit", "p", WorkloadPhase.RUNNING, DataMount("c", "/data", read_only, DATASET)
        )
    ]


def client(
    host: str = "gpu-01", read: float = 1.3e9, latency: float = 9600.0, obs: float = 0.5e9
) -> ClientReads:
    return ClientReads("NodeId<1>", host, read, read / 2**20, latency, obs)


def history(*percents: float | None) -> WorkloadUtilisation:
    return WorkloadUtilisation("vit", AT, 30.0, tuple(percents))


def test_under_the_mark_on_a_saturated_path_for_five_minutes_is_starved_with_the_evidence() -> None:
    feed = feed_of(training(), mounts(), [client()], history(*[45.0] * 20))
    assert feed is not None and feed.starved
    assert feed.fed == 0.5
    assert feed.evidence == "GPU 45 %, its node read 1.3 GB/s at 9.6 ms, 38 % from the object tier"
    assert feed.line() == f"50 % — starved: {feed.evidence}"
    assert feed.starved_seconds == 600 and feed.reaches_back
    assert feed.gpu_hours_lost == 4 * 0.5 * 600 / 3600  # GPUs × (1 − fed) × time
    assert feed.datasets == (DATASET,)


def test_a_short_dip_or_a_quiet_path_is_not_starvation() -> None:
    short = feed_of(training(), mounts(), [client()], history(*[95.0] * 10, *[45.0] * 5))
    assert short is not None and short.short_now and not short.starved  # 2.5 minutes under the mark
    quiet = feed_of(training(), mounts(), [client(latency=300.0, obs=0.0)], history(*[45.0] * 20))
    assert quiet is not None and not quiet.starved  # a slow loader or small batches, not storage
    assert quiet.evidence == "GPU 45 %, its node read 1.3 GB/s at 300 µs"
    fed = feed_of(training(), mounts(), [client()], history(*[95.0] * 20))
    assert fed is not None and not fed.starved and fed.fed == 1.0
    unknown = feed_of(training(), mounts(), [client(host="elsewhere")], history(*[45.0] * 20))
    assert unknown is not None and not unknown.starved and unknown.reads is None
    assert unknown.evidence == "GPU 45 %, no WEKA client stats for its nodes"


def test_latency_alone_counts_as_saturation() -> None:
    feed = feed_of(training(), mounts(), [client(latency=1600.0, obs=0.0)], history(*[28.0] * 20))
    assert feed is not None and feed.starved and "at 1.6 ms" in feed.evidence


def test_only_running_trainings_that_read_weka_are_about_it() -> None:
    args = (mounts(), [client()], history(*[45.0] * 20))
    assert feed_of(training(type=WorkloadType.WORKSPACE), *args) is None
    assert feed_of(training(type=WorkloadType.INFERENCE), *args) is None
    assert feed_of(training(phase=WorkloadPhase.PENDING), *args) is None
    assert feed_of(training(allocated_gpus=0.0), *args) is None
    assert feed_of(training(), mounts(read_only=False), *args[1:]) is None  # writes checkpoints only


def test_several_nodes_add_up_and_fqdn_hostnames_match() -> None:
    reads = node_reads(
        ("gpu-01", "gpu-02"),
        [client("gpu-01.cluster.local", 1e9, 500.0, 0.0), client("gpu-02", 1e9, 1500.0, 0.2e9), client("x")],
    )
    assert reads is not None
    assert (reads.nodes, reads.read_bytes_per_second, reads.latency_microseconds) == (2, 2e9, 1000.0)
    assert reads.object_tier_share == 0.1 and reads.latency_up and reads.from_object_tier


def test_the_most_gpu_hours_lost_first() -> None:
    small = training(id="small", name="small", allocated_gpus=1.0)
    big = training()
    found = starved_feeds(
        [small, big],
        [*mounts("small"), *mounts("vit")],
        [client()],
        [WorkloadUtilisation(w, AT, 30.0, (45.0,) * 20) for w in ("small", "vit")],
    )
    assert [feed.workload.name for feed in found] == ["vit", "small"]
