"""What differs between the Run:ai control planes rwc supports: 2.18 (the oldest spec in
reference/openapi/runai) to the latest (runapy 1.224.0). No I/O: `RunaiClient` asks the server, learns
which form it answers, and uses these to speak it.

Differences that touch rwc (diffed from the two specs):

- Sign-in. The latest `TokenRequest` has the `client_credentials` grant (`clientID`/`clientSecret`); 2.18
  knows only `app_token`, `refresh_token`, `exchange_token` and `password`, an application signing in
  with `appID`/`appSecret` (still accepted, deprecated, by the latest). The client tries the latest form
  and falls back to `app_token` once when the token request is refused as malformed (400/422), then keeps
  the form that worked. The 2.18 token answer has no `expiresIn`; the token's `exp` claim says it.
- Routes 2.18 lacks: `GET /api/v1/nodes` (2.18: `GET /api/v1/clusters/{clusterUuid}/nodes`, one
  unpaged `{nodes: [...]}` of the same `Node`), `GET /api/v1/node-pools` (2.18: the legacy
  `GET /v1/k8s/clusters/{clusterId}/node-pools`, a bare array of `NodePool1`: a numeric id and the phase
  in a string `status`), `GET /api/v1/authorization/me/access-rules` (2.18: `GET
  /api/v1/authorization/access-rules`, all rules, readable by administrators only), and suspend/resume
  of distributed workloads.
- Telemetry. 2.18's node telemetry types are READY_GPU_NODES, READY_GPUS, TOTAL_GPU_NODES, TOTAL_GPUS and
  FREE_GPUS: none of the allocation, CPU or memory readings rwc shows. On 2.18 a node's allocated GPUs are
  summed from the pods on it (`/api/v1/workloads/pods`, `allocatedResources.gpu`), which every version
  has; CPU and memory are "not available on this Run:ai version" (or Kubernetes' when it is configured).
  The workload telemetry type rwc uses (WORKLOADS_COUNT by ProjectId and Phase) exists in both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

CLIENT_CREDENTIALS = "client_credentials"
APP_TOKEN = "app_token"
GRANTS = (CLIENT_CREDENTIALS, APP_TOKEN)
"""The token request forms, newest first: what the client tries, in order, until one is understood."""

MALFORMED_TOKEN_REQUEST = frozenset({400, 422})
"""How a control plane refuses a token request it cannot parse (an unknown grant, missing keys), as
opposed to refused credentials (401/403): only these make the client try the older form."""

NODE_TELEMETRY_2_18 = frozenset(
    {"READY_GPU_NODES", "READY_GPUS", "TOTAL_GPU_NODES", "TOTAL_GPUS", "FREE_GPUS"}
)
"""`NodeTelemetryType` of the 2.18 spec: every type a control plane without `/api/v1/nodes` knows."""

NOT_AVAILABLE = "not available on this Run:ai version"
"""How a panel says the server has no data for it (a route or telemetry type its version lacks)."""


def token_body(grant: str, client_id: str, secret: str) -> dict[str, str]:
    """The `POST /api/v1/token` body of `grant`: `clientId` as the docs spell it (reference §2), or 2.18's
    application keys."""
    if grant == APP_TOKEN:
        return {"grantType": APP_TOKEN, "appID": client_id, "appSecret": secret}
    return {"grantType": CLIENT_CREDENTIALS, "clientId": client_id, "clientSecret": secret}


def node_pool_from_2_18(item: Any) -> Any:
    """A 2.18 `NodePool1` in the latest `NodePool`'s shape (its phase is the string `status`); anything
    else is returned as it is, for the decoder to judge."""
    if not isinstance(item, Mapping):
        return item
    status = item.get("status")
    if isinstance(status, str):
        return {**item, "phase": status, "status": None}
    return item


def access_rules_2_18(body: Any) -> tuple[list[Any], int | None]:
    """The rules of a page of 2.18's `GET /api/v1/authorization/access-rules` and its `totalRecords`."""
    if not isinstance(body, Mapping):
        return [], None
    rules = body.get("accessRules")
    total = body.get("totalRecords")
    return (
        list(rules) if isinstance(rules, list) else [],
        total if isinstance(total, int) and not isinstance(total, bool) else None,
    )


def rules_of_subject(rules: Iterable[Any], subjects: Iterable[str]) -> list[Any]:
    """The rules whose `subjectId` is one of `subjects` (without case): the token's user or application."""
    wanted = {subject.lower() for subject in subjects if subject}
    return [
        rule
        for rule in rules
        if isinstance(rule, Mapping) and str(rule.get("subjectId") or "").lower() in wanted
    ]


def allocated_gpus_by_node(pods: Sequence[Any]) -> dict[str, float]:
    """GPUs allocated on each node: the `allocatedResources.gpu` of the pods placed there, summed.

    The server's figure is taken as it is, whatever the pod's phase (a pod that holds nothing reports
    nothing; one that failed but still holds its devices still counts, as ALLOCATED_GPUS counts it). Only
    pods that carry a node name and a finite `allocatedResources.gpu` count; anything else in the list is
    skipped (it allocates nothing rwc can attribute)."""
    totals: dict[str, float] = {}
    for pod in pods:
        if not isinstance(pod, Mapping):
            continue
        node = pod.get("nodeName")
        allocated = pod.get("allocatedResources")
        gpus = allocated.get("gpu") if isinstance(allocated, Mapping) else None
        if not isinstance(node, str) or not node or isinstance(gpus, bool):
            continue
        if not isinstance(gpus, (int, float)) or not math.isfinite(gpus):
            continue
        totals[node] = totals.get(node, 0.0) + gpus
    return {node: round(total, 6) for node, total in totals.items()}


def allocated_gpus_by_pool(raw_nodes: Sequence[Any], by_node: Mapping[str, float]) -> dict[str, float]:
    """`allocated_gpus_by_node` summed per node pool, each node in the pool its `nodePool` names."""
    totals: dict[str, float] = {}
    for node in raw_nodes:
        if not isinstance(node, Mapping):
            continue
        name, pool = node.get("name"), node.get("nodePool")
        if isinstance(name, str) and isinstance(pool, str) and name in by_node:
            totals[pool] = totals.get(pool, 0.0) + by_node[name]
    return {pool: round(total, 6) for pool, total in totals.items()}


def missing_readings_note(missing: Iterable[str]) -> str | None:
    """The Nodes screen's line when telemetry types rwc shows are unknown to the server; None if none."""
    kinds = set(missing)
    what = [
        label
        for label, types in (
            ("CPU", {"TOTAL_CPU_CORES", "ALLOCATED_CPU_CORES"}),
            ("memory", {"TOTAL_CPU_MEMORY_BYTES", "ALLOCATED_CPU_MEMORY_BYTES"}),
        )
        if kinds & types
    ]
    if not what:
        return None
    return f"Node {' and '.join(what)} readings: {NOT_AVAILABLE}."
