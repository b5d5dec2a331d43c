"""The simulator behind the Kubernetes API: what rwc's `KubeClient` and a real kubectl call, with the real
wire shapes.

Served paths (reference/kubernetes.md §2 and §13); every list also answers `watch=true` (WatchEvent
streams, console/sim/http/kube_watch.py) and, on `Accept: ...;as=Table;v=v1;g=meta.k8s.io`, a server-side
Table (console/wire/kube_tables.py); selectors, paging and watches are in console/sim/http/kube_lists.py:

    GET   /api, /api/v1, /apis, /apis/{group}[/{version}]  discovery (console/wire/kube_discovery.py)
    GET   /api/v1/nodes[/{name}]                       NodeList / Node (labelSelector, fieldSelector,
                                                       limit/continue)
    PATCH /api/v1/nodes/{name}                         strategic-merge or merge patch of spec.unschedulable
                                                       and the whole spec.taints list
    GET   /api/v1/pods, /api/v1/namespaces/{ns}/pods[/{name}]   PodList / Pod
    GET   /api/v1/namespaces/{ns}/pods/{name}/log      text/plain (tailLines, sinceSeconds, limitBytes;
                                                       follow: chunked until the client or the pod goes)
    POST  /api/v1/namespaces/{ns}/pods/{name}/eviction 201 Status, or 429 when a disruption budget refuses
    GET   /api/v1/namespaces[/{name}]                  `default` and one `runai-<project>` per project
    GET   /api/v1[/namespaces/{ns}]/events[/{name}]    core/v1 Events from the workloads' history
    GET   /apis/events.k8s.io/v1[/namespaces/{ns}]/events[/{name}]   the same events, events.k8s.io/v1
    POST  /apis/authorization.k8s.io/v1/selfsubjectaccessreviews    `kubectl auth can-i`
                                                       (console/sim/http/kube_access.py)
    GET   /version, /version/                          VersionInfo (no token needed, as on real servers)

The JSON of every object is written by console/wire/kube_objects.py from plain records this module fills.
`rwc sim serve` serves this face over TLS (console/sim/http/tls.py): client-go sends no token over http.

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
* RBAC, simplified: every known token may read nodes, pods, namespaces and events (a cluster-wide "view"
  role); patching nodes and evicting pods need an admin; logs follow the simulator's project membership.
* An evicted pod ends: its workload terminates, and the Run:ai controller then makes a new pod with a new
  name (`<workload>-<index>-<attempt>`) and uid, which is what `kubectl drain` waits for.
* A non-preemptible workload's pods stand for pods a PodDisruptionBudget protects: evicting them answers
  429 like a real budget refusal. Preemptible pods are evicted as a drain would move them.
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from console.data.errors import BackendError, Conflict, Forbidden, Invalid, NotFound
from console.model.identity import Identity
from console.model.runai import DRAIN_TAINT, GpuRequestKind, Taint, WorkloadPhase, WorkloadType
from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.http.kube_access import access_review, request_object
from console.sim.http.kube_lists import Collection, CollectionServer, truthy
from console.sim.http.kube_records import (
    WORKLOAD_KINDS,
    event_records,
    namespace_records,
    node_event_records,
    pod_uid,
    uid,
)
from console.sim.kube_nodes import node_labels, node_object, node_version
from console.sim.runai_mounts import SimVolume, volumes_of
from console.sim.runai_placement import pod_cpu_memory
from console.sim.runai_state import NodeState, PodState, ProjectState, WorkloadState
from console.sim.runai_views import pod_views
from console.sim.simulator import Simulator
from console.wire import kube as wire
from console.wire import kube_discovery, kube_objects, kube_storage
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


_PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json")
_GOING_AWAY = frozenset({WorkloadPhase.STOPPING, WorkloadPhase.DELETING, WorkloadPhase.TERMINATING})
_LOG_ENDS = frozenset({WorkloadPhase.COMPLETED, WorkloadPhase.FAILED, WorkloadPhase.STOPPED})


def kube_status_body(status: int, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A `Status` object for an error (console.wire.kube_objects.status), with `details` if given."""
    body = kube_objects.status(status, message, reason=extra.get("reason"))
    if extra.get("details"):
        body["details"] = extra["details"]
    return body


