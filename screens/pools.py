"""Node pools: per pool, its GPUs (allocated of usable, and how many are down), the quota given out to
projects against what the pool can hold, and the demand waiting for it.

It answers the capacity planner's questions the Projects and Nodes screens answer only in pieces: which
pool is full, which one has quota promised beyond its GPUs (deserved quota that cannot all be honoured at
once), and where pending work queues. Enter opens the pool's nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import ALL_WORKLOADS, NODE_POOLS, NODES, PROJECTS
from console.data.store import ResourceState
from console.model import Node, NodePool, Project, Workload, WorkloadPhase
from console.ui.format import format_gpu_sum, format_gpus
from console.ui.gpu_availability import NodeAvailability, node_availability
from console.ui.keymap import POOL_KEYS
from console.ui.palette import CellPalette
from console.ui.sparkline import mean
from console.ui.usage import usage_by, usage_cell
from screens.context import ConsoleContext
from screens.usage_window import UsageWindowScreen
from widgets.bars import gpu_bar
from widgets.resource_table import Column, Row

POOL_RESOURCES = (NODE_POOLS, NODES, PROJECTS, ALL_WORKLOADS)

WAITING_PHASES = frozenset({WorkloadPhase.PENDING})
"""Work that waits for GPUs of a pool (Creating and Initializing have been placed)."""


@dataclass(frozen=True, slots=True)
class PoolFacts:
    """What one pool row says, computed from the pools, nodes, projects and workloads lists."""

    pool: NodePool
    nodes_total: int
    nodes_ready: int
    nodes_cordoned: int
    gpus_down: int
    """GPUs on nodes that are not Ready: in the pool, but no work can run on them."""
    deserved_gpus: float
    """The projects' deserved quota in this pool, summed: what the scheduler has promised."""
    pending_workloads: int
    pending_gpus: float

    @property
    def usable_gpus(self) -> int:
        return max(0, self.pool.total_gpus - self.gpus_down)

    @property
    def over_promised(self) -> bool:
        """More quota is deserved than the pool's usable GPUs can give at once."""
        return self.deserved_gpus > self.usable_gpus + 1e-9


def waiting_pool(workload: Workload, pool_names: Sequence[str]) -> str | None:
    """The pool a pending workload waits for: its first requested pool (Run:ai tries them in order),
    else `default` where the cluster has one."""
    for name in workload.requested_node_pools:
        if name in pool_names:
            return name
    return "default" if "default" in pool_names else None


def pool_facts(
    pools: Sequence[NodePool],
    nodes: Sequence[Node],
    projects: Sequence[Project],
    workloads: Sequence[Workload],
) -> list[PoolFacts]:
    """One `PoolFacts` per pool, in the pools' order."""
    names = [pool.name for pool in pools]
    nodes_by_name = {node.name: node for node in nodes}
    pending: dict[str, tuple[int, float]] = {}
    for workload in workloads:
        if workload.phase not in WAITING_PHASES:
            continue
        name = waiting_pool(workload, names)
        if name is not None:
            count, gpus = pending.get(name, (0, 0.0))
            pending[name] = (count + 1, gpus + workload.requested_gpus)
    facts = []
    for pool in pools:
        members = [nodes_by_name[name] for name in pool.node_names if name in nodes_by_name]
        down = [node for node in members if node_availability(node) is NodeAvailability.DOWN]
        count, gpus = pending.get(pool.name, (0, 0.0))
        facts.append(
            PoolFacts(
                pool=pool,
                nodes_total=len(pool.node_names),
                nodes_ready=len(members) - len(down),
                nodes_cordoned=sum(1 for node in members if node.cordoned or node.draining),
                gpus_down=sum(node.gpu_count for node in down),
                deserved_gpus=sum(
                    quota.deserved_gpus for project in projects if (quota := project.quota_for(pool.name))
                ),
                pending_workloads=count,
                pending_gpus=gpus,
            )
        )
    return facts


