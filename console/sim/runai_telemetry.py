"""GPU readings (utilisation, memory, temperature, power) that drift believably with simulated time.

Readings are a pure function of (GPU, what runs on it, time): hashed noise keyed by the GPU's seed
and the time bucket. That keeps them deterministic for a seed however time was stepped, costs nothing per tick
(8,000 GPUs in the large scenario are only computed when a screen asks), and still changes between
refreshes like nvidia-smi does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from console.model.runai import WorkloadPhase, WorkloadType

_MASK64 = (1 << 64) - 1

ABANDONED_NOTEBOOK_EVERY = 3
"""One notebook in this many (by seed) is left open and idle: its GPU reads near 0 % all along."""

NOISE_PERIOD_SECONDS = 20.0
"""How quickly readings wander; nvitop-like plots look alive without flickering at this pace."""


def mix64(*values: int) -> int:
    """SplitMix64 over a few integers: a stable hash (Python's `hash` is salted per process)."""
    state = 0x9E3779B97F4A7C15
    for value in values:
        state = (state ^ (value & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
        state ^= state >> 31
        state = state * 0x94D049BB133111EB & _MASK64
        state ^= state >> 29
    return state


def mix2(a: int, b: int) -> int:
    """`mix64(a, b)` unrolled: the per-GPU, per-refresh hash is the hottest call of a GPU listing."""
    state = (0x9E3779B97F4A7C15 ^ (a & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
    state ^= state >> 31
    state = state * 0x94D049BB133111EB & _MASK64
    state ^= state >> 29
    state = (state ^ (b & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
    state ^= state >> 31
    state = state * 0x94D049BB133111EB & _MASK64
    return state ^ (state >> 29)


def unit(*values: int) -> float:
    """A deterministic number in [0, 1) for the given integers."""
    return mix64(*values) / 2.0**64


@dataclass(frozen=True, slots=True)
class GpuProfile:
    """Electrical and thermal envelope of a GPU model (datasheet TDP, a typical idle draw)."""

    tdp_watts: float
    idle_watts: float
    idle_celsius: float


_PROFILES: dict[str, GpuProfile] = {
    "H100": GpuProfile(700.0, 72.0, 33.0),
    "H200": GpuProfile(700.0, 75.0, 33.0),
    "A100": GpuProfile(400.0, 58.0, 31.0),
    "L40S": GpuProfile(350.0, 36.0, 30.0),
}
_DEFAULT_PROFILE = GpuProfile(300.0, 40.0, 31.0)


def profile_for(model: str) -> GpuProfile:
    for key, profile in _PROFILES.items():
        if key in model:
            return profile
    return _DEFAULT_PROFILE


def load_of(kind: WorkloadType, phase: WorkloadPhase, seed: int, t: float) -> float:
    """How busy a workload keeps its GPU share, 0..1: trainings near flat out, notebooks mostly idle.

    One hash per (workload, 20 s): readings wander at that pace, and the sensors add their own jitter.
    """
    if phase not in (WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED):
        return 0.02 if phase is WorkloadPhase.INITIALIZING else 0.0
    wobble = mix2(seed, int(t // NOISE_PERIOD_SECONDS)) / 2.0**63 - 1.0
    if kind in (WorkloadType.TRAINING, WorkloadType.DISTRIBUTED):
        base = 0.90 if kind is WorkloadType.TRAINING else 0.84
        return min(1.0, max(0.0, base + 0.07 * wobble))
    if kind is WorkloadType.INFERENCE:
        return min(1.0, max(0.0, 0.45 + 0.3 * wobble))
    if seed % ABANDONED_NOTEBOOK_EVERY == 0:
        # Open, holding its GPU, and nobody at the keyboard: the waste the idle-GPU view is for.
        return max(0.0, 0.01 + 0.01 * wobble)
    # A notebook: idle most of the time, with the odd stretch where a cell runs the GPU hard.
    return 0.85 if wobble > 0.6 else max(0.0, 0.04 + 0.04 * wobble)


def memory_use_of(kind: WorkloadType, phase: WorkloadPhase) -> float:
    """Share of its GPU memory a workload fills once running (frameworks grab most of it up front)."""
    if phase not in (WorkloadPhase.RUNNING, WorkloadPhase.DEGRADED):
        return 0.0
    return _MEMORY_USE[kind]


_MEMORY_USE = {
    WorkloadType.TRAINING: 0.88,
    WorkloadType.DISTRIBUTED: 0.91,
    WorkloadType.INFERENCE: 0.9,  # vLLM reserves its KV cache up front
    WorkloadType.WORKSPACE: 0.35,
}


class GpuReading(NamedTuple):
    """One GPU's telemetry at one moment (a tuple: the GPU view unpacks it)."""

    utilization_percent: float
    memory_used_mib: int
    temperature_celsius: float
    power_watts: float


def reading(
    model: str, seed: int, t: float, loads: list[tuple[float, float]], memory_used_mib: int
) -> GpuReading:
    """One GPU's reading; `loads` is (share of the GPU, load of its workload) per allocation.

    One hash per call gives the jitter of all three sensors (a GPU is read 8,000 times per refresh of
    the large cluster, so this stays cheap); temperature and power follow utilisation as they do.
    """
    profile = profile_for(model)
    busy = 1.0
    for share, load in loads:
        # Sharers time-slice the GPU: each keeps it busy for its load, overlapping at random.
        busy *= 1.0 - min(1.0, load * max(share, 0.5))
    utilization = (1.0 - busy) * 100.0
    jitter = mix2(seed, int(t // 2.0))
    a = (jitter & 0xFFFF) / 65535.0 - 0.5
    b = ((jitter >> 16) & 0xFFFF) / 65535.0 - 0.5
    c = ((jitter >> 32) & 0xFFFF) / 65535.0 - 0.5
    if utilization > 0.5:
        utilization = min(100.0, max(0.0, utilization + 5.0 * a))
    temperature = profile.idle_celsius + 0.42 * utilization + 2.0 * b + 3.0 * ((seed >> 8) % 5) / 5.0
    power = profile.idle_watts + (profile.tdp_watts - profile.idle_watts) * (utilization / 100.0) * 0.92
    power = max(0.0, power + 8.0 * c)
    return GpuReading(round(utilization, 1), memory_used_mib, round(temperature, 1), round(power, 1))
