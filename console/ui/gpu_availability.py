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

from enum import Enum
from typing import TYPE_CHECKING

from console.model.capacity import GpuCapacity, node_is_down
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
    if node_is_down(node):
        return NodeAvailability.DOWN
    if node.cordoned or node.draining:
        return NodeAvailability.CLOSED
    return NodeAvailability.USABLE


def closed_reason(node: Node) -> str:
    """`cordoned`, `draining` or both, for a node that takes no new work."""
    return "+".join(word for word, on in (("cordoned", node.cordoned), ("draining", node.draining)) if on)


def format_gpu_capacity(capacity: GpuCapacity) -> str:
    """`50.9/56 (8 down)`, or `50.9/64` when every GPU can run work: the one way rwc writes the total."""
    text = f"{format_gpu_sum(capacity.allocated)}/{capacity.usable}"
    return f"{text} ({capacity.down} down)" if capacity.down else text
