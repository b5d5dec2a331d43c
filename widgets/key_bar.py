"""`KeyBar`: the bottom line listing this screen's keys, drawn as one line of text.

Textual's `Footer` builds a widget per key and rebuilds them all whenever the bindings change (focus
moves, a screen resumes): about 40 ms of rwc's start-up went to it. Here the same information is one
`Text` rendered by one widget, rebuilt only when the list of keys actually differs. The look follows
the compact footer (bold key, then its description) and uses the same theme variables, so themes
that style Textual's footer style this one too. Disabled keys (read-only mode) are dimmed, and a
click on a key presses it, as it does in the footer it replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class KeyHint(NamedTuple):
    """One key as the bar shows it."""

    key: str
    """The key to simulate when it is clicked (Textual's key name)."""
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """One line of key hints, docked at the bottom of a screen."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._hints: tuple[KeyHint, ...] = ()
        self._spans: list[tuple[int, int, str]] = []
        """(start, end, key) of each enabled hint on the line, in cells, for clicks."""

    @property
    def hints(self) -> tuple[KeyHint, ...]:
        return self._hints

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen and self.is_attached:
            self.show_hints(hints_for(screen, self.app.get_key_display))

    def show_hints(self, hints: Iterable[KeyHint]) -> None:
        """Show these keys; repaints only when they differ from what is shown."""
        hints = tuple(hints)
        if hints != self._hints:
            self._hints = hints
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        description_style = self.get_component_rich_style("key-bar--description", partial=True)
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        for hint in self._hints:
            start = line.cell_len  # clicks arrive in cells, not characters
            extra = Style() if hint.enabled else dim
            line.append(hint.display, key_style + extra)
            if hint.description:
                line.append(f" {hint.description}", description_style + extra)
            if hint.enabled:
                spans.append((start, line.cell_len, hint.key))
            line.append(" ")
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return


def hints_for(screen: Screen[Any], key_display: Callable[[Binding], str]) -> tuple[KeyHint, ...]:
    """The keys `screen` offers now, one per action, in binding order (as Textual's footer lists them)."""
    hints: list[KeyHint] = []
    seen_actions: set[str] = set()
    for _namespace, binding, enabled, _tooltip in screen.active_bindings.values():
        if not binding.show or binding.action in seen_actions:
            continue
        seen_actions.add(binding.action)
        hints.append(KeyHint(binding.key, key_display(binding), binding.description, enabled))
    return tuple(hints)
