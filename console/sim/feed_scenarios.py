"""The demo's data-feed story (`console.sim.data_feed`): who starves for data, and why.

* `vit-large-pretrain` reads `datasets:/imagenet-21k`, most of which the tiering policy released to the
  object store before the job started: it reads at the bucket's 500 MB/s and its four GPUs idle for most
  of each step. An admin's prefetch brings the directory back to SSD in about 40 simulated minutes (40 s
  of `--clock-speed 60`), and the job is fed again.
* Ten minutes in, an ETL job on 16 hosts outside Kubernetes reads `datasets` at 1 GB/s each for
  25 minutes: the filesystem is asked for more than its ceiling, its latency climbs, and the trainings
  reading it slow down until the burst ends.
"""

from __future__ import annotations

from console.sim.data_feed import DataFeed, ReadBurst
from console.sim.weka_units import GB, TB

MINUTE = 60.0

STARVED_DATASET = ("datasets", "imagenet-21k")
STARVED_DATASET_BYTES = 1.3 * TB
STARVED_COLD_SHARE = 0.88
BURST_START_SECONDS = 10 * MINUTE
BURST_SECONDS = 25 * MINUTE
BURST_HOSTS = tuple(f"etl-{index:02d}" for index in range(1, 17))


def populate_demo(feed: DataFeed) -> None:
    feed.model_storage(40 * GB)  # [I] eight backends of a few GB/s each
    feed.set_ceiling("datasets", 20 * GB)
    feed.tier_out(*STARVED_DATASET, STARVED_DATASET_BYTES, STARVED_COLD_SHARE)
    feed.add_burst(
        ReadBurst("datasets", BURST_START_SECONDS, BURST_START_SECONDS + BURST_SECONDS, BURST_HOSTS, 1 * GB)
    )
