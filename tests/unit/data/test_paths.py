"""XDG locations: env overrides win, relative ones are ignored, the state dir is private."""

from __future__ import annotations

import stat
from pathlib import Path

import platformdirs
import pytest

from console.data import paths


def test_xdg_overrides_place_every_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    assert paths.config_dir() == tmp_path / "config" / "rwc"
    assert paths.config_file_path() == tmp_path / "config" / "rwc" / "config.toml"
    assert paths.state_dir() == tmp_path / "state" / "rwc"
    assert paths.audit_log_path() == tmp_path / "state" / "rwc" / "audit.jsonl"
    assert paths.app_log_path() == tmp_path / "state" / "rwc" / "rwc.log"


def test_unset_overrides_use_the_platform_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)

    assert paths.state_dir() == platformdirs.user_state_path("rwc")
    assert paths.config_dir() == platformdirs.user_config_path("rwc")


@pytest.mark.parametrize("value", ["", "  ", "relative/dir"])
def test_empty_or_relative_overrides_are_ignored(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """The XDG spec says a relative path is invalid and must be ignored; it would follow the cwd."""
    monkeypatch.setenv("XDG_STATE_HOME", value)
    monkeypatch.setenv("XDG_CONFIG_HOME", value)

    for directory in (paths.state_dir(), paths.config_dir()):
        assert directory.is_absolute()
        assert directory.name == "rwc"


def test_nothing_is_created_by_asking(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    paths.audit_log_path()

    assert not (tmp_path / "state").exists()


def test_ensure_private_dir_makes_parents_user_only(tmp_path: Path) -> None:
    made = paths.ensure_private_dir(tmp_path / "a" / "b")

    assert made.is_dir()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert paths.ensure_private_dir(made) == made  # idempotent
