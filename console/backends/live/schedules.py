"""`LiveSchedules`: snapshot schedules through the profile's WEKA client (mixed into `LiveBackend`, which
keeps `_require_weka`; a module of its own so `backend.py` stays within its size)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.backends.live.weka import WekaClient
    from console.model import Snapshot
    from console.model.schedules import SnapshotSchedule, SnapshotScheduleSpec


class LiveSchedules:
    """Schedules live on the WEKA face (`console.wire.weka.schedules`); a profile without WEKA has none."""

    if TYPE_CHECKING:

        def _require_weka(self) -> WekaClient: ...

    async def snapshot_schedules(self) -> Sequence[SnapshotSchedule]:
        return await self._require_weka().snapshot_schedules()

    async def create_snapshot_schedule(self, spec: SnapshotScheduleSpec) -> SnapshotSchedule:
        return await self._require_weka().create_snapshot_schedule(spec)

    async def update_snapshot_schedule(
        self, schedule_uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule:
        return await self._require_weka().update_snapshot_schedule(schedule_uid, spec)

    async def delete_snapshot_schedule(self, schedule_uid: str) -> None:
        await self._require_weka().delete_snapshot_schedule(schedule_uid)

    async def run_snapshot_schedule(self, schedule_uid: str) -> Snapshot:
        return await self._require_weka().run_snapshot_schedule(schedule_uid)
