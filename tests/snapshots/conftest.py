"""Snapshot-only settings: a focused input's cursor never blinks, so an SVG taken with a prompt or a
dialog open does not depend on which half-second it was taken in (animations are already off, see
tests/conftest.py)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


def _input_cursor_stays_on(self: Input) -> None:
    self._cursor_visible = True


def _text_area_cursor_stays_on(self: TextArea) -> None:
    self._cursor_visible = True


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the blink timers' callbacks (bound when a widget mounts) with "stay visible"."""
    monkeypatch.setattr(Input, "_toggle_cursor", _input_cursor_stays_on)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", _text_area_cursor_stays_on)
