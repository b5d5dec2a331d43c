"""Cluster IO activity for the WEKA simulator: believable jitter, kept as one sample per second.

Each rate follows a mean-reverting random walk (an AR(1) process) around the cluster's IO profile, so
sparklines wander like a busy cluster instead of flickering like white noise. Latency rises with load
and with object-store traffic, as it does on a real cluster. All randomness comes from the simulator's
seeded RNG, so the same seed gives the same history.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.model import WekaMetricsSample
from console.sim.weka_units import GB, KIB

HISTORY_SECONDS = 600
"""The ring buffer keeps ten minutes of one-per-second samples: enough for a sparkline's window."""


@dataclass(frozen=True, slots=True)
class IoProfile:
    """The cluster's typical load: what the GPU clients read and write when nothing special happens."""

    read_bytes_per_second: float = 14 * GB
    write_bytes_per_second: float = 3 * GB
    average_io_bytes: float = 256 * KIB
    metadata_ops_per_second: float = 45_000
    latency_microseconds: float = 210.0


class _Walk:
    """A level that wanders around 1.0: x += pull * (1 - x) + noise * N(0, 1), kept within bounds."""

    __slots__ = ("level", "pull", "noise", "low", "high")

    def __init__(self, pull: float, noise: float, low: float = 0.3, high: float = 1.8) -> None:
        self.level = 1.0
        self.pull = pull
        self.noise = noise
        self.low = low
        self.high = high

    def step(self, rng: random.Random) -> float:
        self.level += self.pull * (1.0 - self.level) + self.noise * rng.gauss(0.0, 1.0)
        self.level = min(self.high, max(self.low, self.level))
        return self.level


class IoMetrics:
    """Produces and keeps the cluster's activity samples."""

    def __init__(self, rng: random.Random, profile: IoProfile | None = None) -> None:
        self._rng = rng
        self.profile = profile or IoProfile()
        self._phase = _Walk(pull=0.01, noise=0.02, low=0.5, high=1.5)  # slow swings: jobs start and end
        self._read = _Walk(pull=0.2, noise=0.06)
        self._write = _Walk(pull=0.2, noise=0.08)
        self._meta = _Walk(pull=0.25, noise=0.05)
        self._latency = _Walk(pull=0.3, noise=0.04, low=0.6, high=1.6)
        self._samples: deque[WekaMetricsSample] = deque(maxlen=HISTORY_SECONDS)

    def record(
        self, at: datetime, fs_write_bytes_per_second: float, obs_upload_bytes_per_second: float
    ) -> None:
        """Add the sample for the second ending at `at`."""
        rng, profile = self._rng, self.profile
        phase = self._phase.step(rng)
        read = profile.read_bytes_per_second * phase * self._read.step(rng)
        write = profile.write_bytes_per_second * phase * self._write.step(rng) + fs_write_bytes_per_second
        iops = (read + write) / profile.average_io_bytes + profile.metadata_ops_per_second * self._meta.step(
            rng
        )
        nominal = profile.read_bytes_per_second + profile.write_bytes_per_second
        load = (read + write) / nominal if nominal else 0.0
        obs_share = obs_upload_bytes_per_second / nominal if nominal else 0.0
        latency = (
            profile.latency_microseconds * (0.75 + 0.25 * load + 0.5 * obs_share) * self._latency.step(rng)
        )
        self._samples.append(
            WekaMetricsSample(
                at=at,
                read_bytes_per_second=round(read, 1),
                write_bytes_per_second=round(write, 1),
                iops=round(iops, 1),
                latency_microseconds=round(max(50.0, latency), 1),
                obs_upload_bytes_per_second=round(obs_upload_bytes_per_second, 1),
            )
        )

    def backfill(self, now: datetime, seconds: int) -> None:
        """Fill the history up to `now` so sparklines start full (scenarios call this once)."""
        for offset in range(min(seconds, HISTORY_SECONDS) - 1, -1, -1):
            self.record(now - timedelta(seconds=offset), 0.0, 0.0)

    @property
    def latest(self) -> WekaMetricsSample | None:
        return self._samples[-1] if self._samples else None

    def window(self, seconds: float) -> list[WekaMetricsSample]:
        """The samples of the last `seconds` seconds (up to the ten minutes kept), oldest first."""
        if not self._samples or seconds <= 0:
            return []
        cutoff = self._samples[-1].at - timedelta(seconds=seconds)
        result = [sample for sample in reversed(self._samples) if sample.at > cutoff]
        result.reverse()
        return result
