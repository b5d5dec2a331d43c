"""Clusters, node pools and nodes of the Run:ai face, with node telemetry, and 2.18's cluster-scoped node
list and legacy node-pool list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from console.model.identity import Identity
from console.model.runai import Node, NodePool
from console.sim.http.base import Request, Response
from console.sim.http.runai.common import (
    V2_18,
    check_cluster,
    check_telemetry_type,
    face_uuid,
    group_by,
    telemetry,
)
from console.sim.http.runai.listing import Getter, page, query_list
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.runai import iso

CLUSTER_VERSION_2_18 = "2.18.56"
NODE_TELEMETRY_2_18 = frozenset({"READY_GPU_NODES", "READY_GPUS", "TOTAL_GPU_NODES", "TOTAL_GPUS"})
"""The node telemetry types of the 2.18 spec this face computes (2.18 also lists FREE_GPUS)."""
NODE_FIELDS_SINCE_2_18 = ("id", "nvLinkDomainUid", "nvLinkCliqueId")
NODE_GROUP_KEYS = {"clusterid": "ClusterId", "nodepool": "Nodepool", "node": "Node"}


class Nodes:
    """The cluster, node-pool and node handlers; `version` is the control plane the face answers as."""

    def __init__(self, version: str) -> None:
        self.version = version

    # -- clusters -------------------------------------------------------------------------------------
    def _cluster_json(self, sim: Simulator) -> dict[str, Any]:
        info = sim.runai.cluster_info()
        if self.version == V2_18:
            info = replace(info, version=CLUSTER_VERSION_2_18)
        return wire.cluster_json(info, sim.clock.start - timedelta(days=400), sim.clock.now())

    def clusters(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        return Response.json(200, [self._cluster_json(sim)])

    def cluster(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        check_cluster(sim, request)
        return Response.json(200, self._cluster_json(sim))

    # -- node pools -----------------------------------------------------------------------------------
    @staticmethod
    def _node_pool_json(sim: Simulator, pool: NodePool) -> dict[str, Any]:
        created_at = sim.runai.node_pool_created_at(pool.name)
        return wire.node_pool_json(pool, sim.runai.cluster_info(), created_at)

    def node_pools(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        cluster = sim.runai.cluster.uuid
        getters: dict[str, Getter] = {
            "name": lambda p: p.name,
            "clusterId": lambda p: cluster,
            "phase": lambda p: p.phase,
            "createdAt": lambda p: sim.runai.node_pool_created_at(p.name),
        }
        items = query_list(sim.runai.node_pools(), request, getters)
        # The spec's node-pool list has no `next`; it is paged like the others all the same.
        chunk, _ = page(items, request)
        return Response.json(200, {"nodepools": [self._node_pool_json(sim, pool) for pool in chunk]})

    def legacy_node_pools(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /v1/k8s/clusters/{uuid}/node-pools`: a bare array of `NodePool1`."""
        check_cluster(sim, request)
        pools = []
        for pool in sim.runai.node_pools():
            created = iso(sim.runai.node_pool_created_at(pool.name))
            pools.append(
                {
                    "id": int(pool.id) if pool.id.isdigit() else pool.id,
                    "name": pool.name,
                    "labelKey": pool.label_key,
                    "labelValue": pool.label_value,
                    "overProvisioningRatio": 1,
                    "placementStrategy": {"gpu": pool.placement_strategy, "cpu": pool.placement_strategy},
                    "clusterId": sim.runai.cluster.uuid,
                    "createdAt": created,
                    "updatedAt": created,
                    "status": pool.phase,
                    "statusMessage": "",
                    "nodes": json.dumps(list(pool.node_names)),
                    "createdBy": "admin@runai-sim.local",
                    "updatedBy": "admin@runai-sim.local",
                    "isDefault": pool.name == "default",
                }
            )
        return Response.json(200, pools)

    # -- nodes ----------------------------------------------------------------------------------------
    def _node_json(self, sim: Simulator, node: Node) -> dict[str, Any]:
        updated_at = sim.runai.node_status_since(node.name)
        body = wire.node_json(node, face_uuid("node", node.name), sim.runai.cluster.uuid, updated_at)
        if self.version == V2_18:
            for key in NODE_FIELDS_SINCE_2_18:
                body.pop(key)
        return body

    def nodes(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        cluster = sim.runai.cluster.uuid
        getters: dict[str, Getter] = {
            "name": lambda n: n.name,
            "status": lambda n: n.status.value,
            "nodePool": lambda n: n.node_pool,
            "gpuType": lambda n: n.gpu_model,
            "clusterUuid": lambda n: cluster,
        }
        items = query_list(sim.runai.nodes(), request, getters, search=lambda n: n.name)
        # The spec's `Nodes` has no `next` (reference §12.9): pages are cut all the same, the client
        # continues while a page comes back full.
        chunk, _ = page(items, request)
        return Response.json(200, {"nodes": [self._node_json(sim, node) for node in chunk]})

    def cluster_nodes(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        """2.18's `GET /api/v1/clusters/{uuid}/nodes`: every node of the cluster at once (`Nodes`)."""
        check_cluster(sim, request)
        wanted = request.param("nodeName")
        nodes = [node for node in sim.runai.nodes() if wanted in (None, "", node.name)]
        return Response.json(200, {"nodes": [self._node_json(sim, node) for node in nodes]})

    def node_telemetry(self, request: Request, sim: Simulator, actor: Identity) -> Response:
        kind = request.param("telemetryType")
        measures: dict[str, Callable[[Node], float]] = {
            "TOTAL_GPUS": lambda n: n.gpu_count,
            "READY_GPUS": lambda n: n.gpu_count if n.status.value == "Ready" else 0,
            "ALLOCATED_GPUS": lambda n: n.allocated_gpus,
            "TOTAL_GPU_NODES": lambda n: 1 if n.gpu_count else 0,
            "READY_GPU_NODES": lambda n: 1 if n.gpu_count and n.status.value == "Ready" else 0,
            "TOTAL_CPU_CORES": lambda n: n.cpu_millicores / 1000,
            "ALLOCATED_CPU_CORES": lambda n: n.allocated_cpu_millicores / 1000,
            "TOTAL_CPU_MEMORY_BYTES": lambda n: n.memory_bytes,
            "ALLOCATED_CPU_MEMORY_BYTES": lambda n: n.allocated_memory_bytes,
        }
        if self.version == V2_18:
            measures = {name: measure for name, measure in measures.items() if name in NODE_TELEMETRY_2_18}
        kind = check_telemetry_type(kind, measures)
        groups = group_by(request, NODE_GROUP_KEYS)
        nodes = sim.runai.nodes()
        cluster = sim.runai.cluster_info()
        wanted_cluster = request.param("clusterId")
        if wanted_cluster and wanted_cluster != cluster.uuid:
            nodes = []
        pool_name = request.param("nodepoolName")
        if pool_name:
            nodes = [node for node in nodes if node.node_pool == pool_name]

        def group_of(node: Node) -> tuple[tuple[str, str, str], ...]:
            parts = {
                "ClusterId": (cluster.uuid, cluster.name),
                "Nodepool": (node.node_pool, node.node_pool),
                "Node": (node.name, node.name),
            }
            return tuple((key, *parts[key]) for key in groups)

        return telemetry(sim, kind, nodes, group_of, measures[kind])
