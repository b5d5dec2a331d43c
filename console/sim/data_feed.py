"""How well the simulator's GPU jobs are fed with data: read demand against what WEKA can deliver.

Each running training reads its dataset (its read-only `datasets` volume, `runai_mounts`) at a rate that
grows with its GPUs. Each filesystem and the whole cluster have a read ceiling; what is asked of a
filesystem beyond it is shared fairly (water-filling, as `weka_engine.share_evenly` shares a bucket),
and its latency rises with the load, as a queue's does. Data tiered out to the object store is read at
the bucket's bandwidth, shared by everyone reading cold data from it, at object-store latency. A job's
fed fraction is the share of its demand it got, and its GPUs are busy in proportion
(`GpuViews.fed_at`: fed × its normal utilisation).

Only the readers are modelled ([I] notebooks and inference servers read little once loaded). The state is
updated every `FEED_STEP_SECONDS` of simulated time from the simulator's state alone, and each job's fed
fraction is kept as a log of changes, so readings of the past stay what they were: the same seed and the
same total advance give the same figures however time was stepped.

The per-node result is served as WEKA serves per-process stats (`/stats/realtime`: one client process per
GPU node, reference/weka.md §9), so the demo and the HTTP face read the same thing a real cluster gives.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from console.model.enums import WorkloadPhase, WorkloadType
from console.model.feed import ClientReads
from console.model.identity import Identity
from console.sim.runai import RunaiSim
from console.sim.runai_mounts import volumes_of
from console.sim.weka import WekaSim
from console.sim.weka_engine import share_evenly
from console.sim.weka_rules import conflict, invalid, require_admin
from console.sim.weka_units import GB, MIB
from console.wire.csi_wekafs import parse_volume_handle

FEED_STEP_SECONDS = 10.0
"""How often the feed is worked out again (simulated seconds): data loaders smooth over shorter spells."""

READ_BYTES_PER_GPU: dict[WorkloadType, float] = {
    WorkloadType.TRAINING: 0.3 * GB,
    WorkloadType.DISTRIBUTED: 0.25 * GB,
}
"""What a training asks of storage per GPU ([I] ResNet-50 on an A100 reads ~2,500 images of ~110 KB a
second: about 0.3 GB/s per GPU)."""

DEFAULT_FS_CEILING = 20 * GB
"""A filesystem's read ceiling unless the scenario sets one ([I] a few GB/s per backend)."""

BASE_READ_LATENCY_US = 250.0
OBJECT_TIER_LATENCY_US = 25_000.0
"""An SSD read through WEKA takes a few hundred µs; a range read from an S3 object store tens of ms."""
MAX_LATENCY_FACTOR = 8.0
BUSY_FROM = 0.6
"""Latency starts to climb once a filesystem is asked for more than this share of its ceiling."""

AVERAGE_READ_BYTES = 1 * MIB


@dataclass(slots=True)
class ColdData:
    """A dataset directory whose data was released to the object store (all but `total - cold` bytes)."""

    total_bytes: float
    cold_bytes: float
    prefetching: bool = False

    @property
    def cold_share(self) -> float:
        return self.cold_bytes / self.total_bytes if self.total_bytes > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ReadBurst:
    """Readers outside Kubernetes (an ETL job's hosts) reading a filesystem hard for a while."""

    filesystem: str
    start_elapsed: float
    end_elapsed: float
    hosts: tuple[str, ...]
    bytes_per_second_each: float


@dataclass(slots=True)
class _Reader:
    workload_id: str
    filesystem: str
    directory: str
    demand: float
    nodes: dict[str, float]
    """Node name -> the GPUs it holds there (how its reads split across its nodes' clients)."""
    fed: float = 1.0
    hot_read: float = 0.0
    cold_read: float = 0.0


@dataclass(slots=True)
class _Client:
    read: float = 0.0
    cold: float = 0.0
    latency_weighted: float = 0.0


