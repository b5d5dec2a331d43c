"""`RunaiNodes`: nodes and node pools as Run:ai sees them, on whichever version answers.

A Run:ai node or pool object lacks what the screens show most (allocation, capacity), so each list is the
object list plus node telemetry (`/api/v1/nodes/telemetry`, one request per type). Versions differ: 2.18
serves the node and pool lists on older routes and knows fewer telemetry types; what this control plane
serves is learned from its answers (`RunaiApi.either`, `runai_versions`) and what it lacks is filled from the
pods or said on screen (`telemetry_unavailable_reason`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from console.backends.live import runai_versions as versions
from console.backends.live.concurrency import Remembered, nothing, together
from console.backends.live.runai_api import SERVICE, RunaiApi
from console.data.errors import BadResponse, Invalid, NotFound
from console.model import Node, NodePool
from console.model.capacity import GpuCapacity, gpu_capacity
from console.wire import runai as wire

GPU_COUNTS_SECONDS = 30.0
"""How often the header re-reads how many GPUs there are and how many are down (nodes come and go by the
minute); the allocation is read every poll."""


NOT_READY_REUSE_SECONDS = 5.0
"""The header's GPU count and its alert count both ask which nodes are down, a moment apart in the same
poll: one read serves both."""


class RunaiNodes:
    """The node and node-pool half of `RunaiClient` (it delegates `nodes()` and `node_pools()` here)."""

    def __init__(self, api: RunaiApi) -> None:
        self._api = api
        self._unknown_telemetry: set[str] = set()
        """Node telemetry types this control plane refused as unknown (a version between 2.18 and ours)."""
        self._gpu_counts = Remembered[tuple[int, int, float] | None](GPU_COUNTS_SECONDS)
        """(usable, down, allocated on down nodes): what changes when a node goes down or comes back."""
        self._not_ready = Remembered[list[Node] | None](NOT_READY_REUSE_SECONDS)

    async def gpu_capacity(self) -> GpuCapacity:
        """The header's GPU numbers from cluster-wide node telemetry (reference/runai.md §6,
        `NodeTelemetryType`): ALLOCATED_GPUS every call; TOTAL_GPUS and READY_GPUS (and, only while some
        are down, the down nodes' own allocation) once per `GPU_COUNTS_SECONDS`. One request a poll where
        the node list was 11 pages and 5 telemetry reads at 5,000 nodes. A control plane without those
        types (2.18) is counted from its nodes, as before."""
        cluster = await self._api.cluster_uuid()
        if self._telemetry_known("ALLOCATED_GPUS") and "nodes" not in self._api.legacy_routes:
            allocated = await self._cluster_reading(cluster, "ALLOCATED_GPUS")
            counts = None
            if allocated is not None:
                counts = await self._gpu_counts.get(lambda: self._gpu_counts_now(cluster))
            if allocated is not None and counts is not None:
                usable, down, allocated_on_down = counts
                return GpuCapacity(allocated=allocated - allocated_on_down, usable=usable, down=down)
        return gpu_capacity(await self.nodes())

    async def _cluster_reading(self, cluster: str, kind: str) -> float | None:
        reading = await self._node_telemetry(cluster, kind, "ClusterId")
        return None if reading is None else sum(reading.values())

    async def _gpu_counts_now(self, cluster: str) -> tuple[int, int, float] | None:
        total, ready = await together(
            self._cluster_reading(cluster, "TOTAL_GPUS"), self._cluster_reading(cluster, "READY_GPUS")
        )
        if total is None or ready is None:
            return None
        if total <= ready:
            return int(ready), 0, 0.0
        down_nodes, by_node = await together(self.not_ready(), self._allocated_gpus_by_node(cluster))
        if down_nodes is None:
            return None  # the nodes cannot be filtered here: counted from the node list instead
        down_names = {node.name for node in down_nodes}
        allocated_on_down = sum(by_node.get(name, 0.0) for name in down_names)
        return int(ready), int(total - ready), allocated_on_down

    async def nodes(self, *, with_telemetry: bool = True) -> list[Node]:
        """Nodes as Run:ai sees them. Allocation and capacity come from node telemetry (five requests; with
        `with_telemetry=False` they are skipped and those fields are 0, for callers that need only status,
        conditions and taints); whether a node is a system node is Kubernetes' to say. A control plane
        without some of those types (2.18) gives the allocation from the pods, and the nodes carry
        `telemetry_unavailable_reason` for CPU and memory."""
        cluster = await self._api.cluster_uuid()
        kinds = wire.NODE_TELEMETRY if with_telemetry else ()
        if self._api.route_known("nodes") or not kinds:
            raw, readings = await together(self.nodes_raw(cluster), self._node_readings(cluster, kinds))
        else:
            # Which types to ask for depends on the version, which the nodes route tells: it goes first
            # until it has answered once on the top-level route.
            raw = await self.nodes_raw(cluster)
            readings = await self._node_readings(cluster, kinds)
        note = versions.missing_readings_note(kind for kind in kinds if kind not in readings)
        return [
            dataclasses.replace(node, telemetry_unavailable_reason=note) if note else node
            for node in wire.parse_nodes(raw, readings)
        ]

    async def not_ready(self) -> list[Node] | None:
        """The nodes whose status is not Ready (`filterBy=status!=Ready`: one short page in a healthy
        cluster, no telemetry), or None where the nodes come only from 2.18's route, which cannot filter
        (known, or found out now: that version has no `/api/v1/nodes`)."""
        if "nodes" in self._api.legacy_routes:
            return None
        return await self._not_ready.get(self._not_ready_now)

    async def _not_ready_now(self) -> list[Node] | None:
        api = self._api
        cluster = await api.cluster_uuid()
        wanted = api.filter(f"clusterUuid=={cluster}", "status!=Ready")
        try:
            return wire.parse_nodes(await api.list_all("/api/v1/nodes", "nodes", wanted), {})
        except NotFound:
            return None

    async def node_pools(self) -> list[NodePool]:
        cluster = await self._api.cluster_uuid()
        if self._api.route_known("nodes"):
            pools, raw_nodes, allocated = await together(
                self.node_pools_raw(cluster), self.nodes_raw(cluster), self._pool_allocation(cluster)
            )
        else:
            pools, raw_nodes = await together(self.node_pools_raw(cluster), self.nodes_raw(cluster))
            allocated = await self._pool_allocation(cluster)
        if allocated is None:
            allocated = versions.allocated_gpus_by_pool(
                raw_nodes, await self._allocated_gpus_by_node(cluster)
            )
        return wire.parse_node_pools(pools, raw_nodes, allocated)

    # -- the object lists, on either version's route --------------------------------------------------------
    async def nodes_raw(self, cluster: str) -> list[Any]:
        api = self._api

        async def legacy() -> list[Any]:
            return api.items(await api.get(f"/api/v1/clusters/{cluster}/nodes"), "nodes", "nodes")

        return await api.either(
            "nodes",
            lambda: api.list_all("/api/v1/nodes", "nodes", api.filter(f"clusterUuid=={cluster}")),
            legacy,
        )

    async def node_pools_raw(self, cluster: str) -> list[Any]:
        api = self._api

        async def legacy() -> list[Any]:
            body = await api.get(f"/v1/k8s/clusters/{cluster}/node-pools")
            if not isinstance(body, list):
                raise BadResponse("The node-pools response is not an array.", service=SERVICE)
            return [versions.node_pool_from_2_18(item) for item in body]

        return await api.either(
            "node-pools",
            lambda: api.list_all("/api/v1/node-pools", "nodepools", api.filter(f"clusterId=={cluster}")),
            legacy,
        )

    # -- telemetry ------------------------------------------------------------------------------------------
    def _telemetry_known(self, kind: str) -> bool:
        """Whether to ask for `kind`: not one the server refused, and on a 2.18 control plane (it has no
        `/api/v1/nodes`) only 2.18's types."""
        if kind in self._unknown_telemetry:
            return False
        return "nodes" not in self._api.legacy_routes or kind in versions.NODE_TELEMETRY_2_18

    async def _node_telemetry(self, cluster: str, kind: str, group: str) -> dict[str, float] | None:
        """One node telemetry type grouped by `group`; None when the server does not know the type (it is
        then never asked for again)."""
        params = {"telemetryType": kind, "groupBy": group, "clusterId": cluster}
        try:
            body = await self._api.get("/api/v1/nodes/telemetry", params)
        except Invalid:
            self._unknown_telemetry.add(kind)
            return None
        return wire.telemetry_by(body, group)

    async def _allocated_gpus_by_node(self, cluster: str) -> dict[str, float]:
        """Per node, the ALLOCATED_GPUS reading, or where the server has no such type, the sum over the
        pods placed there (`runai_versions`)."""
        if self._telemetry_known("ALLOCATED_GPUS"):
            reading = await self._node_telemetry(cluster, "ALLOCATED_GPUS", "Node")
            if reading is not None:
                return reading
        api = self._api
        pods = await api.list_all("/api/v1/workloads/pods", "pods", api.filter(f"clusterId=={cluster}"))
        return versions.allocated_gpus_by_node(pods)

    async def _node_readings(self, cluster: str, kinds: Sequence[str]) -> dict[str, dict[str, float]]:
        """The NODE_TELEMETRY `kinds` the server has, by type and node name; absent types are left out."""
        others = [kind for kind in kinds if kind != "ALLOCATED_GPUS" and self._telemetry_known(kind)]
        allocated = self._allocated_gpus_by_node(cluster) if "ALLOCATED_GPUS" in kinds else nothing()
        by_node, *readings = await together(
            allocated, *(self._node_telemetry(cluster, kind, "Node") for kind in others)
        )
        found = {kind: reading for kind, reading in zip(others, readings, strict=True) if reading is not None}
        if by_node is not None:
            found["ALLOCATED_GPUS"] = by_node
        return found

    async def _pool_allocation(self, cluster: str) -> dict[str, float] | None:
        """ALLOCATED_GPUS by node pool; None where the server has no such type."""
        if not self._telemetry_known("ALLOCATED_GPUS"):
            return None
        return await self._node_telemetry(cluster, "ALLOCATED_GPUS", "Nodepool")
