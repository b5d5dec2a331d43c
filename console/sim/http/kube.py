"""The simulator behind the Kubernetes API: the subset rwc's `KubeClient` calls, with the real wire shapes.

Served paths (reference/kubernetes.md §2 and §13):

    GET   /api/v1/nodes                                NodeList (labelSelector, fieldSelector, limit/continue)
    GET   /api/v1/nodes/{name}                         Node
    PATCH /api/v1/nodes/{name}                         strategic-merge or merge patch of spec.unschedulable
                                                       and the whole spec.taints list
    GET   /api/v1/pods                                 PodList, all namespaces
    GET   /api/v1/namespaces/{ns}/pods                 PodList of one namespace
    GET   /api/v1/namespaces/{ns}/pods/{name}          Pod
    GET   /api/v1/namespaces/{ns}/pods/{name}/log      text/plain (tailLines, sinceSeconds, limitBytes;
                                                       follow: chunked until the client or the pod goes)
    POST  /api/v1/namespaces/{ns}/pods/{name}/eviction 201 Status, or 429 when a disruption budget refuses
    GET   /version, /version/                          VersionInfo (no token needed, as on real servers)

How the simulator maps onto Kubernetes objects:

* Nodes carry GPU Feature Discovery labels, the Run:ai role label and their pool's label
  (`PoolState.label_key=label_value`; the default pool has none). Capacity equals allocatable; what pods use
  is *not* on the node (the API does not carry it) - clients sum the requests of the pods bound there.
* Cordon is `spec.unschedulable`; drain is the `runai=drain:NoExecute` taint (reference §3). A patch maps
  onto the simulator's cordon/uncordon/drain/undrain, so the same Run:ai semantics apply (preemptible work
  moves off); a taint list that holds the drain taint re-asserts the drain, as NoExecute keeps evicting.
  The simulator models no other taint: a patch that changes any other taint is refused (422).
* Every workload pod (none while Stopped) is a Pod in the project namespace with the labels and
  annotations in `console.wire.kube` (the one place those unsure names are chosen). A pod
  whose container crashed in a Degraded workload keeps its GPUs: on the wire it is phase Running with the
  container waiting in CrashLoopBackOff, as a restarting pod is on a real cluster (the demo backend calls
  it Failed).
* RBAC, simplified: every known token may read nodes and pods (a cluster-wide "view" role); patching
  nodes and evicting pods need an admin; logs follow the simulator's project membership.
* A non-preemptible workload's pods stand for pods a PodDisruptionBudget protects: evicting them answers
  429 like a real budget refusal. Preemptible pods are evicted as a drain would move them.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from console.data.errors import BackendError, Conflict, Forbidden, Invalid, NotFound
from console.model.identity import Identity
from console.model.runai import DRAIN_TAINT, GpuRequestKind, NodeStatus, Taint, WorkloadPhase, WorkloadType
from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.runai_mounts import SimVolume, volumes_of
from console.sim.runai_placement import pod_cpu_memory
from console.sim.runai_state import NodeState, PodState, ProjectState, WorkloadState
from console.sim.runai_views import pod_views
from console.sim.simulator import Simulator
from console.wire import kube as wire
from console.wire import kube_storage
from console.wire.kube_storage import PodVolume

VERSION_INFO: dict[str, str] = {
    "major": "1",
    "minor": "30",
    "gitVersion": "v1.30.4",
    "gitCommit": "a51b3b711150f57ffc1f526a640ec058514ed596",
    "gitTreeState": "clean",
    "buildDate": "2024-08-14T19:02:46Z",
    "goVersion": "go1.22.5",
    "compiler": "gc",
    "platform": "linux/amd64",
}
"""Every field the client's VersionInfo model requires (reference §13)."""

FOLLOW_POLL_SECONDS = 0.1
"""How often a follow stream looks for new lines (real seconds); also its heartbeat for a departed client."""
FOLLOW_MAX_SECONDS = 600.0
"""A follow stream ends after this long (real seconds) even if nobody closed it: the fake stays bounded."""

_REASONS: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}
"""`Status.reason` by code (apimachinery StatusReason constants, reference §13)."""

_PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json")
_WORKLOAD_KINDS: dict[WorkloadType, str] = {
    WorkloadType.TRAINING: "TrainingWorkload",
    WorkloadType.WORKSPACE: "InteractiveWorkload",
    WorkloadType.DISTRIBUTED: "DistributedWorkload",
    WorkloadType.INFERENCE: "InferenceWorkload",
}
_GOING_AWAY = frozenset({WorkloadPhase.STOPPING, WorkloadPhase.DELETING, WorkloadPhase.TERMINATING})
_LOG_ENDS = frozenset({WorkloadPhase.COMPLETED, WorkloadPhase.FAILED, WorkloadPhase.STOPPED})
_UID_NAMESPACE = uuid.UUID("6f1f4c2e-7a55-4a8e-9d1b-2b7f0c9e3a11")
GIB = 1024**3


