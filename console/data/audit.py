"""`AuditedBackend`: two JSON lines per action in the audit log, so admins can answer "who did what".

Before an action is sent, an intent line is appended and synced to disk:
`{"time": "2026-11-23T09:00:00.000Z", "id": "5f0c9a1e2b3d4c6f", "user": "ada", "profile": "prod",
"action": "delete_project", "target": "p-42", "outcome": "sending", "args": {"project_id": "p-42"}}`
and when it ends, a second line with the same `id`, the time it ended and its `outcome`: "ok", "error"
(plus `"error": <the user message>`), "refused" (read-only mode), "cancelled" (the task was cancelled,
by the user or by rwc quitting on a signal; it may or may not have happened) or "accepted" (the service
accepted it but reading the result back failed; `"error"` says why the read failed). An intent with no
outcome line means rwc died mid-action: it was sent, with an unknown result. `read_audit_records`
merges the two lines back into one record per action.

The audit cannot be skipped: if the intent line cannot be written (a full disk, no permission, a
symbolic link planted at the path) the action is not sent and the caller gets `AuditLogUnwritable`,
which says so. The file is append-only (never rewritten), opened without following links, 0600 in a
0700 directory. A failed identity lookup still leaves a line (user "unknown" and the error), and
`record_refusal` records keys the UI refused under `--read-only` before anything was sent.

Secrets are never written: argument keys matching `SECRET_KEY_PATTERN` (at any depth of a spec) are
replaced by "<redacted>", credentials inside strings (`key=value`, `--token value`, JSON fields, URL
passwords, Authorization headers, `-pX`) are masked too, and specs are reduced to a summary of plain
values rather than dumped.

Wrap outside `ReadOnlyBackend` — `AuditedBackend(ReadOnlyBackend(backend))` — so refusals are logged.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import inspect
import logging
import os
import re
import stat
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import ParamSpec, TypeVar

from console.data.backend import Backend
from console.data.errors import ActionAccepted, BackendError, ReadOnlyError
from console.data.paths import display_path, open_private_append
from console.data.readonly import ForwardingBackend

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

REDACTED = "<redacted>"
_SECRET_WORDS = r"secret|token|password|passwd|passphrase|pwd|credential|key"
SECRET_KEY_PATTERN = re.compile(_SECRET_WORDS, re.IGNORECASE)
"""A field or argument whose name matches this is never written, whatever its value."""

_SECRET_NAME = rf"[\w.-]*(?:{_SECRET_WORDS})[\w.-]*"
_QUOTED = r"\"(?:[^\"\\]|\\.)*\"|'[^']*'"
_SECRET_VALUE = rf"(?:{_QUOTED}|\S+)"
_NOT_DONE = f"(?!{re.escape(REDACTED)})"
_INLINE_SECRET_PATTERNS = (
    # https://ada:hunter2@host (the password part of a URL's user info)
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/@:]*:)[^\s/@]+(?=@)"),
    # Authorization: Basic abc, "Authorization": "Bearer abc" (the scheme stays, the credential goes)
    re.compile(
        r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:basic|bearer|digest|token|negotiate)\s+)?)"
        rf"{_NOT_DONE}[^\s\"',]+"
    ),
    # FOO_TOKEN=abc, password: abc, api-key="a b", --passphrase=abc, JSON "password": "abc"
    re.compile(rf"(?i)(\b{_SECRET_NAME}[\"']?\s*[=:]\s*){_NOT_DONE}{_SECRET_VALUE}"),
    # --api-key abc, -password abc (command lines in workload specs)
    re.compile(rf"(?i)((?<!\S)--?{_SECRET_NAME}\s+){_NOT_DONE}{_SECRET_VALUE}"),
    # aws_secret_access_key abc, client-secret abc: a compound name, then the value after a space
    re.compile(rf"(?i)((?<![\w.-])(?=[\w.-]*[_.-]\w){_SECRET_NAME}\s+){_NOT_DONE}{_SECRET_VALUE}"),
    # Bearer abc
    re.compile(rf"(?i)(\bbearer\s+){_NOT_DONE}{_SECRET_VALUE}"),
    # mysql -u root -phunter2 (the password glued to -p)
    re.compile(rf"((?<!\S)-p)(?!\S*{re.escape(REDACTED)})(?!\S*\s+{re.escape(REDACTED)}){_SECRET_VALUE}"),
)

MAX_STRING_CHARS = 300
MAX_ITEMS = 50
MAX_DEPTH = 5


def redact_text(text: str) -> str:
    """Mask credentials inside free text (commands, error messages): `name=value` pairs and JSON fields
    named like a secret, `--secret value` flags, URL passwords, Authorization headers, `-pX`."""
    for pattern in _INLINE_SECRET_PATTERNS:
        text = pattern.sub(_masked, text)
    if len(text) > MAX_STRING_CHARS:
        text = text[:MAX_STRING_CHARS] + "…"
    return text


def _masked(match: re.Match[str]) -> str:
    """The kept prefix, then `<redacted>` in the quotes the value had (a JSON string stays a string)."""
    value = match.group(0)[len(match.group(1)) :]
    quote = value[0] if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0] else ""
    return f"{match.group(1)}{quote}{REDACTED}{quote}"


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


UNKNOWN_USER = "unknown"
"""The `user` of a line written when asking the backend who is acting failed."""

SENDING = "sending"
"""The outcome of an intent line: written (and synced) before the action goes out."""


class AuditLogUnwritable(BackendError):
    """The intent line could not be written, so the action was not sent (screens show the message)."""

    default_message = "not sent: the audit log cannot be written."


class AuditedBackend(ForwardingBackend):
    """Forwards everything to `inner`; writes an intent line before each action and its outcome after
    (see the module doc). `record_refusal` adds a line for an action the UI refused before asking."""

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
        record: dict[str, object] = {
            "id": os.urandom(8).hex(),
            "user": self.user,
            "profile": self.profile,
            "action": action,
            "target": action_target(arguments),
        }
        if self.user is None:
            record["user"] = self.user = await self._acting_user(record, arguments)
        try:
            self._append(self._line(record, outcome=SENDING, error=None, arguments=arguments))
        except (OSError, TypeError, ValueError) as failure:
            logger.warning("Not sent, the audit log %s cannot be written: %s", self.audit_path, failure)
            raise AuditLogUnwritable(
                f"not sent: the audit log {display_path(self.audit_path)} cannot be written: "
                f"{_failure_in_words(failure)}"
            ) from None
        try:
            result = await call(*args, **kwargs)
        except ReadOnlyError as error:
            self._complete(record, outcome="refused", error=str(error), arguments=arguments)
            raise
        except ActionAccepted as accepted:
            # Done on the service; only reading it back failed (not "error": nobody should redo it).
            self._complete(record, outcome="accepted", error=str(accepted.reason), arguments=arguments)
            raise
        except BackendError as error:
            self._complete(record, outcome="error", error=str(error), arguments=arguments)
            raise
        except asyncio.CancelledError:
            # The task was cancelled (the user gave up, or rwc is quitting): it may or may not have happened.
            self._complete(record, outcome="cancelled", error=None, arguments=arguments)
            raise
        except Exception as error:
            # A backend bug, not a BackendError: record what kind, never a traceback or raw payload.
            self._complete(
                record, outcome="error", error=f"{type(error).__name__}: {error}", arguments=arguments
            )
            raise
        self._complete(record, outcome="ok", error=None, arguments=arguments)
        return result

    async def _acting_user(self, record: dict[str, object], arguments: Mapping[str, object]) -> str:
        """Who is acting, from the backend (not known up front when it is built lazily, or live); when
        that fails the attempt still leaves a line (user "unknown" and why) and the action is not sent."""
        try:
            return (await self.identity()).user
        except asyncio.CancelledError:
            self._complete(
                {**record, "user": UNKNOWN_USER}, outcome="cancelled", error=None, arguments=arguments
            )
            raise
        except Exception as error:
            reason = str(error) if isinstance(error, BackendError) else f"{type(error).__name__}: {error}"
            self._complete(
                {**record, "user": UNKNOWN_USER},
                outcome="error",
                error=f"not sent: could not tell who is acting: {reason}",
                arguments=arguments,
            )
            raise

    def record_refusal(
        self, action: str, target: str | None, reason: str, *, user: str | None = None
    ) -> None:
        """Write a line for an action the UI refused before sending anything (a dimmed key pressed under
        `--read-only`): an attempt is worth knowing about even when nothing reached the service."""
        record: dict[str, object] = {
            "id": os.urandom(8).hex(),
            "user": self.user or user or UNKNOWN_USER,
            "profile": self.profile,
            "action": action,
            "target": redact_text(target) if target is not None else None,
        }
        self._complete(record, outcome="refused", error=reason, arguments=None)

    def _line(
        self,
        record: Mapping[str, object],
        *,
        outcome: str,
        error: str | None,
        arguments: Mapping[str, object] | None,
    ) -> bytes:
        """One record as a JSON line: the time it is written, then who, what, the outcome and why."""
        import json  # on the first action, not at start-up (saves the first frame ~2 ms)

        line: dict[str, object] = {"time": format_time(self._clock()), **record, "outcome": outcome}
        if error is not None:
            line["error"] = redact_text(error)
        if arguments is not None:
            line["args"] = summarize(arguments)
        return (json.dumps(line, ensure_ascii=False, default=str) + "\n").encode("utf-8")

    def _complete(
        self,
        record: Mapping[str, object],
        *,
        outcome: str,
        error: str | None,
        arguments: Mapping[str, object] | None,
    ) -> None:
        """Append the outcome line (same `id` as the intent); the action has already happened or failed,
        so a write failure is logged, never raised: the intent line shows it was sent."""
        try:
            self._append(self._line(record, outcome=outcome, error=error, arguments=arguments))
        except (OSError, TypeError, ValueError) as failure:
            logger.warning("Could not write the audit log %s: %s", self.audit_path, failure)

    def _append(self, data: bytes) -> None:
        append_private(self.audit_path, data)


def _failure_in_words(failure: Exception) -> str:
    """`[Errno 28] No space left on device: '/x'` -> `No space left on device` (the path is said once)."""
    if isinstance(failure, OSError) and failure.strerror:
        return failure.strerror
    return str(failure) or type(failure).__name__


def record_ui_refusal(
    backend: object, action: str, target: str | None, reason: str, *, user: str | None = None
) -> bool:
    """Find the `AuditedBackend` in a chain of wrappers (through `.inner`) and record a UI refusal there;
    False when there is none (a test's bare backend)."""
    seen: set[int] = set()
    while backend is not None and id(backend) not in seen:
        seen.add(id(backend))
        record = getattr(backend, "record_refusal", None)
        if callable(record):
            record(action, target, reason, user=user)
            return True
        backend = getattr(backend, "inner", None)
    return False


def append_private(path: Path, data: bytes) -> None:
    """Append whole lines to `path` and sync them to disk before returning.

    The file is opened without following a symbolic link, created 0600 in a 0700 directory and
    tightened if it is looser (`paths.open_private_append`). The lines go in one `write` (whole lines
    even with two rwc processes appending); if an earlier write stopped mid-line (a full disk), a newline
    is written first, so that fragment never merges into this record. Nothing is ever rewritten.
    """
    descriptor = open_private_append(path)
    try:
        status = os.fstat(descriptor)
        regular = stat.S_ISREG(status.st_mode)
        if regular and status.st_size and os.pread(descriptor, 1, status.st_size - 1) != b"\n":
            data = b"\n" + data
        written = 0
        while written < len(data):
            written += os.write(descriptor, data[written:])
        try:
            os.fsync(descriptor)
        except OSError as error:
            if regular or error.errno != errno.EINVAL:
                raise  # a device (/dev/null) cannot be synced; a file that cannot be is not written
        if regular and not status.st_size:
            _sync_directory(path.parent)  # a new file: make its name durable too
    finally:
        os.close(descriptor)


def _sync_directory(directory: Path) -> None:
    """fsync a directory so an entry just created in it survives a crash (best effort where unsupported)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def read_audit_records(path: Path) -> list[dict[str, object]]:
    """One record per action from the audit log at `path`, in the order they started: each outcome line
    is merged into its intent line (same `id`; the outcome's `time` is when it ended). An intent left
    alone keeps outcome "sending" (rwc died mid-action). Lines that are not JSON objects (a fragment
    cut short by a full disk) are skipped. For tests and for tools that answer "who did what"."""
    import json

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    by_id: dict[str, dict[str, object]] = {}
    records: list[dict[str, object]] = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if not isinstance(item, dict):
            continue
        key = item.get("id")
        if isinstance(key, str) and key in by_id:
            by_id[key].update(item)
            continue
        if isinstance(key, str):
            by_id[key] = item
        records.append(item)
    return records
