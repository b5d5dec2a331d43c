"""`run_action`: the one way a screen runs a backend action — in a worker, with a toast.

Every action ends the same way: success says so (the data layer has already refreshed what the action
changed, `console.data.actions.INVALIDATES`, so no screen lists refreshes); a `BackendError` shows its
message as written (read-only and permission refusals included) and hands the error to `on_error`, so
a form stays open with what the user typed. An action the service accepted but whose result could not
be read back (`ActionAccepted`) is not an error: it says "Accepted — …; the row refreshes on the next
poll", so nobody repeats a submit that went through. Nothing ever surfaces as a traceback: an
unexpected exception is logged and shown as a one-line error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from console.data.errors import ActionAccepted, BackendError

logger = logging.getLogger(__name__)

T = TypeVar("T")

ACTION_WORKER_GROUP = "action"
"""Workers of user actions, so tests can wait for them and nothing else cancels them."""


def accepted_message(label: str) -> str:
    """The toast of an action the service accepted but rwc could not read back."""
    return f"Accepted — {label}; the row refreshes on the next poll."


def run_action(
    screen: DOMNode,
    label: str,
    call: Callable[[], Awaitable[T]],
    *,
    success: str | Callable[[T], str] | None = None,
    on_error: Callable[[BackendError], None] | None = None,
    on_success: Callable[[T], None] | None = None,
) -> Worker[T | None]:
    """Run `call()` in a worker of `screen`; `label` names the action to the user ("Cordon gpu-01").

    On success: notify `success` (a string, or built from the result; default "<label>: done"), then
    `on_success(result)`.
    On a `BackendError`: notify `str(error)` as an error titled `label`, then `on_error(error)`.
    On `ActionAccepted` (done, but not read back): say it was accepted, then
    `on_success(None)`: the action happened, so a form closes (with no result) instead of inviting a
    second try, and a delete's follow-up runs.
    The worker never raises (`exit_on_error=False` and every exception is caught), so the app keeps
    running whatever the backend does.
    """

    async def perform() -> T | None:
        try:
            result = await call()
        except ActionAccepted as accepted:
            logger.info("%s: accepted, not read back: %s", label, accepted.reason)
            screen.app.notify(accepted_message(label), title=label, severity="information", markup=False)
            if on_success is not None:
                on_success(None)  # type: ignore[arg-type]  # documented: None when not read back
            return None
        except BackendError as error:
            screen.app.notify(str(error), title=label, severity="error", timeout=8, markup=False)
            if on_error is not None:
                on_error(error)
            return None
        except Exception as error:  # noqa: BLE001 - a backend bug must not take the console down
            logger.exception("%s failed unexpectedly", label)
            failure = BackendError(f"{label} failed unexpectedly: {type(error).__name__}: {error}")
            screen.app.notify(str(failure), title=label, severity="error", timeout=8, markup=False)
            if on_error is not None:
                on_error(failure)
            return None
        message = success(result) if callable(success) else (success or f"{label}: done")
        screen.app.notify(message, severity="information", markup=False)
        if on_success is not None:
            on_success(result)
        return result

    return screen.run_worker(
        perform, name=label, group=ACTION_WORKER_GROUP, exit_on_error=False, exclusive=False
    )
