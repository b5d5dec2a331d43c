"""A workload's spec as submitted, from Run:ai's typed route (`GET /api/v1/workloads/{trainings,workspaces,
distributed,inferences}/{workloadId}`), for what the generic `/api/v1/workloads/{id}` does not carry: the
claims it mounts (`spec.storage.pvc[]`). rwc follows a running workload's volumes through its pods; a
suspended one has none, and this is where its volumes still are (the data path, a burst of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from console.wire import runai as wire

if TYPE_CHECKING:
    from console.backends.live.runai_api import RunaiApi
    from console.model.runai import Workload
    from console.model.storage import VolumeSpec


class RunaiWorkloadSpecs:
    """Reads of the typed workload routes."""

    def __init__(self, api: RunaiApi) -> None:
        self._api = api

    async def volumes(self, workload: Workload) -> tuple[VolumeSpec, ...]:
        """The claims `workload` was submitted to mount (none when its spec names none)."""
        segment = wire.SEGMENTS[workload.type]
        body = await self._api.get(f"/api/v1/workloads/{segment}/{quote(workload.id, safe='')}")
        return wire.volumes_in_answer(body)