@dataclass(slots=True)
class FeedState:
    cluster_ceiling: float | None = None
    """The cluster's read ceiling; None leaves the model off (every job fed, no client stats): the
    scale scenarios and the tests' small clusters do not model storage."""
    ceilings: dict[str, float] = field(default_factory=dict)
    cold: dict[tuple[str, str], ColdData] = field(default_factory=dict)
    bursts: list[ReadBurst] = field(default_factory=list)


class DataFeed:
    """The throughput model over one simulator's Run:ai and WEKA halves."""

    def __init__(self, runai: RunaiSim, weka: WekaSim) -> None:
        self._runai = runai
        self._weka = weka
        self.state = FeedState()
        self._log: dict[str, tuple[list[float], list[float]]] = {}
        self._datasets: dict[str, tuple[str, str] | None] = {}
        self._clients: tuple[ClientReads, ...] = ()
        self._last_update: float | None = None
        runai.feed_gpus_from(self.fed_at)

    # -- set-up (scenarios) -------------------------------------------------------------------------
    def model_storage(self, cluster_ceiling: float) -> None:
        """Turn the model on: the cluster delivers at most `cluster_ceiling` bytes of reads a second."""
        self.state.cluster_ceiling = cluster_ceiling

    def set_ceiling(self, filesystem: str, bytes_per_second: float) -> None:
        self.state.ceilings[filesystem] = bytes_per_second

    def tier_out(self, filesystem: str, directory: str, total_bytes: float, cold_share: float) -> None:
        """Say that `cold_share` of a dataset directory lives only in the object store."""
        self.state.cold[(filesystem, directory)] = ColdData(total_bytes, total_bytes * cold_share)

    def add_burst(self, burst: ReadBurst) -> None:
        self.state.bursts.append(burst)

    # -- reads --------------------------------------------------------------------------------------
    def fed_at(self, workload_id: str, t: float) -> float:
        """The fed fraction of a workload at `t` (seconds since the clock's start); 1 when never short."""
        log = self._log.get(workload_id)
        if log is None:
            return 1.0
        index = bisect_right(log[0], t) - 1
        return log[1][index] if index >= 0 else 1.0

    def client_reads(self) -> list[ClientReads]:
        """One WEKA client process per node (and per burst host) with what it read in the last step."""
        return list(self._clients)

    def cold_share(self, filesystem: str, directory: str) -> float:
        cold = self.state.cold.get((filesystem, directory))
        return cold.cold_share if cold is not None else 0.0

    # -- action -------------------------------------------------------------------------------------
    def prefetch(self, actor: Identity, filesystem: str, directory: str) -> None:
        """rwc's prefetch of a tiered-out directory back to SSD (what `weka fs tier fetch` does on a client;
        WEKA's REST API has no call for it, reference/weka.md §13): the bucket's bandwidth brings it back."""
        require_admin(actor, "prefetch data")
        if filesystem not in {fs.name for fs in self._weka.filesystems()}:
            invalid(f"Filesystem {filesystem} does not exist.", "filesystem")
        directory = directory.strip("/")
        cold = self.state.cold.get((filesystem, directory))
        if cold is None or cold.cold_bytes <= 0:
            conflict(f"Nothing of {filesystem}:/{directory} is on the object tier: nothing to fetch.")
        cold.prefetching = True

    # -- time ---------------------------------------------------------------------------------------
    def step(self) -> None:
        """Called after every simulator tick (and once when built): works the feed out on each multiple of
        `FEED_STEP_SECONDS`, so when it is worked out does not depend on how time was stepped."""
        if self.state.cluster_ceiling is None:
            return
        now = self._runai.clock.elapsed_seconds
        last = self._last_update
        if last is not None and now + 1e-9 < (last // FEED_STEP_SECONDS + 1) * FEED_STEP_SECONDS:
            return
        self._prefetch_for(0.0 if last is None else now - last)
        self._update(now, last is None)
        self._last_update = now

    def _buckets(self) -> tuple[dict[str, float], dict[str, str]]:
        """Bucket bandwidths (bytes/s) and each tiered filesystem's writable bucket."""
        buckets = self._weka.buckets()
        bandwidth = {b.name: float(b.bandwidth_bytes_per_second) for b in buckets if b.status == "UP"}
        tiering = {}
        for fs in self._weka.filesystems():
            for attached in fs.buckets:
                if attached.mode.value == "WRITABLE":
                    tiering[fs.name] = attached.bucket_name
        return bandwidth, tiering

    def _prefetch_for(self, seconds: float) -> None:
        if seconds <= 0:
            return
        bandwidth, tiering = self._buckets()
        for (filesystem, directory), cold in list(self.state.cold.items()):
            if not cold.prefetching:
                continue
            rate = bandwidth.get(tiering.get(filesystem, ""), 0.0)
            cold.cold_bytes = max(0.0, cold.cold_bytes - rate * seconds)
            if cold.cold_bytes <= 0:
                del self.state.cold[(filesystem, directory)]

    def _dataset_of(self, workload_id: str) -> tuple[str, str] | None:
        if workload_id in self._datasets:
            return self._datasets[workload_id]
        workload = self._runai.state.workloads[workload_id]
        project = self._runai.state.projects.get(workload.project_id)
        found = None
        for volume in volumes_of(workload, project.name if project else "", self._runai.claims):
            location = parse_volume_handle(volume.handle)
            if volume.read_only and location is not None and location.filesystem == "datasets":
                found = (location.filesystem, location.path)
                break
        self._datasets[workload_id] = found
        return found

    def _readers(self, now: float) -> list[_Reader]:
        readers: dict[str, _Reader] = {}
        workloads = self._runai.state.workloads
        for node in self._runai.state.nodes.values():
            for gpu in node.gpus:
                for alloc in gpu.allocs:
                    workload = workloads.get(alloc.workload_id)
                    if workload is None or workload.type not in READ_BYTES_PER_GPU:
                        continue
                    if workload.phase not in (WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED):
                        continue
                    if workload.running_since is not None and workload.running_since > now:
                        continue
                    dataset = self._dataset_of(workload.id)
                    if dataset is None:
                        continue
                    reader = readers.get(workload.id)
                    if reader is None:
                        reader = readers[workload.id] = _Reader(workload.id, dataset[0], dataset[1], 0.0, {})
                    reader.nodes[node.name] = reader.nodes.get(node.name, 0.0) + alloc.fraction
                    reader.demand += alloc.fraction * READ_BYTES_PER_GPU[workload.type]
        return list(readers.values())

    def _update(self, now: float, first: bool) -> None:
        readers = self._readers(now)
        bursts = [b for b in self.state.bursts if b.start_elapsed <= now < b.end_elapsed]
        bandwidth, tiering = self._buckets()
        latency, hot_grant = self._share(readers, bursts, bandwidth, tiering)
        clients: dict[str, _Client] = {name: _Client() for name in self._runai.state.nodes}
        for reader in readers:
            held = sum(reader.nodes.values()) or 1.0
            for node_name, gpus in reader.nodes.items():
                share = gpus / held
                client = clients[node_name]
                client.read += (reader.hot_read + reader.cold_read) * share
                client.cold += reader.cold_read * share
                client.latency_weighted += share * (
                    reader.hot_read * latency.get(reader.filesystem, BASE_READ_LATENCY_US)
                    + reader.cold_read * OBJECT_TIER_LATENCY_US
                )
            self._log_fed(reader.workload_id, now, reader.fed, first)
        for workload_id in set(self._log) - {reader.workload_id for reader in readers}:
            self._log_fed(workload_id, now, 1.0, first)
        for burst in bursts:
            for host in burst.hosts:
                client = clients.setdefault(host, _Client())
                got = hot_grant.get(f"burst:{host}", 0.0)
                client.read += got
                client.latency_weighted += got * latency.get(burst.filesystem, BASE_READ_LATENCY_US)
        self._clients = tuple(
            _client_reads(index, name, client) for index, (name, client) in enumerate(clients.items())
        )

    def _share(
        self,
        readers: list[_Reader],
        bursts: list[ReadBurst],
        bandwidth: dict[str, float],
        tiering: dict[str, str],
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Grant each reader its part of its filesystem's ceiling and of its bucket; returns each
        filesystem's SSD read latency (µs) and what each reader and burst host got of its SSD reads."""
        cold_by_bucket: dict[str, list[_Reader]] = {}
        for reader in readers:
            if self.cold_share(reader.filesystem, reader.directory) > 0:
                cold_by_bucket.setdefault(tiering.get(reader.filesystem, ""), []).append(reader)
        cold_grant: dict[str, float] = {}
        for bucket, cold_members in cold_by_bucket.items():
            demands = [r.demand * self.cold_share(r.filesystem, r.directory) for r in cold_members]
            granted = share_evenly(bandwidth.get(bucket, 0.0), demands)
            for reader, grant in zip(cold_members, granted, strict=True):
                cold_grant[reader.workload_id] = grant
        hot_by_fs: dict[str, list[tuple[str, float]]] = {}
        for reader in readers:
            hot = reader.demand * (1.0 - self.cold_share(reader.filesystem, reader.directory))
            hot_by_fs.setdefault(reader.filesystem, []).append((reader.workload_id, hot))
        for burst in bursts:
            for host in burst.hosts:
                asked = (f"burst:{host}", burst.bytes_per_second_each)
                hot_by_fs.setdefault(burst.filesystem, []).append(asked)
        hot_grant: dict[str, float] = {}
        latency: dict[str, float] = {}
        asked_total = sum(d for members in hot_by_fs.values() for _, d in members)
        cluster_ceiling = self.state.cluster_ceiling or 0.0
        cluster_scale = min(1.0, cluster_ceiling / asked_total) if asked_total > 0 else 1.0
        for filesystem, members in hot_by_fs.items():
            ceiling = self.state.ceilings.get(filesystem, DEFAULT_FS_CEILING) * cluster_scale
            demands = [d for _, d in members]
            for (key, _), grant in zip(members, share_evenly(ceiling, demands), strict=True):
                hot_grant[key] = grant
            load = sum(demands) / ceiling if ceiling > 0 else 0.0
            factor = 1.0 + (MAX_LATENCY_FACTOR - 1.0) * max(0.0, load - BUSY_FROM) / (1.5 - BUSY_FROM)
            latency[filesystem] = BASE_READ_LATENCY_US * min(MAX_LATENCY_FACTOR, factor)
        for reader in readers:
            share = self.cold_share(reader.filesystem, reader.directory)
            hot_demand, cold_demand = reader.demand * (1.0 - share), reader.demand * share
            fed = 1.0
            if hot_demand > 0:
                fed = min(fed, hot_grant.get(reader.workload_id, 0.0) / hot_demand)
            if cold_demand > 0:
                fed = min(fed, cold_grant.get(reader.workload_id, 0.0) / cold_demand)
            # A loader waits for its slowest part: it reads both at the pace of the scarcer one.
            reader.fed = round(max(0.0, min(1.0, fed)), 3)
            reader.hot_read = hot_demand * reader.fed
            reader.cold_read = cold_demand * reader.fed
        return latency, hot_grant

    def _log_fed(self, workload_id: str, now: float, fed: float, first: bool) -> None:
        log = self._log.get(workload_id)
        if log is None:
            if fed >= 1.0:
                return
            # The demo starts mid-story: a job short of data since it started has been so all along.
            workload = self._runai.state.workloads.get(workload_id)
            since = now
            if first and workload is not None and workload.running_since is not None:
                since = min(now, workload.running_since)
            self._log[workload_id] = ([since], [fed])
            return
        if abs(log[1][-1] - fed) >= 0.005 or (fed >= 1.0 and log[1][-1] < 1.0):
            log[0].append(now)
            log[1].append(fed)


def _client_reads(index: int, hostname: str, client: _Client) -> ClientReads:
    latency = client.latency_weighted / client.read if client.read > 0 else 0.0
    return ClientReads(
        process_id=f"NodeId<{100 + index}>",
        hostname=hostname,
        read_bytes_per_second=round(client.read, 1),
        reads_per_second=round(client.read / AVERAGE_READ_BYTES, 1),
        read_latency_microseconds=round(latency, 1),
        obs_download_bytes_per_second=round(client.cold, 1),
    )
