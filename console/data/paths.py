"""Where rwc keeps its files on disk: the config dir and the state dir (audit log, app log).

One module owns the locations so the CLI, the config loader and the audit wrapper agree, and tests can
move everything with `XDG_CONFIG_HOME` / `XDG_STATE_HOME`. platformdirs picks the platform's place
(`~/.config/rwc` and `~/.local/state/rwc` on Linux, `~/Library/...` on macOS); an absolute XDG variable
wins on every platform, because people who set it on macOS mean it.
"""

from __future__ import annotations

import os
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
    """Create `path` (and parents) readable by the user only, since it holds logs of who did what."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
