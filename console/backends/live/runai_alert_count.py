"""`RunaiAlertCount`: how many Run:ai-side alerts are open, for the header, mostly without the node list.

The alert list (`LiveBackend.alerts`) finds draining nodes by their taint (`runai=drain:NoExecute`), which
Run:ai's `filterBy` cannot select (its node fields are name, status, nodePool, gpuType, nvLinkDomainUid,
nvLinkCliqueId and clusterUuid: `NodeFilterSortFields` in reference/openapi/runai), so it reads every node:
11 pages at 5,000 nodes, every 5 s on every screen while the header counted from it. The count reads
instead, at most once per `ALERT_COUNT_SECONDS`, the nodes that are not Ready (`filterBy=status!=Ready`,
usually one short page) and the Degraded workloads (one page); and the whole node list, for its taints, at
most once per `SCAN_SECONDS_PER_PAGE` for each of its pages: about one request per 10 s however large the
cluster. Whenever the full list is read anyway (the alerts screen), the count takes it, so the two agree;
rwc's own drain and undrain forget the remembered taints.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from console.backends.live.concurrency import Remembered, together
from console.model import Node, NodeStatus, Workload

ALERT_COUNT_SECONDS = 30.0
"""How old the not-Ready nodes and the Degraded workloads behind the header's count may be."""
SCAN_SECONDS_PER_PAGE = 10.0
"""How long the drain taints of one page of nodes are trusted: a cluster of 11 pages is read every 110 s."""


@dataclass(frozen=True, slots=True)
class _NodeAlerts:
    not_ready: frozenset[str]
    draining: frozenset[str]
    """Draining and Ready: a node that is down is counted once, as down (as `runai_alerts` words it)."""


def _node_alerts(nodes: Sequence[Node]) -> _NodeAlerts:
    not_ready = frozenset(node.name for node in nodes if node.status is not NodeStatus.READY)
    draining = frozenset(node.name for node in nodes if node.draining and node.name not in not_ready)
    return _NodeAlerts(not_ready, draining)


class RunaiAlertCount:
    """The header's Run:ai alert count for one client; see the module docstring for what it reads when."""

    def __init__(
        self,
        page_size: int,
        *,
        not_ready: Callable[[], Awaitable[list[Node] | None]],
        all_nodes: Callable[[], Awaitable[list[Node]]],
        degraded: Callable[[], Awaitable[list[Workload]]],
    ) -> None:
        self._page_size = max(1, page_size)
        self._read_not_ready = not_ready
        self._read_all_nodes = all_nodes
        self._read_degraded = degraded
        self._recent = Remembered[tuple[frozenset[str] | None, int]](ALERT_COUNT_SECONDS)
        """(the nodes not Ready, or None where the server cannot filter them; how many are Degraded)."""
        self._scanned = Remembered[_NodeAlerts](ALERT_COUNT_SECONDS)

    async def count(self) -> int:
        # Side by side: the not-Ready read is then the same GET in flight as the header's GPU count's,
        # and is shared with it.
        (not_ready, degraded), scanned = await together(
            self._recent.get(self._recent_now), self._scanned.get(self._scan_now)
        )
        down = scanned.not_ready if not_ready is None else not_ready
        return len(down) + len(scanned.draining - down) + degraded

    def record(self, nodes: Sequence[Node], degraded: Sequence[Workload]) -> None:
        """The full lists were just read (for the alert list): the count is exact again."""
        scanned = self._remember_scan(nodes)
        self._recent.set((scanned.not_ready, len(degraded)))

    def taints_changed(self) -> None:
        """We drained or undrained a node: the next count reads the taints again."""
        self._scanned.forget()

    async def _recent_now(self) -> tuple[frozenset[str] | None, int]:
        nodes, degraded = await together(self._read_not_ready(), self._read_degraded())
        return (None if nodes is None else _node_alerts(nodes).not_ready), len(degraded)

    async def _scan_now(self) -> _NodeAlerts:
        return self._remember_scan(await self._read_all_nodes())

    def _remember_scan(self, nodes: Sequence[Node]) -> _NodeAlerts:
        scanned = _node_alerts(nodes)
        pages = max(1, math.ceil(len(nodes) / self._page_size))
        self._scanned.seconds = max(ALERT_COUNT_SECONDS, pages * SCAN_SECONDS_PER_PAGE)
        self._scanned.set(scanned)
        return scanned
