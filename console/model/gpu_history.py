"""`GpuHistory`: how busy one GPU was, and how much of its memory was in use, over a window.

nvitop draws a history per device; Run:ai keeps one per GPU in its node metrics (`GPU_UTILIZATION_PER_GPU`,
`GPU_MEMORY_USAGE_BYTES_PER_GPU`, reference/runai.md §6). A node's detail shows each GPU's two lines next to
who holds it, so an allocated GPU that sits idle, or one whose memory is full while its compute is not, stands
out. Readings are on the window's grid; None where there was no reading (the node's exporter did not answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GpuHistory:
    """GPU `index` of `node_name`: a reading every `step_seconds` from `start`."""

    node_name: str
    index: int
    start: datetime
    step_seconds: float
    utilisation: tuple[float | None, ...]
    """Percent busy (0-100)."""
    memory_used_mib: tuple[float | None, ...]
    """Memory in use, MiB."""