def kube_status_body(status: int, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A `Status` object for an error: kind/apiVersion/status/message/reason/code, plus `details` if given."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": extra.get("reason")
        or _REASONS.get(status, "InternalError" if status >= 500 else "Unknown"),
        "code": status,
    }
    if extra.get("details"):
        body["details"] = extra["details"]
    return body


def build_kube_router(host: SimulatorHost, tokens: Mapping[str, Identity]) -> Router:
    """The Kubernetes API subset over `host`'s simulator; `tokens` maps bearer tokens to who holds them."""
    return _KubeFace(host, tokens).router()


def kube_server(host: SimulatorHost, tokens: Mapping[str, Identity], *, port: int = 0) -> SimHttpServer:
    """A (not yet started) server for the Kubernetes face, with Status error bodies."""
    return SimHttpServer("kube", build_kube_router(host, tokens), kube_status_body, port=port)


# ==============================================================================================
# wire helpers
# ==============================================================================================
def _time(at: datetime | None) -> str | None:
    """RFC 3339 at whole seconds, as the API writes metav1.Time."""
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cpu(millicores: int) -> str:
    return str(millicores // 1000) if millicores % 1000 == 0 else f"{millicores}m"


def _node_memory(size: int) -> str:
    return f"{size // 1024}Ki" if size % 1024 == 0 else str(size)


def _pod_memory(size: int) -> str:
    for suffix, unit in (("Gi", GIB), ("Mi", 1024**2), ("Ki", 1024)):
        if size and size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


@functools.lru_cache(maxsize=4096)
def _uid(kind: str, key: str) -> str:
    """A stable UUID for a node, machine or image (pods use their workload's id, see `_pod_uid`)."""
    return str(uuid.uuid5(_UID_NAMESPACE, f"{kind}/{key}"))


def _pod_uid(workload: WorkloadState, pod: PodState) -> str:
    """The workload's UUID with the pod's index in its last 12 digits: stable, unique, and cheap."""
    return f"{workload.id[:24]}{pod.index:012x}"


def _ip(prefix: str, number: int) -> str:
    return f"{prefix}.{number // 250 % 250}.{number % 250 + 2}"


def _page(total: int, request: Request) -> tuple[int, int, dict[str, Any]]:
    """(start, end, list metadata) of the page `limit`/`continue` ask for among `total` matching items.

    The continue token is an offset into the current state, not a snapshot as on a real server: a list
    paged while the simulator moves on may repeat or skip an item (the client's next refresh corrects it).
    """
    start = 0
    token = request.param("continue")
    if token:
        if not token.startswith("o:") or not token[2:].isdigit():
            raise HttpError(410, "The provided continue parameter is too old or malformed.")
        start = int(token[2:])
    limit_text = request.param("limit")
    limit = int(limit_text) if limit_text and limit_text.isdigit() and int(limit_text) > 0 else None
    end = min(total, start + limit) if limit else total
    metadata: dict[str, Any] = {}
    if end < total:
        metadata["continue"] = f"o:{end}"
        metadata["remainingItemCount"] = total - end
    return start, end, metadata


def _list(
    kind: str, items: list[dict[str, Any]], resource_version: str, metadata: dict[str, Any]
) -> Response:
    body = {"kind": kind, "apiVersion": "v1", "metadata": {"resourceVersion": resource_version, **metadata}}
    body["items"] = items
    return Response.json(200, body)


Selector = Callable[[Mapping[str, str]], bool]


def _label_selector(text: str | None) -> Selector:
    """Equality-based label selectors (`a=b,c!=d,e,!f`); set-based ones are refused with 400."""
    if not text:
        return lambda labels: True
    if "(" in text:
        raise HttpError(400, f"unable to parse requirement: set-based selectors are not simulated: {text}")
    tests: list[Selector] = []
    for term in (part.strip() for part in text.split(",")):
        if not term:
            continue
        if "!=" in term:
            key, value = (side.strip() for side in term.split("!=", 1))
            tests.append(_compare(key, value, equal=False))
        elif "=" in term:
            key, value = (side.strip() for side in term.replace("==", "=").split("=", 1))
            tests.append(_compare(key, value, equal=True))
        elif term.startswith("!"):
            tests.append(_has(term[1:].strip(), present=False))
        else:
            tests.append(_has(term, present=True))
    return lambda labels: all(test(labels) for test in tests)


def _compare(key: str, value: str, *, equal: bool) -> Selector:
    return lambda values: (values.get(key) == value) is equal


def _has(key: str, *, present: bool) -> Selector:
    return lambda values: (key in values) is present


def _field_selector(text: str | None, supported: frozenset[str]) -> Selector:
    """`field=value` / `field!=value` terms over the fields `supported` (others: 400, as the API does)."""
    if not text:
        return lambda fields: True
    tests: list[Selector] = []
    for term in (part.strip() for part in text.split(",")):
        if not term:
            continue
        negate = "!=" in term
        key, _, value = term.replace("!=", "=").replace("==", "=").partition("=")
        key = key.strip()
        if key not in supported:
            raise HttpError(400, f'field label not supported: "{key}"')
        tests.append(_compare(key, value.strip(), equal=not negate))
    return lambda fields: all(test(fields) for test in tests)


def _truthy(value: str | None) -> bool:
    """Query booleans: v35/v36 send `True`, v37 `true` (reference §13); accept both."""
    return (value or "").strip().lower() in ("true", "1")


# ==============================================================================================
# the face
# ==============================================================================================
class _KubeFace:
    """Handlers over one `SimulatorHost`; every request runs under the host's lock (`host.session()`)."""

    def __init__(self, host: SimulatorHost, tokens: Mapping[str, Identity]) -> None:
        self.host = host
        self.tokens = dict(tokens)
        self._pod_phases: dict[str, tuple[int, tuple[str, ...]]] = {}
        """Workload id -> (its version, its pods' phases), so listing 20,000 pods builds no views twice."""
        self._matches: dict[tuple[str | None, ...], tuple[int, list[Any]]] = {}
        """(path, selectors) -> (state generation, matching items): the pages of one list come from one
        selection while the simulator has not changed, as a real server's continue gives a snapshot."""

    def router(self) -> Router:
        router = Router()
        router.add("GET", "/version", self.version)
        router.add("GET", "/version/", self.version)
        router.add("GET", "/api/v1/nodes", self._authed(self.list_nodes))
        router.add("GET", "/api/v1/nodes/{name}", self._authed(self.read_node))
        router.add("PATCH", "/api/v1/nodes/{name}", self._authed(self.patch_node))
        router.add("GET", "/api/v1/pods", self._authed(self.list_pods))
        router.add("GET", "/api/v1/namespaces/{namespace}/pods", self._authed(self.list_pods))
        router.add("GET", "/api/v1/namespaces/{namespace}/pods/{name}", self._authed(self.read_pod))
        router.add("GET", "/api/v1/namespaces/{namespace}/pods/{name}/log", self._authed(self.pod_log))
        router.add("POST", "/api/v1/namespaces/{namespace}/pods/{name}/eviction", self._authed(self.evict))
        router.add("GET", "/api/v1/persistentvolumeclaims", self._authed(self.list_claims))
        router.add(
            "GET", "/api/v1/namespaces/{namespace}/persistentvolumeclaims", self._authed(self.list_claims)
        )
        router.add(
            "GET",
            "/api/v1/namespaces/{namespace}/persistentvolumeclaims/{name}",
            self._authed(self.read_claim),
        )
        router.add("GET", "/api/v1/persistentvolumes", self._authed(self.list_volumes))
        router.add("GET", "/api/v1/persistentvolumes/{name}", self._authed(self.read_volume))
        return router

    # -- auth ---------------------------------------------------------------------------------
    def _authed(self, handler: Callable[[Request, Identity], Response]) -> Callable[[Request], Response]:
        def run(request: Request) -> Response:
            scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
            identity = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            if identity is None:
                raise HttpError(401, "Unauthorized")
            return handler(request, identity)

        return run

    @staticmethod
    def _forbidden(
        identity: Identity, verb: str, resource: str, name: str, namespace: str | None
    ) -> HttpError:
        group, _, sub = resource.partition("/")
        scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        return HttpError(
            403,
            f'{group} "{name}" is forbidden: User "{identity.user}" cannot {verb} resource "{resource}" '
            f'in API group "" {scope}',
            extra={"details": {"name": name, "kind": group, **({"group": ""} if sub else {})}},
        )

    @staticmethod
    def _not_found(kind: str, name: str) -> HttpError:
        return HttpError(404, f'{kind} "{name}" not found', extra={"details": {"name": name, "kind": kind}})

    @staticmethod
    def _from_sim(error: BackendError) -> HttpError:
        """A simulator refusal as the API's Status (the simulator raises console.data errors)."""
        status = {Forbidden: 403, NotFound: 404, Conflict: 409, Invalid: 422}.get(type(error), 500)
        return HttpError(status, error.message)

    # -- version ------------------------------------------------------------------------------
    def version(self, request: Request) -> Response:
        return Response.json(200, VERSION_INFO)

    # -- nodes --------------------------------------------------------------------------------
    def list_nodes(self, request: Request, identity: Identity) -> Response:
        labels = _label_selector(request.param("labelSelector"))
        fields = _field_selector(
            request.param("fieldSelector"), frozenset({"metadata.name", "spec.unschedulable"})
        )
        with self.host.session() as sim:

            def select() -> list[NodeState]:
                return [
                    node
                    for node in sim.runai.state.nodes.values()
                    if labels(self._node_labels(sim, node))
                    and fields(
                        {"metadata.name": node.name, "spec.unschedulable": str(node.unschedulable).lower()}
                    )
                ]

            matching = self._matching(sim, request, select)
            start, end, metadata = _page(len(matching), request)
            items = [self._node_json(sim, node) for node in matching[start:end]]
            version = str(1000 + sim.runai.state.generation)
        return _list("NodeList", items, version, metadata)

    def _matching(self, sim: Simulator, request: Request, select: Callable[[], list[Any]]) -> list[Any]:
        """`select()`, or the selection an earlier page of the same list made if nothing changed since."""
        key = (request.path, request.param("labelSelector"), request.param("fieldSelector"))
        generation = sim.runai.state.generation
        cached = self._matches.get(key)
        if cached is not None and cached[0] == generation and request.param("continue"):
            return cached[1]
        selected = select()
        if len(self._matches) >= 16:
            self._matches.clear()
        self._matches[key] = (generation, selected)
        return selected

    def read_node(self, request: Request, identity: Identity) -> Response:
        name = request.path_params["name"]
        with self.host.session() as sim:
            return Response.json(200, self._node_json(sim, self._node(sim, name)))

    def patch_node(self, request: Request, identity: Identity) -> Response:
        """Cordon/uncordon and the drain taint; anything else in the patch is refused, not dropped."""
        name = request.path_params["name"]
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        if content_type not in _PATCH_TYPES:
            raise HttpError(
                415,
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{', '.join(_PATCH_TYPES)} (the simulator does not apply {content_type or 'this'} patches)",
            )
        patch = request.json()
        if not isinstance(patch, dict):
            raise HttpError(400, "the patch must be a JSON object")
        if not identity.is_admin:
            raise self._forbidden(identity, "patch", "nodes", name, None)
        metadata = patch.get("metadata") or {}
        spec = patch.get("spec") or {}
        if not isinstance(metadata, dict) or not isinstance(spec, dict):
            raise HttpError(400, "metadata and spec must be objects")
        unknown = [f"metadata.{key}" for key in metadata if key not in ("name", "resourceVersion")]
        unknown += [f"spec.{key}" for key in spec if key not in ("unschedulable", "taints")]
        unknown += [key for key in patch if key not in ("metadata", "spec", "apiVersion", "kind")]
        if unknown:
            raise HttpError(
                422,
                f'Node "{name}" is invalid: the simulator patches only spec.unschedulable and spec.taints, '
                f"not {', '.join(unknown)}",
                extra={"details": {"name": name, "kind": "Node", "causes": [{"field": unknown[0]}]}},
            )
        with self.host.session() as sim:
            node = self._node(sim, name)
            wanted_version = metadata.get("resourceVersion")
            if wanted_version is not None and wanted_version != self._node_version(node):
                raise HttpError(
                    409,
                    f'Operation cannot be fulfilled on nodes "{name}": the object has been modified; '
                    "please apply your changes to the latest version and try again",
                    extra={"details": {"name": name, "kind": "nodes"}},
                )
            drain = self._wanted_drain(name, node, spec) if "taints" in spec else None
            try:
                if "unschedulable" in spec:
                    if spec["unschedulable"] is True:
                        sim.runai.cordon_node(identity, name)
                    elif spec["unschedulable"] in (False, None):
                        sim.runai.uncordon_node(identity, name)
                    else:
                        raise HttpError(
                            422, f'Node "{name}" is invalid: spec.unschedulable must be a boolean'
                        )
                if drain is True:
                    sim.runai.drain_node(identity, name)
                elif drain is False:
                    sim.runai.undrain_node(identity, name)
            except BackendError as error:
                raise self._from_sim(error) from None
            sim.settle()
            return Response.json(200, self._node_json(sim, node))

    def _wanted_drain(self, name: str, node: NodeState, spec: dict[str, Any]) -> bool | None:
        """True to drain, False to undrain, None to leave it; 422 for taints the simulator cannot hold.

        A list holding the drain taint drains even a node that already has it: NoExecute keeps evicting
        what does not tolerate it, and the simulator's drain (like the demo backend's) re-asserts exactly
        that. A list without it undrains only a node that has it.
        """
        raw = spec.get("taints")
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise HttpError(422, f'Node "{name}" is invalid: spec.taints must be a list')
        wanted: list[Taint] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not item.get("key") or not item.get("effect"):
                raise HttpError(
                    422,
                    f'Node "{name}" is invalid: spec.taints[{index}]: a taint needs a key and an effect',
                    extra={
                        "details": {
                            "name": name,
                            "kind": "Node",
                            "causes": [{"field": f"spec.taints[{index}]"}],
                        }
                    },
                )
            if item["effect"] not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
                raise HttpError(
                    422,
                    f'Node "{name}" is invalid: spec.taints[{index}].effect: '
                    f'Unsupported value: "{item["effect"]}"',
                )
            wanted.append(Taint(str(item["key"]), str(item.get("value") or ""), str(item["effect"])))
        others_now = [taint for taint in node.taints if taint != DRAIN_TAINT]
        others_wanted = [taint for taint in wanted if taint != DRAIN_TAINT]
        if others_now != others_wanted:
            raise HttpError(
                422,
                f'Node "{name}" is invalid: spec.taints: the simulator models only the runai=drain:NoExecute '
                "taint; other taints cannot be added, changed or removed",
            )
        if DRAIN_TAINT in wanted:
            return True
        return False if DRAIN_TAINT in node.taints else None

    def _node(self, sim: Simulator, name: str) -> NodeState:
        node = sim.runai.state.nodes.get(name)
        if node is None:
            raise self._not_found("nodes", name)
        return node

    @staticmethod
    def _node_version(node: NodeState) -> str:
        """The node's resourceVersion: it changes whenever anything about the node changes."""
        return str(1000 + node.version)

    @staticmethod
    def _node_labels(sim: Simulator, node: NodeState) -> dict[str, str]:
        labels: dict[str, str] = {
            wire.LABEL_HOSTNAME: node.name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            {
                "gpu-worker": wire.ROLE_GPU_WORKER_LABEL,
                "cpu-worker": wire.ROLE_CPU_WORKER_LABEL,
                "system": wire.ROLE_SYSTEM_LABELS[0],
            }[node.role.value]: "true",
        }
        pool = sim.runai.state.pools.get(node.pool)
        if pool is not None and pool.label_key:
            labels[pool.label_key] = pool.label_value
        if node.gpus:
            labels.update(
                {
                    wire.GPU_PRESENT_LABEL: "true",
                    wire.GFD_PRODUCT_LABEL: (node.gpu_model or "GPU").replace(" ", "-"),
                    wire.GFD_COUNT_LABEL: str(len(node.gpus)),
                    wire.GFD_MEMORY_LABEL: str(node.gpu_memory_mib),
                    wire.GFD_MIG_STRATEGY_LABEL: "mixed" if node.mig else "none",
                }
            )
        return labels

    def _node_json(self, sim: Simulator, node: NodeState) -> dict[str, Any]:
        view = sim.runai.node(node.name)
        now = sim.clock.now()
        labels = self._node_labels(sim, node)
        capacity = {
            "cpu": _cpu(node.cpu_millicores),
            "memory": _node_memory(node.memory_bytes),
            "pods": "110",
            "ephemeral-storage": "1870244168Ki",
        }
        if node.gpus:
            capacity[wire.RESOURCE_GPU] = str(len(node.gpus))
        ready = node.status is NodeStatus.READY
        conditions = [
            {
                "type": condition.type,
                "status": condition.status,
                "reason": condition.reason,
                "message": condition.message,
                "lastHeartbeatTime": _time(now if ready else node.status_since),
                "lastTransitionTime": _time(
                    node.status_since if condition.type == "Ready" else node.created_at
                ),
            }
            for condition in view.conditions
        ]
        spec: dict[str, Any] = {"podCIDR": f"10.244.{node.order % 250}.0/24"}
        if node.unschedulable:
            spec["unschedulable"] = True
        if node.taints:
            spec["taints"] = [
                {
                    "key": taint.key,
                    **({"value": taint.value} if taint.value else {}),
                    "effect": taint.effect,
                    **({"timeAdded": _time(node.status_since)} if taint.effect == "NoExecute" else {}),
                }
                for taint in node.taints
            ]
        machine = _uid("machine", node.name).replace("-", "")
        return {
            "metadata": {
                "name": node.name,
                "uid": _uid("node", node.name),
                "resourceVersion": self._node_version(node),
                "creationTimestamp": _time(node.created_at),
                "labels": labels,
                "annotations": {"volumes.kubernetes.io/controller-managed-attach-detach": "true"},
            },
            "spec": spec,
            "status": {
                "capacity": capacity,
                "allocatable": dict(capacity),
                "conditions": conditions,
                "addresses": [
                    {"type": "InternalIP", "address": _ip("10.0", node.order)},
                    {"type": "Hostname", "address": node.name},
                ],
                "nodeInfo": {
                    "machineID": machine,
                    "systemUUID": _uid("system", node.name),
                    "bootID": _uid("boot", node.name),
                    "kernelVersion": "5.15.0-119-generic",
                    "osImage": "Ubuntu 22.04.4 LTS",
                    "containerRuntimeVersion": "containerd://1.7.12",
                    "kubeletVersion": VERSION_INFO["gitVersion"],
                    "kubeProxyVersion": VERSION_INFO["gitVersion"],
                    "operatingSystem": "linux",
                    "architecture": "amd64",
                },
            },
        }

    # -- pods ---------------------------------------------------------------------------------
    _POD_FIELDS = frozenset({"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"})

    def list_pods(self, request: Request, identity: Identity) -> Response:
        """Selectors are checked on labels and fields alone; JSON is built only for the page returned."""
        namespace = request.path_params.get("namespace")
        labels = _label_selector(request.param("labelSelector"))
        fields = _field_selector(request.param("fieldSelector"), self._POD_FIELDS)
        with self.host.session() as sim:

            def select() -> list[tuple[ProjectState, WorkloadState, PodState, str]]:
                selected = []
                for entry in self._pods(sim, namespace):
                    project, workload, pod, phase = entry
                    field_values = {
                        "metadata.name": pod.name,
                        "metadata.namespace": project.namespace,
                        "spec.nodeName": pod.node_name or "",
                        "status.phase": self._wire_phase(pod, phase),
                    }
                    if fields(field_values) and labels(self._pod_labels(project, workload)):
                        selected.append(entry)
                return selected

            matching = self._matching(sim, request, select)
            start, end, metadata = _page(len(matching), request)
            items = [self._pod_json(sim, *entry) for entry in matching[start:end]]
            version = str(1000 + sim.runai.state.generation)
        return _list("PodList", items, version, metadata)

    def read_pod(self, request: Request, identity: Identity) -> Response:
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        with self.host.session() as sim:
            project, workload, pod, phase = self._pod(sim, namespace, name)
            return Response.json(200, self._pod_json(sim, project, workload, pod, phase))

    def _pods(
        self, sim: Simulator, namespace: str | None
    ) -> Iterator[tuple[ProjectState, WorkloadState, PodState, str]]:
        """(project, workload, pod, the pod's phase as the demo backend shows it) for every existing pod."""
        state = sim.runai.state
        for workload in state.workloads.values():
            project = state.projects[workload.project_id]
            if namespace is not None and project.namespace != namespace:
                continue
            cached = self._pod_phases.get(workload.id)
            if cached is None or cached[0] != workload.version:
                cached = (workload.version, tuple(view.k8s_phase for view in pod_views(workload)))
                self._pod_phases[workload.id] = cached
            for pod, phase in zip(workload.pods, cached[1], strict=False):
                yield project, workload, pod, phase

    def _pod(
        self, sim: Simulator, namespace: str, name: str
    ) -> tuple[ProjectState, WorkloadState, PodState, str]:
        found = next((entry for entry in self._pods(sim, namespace) if entry[2].name == name), None)
        if found is None:
            raise self._not_found("pods", name)
        return found

    @staticmethod
    def _pod_labels(project: ProjectState, workload: WorkloadState) -> dict[str, str]:
        return {
            wire.LABEL_WORKLOAD_ID: workload.id,
            wire.LABEL_WORKLOAD_NAME: workload.name,
            wire.LABEL_PROJECT: project.name,
            wire.LABEL_QUEUE: project.name,
        }

    @staticmethod
    def _wire_phase(pod: PodState, phase: str) -> str:
        """A crashed container of a pod that keeps its GPUs restarts in place: the pod stays Running."""
        return "Running" if pod.failed and pod.node_name is not None else phase

    def _pod_json(
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
        resources: dict[str, dict[str, str]] = {"requests": {"cpu": _cpu(cpu), "memory": _pod_memory(memory)}}
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
        if gpu_resources:
            resources["requests"].update(gpu_resources)
            resources["limits"] = dict(gpu_resources)

        crashed = pod.failed and pod.node_name is not None
        wire_phase = self._wire_phase(pod, phase)
        node = sim.runai.state.nodes.get(pod.node_name) if pod.node_name else None
        metadata: dict[str, Any] = {
            "name": pod.name,
            "namespace": project.namespace,
            "uid": _pod_uid(workload, pod),
            "resourceVersion": str(1000 + workload.version),
            "creationTimestamp": _time(pod.created_at),
            "labels": self._pod_labels(project, workload),
            "annotations": annotations,
            "ownerReferences": [
                {
                    "apiVersion": "run.ai/v2alpha1",
                    "kind": _WORKLOAD_KINDS[workload.type],
                    "name": workload.name,
                    "uid": workload.id,
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        }
        if workload.phase in _GOING_AWAY:
            metadata["deletionTimestamp"] = _time(workload.phase_updated_at)
            metadata["deletionGracePeriodSeconds"] = 30
        spec: dict[str, Any] = {
            "schedulerName": "runai-scheduler",
            "priorityClassName": workload.priority_class,
            "restartPolicy": "Never" if workload.type is WorkloadType.TRAINING else "Always",
            "containers": [
                {
                    "name": workload.name,
                    "image": workload.image,
                    "resources": resources,
                    **({"command": ["/bin/sh", "-c", workload.command]} if workload.command else {}),
                }
            ],
        }
        mounted = [PodVolume(v.claim, v.mount_path, v.read_only) for v in volumes_of(workload, project.name)]
        spec["volumes"], spec["containers"][0]["volumeMounts"] = kube_storage.pod_volumes_json(mounted)
        if pod.node_name:
            spec["nodeName"] = pod.node_name
        status: dict[str, Any] = {
            "phase": wire_phase,
            "qosClass": "Burstable",
            "conditions": self._pod_conditions(pod, wire_phase, crashed, workload),
            "containerStatuses": [self._container_status(workload, wire_phase, crashed)],
        }
        if node is not None:
            status["hostIP"] = _ip("10.0", node.order)
            status["podIP"] = _ip(f"10.244.{node.order % 250}", pod.index + 1)
            status["startTime"] = _time(pod.created_at)
        return {"metadata": metadata, "spec": spec, "status": status}

    @staticmethod
    def _pod_conditions(
        pod: PodState, phase: str, crashed: bool, workload: WorkloadState
    ) -> list[dict[str, Any]]:
        at = _time(workload.phase_updated_at)
        if pod.node_name is None and phase == "Pending":
            return [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": workload.phase_message or "waiting for the Run:ai scheduler",
                    "lastTransitionTime": at,
                }
            ]
        ready = "True" if phase == "Running" and not crashed else "False"
        return [
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": at},
            {"type": "Initialized", "status": "True", "lastTransitionTime": at},
            {"type": "ContainersReady", "status": ready, "lastTransitionTime": at},
            {"type": "Ready", "status": ready, "lastTransitionTime": at},
        ]

    @staticmethod
    def _container_status(workload: WorkloadState, phase: str, crashed: bool) -> dict[str, Any]:
        at = _time(workload.phase_updated_at)
        state: dict[str, Any]
        if crashed:
            message = f"back-off 40s restarting failed container={workload.name}"
            state = {"waiting": {"reason": "CrashLoopBackOff", "message": message}}
        elif phase == "Running":
            state = {"running": {"startedAt": at}}
        elif phase == "Succeeded":
            state = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": at, "finishedAt": at}}
        elif phase == "Failed":
            state = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": at, "finishedAt": at}}
        else:
            state = {"waiting": {"reason": "ContainerCreating"}}
        return {
            "name": workload.name,
            "image": workload.image,
            "imageID": f"{workload.image}@sha256:{_uid('image', workload.image).replace('-', '')}",
            "ready": phase == "Running" and not crashed,
            "restartCount": 1 if crashed else 0,
            "started": phase == "Running" and not crashed,
            "state": state,
        }

    # -- logs ---------------------------------------------------------------------------------
    def pod_log(self, request: Request, identity: Identity) -> Response:
        """The pod's log as text, or a chunked follow stream; `previous=true` reads the container that ran
        before the last restart (400 when there was none, as the kubelet answers)."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        container = request.param("container")
        previous = _truthy(request.param("previous"))
        with self.host.session() as sim:
            _, workload, pod, phase = self._pod(sim, namespace, name)
            if container and container != workload.name:
                raise HttpError(400, f"container {container} is not valid for pod {name}")
            try:
                lines, seen = sim.runai.workload_logs_after(
                    identity, workload.id, 0, pod=name, previous=previous
                )
            except Forbidden:
                raise self._forbidden(identity, "get", "pods/log", name, namespace) from None
            except Invalid as error:  # no previous container: the kubelet's 400
                raise HttpError(400, str(error)) from None
            except BackendError as error:
                raise self._from_sim(error) from None
            if not lines and phase == "Pending":
                raise HttpError(
                    400,
                    f'container "{workload.name}" in pod "{name}" is waiting to start: ContainerCreating',
                )
            now = sim.clock.now()
        lines = self._select_lines(lines, request, now)
        body = "".join(f"{line}\n" for line in lines).encode()
        limit_bytes = request.param("limitBytes")
        if limit_bytes and limit_bytes.isdigit():
            body = body[: int(limit_bytes)]
        if previous or not _truthy(request.param("follow")):  # a previous container writes no more
            return Response(200, body, content_type="text/plain")
        stream = self._follow(identity, workload.id, name, seen, body)
        return Response(200, content_type="text/plain", stream=stream)

    @staticmethod
    def _select_lines(lines: list[str], request: Request, now: datetime) -> list[str]:
        """`sinceSeconds` (lines whose leading RFC 3339 stamp is older are dropped; lines without one are
        kept: the simulator's notebook and server logs carry no full timestamp), then `tailLines`."""
        since = request.param("sinceSeconds")
        if since and since.isdigit():
            cutoff = now - timedelta(seconds=int(since))
            kept = []
            for line in lines:
                stamp = line[:20]
                try:
                    at = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp.endswith("Z") else None
                except ValueError:
                    at = None
                if at is None or at >= cutoff:
                    kept.append(line)
            lines = kept
        tail = request.param("tailLines")
        if tail is not None and tail.lstrip("-").isdigit() and int(tail) >= 0:
            lines = lines[len(lines) - int(tail) :] if int(tail) else []
        return lines

    def _follow(
        self, identity: Identity, workload_id: str, pod: str, seen: int, first: bytes
    ) -> Iterator[bytes]:
        """New lines as they are written; ends when the workload stops running or is gone, or after
        FOLLOW_MAX_SECONDS. Yields b"" while idle so the server notices a client that left."""
        yield first
        deadline = time.monotonic() + FOLLOW_MAX_SECONDS
        while time.monotonic() < deadline:
            time.sleep(FOLLOW_POLL_SECONDS)
            with self.host.session() as sim:
                workload = sim.runai.state.workloads.get(workload_id)
                if workload is None:
                    return
                try:
                    fresh, seen = sim.runai.workload_logs_after(identity, workload_id, seen, pod=pod)
                except BackendError:
                    return
                ended = workload.phase in _LOG_ENDS
            yield "".join(f"{line}\n" for line in fresh).encode()
            if ended:
                return

    # -- storage ------------------------------------------------------------------------------
    # Each project namespace holds the claims its workloads mount (Run:ai PVC data sources), each bound to
    # a csi-wekafs PersistentVolume whose handle names the WEKA directory, filesystem or snapshot.
    CLAIM_CAPACITY = "1Ti"

    @staticmethod
    def _claims(sim: Simulator, namespace: str | None) -> list[tuple[ProjectState, SimVolume]]:
        """(project, volume) for each claim of each project namespace (or the one asked), in name order."""
        state = sim.runai.state
        found: dict[tuple[str, str], tuple[ProjectState, SimVolume]] = {}
        for workload in state.workloads.values():
            project = state.projects[workload.project_id]
            if namespace is not None and project.namespace != namespace:
                continue
            for volume in volumes_of(workload, project.name):
                found.setdefault((project.namespace, volume.claim), (project, volume))
        return [found[key] for key in sorted(found)]

    @staticmethod
    def _volume_name(namespace: str, claim: str) -> str:
        return f"pvc-{_uid('claim', f'{namespace}/{claim}')}"

    def _claim_json(self, sim: Simulator, project: ProjectState, volume: SimVolume) -> dict[str, Any]:
        namespace = project.namespace
        return kube_storage.claim_json(
            namespace,
            volume.claim,
            self._volume_name(namespace, volume.claim),
            _uid("claim-object", f"{namespace}/{volume.claim}"),
            sim.clock.start,
            self.CLAIM_CAPACITY,
        )

    def _volume_json(self, sim: Simulator, project: ProjectState, volume: SimVolume) -> dict[str, Any]:
        name = self._volume_name(project.namespace, volume.claim)
        return kube_storage.volume_json(
            name,
            project.namespace,
            volume.claim,
            volume.handle,
            _uid("volume", name),
            sim.clock.start,
            self.CLAIM_CAPACITY,
        )

    def list_claims(self, request: Request, identity: Identity) -> Response:
        namespace = request.path_params.get("namespace")
        with self.host.session() as sim:
            claims = self._claims(sim, namespace)
            start, end, metadata = _page(len(claims), request)
            items = [self._claim_json(sim, *entry) for entry in claims[start:end]]
            version = str(1000 + sim.runai.state.generation)
        return _list("PersistentVolumeClaimList", items, version, metadata)

    def read_claim(self, request: Request, identity: Identity) -> Response:
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        with self.host.session() as sim:
            for project, volume in self._claims(sim, namespace):
                if volume.claim == name:
                    return Response.json(200, self._claim_json(sim, project, volume))
        raise self._not_found("persistentvolumeclaims", name)

    def list_volumes(self, request: Request, identity: Identity) -> Response:
        with self.host.session() as sim:
            claims = self._claims(sim, None)
            start, end, metadata = _page(len(claims), request)
            items = [self._volume_json(sim, *entry) for entry in claims[start:end]]
            version = str(1000 + sim.runai.state.generation)
        return _list("PersistentVolumeList", items, version, metadata)

    def read_volume(self, request: Request, identity: Identity) -> Response:
        name = request.path_params["name"]
        with self.host.session() as sim:
            for project, volume in self._claims(sim, None):
                if self._volume_name(project.namespace, volume.claim) == name:
                    return Response.json(200, self._volume_json(sim, project, volume))
        raise self._not_found("persistentvolumes", name)

    # -- eviction -----------------------------------------------------------------------------
    def evict(self, request: Request, identity: Identity) -> Response:
        """policy/v1 Eviction: 201 when the pod goes (or had nothing to give back), 429 when refused."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        body = request.json()
        if not isinstance(body, dict):
            raise HttpError(400, "the eviction must be a JSON object")
        if not identity.is_admin:
            raise self._forbidden(identity, "create", "pods/eviction", name, namespace)
        with self.host.session() as sim:
            _, workload, pod, _ = self._pod(sim, namespace, name)
            node = sim.runai.state.nodes.get(pod.node_name) if pod.node_name else None
            if node is not None and workload.phase not in _GOING_AWAY:
                if not workload.preemptible:
                    budget = f"{workload.name}-pdb"
                    raise HttpError(
                        429,
                        "Cannot evict pod as it would violate the pod's disruption budget.",
                        extra={
                            "details": {
                                "causes": [
                                    {
                                        "reason": "DisruptionBudget",
                                        "message": f"The disruption budget {budget} needs 1 healthy pods "
                                        "and has 1 currently",
                                    }
                                ]
                            }
                        },
                    )
                sim.runai.life.evict_for_drain(workload, node)
                sim.settle()
        return Response.json(
            201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
        )
