"""Every private Textual attribute rwc relies on, in one place (Textual 8; pyproject bounds it `<9`).

Textual gives no public way to do these four things, and each one is worth doing (the docstrings say
why). Private names change without notice between releases, so nothing else in rwc touches them:
screens, widgets and the App call the functions and classes here, and tests/unit/test_textual_compat.py
fails, naming the attribute, when an installed Textual no longer has one. When CI moves the bound on
textual, that test is the list of what to re-check.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.app import App
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Input

APP_EXCEPTION_HOOK = "_handle_exception"
"""The App method Textual calls with an unhandled exception; `RwcApp` overrides it (crash report)."""

PRIVATE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "textual.app.App": (
        APP_EXCEPTION_HOOK,
        "_return_code",
        "_exception",
        "_exception_event",
        "_exit_renderables",
        "_close_messages_no_wait",
        "_css_update_count",
    ),
    "textual.screen.Screen": ("_css_update_count",),
    "textual.widgets.Input": ("_suggestion",),
    "textual.widgets._toggle_button.ToggleButton": ("_button",),
}
"""What this module reaches into, by class: the compat test checks each exists on that class."""


def exit_on_crash(app: App[Any], error: Exception, message: RenderableType) -> None:
    """Exit `app` with status 1, printing `message` after the terminal is restored, as Textual's own
    `_handle_exception` does, but without its Rich traceback (every frame's locals, tokens included).

    Pilot re-raises the first such error in the test that caused it, as with Textual's handler."""
    app._return_code = 1
    if app._exception is None:
        app._exception = error
        app._exception_event.set()
    app._exit_renderables.append(message)
    app._close_messages_no_wait()


def mark_css_current(screen: Screen[Any], app: App[Any]) -> None:
    """Tell Textual that `screen`, made just now, has seen every stylesheet change so far.

    Textual counts a new screen as having missed them all and re-parses the whole stylesheet the first
    time it is shown (~10 ms, before the first frame for the first screen)."""
    screen._css_update_count = app._css_update_count


def input_suggestion(field: Input) -> str:
    """The greyed-out completion `field` shows after its value ("" when none); tab accepts it."""
    return field._suggestion


class FacedCheckbox(Checkbox):
    """A checkbox whose button is drawn by `face()` instead of Textual's `▐X▌` (private `_button`)."""

    def face(self) -> Content:
        """The button's content for the current value; subclasses say what it is."""
        return super()._button

    @property
    def _button(self) -> Content:
        return self.face()
