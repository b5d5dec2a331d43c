"""Shared helpers for the Kubernetes client tests (imported by name: pytest puts this folder on sys.path).

The simulator's Kubernetes face on 127.0.0.1, a kubeconfig that points the real `kubernetes` client at it,
and the one place that says which demo-backend fields the Kubernetes API cannot carry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import kubernetes

from console.backends.live.kube import KubeClient
from console.model.identity import Identity, Role
from console.model.runai import GpuDevice, Node
from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.kubeconfig import DEFAULT_CONTEXT, write_kubeconfig
from console.sim.scenarios import build_simulator
from console.sim.simulator import Simulator

ADMIN_TOKEN = "rwc-admin-token-0d1e5f7a9c3b"
RESEARCHER_TOKEN = "rwc-researcher-token-8b2c4e6f1a0d"
SECRET_TOKENS = (ADMIN_TOKEN, RESEARCHER_TOKEN)
"""Distinctive strings, so a test can grep every error message for them."""
ADMIN = Identity(user="admin@acme.ai", role=Role.ADMIN)
RESEARCHER = Identity(user="dave@acme.ai", role=Role.RESEARCHER, project_names=("speech", "sandbox"))
SEED = 7
MIN_KUBERNETES_MAJOR = 37


def kubernetes_major() -> int:
    return int(kubernetes.__version__.split(".")[0])


def demo_sim() -> Simulator:
    """The demo scenario with the seeded history and the default (fixed) start time."""
    return build_simulator("demo", seed=SEED)


@dataclass
class KubeEnv:
    """One simulator behind the Kubernetes face, and how to reach it."""

    sim: Simulator
    host: SimulatorHost
    server: SimHttpServer
    kubeconfig: Path
    tmp_path: Path

    def client(self, token: str = ADMIN_TOKEN, **options: Any) -> KubeClient:
        """A KubeClient for a kubeconfig holding `token` (a file and context of its own for other tokens)."""
        if token == ADMIN_TOKEN:
            return KubeClient(self.kubeconfig, DEFAULT_CONTEXT, **options)
        context = f"other-{len(list(self.tmp_path.glob('other-*.json')))}"
        path = write_kubeconfig(self.tmp_path / f"{context}.json", self.server.url, token, context=context)
        return KubeClient(path, context, **options)


# -- what the wire cannot carry, in one place ---------------------------------------------------------
def wire_gpu_model(model: str | None) -> str | None:
    """GFD's `nvidia.com/gpu.product` writes the model with spaces as dashes; the client shows that form."""
    return None if model is None else model.replace(" ", "-")


def as_on_wire(node: Node) -> Node:
    """The demo's node as the Kubernetes API can carry it: the GPU model in GFD's dashed form, timestamps
    at whole seconds (metav1.Time)."""
    return replace(
        node, gpu_model=wire_gpu_model(node.gpu_model), created_at=node.created_at.replace(microsecond=0)
    )


def gpu_key(gpu: GpuDevice) -> tuple[object, ...]:
    """The parts of a GPU the Kubernetes API carries; allocations in a stable order (the API does not
    keep the order in which workloads were placed on one GPU)."""
    allocations = tuple(sorted(gpu.allocations, key=lambda a: (a.workload_id, a.fraction, a.memory_mib or 0)))
    return (
        gpu.node_name,
        gpu.index,
        wire_gpu_model(gpu.model),
        gpu.memory_total_mib,
        gpu.mig_enabled,
        allocations,
    )
