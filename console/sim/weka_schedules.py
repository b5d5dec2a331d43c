"""Snapshot schedules in the WEKA simulator: list, create, edit, delete and run once.

The simulator runs them as WEKA's snaptool would (`weka_engine.run_schedules`); this is the admin's side.
WEKA itself has no schedule API in the versions rwc's references cover (`console.model.schedules`), so
the texts here are rwc's own, in the API's style; refusals raise `console.data.errors` as WEKA's do.
Deleting a schedule keeps the snapshots it took (snaptool leaves them too): they are ordinary
snapshots then, deleted by hand.
"""

from __future__ import annotations

from datetime import datetime

from console.model import Identity, Snapshot
from console.model.schedules import (
    SnapshotSchedule,
    SnapshotScheduleSpec,
    next_run_after,
    validate_schedule,
)
from console.sim.weka_engine import run_schedule_now
from console.sim.weka_rules import FIELD_SITE, conflict, invalid, not_found, require_admin, validate_name
from console.sim.weka_state import ScheduleState
from console.sim.weka_store import WekaStore
from console.sim.weka_uploads import upload_target

RUN_ONCE_FORMAT = "%Y%m%d-%H%M%S"
"""A run-once snapshot is named to the second, so it never takes a scheduled period's name."""


class WekaSchedules:
    """Mixed into `WekaSim`; works on its `_store`."""

    _store: WekaStore

    def snapshot_schedules(self, filesystem_uid: str | None = None) -> list[SnapshotSchedule]:
        store = self._store
        return [
            schedule.to_domain(store.fs[schedule.fs_uid].name)
            for schedule in store.schedules
            if schedule.fs_uid in store.fs and filesystem_uid in (None, schedule.fs_uid)
        ]

    def snapshot_schedule(self, uid: str) -> SnapshotSchedule:
        schedule = self._schedule(uid)
        return schedule.to_domain(self._store.fs[schedule.fs_uid].name)

    def create_snapshot_schedule(self, actor: Identity, spec: SnapshotScheduleSpec) -> SnapshotSchedule:
        """A new schedule; its first run is the next period's start."""
        require_admin(actor, "create snapshot schedules")
        self._check(spec, None)
        store = self._store
        schedule = ScheduleState(store.new_uid(), spec, next_run_after(spec, store.now()))
        store.schedules.append(schedule)
        store.emit(
            "SnapshotScheduleAdded",
            "Filesystem",
            f"Snapshot schedule {spec.name} of filesystem {store.fs[spec.filesystem_uid].name} added",
            store.fs[spec.filesystem_uid].name,
        )
        return schedule.to_domain(store.fs[spec.filesystem_uid].name)

    def update_snapshot_schedule(
        self, actor: Identity, uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule:
        """New values; the next run follows the new timing. The snapshots it took stay its own, so a
        smaller `keep` deletes the oldest on the next tick."""
        require_admin(actor, "edit snapshot schedules")
        schedule = self._schedule(uid)
        if spec.filesystem_uid != schedule.fs_uid:
            invalid("A schedule stays with its filesystem; create one on the other filesystem instead.")
        self._check(spec, schedule)
        store = self._store
        if spec.name != schedule.spec.name:
            schedule.taken = []  # the old name's snapshots are no longer this schedule's history
        schedule.spec = spec
        schedule.next_due_at = next_run_after(spec, store.now())
        if not spec.upload_site:
            schedule.to_upload.clear()
        return schedule.to_domain(store.fs[spec.filesystem_uid].name)

    def delete_snapshot_schedule(self, actor: Identity, uid: str) -> None:
        """Stop it; the snapshots it took stay."""
        require_admin(actor, "delete snapshot schedules")
        schedule = self._schedule(uid)
        store = self._store
        store.schedules.remove(schedule)
        fs_name = store.fs[schedule.fs_uid].name
        store.emit(
            "SnapshotScheduleDeleted",
            "Filesystem",
            f"Snapshot schedule {schedule.spec.name} of filesystem {fs_name} deleted",
            fs_name,
        )

    def run_snapshot_schedule(self, actor: Identity, uid: str) -> Snapshot:
        """Take its snapshot now (and upload it, and trim, as a scheduled run would); the timing of the
        next scheduled run does not change."""
        require_admin(actor, "run snapshot schedules")
        schedule = self._schedule(uid)
        store = self._store
        fs = store.ready_fs(schedule.fs_uid)
        now: datetime = store.now()
        name = f"{schedule.spec.name}-{now:{RUN_ONCE_FORMAT}}"
        if name in fs.snapshot_names:
            conflict(f"Schedule {schedule.spec.name} already ran this second; try again in a moment.")
        snap = run_schedule_now(store, schedule, fs, now, now, name=name)
        if snap is None:  # pragma: no cover - the name was checked just above
            conflict(f"Schedule {schedule.spec.name} could not take its snapshot now.")
        return snap.to_domain()

    # -- rules ------------------------------------------------------------------------------------------
    def _schedule(self, uid: str) -> ScheduleState:
        found = next((s for s in self._store.schedules if s.uid == uid), None)
        return found if found is not None else not_found(f"Snapshot schedule {uid} does not exist.")

    def _check(self, spec: SnapshotScheduleSpec, current: ScheduleState | None) -> None:
        store = self._store
        fs = store.fs_state(spec.filesystem_uid)
        validate_name(spec.name, "Schedule")
        problem = validate_schedule(spec)
        if problem:
            invalid(problem)
        for other in store.schedules:
            if other is not current and other.fs_uid == fs.uid and other.spec.name == spec.name:
                conflict(f"Filesystem {fs.name} already has a snapshot schedule named {spec.name}.")
        if spec.upload_site is not None:
            site, _ = upload_target(fs, spec.upload_site.value)
            if site != spec.upload_site.value:
                invalid(
                    f"Filesystem {fs.name} has no {spec.upload_site.word} bucket attached; "
                    f"upload to the {site.lower()} one instead.",
                    FIELD_SITE,
                )
