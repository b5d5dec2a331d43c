"""The demo's second site, `cloud`: a smaller GPU cluster in a public cloud, with its own WEKA.

It is the other half of the reference architecture's hybrid story: the same Run:ai + WEKA stack rented
in a cloud region, reached from on premises through WEKA snap-to-object. Its WEKA's local bucket *is*
the bucket on-prem uploads its off-site copies to (`weka-prod-dr` on `s3.eu-west-1.amazonaws.com`,
on-prem's `obs-dr`), so a snapshot on-prem uploaded there is what a filesystem here can be created
from: the bridge a burst to the cloud and a restore after a disaster both cross.

The figures are chosen to make the two sites differ at a glance on `:sites`: 16 H100s (one node of
eight busy, work pending for more), a newer Run:ai, a 60 TiB WEKA whose own uploads are recent.
"""

from __future__ import annotations

from datetime import timedelta

from console.model import StowStatus
from console.model.runai import PoolQuota, WorkloadPhase, WorkloadType
from console.sim.runai import RunaiSim
from console.sim.runai_scenarios import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    H100,
    HOUR,
    MIB_80GB,
    MINUTE,
    NEMO,
    PYTORCH,
    VLLM,
)
from console.sim.weka import WekaSim
from console.sim.weka_metrics import IoProfile
from console.sim.weka_units import GB, MB, TIB

SHARED_BUCKET = "weka-prod-dr"
"""The object-store bucket both sites see: on-prem's remote (DR) bucket, the cloud WEKA's local one."""
SHARED_BUCKET_HOST = "s3.eu-west-1.amazonaws.com"


def _quota(pool: str, deserved: float, limit: float = -1.0) -> PoolQuota:
    return PoolQuota(node_pool=pool, deserved_gpus=deserved, limit_gpus=limit)


def populate_cloud_runai(sim: RunaiSim) -> None:
    """Two 8-GPU H100 nodes in one pool, the tenant's research projects, a few jobs and a queue."""
    sim.set_cluster("acme-gpu-cloud", "2.21.0")
    for pool in ("default", "h100"):
        sim.add_node_pool(pool)
    sim.add_node("cpu-cloud-01", "default")
    for index in (1, 2):
        sim.add_node(f"p5-h100-{index:02d}", "h100", H100, 8, MIB_80GB)
    research = sim.add_department("research", [_quota("h100", 12)])
    platform = sim.add_department("platform", [_quota("h100", 4)])
    sim.add_project("llm-pretrain", research, [_quota("h100", 8)], members=[ALICE, BOB])
    sim.add_project("vision", research, [_quota("h100", 4)], members=[CAROL, ALICE])
    sim.add_project("sandbox", platform, [_quota("h100", 0, limit=4)], members=[ALICE, BOB, CAROL, DAVE])
    running, pending = WorkloadPhase.RUNNING, WorkloadPhase.PENDING
    sim.add_workload(
        "llama3-70b-sft-cloud", "llm-pretrain", gpu=8, phase=running, submitted_by=ALICE, image=NEMO,
        node_pools=("h100",), run_seconds=3 * HOUR, duration_seconds=10 * HOUR, nodes=["p5-h100-01"],
        command="python -m nemo.collections.llm.finetune --config sft_llama3_70b.yaml",
    )  # fmt: skip
    sim.add_workload(
        "vllm-eval-cloud", "vision", workload_type=WorkloadType.INFERENCE, gpu=2, phase=running,
        submitted_by=CAROL, image=VLLM, node_pools=("h100",), run_seconds=40 * MINUTE, nodes=["p5-h100-02"],
        command="python -m vllm.entrypoints.openai.api_server --model llava-hf/llava-1.5-13b-hf",
    )  # fmt: skip
    sim.add_workload(
        "internvl2-pretrain", "vision", gpu=8, phase=pending, submitted_by=CAROL, image=PYTORCH,
        node_pools=("h100",), created_ago_s=25 * MINUTE, duration_seconds=6 * HOUR,
        command="torchrun --nproc-per-node 8 train_vit.py --model internvl2_26b",
    )  # fmt: skip


def populate_cloud_weka(sim: WekaSim) -> None:
    """`weka-cloud`: 60 TiB, tiering to the shared bucket, hourly uploads of what runs here."""
    sim.configure_cluster(
        name="weka-cloud",
        release="4.4.5.118",
        total_ssd_bytes=60 * TIB,
        drives=(24, 24),
        backends=(6, 6),
        clients=(3, 3),
        io_profile=IoProfile(read_bytes_per_second=4 * GB, write_bytes_per_second=1 * GB),
    )
    sim.add_group("default")
    sim.add_bucket(
        "obs-cloud",
        obs_site="local",
        bandwidth_bytes_per_second=1 * GB,  # in-region S3 from the cloud's own network
        bucket=SHARED_BUCKET,
        hostname=SHARED_BUCKET_HOST,
    )
    sim.add_filesystem(
        "checkpoints",
        "default",
        20 * TIB,
        ssd_bytes=6 * TIB,
        used_total_bytes=7.5 * TIB,
        used_ssd_bytes=3.1 * TIB,
        obs_bucket="obs-cloud",
        write_bytes_per_second=60 * MB,
    )
    sim.add_filesystem(
        "scratch", "default", 10 * TIB, used_total_bytes=2.2 * TIB, write_bytes_per_second=20 * MB
    )
    now = sim.now().replace(minute=0, second=0, microsecond=0)
    for hours_before in (2, 1):
        taken = now - timedelta(hours=hours_before)
        sim.add_snapshot(
            "checkpoints",
            f"hourly-{taken:%Y%m%d-%H%M}",
            created_at=taken,
            stow_status=StowStatus.SYNCHRONIZED,
        )
    sim.add_snapshot_schedule("checkpoints", upload_site="LOCAL")  # hourly, keep 24
    sim.backfill_metrics()
    sim.backfill_events()
