"""`TypeNameDialog`: confirm an irreversible action by typing the exact name of what it destroys.

A y/n is too easy to answer by reflex; typing `team-a` proves the user read which one (GitHub's
delete-repository dialog). A mismatch says so inline and does nothing; esc cancels.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from console.ui.keymap import TYPE_NAME_KEYS
from screens.dialogs.card import card_css
from screens.dialogs.confirm import typed_ahead_notice
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic


class TypeNameDialog(RwcModal[bool]):
    """Dismisses with True only when the typed text equals `expected_name`; False on esc."""

    KEYS = TYPE_NAME_KEYS
    CANCELLED = False
    ASKS_BEFORE_DESTROYING = True
    """Keys typed before the dialog was painted are ignored (`console.key_gate`), the name included."""

    DEFAULT_CSS = (
        card_css("TypeNameDialog", border="$error")
        + """
    TypeNameDialog #type-name-input {
        margin-top: 1;
    }
    TypeNameDialog #type-name-error {
        color: $error;
        height: auto;
    }
    TypeNameDialog #type-name-error.-empty {
        display: none;
    }
    TypeNameDialog #typed-ahead {
        color: $warning;
    }
    TypeNameDialog #typed-ahead.-empty {
        display: none;
    }
    TypeNameDialog #type-name-keys {
        color: $text-muted;
    }
    """
    )

    def __init__(self, title: str, explanation: str | Text, expected_name: str) -> None:
        super().__init__()
        self.dialog_title = title
        self.explanation = explanation
        self.expected_name = expected_name
        self.ignored_key_count = 0

    def compose(self) -> ComposeResult:
        frame = self.card(self.dialog_title)
        with frame:
            explanation = (
                self.explanation if isinstance(self.explanation, Text) else Text(self.explanation, end="")
            )
            yield SafeStatic(explanation, id="type-name-explanation")
            yield SafeStatic(
                Text.assemble("Type ", (self.expected_name, "bold"), " to confirm:", end=""),
                id="type-name-prompt",
            )
            yield Input(placeholder=self.expected_name, id="type-name-input", compact=True)
            yield SafeStatic("", id="type-name-error", classes="-empty")
            yield SafeStatic("", id="typed-ahead", classes="-empty")
            yield SafeStatic(
                Text.assemble(("⏎", "bold"), " Confirm   ", ("esc", "bold"), " Cancel", end=""),
                id="type-name-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#type-name-input", Input).focus()

    def typed_ahead_ignored(self, count: int) -> None:
        """Keys typed before this dialog appeared were not taken as the name; say so."""
        self.ignored_key_count += count
        notice = self.query_one("#typed-ahead", Static)
        notice.update(typed_ahead_notice(self.ignored_key_count))
        notice.remove_class("-empty")

    @property
    def typed(self) -> str:
        return self.query_one("#type-name-input", Input).value

    @on(Input.Submitted, "#type-name-input")
    def _submitted(self, message: Input.Submitted) -> None:
        message.stop()
        self.action_confirm()

    @on(Input.Changed, "#type-name-input")
    def _typed(self, message: Input.Changed) -> None:
        message.stop()
        self._show_error("")

    def action_confirm(self) -> None:
        """Exact match only: no trimming or case folding, since names differ by exactly those."""
        if self.typed == self.expected_name:
            self.dismiss(True)
        elif not self.typed:
            self._show_error(f"Type {self.expected_name} to confirm, or esc to cancel.")
        else:
            self._show_error(f"That is not {self.expected_name!r}; nothing was changed.")

    def _show_error(self, message: str) -> None:
        error = self.query_one("#type-name-error", Static)
        error.update(Text(message, end=""))
        error.set_class(not message, "-empty")
