"""Run:ai `/api/v1` JSON <-> `console.model` objects, with no I/O: what `RunaiClient` reads and sends, and
what the simulator's Run:ai face answers and how it reads what the client sends.

Both sides of each part of the API sit in one module, so that every interpretation of the wire (which
field means what, what a missing value defaults to, where the reference is unsure) is written once and
round-trips (tests/unit/wire/test_runai_roundtrip.py). The modules follow the API's own seams:

- `fields`: reading and writing one field, and what a missing, null or mistyped one means;
- `tenant`: tokens, the caller's role and visible projects, clusters;
- `org_units`: projects, departments and their per-node-pool GPU quotas;
- `nodes`: nodes and node pools;
- `workloads`: workloads as listed and described; `pods_events`: their pods and events;
- `submissions`: submitting and acting on workloads;
- `telemetry`: telemetry and a workload's metrics.

Callers import this package (`from console.wire import runai as wire`), which re-exports each module's
public names; the modules import one another, never this package.

A tolerant reader, following the spec's `required`/`nullable` (both the 2.18 and the latest spec in
reference/openapi/runai; tests/contract/test_runai_generated.py feeds it bodies generated from them):

- An item is unreadable only without what it cannot be shown without, which the spec requires: a
  workload's id, name, project and timestamps; a project's or department's id and name (and a project's
  creation time); a node's name and creation time; a node pool's id and name; a pod's name and workload.
  The parser then raises `BadResponse` naming the field, and `parse_items` leaves that item out of its
  list, logs why and counts it (`console.data.unreadable`: the screen says "1 workload could not be
  read — see log"); the rest of the list is shown.
- Any other field that is missing, null, of another type, or not a finite number ("NaN", "+Inf",
  overflow, garbage) reads as its default: an empty text, 0, the enum's "unknown" member (so a newer
  control plane with a new phase still shows its workloads). Telemetry values are numeric strings and
  are read strictly (`finite_number`); quantities strictly and totally (`parse_quantity`): neither
  ever raises.
- Null items of a list (some item schemas are nullable, e.g. `Event2`) carry nothing and are skipped.

Choices where reference/runai.md is unsure, each made once, in the module that says why:

- `limit` of `null` means unlimited (-1), like `-1` (§3.3); a `resources[]` entry without `nodePool` is
  the default pool's (`org_units`).
- Workload `type` (§4.3): the native names, else by `category`, else Training (`workloads`).
- Node conditions' `status` is read from the kubelet's reasons (§5.2); a cordon is the taint
  `node.kubernetes.io/unschedulable:NoSchedule`; a reading not sent shows as 0 (`nodes`).
- Role: admin by an administrator access rule on a system-wide scope; the user from the token's claims
  (`tenant`).
- Telemetry groups (§6): matched by `key` without case; a node or pool by `name`, else `value`
  (`telemetry`).
"""

from __future__ import annotations

