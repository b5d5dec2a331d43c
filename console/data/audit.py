"""`AuditedBackend`: one JSON line per action in the audit log, so admins can answer "who did what".

A line looks like
`{"time": "2026-11-23T09:00:00.000Z", "user": "ada", "profile": "prod", "action": "delete_project",
"target": "p-42", "outcome": "ok", "args": {"project_id": "p-42"}}`
with `outcome` one of "ok", "error" (plus `"error": <the user message>`), "refused" (read-only mode)
or "cancelled" (the caller gave up; the action may or may not have happened), or "accepted" (the
service accepted it but reading the result back failed; `"error"` says why the read failed).

Secrets are never written: argument keys matching /secret|token|password|key/i (at any depth of a
spec) are replaced by "<redacted>", `key=value` / `--token value` inside strings are masked too, and
specs are reduced to a summary of plain values rather than dumped. Writing the log must never break
the action: if the file cannot be written, a warning goes to `logging` and the action's own result or
error stands.

Wrap outside `ReadOnlyBackend` — `AuditedBackend(ReadOnlyBackend(backend))` — so refusals are logged.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import ParamSpec, TypeVar

from console.data.backend import Backend
from console.data.errors import ActionAccepted, BackendError, ReadOnlyError
from console.data.readonly import ForwardingBackend

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

REDACTED = "<redacted>"
SECRET_KEY_PATTERN = re.compile(r"secret|token|password|passwd|key", re.IGNORECASE)
"""A field or argument whose name matches this is never written, whatever its value."""

_SECRET_NAME = r"[\w.-]*(?:secret|token|password|passwd|key)[\w.-]*"
_SECRET_VALUE = r"(?:\"[^\"]*\"|'[^']*'|\S+)"
_INLINE_SECRET_PATTERNS = (
    # FOO_TOKEN=abc, password: abc, api-key="a b"
    re.compile(rf"(?i)(\b{_SECRET_NAME}\s*[=:]\s*){_SECRET_VALUE}"),
    # --api-key abc, -password abc (command lines in workload specs)
    re.compile(rf"(?i)((?<!\S)--?{_SECRET_NAME}\s+){_SECRET_VALUE}"),
    # Authorization: Bearer abc
    re.compile(rf"(?i)(\bbearer\s+){_SECRET_VALUE}"),
)

MAX_STRING_CHARS = 300
MAX_ITEMS = 50
MAX_DEPTH = 5


def redact_text(text: str) -> str:
    """Mask secret-looking `name=value` pairs inside free text (commands, error messages)."""
    for pattern in _INLINE_SECRET_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    if len(text) > MAX_STRING_CHARS:
        text = text[:MAX_STRING_CHARS] + "…"
    return text


def summarize(value: object, depth: int = 0) -> object:
    """A JSON-safe summary of an argument: dataclasses and mappings become dicts with secret keys
    redacted, sequences become (bounded) lists, anything unknown becomes only its type name."""
    if depth > MAX_DEPTH:
        return "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return summarize(value.value, depth + 1)
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        pairs = ((field.name, getattr(value, field.name)) for field in dataclasses.fields(value))
        return _summarize_pairs(pairs, depth)
    if isinstance(value, Mapping):
        return _summarize_pairs(((str(key), item) for key, item in value.items()), depth)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        summary = [summarize(item, depth + 1) for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            summary.append(f"… {len(items) - MAX_ITEMS} more")
        return summary
    return f"<{type(value).__name__}>"


def _summarize_pairs(pairs: Iterable[tuple[str, object]], depth: int) -> dict[str, object]:
    summary: dict[str, object] = {}
    for key, item in pairs:
        summary[key] = REDACTED if SECRET_KEY_PATTERN.search(key) else summarize(item, depth + 1)
    return summary


@cache
def _action_signature(action: str) -> inspect.Signature:
    """The protocol's signature of an action, to name its arguments in the log."""
    return inspect.signature(getattr(Backend, action))


def action_arguments(action: str, args: tuple[object, ...], kwargs: dict[str, object]) -> dict[str, object]:
    """The action's arguments by parameter name (without `self`), as the caller passed them."""
    try:
        bound = _action_signature(action).bind(None, *args, **kwargs)
    except (TypeError, AttributeError, ValueError):
        return {**{f"arg{index}": arg for index, arg in enumerate(args)}, **kwargs}
    return {name: value for name, value in list(bound.arguments.items())[1:]}


def action_target(arguments: Mapping[str, object]) -> str | None:
    """What the action is about: its first argument (an id or a name), or a spec's `name`."""
    if not arguments:
        return None
    first = next(iter(arguments.values()))
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        name = getattr(first, "name", None)
        return redact_text(str(name)) if name is not None else None
    return redact_text(str(first)) if first is not None else None


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and a `Z`, the shape log tools sort and parse."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditedBackend(ForwardingBackend):
    """Forwards everything to `inner` and appends one audit line per action (see the module doc)."""

    def __init__(
        self,
        inner: Backend,
        *,
        audit_path: Path,
        user: str | None,
        profile: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(inner)
        self.audit_path = audit_path
        self.user = user
        self.profile = profile
        self._clock = clock

    async def _act(
        self, action: str, call: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        arguments = action_arguments(action, args, kwargs)
        if self.user is None:
            # Not known when the backend is built lazily (the demo): the backend says who is acting.
            self.user = (await self.identity()).user
        record: dict[str, object] = {
            "time": format_time(self._clock()),
            "user": self.user,
            "profile": self.profile,
            "action": action,
            "target": action_target(arguments),
        }
        try:
            result = await call(*args, **kwargs)
        except ReadOnlyError as error:
            self._write(record, outcome="refused", error=str(error), arguments=arguments)
            raise
        except ActionAccepted as accepted:
            # Done on the service; only reading it back failed (not "error": nobody should redo it).
            self._write(record, outcome="accepted", error=str(accepted.reason), arguments=arguments)
            raise
        except BackendError as error:
            self._write(record, outcome="error", error=str(error), arguments=arguments)
            raise
        except asyncio.CancelledError:
            self._write(record, outcome="cancelled", error=None, arguments=arguments)
            raise
        except Exception as error:
            # A backend bug, not a BackendError: record what kind, never a traceback or raw payload.
            self._write(
                record, outcome="error", error=f"{type(error).__name__}: {error}", arguments=arguments
            )
            raise
        self._write(record, outcome="ok", error=None, arguments=arguments)
        return result

    def _write(
        self, record: dict[str, object], *, outcome: str, error: str | None, arguments: Mapping[str, object]
    ) -> None:
        """Append the finished record as one line; failures are logged, never raised."""
        line: dict[str, object] = {**record, "outcome": outcome}
        if error is not None:
            line["error"] = redact_text(error)
        line["args"] = summarize(arguments)
        import json  # on the first action, not at start-up (saves the first frame ~2 ms)

        try:
            data = (json.dumps(line, ensure_ascii=False, default=str) + "\n").encode("utf-8")
            append_private(self.audit_path, data)
        except (OSError, TypeError, ValueError) as failure:
            logger.warning("Could not write the audit log %s: %s", self.audit_path, failure)


def append_private(path: Path, data: bytes) -> None:
    """Append `data` to `path` in one `write` (whole lines even with two rwc processes), creating the
    file 0600 and its directory 0700: the log says who changed what, which is nobody else's business."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if hasattr(os, "fchmod") and os.fstat(descriptor).st_mode & 0o077:
            os.fchmod(descriptor, 0o600)  # an older file made under a loose umask
        written = 0
        while written < len(data):
            written += os.write(descriptor, data[written:])
    finally:
        os.close(descriptor)
