"""The cluster's GPUs as the header counts them: allocated of usable, and how many are down.

A node that is not Ready (NotReady, or Unknown when its kubelet stopped reporting) runs nothing: its GPUs
are *down*, neither usable nor free, whatever the allocation table says (a pod bound to a dead node still
"holds" its GPU until Kubernetes evicts it). A cordoned or draining node still runs what it holds, so its
GPUs count as usable. The backends compute this: the demo from its nodes (`gpu_capacity`), the live one
from three cluster-wide telemetry numbers, so the header never reads 5,000 nodes every 5 s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.model.enums import NodeStatus

if TYPE_CHECKING:  # the dataclasses load with the first data, not before the first frame
    from console.model.runai import Node


@dataclass(frozen=True, slots=True)
class GpuCapacity:
    """The cluster's GPUs as the header counts them."""

    allocated: float
    """GPUs held on nodes that can run work (allocations on a down node run nothing); NaN when unknown."""
    usable: int
    """GPUs on Ready nodes, cordoned ones included (they still run what they hold)."""
    down: int
    """GPUs on nodes that are not Ready."""

    @property
    def total(self) -> int:
        return self.usable + self.down


def node_is_down(node: Node) -> bool:
    """Not Ready: the node runs nothing (the one rule the header, Nodes and GPU screens share)."""
    return node.status is not NodeStatus.READY


def gpu_capacity(nodes: Iterable[Node]) -> GpuCapacity:
    """Sum the nodes' GPUs by whether they can run work; an unreadable allocation (NaN) counts as unknown,
    which makes the allocated sum unknown rather than silently smaller."""
    allocated = 0.0
    usable = down = 0
    for node in nodes:
        if node_is_down(node):
            down += node.gpu_count
            continue
        usable += node.gpu_count
        amount = node.allocated_gpus
        allocated += amount if math.isfinite(amount) else math.nan
    return GpuCapacity(allocated=allocated, usable=usable, down=down)
