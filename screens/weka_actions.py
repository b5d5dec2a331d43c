"""What the Filesystems and Snapshots screens share for their change keys: the palette's read-only refusal.

Under `--read-only` the keys are dimmed (`RwcScreen.check_action` with `WRITE_ACTIONS`), but the command
palette runs actions without asking `check_action`; this refuses those with the same words as a toast
before any form opens. The data layer (`ReadOnlyBackend`) refuses on its own as well, so neither is the
only guard.
"""

from __future__ import annotations

from console.data.errors import ReadOnlyError
from screens.base import ResourceScreen


class WekaActionScreen(ResourceScreen):
    """A resource screen whose `WRITE_ACTIONS` change WEKA state."""

    def refused_read_only(self) -> bool:
        """True (after saying so) when rwc runs read-only; called first in every write action."""
        if self.context.read_only:
            self.notify(ReadOnlyError.default_message, severity="warning")
            return True
        return False
