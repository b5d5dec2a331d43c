"""`KubeClient`: the Kubernetes half of the live backend (nodes, GPUs from pods, logs, cordon, drain, evict).

Why it looks the way it does (reference/kubernetes.md):

* One isolated `ApiClient` per kubeconfig context, from `kubernetes.config.new_client_from_config(...)`
  with our own `Configuration`: never `load_config()` (it prints to stdout on fallback, which corrupts the
  TUI) and never the process-global default configuration (§1).
* urllib3's retries are off (`Configuration.retries = False`, §9): one attempt per call, a raw
  `ReadTimeoutError` on timeout; retrying with backoff is the Store's job. Every call passes
  `_request_timeout`.
* The `kubernetes` client is synchronous: each call runs in a thread (`asyncio.to_thread`), so the event
  loop never blocks.
* Every body is read raw (`_preload_content=False`) and parsed with `json.loads` into slim rows
  (`console.wire.kube`), never into the client's pydantic models: ~8x faster on big lists (§10), and a
  bad field is a `BadResponse` naming it instead of a `pydantic_core.ValidationError`. Lists are paged
  (`limit`/`continue`).
* Errors leave as `console.data.errors` with `service="kubernetes"`: an `ApiException` goes through the
  shared HTTP mapping (so a 403 means the same as from Run:ai or WEKA, with the Status `message`), urllib3
  timeouts become `Timeout`, refused/dropped connections `Unavailable`, unreadable bodies `BadResponse`
  (`kube_answers`, which also reads every body bounded). Logs are read and followed by `kube_logs`.

What the Kubernetes API cannot say (left None/empty, never invented): per-GPU utilisation, temperature,
power and used memory (DCGM/NVML territory), and GPU UUIDs. See `console.wire.kube` for the label and
annotation names rwc reads, several of which are unsure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import urllib3
import yaml
from kubernetes import client as k8s_client
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from console.backends.live.kube_answers import map_kube_error, read_json
from console.backends.live.kube_claims import create_static_claim
from console.backends.live.kube_logs import LOG_FOLLOW_IDLE_SECONDS, LOG_LIMIT_BYTES, follow_log, read_log
from console.config import ConfigError, Profile
from console.data.errors import (
    BackendError,
    BadResponse,
    Conflict,
    NotFound,
    Timeout,
)
from console.model.events import Event
from console.model.runai import GpuDevice, Node, NodePod, NodePool, Pod
from console.model.storage import ClaimSpec, DataMount, VolumeSpec
from console.wire import kube as wire
from console.wire import kube_storage as storage
from console.wire.kube_events import parse_kube_events

SERVICE = wire.SERVICE

RequestTimeout = float | tuple[float, float]
DEFAULT_REQUEST_TIMEOUT: RequestTimeout = (5.0, 30.0)
"""(connect, read) seconds for every call; a read of 30 s leaves room for a 20,000-pod list."""
LIST_PAGE_SIZE = 500
"""Items per list request (`limit`); big clusters come back in pages instead of one huge body."""
MAX_LIST_PAGES = 400
"""Pages of one list (200,000 items at 500 a page, 10x the largest cluster rwc is sized for): a server
whose `continue` never ends stops here with an error instead of being asked 1,000 times a second."""
MAX_LIST_SECONDS = 120.0
"""Total time for one paged list, all pages together (the per-request timeout bounds each page)."""
MAX_NODE_EVENTS = 500
"""One page of node events at most: a timeline shows the newest, not the cluster's whole history."""
CONFLICT_ATTEMPTS = 3
"""Taint patches carry the node's resourceVersion; on 409 (the node changed meanwhile) read and try again."""

T = TypeVar("T")


