"""The private Textual attributes rwc relies on still exist (widgets/textual_compat.py).

A Textual release that renames or drops one fails here, naming it, instead of in a crash report that
never prints or a checkbox that silently draws Textual's face. Failing here is the signal to re-read the
compat module against the new Textual before moving the `textual<9` bound in pyproject.toml.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Input

from widgets.textual_compat import APP_EXCEPTION_HOOK, PRIVATE_ATTRIBUTES, FacedCheckbox, input_suggestion


def _class(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _instance_attributes(cls: type) -> set[str]:
    """Names the class's `__init__`s (its own and its bases') assign on self, read from the source."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or not inspect.isfunction(init):
            continue
        source = inspect.getsource(init)
        names |= {part.split("=")[0].split(":")[0].strip() for part in source.split("self.")[1:]}
    return names


@pytest.mark.parametrize(
    ("dotted", "attribute"),
    [(dotted, attribute) for dotted, attributes in PRIVATE_ATTRIBUTES.items() for attribute in attributes],
)
def test_private_attribute_exists(dotted: str, attribute: str) -> None:
    cls = _class(dotted)
    assert hasattr(cls, attribute) or attribute in _instance_attributes(cls), (
        f"Textual's {dotted} no longer has {attribute!r}: update widgets/textual_compat.py"
    )


def test_exception_hook_takes_the_error() -> None:
    parameters = list(inspect.signature(getattr(App, APP_EXCEPTION_HOOK)).parameters)
    assert parameters == ["self", "error"]


class _Face(FacedCheckbox):
    def face(self) -> Content:
        return Content("[on]" if self.value else "[off]")


class _Probe(App[None]):
    def compose(self) -> ComposeResult:
        yield _Face("label", value=True)
        yield Input(suggester=None, id="field")


async def test_faced_checkbox_draws_its_face() -> None:
    async with _Probe().run_test() as pilot:
        box = pilot.app.query_one(_Face)
        assert "[on]" in box.render().plain
        box.value = False
        await pilot.pause()
        assert "[off]" in box.render().plain


async def test_input_suggestion_is_a_string() -> None:
    async with _Probe().run_test() as pilot:
        assert input_suggestion(pilot.app.query_one("#field", Input)) == ""
