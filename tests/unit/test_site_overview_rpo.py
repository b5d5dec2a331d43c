"""The `:sites` RPO cell reads each filesystem against its own target (its schedules'), and shows the one
furthest past it: on-prem's `models`, 2d18h since its last off-cluster copy against a 1-day target, not
the hourly-uploaded filesystems, each within its 2-hour target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.text import Text

from console.data.store import ResourceState
from console.model import WekaClusterStatus
from console.model.capacity import GpuCapacity
from console.sim.scenarios import build_simulator
from console.ui.palette import CellPalette
from console.ui.site_overview import (
    SITE_COLUMNS,
    SiteFacts,
    SiteOverview,
    WekaFigures,
    site_row,
    weka_figures,
    worst_uploads,
)


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


def test_the_rpo_cell_ages_and_turns_red_between_readings() -> None:
    """Drawn later than it was read, the age is the age now, and a copy that has passed its target since
    the reading is red, without waiting for the next overview (15 s, or 60 s for a site not open)."""
    read_at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    figures = WekaFigures(
        "weka-prod",
        WekaClusterStatus.OK,
        1,
        2,
        0,
        read_at - timedelta(hours=1),
        0,
        0,
        worst_target_seconds=7200.0,
    )
    assert figures.worst_upload_at is not None
    overview = SiteOverview("c", "2.20.0", "Connected", GpuCapacity(0.0, 0, 0), 0, 0.0, False, 0, figures)
    facts = SiteFacts("on-prem", "", True, ResourceState(name="overview", value=overview))
    palette = CellPalette.plain()
    rpo_column = [column.key for column in SITE_COLUMNS].index("rpo")

    now_cell = site_row(facts, palette, read_at).cells[rpo_column]
    later = figures.worst_upload_at + timedelta(seconds=figures.worst_target_seconds + 60)
    later_cell = site_row(facts, palette, later).cells[rpo_column]

    assert isinstance(now_cell, Text) and isinstance(later_cell, Text)
    assert now_cell.plain != later_cell.plain
    assert palette.error not in {span.style for span in now_cell.spans} and now_cell.style != palette.error
    assert later_cell.style == palette.error or palette.error in {span.style for span in later_cell.spans}
    assert worst_uploads([facts]) == [figures.worst_upload_at]
