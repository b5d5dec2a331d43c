"""`DemoSchedules`: the demo backend's snapshot schedules, from the simulator (mixed into `DemoBackend`,
which keeps `_run` and `identity_now`; a module of its own so `demo.py` stays one screen of methods)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from console.model import Identity, Snapshot
    from console.model.schedules import SnapshotSchedule, SnapshotScheduleSpec
    from console.sim.simulator import Simulator

T = TypeVar("T")


class DemoSchedules:
    """List, create, edit, delete and run once, acting as the demo's user."""

    if TYPE_CHECKING:

        @property
        def identity_now(self) -> Identity: ...

        def _run(self, work: Callable[[Simulator], T], *, sync: bool = True) -> Awaitable[T]: ...

    async def snapshot_schedules(self) -> Sequence[SnapshotSchedule]:
        return await self._run(lambda simulator: simulator.weka.snapshot_schedules())

    async def create_snapshot_schedule(self, spec: SnapshotScheduleSpec) -> SnapshotSchedule:
        return await self._run(
            lambda simulator: simulator.weka.create_snapshot_schedule(self.identity_now, spec)
        )

    async def update_snapshot_schedule(
        self, schedule_uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule:
        return await self._run(
            lambda simulator: simulator.weka.update_snapshot_schedule(self.identity_now, schedule_uid, spec)
        )

    async def delete_snapshot_schedule(self, schedule_uid: str) -> None:
        await self._run(
            lambda simulator: simulator.weka.delete_snapshot_schedule(self.identity_now, schedule_uid)
        )

    async def run_snapshot_schedule(self, schedule_uid: str) -> Snapshot:
        return await self._run(
            lambda simulator: simulator.weka.run_snapshot_schedule(self.identity_now, schedule_uid)
        )