from console.wire.runai.fields import (
    SERVICE,
    _obj,
    error_body,
    expect,
    iso,
    json_number,
    memory_mib,
    number_text,
    parse_count,
    parse_datetime,
    parse_items,
)
from console.wire.runai.nodes import (
    CORDON_TAINT,
    CORDON_TAINT_KEY,
    NODE_TELEMETRY,
    node_json,
    node_pool_json,
    parse_node,
    parse_node_pool,
    parse_node_pools,
    parse_nodes,
    pool_ids,
)
from console.wire.runai.org_units import (
    DEFAULT_POOL,
    DEFAULT_WEIGHT,
    department_ids,
    department_json,
    limit_from_wire,
    parse_department,
    parse_project,
    parse_projects,
    parse_quotas,
    project_creation_body,
    project_json,
    quota_statuses,
    quotas_from_body,
    resources_body,
    resources_json,
)
from console.wire.runai.pods_events import (
    event_json,
    node_names_by_workload,
    parse_event,
    parse_pod,
    pod_json,
)
from console.wire.runai.submissions import (
    FORM_FIELDS,
    KIND_SEGMENTS,
    SEGMENTS,
    SUBMISSION_FIELDS,
    SUSPENDABLE,
    compliance_issues,
    form_field,
    gpu_request_from_compute,
    spec_from_body,
    submission_body,
    volumes_in_answer,
)
from console.wire.runai.telemetry import (
    DEFAULT_METRIC_SAMPLES,
    GPU_MEMORY_USAGE_BYTES,
    GPU_MEMORY_USAGE_BYTES_PER_GPU,
    GPU_UTILIZATION,
    GPU_UTILIZATION_PER_GPU,
    MAX_METRIC_SAMPLES,
    PENDING_PHASES,
    RUNNING_PHASES,
    metrics_json,
    metrics_params,
    parse_metric_points,
    parse_per_gpu_points,
    parse_telemetry,
    per_gpu_metrics_json,
    telemetry_by,
    telemetry_json,
    workload_counts,
)
from console.wire.runai.tenant import (
    ADMIN_SCOPES,
    CREATED_BY,
    TENANT_ID,
    access_rules_of,
    choose_cluster,
    cluster_json,
    identity_from,
    is_admin,
    jwt_claims,
    parse_cluster,
    project_ids_by_name,
    project_names,
    user_from_claims,
)
from console.wire.runai.workloads import (
    CATEGORY,
    DISTRIBUTED_FRAMEWORK,
    K8S_PHASE_OF,
    UNREADABLE_MEMORY_REQUEST,
    WorkloadFacts,
    gpu_request_of,
    matches_locally,
    parse_workload,
    parse_workload_detail,
    parse_workloads,
    workload_filter_terms,
    workload_json,
    workload_type,
)

__all__ = [
    "ADMIN_SCOPES",
    "CATEGORY",
    "CORDON_TAINT",
    "CORDON_TAINT_KEY",
    "CREATED_BY",
    "DEFAULT_METRIC_SAMPLES",
    "DEFAULT_POOL",
    "DEFAULT_WEIGHT",
    "DISTRIBUTED_FRAMEWORK",
    "FORM_FIELDS",
    "GPU_MEMORY_USAGE_BYTES",
    "GPU_MEMORY_USAGE_BYTES_PER_GPU",
    "GPU_UTILIZATION",
    "GPU_UTILIZATION_PER_GPU",
    "K8S_PHASE_OF",
    "KIND_SEGMENTS",
    "MAX_METRIC_SAMPLES",
    "NODE_TELEMETRY",
    "PENDING_PHASES",
    "RUNNING_PHASES",
    "SEGMENTS",
    "SERVICE",
    "SUBMISSION_FIELDS",
    "SUSPENDABLE",
    "TENANT_ID",
    "UNREADABLE_MEMORY_REQUEST",
    "WorkloadFacts",
    "_obj",
    "access_rules_of",
    "choose_cluster",
    "cluster_json",
    "compliance_issues",
    "department_ids",
    "department_json",
    "error_body",
    "event_json",
    "expect",
    "form_field",
    "gpu_request_from_compute",
    "gpu_request_of",
    "identity_from",
    "is_admin",
    "iso",
    "json_number",
    "jwt_claims",
    "limit_from_wire",
    "matches_locally",
    "memory_mib",
    "metrics_json",
    "metrics_params",
    "node_json",
    "node_names_by_workload",
    "node_pool_json",
    "number_text",
    "parse_cluster",
    "parse_count",
    "parse_datetime",
    "parse_department",
    "parse_event",
    "parse_items",
    "parse_metric_points",
    "parse_node",
    "parse_node_pool",
    "parse_node_pools",
    "parse_nodes",
    "parse_per_gpu_points",
    "parse_pod",
    "parse_project",
    "parse_projects",
    "parse_quotas",
    "parse_telemetry",
    "parse_workload",
    "parse_workload_detail",
    "parse_workloads",
    "per_gpu_metrics_json",
    "pod_json",
    "pool_ids",
    "project_creation_body",
    "project_ids_by_name",
    "project_json",
    "project_names",
    "quota_statuses",
    "quotas_from_body",
    "resources_body",
    "resources_json",
    "spec_from_body",
    "submission_body",
    "telemetry_by",
    "telemetry_json",
    "user_from_claims",
    "workload_counts",
    "workload_filter_terms",
    "workload_json",
    "workload_type",
    "volumes_in_answer",
]
