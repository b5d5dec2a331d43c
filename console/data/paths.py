"""Where rwc keeps its files on disk: the config dir and the state dir (audit log, app log).

One module owns the locations so the CLI, the config loader and the audit wrapper agree, and tests can
move everything with `XDG_CONFIG_HOME` / `XDG_STATE_HOME`. platformdirs picks the platform's place
(`~/.config/rwc` and `~/.local/state/rwc` on Linux, `~/Library/...` on macOS); an absolute XDG variable
wins on every platform, because people who set it on macOS mean it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

APP_NAME = "rwc"
"""The directory name under the config and state roots."""

CONFIG_FILE_NAME = "config.toml"
AUDIT_LOG_FILE_NAME = "audit.jsonl"
APP_LOG_FILE_NAME = "rwc.log"


def _xdg_override(variable: str) -> Path | None:
    """The XDG root from the environment when it is set to an absolute path (the spec ignores others)."""
    value = os.environ.get(variable, "").strip()
    if value and os.path.isabs(value):
        return Path(value) / APP_NAME
    return None


def config_dir() -> Path:
    """The directory holding `config.toml` (profiles); read each call so env changes in tests apply."""
    return _xdg_override("XDG_CONFIG_HOME") or platformdirs.user_config_path(APP_NAME)


def state_dir() -> Path:
    """The directory for files rwc writes as it runs: the audit log and the app log."""
    return _xdg_override("XDG_STATE_HOME") or platformdirs.user_state_path(APP_NAME)


def config_file_path() -> Path:
    """The TOML file with the profiles."""
    return config_dir() / CONFIG_FILE_NAME


def audit_log_path() -> Path:
    """The append-only JSON-lines audit log of every action (see `console.data.audit`)."""
    return state_dir() / AUDIT_LOG_FILE_NAME


def app_log_path() -> Path:
    """The app's diagnostic log; nothing may go to stdout while the TUI runs, so logging goes here."""
    return state_dir() / APP_LOG_FILE_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user only, since it holds logs of who did what.

    An existing `path` of ours that others may read is tightened to 0700 (made by an older rwc, or under
    a loose umask); parents are left alone, and so is a shared sticky directory such as /tmp.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    tighten_private_dir(path)
    return path


def tighten_private_dir(path: Path) -> None:
    """Take group and other permissions off `path` when it is ours, loose and not a shared sticky dir."""
    try:
        status = os.stat(path)
    except OSError:
        return
    mode = stat.S_IMODE(status.st_mode)
    if status.st_uid == os.geteuid() and mode & 0o077 and not mode & stat.S_ISVTX:
        os.chmod(path, mode & 0o700)


class UnsafeFileError(OSError):
    """A log path rwc refuses to write through: a symbolic link, a FIFO or socket, another user's file."""


def open_private_append(path: Path) -> int:
    """A descriptor for appending to `path` (read/write, so a caller can check the last byte), created
    0600 in a 0700 directory; an existing loose file and its directory are tightened to 0600 and 0700.

    Never follows a symbolic link at `path` (O_NOFOLLOW): someone who can plant one must not make rwc
    append to, or chmod, a file of their choosing. A FIFO is refused rather than waited on (O_NONBLOCK),
    and so is a regular file owned by another user. Raises `UnsafeFileError` (an `OSError` whose
    `strerror` says why in words) or the `OSError` of the failed call.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP or (error.errno == errno.EMLINK and path.is_symlink()):
            raise UnsafeFileError(
                errno.ELOOP, "it is a symbolic link, which rwc does not follow", str(path)
            ) from None
        raise
    try:
        status = os.fstat(descriptor)
        if stat.S_ISFIFO(status.st_mode) or stat.S_ISSOCK(status.st_mode):
            raise UnsafeFileError(errno.EINVAL, "it is not a regular file", str(path))
        if stat.S_ISREG(status.st_mode):
            if status.st_uid != os.geteuid():
                raise UnsafeFileError(errno.EPERM, "it belongs to another user", str(path))
            if stat.S_IMODE(status.st_mode) & 0o077:
                os.fchmod(descriptor, 0o600)  # an older file made under a loose umask
            tighten_private_dir(path.parent)  # only for a real log file: never /dev for /dev/null
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def display_path(path: Path) -> str:
    """`/home/ana/.local/state/rwc/audit.jsonl` -> `~/.local/state/rwc/audit.jsonl`, as a user types it."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except (ValueError, RuntimeError):
        return str(path)
