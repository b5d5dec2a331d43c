"""Running a burst plan (`burst_plan`): each step on its site's backend, one after another, each with its
progress and a clear end, so the user sees where the burst is and, when it stops, what exists on each site.

Pure of Textual: the screen starts `BurstRun.run` as a worker and redraws from `steps`, `ledger` and
`outcome` when `on_change` says so. Every call goes through the site's own backend as rwc builds it, so each
action is refused in `--read-only` and audited (with the site's name) before it is sent, like any other.

- **Steps, in order.** Snapshot every carried filesystem on the source → upload each snapshot to the bucket
  the target reads, waiting for its locator → create each filesystem on the target from its locator,
  waiting until it is ready → bind a claim per volume in the target project's namespace → submit the copy
  → (optionally) suspend the original on the source.
- **A failure stops there.** The failed step says why in the backend's words; the steps after it are
  skipped; nothing is undone behind the user's back (a half-made filesystem is deleted by nobody but the
  user) — instead the ledger lists everything the run made, on which site and in which state, so both sites
  are accounted for. Run it again after fixing the cause: the plan then picks fresh names.
- **Waiting** polls the site every `poll_seconds`. Uploads take as long as the bucket's bandwidth needs; a
  site that stops answering is retried until `MAX_POLL_FAILURES` in a row, then the step fails saying the
  upload or download goes on in WEKA. `cancel()` stops after the current call, and says the same.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from console.data.errors import RETRYABLE_ERRORS, ActionAccepted, BackendError, Conflict
from console.model import FilesystemFromSnapshotSpec, SnapshotSpec, StowStatus
from console.model.storage import ClaimSpec
from console.ui.burst_plan import BURST_SNAPSHOT_PREFIX, BurstPlan, CarriedFilesystem, is_uploaded
from console.ui.format import format_bytes
from console.ui.snapshot_names import stamped_snapshot_name

if TYPE_CHECKING:
    from console.data.backend import Backend
    from console.model import Filesystem, Snapshot

POLL_SECONDS = 2.0
MAX_POLL_FAILURES = 15
"""Consecutive failed polls (about half a minute at the default pace) before a wait gives up."""


class StepState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(slots=True)
class BurstStep:
    site: str
    title: str
    state: StepState = StepState.WAITING
    detail: str = ""
    """Progress while it runs ("41 % of 52.3 GiB"), the result when done, why when it failed."""


class BurstCancelled(Exception):
    """The user stopped the run; what was started goes on in WEKA."""


def snapshot_name(workload: str, now: datetime) -> str:
    """`burst-<workload>-<UTC time to the second>`: why it exists, when, and unique per run."""
    return stamped_snapshot_name(BURST_SNAPSHOT_PREFIX, workload, now, "%m%d-%H%M%S")


def error_words(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


class BurstRun:
    """One run of a plan over the two sites' backends."""

    def __init__(
        self,
        plan: BurstPlan,
        source: Backend,
        target: Backend,
        *,
        suspend_original: bool = False,
        poll_seconds: float | None = None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        if not plan.can_start:
            raise ValueError("a plan with problems cannot run")
        self.plan = plan
        self.source, self.target = source, target
        self.suspend_original = suspend_original
        self.poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self.on_change = on_change
        self.snapshot_name = snapshot_name(plan.workload.name, source.now())
        self.ledger: list[str] = []
        """What this run made, one line each, with its site and state ("on on-prem: snapshot …")."""
        self.outcome = ""
        self.finished = False
        self.failed = False
        self._cancelled = False
        self._snapshots: dict[str, Snapshot] = {}
        self._locators: dict[str, str] = {}
        self._steps = self._plan_steps()
        self.steps = [step for step, _action in self._steps]

    # -- the steps, as the user sees them before they run, each with what runs it -------------------------
    def _plan_steps(self) -> list[tuple[BurstStep, Callable[[BurstStep], Awaitable[str]]]]:
        plan = self.plan
        source, target = plan.source_site, plan.target_site
        name = self.snapshot_name
        steps: list[tuple[BurstStep, Callable[[BurstStep], Awaitable[str]]]] = []
        steps += [
            (BurstStep(source, f"snapshot {c.source.name} as {name}"), self._snapshot_action(c))
            for c in plan.filesystems
        ]
        steps += [
            (
                BurstStep(source, f"upload it to {c.bucket.name} ({c.upload_site.value.lower()})"),
                self._upload_action(c),
            )
            for c in plan.filesystems
        ]
        steps += [
            (
                BurstStep(
                    target, f"create filesystem {c.target_name} from the upload in {c.target_bucket.name}"
                ),
                self._create_action(c),
            )
            for c in plan.filesystems
        ]
        if plan.data_only or plan.spec is None:
            return steps
        steps += [
            (
                BurstStep(
                    target, f"bind claim {m.claim} to {m.filesystem}:/{m.path} ({_access(m.read_only)})"
                ),
                self._claim_action(number),
            )
            for number, m in enumerate(plan.mounts)
        ]
        spec = plan.spec
        steps.append((BurstStep(target, f"submit {spec.name} to project {spec.project_name}"), self._submit))
        if self.suspend_original:
            steps.append((BurstStep(source, f"suspend {plan.workload.name}"), self._suspend))
        return steps

    def cancel(self) -> None:
        self._cancelled = True

    # -- running ----------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Every step in order; never raises (a failure is the failed step's detail and the outcome)."""
        step = self.steps[0]
        try:
            for step, action in self._steps:
                if self._cancelled:
                    raise BurstCancelled()
                step.state = StepState.RUNNING
                self.on_change()
                step.detail = await action(step)
                step.state = StepState.DONE
                self.on_change()
        except BurstCancelled:
            self._stop(step, "stopped by you")
        except (BackendError, OSError, ValueError) as error:
            self._stop(step, error_words(error))
        except Exception as error:  # noqa: BLE001 - any failure is the step's, said, never a traceback
            self._stop(step, f"{type(error).__name__}: {error_words(error)}")
        else:
            self.outcome = self._done_words()
        self.finished = True
        self.on_change()

    def _done_words(self) -> str:
        plan = self.plan
        if plan.data_only or plan.spec is None:
            made = ", ".join(c.target_name for c in plan.filesystems)
            return f"{made} ready on {plan.target_site}, from {plan.source_site}'s {plan.workload.name} data"
        suspended = (
            f"; {plan.workload.name} is suspended on {plan.source_site}" if self.suspend_original else ""
        )
        return f"{plan.spec.name} is submitted on {plan.target_site}{suspended}"

    def _stop(self, failed: BurstStep, why: str) -> None:
        self.failed = True
        index = self.steps.index(failed)
        failed.state = StepState.FAILED
        failed.detail = why
        for later in self.steps[index + 1 :]:
            later.state = StepState.SKIPPED
        made = "; ".join(self.ledger) if self.ledger else "nothing was made on either site"
        self.outcome = f"stopped at step {index + 1} ({failed.title}): {why}. Made so far: {made}"

    # -- each action ---------------------------------------------------------------------------------------
    def _snapshot_action(self, carried: CarriedFilesystem) -> Callable[[BurstStep], Awaitable[str]]:
        async def take(step: BurstStep) -> str:
            spec = SnapshotSpec(filesystem_uid=carried.source.uid, name=self.snapshot_name)
            try:
                snapshot = await self.source.create_snapshot(spec)
            except ActionAccepted:
                snapshot = await self._find_snapshot(carried)
            self._snapshots[carried.source.name] = snapshot
            self.ledger.append(
                f"on {self.plan.source_site}: snapshot {snapshot.name} of {carried.source.name}"
            )
            return "taken"

        return take

    async def _find_snapshot(self, carried: CarriedFilesystem) -> Snapshot:
        for snapshot in await self.source.snapshots(carried.source.uid):
            if snapshot.name == self.snapshot_name:
                return snapshot
        raise BackendError(
            f"snapshot {self.snapshot_name} was accepted but is not listed on {carried.source.name}"
        )

    def _upload_action(self, carried: CarriedFilesystem) -> Callable[[BurstStep], Awaitable[str]]:
        async def upload(step: BurstStep) -> str:
            snapshot = self._snapshots[carried.source.name]
            await self._upload_when_free(step, carried, snapshot)
            index = len(self.ledger)
            self.ledger.append(
                f"on {self.plan.source_site}: upload of {snapshot.name} to {carried.bucket.name}"
            )
            since = carried.previous_upload
            step.detail = (
                f"incremental since {since.name}" if since is not None else "first upload: everything"
            )
            self.on_change()

            async def uploaded() -> bool:
                current = await self._find_snapshot(carried)
                locator = _locator(current, carried)
                if locator:
                    self._locators[carried.source.name] = locator
                    return True
                step.detail = _upload_progress(current, carried)
                return False

            await self._wait(uploaded, f"the upload goes on in WEKA ({self.plan.source_site})")
            self.ledger[index] = (
                f"on {self.plan.source_site}: snapshot {snapshot.name} uploaded to {carried.bucket.name}"
            )
            return f"in {carried.bucket.name}, locator {self._locators[carried.source.name]}"

        return upload

    async def _upload_when_free(
        self, step: BurstStep, carried: CarriedFilesystem, snapshot: Snapshot
    ) -> None:
        """Start the upload; WEKA runs one per filesystem and site, so while another (a schedule's) is
        running, wait for it to end (saying so) and start then."""
        while True:
            try:
                await self.source.upload_snapshot(snapshot.uid, carried.upload_site)
                return
            except ActionAccepted:
                return  # accepted: the polls show it
            except Conflict:
                busy = await self._other_upload(carried, snapshot)
                if busy is None:
                    raise
            step.detail = f"waiting for {busy.name} to finish uploading ({_upload_progress(busy, carried)})"
            self.on_change()

            async def other_done() -> bool:
                return await self._other_upload(carried, snapshot) is None

            await self._wait(other_done, "nothing of this burst was uploading yet")

    async def _other_upload(self, carried: CarriedFilesystem, ours: Snapshot) -> Snapshot | None:
        """Another snapshot of the filesystem uploading to the same site, if any."""
        for other in await self.source.snapshots(carried.source.uid):
            if other.uid == ours.uid:
                continue
            for upload in other.uploads:
                if upload.site == carried.upload_site.value and upload.status is StowStatus.UPLOADING:
                    return other
            if not other.uploads and other.stow_status is StowStatus.UPLOADING:
                return other
        return None

    def _create_action(self, carried: CarriedFilesystem) -> Callable[[BurstStep], Awaitable[str]]:
        async def create(step: BurstStep) -> str:
            spec = FilesystemFromSnapshotSpec(
                name=carried.target_name,
                group_name=carried.target_group,
                total_capacity_bytes=carried.total_capacity_bytes,
                ssd_capacity_bytes=carried.ssd_capacity_bytes,
                obs_bucket=carried.target_bucket.name,
                locator=self._locators[carried.source.name],
            )
            with contextlib.suppress(ActionAccepted):  # accepted: the polls below show it
                await self.target.create_filesystem_from_snapshot(spec)
            index = len(self.ledger)
            self.ledger.append(f"on {self.plan.target_site}: filesystem {carried.target_name} (creating)")
            step.detail = "creating (metadata comes down from the bucket; data stays there until read)"
            self.on_change()

            async def ready() -> bool:
                found = await self._target_filesystem(carried.target_name)
                if found is None:
                    raise BackendError(
                        f"{carried.target_name} is no longer listed on {self.plan.target_site}"
                    )
                return found.is_ready

            await self._wait(ready, f"the download goes on in WEKA ({self.plan.target_site})")
            self.ledger[index] = f"on {self.plan.target_site}: filesystem {carried.target_name} (ready)"
            return f"ready, {format_bytes(carried.total_capacity_bytes)} capacity"

        return create

    async def _target_filesystem(self, name: str) -> Filesystem | None:
        return next((fs for fs in await self.target.filesystems() if fs.name == name), None)

    def _claim_action(self, number: int) -> Callable[[BurstStep], Awaitable[str]]:
        mount = self.plan.mounts[number]

        async def bind(step: BurstStep) -> str:
            spec = ClaimSpec(
                project_name=self.plan.spec.project_name if self.plan.spec else "",
                claim=mount.claim,
                filesystem=mount.filesystem,
                capacity_bytes=mount.capacity_bytes,
                read_only=mount.read_only,
                path=mount.path,
            )
            await self.target.create_filesystem_claim(spec)
            where = self.plan.target_namespace or spec.project_name
            self.ledger.append(f"on {self.plan.target_site}: claim {mount.claim} in {where}")
            return f"bound, in {where}"

        return bind

    async def _submit(self, step: BurstStep) -> str:
        spec = self.plan.spec
        assert spec is not None
        try:
            workload = await self.target.submit_workload(spec)
        except ActionAccepted:
            self.ledger.append(f"on {self.plan.target_site}: workload {spec.project_name}/{spec.name}")
            return "accepted (reading it back failed; it shows on the next refresh)"
        self.ledger.append(f"on {self.plan.target_site}: workload {spec.project_name}/{spec.name}")
        return f"{workload.phase.value}"

    async def _suspend(self, step: BurstStep) -> str:
        workload = await self.source.suspend_workload(self.plan.workload.id)
        return f"{workload.phase.value}"

    async def _wait(self, done: Callable[[], Awaitable[bool]], still_going: str) -> None:
        failures = 0
        while True:
            if self._cancelled:
                raise BurstCancelled(still_going)
            try:
                if await done():
                    return
                failures = 0
            except RETRYABLE_ERRORS as error:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise BackendError(f"{error_words(error)}; {still_going}") from error
            self.on_change()
            await asyncio.sleep(self.poll_seconds)


def _access(read_only: bool) -> str:
    return "ro" if read_only else "rw"


def _locator(snapshot: Snapshot, carried: CarriedFilesystem) -> str:
    if not is_uploaded(snapshot, carried.upload_site):
        return ""
    for upload in snapshot.uploads:
        if upload.site == carried.upload_site.value:
            return upload.locator
    return snapshot.locator


def _upload_progress(snapshot: Snapshot, carried: CarriedFilesystem) -> str:
    """`41 % (21.4 GiB of 52.3 GiB)` where the API says bytes, else the percent, else the state."""
    for upload in snapshot.uploads:
        if upload.site != carried.upload_site.value:
            continue
        if upload.status is not StowStatus.UPLOADING:
            return upload.status.value.lower()
        percent = f"{upload.progress_percent:.0f} %" if upload.progress_percent is not None else "uploading"
        if upload.total_bytes is not None and upload.done_bytes is not None:
            return f"{percent} ({format_bytes(upload.done_bytes)} of {format_bytes(upload.total_bytes)})"
        return percent
    if snapshot.upload_progress_percent is not None:
        return f"{snapshot.upload_progress_percent:.0f} %"
    return snapshot.stow_status.value.lower()
