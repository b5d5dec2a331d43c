"""`LiveBackend`: the `Backend` protocol over the real services, composed from the three clients and NVML.

Which service answers what, and why:

- **Run:ai** (`RunaiClient`) is the source of truth for org units, node pools, workloads (list, detail,
  describe, submit/suspend/resume/delete), the cluster and who we are. It also gives each node's pool, GPU
  model (as the vendor spells it) and allocation (its telemetry).
- **Kubernetes** (`KubeClient`) owns what only the nodes and pods know: the node's role label, its
  conditions, cordon and taints (so the answer to a cordon or drain shows the change at once), every GPU
  and the pods holding it, pod logs, and the GPU indexes of a workload's pods. `nodes()` merges both views;
  a node Kubernetes has and Run:ai does not (a system node) is listed with Kubernetes' view alone.
  A profile that names no kubeconfig and no context, on a machine without a usable default kubeconfig, still
  works: nodes come from Run:ai alone and the Kubernetes-only features say why they are unavailable.
- **WEKA** (`WekaClient`) answers every WEKA query and action. A profile without WEKA is allowed: those
  calls raise `Unavailable("No WEKA configured in profile <name>")`, which the screens show as stale or
  unavailable, and `alerts()` then holds only the Run:ai-side ones.
- **NVML** (`HostGpus`, over `NvmlGpuReader`) adds what no API carries (UUID, memory used, utilisation,
  temperature, power) to the GPUs of the host rwc runs on, when that host is one of the cluster's nodes. Its
  blocking calls run in a worker thread; a host without a driver adds no readings, and each GPU Kubernetes
  lists then carries the reason (`GpuDevice.telemetry_unavailable_reason`) for the GPU panel to show (when
  Kubernetes cannot list GPUs either, `gpus()` fails with both reasons, which the GPU panel shows).

`alerts()` merges WEKA's alerts with Run:ai-side ones derived the way the simulator derives them (nodes not
ready, nodes draining, degraded workloads); the API has no raise time for node alerts, so those carry the
time this backend first saw them, as WEKA alerts do (both through `first_seen.FirstSeen`).

The clients are built by `clients.open_clients`; how the services' answers combine is `merge`, the event
list `events`, the utilisation histories `utilisation`. The three client modules import httpx, kubernetes
and pynvml; this module never imports them at its top, so importing it (or `console.cli`) stays cheap and
the demo never loads them. No
Textual here: errors leave as `console.data.errors`, which the screens render.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from console.backends.live.accepted import read_back
from console.backends.live.claims import LiveClaims
from console.backends.live.clients import open_clients
from console.backends.live.concurrency import Remembered, together
from console.backends.live.events import merged_events
from console.backends.live.first_seen import FirstSeen
from console.backends.live.host_gpus import HostGpus
from console.backends.live.merge import (
    UNNAMED_GPU,
    merge_node,
    node_alert_keys,
    runai_alerts,
    telemetry_unavailable_note,
    with_kube_pod_facts,
    with_local_readings,
)
from console.backends.live.schedules import LiveSchedules
from console.backends.live.utilisation import utilisation_histories
from console.config import Profile
from console.data.errors import BackendError, Forbidden, Unavailable
from console.data.unreadable import answered_parts
from console.model import (
    Alert,
    ClusterInfo,
    Department,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    FilesystemSpec,
    GpuDevice,
    Identity,
    Node,
    NodePod,
    NodePool,
    ObjectStoreBucket,
    Pod,
    PoolQuota,
    Project,
    Snapshot,
    SnapshotSpec,
    UploadSite,
    WekaCluster,
    WekaMetricsSample,
    Workload,
    WorkloadFilter,
    WorkloadPage,
    WorkloadPhase,
    WorkloadSpec,
    WorkloadUtilisation,
    WorkloadWindow,
)
from console.model.capacity import GpuCapacity
from console.model.events import Event, EventFilter
from console.model.feed import ClientReads
from console.model.gpu_history import GpuHistory
from console.model.storage import DataMount, WorkloadMount
from console.model.weka import WekaHealth
from console.model.windows import WorkloadPlacement

if TYPE_CHECKING:
    from console.backends.live.kube import KubeClient
    from console.backends.live.nvml import NvmlGpuReader
    from console.backends.live.runai import RunaiClient
    from console.backends.live.weka import WekaClient

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS: float | None = None
"""Per-request timeout for all three services; None keeps each client's own default (Run:ai 20 s read,
WEKA 30 s, Kubernetes 30 s read). Read when a `LiveBackend` is built, so a test can shorten it."""

LOG_WAIT_SECONDS = 2.0
"""While following the log of a workload whose pod has not started, how often to look again."""

WEKA_ALERTS = "WEKA alerts"
RUNAI_ALERTS = "Run:ai alerts"
"""The two sources of `alerts()`, as the notice names the one that did not answer."""

IDENTITY_CACHE_SECONDS = 300.0
"""Who we are changes only when an admin edits access rules; the header asks every few seconds."""
CLUSTER_CACHE_SECONDS = 60.0
"""The cluster's name and version change with an upgrade; the header asks every few seconds."""


