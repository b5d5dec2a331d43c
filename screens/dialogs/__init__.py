"""Modal dialogs every screen shares: y/n confirmation, type-the-name confirmation, forms, and the
snapshot upload's choice of site.

Action screens build on these instead of writing their own modals, so every destructive action asks
the same way and every form keeps the user's input when the backend refuses it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screens.dialogs.confirm import ConfirmDialog, confirm_then, confirm_then_run
    from screens.dialogs.form import FormField, FormScreen
    from screens.dialogs.type_name import TypeNameDialog
    from screens.dialogs.upload_site import UploadSiteDialog

__all__ = [
    "ConfirmDialog",
    "FormField",
    "FormScreen",
    "TypeNameDialog",
    "UploadSiteDialog",
    "confirm_then",
    "confirm_then_run",
]

_HOMES = {
    "ConfirmDialog": "screens.dialogs.confirm",
    "confirm_then": "screens.dialogs.confirm",
    "confirm_then_run": "screens.dialogs.confirm",
    "FormField": "screens.dialogs.form",
    "FormScreen": "screens.dialogs.form",
    "TypeNameDialog": "screens.dialogs.type_name",
    "UploadSiteDialog": "screens.dialogs.upload_site",
}


def __getattr__(name: str) -> Any:
    """Import a dialog's module when it is first asked for: importing `screens.dialogs.confirm` (on the
    start-up path) then does not load the forms and their widgets."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
