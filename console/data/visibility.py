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
    from console.model import Alert, GpuAllocation, GpuDevice, Identity

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


class OwnProjectsOnly(ForwardingBackend):
    """The backend as a researcher may see it (see the module docstring)."""

    async def gpus(self, node_name: str | None = None) -> Sequence[GpuDevice]:
        devices = await self.inner.gpus(node_name)
        return visible_gpus(devices, await self.identity())

    async def alerts(self) -> Sequence[Alert]:
        alerts = await self.inner.alerts()
        return visible_alerts(alerts, await self.identity())
