"""`read_back`: what the live clients wrap around the read that follows an accepted action.

Every live action is a write the server answers 2xx, then a read of what changed (the re-read, or the
decoding of the write's own answer). Once the write was accepted, a failure of that read is not a failure
of the action: it becomes `ActionAccepted`, which `run_action` words as "accepted — …; the row refreshes on
the next poll" instead of an error that would invite the user to submit the same thing again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from console.data.errors import ActionAccepted, BackendError, BadResponse

logger = logging.getLogger(__name__)


@contextmanager
def read_back(service: str) -> Iterator[None]:
    """Run the read after an accepted write: any failure in it leaves as `ActionAccepted`.

    A decoder bug (not a `BackendError`) counts too: the write happened all the same, so it is logged with
    its traceback and reported as an unreadable answer.
    """
    try:
        yield
    except ActionAccepted:
        raise
    except BackendError as error:
        raise ActionAccepted(error, service=service) from None
    except Exception as error:  # noqa: BLE001 - the action is done; a reader bug must not say it failed
        logger.exception("Reading back an accepted %s action failed", service)
        unreadable = BadResponse(f"The answer could not be read ({type(error).__name__}).", service=service)
        raise ActionAccepted(unreadable, service=service) from None
