"""Waiting in Pilot tests for what a user would wait for, with a message that says what never came.

Test modules in this folder import it as `from pilot_waits import wait_until` (pytest puts the folder
of a test module on sys.path; the tests folders have no `__init__.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Let the app run until `predicate()` holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def wait_for_screen(
    pilot: Pilot, screen_class: type, what: str | None = None, timeout: float = 15.0
) -> None:
    """Wait until a `screen_class` screen is on top *and painted*, as a user would see it before answering.

    A destructive question ignores keys typed before it was painted (`console.key_gate`), so a test
    that answers it must wait for this, not only for the screen to be pushed.
    """
    app = pilot.app
    gate = getattr(app, "key_gate", None)

    def shown() -> bool:
        screen = app.screen
        return isinstance(screen, screen_class) and (gate is None or gate.is_shown(screen))

    await wait_until(pilot, shown, what or f"the {screen_class.__name__} to be shown", timeout)
