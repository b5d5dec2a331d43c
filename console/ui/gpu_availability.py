"""Which GPUs can run work: the one rule the header, Nodes and GPU screens share.

A node that is not Ready (NotReady, or Unknown when its kubelet stopped reporting) runs nothing: its GPUs
are *down*. They are neither usable nor free, whatever the allocation table says (a pod bound to a dead
node still "holds" its GPU until Kubernetes evicts it). The header counts them apart: `50.9/56 (8 down)`
reads "50.9 GPUs allocated of the 56 that can run work; 8 more are on nodes that are down".

A cordoned or draining node is different: what runs there keeps running, so its GPUs still count as usable
in the header (the allocation on them is real), but no new work may land there, so the GPU screen shows
their free share as not free (`FREE 0`, `idle · cordoned`) and the Nodes screen says it in SCHED.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from console.model.enums import NodeStatus
from console.ui.format import format_gpu_sum

if TYPE_CHECKING:  # the dataclasses load with the first data, not before the first frame
    from console.model import Node


class NodeAvailability(Enum):
    """What a node's GPUs can do now."""

    USABLE = "usable"
    """Ready and schedulable: runs its work and takes new work."""
    CLOSED = "closed"
    """Ready but cordoned or draining: runs what it holds, takes nothing new."""
    DOWN = "down"
    """Not Ready: runs nothing."""


def node_availability(node: Node) -> NodeAvailability:
    if node.status is not NodeStatus.READY:
        return NodeAvailability.DOWN
    if node.cordoned or node.draining:
        return NodeAvailability.CLOSED
    return NodeAvailability.USABLE


def closed_reason(node: Node) -> str:
    """`cordoned`, `draining` or both, for a node that takes no new work."""
    return "+".join(word for word, on in (("cordoned", node.cordoned), ("draining", node.draining)) if on)


@dataclass(frozen=True, slots=True)
class GpuCapacity:
    """The cluster's GPUs as the header counts them."""

    allocated: float
    """GPUs held on nodes that can run work (allocations on a down node run nothing)."""
    usable: int
    """GPUs on Ready nodes, cordoned ones included (they still run what they hold)."""
    down: int
    """GPUs on nodes that are not Ready."""

    @property
    def total(self) -> int:
        return self.usable + self.down


def gpu_capacity(nodes: Iterable[Node]) -> GpuCapacity:
    """Sum the nodes' GPUs by whether they can run work; an unreadable allocation (NaN) counts as unknown,
    which makes the allocated sum unknown rather than silently smaller."""
    allocated = 0.0
    usable = down = 0
    for node in nodes:
        if node_availability(node) is NodeAvailability.DOWN:
            down += node.gpu_count
            continue
        usable += node.gpu_count
        amount = node.allocated_gpus
        allocated += amount if math.isfinite(amount) else math.nan
    return GpuCapacity(allocated=allocated, usable=usable, down=down)


def format_gpu_capacity(capacity: GpuCapacity) -> str:
    """`50.9/56 (8 down)`, or `50.9/64` when every GPU can run work: the one way rwc writes the total."""
    text = f"{format_gpu_sum(capacity.allocated)}/{capacity.usable}"
    return f"{text} ({capacity.down} down)" if capacity.down else text