class KubeClient:
    """The Kubernetes API of one kubeconfig context, as async methods returning domain objects."""

    def __init__(
        self,
        kubeconfig: str | Path | None = None,
        context: str | None = None,
        *,
        request_timeout: RequestTimeout = DEFAULT_REQUEST_TIMEOUT,
        ca_bundle: str | Path | None = None,
        insecure: bool = False,
        node_pool_label_key: str = wire.DEFAULT_NODE_POOL_LABEL,
        node_pool_labels: Mapping[tuple[str, str], str] | None = None,
        page_size: int = LIST_PAGE_SIZE,
        follow_idle_seconds: float = LOG_FOLLOW_IDLE_SECONDS,
    ) -> None:
        """Build the client now (reads the kubeconfig, runs an exec plugin if the context has one).

        `kubeconfig` None means the client's default (`$KUBECONFIG` as read at import, else ~/.kube/config);
        `context` None means the file's current context. `ca_bundle` and `insecure` override the kubeconfig's
        TLS settings (the profile's `ca_bundle` / `--insecure`). A kubeconfig that cannot be used raises
        `ConfigError` naming the file and context.
        """
        self._timeout = request_timeout
        self._page_size = page_size
        self._follow_idle = follow_idle_seconds
        self._pool_label_key = node_pool_label_key
        self._resolve_pool = wire.pool_resolver(node_pool_labels, node_pool_label_key)
        self.context = context
        configuration = k8s_client.Configuration()
        configuration.retries = False  # one attempt: urllib3's default retries 3 more times (reference §9)
        configuration.keep_alive = True  # client-go's TCP keepalive: idle follow streams survive proxies
        where = f"kubeconfig {kubeconfig or '(default)'}" + (f", context {context!r}" if context else "")
        try:
            api_client = k8s_config.new_client_from_config(
                config_file=str(kubeconfig) if kubeconfig is not None else None,
                context=context,
                persist_config=False,  # never write refreshed credentials back into the user's file
                client_configuration=configuration,
            )
        except (ConfigException, yaml.YAMLError, ValueError, TypeError) as error:
            raise ConfigError(f"{where}: {_first_line(error)}") from None
        except OSError as error:
            raise ConfigError(f"{where}: {error.strerror or type(error).__name__}") from None
        if ca_bundle is not None or insecure:
            # The kubeconfig's TLS settings were applied while loading; the profile's win. The pool manager
            # reads them when it is built, so rebuild it.
            if ca_bundle is not None:
                api_client.configuration.ssl_ca_cert = str(ca_bundle)
            if insecure:
                api_client.configuration.verify_ssl = False
            api_client.rest_client = k8s_client.rest.RESTClientObject(api_client.configuration)
        if not api_client.configuration.verify_ssl:
            # Verification off was asked for explicitly (--insecure, or the kubeconfig's
            # insecure-skip-tls-verify) and the header shows it; urllib3's per-request warning would be
            # printed on stderr, across the TUI.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self._api_client = api_client
        self._core = k8s_client.CoreV1Api(api_client)
        self._version = k8s_client.VersionApi(api_client)

    @classmethod
    def from_profile(cls, profile: Profile, **options: Any) -> KubeClient:
        """The client for a live profile: its kubeconfig and context, its CA bundle and `insecure`."""
        return cls(
            profile.kubeconfig,
            profile.kube_context,
            ca_bundle=profile.ca_bundle,
            insecure=profile.insecure,
            **options,
        )

    def set_node_pools(self, pools: Iterable[NodePool]) -> None:
        """Use Run:ai's node pools (their exact labelKey=labelValue) to name each node's pool."""
        labels = {(pool.label_key, pool.label_value): pool.name for pool in pools if pool.label_key}
        self._resolve_pool = wire.pool_resolver(labels, self._pool_label_key)

    # ==========================================================================================
    # queries
    # ==========================================================================================
    async def version(self) -> str:
        """The server's `gitVersion` (e.g. "v1.30.4"); a cheap reachability and credentials check."""

        def fetch() -> str:
            body = read_json(self._version.get_code(_preload_content=False, _request_timeout=self._timeout))
            if not isinstance(body, dict) or not isinstance(body.get("gitVersion"), str):
                raise BadResponse("The version answer has no gitVersion.", service=SERVICE)
            return body["gitVersion"]

        return await self._call(fetch)

    async def nodes(self, *, every_node_summed: bool = True) -> list[Node]:
        """Every node, with CPU, memory and GPUs allocated summed from the pods that hold resources there.

        With `every_node_summed=False` (a caller that has Run:ai's CPU and memory telemetry) only the nodes
        whose GPUs are shared (time-slicing, MIG) are summed, whose allocation only the pods tell in
        physical GPUs; the others' sums are left at 0, and a cluster with no such node costs no pod list
        at all (at 5,000 nodes that list was 11 pages every 2 s)."""

        def fetch() -> list[Node]:
            rows = self._node_rows()
            summed = rows if every_node_summed else [row for row in rows if row.gpu_sharing is not None]
            by_node = _pods_by_node(self._active_pods()) if summed else {}
            return [wire.node_view(row, by_node.get(row.name, ())) for row in rows]

        return await self._call(fetch)

    async def node(self, name: str) -> Node:
        """One node (NotFound if there is none)."""
        return await self._call(self._node_view, name)

    async def gpus(self, node_name: str | None = None) -> list[GpuDevice]:
        """Every GPU (or one node's) with its allocations from pods' Run:ai annotations; readings are None."""

        def fetch() -> list[GpuDevice]:
            if node_name is not None:
                rows = [self._node_row(node_name)]
                pods = self._active_pods(node_name)
            else:
                rows = self._node_rows()
                pods = self._active_pods()
            by_node = _pods_by_node(pods)
            return [
                gpu for row in rows if row.gpu_count for gpu in wire.gpu_views(row, by_node.get(row.name, ()))
            ]

        return await self._call(fetch)

    async def node_pods(self, node_name: str) -> list[NodePod]:
        """The pods bound to one node and not finished, Run:ai's and every other (DaemonSets, system
        pods): one list narrowed by the server (`spec.nodeName`), never the cluster's; the node itself is
        read only when a pod there holds GPUs (its replicas and MIG profile say how much each holds)."""

        def fetch() -> list[NodePod]:
            pods = self._active_pods(node_name)
            holds_gpus = any(pod.whole_gpus or pod.mig_slices or pod.gpu_memory_mib for pod in pods)
            row = self._node_row(node_name) if holds_gpus else None
            return [wire.node_pod_view(pod, row) for pod in pods]

        return await self._call(fetch)

    async def pods_of_workload(self, workload_id: str, namespace: str | None = None) -> list[Pod]:
        """The pods of one Run:ai workload (by its `run.ai/top-owner-uid` label), in the server's order."""

        def fetch() -> list[Pod]:
            selector = f"{wire.LABEL_WORKLOAD_ID}={workload_id}"
            rows = self._pod_rows(namespace=namespace, label_selector=selector)
            # A GPU-memory request's fraction depends on the node's GPU memory: read those nodes only.
            memory_nodes = {pod.node_name for pod in rows if pod.gpu_memory_mib is not None and pod.node_name}
            gpu_memory = {name: self._node_row(name).gpu_memory_mib for name in sorted(memory_nodes)}
            return [wire.pod_view(pod, gpu_memory.get(pod.node_name or "")) for pod in rows]

        return await self._call(fetch)

    async def node_events(self, node: str | None, limit: int) -> list[Event]:
        """What the kubelets and the node controller reported about nodes (cordons, NotReady, ...), or about
        one node: one page of `GET /api/v1/events?fieldSelector=involvedObject.kind=Node`, newest first.
        Run:ai's workload events already carry the pods' own, so only the nodes' are read here."""

        def fetch() -> list[Event]:
            selector = "involvedObject.kind=Node" + (f",involvedObject.name={node}" if node else "")
            page = self._core.list_event_for_all_namespaces(
                field_selector=selector,
                limit=max(1, min(limit, MAX_NODE_EVENTS)),
                _preload_content=False,
                _request_timeout=self._timeout,
            )
            return parse_kube_events(read_json(page))

        return await self._call(fetch)

    async def node_object(self, name: str) -> dict[str, object]:
        """`GET /api/v1/nodes/{name}` as the server sent it (bounded like every answer)."""

        def fetch() -> dict[str, object]:
            raw = read_json(
                self._core.read_node(name, _preload_content=False, _request_timeout=self._timeout)
            )
            if not isinstance(raw, dict):
                raise BadResponse(f"The node {name} is not an object.", service=SERVICE)
            return raw

        return await self._call(fetch)

    async def data_mounts(
        self, namespace: str | None = None, workload_id: str | None = None, *, finished_too: bool = False
    ) -> list[tuple[str, str, str, DataMount]]:
        """(workload id, workload name, project, mount) for each claim the Run:ai workloads' pods mount (in
        one namespace, of one workload, or everywhere), followed pod -> claim -> volume -> csi-wekafs
        handle. Pods of one workload mount the same claims, so each (workload, claim, path) comes once.
        Finished pods (Succeeded, Failed) hold no mount any more and are left out unless `finished_too`
        (a finished workload's detail still says what it read and wrote).

        Three lists, whatever the number of workloads: the pods, the claims (of the namespace, or all)
        and the PersistentVolumes. Volumes are cluster-scoped; a user who may not list them (a researcher,
        often) still sees each claim and why its WEKA object is not shown."""

        def fetch() -> list[tuple[str, str, str, DataMount]]:
            selector = f"{wire.LABEL_WORKLOAD_ID}={workload_id}" if workload_id else wire.LABEL_WORKLOAD_ID
            if namespace is None:
                pods = self._paged(self._core.list_pod_for_all_namespaces, "Pod", label_selector=selector)
                claim_items = self._paged(
                    self._core.list_persistent_volume_claim_for_all_namespaces, "PersistentVolumeClaim"
                )
            else:
                pods = self._paged(
                    self._core.list_namespaced_pod, "Pod", namespace=namespace, label_selector=selector
                )
                claim_items = self._paged(
                    self._core.list_namespaced_persistent_volume_claim,
                    "PersistentVolumeClaim",
                    namespace=namespace,
                )
            claims = storage.parse_claims(claim_items)
            volumes, hidden = self._volumes_or_why()
            found: dict[tuple[str, str, str], tuple[str, str, str, DataMount]] = {}
            for pod in pods:
                if not finished_too and _pod_phase(pod) in wire.TERMINAL_POD_PHASES:  # volumes let go
                    continue
                labels = _labels_of(pod)
                owner = labels.get(wire.LABEL_WORKLOAD_ID)
                pod_namespace = _namespace_of(pod)
                if not owner or not pod_namespace:
                    continue
                name = labels.get(wire.LABEL_WORKLOAD_NAME, owner)
                project = labels.get(wire.LABEL_PROJECT, pod_namespace)
                for volume in storage.pod_volumes(pod):
                    mount = storage.resolve(volume, pod_namespace, claims, volumes, volumes_hidden=hidden)
                    found.setdefault((owner, volume.claim, volume.mount_path), (owner, name, project, mount))
            return list(found.values())

        return await self._call(fetch)

    def _volumes_or_why(self) -> tuple[dict[str, storage.VolumeRow] | None, str]:
        """Every PersistentVolume (in a worker thread), or None and why when this user may not list them (a
        researcher, often): volumes are cluster-scoped, and each claim then says so."""
        try:
            return storage.parse_volumes(
                self._paged(self._core.list_persistent_volume, "PersistentVolume")
            ), ""
        except ApiException as error:
            if error.status != 403:
                raise
            return None, "its volume is not visible to you (PersistentVolumes are cluster-scoped)"

    async def claim_mounts(self, namespace: str, volumes: Sequence[VolumeSpec]) -> list[DataMount]:
        """`volumes` (claims in `namespace`, as a workload's spec names them) followed claim -> volume ->
        csi-wekafs handle, as `data_mounts` follows a pod's: for a workload that has no pods to follow."""

        def fetch() -> list[DataMount]:
            claims = storage.parse_claims(
                self._paged(
                    self._core.list_namespaced_persistent_volume_claim,
                    "PersistentVolumeClaim",
                    namespace=namespace,
                )
            )
            found_volumes, hidden = self._volumes_or_why()
            return [
                storage.resolve(
                    storage.PodVolume(v.claim, v.mount_path, v.read_only),
                    namespace,
                    claims,
                    found_volumes,
                    volumes_hidden=hidden,
                )
                for v in volumes
            ]

        return await self._call(fetch)

    async def workload_logs(
        self,
        namespace: str,
        pod: str,
        *,
        follow: bool = False,
        tail_lines: int | None = 500,
        container: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        """A pod's log lines (the last `tail_lines`; all, up to LOG_LIMIT_BYTES, when None or 0).

        With `follow` it keeps yielding lines as the container writes them, until the stream ends (the
        container stopped) or the consumer closes the iterator. The stream is read in a thread and handed
        over through a bounded queue; closing the iterator shuts the socket, which ends the thread.
        """
        arguments: dict[str, Any] = {"container": container} if container else {}
        if previous:
            arguments["previous"] = True  # the container that ran before the last restart
        if tail_lines:
            arguments["tail_lines"] = tail_lines
        else:
            arguments["limit_bytes"] = LOG_LIMIT_BYTES
        if not follow:
            text = await self._call(read_log, self._core, namespace, pod, arguments, self._timeout)
            for line in text.splitlines():
                yield line
            return
        async for line in follow_log(self._core, namespace, pod, arguments, self._timeout, self._follow_idle):
            yield line

    # ==========================================================================================
    # actions
    # ==========================================================================================
    async def cordon_node(self, name: str) -> Node:
        """`spec.unschedulable: true`: no new pods; what runs stays."""
        return await self._call(self._patch_and_view, name, {"spec": {"unschedulable": True}})

    async def uncordon_node(self, name: str) -> Node:
        """`spec.unschedulable: null` removes the field, which is what kubectl's computed patch amounts to."""
        return await self._call(self._patch_and_view, name, {"spec": {"unschedulable": None}})

    async def drain_node(self, name: str) -> Node:
        """Add Run:ai's maintenance taint `runai=drain:NoExecute` (preemptible work moves off, nothing new
        lands). `spec.taints` has no merge key, so the whole list is sent, guarded by the resourceVersion."""
        return await self._call(self._edit_taints, name, wire.taints_with_drain)

    async def undrain_node(self, name: str) -> Node:
        """Remove the maintenance taint, keeping every other taint."""
        return await self._call(self._edit_taints, name, wire.taints_without_drain)

    async def evict_pod(self, namespace: str, pod: str, *, grace_period_seconds: int | None = None) -> None:
        """Evict one pod through the Eviction API (policy/v1), which honours PodDisruptionBudgets.

        A budget refusal is HTTP 429: it raises `RateLimited` with the server's message ("Cannot evict pod as
        it would violate the pod's disruption budget." plus the budget's own words); callers draining by
        eviction retry it later, as `kubectl drain` does every 5 s. A pod that is already gone (404) counts
        as evicted.
        """

        def evict() -> None:
            body: dict[str, Any] = {
                "apiVersion": "policy/v1",
                "kind": "Eviction",
                "metadata": {"name": pod, "namespace": namespace},
            }
            if grace_period_seconds is not None:
                body["deleteOptions"] = {"gracePeriodSeconds": grace_period_seconds}
            response = self._core.create_namespaced_pod_eviction(
                pod,
                namespace,
                body,  # type: ignore[arg-type]  # a dict body is sent as JSON as it is (reference §3)
                _preload_content=False,
                _request_timeout=self._timeout,
            )
            read_json(response)

        try:
            await self._call(evict)
        except NotFound:
            return None

    async def create_filesystem_claim(self, namespace: str, spec: ClaimSpec) -> None:
        """A static csi-wekafs volume and a claim bound to it in `namespace` (`kube_claims`)."""
        await self._call(create_static_claim, self._core, self._timeout, namespace, spec)

    async def aclose(self) -> None:
        """Close the connection pool (idempotent)."""
        await asyncio.to_thread(self._api_client.close)

    def close_now(self) -> None:
        """Close the connection pool from code that has no event loop to await on (a failed start)."""
        self._api_client.close()

    # ==========================================================================================
    # blocking helpers (run in a worker thread)
    # ==========================================================================================
    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` in a thread; whatever it raises leaves as a `console.data` error."""
        try:
            return await asyncio.to_thread(function, *args)
        except BackendError:
            raise
        except Exception as error:  # every failure becomes a typed error: the screens show str(error)
            raise map_kube_error(error) from None

    def _paged(self, list_call: Callable[..., Any], kind: str, **arguments: Any) -> list[Any]:
        """Every page of a list, bounded: a `continue` token seen twice, more than `MAX_LIST_PAGES`
        pages or more than `MAX_LIST_SECONDS` in all end in a `BadResponse`/`Timeout` that says so."""
        items: list[Any] = []
        token: str | None = None
        seen_tokens: set[str] = set()
        deadline = time.monotonic() + MAX_LIST_SECONDS
        for _page_number in range(MAX_LIST_PAGES):
            if time.monotonic() > deadline:
                raise Timeout(
                    f"Listing {kind}s took over {MAX_LIST_SECONDS:.0f}s across pages; stopped.",
                    service=SERVICE,
                )
            page = list_call(
                limit=self._page_size,
                _continue=token,
                _preload_content=False,
                _request_timeout=self._timeout,
                **arguments,
            )
            found, token = wire.list_items(read_json(page), kind)
            items.extend(found)
            if not token:
                return items
            if token in seen_tokens:
                raise BadResponse(
                    f"The Kubernetes API repeated a paging token while listing {kind}s; stopped after "
                    f"{len(seen_tokens) + 1} pages.",
                    service=SERVICE,
                )
            seen_tokens.add(token)
        raise BadResponse(
            f"The Kubernetes API's list of {kind}s did not end after {MAX_LIST_PAGES} pages; stopped.",
            service=SERVICE,
        )

    def _node_rows(self) -> list[wire.NodeRow]:
        return wire.parse_nodes(self._paged(self._core.list_node, "Node"), self._resolve_pool)

    def _node_row(self, name: str) -> wire.NodeRow:
        raw = read_json(self._core.read_node(name, _preload_content=False, _request_timeout=self._timeout))
        if not isinstance(raw, dict):
            raise BadResponse(f"The node {name} is not an object.", service=SERVICE)
        return wire.parse_node(raw, self._resolve_pool)

    def _pod_rows(
        self,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[wire.PodRow]:
        arguments = {"label_selector": label_selector, "field_selector": field_selector}
        arguments = {key: value for key, value in arguments.items() if value}
        if namespace is None:
            items = self._paged(self._core.list_pod_for_all_namespaces, "Pod", **arguments)
        else:
            items = self._paged(self._core.list_namespaced_pod, "Pod", namespace=namespace, **arguments)
        return wire.parse_pods(items)

    def _active_pods(self, node_name: str | None = None) -> list[wire.PodRow]:
        """Pods that are not finished (on one node, if given): what holds CPU, memory and GPUs."""
        selector = wire.ACTIVE_PODS_FIELD_SELECTOR
        if node_name is not None:
            selector = f"spec.nodeName={node_name},{selector}"
        return self._pod_rows(field_selector=selector)

    def _node_view(self, name: str) -> Node:
        row = self._node_row(name)
        return wire.node_view(row, self._active_pods(name))

    def _patch_and_view(self, name: str, patch: dict[str, Any]) -> Node:
        # A dict body goes as application/strategic-merge-patch+json in every client version (reference §3).
        response = self._core.patch_node(name, patch, _preload_content=False, _request_timeout=self._timeout)
        raw = read_json(response)
        if not isinstance(raw, dict):
            raise BadResponse(f"The patched node {name} is not an object.", service=SERVICE)
        row = wire.parse_node(raw, self._resolve_pool)
        return wire.node_view(row, self._active_pods(name))

    def _edit_taints(
        self, name: str, edit: Callable[[tuple[dict[str, Any], ...]], list[dict[str, Any]]]
    ) -> Node:
        """Read the node, edit its taint list, send the whole list with the resourceVersion; on 409 again.

        The patch goes even when the list is already as wanted: a drain is re-asserted (the same request
        twice has the same effect as once), and the answer is the node as the server now has it.
        """
        for attempt in range(CONFLICT_ATTEMPTS):
            row = self._node_row(name)
            patch: dict[str, Any] = {"spec": {"taints": edit(row.raw_taints)}}
            if row.resource_version:
                patch["metadata"] = {"resourceVersion": row.resource_version}
            try:
                return self._patch_and_view(name, patch)
            except ApiException as error:
                if error.status != 409 or attempt == CONFLICT_ATTEMPTS - 1:
                    raise
        raise Conflict(service=SERVICE)  # pragma: no cover - the loop returns or raises


# ==============================================================================================
# small helpers
# ==============================================================================================
def _labels_of(item: Any) -> dict[str, str]:
    labels = item.get("metadata", {}).get("labels") if isinstance(item, dict) else None
    if not isinstance(labels, dict):
        return {}
    return {key: value for key, value in labels.items() if isinstance(key, str) and isinstance(value, str)}


def _pod_phase(item: Any) -> str | None:
    status = item.get("status") if isinstance(item, dict) else None
    phase = status.get("phase") if isinstance(status, dict) else None
    return phase if isinstance(phase, str) else None


def _namespace_of(item: Any) -> str | None:
    metadata = item.get("metadata") if isinstance(item, dict) else None
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    return namespace if isinstance(namespace, str) and namespace else None


def _pods_by_node(pods: Iterable[wire.PodRow]) -> dict[str, list[wire.PodRow]]:
    grouped: dict[str, list[wire.PodRow]] = {}
    for pod in pods:
        if pod.node_name:
            grouped.setdefault(pod.node_name, []).append(pod)
    return grouped


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
