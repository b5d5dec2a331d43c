"""Pods of the Kubernetes face: every workload pod as a Pod in its project namespace (none while Stopped),
with the labels and annotations of `console.wire.kube`, and the policy/v1 Eviction of one.

A pod whose container crashed in a Degraded workload keeps its GPUs: on the wire it is phase Running with
the container waiting in CrashLoopBackOff, as a restarting pod is on a real cluster. A non-preemptible
workload's pods stand for pods a PodDisruptionBudget protects: evicting them answers 429.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from console.model.identity import Identity
from console.model.runai import GpuRequestKind, WorkloadPhase, WorkloadType
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.kube_access import request_object
from console.sim.http.kube_errors import forbidden, not_found
from console.sim.http.kube_records import WORKLOAD_KINDS, pod_uid, uid
from console.sim.runai_mounts import volumes_of
from console.sim.runai_placement import pod_cpu_memory
from console.sim.runai_state import NodeState, PodState, ProjectState, WorkloadState
from console.sim.runai_views import pod_views
from console.sim.simulator import Simulator
from console.wire import kube as wire
from console.wire import kube_objects
from console.wire.kube_storage import PodVolume

GOING_AWAY = frozenset({WorkloadPhase.STOPPING, WorkloadPhase.DELETING, WorkloadPhase.TERMINATING})

PodEntry = tuple[ProjectState, WorkloadState, PodState, str]
"""(project, workload, pod, the pod's phase as the demo backend shows it)."""


def _ip(prefix: str, number: int) -> str:
    return f"{prefix}.{number // 250 % 250}.{number % 250 + 2}"


def _pod_ip(node: NodeState, workload: WorkloadState, pod: PodState) -> str:
    """An address in the node's pod CIDR (10.244.<node>.0/24), stable for the pod, spread over the range."""
    host = (int(workload.id[:8], 16) + pod.index * 7 + pod.attempt * 13) % 250 + 2
    return f"10.244.{node.order % 250}.{host}"


class Pods:
    """The pod collection's entries and JSON, and eviction, over one `SimulatorHost`."""

    def __init__(self, host: SimulatorHost) -> None:
        self.host = host
        self._pod_phases: dict[str, tuple[int, tuple[str, ...]]] = {}
        """Workload id -> (its version, its pods' phases), so listing 20,000 pods builds no views twice."""

    FIELDS = frozenset(
        {"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "spec.schedulerName"}
    )

    def entries(self, sim: Simulator, namespace: str | None) -> Iterator[PodEntry]:
        """(project, workload, pod, the pod's phase as the demo backend shows it) for every existing pod."""
        for workload in sim.runai.workload_records():
            project = sim.runai.project_of(workload)
            if namespace is not None and project.namespace != namespace:
                continue
            cached = self._pod_phases.get(workload.id)
            if cached is None or cached[0] != workload.version:
                cached = (workload.version, tuple(view.k8s_phase for view in pod_views(workload)))
                self._pod_phases[workload.id] = cached
            for pod, phase in zip(workload.pods, cached[1], strict=False):
                yield project, workload, pod, phase

    def find(self, sim: Simulator, namespace: str, name: str) -> PodEntry:
        found = next((entry for entry in self.entries(sim, namespace) if entry[2].name == name), None)
        if found is None:
            raise not_found("pods", name)
        return found

    @staticmethod
    def labels(project: ProjectState, workload: WorkloadState) -> dict[str, str]:
        return {
            wire.LABEL_WORKLOAD_ID: workload.id,
            wire.LABEL_WORKLOAD_NAME: workload.name,
            wire.LABEL_PROJECT: project.name,
            wire.LABEL_QUEUE: project.name,
        }

    @staticmethod
    def wire_phase(pod: PodState, phase: str) -> str:
        """A crashed container of a pod that keeps its GPUs restarts in place: the pod stays Running."""
        return "Running" if pod.failed and pod.node_name is not None else phase

    def pod_json(
        self, sim: Simulator, project: ProjectState, workload: WorkloadState, pod: PodState, phase: str
    ) -> dict[str, Any]:
        request = workload.gpu_request
        cpu, memory = pod_cpu_memory(request)
        annotations: dict[str, str] = {wire.ANNOTATION_POD_GROUP: f"pg-{workload.name}-{workload.id[:8]}"}
        if request.kind is GpuRequestKind.PORTION:
            annotations[wire.ANNOTATION_GPU_FRACTION] = repr(request.portion)
        elif request.kind is GpuRequestKind.MEMORY:
            annotations[wire.ANNOTATION_GPU_MEMORY] = str(request.memory_mib)
        if pod.allocs:
            annotations[wire.ANNOTATION_GPU_INDEXES] = ",".join(str(gpu.index) for gpu, _ in pod.allocs)
        requests = {"cpu": kube_objects.cpu_quantity(cpu), "memory": kube_objects.pod_memory_quantity(memory)}
        migs: dict[str, int] = {}
        for _, alloc in pod.allocs:
            if alloc.mig_profile:
                migs[alloc.mig_profile] = migs.get(alloc.mig_profile, 0) + 1
        # A pod bound on a MIG node holds MIG slices (the mixed strategy's resources); elsewhere whole-GPU
        # requests are `nvidia.com/gpu` and fractions are annotations only (they request no nvidia.com/gpu).
        gpu_resources = {
            f"{wire.RESOURCE_MIG_PREFIX}{profile}": str(count) for profile, count in migs.items()
        }
        if not gpu_resources and request.kind is GpuRequestKind.DEVICES and request.devices > 0:
            gpu_resources = {wire.RESOURCE_GPU: str(request.devices)}
        requests.update(gpu_resources)

        node = sim.runai.node_record(pod.node_name) if pod.node_name else None
        record = kube_objects.PodRecord(
            name=pod.name,
            namespace=project.namespace,
            uid=pod_uid(workload, pod),
            resource_version=str(1000 + workload.version),
            created_at=pod.created_at,
            labels=self.labels(project, workload),
            annotations=annotations,
            owner=kube_objects.ObjectRef(
                WORKLOAD_KINDS[workload.type],
                workload.name,
                project.namespace,
                workload.id,
                "run.ai/v2alpha1",
            ),
            phase=self.wire_phase(pod, phase),
            phase_since=workload.phase_updated_at,
            crashed=pod.failed and pod.node_name is not None,
            container=workload.name,
            image=workload.image,
            image_id=f"{workload.image}@sha256:{uid('image', workload.image).replace('-', '')}",
            command=workload.command or None,
            requests=requests,
            limits=gpu_resources,
            priority_class=workload.priority_class,
            restart_policy="Never" if workload.type is WorkloadType.TRAINING else "Always",
            node_name=pod.node_name,
            host_ip=_ip("10.0", node.order) if node is not None else None,
            pod_ip=_pod_ip(node, workload, pod) if node is not None else None,
            deleting_since=workload.phase_updated_at if workload.phase in GOING_AWAY else None,
            pending_message=workload.phase_message or "",
            volumes=tuple(
                PodVolume(v.claim, v.mount_path, v.read_only)
                for v in volumes_of(workload, project.name, sim.runai.claims)
            ),
        )
        return kube_objects.encode_pod(record)

    # -- eviction -----------------------------------------------------------------------------
    def evict(self, request: Request, identity: Identity) -> Response:
        """policy/v1 Eviction: 201 when the pod goes (or had nothing to give back), 429 when refused."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        body = request_object(request, "Eviction")
        if not isinstance(body, dict):
            raise HttpError(400, "the eviction must be a JSON object")
        if not identity.is_admin:
            raise forbidden(identity, "create", "pods/eviction", name, namespace)
        with self.host.session() as sim:
            _, workload, pod, _ = self.find(sim, namespace, name)
            node = sim.runai.node_record(pod.node_name) if pod.node_name else None
            if node is not None and workload.phase not in GOING_AWAY:
                if not workload.preemptible:
                    budget = f"{workload.name}-pdb"
                    refusal = kube_objects.status(
                        429,
                        "Cannot evict pod as it would violate the pod's disruption budget.",
                        causes=[
                            kube_objects.Cause(
                                f"The disruption budget {budget} needs 1 healthy pods and has 1 currently",
                                reason="DisruptionBudget",
                            )
                        ],
                    )
                    raise HttpError(429, refusal["message"], extra={"details": refusal["details"]})
                sim.runai.evict_from_node(identity, workload.id, node.name)
                sim.settle()
        return Response.json(201, kube_objects.status(201, ""))
