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
    GET   /api/v1[/namespaces/{ns}]/persistentvolumeclaims[/{name}], /api/v1/persistentvolumes[/{name}]
    POST  /api/v1/namespaces/{ns}/persistentvolumeclaims, /api/v1/persistentvolumes   201, or a 409
                                                       AlreadyExists / 403 / 422 Invalid Status (admins)
    DELETE /api/v1/persistentvolumes/{name}            a volume no claim has taken
    POST  /apis/authorization.k8s.io/v1/selfsubjectaccessreviews    `kubectl auth can-i`
                                                       (console/sim/http/kube_access.py)
    GET   /version, /version/                          VersionInfo (no token needed, as on real servers)

The JSON of every object is written by console/wire/kube_objects.py from plain records. This module holds
the collections and the route table; the handlers are beside it: kube_node_patch.py (PATCH of a node),
kube_pods.py (pods and eviction), kube_logs.py (pod logs), kube_claims.py (claims and volumes),
kube_records.py (namespaces, events), kube_errors.py (Status bodies); claims and static volumes are also
made here (POST, and DELETE of a volume no claim took). Every one reads the simulator
through `RunaiSim`'s queries and read API (`node_records`, `workload_records`, `project_of`, ...), never its
mutable state.
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
from collections.abc import Callable, Mapping
from typing import Any

from console.model.identity import Identity
from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.http.kube_access import access_review
from console.sim.http.kube_claims import ClaimWrites, claim_json, claims, volume_json, volumes
from console.sim.http.kube_errors import kube_status_body
from console.sim.http.kube_lists import Collection, CollectionServer
from console.sim.http.kube_logs import PodLogs
from console.sim.http.kube_node_patch import NodePatches
from console.sim.http.kube_pods import Pods
from console.sim.http.kube_records import event_records, namespace_records, node_event_records
from console.sim.kube_nodes import node_labels, node_object, node_version
from console.sim.simulator import Simulator
from console.wire import kube_discovery, kube_objects

__all__ = ["VERSION_INFO", "build_kube_router", "kube_server", "kube_status_body"]


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


class _KubeFace:
    """Handlers over one `SimulatorHost`; every request runs under the host's lock (`host.session()`)."""

    def __init__(self, host: SimulatorHost, tokens: Mapping[str, Identity]) -> None:
        self.host = host
        self.tokens = dict(tokens)
        self.lists = CollectionServer(host)
        self.node_patches = NodePatches(host)
        pods = self.pod_set = Pods(host)
        self.logs = PodLogs(host, pods)
        self.nodes = Collection(
            resource="nodes",
            kind="Node",
            api_version="v1",
            table="nodes",
            fields=frozenset({"metadata.name", "spec.unschedulable"}),
            entries=lambda sim, namespace: sim.runai.node_records(),
            key=lambda node: node.name,
            version=node_version,
            labels=node_labels,
            field_values=lambda sim, node: {
                "metadata.name": node.name,
                "spec.unschedulable": str(node.unschedulable).lower(),
            },
            encode=node_object,
        )
        self.pods = Collection(
            resource="pods",
            kind="Pod",
            api_version="v1",
            table="pods",
            fields=Pods.FIELDS,
            entries=pods.entries,
            key=lambda entry: f"{entry[0].namespace}/{entry[2].name}",
            version=lambda entry: f"{1000 + entry[1].version}",
            labels=lambda sim, entry: pods.labels(entry[0], entry[1]),
            field_values=lambda sim, entry: {
                "metadata.name": entry[2].name,
                "metadata.namespace": entry[0].namespace,
                "spec.nodeName": entry[2].node_name or "",
                "spec.schedulerName": "runai-scheduler",
                "status.phase": pods.wire_phase(entry[2], entry[3]),
            },
            encode=lambda sim, entry: pods.pod_json(sim, *entry),
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
        self.events = self._event_collection("v1", core_fields, kube_objects.encode_core_event)
        self.events_v1 = self._event_collection(
            "events.k8s.io/v1", v1_fields, kube_objects.encode_events_v1_event
        )

        name_fields = ("metadata.name", "metadata.namespace")
        self.claim_writes = ClaimWrites(host)
        self.claims = Collection(
            resource="persistentvolumeclaims",
            kind="PersistentVolumeClaim",
            api_version="v1",
            table="persistentvolumeclaims",
            fields=frozenset(name_fields),
            entries=claims,
            key=lambda entry: f"{entry.namespace}/{entry.claim}",
            version=lambda entry: "1",  # claims never change once made in the simulator
            labels=lambda sim, entry: {},
            field_values=lambda sim, entry: {
                "metadata.name": entry.claim,
                "metadata.namespace": entry.namespace,
            },
            encode=claim_json,
        )
        self.volumes = Collection(
            resource="persistentvolumes",
            kind="PersistentVolume",
            api_version="v1",
            table="persistentvolumes",
            fields=frozenset({"metadata.name"}),
            entries=lambda sim, namespace: volumes(sim),
            key=lambda entry: entry.volume,
            version=lambda entry: "2" if entry.claim_bound else "1",  # Available, then Bound
            labels=lambda sim, entry: {},
            field_values=lambda sim, entry: {"metadata.name": entry.volume},
            encode=volume_json,
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
        router.add("PATCH", "/api/v1/nodes/{name}", self._authed(self.node_patches.patch))
        router.add("POST", "/api/v1/persistentvolumes", self._authed(self.claim_writes.create_volume))
        router.add(
            "DELETE", "/api/v1/persistentvolumes/{name}", self._authed(self.claim_writes.delete_volume)
        )
        router.add(
            "POST",
            "/api/v1/namespaces/{namespace}/persistentvolumeclaims",
            self._authed(self.claim_writes.create_claim),
        )
        router.add("GET", "/api/v1/namespaces/{namespace}/pods/{name}/log", self._authed(self.logs.pod_log))
        router.add(
            "POST", "/api/v1/namespaces/{namespace}/pods/{name}/eviction", self._authed(self.pod_set.evict)
        )
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

    def _event_collection(
        self,
        api_version: str,
        fields: Mapping[str, Callable[[kube_objects.EventRecord], str]],
        encode: Callable[[kube_objects.EventRecord], dict[str, Any]],
    ) -> Collection:
        """The events of one API group (core/v1 or events.k8s.io/v1): the same records, other field names."""
        return Collection(
            resource="events",
            kind="Event",
            api_version=api_version,
            table="events",
            fields=frozenset(fields),
            entries=self._events,
            key=lambda record: f"{record.namespace}/{record.name}",
            version=lambda record: record.resource_version,
            labels=lambda sim, record: {},
            field_values=lambda sim, record: {name: get(record) for name, get in fields.items()},
            encode=lambda sim, record: encode(record),
        )

    @staticmethod
    def _events(sim: Simulator, namespace: str | None) -> list[kube_objects.EventRecord]:
        """The workloads' events, and (in `default`, as the kubelet files them) the nodes'."""
        records = event_records(sim, namespace)
        if namespace in (None, "default"):
            records.extend(node_event_records(sim))
        return records
