"""`ChooseDialog`: pick one of a few things from a list (whose log to read, which filesystem to open).

Arrows and enter pick; esc (or q) keeps things as they are. Each option is its id and a line of text
(API strings as `Text`, never markup). Callers build the options; `POD_PICKER_KEYS` and friends give esc.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.ui.keymap import CHOOSE_KEYS
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic


class ChooseDialog(RwcModal[str | None]):
    """Dismisses with the chosen option's id, None on esc."""

    KEYS = CHOOSE_KEYS

    DEFAULT_CSS = (
        card_css("ChooseDialog")
        + """
    ChooseDialog OptionList {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }
    ChooseDialog #choose-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """
    )

    def __init__(
        self, title: str, question: str, options: Sequence[tuple[str, Text]], current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.options = tuple(options)
        self.current = current

    def compose(self) -> ComposeResult:
        frame = self.card(self.title_text)
        with frame:
            yield SafeStatic(Text(self.question, end=""), id="choose-question")
            yield OptionList(*(Option(prompt, id=key) for key, prompt in self.options), id="choose-options")
            yield SafeStatic(
                Text.assemble(
                    ("↑↓", "bold"), " choose   ", ("enter", "bold"), " open   ", ("esc", "bold"), " keep"
                ),
                id="choose-keys",
            )

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        for index, option in enumerate(picker.options):
            if option.id == self.current:
                picker.highlighted = index
        picker.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