T = TypeVar("T")


class LiveBackend(LiveSchedules, LiveClaims):
    """Everything the console asks or does, against one live profile (Run:ai + Kubernetes + WEKA + NVML)."""

    def __init__(
        self,
        profile: Profile,
        *,
        insecure: bool = False,
        environ: Mapping[str, str] | None = None,
        use_nvml: bool = True,
        local_node_names: frozenset[str] | None = None,
        nvml_reader: NvmlGpuReader | None = None,
    ) -> None:
        """Build the clients (no request is sent yet); raises `ConfigError` for what the user must fix.

        The secrets are read once here only to fail before the screen opens when an environment variable
        is unset or a file unreadable (the message names the profile key); the clients read them again
        when they need them and never keep them. `insecure` (--insecure) turns TLS verification off for all
        three services; the profile's own `insecure` does too. `local_node_names` (default: this host's
        names) says which node's GPUs NVML reads; `nvml_reader` replaces the real reader (tests).
        """
        self._profile = profile
        self._environ = environ
        self.insecure = insecure or profile.insecure
        clients = open_clients(
            profile, insecure=self.insecure, environ=environ, timeout=REQUEST_TIMEOUT_SECONDS
        )
        self.runai: RunaiClient = clients.runai
        self.weka: WekaClient | None = clients.weka
        self.kube: KubeClient | None = clients.kube
        self._kube_missing = clients.kube_missing
        self._host = HostGpus(use_nvml=use_nvml, reader=nvml_reader, names=local_node_names)
        self._identity = Remembered[Identity](IDENTITY_CACHE_SECONDS)
        self._cluster = Remembered[ClusterInfo](CLUSTER_CACHE_SECONDS)
        self._pools_known = False
        self._gpu_models: dict[str, str | None] = {}
        self._namespaces: dict[str, str] = {}
        self._alerts_first_seen: FirstSeen[tuple[str, str]] = FirstSeen()
        self._kube_nodes_failure: str | None = None
        self._runai_lacks_cpu_telemetry = False
        """Whether Run:ai's last node list lacked CPU and memory telemetry (2.18), which Kubernetes' pod sums
        then fill in (`merge_node`)."""
        self._closed = False

    def __repr__(self) -> str:
        return f"LiveBackend(profile={self._profile.name!r}, insecure={self.insecure})"

    # -- who and where -------------------------------------------------------------------------
    @property
    def profile_name(self) -> str:
        return self._profile.name

    @property
    def profile(self) -> Profile:
        return self._profile

    def now(self) -> datetime:
        """Wall-clock UTC: what the services' timestamps are in, and what "stale since" reads."""
        return datetime.now(UTC)

    async def identity(self) -> Identity:
        return await self._identity.get(self.runai.identity)

    async def cluster(self) -> ClusterInfo:
        return await self._cluster.get(self.runai.cluster)

    # -- Run:ai queries --------------------------------------------------------------------------
    async def departments(self) -> Sequence[Department]:
        return await self.runai.departments()

    async def projects(self) -> Sequence[Project]:
        projects = await self.runai.projects()
        self._namespaces.update({project.id: project.namespace for project in projects})
        return projects

    async def node_pools(self) -> Sequence[NodePool]:
        pools = await self.runai.node_pools()
        self._teach_kube_pools(pools)
        return pools

    def _teach_kube_pools(self, pools: Sequence[NodePool]) -> None:
        """Kubernetes names a node's pool by Run:ai's exact labelKey=labelValue once it has seen them."""
        if self.kube is not None:
            self.kube.set_node_pools(pools)
            self._pools_known = True

    async def _ensure_kube_pools(self) -> None:
        if self.kube is not None and not self._pools_known:
            self._teach_kube_pools(await self.runai.node_pools())

    async def _kube_nodes(self) -> list[Node] | None:
        """Kubernetes' nodes, or None when Kubernetes is not configured or failed (logged): the Run:ai view
        alone still fills the nodes screen."""
        if self.kube is None:
            return None
        try:
            await self._ensure_kube_pools()
            # Run:ai's telemetry gives CPU and memory: Kubernetes' pod sums are needed only where it did not.
            nodes = await self.kube.nodes(every_node_summed=self._runai_lacks_cpu_telemetry)
        except BackendError as error:
            if str(error) != self._kube_nodes_failure:  # once per cause, not every poll
                logger.warning("Kubernetes nodes unavailable, showing Run:ai's view only: %s", error)
            self._kube_nodes_failure = str(error)
            return None
        self._kube_nodes_failure = None
        return nodes

    async def nodes(self) -> Sequence[Node]:
        runai_nodes, kube_nodes = await together(self.runai.nodes(), self._kube_nodes())
        self._gpu_models.update({node.name: node.gpu_model for node in runai_nodes})
        lacking = any(node.telemetry_unavailable_reason is not None for node in runai_nodes)
        if lacking and not self._runai_lacks_cpu_telemetry and kube_nodes is not None:
            self._runai_lacks_cpu_telemetry = True  # learned now; this once, Kubernetes sums them again
            kube_nodes = await self._kube_nodes()
        self._runai_lacks_cpu_telemetry = lacking
        if kube_nodes is None:
            return runai_nodes
        by_name = {node.name: node for node in kube_nodes}
        merged = [merge_node(node, by_name.pop(node.name, None)) for node in runai_nodes]
        return await self._named_by_driver(merged + [node for node in kube_nodes if node.name in by_name])

    async def gpu_capacity(self) -> GpuCapacity:
        """Run:ai's cluster-wide GPU numbers (`RunaiNodes.gpu_capacity`): never a node or pod list."""
        return await self.runai.gpu_capacity()

    async def _named_by_driver(self, nodes: list[Node]) -> list[Node]:
        """This host's node, when no label named its GPU model, named by the driver (NVML): the last of the
        sources GFD, cloud labels, driver. A driver that cannot be read leaves the name as it was."""
        named = []
        for node in nodes:
            if node.gpu_count and node.gpu_model in (None, UNNAMED_GPU) and node.name in self._host.names:
                with contextlib.suppress(BackendError):
                    local = await self._host.read(node.name)
                    if local and local[0].model:
                        node = dataclasses.replace(node, gpu_model=local[0].model)
            named.append(node)
        return named

    async def _node(self, name: str) -> Node:
        """One node as `nodes()` shows it (after a node action)."""
        runai_nodes, kube_node = await together(self.runai.nodes(), self._require_kube().node(name))
        for node in runai_nodes:
            if node.name == name:
                return merge_node(node, kube_node)
        return kube_node

    async def node_gpu_history(
        self, node_name: str, window_seconds: float, step_seconds: float
    ) -> Sequence[GpuHistory]:
        """Run:ai's node metrics per GPU on the window's grid (`RunaiGpuHistory`)."""
        return await self.runai.gpu_history.of_node(node_name, window_seconds, step_seconds, self.now())

    async def workload_gpu_utilisation(
        self, window_seconds: float, step_seconds: float, workload_id: str | None = None
    ) -> Sequence[WorkloadUtilisation]:
        """Run:ai's per-workload GPU utilisation on the window's grid (`utilisation`)."""
        return await utilisation_histories(self.runai, window_seconds, step_seconds, workload_id, self.now())

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        """Kubernetes' GPUs and their holders, named as Run:ai names the model; this host's readings
        (NVML) on the devices of this host, or on every GPU the reason NVML cannot read them. Without
        Kubernetes, this host's GPUs alone."""
        if self.kube is None:
            local = await self._host.read(node_name)
            if local:
                return local
            reasons = [self._kube_missing or "No Kubernetes access"]
            nvml_reason = await self._host.unavailable_reason()
            if nvml_reason:
                reasons.append(nvml_reason)
            raise Unavailable("; ".join(reasons), service="kubernetes")
        gpus, nvml_reason = await together(self.kube.gpus(node_name), self._host.unavailable_reason())
        if any(gpu.node_name not in self._gpu_models for gpu in gpus):
            self._gpu_models.update({node.name: node.gpu_model for node in await self.runai.nodes()})
        note = telemetry_unavailable_note(nvml_reason) if nvml_reason else None
        named = [
            dataclasses.replace(
                gpu, model=self._gpu_models.get(gpu.node_name) or gpu.model, telemetry_unavailable_reason=note
            )
            for gpu in gpus
        ]
        mine = {gpu.node_name for gpu in named} & self._host.names
        if not mine:
            return named
        readings = {(gpu.node_name, gpu.index): gpu for name in mine for gpu in await self._host.read(name)}
        return [
            with_local_readings(gpu, readings[(gpu.node_name, gpu.index)])
            if (gpu.node_name, gpu.index) in readings
            else gpu
            for gpu in named
        ]

    async def workloads(self, workload_filter: WorkloadFilter | None = None) -> Sequence[Workload]:
        return await self.runai.workloads(workload_filter)

    async def workload_page(self, window: WorkloadWindow) -> WorkloadPage:
        return await self.runai.workload_page(window)

    async def workload_node_names(
        self, placements: Sequence[WorkloadPlacement]
    ) -> Mapping[str, tuple[str, ...]]:
        return await self.runai.workload_node_names(placements)

    async def workload(self, workload_id: str) -> Workload:
        """Run:ai's detail, with each pod's GPU indexes from its Kubernetes pod (Run:ai's pod has none)."""
        workload, kube_pods = await together(
            self.runai.workload(workload_id), self._kube_pods_of(workload_id)
        )
        return with_kube_pod_facts(workload, kube_pods)

    async def _indexed(self, workload: Workload) -> Workload:
        """An action's answer with its pods' GPU indexes, as `workload()` shows it."""
        return with_kube_pod_facts(workload, await self._kube_pods_of(workload.id))

    async def _kube_pods_of(self, workload_id: str) -> list[Pod] | None:
        if self.kube is None:
            return None
        try:
            return await self.kube.pods_of_workload(workload_id)
        except BackendError as error:
            logger.info("GPU indexes of workload %s unavailable: %s", workload_id, error)
            return None

    async def _namespace_of(self, project_id: str) -> str:
        namespace = self._namespaces.get(project_id)
        if namespace is None:
            namespace = (await self.runai.project(project_id)).namespace
            self._namespaces[project_id] = namespace
        return namespace

    async def _log_pod(self, workload_id: str, name: str | None) -> tuple[str, str, str] | None:
        """(namespace, pod name, Kubernetes phase) of the named pod of the workload (its first pod when
        `name` is None), or None while it has no such pod."""
        workload = await self.runai.workload(workload_id)
        pod = next((pod for pod in workload.pods if name is None or pod.name == name), None)
        if pod is None:
            return None
        return await self._namespace_of(workload.project_id), pod.name, pod.k8s_phase

    async def workload_logs(
        self,
        workload_id: str,
        *,
        follow: bool = False,
        tail_lines: int = 500,
        pod: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        """One pod's log through Kubernetes (`previous` as `kubectl logs --previous`). A workload without
        a started pod (pending, suspended) has no log to read: nothing is yielded, or, when following, it
        waits until a pod runs."""
        kube = self._require_kube()
        while True:
            found = await self._log_pod(workload_id, pod)
            if found is not None and (found[2] != "Pending" or previous):
                namespace, pod_name, _ = found
                async for line in kube.workload_logs(
                    namespace,
                    pod_name,
                    follow=follow and not previous,
                    tail_lines=tail_lines or None,
                    previous=previous,
                ):
                    yield line
                return
            if not follow:
                return
            await asyncio.sleep(LOG_WAIT_SECONDS)

    async def describe_workload(self, workload_id: str) -> dict[str, object]:
        return await self.runai.describe_workload(workload_id)

    async def describe_node(self, name: str) -> dict[str, object]:
        return await self._require_kube().node_object(name)

    async def node_pods(self, node_name: str) -> Sequence[NodePod]:
        """Kubernetes' pods of the node (Run:ai's and the rest); without Kubernetes access, Unavailable."""
        return await self._require_kube().node_pods(node_name)

    # -- where data lives ------------------------------------------------------------------------
    async def workload_mounts(self, workload_id: str) -> Sequence[DataMount]:
        """Through Kubernetes: the workload's pods' claims, their volumes, and the csi-wekafs handles. A
        workload without pods (suspended, not created yet): the claims its spec names (`claims.py`)."""
        kube = self._require_kube()
        workload = await self.runai.workload(workload_id)
        namespace = await self._namespace_of(workload.project_id)
        if not workload.pods:
            return await self.mounts_without_pods(workload, namespace)
        found = await kube.data_mounts(namespace, workload_id, finished_too=True)
        return [mount for *_, mount in found]

    async def data_mounts(self) -> Sequence[WorkloadMount]:
        """Every Run:ai workload's mounts, with the workload's phase from Run:ai. A user who may not list
        pods in every namespace (a researcher) gets those of the projects Run:ai shows them."""
        kube = self._require_kube()
        workloads = await self.runai.workloads()
        try:
            found = await kube.data_mounts()
        except Forbidden:
            project_ids = dict.fromkeys(workload.project_id for workload in workloads)
            namespaces = [await self._namespace_of(project_id) for project_id in project_ids]
            found = [entry for namespace in namespaces for entry in await kube.data_mounts(namespace)]
        phases = {workload.id: workload.phase for workload in workloads}
        return [
            WorkloadMount(workload_id, name, project, phases.get(workload_id, WorkloadPhase.UNKNOWN), mount)
            for workload_id, name, project, mount in found
        ]

    # -- WEKA queries -----------------------------------------------------------------------------
    def _require_weka(self) -> WekaClient:
        if self.weka is None:
            raise Unavailable(f"No WEKA configured in profile {self._profile.name}")
        return self.weka

    def _require_kube(self) -> KubeClient:
        if self.kube is None:
            raise Unavailable(self._kube_missing or "No Kubernetes access", service="kubernetes")
        return self.kube

    async def weka_cluster(self) -> WekaCluster:
        return await self._require_weka().weka_cluster()

    async def weka_health(self) -> WekaHealth:
        return await self._require_weka().health()

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        return await self._require_weka().weka_metrics(window_seconds)

    async def client_reads(self) -> Sequence[ClientReads]:
        return await self._require_weka().client_reads()

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        return await self._require_weka().filesystem_groups()

    async def filesystems(self) -> Sequence[Filesystem]:
        return await self._require_weka().filesystems()

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        return await self._require_weka().snapshots(filesystem_uid)

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        return await self._require_weka().buckets()

    async def alerts(self) -> Sequence[Alert]:
        """WEKA's alerts (none without WEKA), then the Run:ai-side ones. Each source that answers is
        shown: one that does not is named above the list ("WEKA alerts not shown: …"), never blanking
        the other's alerts; only when neither answers does the fetch fail."""
        parts: dict[str, Awaitable[Any]] = {RUNAI_ALERTS: self.runai.nodes_and_degraded_workloads()}
        if self.weka is not None:
            parts[WEKA_ALERTS] = self.weka.alerts()
        answers = await answered_parts(parts)
        alerts: list[Alert] = list(answers.get(WEKA_ALERTS, ()))
        if RUNAI_ALERTS in answers:
            nodes, degraded = answers[RUNAI_ALERTS]
            first_seen = self._alerts_first_seen.stamp(node_alert_keys(nodes), self.now())
            alerts.extend(runai_alerts(nodes, degraded, first_seen))
        return tuple(alerts)

    async def runai_alert_count(self) -> int:
        return await self.runai.open_alert_count()

    async def events(self, event_filter: EventFilter | None = None) -> Sequence[Event]:
        """Run:ai's, WEKA's and the nodes' events, merged newest first (`events.merged_events`)."""
        return await merged_events(self.runai, self.weka, self.kube, event_filter, self._host)

    # -- Run:ai actions ---------------------------------------------------------------------------
    async def create_project(self, name: str, department_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self.runai.create_project(name, department_id, quotas)

    async def update_project_quotas(self, project_id: str, quotas: Sequence[PoolQuota]) -> Project:
        return await self.runai.update_project_quotas(project_id, quotas)

    async def delete_project(self, project_id: str) -> None:
        await self.runai.delete_project(project_id)
        self._namespaces.pop(project_id, None)

    async def update_department_quotas(self, department_id: str, quotas: Sequence[PoolQuota]) -> Department:
        return await self.runai.update_department_quotas(department_id, quotas)

    async def submit_workload(self, spec: WorkloadSpec) -> Workload:
        return await self._indexed(await self.runai.submit_workload(spec))

    async def suspend_workload(self, workload_id: str) -> Workload:
        return await self._indexed(await self.runai.suspend_workload(workload_id))

    async def resume_workload(self, workload_id: str) -> Workload:
        return await self._indexed(await self.runai.resume_workload(workload_id))

    async def delete_workload(self, workload_id: str) -> None:
        await self.runai.delete_workload(workload_id)

    async def cordon_node(self, node_name: str) -> Node:
        await self._require_kube().cordon_node(node_name)
        with read_back("kubernetes"):
            return await self._node(node_name)

    async def uncordon_node(self, node_name: str) -> Node:
        await self._require_kube().uncordon_node(node_name)
        with read_back("kubernetes"):
            return await self._node(node_name)

    async def drain_node(self, node_name: str) -> Node:
        await self._require_kube().drain_node(node_name)
        self.runai.node_taints_changed()
        with read_back("kubernetes"):
            return await self._node(node_name)

    async def undrain_node(self, node_name: str) -> Node:
        await self._require_kube().undrain_node(node_name)
        self.runai.node_taints_changed()
        with read_back("kubernetes"):
            return await self._node(node_name)

    # -- WEKA actions -----------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        return await self._require_weka().create_filesystem(spec)

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        return await self._require_weka().resize_filesystem(
            filesystem_uid, total_capacity_bytes, ssd_capacity_bytes
        )

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        return await self._require_weka().set_filesystem_tiering(filesystem_uid, obs_bucket)

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        await self._require_weka().delete_filesystem(filesystem_uid)

    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        return await self._require_weka().create_snapshot(spec)

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        await self._require_weka().delete_snapshot(snapshot_uid)

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        return await self._require_weka().restore_snapshot(snapshot_uid)

    async def upload_snapshot(self, snapshot_uid: str, site: UploadSite = UploadSite.LOCAL) -> Snapshot:
        return await self._require_weka().upload_snapshot(snapshot_uid, site)

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        return await self._require_weka().create_filesystem_from_snapshot(spec)

    async def mute_alert(self, alert_type: str, duration_seconds: float) -> None:
        await self._require_weka().mute_alert(alert_type, duration_seconds)

    async def unmute_alert(self, alert_type: str) -> None:
        await self._require_weka().unmute_alert(alert_type)

    async def prefetch_dataset(self, filesystem_name: str, path: str) -> None:
        await self._require_weka().prefetch_dataset(filesystem_name, path)

    # -- lifecycle --------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close every client's connections (each even if another fails); idempotent."""
        if self._closed:
            return
        self._closed = True
        closers: list[Awaitable[Any]] = [self.runai.aclose()]
        if self.weka is not None:
            closers.append(self.weka.aclose())
        if self.kube is not None:
            closers.append(self.kube.aclose())
        closers.append(self._host.aclose())
        for result in await asyncio.gather(*closers, return_exceptions=True):
            if isinstance(result, BaseException):
                logger.warning("Closing a live client failed: %s", type(result).__name__)
