"""The two one-line prompts at the bottom of a screen: `/` filter and `:` command line (k9s's).

Both are plain `Input`s with one row, no border, and the keys from the registry; they post past-tense
messages and let the screen decide what a kept filter or a command means.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from console.ui.keymap import COMMAND_LINE_KEYS, FILTER_KEYS, bindings_for, command_completions

PROMPT_INPUT_CSS = """
{name} {{
    height: 1;
    width: 1fr;
    border: none;
    padding: 0;
    background: $boost;
}}
{name}:focus {{
    border: none;
}}
"""


class PromptBar(Horizontal):
    """One row holding a prompt symbol (`/` or `:`) and its input; takes no room while closed.

    The input is built and mounted the first time the bar opens: an `Input` costs several ms to
    create and style, every screen has one or two bars, and most are never opened.
    """

    DEFAULT_CSS = """
    PromptBar {
        height: 1;
        display: none;
        background: $boost;
    }
    PromptBar.-open {
        display: block;
    }
    PromptBar > .prompt-symbol {
        width: 2;
        padding-left: 1;
        color: $accent;
        text-style: bold;
    }
    """

    def __init__(self, symbol: str, make_input: Callable[[], Input], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.symbol = symbol
        self._make_input = make_input
        self._input: Input | None = None

    @property
    def prompt_input(self) -> Input | None:
        """The input, once the bar has been opened."""
        return self._input

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    async def open(self, value: str = "") -> None:
        """Show the bar with `value` in the input, focused, cursor at the end.

        The keys that open a prompt are priority keys, whose action Textual awaits before it
        delivers the next key; focus moves here at once (not on the next loop turn, as `focus()`
        would), so keys typed right after `/` or `:` reach this input, even the first time.
        """
        prompt_input = self._input
        if prompt_input is None:
            prompt_input = self._input = self._make_input()
            await self.mount(Static(Text(self.symbol), classes="prompt-symbol"), prompt_input)
        self.add_class("-open")
        prompt_input.value = value
        prompt_input.cursor_position = len(value)
        self.screen.set_focus(prompt_input)

    def close(self) -> None:
        self.remove_class("-open")


class FilterLine(Input):
    """`/`: live-filters the table as you type; enter keeps the filter, esc clears it."""

    DEFAULT_CSS = PROMPT_INPUT_CSS.format(name="FilterLine")
    BINDINGS = bindings_for(FILTER_KEYS)

    class Kept(Message):
        """Enter: close the prompt and keep `value` as the table's filter."""

        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    class Cleared(Message):
        """Esc: close the prompt and drop the filter."""

    def __init__(
        self, *, id: str | None = None, placeholder: str = "filter… (enter keeps, esc clears)"
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)

    def action_keep_filter(self) -> None:
        self.post_message(self.Kept(self.value))

    def action_clear_filter(self) -> None:
        self.post_message(self.Cleared())


def command_line_hint() -> str:
    """`proj wl no gpu fs snap wk · :wl text filters · help · q`: every screen's shortest alias, from the
    registry (so a new screen is in it), and the rest in `?` help, which lists every alias."""
    from console.ui.keymap import SCREENS

    return f"{' '.join(entry.aliases[0] for entry in SCREENS)} · :wl text filters · help · q"


class CommandLine(Input):
    """`:`: go to a screen by name or alias (`:wl`, `:no`, `:fs`), `:help`, `:q`; tab completes."""

    DEFAULT_CSS = PROMPT_INPUT_CSS.format(name="CommandLine")
    BINDINGS = bindings_for(COMMAND_LINE_KEYS)

    class Entered(Message):
        """Enter: run the command in `value`."""

        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    class Closed(Message):
        """Esc: the command line was dismissed without running anything."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder=command_line_hint(),
            suggester=SuggestFromList(command_completions(), case_sensitive=False),
            id=id,
            compact=True,
        )

    def action_complete(self) -> None:
        """Accept the greyed-out suggestion, as a shell's tab completion does."""
        suggestion = self._suggestion
        if suggestion and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(self.value)

    def action_run_command(self) -> None:
        self.post_message(self.Entered(self.value))

    def action_close_command_line(self) -> None:
        self.post_message(self.Closed())
