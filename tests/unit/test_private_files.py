"""Files rwc writes for the user are private and never written through a planted symbolic link: the app
log (`rwc.log`, 0600 in a 0700 folder, tightened if older ones are looser) and the profile that
`rwc sim serve --config-out` writes (a fresh O_EXCL file in a private folder, renamed into place)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import cli
from console.data import paths
from console.sim.http.serve import ProfileWriteError, ServedSimulator, build_served


@pytest.fixture
def served() -> Iterator[ServedSimulator]:
    server = build_served("demo", 7, clock_speed=0)
    try:
        yield server
    finally:
        server.stop()


def log_one_record(path: Path) -> None:
    handler = cli._LazyFileHandler(path)
    try:
        handler.emit(logging.LogRecord("rwc", logging.INFO, __file__, 1, "started", None, None))
    finally:
        handler.close()


def test_the_app_log_is_private_and_so_is_its_folder() -> None:
    log_path = paths.app_log_path()

    log_one_record(log_path)

    assert "started" in log_path.read_text()
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700


def test_a_loose_app_log_and_folder_from_before_are_tightened() -> None:
    log_path = paths.app_log_path()
    log_path.parent.mkdir(parents=True)
    log_path.parent.chmod(0o755)
    log_path.write_text("older lines\n")
    log_path.chmod(0o644)

    log_one_record(log_path)

    assert log_path.read_text().startswith("older lines\n")
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700


def test_a_symlink_at_the_app_log_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    log_path = paths.app_log_path()
    log_path.parent.mkdir(parents=True)
    log_path.symlink_to(victim)

    log_one_record(log_path)  # dropped, not raised: logging must never crash rwc

    assert victim.read_text() == "precious\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644


def test_config_out_ignores_a_link_planted_where_the_old_temp_file_went(
    served: ServedSimulator, tmp_path: Path
) -> None:
    """The temp name used to be predictable (`.<name>.<pid>.partial`) and was opened following links."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    config_out = tmp_path / "out" / "rwc-sim.toml"
    config_out.parent.mkdir()
    (config_out.parent / f".{config_out.name}.{os.getpid()}.partial").symlink_to(victim)

    served.write_profile(config_out)

    assert victim.read_text() == "precious\n"
    assert config_out.read_text() == served.profile_toml()
    assert stat.S_IMODE(config_out.stat().st_mode) == 0o600
    assert sorted(path.name for path in config_out.parent.iterdir()) == [
        f".{config_out.name}.{os.getpid()}.partial",
        config_out.name,
    ]  # the private temp folder is gone


def test_config_out_that_is_a_symlink_is_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    config_out = tmp_path / "rwc-sim.toml"
    config_out.symlink_to(victim)

    status = cli.main(["sim", "serve", "--clock-speed", "0", "--config-out", str(config_out)])

    assert status == 2
    err = capsys.readouterr().err
    assert err == (
        f"rwc: error: --config-out {config_out}: it is a symbolic link, which rwc sim serve does not "
        "write through; remove it or choose another path\n"
    )
    assert victim.read_text() == "precious\n"
    assert config_out.is_symlink()


def test_config_out_in_a_folder_that_cannot_be_made_says_why(served: ServedSimulator, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")

    with pytest.raises(ProfileWriteError) as raised:
        served.write_profile(tmp_path / "file" / "rwc-sim.toml")

    assert (
        str(raised.value)
        == f"--config-out {tmp_path / 'file' / 'rwc-sim.toml'}: {tmp_path / 'file'} is not a folder"
    )
