"""Modal dialogs every screen shares: y/n confirmation, type-the-name confirmation, and forms.

Action screens build on these instead of writing their own modals, so every destructive action asks
the same way and every form keeps the user's input when the backend refuses it.
"""

from screens.dialogs.confirm import ConfirmDialog, confirm_then
from screens.dialogs.form import FormField, FormScreen
from screens.dialogs.type_name import TypeNameDialog

__all__ = ["ConfirmDialog", "FormField", "FormScreen", "TypeNameDialog", "confirm_then"]
