"""Textual `BINDINGS` from the key registry (`console.ui.keymap`), which itself knows nothing of Textual."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from console.ui.keymap import KeyAction


def binding(key: KeyAction) -> Binding:
    return Binding(
        key.key,
        key.action,
        key.description,
        show=key.show,
        key_display=key.key_display,
        priority=key.priority,
    )


def bindings_for(keys: Iterable[KeyAction]) -> list[BindingType]:
    """`BINDINGS` for a class, from registry entries."""
    return [binding(key) for key in keys]
