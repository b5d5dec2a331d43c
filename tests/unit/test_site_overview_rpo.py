"""The `:sites` RPO cell reads each filesystem against its own target (its schedules'), and shows the one
furthest past it: on-prem's `models`, 2d18h since its last off-cluster copy against a 1-day target, not
the hourly-uploaded filesystems, each within its 2-hour target."""

from __future__ import annotations

from console.sim.scenarios import build_simulator
from console.ui.site_overview import weka_figures


def test_the_worst_filesystem_is_read_against_its_own_target() -> None:
    sim = build_simulator("demo", 7)
    weka = sim.weka
    now = weka.now()
    filesystems, snapshots = weka.filesystems(), weka.snapshots()
    schedules = weka.snapshot_schedules()

    figures = weka_figures(now, weka.cluster(), filesystems, snapshots, schedules)

    models = next(fs for fs in filesystems if fs.name == "models")
    newest_models_upload = max(
        s.created_at for s in snapshots if s.filesystem_uid == models.uid and s.uploads
    )
    assert figures.worst_upload_at == newest_models_upload
    assert figures.worst_target_seconds == 24 * 3600
    assert figures.past_rpo >= 1

    # The hourly uploading schedules give datasets, checkpoints and home a 2-hour target: within it.
    hourly = weka_figures(now, weka.cluster(), filesystems, snapshots, schedules)
    assert hourly.past_rpo == 1
