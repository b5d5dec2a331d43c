"""What WEKA says about each client's reads: the evidence behind "is this job starving for data?".

WEKA attributes IO to processes and client hosts, not to filesystems or containers (reference/weka.md §9:
`/stats/realtime` has one entry per process, named by `hostname`). A Kubernetes GPU node that mounts WEKA
runs a client process, so the entry whose hostname is the node's name says what that node read, how fast,
at what latency, and how much of it came from the object store. Which workload on the node read it is
not recorded anywhere; `console.ui.starved` infers it from the workload's mounts and says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClientReads:
    """One WEKA process's reads at this moment (`/stats/realtime`, per-second rates)."""

    process_id: str
    """WEKA's process id (`NodeId<12>`)."""
    hostname: str
    """The host the process runs on: a GPU node's name for a client on that node."""
    read_bytes_per_second: float
    reads_per_second: float
    read_latency_microseconds: float
    """The average read latency this process saw (µs): it rises when a filesystem is saturated."""
    obs_download_bytes_per_second: float
    """Bytes per second this process fetched from the object store: reads of data tiered out of SSD."""

    @property
    def object_tier_share(self) -> float:
        """The share of its reads that came from the object store (0 when it read nothing)."""
        if self.read_bytes_per_second <= 0:
            return 0.0
        return min(1.0, self.obs_download_bytes_per_second / self.read_bytes_per_second)