def build_kube_router(host: SimulatorHost, tokens: Mapping[str, Identity]) -> Router:
    """The Kubernetes API subset over `host`'s simulator; `tokens` maps bearer tokens to who holds them."""
    return _KubeFace(host, tokens).router()


def kube_server(
    host: SimulatorHost,
    tokens: Mapping[str, Identity],
    *,
    port: int = 0,
    ssl_context: ssl.SSLContext | None = None,
) -> SimHttpServer:
    """A (not yet started) server for the Kubernetes face, with Status error bodies; HTTPS with
    `ssl_context` (console/sim/http/tls.py makes one), plain HTTP without."""
    return SimHttpServer(
        "kube", build_kube_router(host, tokens), kube_status_body, port=port, ssl_context=ssl_context
    )


# ==============================================================================================
# wire helpers
# ==============================================================================================
def _ip(prefix: str, number: int) -> str:
    return f"{prefix}.{number // 250 % 250}.{number % 250 + 2}"


def _pod_ip(node: NodeState, workload: WorkloadState, pod: PodState) -> str:
    """An address in the node's pod CIDR (10.244.<node>.0/24), stable for the pod, spread over the range."""
    host = (int(workload.id[:8], 16) + pod.index * 7 + pod.attempt * 13) % 250 + 2
    return f"10.244.{node.order % 250}.{host}"


