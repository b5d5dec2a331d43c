"""Upload a snapshot to the site its filesystem has a bucket for, asking which when it has both: `u` on
Snapshots, and on the RPO view (the newest snapshot not yet copied off the cluster).

The filesystem's buckets are fetched here (neither screen polls them) so the choice follows what is
attached now; the API still refuses what cannot upload (writable, busy, being deleted) in its own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen
from textual.worker import Worker

from console.data.errors import BackendError
from console.model import ObjectStoreBucket, Snapshot
from screens.action_runner import run_action
from screens.context import ConsoleContext
from screens.dialogs.upload_site import LOCAL, REMOTE, UploadSiteDialog, UploadTarget, upload_targets


async def upload_snapshot_to_its_site(
    screen: Screen[Any], context: ConsoleContext, snapshot: Snapshot
) -> None:
    backend = context.backend
    title = f"Upload {snapshot.name}"
    try:
        filesystems = await backend.filesystems()
    except BackendError as error:
        screen.notify(str(error), title=title, severity="error", timeout=8, markup=False)
        return
    filesystem = next((f for f in filesystems if f.uid == snapshot.filesystem_uid), None)
    if filesystem is None:
        screen.notify(
            f"Filesystem {snapshot.filesystem_name} of snapshot {snapshot.name} no longer exists.",
            title=title,
            severity="error",
            timeout=8,
            markup=False,
        )
        return
    try:
        buckets: Sequence[ObjectStoreBucket] = await backend.buckets()
    except BackendError:
        buckets = ()  # only the dialog's detail lines need them; the bucket names are on the filesystem
    targets = upload_targets(filesystem, buckets)
    if not targets:
        screen.notify(
            f"Snapshot {snapshot.name} cannot be uploaded: filesystem {filesystem.name} has no "
            "object-store bucket attached. Attach a local (tiering) bucket to it on Filesystems (t), "
            "or a remote one with WEKA's own tools, first.",
            title=title,
            severity="error",
            timeout=8,
            markup=False,
        )
        return
    if len(targets) == 1:
        (target,) = targets.values()
        # Not awaited: the upload is an action like any other, and keys must not wait for its answer.
        start_upload(screen, context, snapshot, target)
        return

    def answered(site: str | None) -> None:
        if site is not None and site in targets:
            start_upload(screen, context, snapshot, targets[site])

    screen.app.push_screen(
        UploadSiteDialog(snapshot.name, filesystem.name, targets[LOCAL], targets[REMOTE]), answered
    )


def start_upload(
    screen: Screen[Any], context: ConsoleContext, snapshot: Snapshot, target: UploadTarget
) -> Worker[Snapshot | None]:
    """The upload itself, with the site always sent (and so in the audit line), never left to WEKA."""
    backend = context.backend
    return run_action(
        screen,
        f"Upload {snapshot.name} to {target.buckets}",
        lambda: backend.upload_snapshot(snapshot.uid, target.site),
        success=(
            f"Upload of {snapshot.name} of {snapshot.filesystem_name} to {target.buckets} "
            f"({target.word}) started."
        ),
    )
