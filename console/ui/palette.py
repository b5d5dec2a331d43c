"""Rich styles for table cells, taken from the active Textual theme.

Cells are `rich.text.Text`, which cannot use CSS variables; reading the colours from the theme keeps
cells in step with `themes/` (and grey under the monochrome theme). State is always spelled in words or
symbols too, so a cell reads the same when colour is stripped (NO_COLOR, `--no-color`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

from dataclasses import dataclass

from rich.style import Style

from console.model import WorkloadPhase


@dataclass(frozen=True, slots=True)
class CellPalette:
    """The handful of meanings a cell can carry: good, warning, bad, quiet, highlighted."""

    ok: Style
    warning: Style
    error: Style
    muted: Style
    accent: Style
    segments: tuple[Style, ...]
    """Distinct styles for the shares of one GPU bar (each share also has its own glyph)."""

    @classmethod
    def plain(cls) -> CellPalette:
        """No colour at all: emphasis by weight only (used before a theme is known, and for mono)."""
        return cls(
            ok=Style(),
            warning=Style(bold=True),
            error=Style(bold=True, reverse=True),
            muted=Style(dim=True),
            accent=Style(bold=True),
            segments=(Style(), Style(bold=True), Style(dim=True)),
        )

    @classmethod
    def from_app(cls, app: App[object]) -> CellPalette:
        """The palette of `app`'s current theme; the monochrome theme asks for `plain()`."""
        variables = app.theme_variables or app.get_css_variables()
        if variables.get("rwc-monochrome") == "true":
            return cls.plain()

        def color(name: str, fallback: str) -> Style:
            return Style(color=variables.get(name, fallback))

        return cls(
            ok=color("success", "green"),
            warning=color("warning", "yellow"),
            error=Style(color=variables.get("error", "red"), bold=True),
            muted=Style(dim=True),
            accent=color("accent", "cyan"),
            segments=(
                color("primary", "blue"),
                color("accent", "magenta"),
                color("secondary", "cyan"),
            ),
        )


_WAITING_PHASES = frozenset(
    {
        WorkloadPhase.PENDING,
        WorkloadPhase.CREATING,
        WorkloadPhase.INITIALIZING,
        WorkloadPhase.RESUMING,
        WorkloadPhase.STOPPING,
        WorkloadPhase.UPDATING,
        WorkloadPhase.DEGRADED,
        WorkloadPhase.TERMINATING,
        WorkloadPhase.DELETING,
    }
)
_BAD_PHASES = frozenset({WorkloadPhase.FAILED, WorkloadPhase.UNKNOWN})


def phase_style(phase: WorkloadPhase, palette: CellPalette) -> Style:
    """Colour for a workload phase; the phase word is always shown, so colour only reinforces it."""
    if phase is WorkloadPhase.RUNNING:
        return palette.ok
    if phase in _BAD_PHASES:
        return palette.error
    if phase in _WAITING_PHASES:
        return palette.warning
    return palette.muted
