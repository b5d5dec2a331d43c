"""One error hierarchy for every backend, so screens show failures without knowing who failed.

Backends map HTTP statuses, timeouts and bad payloads onto these at the edge (as httpx's tree
lets callers catch by meaning); the screens render `str(error)`, never a traceback.
"""

from __future__ import annotations


class BackendError(Exception):
    """Base of every error a backend raises; `message` is written for the user."""

    default_message = "The backend failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        service: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.service = service
        super().__init__(self.message)

    def __str__(self) -> str:
        where = " ".join(part for part in (self.service, str(self.status) if self.status else None) if part)
        return f"{self.message} ({where})" if where else self.message


class Unauthorized(BackendError):
    default_message = "Not signed in, or the credentials were rejected."


class Forbidden(BackendError):
    default_message = "You are not allowed to do that."


class NotFound(BackendError):
    default_message = "It no longer exists."


class Conflict(BackendError):
    default_message = "It conflicts with something that already exists."


class Invalid(BackendError):
    """A value was refused; `field` names the form field to point at when known."""

    default_message = "A value is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        status: int | None = None,
        service: str | None = None,
    ) -> None:
        self.field = field
        super().__init__(message, status=status, service=service)


class RateLimited(BackendError):
    """The service asked rwc to slow down; `retry_after` is how many seconds it asked for, when it said."""

    default_message = "Too many requests; slowing down."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        service: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, status=status, service=service)


class Unavailable(BackendError):
    default_message = "The service is unavailable."


class Timeout(BackendError):
    default_message = "The service did not answer in time."


class BadResponse(BackendError):
    default_message = "The service answered with something rwc cannot read."


class ReadOnlyError(BackendError):
    default_message = "rwc is in read-only mode: changes are disabled (started with --read-only)."


class ActionAccepted(BackendError):
    """The service accepted the action (it answered 2xx) but reading the result back failed.

    Not a failure of the action: saying "failed" here invites the user to do it again (a second submit,
    a second project). `run_action` words it as accepted and lets the next poll show the row; the audit
    log records it as accepted. `reason` is why the read-back failed (logged, not the headline).
    """

    default_message = "Accepted; reading the result back failed."

    def __init__(self, reason: BackendError, *, service: str | None = None) -> None:
        self.reason = reason
        super().__init__(
            f"Accepted; reading the result back failed: {reason}", service=service or reason.service
        )

    def __str__(self) -> str:
        return self.message


RETRYABLE_ERRORS: tuple[type[BackendError], ...] = (RateLimited, Unavailable, Timeout, BadResponse)
"""Errors the Store retries with backoff; the others need the user (credentials, permissions)."""
