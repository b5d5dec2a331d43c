"""Checkpoint a workload (`c` on a workload): suspend it, snapshot every WEKA filesystem it writes to,
optionally upload those snapshots, and resume it — one confirmed action, with a toast per step and a
clear end.

Why in this order: a snapshot of a filesystem a training is still writing to catches half-written
checkpoint files; suspended, its pods have stopped and the data is at rest. The snapshots are named
`ckpt-<workload>-<UTC time>` so they sort together in the snapshot list. Every step is a backend action,
audited like any other. If a step fails after the suspend, the workload is left suspended (⇧r resumes it)
and the toast says which step failed and why; nothing is retried behind the user's back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.notifications import SeverityLevel
from textual.screen import Screen

from console.data.backend import Backend
from console.data.errors import BackendError
from console.model import BucketMode, Filesystem, SnapshotSpec, UploadSite, Workload, WorkloadPhase
from console.ui.snapshot_names import stamped_snapshot_name
from screens.context import ConsoleContext
from screens.dialogs.choose import ChooseDialog

STOP_WAIT_SECONDS = 180.0
"""How long (real seconds) the checkpoint waits for the suspended workload's pods to stop."""
STOP_POLL_SECONDS = 2.0
SNAPSHOTS_ONLY = "snapshots"
WITH_UPLOAD = "upload"


@dataclass(frozen=True, slots=True)
class CheckpointPlan:
    workload: Workload
    filesystems: tuple[Filesystem, ...]
    """The WEKA filesystems it mounts read-write."""
    snapshot_name: str

    def upload_site(self, filesystem: Filesystem) -> UploadSite | None:
        """Where an upload of its snapshot goes: the local (tiering) bucket, else the remote one."""
        modes = {bucket.mode for bucket in filesystem.buckets}
        if BucketMode.WRITABLE in modes:
            return UploadSite.LOCAL
        if BucketMode.REMOTE in modes:
            return UploadSite.REMOTE
        return None


def snapshot_name(workload_name: str, at: datetime) -> str:
    """`ckpt-llama3-8b-sft-1123-0912`: the workload's name cut to fit WEKA's 32 characters with the time."""
    return stamped_snapshot_name("ckpt", workload_name, at)


async def plan_checkpoint(backend: Backend, workload: Workload) -> CheckpointPlan:
    """What a checkpoint of `workload` would snapshot (raises `BackendError` when that cannot be known)."""
    mounts = await backend.workload_mounts(workload.id)
    written = {m.location.filesystem for m in mounts if m.location is not None and not m.read_only}
    filesystems = tuple(fs for fs in await backend.filesystems() if fs.name in written)
    return CheckpointPlan(workload, filesystems, snapshot_name(workload.name, backend.now()))


def plan_lines(plan: CheckpointPlan) -> Text:
    names = ", ".join(fs.name for fs in plan.filesystems)
    return Text.assemble(
        "1. suspend ",
        (plan.workload.name, "bold"),
        " (its pods stop: the data is at rest)\n2. snapshot ",
        (names, "bold"),
        " as ",
        (plan.snapshot_name, "bold"),
        "\n3. upload them, if chosen (the local bucket, else the remote one)\n4. resume it",
        end="",
    )


class Checkpoint:
    """Runs one plan on a screen: each step's toast, and the end state in words."""

    def __init__(
        self, screen: Screen[Any], context: ConsoleContext, plan: CheckpointPlan, upload: bool
    ) -> None:
        self.screen = screen
        self.backend = context.backend
        self.plan = plan
        self.upload = upload
        self.title = f"Checkpoint {plan.workload.name}"

    def _say(self, message: str, severity: SeverityLevel = "information") -> None:
        self.screen.notify(message, title=self.title, severity=severity, timeout=6)

    async def run(self) -> None:
        workload, backend = self.plan.workload, self.backend
        try:
            await backend.suspend_workload(workload.id)
        except BackendError as error:
            self._say(f"Not suspended: {error}. Nothing was changed.", "error")
            return
        self._say(f"1/4 suspending {workload.name}…")
        step = "2/4 snapshot"
        try:
            await self._wait_until_stopped()
            taken = []
            for filesystem in self.plan.filesystems:
                spec = SnapshotSpec(filesystem.uid, self.plan.snapshot_name, self.plan.snapshot_name)
                taken.append((filesystem, await backend.create_snapshot(spec)))
            self._say(f"2/4 snapshots taken: {', '.join(fs.name for fs, _ in taken)}")
            step = "3/4 upload"
            uploads = []
            if self.upload:
                for filesystem, snapshot in taken:
                    site = self.plan.upload_site(filesystem)
                    if site is not None:
                        await backend.upload_snapshot(snapshot.uid, site)
                        uploads.append(f"{filesystem.name} to {site.lower()}")
            step = "4/4 resume"
            await backend.resume_workload(workload.id)
        except (BackendError, TimeoutError) as error:
            self._say(f"Stopped at {step}: {error}. {workload.name} stays suspended: ⇧r resumes it.", "error")
            return
        uploaded = f"; uploading {', '.join(uploads)}" if uploads else ""
        self._say(
            f"Done: {self.plan.snapshot_name} of {', '.join(fs.name for fs, _ in taken)}{uploaded}; resumed."
        )

    async def _wait_until_stopped(self) -> None:
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while True:
            try:
                phase = (await self.backend.workload(self.plan.workload.id)).phase
            except BackendError:
                phase = None
            if phase is WorkloadPhase.STOPPED:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"its pods had not stopped after {STOP_WAIT_SECONDS:.0f}s")
            await asyncio.sleep(STOP_POLL_SECONDS)


async def ask_checkpoint(screen: Screen[Any], context: ConsoleContext, workload: Workload) -> None:
    """Plan, ask (snapshots only, or with uploads; esc: nothing), then run in a worker."""
    try:
        plan = await plan_checkpoint(context.backend, workload)
    except BackendError as error:
        screen.notify(
            f"Cannot tell what it writes: {error}", title=f"Checkpoint {workload.name}", severity="error"
        )
        return
    if not plan.filesystems:
        screen.notify(
            f"{workload.name} writes to no WEKA filesystem: nothing to checkpoint.",
            title=f"Checkpoint {workload.name}",
            timeout=5,
        )
        return
    options: Sequence[tuple[str, Text]] = (
        (SNAPSHOTS_ONLY, Text("Suspend, snapshot, resume", end="")),
        (WITH_UPLOAD, Text("Suspend, snapshot, upload the snapshots, resume", end="")),
    )

    def chosen(choice: str | None) -> None:
        if choice is None:
            screen.notify(f"Checkpoint of {workload.name} cancelled.", timeout=3)
            return
        runner = Checkpoint(screen, context, plan, upload=choice == WITH_UPLOAD)
        screen.run_worker(runner.run(), group="checkpoint", exit_on_error=False)

    question = plan_lines(plan)
    screen.app.push_screen(
        ChooseDialog(f"Checkpoint {workload.name}", question.plain, options, SNAPSHOTS_ONLY), chosen
    )
