"""`UploadPolling`: a snapshot view polls every second while an upload runs, then goes back to its rate.

The snapshots list and one snapshot's detail both show upload progress and rate; between polls at the
normal rate (seconds apart) the bar would stand still, so while anything uploads each asks again every
`UPLOAD_POLL_SECONDS`, and stops as soon as nothing does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.data.resources import SNAPSHOTS

if TYPE_CHECKING:
    from textual.timer import Timer

    from screens.base import RwcScreen

UPLOAD_POLL_SECONDS = 1.0
"""How often a view showing a running upload asks for the snapshots again."""


class UploadPolling:
    """The one-second poll of one screen, on while `follow(True)`, off after `follow(False)`."""

    def __init__(self, screen: RwcScreen) -> None:
        self._screen = screen
        self._timer: Timer | None = None

    def follow(self, uploading: bool) -> None:
        """Poll every second while an upload runs, back to the normal rate after."""
        if uploading and self._timer is None:
            self._timer = self._screen.set_interval(UPLOAD_POLL_SECONDS, self._poll)
        elif not uploading and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _poll(self) -> None:
        if self._screen.is_current:
            self._screen.context.bridge.refresh((SNAPSHOTS,))
