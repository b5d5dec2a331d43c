"""`RwcModal`: what every rwc dialog shares, so none of them writes it again.

- `KEYS`, the dialog's entries of the key registry (`console.ui.keymap`): `BINDINGS` derive from them, as
  they do for screens, so help and the footer name the same keys the dialog answers to.
- `CANCELLED`, what esc dismisses with (False for a question, None for a choice or a form).
- `card(title)`, the bordered card a dialog composes into, its title drawn as text: a name from an API
  in a title can never be read as markup (`[/]`) or write escapes to the terminal.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from console.ui.keymap import KeyAction
from console.ui.safe_text import visible
from widgets.bindings import bindings_for

R = TypeVar("R")


class RwcModal(ModalScreen[R], Generic[R]):
    """A modal dialog with registry keys, an esc that means "cancel", and a card with a safe title."""

    KEYS: ClassVar[tuple[KeyAction, ...]] = ()
    """This dialog's keys (`action_cancel` is the one every dialog has)."""
    CANCELLED: ClassVar[Any] = None
    """What `action_cancel` (esc) dismisses with."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "KEYS" in cls.__dict__:
            cls.BINDINGS: list[BindingType] = bindings_for(cls.KEYS)  # type: ignore[misc]
        super().__init_subclass__(**kwargs)

    @staticmethod
    def card(title: str) -> Vertical:
        """The dialog's card (styled by `screens.dialogs.card.card_css`), `title` on its border as text."""
        frame = Vertical()
        frame.border_title = Text(visible(title), end="")  # API names: text, not markup
        return frame

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)