def pool_row(facts: PoolFacts, palette: CellPalette, usage: Sequence[float | None] | None = None) -> Row:
    """One pool as a row (a pure function of the facts, so it is tested without an app)."""
    pool = facts.pool
    nodes = Text(f"{facts.nodes_ready}/{facts.nodes_total}", end="")
    if facts.nodes_ready < facts.nodes_total:
        nodes.stylize(palette.error)
    if facts.nodes_cordoned:
        nodes.append(f" {facts.nodes_cordoned} cordoned", palette.warning)
    if pool.total_gpus:
        gpus = gpu_bar(pool.allocated_gpus, facts.usable_gpus, width=6, palette=palette)
        if facts.gpus_down:
            gpus.append(f" ({facts.gpus_down} down)", palette.error)
        quota = Text(f"{format_gpu_sum(facts.deserved_gpus)}/{facts.usable_gpus}", end="")
        if facts.over_promised:
            quota.stylize(palette.warning)
            quota.append(" over", palette.warning)
    else:
        gpus = Text("—", palette.muted, end="")
        deserved = format_gpu_sum(facts.deserved_gpus) if facts.deserved_gpus else "—"
        quota = Text(deserved, palette.muted, end="")
    if facts.pending_workloads:
        waiting = Text(f"{facts.pending_workloads} wl", palette.warning, end="")
        if facts.pending_gpus:
            waiting.append(f" {format_gpus(facts.pending_gpus)} GPU", palette.warning)
    else:
        waiting = Text("—", palette.muted, end="")
    phase = Text(pool.phase, palette.ok if pool.phase == "Ready" else palette.warning, end="")
    return Row(
        key=pool.name,
        cells=(
            pool.name,
            pool.gpu_model or "—",
            nodes,
            gpus,
            quota,
            waiting,
            usage_cell(usage, palette.accent, palette.muted),
            phase,
            pool.placement_strategy,
        ),
        sort_values=(
            pool.name,
            pool.gpu_model or "",
            facts.nodes_total,
            pool.allocated_gpus / facts.usable_gpus if facts.usable_gpus else -1.0,
            facts.deserved_gpus / facts.usable_gpus if facts.usable_gpus else -1.0,
            facts.pending_gpus + facts.pending_workloads / 1000,
            mean(usage) if usage else None,
            pool.phase,
            pool.placement_strategy,
        ),
    )


class PoolsScreen(UsageWindowScreen):
    """The node pools: capacity, promises and demand per pool."""

    SCREEN_NAME = "pools"
    TITLE = "Node pools"
    RESOURCES = POOL_RESOURCES
    EMPTY_MESSAGE = "No node pools."
    KEYS = POOL_KEYS
    COLUMNS = (
        Column("name", "POOL", 8, sort_hotkey="N", identifies=True),
        Column("model", "MODEL", 12, priority=3, sort_hotkey="M", grow=True, max_width=24),
        Column("nodes", "NODES", 14, priority=2, sort_hotkey="O"),
        Column("gpus", "GPUS", 22, sort_hotkey="P"),
        Column("quota", "QUOTA", 10, sort_hotkey="Q"),
        Column("pending", "PENDING", 12, sort_hotkey="E"),
        Column("use", "GPU USE 1h", 13, priority=2, sort_hotkey="T"),
        Column("phase", "PHASE", 6, priority=1, sort_hotkey="H"),
        Column("placement", "PLACE", 7, priority=4, sort_hotkey="L"),
    )

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self._facts: dict[str, PoolFacts] = {}

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (*self.RESOURCES, self.usage_key)

    def states(self) -> list[ResourceState[Any]]:
        """The GPU use column is a decoration: its failing says "—", it does not make the list stale."""
        return [self.context.bridge.snapshot(key) for key in self.RESOURCES]

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        workloads = values.get(ALL_WORKLOADS) or ()
        facts = pool_facts(
            values.get(NODE_POOLS) or (), values.get(NODES) or (), values.get(PROJECTS) or (), workloads
        )
        self._facts = {fact.pool.name: fact for fact in facts}
        histories = values.get(self.usage_key) or ()
        usage = usage_by(histories, workloads, lambda workload: workload.current_node_pool)
        return [pool_row(fact, self.palette, usage.get(fact.pool.name)) for fact in facts]

    def open_detail(self, key: str) -> None:
        """Enter on a pool: its nodes, on the Nodes screen's columns and keys (esc comes back here)."""
        from screens.nodes import NodesScreen  # the pools list opens without the nodes screen's code

        self.app.push_screen(NodesScreen(self.context, node_pool=key))
