"""Which training jobs starve for data: the pure reading behind `:starved` and the workload detail's Fed line.

No tool links a GPU job to its storage, and WEKA counts IO per client host, not per filesystem or pod
(`console.model.feed`). So the figure joins what each system does know: Run:ai's GPU utilisation of the
workload, Kubernetes' mounts of it (which WEKA directories it reads, read-only), and WEKA's per-client
stats of the nodes it runs on (what they read, at what latency, how much from the object store).

A job is fed when its GPUs stay busy: MLPerf Storage counts a training run valid only while the
accelerators are at least 90 % busy (ResNet-50 and 3D U-Net; mlcommons/storage, "AU" in its rules), so
under that the data path, not the model, sets the pace. Its fed figure is its utilisation against that
mark. It is *starved* when it is under the mark while its data path shows saturation: its nodes' WEKA
reads wait (latency up), or part of them comes from the object tier. Low utilisation with a quiet data
path is not starvation (a small batch, a CPU-bound loader, a debugger) and is not flagged.

What the node's client read is shared by every workload on the node: with several readers on one node
the evidence is the node's, and says so ("its node read …").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.model import Workload, WorkloadPhase, WorkloadType, WorkloadUtilisation
from console.model.feed import ClientReads
from console.model.storage import WekaLocation, WorkloadMount
from console.ui.idle_gpus import idle_run

FED_PERCENT = 90.0
"""GPU utilisation from which a job counts as fed (MLPerf Storage's accelerator-utilisation floor)."""
LATENCY_UP_MICROSECONDS = 1000.0
"""[I] A WEKA read served from SSD takes a few hundred µs; a client averaging a millisecond or more is
queueing behind a saturated filesystem or waiting on the object store."""
OBJECT_TIER_SHARE = 0.05
"""Reads from the object tier at or above this share of a node's reads count as evidence."""
MIN_STARVED_SECONDS = 300.0
"""How long a job must have stayed under the mark: a training's utilisation wobbles around it between
steps (evaluation, checkpointing), and one slow minute is not a starved job."""

READERS = frozenset({WorkloadType.TRAINING, WorkloadType.DISTRIBUTED})
"""Notebooks idle while their user thinks and inference follows its traffic: neither is starved by IO."""
RUNNING = frozenset({WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED})


@dataclass(frozen=True, slots=True)
class NodeReads:
    """What a workload's nodes' WEKA clients read, added up."""

    nodes: int
    read_bytes_per_second: float
    latency_microseconds: float
    object_tier_share: float

    @property
    def latency_up(self) -> bool:
        return self.latency_microseconds >= LATENCY_UP_MICROSECONDS

    @property
    def from_object_tier(self) -> bool:
        return self.object_tier_share >= OBJECT_TIER_SHARE

    @property
    def saturated(self) -> bool:
        return self.latency_up or self.from_object_tier


@dataclass(frozen=True, slots=True)
class Feed:
    """One running training's fed figure and the evidence for it."""

    workload: Workload
    datasets: tuple[WekaLocation, ...]
    """The WEKA directories it mounts read-only: what it reads, and what a prefetch would fetch."""
    gpu_percent: float | None
    reads: NodeReads | None
    """None when WEKA reported no client on any of its nodes."""
    starved_seconds: float = 0.0
    gpu_hours_lost: float = 0.0
    reaches_back: bool = False
    """The starved run fills the whole history read: it began before it."""

    @property
    def fed(self) -> float | None:
        if self.gpu_percent is None:
            return None
        return min(1.0, self.gpu_percent / FED_PERCENT)

    @property
    def short_now(self) -> bool:
        """Under the mark now while its data path shows saturation."""
        return (
            self.gpu_percent is not None
            and self.gpu_percent < FED_PERCENT
            and self.reads is not None
            and self.reads.saturated
        )

    @property
    def starved(self) -> bool:
        """Short now, and under the mark for at least `MIN_STARVED_SECONDS`."""
        return self.short_now and self.starved_seconds >= MIN_STARVED_SECONDS

    @property
    def evidence(self) -> str:
        """`GPU 41 %, its node read 1.3 GB/s at 9.6 ms, 38 % from the object tier`."""
        parts = ["GPU —" if self.gpu_percent is None else f"GPU {self.gpu_percent:.0f} %"]
        reads = self.reads
        if reads is None:
            parts.append("no WEKA client stats for its nodes")
            return ", ".join(parts)
        who = "its node" if reads.nodes == 1 else f"its {reads.nodes} nodes"
        parts.append(
            f"{who} read {rate_words(reads.read_bytes_per_second)} at "
            f"{latency_words(reads.latency_microseconds)}"
        )
        if reads.object_tier_share > 0:
            parts.append(f"{100 * reads.object_tier_share:.0f} % from the object tier")
        return ", ".join(parts)

    @property
    def path_evidence(self) -> str:
        """The data path's part of the evidence, for a table beside the fed figure:
        `1.3 GB/s at 9.6 ms, 38 % object tier`."""
        reads = self.reads
        if reads is None:
            return "no WEKA client stats"
        rate, latency = rate_words(reads.read_bytes_per_second), latency_words(reads.latency_microseconds)
        parts = [f"{rate} at {latency}"]
        if reads.object_tier_share > 0:
            parts.append(f"{100 * reads.object_tier_share:.0f} % object tier")
        return ", ".join(parts)

    def line(self) -> str:
        """The workload detail's Fed line: `46 % — starved: GPU 41 %, …` or `100 % — GPU 93 %, …`."""
        fed = self.fed
        figure = "—" if fed is None else f"{100 * fed:.0f} %"
        return f"{figure} — {'starved: ' if self.starved else ''}{self.evidence}"


def rate_words(bytes_per_second: float) -> str:
    if bytes_per_second >= 1e9:
        return f"{bytes_per_second / 1e9:.1f} GB/s"
    return f"{bytes_per_second / 1e6:.0f} MB/s"


def latency_words(microseconds: float) -> str:
    if microseconds >= 1000:
        return f"{microseconds / 1000:.1f} ms"
    return f"{microseconds:.0f} µs"


def _short(hostname: str) -> str:
    """A node is named by its short hostname or its FQDN, on either side."""
    return hostname.split(".", 1)[0]


def node_reads(node_names: Iterable[str], clients: Iterable[ClientReads]) -> NodeReads | None:
    """The nodes' clients' reads added up (latency weighted by bytes read), or None without any."""
    wanted = {_short(name) for name in node_names}
    found = [client for client in clients if _short(client.hostname) in wanted]
    if not found:
        return None
    read = sum(client.read_bytes_per_second for client in found)
    cold = sum(client.obs_download_bytes_per_second for client in found)
    if read > 0:
        latency = sum(c.read_latency_microseconds * c.read_bytes_per_second for c in found) / read
    else:
        latency = max(client.read_latency_microseconds for client in found)
    return NodeReads(
        nodes=len({_short(client.hostname) for client in found}),
        read_bytes_per_second=read,
        latency_microseconds=latency,
        object_tier_share=min(1.0, cold / read) if read > 0 else 0.0,
    )


def datasets_of(workload_id: str, mounts: Iterable[WorkloadMount]) -> tuple[WekaLocation, ...]:
    """The WEKA locations a workload mounts read-only, each once, in mount order."""
    found: dict[WekaLocation, None] = {}
    for entry in mounts:
        location = entry.mount.location
        if entry.workload_id == workload_id and entry.mount.read_only and location is not None:
            found.setdefault(location)
    return tuple(found)


def feed_of(
    workload: Workload,
    mounts: Iterable[WorkloadMount],
    clients: Iterable[ClientReads],
    history: WorkloadUtilisation | None,
) -> Feed | None:
    """A running training's feed, or None for a workload the figure is not about (not running, not a
    training, no GPUs, or reading nothing from WEKA)."""
    if workload.phase not in RUNNING or workload.type not in READERS or workload.allocated_gpus <= 0:
        return None
    datasets = datasets_of(workload.id, mounts)
    if not datasets:
        return None
    percents = history.percents if history is not None else ()
    latest = next((percent for percent in reversed(percents) if percent is not None), None)
    feed = Feed(workload, datasets, latest, node_reads(workload.node_names, clients))
    if not feed.short_now or history is None:
        return feed
    run = idle_run(percents, FED_PERCENT)  # the readings under the mark, back from now
    lost = sum(1.0 - min(1.0, percent / FED_PERCENT) for percent in run)
    return Feed(
        workload,
        datasets,
        latest,
        feed.reads,
        starved_seconds=len(run) * history.step_seconds,
        gpu_hours_lost=workload.allocated_gpus * lost * history.step_seconds / 3600.0,
        reaches_back=bool(run) and len(run) == len(percents),
    )


def starved_feeds(
    workloads: Iterable[Workload],
    mounts: Sequence[WorkloadMount],
    clients: Sequence[ClientReads],
    histories: Iterable[WorkloadUtilisation],
) -> list[Feed]:
    """The starved trainings, the most GPU-hours lost first."""
    by_id = {history.workload_id: history for history in histories}
    mounts_of: dict[str, list[WorkloadMount]] = {}
    for entry in mounts:
        mounts_of.setdefault(entry.workload_id, []).append(entry)
    found = []
    for workload in workloads:
        feed = feed_of(workload, mounts_of.get(workload.id, ()), clients, by_id.get(workload.id))
        if feed is not None and feed.starved:
            found.append(feed)
    return sorted(found, key=lambda feed: (-feed.gpu_hours_lost, feed.workload.name))
