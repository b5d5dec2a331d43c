"""`ConfirmDialog`: a y/n question over the current screen, with an optional list of what it affects.

Cheap actions (cordon) and costly ones (drain, delete) ask the same way; the body lists what will
change (the workloads a drain moves) so the user answers knowing the blast radius.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from console.ui.keymap import CONFIRM_KEYS
from screens.action_runner import run_action
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic

BodyLine = str | Text
"""A line of the body; plain strings are shown literally (never parsed as markup)."""


def confirm_then(screen: Screen[Any], dialog: ModalScreen[bool], then: Callable[[], object]) -> None:
    """Show `dialog` (a `ConfirmDialog` or `TypeNameDialog`) over `screen`; call `then()` only on a yes.

    Every asking action pushes its question the same way, so a no (or esc) never runs anything.
    """

    def answered(confirmed: bool | None) -> None:
        if confirmed:
            then()

    screen.app.push_screen(dialog, answered)


T = TypeVar("T")


def confirm_then_run(
    screen: Screen[Any],
    dialog: ModalScreen[bool],
    label: str,
    call: Callable[[], Awaitable[T]],
    *,
    success: str,
) -> None:
    """Ask with `dialog`; on a yes, run `call` as the action `label` (`run_action`: notified, never
    raising)."""
    confirm_then(screen, dialog, lambda: run_action(screen, label, call, success=success))


def as_text(line: BodyLine) -> Text:
    """Plain strings become `Text` as-is, so a name with `[` from an API cannot break the markup."""
    return line if isinstance(line, Text) else Text(line, end="")


def typed_ahead_notice(count: int) -> Text:
    """The line a destructive question shows after ignoring keys typed before it appeared."""
    keys = "key" if count == 1 else "keys"
    return Text(f"Ignored {count} {keys} typed before this question appeared. Answer now.", end="")


class ConfirmDialog(RwcModal[bool]):
    """Dismisses with True on y/enter and False on n/esc.

    Only keys pressed after the question was painted count (`console.key_gate`): a `y` typed
    ahead in a burst never confirms; the dialog says how many keys it ignored.
    """

    KEYS = CONFIRM_KEYS
    CANCELLED = False
    ASKS_BEFORE_DESTROYING = True

    DEFAULT_CSS = (
        card_css("ConfirmDialog")
        + """
    ConfirmDialog.-danger > Vertical {
        border: round $error;
    }
    ConfirmDialog VerticalScroll {
        height: auto;
        max-height: 16;
    }
    ConfirmDialog #confirm-keys {
        margin-top: 1;
        color: $text-muted;
    }
    ConfirmDialog #typed-ahead {
        color: $warning;
    }
    ConfirmDialog #typed-ahead.-empty {
        display: none;
    }
    """
    )

    def __init__(
        self,
        title: str,
        body_lines: Sequence[BodyLine],
        confirm_label: str = "Yes",
        danger: bool = False,
    ) -> None:
        super().__init__(classes="-danger" if danger else None)
        self.dialog_title = title
        self.body_lines = tuple(body_lines)
        self.confirm_label = confirm_label
        self.danger = danger
        self.ignored_key_count = 0

    def compose(self) -> ComposeResult:
        frame = self.card(self.dialog_title)
        with frame:
            with VerticalScroll(id="confirm-body"):
                yield SafeStatic(Text("\n", end="").join(as_text(line) for line in self.body_lines))
            yield SafeStatic(self.keys_line(), id="confirm-keys")
            yield SafeStatic("", id="typed-ahead", classes="-empty")

    def keys_line(self) -> Text:
        """`y/⏎ Drain   n/esc Cancel`: the keys with the dialog's own words for the answer."""
        return Text.assemble(
            ("y/⏎", "bold"), f" {self.confirm_label}   ", ("n/esc", "bold"), " Cancel", end=""
        )

    def typed_ahead_ignored(self, count: int) -> None:
        """Keys typed before this question appeared did not answer it; say so, so the user answers now."""
        self.ignored_key_count += count
        notice = self.query_one("#typed-ahead", Static)
        notice.update(typed_ahead_notice(self.ignored_key_count))
        notice.remove_class("-empty")

    def action_confirm(self) -> None:
        self.dismiss(True)
