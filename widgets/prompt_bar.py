"""The two prompts at the bottom of a screen: `/` filter and `:` command line (k9s's).

Both are plain `Input`s with one row, no border, and the keys from the registry; they post past-tense
messages and let the screen decide what a kept filter or a command means. Over the `:` line, a hint
lists every screen with every alias it answers to (`CommandHint`), wrapped to the terminal's width,
so a new user need not guess that `:no` is Nodes or `:frac` the GPU screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Static

from console.ui.keymap import COMMAND_LINE_KEYS, FILTER_KEYS, SCREENS, command_completions
from widgets.bindings import bindings_for
from widgets.textual_compat import input_suggestion

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


class PromptBar(Widget):
    """A prompt symbol (`/` or `:`) and its input on one row, with the input's hint above it if it has
    one; takes no room while closed.

    The input (and the hint) are built and mounted the first time the bar opens: an `Input` costs
    several ms to create and style, every screen has one or two bars, and most are never opened.
    """

    DEFAULT_CSS = """
    PromptBar {
        height: auto;
        display: none;
        background: $boost;
    }
    PromptBar.-open {
        display: block;
    }
    PromptBar > .prompt-row {
        height: 1;
    }
    PromptBar .prompt-symbol {
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
        self._hint: CommandHint | None = None

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
            row = Horizontal(
                Static(Text(self.symbol), classes="prompt-symbol"), prompt_input, classes="prompt-row"
            )
            # An input that wants a hint shown with it says so (`CommandLine.make_hint`).
            make_hint: Callable[[], CommandHint] | None = getattr(prompt_input, "make_hint", None)
            self._hint = make_hint() if make_hint is not None else None
            # The hint goes above the prompt: the line being typed stays just over the key bar.
            await self.mount(*([self._hint] if self._hint is not None else []), row)
        self.add_class("-open")
        prompt_input.value = value
        prompt_input.cursor_position = len(value)
        if self._hint is not None:
            self._hint.typed = value
        self.screen.set_focus(prompt_input)

    def close(self) -> None:
        self.remove_class("-open")

    def on_input_changed(self, event: Input.Changed) -> None:
        """The hint follows what is typed (the event goes on to the screen: the filter needs it)."""
        if self._hint is not None:
            self._hint.typed = event.value


HintGroup = tuple[str, tuple[str, ...]]
"""A screen's number key and the words `:` takes for it (or "" and a word or two for the rest)."""

HINT_SEPARATOR = "  "


def command_hint_groups() -> list[HintGroup]:
    """Every screen with every alias, from the registry (so a new screen or alias is in it), then
    the filtered form, help and quit."""
    groups: list[HintGroup] = [(entry.number_key, entry.aliases) for entry in SCREENS]
    groups.append(("", ("wl text", "→ filtered")))
    groups.append(("", ("help",)))
    groups.append(("", ("q",)))
    return groups


def _group_matches(group: HintGroup, typed_word: str) -> bool:
    return any(word.startswith(typed_word) for word in group[1])


def command_hint_lines(groups: Sequence[HintGroup], width: int, typed: str = "") -> list[Text]:
    """The groups packed into lines of at most `width` cells, never split across lines (`4 gpu fractions
    frac` stays together). Each screen's number key is dim, its k9s alias bold; once a word is typed,
    the groups it could complete stay bright and the others dim, like a completion list."""
    typed_word = typed.strip().lstrip(":").split(" ", 1)[0].lower()
    lines: list[Text] = []
    line = Text(end="")
    for number_key, words in groups:
        piece = Text(end="")
        dim = bool(typed_word) and not _group_matches((number_key, words), typed_word)
        if number_key:
            piece.append(f"{number_key} ", "dim")
        for position, word in enumerate(words):
            if position:
                piece.append(" ")
            piece.append(word, "bold" if position == 0 and number_key else "")
        if dim:
            piece.stylize("dim")
        needed = piece.cell_len + (cell_len(HINT_SEPARATOR) if line.cell_len else 0)
        if line.cell_len and line.cell_len + needed > width:
            lines.append(line)
            line = Text(end="")
        if line.cell_len:
            line.append(HINT_SEPARATOR)
        line.append_text(piece)
    if line.cell_len:
        lines.append(line)
    return lines


class CommandHint(Widget):
    """Over the `:` line: every screen with every alias `:` takes for it, as many lines as it needs."""

    DEFAULT_CSS = """
    CommandHint {
        height: auto;
        padding: 0 1 0 2;
        background: $boost;
        color: $text-muted;
    }
    """

    typed: reactive[str] = reactive("")
    """What the command line holds: the groups it could complete stay bright."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups = command_hint_groups()

    def lines(self, width: int) -> list[Text]:
        return command_hint_lines(self.groups, max(1, width), self.typed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> Text:
        return Text("\n", end="").join(self.lines(self.content_size.width))


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


class CommandLine(Input):
    """`:`: go to a screen by name or alias (`:wl`, `:no`, `:fs`), `:help`, `:q`; tab completes; every
    alias is listed over it (`make_hint`)."""

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
            placeholder="screen or alias, listed above · tab completes · ⏎ goes",
            suggester=SuggestFromList(command_completions(), case_sensitive=False),
            id=id,
            compact=True,
        )

    def make_hint(self) -> CommandHint:
        """The alias list its `PromptBar` shows over it."""
        return CommandHint()

    def action_complete(self) -> None:
        """Accept the greyed-out suggestion, as a shell's tab completion does."""
        suggestion = input_suggestion(self)
        if suggestion and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(self.value)

    def action_run_command(self) -> None:
        self.post_message(self.Entered(self.value))

    def action_close_command_line(self) -> None:
        self.post_message(self.Closed())