def _invalid(name: str, field: str, message: str, reason: str) -> HttpError:
    """A 422 as the apiserver writes a field error: `Node "x" is invalid: <field>: <message>`, and the same in
    `details.causes` (reason, message, field), which is what clients show for each refused field."""
    cause = kube_objects.Cause(message=message, field=field, reason=reason)
    body = kube_objects.status(422, "", name=name, kind="Node", causes=[cause])
    return HttpError(422, f'Node "{name}" is invalid: {field}: {message}', extra={"details": body["details"]})


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
        self.lists = CollectionServer(host)
        """What the kubelet would report about nodes this face cordoned or uncordoned (newest last)."""
        self.nodes = Collection(
            resource="nodes",
            kind="Node",
            api_version="v1",
            table="nodes",
            fields=frozenset({"metadata.name", "spec.unschedulable"}),
            entries=lambda sim, namespace: sim.runai.state.nodes.values(),
            key=lambda node: node.name,
            version=self._node_version,
            labels=self._node_labels,
            field_values=lambda sim, node: {
                "metadata.name": node.name,
                "spec.unschedulable": str(node.unschedulable).lower(),
            },
            encode=self._node_json,
        )
        self.pods = Collection(
            resource="pods",
            kind="Pod",
            api_version="v1",
            table="pods",
            fields=self._POD_FIELDS,
            entries=self._pods,
            key=lambda entry: f"{entry[0].namespace}/{entry[2].name}",
            version=lambda entry: f"{1000 + entry[1].version}",
            labels=lambda sim, entry: self._pod_labels(entry[0], entry[1]),
            field_values=lambda sim, entry: {
                "metadata.name": entry[2].name,
                "metadata.namespace": entry[0].namespace,
                "spec.nodeName": entry[2].node_name or "",
                "spec.schedulerName": "runai-scheduler",
                "status.phase": self._wire_phase(entry[2], entry[3]),
            },
            encode=lambda sim, entry: self._pod_json(sim, *entry),
        )
        self.namespaces = Collection(
            resource="namespaces",
            kind="Namespace",
            api_version="v1",
            table="namespaces",
            fields=frozenset({"metadata.name", "status.phase"}),
            entries=lambda sim, namespace: namespace_records(sim),
            key=lambda record: record.name,
            version=lambda record: record.resource_version,
            labels=lambda sim, record: {"kubernetes.io/metadata.name": record.name, **record.labels},
            field_values=lambda sim, record: {"metadata.name": record.name, "status.phase": "Active"},
            encode=lambda sim, record: kube_objects.encode_namespace(record),
        )
        event_fields = {
            "metadata.name": lambda r: r.name,
            "metadata.namespace": lambda r: r.namespace,
            "reason": lambda r: r.reason,
            "type": lambda r: r.type,
        }
        core_fields = {
            **event_fields,
            "involvedObject.kind": lambda r: r.regarding.kind,
            "involvedObject.name": lambda r: r.regarding.name,
            "involvedObject.namespace": lambda r: r.regarding.namespace,
            "involvedObject.uid": lambda r: r.regarding.uid,
            "involvedObject.apiVersion": lambda r: r.regarding.api_version,
            "involvedObject.fieldPath": lambda r: "",
            "involvedObject.resourceVersion": lambda r: "",
            "source": lambda r: r.component,
        }
        v1_fields = {
            **event_fields,
            "regarding.kind": lambda r: r.regarding.kind,
            "regarding.name": lambda r: r.regarding.name,
            "regarding.namespace": lambda r: r.regarding.namespace,
            "regarding.uid": lambda r: r.regarding.uid,
            "reportingController": lambda r: r.component,
        }
        self.events = Collection(
            resource="events",
            kind="Event",
            api_version="v1",
            table="events",
            fields=frozenset(core_fields),
            entries=self._events,
            key=lambda record: f"{record.namespace}/{record.name}",
            version=lambda record: record.resource_version,
            labels=lambda sim, record: {},
            field_values=lambda sim, record: {name: get(record) for name, get in core_fields.items()},
            encode=lambda sim, record: kube_objects.encode_core_event(record),
        )
        self.events_v1 = Collection(
            resource="events",
            kind="Event",
            api_version="events.k8s.io/v1",
            table="events",
            fields=frozenset(v1_fields),
            entries=self._events,
            key=lambda record: f"{record.namespace}/{record.name}",
            version=lambda record: record.resource_version,
            labels=lambda sim, record: {},
            field_values=lambda sim, record: {name: get(record) for name, get in v1_fields.items()},
            encode=lambda sim, record: kube_objects.encode_events_v1_event(record),
        )

        name_fields = ("metadata.name", "metadata.namespace")
        self.claims = Collection(
            resource="persistentvolumeclaims",
            kind="PersistentVolumeClaim",
            api_version="v1",
            table="persistentvolumeclaims",
            fields=frozenset(name_fields),
            entries=self._claims,
            key=lambda entry: f"{entry[0].namespace}/{entry[1].claim}",
            version=lambda entry: "1",  # claims are made once and never change in the simulator
            labels=lambda sim, entry: {},
            field_values=lambda sim, entry: {
                "metadata.name": entry[1].claim,
                "metadata.namespace": entry[0].namespace,
            },
            encode=lambda sim, entry: self._claim_json(sim, *entry),
        )
        self.volumes = Collection(
            resource="persistentvolumes",
            kind="PersistentVolume",
            api_version="v1",
            table="persistentvolumes",
            fields=frozenset({"metadata.name"}),
            entries=lambda sim, namespace: self._claims(sim, None),
            key=lambda entry: self._volume_name(entry[0].namespace, entry[1].claim),
            version=lambda entry: "1",
            labels=lambda sim, entry: {},
            field_values=lambda sim, entry: {
                "metadata.name": self._volume_name(entry[0].namespace, entry[1].claim)
            },
            encode=lambda sim, entry: self._volume_json(sim, *entry),
        )

    def router(self) -> Router:
        router = Router()
        router.add("GET", "/version", self.version)
        router.add("GET", "/version/", self.version)
        for path, handler in (
            ("/api", self.discover_core),
            ("/api/{version}", self.discover_core_version),
            ("/apis", self.discover_groups),
            ("/apis/{group}", self.discover_group),
            ("/apis/{group}/{version}", self.discover_group_version),
        ):
            router.add("GET", path, self._authed(handler))
        collections = (
            ("/api/v1/nodes", self.nodes, False),
            ("/api/v1/namespaces", self.namespaces, False),
            ("/api/v1/pods", self.pods, False),
            ("/api/v1/namespaces/{namespace}/pods", self.pods, True),
            ("/api/v1/events", self.events, False),
            ("/api/v1/namespaces/{namespace}/events", self.events, True),
            ("/apis/events.k8s.io/v1/events", self.events_v1, False),
            ("/apis/events.k8s.io/v1/namespaces/{namespace}/events", self.events_v1, True),
            ("/api/v1/persistentvolumeclaims", self.claims, False),
            ("/api/v1/namespaces/{namespace}/persistentvolumeclaims", self.claims, True),
            ("/api/v1/persistentvolumes", self.volumes, False),
        )
        for path, collection, _ in collections:
            router.add("GET", path, self._authed(functools.partial(self.lists.answer_list, collection)))
            router.add("GET", path + "/{name}", self._authed(functools.partial(self.lists.read, collection)))
        router.add("PATCH", "/api/v1/nodes/{name}", self._authed(self.patch_node))
        router.add("GET", "/api/v1/namespaces/{namespace}/pods/{name}/log", self._authed(self.pod_log))
        router.add("POST", "/api/v1/namespaces/{namespace}/pods/{name}/eviction", self._authed(self.evict))
        router.add(
            "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", self._authed(access_review)
        )
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

    # -- version and discovery ----------------------------------------------------------------
    def version(self, request: Request) -> Response:
        return Response.json(200, VERSION_INFO)

    def discover_core(self, request: Request, identity: Identity) -> Response:
        return Response.json(200, kube_discovery.api_versions())

    def discover_core_version(self, request: Request, identity: Identity) -> Response:
        return self._discovered(kube_discovery.api_resource_list(request.path_params["version"]), request)

    def discover_groups(self, request: Request, identity: Identity) -> Response:
        return Response.json(200, kube_discovery.api_group_list())

    def discover_group(self, request: Request, identity: Identity) -> Response:
        return self._discovered(kube_discovery.api_group(request.path_params["group"]), request)

    def discover_group_version(self, request: Request, identity: Identity) -> Response:
        group, version = request.path_params["group"], request.path_params["version"]
        return self._discovered(kube_discovery.api_resource_list(f"{group}/{version}"), request)

    @staticmethod
    def _discovered(document: dict[str, Any] | None, request: Request) -> Response:
        if document is None:
            raise HttpError(404, f"the server could not find the requested resource ({request.path})")
        return Response.json(200, document)

    def _events(self, sim: Simulator, namespace: str | None) -> list[kube_objects.EventRecord]:
        """The workloads' events, and (in `default`, as the kubelet files them) the nodes'."""
        records = event_records(sim, namespace)
        if namespace in (None, "default"):
            records.extend(node_event_records(sim))
        return records

    # -- nodes --------------------------------------------------------------------------------
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
            raise _invalid(
                name,
                unknown[0],
                "Forbidden: the simulator patches only spec.unschedulable and spec.taints, "
                f"not {', '.join(unknown)}",
                "FieldValueForbidden",
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
                        raise _invalid(
                            name,
                            "spec.unschedulable",
                            "Invalid value: must be a boolean",
                            "FieldValueInvalid",
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
            raise _invalid(name, "spec.taints", "Invalid value: must be a list", "FieldValueInvalid")
        wanted: list[Taint] = []
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or not item.get("key") or not item.get("effect"):
                raise _invalid(
                    name,
                    f"spec.taints[{index}]",
                    "Required value: a taint needs a key and an effect",
                    "FieldValueRequired",
                )
            if item["effect"] not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
                raise _invalid(
                    name,
                    f"spec.taints[{index}].effect",
                    f'Unsupported value: "{str(item["effect"])[:60]}": supported values: '
                    '"NoSchedule", "PreferNoSchedule", "NoExecute"',
                    "FieldValueNotSupported",
                )
            wanted.append(Taint(str(item["key"]), str(item.get("value") or ""), str(item["effect"])))
        others_now = [taint for taint in node.taints if taint != DRAIN_TAINT]
        others_wanted = [taint for taint in wanted if taint != DRAIN_TAINT]
        if others_now != others_wanted:
            raise _invalid(
                name,
                "spec.taints",
                "Forbidden: the simulator models only the runai=drain:NoExecute taint; other taints cannot "
                "be added, changed or removed",
                "FieldValueForbidden",
            )
        if DRAIN_TAINT in wanted:
            return True
        return False if DRAIN_TAINT in node.taints else None

    def _node(self, sim: Simulator, name: str) -> NodeState:
        node = sim.runai.state.nodes.get(name)
        if node is None:
            raise self._not_found("nodes", name)
        return node

    _node_version = staticmethod(node_version)
    _node_labels = staticmethod(node_labels)

    @staticmethod
    def _node_json(sim: Simulator, node: NodeState) -> dict[str, Any]:
        return node_object(sim, node)

    # -- pods ---------------------------------------------------------------------------------
    _POD_FIELDS = frozenset(
        {"metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "spec.schedulerName"}
    )

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

        node = sim.runai.state.nodes.get(pod.node_name) if pod.node_name else None
        record = kube_objects.PodRecord(
            name=pod.name,
            namespace=project.namespace,
            uid=pod_uid(workload, pod),
            resource_version=str(1000 + workload.version),
            created_at=pod.created_at,
            labels=self._pod_labels(project, workload),
            annotations=annotations,
            owner=kube_objects.ObjectRef(
                WORKLOAD_KINDS[workload.type],
                workload.name,
                project.namespace,
                workload.id,
                "run.ai/v2alpha1",
            ),
            phase=self._wire_phase(pod, phase),
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
            deleting_since=workload.phase_updated_at if workload.phase in _GOING_AWAY else None,
            pending_message=workload.phase_message or "",
            volumes=tuple(
                PodVolume(v.claim, v.mount_path, v.read_only) for v in volumes_of(workload, project.name)
            ),
        )
        return kube_objects.encode_pod(record)

    # -- logs ---------------------------------------------------------------------------------
    def pod_log(self, request: Request, identity: Identity) -> Response:
        """The pod's log as text, or a chunked follow stream; `previous=true` reads the container that ran
        before the last restart (400 when there was none, as the kubelet answers)."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        container = request.param("container")
        previous = truthy(request.param("previous"))
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
        if previous or not truthy(request.param("follow")):  # a previous container writes no more
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
        return f"pvc-{uid('claim', f'{namespace}/{claim}')}"

    def _claim_json(self, sim: Simulator, project: ProjectState, volume: SimVolume) -> dict[str, Any]:
        namespace = project.namespace
        return kube_storage.claim_json(
            namespace,
            volume.claim,
            self._volume_name(namespace, volume.claim),
            uid("claim-object", f"{namespace}/{volume.claim}"),
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
            uid("volume", name),
            sim.clock.start,
            self.CLAIM_CAPACITY,
        )

    # -- eviction -----------------------------------------------------------------------------
    def evict(self, request: Request, identity: Identity) -> Response:
        """policy/v1 Eviction: 201 when the pod goes (or had nothing to give back), 429 when refused."""
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        body = request_object(request, "Eviction")
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
                sim.runai.life.evict_for_drain(workload, node)
                sim.settle()
        return Response.json(201, kube_objects.status(201, ""))
