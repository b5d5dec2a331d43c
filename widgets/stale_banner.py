"""One line above a table saying the data is old and why: "stale since 09:12:03 — <reason>".

A failed fetch never blanks a screen (the Store keeps the last value); this banner is how the user
learns that what they see stopped moving. It also says when items were left out because they could not
be read ("2 workloads could not be read — see log"), and when a part of the screen did not answer ("WEKA
alerts not shown: <why>"): what is shown is then not all there is. It takes
no room while everything is fresh and whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from console.data.store import ResourceState
from console.data.unreadable import merge_unreadable, missing_notice, unreadable_notice
from console.ui.format import format_clock_time
from console.ui.safe_text import visible


def describe_problem(states: Iterable[ResourceState[Any]]) -> str:
    """The banner's text for these resource states; empty when all are fresh and nothing was left out.

    Data that was never loaded is worse than stale data, so it is reported first; items left out as
    unreadable come after either, or alone.
    """
    states = list(states)
    failure = _describe_failure(states)
    loaded = [state for state in states if state.loaded]
    left_out = unreadable_notice(merge_unreadable(state.unreadable for state in loaded))
    missing = missing_notice(part for state in loaded for part in state.missing)
    return " · ".join(part for part in (failure, missing, left_out) if part)


def _describe_failure(states: list[ResourceState[Any]]) -> str:
    failing = [state for state in states if state.error is not None]
    if not failing:
        return ""
    never_loaded = [state for state in failing if not state.loaded]
    if never_loaded:
        state = never_loaded[0]
        return f"cannot load {state.name} — {state.error}; retrying"
    state = min(failing, key=lambda failed: failed.error_since or failed.fetched_at)  # type: ignore[arg-type,return-value]
    since = state.error_since or state.fetched_at
    since_text = format_clock_time(since) if since else "?"
    zone = f" {since.tzname()}" if since is not None and since.tzname() == "UTC" else ""
    return f"stale since {since_text}{zone} — {state.error}"


class StaleBanner(Widget):
    """Shows `message` on one line with a warning glyph, hidden (no height) when it is empty."""

    DEFAULT_CSS = """
    StaleBanner {
        height: 1;
        display: none;
        background: $warning-muted;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    StaleBanner.-visible {
        display: block;
    }
    """

    message: reactive[str] = reactive("", layout=True)

    def show_states(self, states: Iterable[ResourceState[Any]]) -> None:
        """Set the message from the resources this screen shows."""
        self.message = describe_problem(states)

    def watch_message(self, message: str) -> None:
        self.set_class(bool(message), "-visible")

    def render(self) -> Text:
        # The reason is a server's words: drawn, never obeyed (`console.ui.safe_text`).
        return Text.assemble("⚠ ", visible(self.message), no_wrap=True, overflow="ellipsis", end="")
