"""Researchers see only what the API shows them: other projects' names stay out of their screens.

Run:ai lists a researcher only their own projects' workloads, but GPU holders come from Kubernetes
pods and alerts from every source, which may name workloads of any project. `OwnProjectsOnly` wraps
a backend and, for a researcher, replaces what those answers say of a project the researcher is not
in with "another project": the GPU is still shown held (its share, memory and MIG slice count, so
totals stay right), the alert is still counted, only the names are gone. Admins see everything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from console.data.readonly import ForwardingBackend

if TYPE_CHECKING:
    from console.model import Alert, GpuAllocation, GpuDevice, Identity, NodePod
    from console.model.events import Event, EventFilter, EventObject

ANOTHER_PROJECT = "another project"
"""What a researcher reads in place of a project (and its workload) they may not see."""


def may_see(identity: Identity, project_name: str | None) -> bool:
    """Admins see every project; a researcher the projects they are a member of."""
    return identity.is_admin or project_name is None or project_name in identity.project_names


def hide_allocation(allocation: GpuAllocation) -> GpuAllocation:
    return dataclasses.replace(
        allocation, workload_id="", workload_name=ANOTHER_PROJECT, project_name=ANOTHER_PROJECT
    )


def visible_gpus(devices: Sequence[GpuDevice], identity: Identity) -> list[GpuDevice]:
    """`devices` with every holder of a project `identity` may not see named "another project"."""
    if identity.is_admin:
        return list(devices)
    shown: list[GpuDevice] = []
    for device in devices:
        if all(may_see(identity, allocation.project_name) for allocation in device.allocations):
            shown.append(device)
            continue
        allocations = tuple(
            allocation if may_see(identity, allocation.project_name) else hide_allocation(allocation)
            for allocation in device.allocations
        )
        shown.append(dataclasses.replace(device, allocations=allocations))
    return shown


def visible_node_pods(pods: Sequence[NodePod], identity: Identity) -> list[NodePod]:
    """`pods` with each Run:ai pod of a project `identity` may not see unnamed (its name, namespace and
    workload say whose it is); its phase and GPUs stay, and other pods (system, DaemonSets) are shown."""
    if identity.is_admin:
        return list(pods)
    return [
        pod
        if not pod.is_runai or may_see(identity, pod.project_name)
        else dataclasses.replace(
            pod,
            name=ANOTHER_PROJECT,
            namespace="",
            workload_id="",
            workload_name=ANOTHER_PROJECT,
            project_name=ANOTHER_PROJECT,
        )
        for pod in pods
    ]


def visible_alerts(alerts: Sequence[Alert], identity: Identity) -> list[Alert]:
    """`alerts` with those about a project `identity` may not see kept (counted) but unnamed."""
    if identity.is_admin:
        return list(alerts)
    return [
        alert
        if may_see(identity, alert.project_name)
        else dataclasses.replace(
            alert,
            title="A workload of another project is Degraded"
            if "Degraded" in alert.title
            else f"An alert about {ANOTHER_PROJECT}",
            description=f"{ANOTHER_PROJECT}: details are visible to its members and to administrators.",
            project_name=ANOTHER_PROJECT,
        )
        for alert in alerts
    ]


def _hidden_object(side: EventObject) -> EventObject:
    """The object with its name and project gone (its kind and node stay: a node is not a project's)."""
    return dataclasses.replace(side, name=ANOTHER_PROJECT, project=ANOTHER_PROJECT, id="")


def visible_event(event: Event, identity: Identity) -> Event:
    """`event` as `identity` may read it: a workload of another project is "another project", and the
    message (which names it) is replaced; a preemption by another project still says it was preempted."""
    subject, counterpart = event.subject, event.counterpart
    subject_hidden = not may_see(identity, subject.project)
    counterpart_hidden = counterpart is not None and not may_see(identity, counterpart.project)
    if not (subject_hidden or counterpart_hidden):
        return event
    if subject_hidden:
        message = f"{ANOTHER_PROJECT}: details are visible to its members and to administrators."
    else:
        message = f"{event.reason} by a workload of {ANOTHER_PROJECT}."
    return dataclasses.replace(
        event,
        message=message,
        subject=_hidden_object(subject) if subject_hidden else subject,
        counterpart=_hidden_object(counterpart)
        if counterpart is not None and counterpart_hidden
        else counterpart,
    )


def visible_events(events: Sequence[Event], identity: Identity) -> list[Event]:
    """`events` with every object of a project `identity` may not see named "another project" (kept:
    a researcher may see that their workload was preempted, and that something happened on a node)."""
    if identity.is_admin:
        return list(events)
    return [visible_event(event, identity) for event in events]


class OwnProjectsOnly(ForwardingBackend):
    """The backend as a researcher may see it (see the module docstring)."""

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        devices = await self.inner.gpus(node_name)
        return visible_gpus(devices, await self.identity())

    async def node_pods(self, node_name: str) -> Sequence[NodePod]:
        pods = await self.inner.node_pods(node_name)
        return visible_node_pods(pods, await self.identity())

    async def alerts(self) -> Sequence[Alert]:
        alerts = await self.inner.alerts()
        return visible_alerts(alerts, await self.identity())

    async def events(self, event_filter: EventFilter | None = None) -> Sequence[Event]:
        events = await self.inner.events(event_filter)
        return visible_events(events, await self.identity())
