"""The actions a `Backend` performs, and what each one changes: the one table screens used to copy.

`Action` names every action once (the values are the `Backend` method names, which the audit log and
read-only refusals print). `INVALIDATES` says which resource kinds (`console.data.resources`) an action
can change, so that after it succeeds, or is accepted without being read back, every poll of those
kinds refreshes at once, whatever screen shows them and with whatever parameters.
`console.data.invalidating.InvalidatingBackend` applies it in the data layer: screens and dialogs run
an action and never list what to refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from console.data.resource_keys import ResourceKey, ResourceKind
from console.data.resources import (
    ALERTS,
    CLIENT_READS,
    DATA_MOUNTS,
    DEPARTMENTS,
    EVENTS,
    FILESYSTEMS,
    GPU_USAGE,
    GPUS,
    NODE_GPUS,
    NODE_OBJECT,
    NODE_PODS,
    NODE_POOLS,
    NODES,
    PROJECTS,
    SNAPSHOT_SCHEDULES,
    SNAPSHOTS,
    WEKA_CLUSTER,
    WORKLOAD,
    WORKLOAD_MOUNTS,
    WORKLOAD_PAGES,
    WORKLOADS,
)


class Action(StrEnum):
    """Every action of the `Backend` protocol, by its method name."""

    CREATE_PROJECT = "create_project"
    UPDATE_PROJECT_QUOTAS = "update_project_quotas"
    DELETE_PROJECT = "delete_project"
    UPDATE_DEPARTMENT_QUOTAS = "update_department_quotas"
    SUBMIT_WORKLOAD = "submit_workload"
    SUSPEND_WORKLOAD = "suspend_workload"
    RESUME_WORKLOAD = "resume_workload"
    DELETE_WORKLOAD = "delete_workload"
    CORDON_NODE = "cordon_node"
    UNCORDON_NODE = "uncordon_node"
    DRAIN_NODE = "drain_node"
    UNDRAIN_NODE = "undrain_node"
    CREATE_FILESYSTEM_CLAIM = "create_filesystem_claim"
    CREATE_FILESYSTEM = "create_filesystem"
    RESIZE_FILESYSTEM = "resize_filesystem"
    SET_FILESYSTEM_TIERING = "set_filesystem_tiering"
    DELETE_FILESYSTEM = "delete_filesystem"
    CREATE_SNAPSHOT = "create_snapshot"
    DELETE_SNAPSHOT = "delete_snapshot"
    RESTORE_SNAPSHOT = "restore_snapshot"
    UPLOAD_SNAPSHOT = "upload_snapshot"
    CREATE_FILESYSTEM_FROM_SNAPSHOT = "create_filesystem_from_snapshot"
    MUTE_ALERT = "mute_alert"
    UNMUTE_ALERT = "unmute_alert"
    CREATE_SNAPSHOT_SCHEDULE = "create_snapshot_schedule"
    UPDATE_SNAPSHOT_SCHEDULE = "update_snapshot_schedule"
    DELETE_SNAPSHOT_SCHEDULE = "delete_snapshot_schedule"
    RUN_SNAPSHOT_SCHEDULE = "run_snapshot_schedule"
    PREFETCH_DATASET = "prefetch_dataset"


def _kinds(*resources: ResourceKey[Any] | ResourceKind[Any, Any]) -> frozenset[ResourceKind[Any, Any]]:
    return frozenset(r.kind if isinstance(r, ResourceKey) else r for r in resources)


_QUOTAS = _kinds(PROJECTS, DEPARTMENTS, NODE_POOLS)
"""Quota given out shows on projects, their departments and the pools' totals."""
_WORKLOAD_LISTS = _kinds(WORKLOADS, WORKLOAD_PAGES, WORKLOAD)
_SCHEDULING = _WORKLOAD_LISTS | _kinds(
    PROJECTS, DEPARTMENTS, NODE_POOLS, NODES, GPUS, NODE_GPUS, NODE_PODS, EVENTS
)
"""A workload that starts, stops or moves changes allocation everywhere, and leaves an event."""
_NODES = _SCHEDULING | _kinds(NODE_OBJECT)
_FILESYSTEMS = _kinds(
    FILESYSTEMS, SNAPSHOTS, ALERTS, WEKA_CLUSTER, DATA_MOUNTS, WORKLOAD_MOUNTS, EVENTS, SNAPSHOT_SCHEDULES
)
_SNAPSHOTS = _kinds(SNAPSHOTS, FILESYSTEMS, EVENTS)
_SCHEDULES = _kinds(SNAPSHOT_SCHEDULES)

INVALIDATES: Mapping[Action, frozenset[ResourceKind[Any, Any]]] = {
    Action.CREATE_PROJECT: _QUOTAS,
    Action.UPDATE_PROJECT_QUOTAS: _QUOTAS | _WORKLOAD_LISTS,  # over quota moves phases
    Action.DELETE_PROJECT: _QUOTAS | _SCHEDULING,  # its workloads go with it
    Action.UPDATE_DEPARTMENT_QUOTAS: _QUOTAS,
    Action.SUBMIT_WORKLOAD: _SCHEDULING,
    Action.SUSPEND_WORKLOAD: _SCHEDULING,
    Action.RESUME_WORKLOAD: _SCHEDULING,
    Action.DELETE_WORKLOAD: _SCHEDULING | _kinds(DATA_MOUNTS),
    Action.CORDON_NODE: _NODES,
    Action.UNCORDON_NODE: _NODES,
    Action.DRAIN_NODE: _NODES,
    Action.UNDRAIN_NODE: _NODES,
    Action.CREATE_FILESYSTEM_CLAIM: _kinds(DATA_MOUNTS, WORKLOAD_MOUNTS),  # a claim mounted unbound binds
    Action.CREATE_FILESYSTEM: _FILESYSTEMS,
    Action.RESIZE_FILESYSTEM: _FILESYSTEMS,
    Action.SET_FILESYSTEM_TIERING: _FILESYSTEMS,
    Action.DELETE_FILESYSTEM: _FILESYSTEMS,
    Action.CREATE_SNAPSHOT: _SNAPSHOTS,
    Action.DELETE_SNAPSHOT: _SNAPSHOTS,
    Action.RESTORE_SNAPSHOT: _SNAPSHOTS | _WORKLOAD_LISTS,  # may follow suspending its readers
    Action.UPLOAD_SNAPSHOT: _SNAPSHOTS,
    Action.CREATE_FILESYSTEM_FROM_SNAPSHOT: _FILESYSTEMS,
    Action.MUTE_ALERT: _kinds(ALERTS),
    Action.UNMUTE_ALERT: _kinds(ALERTS),
    Action.CREATE_SNAPSHOT_SCHEDULE: _SCHEDULES,
    Action.UPDATE_SNAPSHOT_SCHEDULE: _SCHEDULES,
    Action.DELETE_SNAPSHOT_SCHEDULE: _SCHEDULES,
    Action.RUN_SNAPSHOT_SCHEDULE: _SCHEDULES | _SNAPSHOTS,
    Action.PREFETCH_DATASET: _kinds(CLIENT_READS, GPU_USAGE, GPUS, NODE_GPUS),  # the reader is fed again
}


def invalidated_by(action: str) -> frozenset[ResourceKind[Any, Any]]:
    """The kinds `action` changes (every kind for an action the table does not know, to be safe)."""
    try:
        return INVALIDATES[Action(action)]
    except ValueError:
        return frozenset().union(*INVALIDATES.values())
