"""Config errors stay config errors: a CA bundle or secret file that is missing, a directory, a FIFO,
a device, oversized, not UTF-8 or not PEM gives one line naming the file and the key, exit 2, before
any screen opens, and never hangs. Run through the real `rwc` entry point in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_SECRET = "s3cret"


def profile(tmp_path: Path, *, secret_file: Path, ca_bundle: Path | None) -> Path:
    config = tmp_path / "config.toml"
    lines = [
        'default_profile = "prod"',
        "[profiles.prod]",
        'runai_url = "https://acme.run.ai"',
        'runai_client_id = "rwc"',
        f'runai_client_secret_file = "{secret_file}"',
    ]
    if ca_bundle is not None:
        lines.append(f'ca_bundle = "{ca_bundle}"')
    config.write_text("\n".join(lines) + "\n")
    return config


def run_rwc(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    return subprocess.run(
        [sys.executable, "-m", "console", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def make(kind: str, tmp_path: Path) -> Path:
    target = tmp_path / f"file-{kind}"
    if kind == "missing":
        return target
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        return Path("/dev/zero")
    elif kind == "oversized":
        target.write_bytes(b"x" * (5 * 1024 * 1024))
    elif kind == "not-utf8":
        target.write_bytes(b"\xff\xfe\xfa\n")
    elif kind == "not-pem":
        target.write_text("hello, not a certificate\n")
    elif kind == "broken-pem":
        target.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    return target


CA_CASES = {
    "missing": "cannot read",
    "directory": "is not a regular file",
    "fifo": "is not a regular file",
    "device": "is not a regular file",
    "oversized": "more than such a file can be",
    "not-utf8": "is not UTF-8 text",
    "not-pem": "is not a PEM certificate bundle",
    "broken-pem": "holds a certificate TLS cannot use",
}


@pytest.mark.parametrize("kind", list(CA_CASES))
def test_a_bad_ca_bundle_is_one_line_naming_the_key(tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret"
    secret.write_text(GOOD_SECRET)
    bundle = make(kind, tmp_path)
    result = run_rwc(profile(tmp_path, secret_file=secret, ca_bundle=bundle), tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and result.stdout == ""
    assert "profiles.prod.ca_bundle" in lines[0] and str(bundle) in lines[0]
    assert CA_CASES[kind] in lines[0]


SECRET_CASES = {
    "fifo": "is not a regular file",
    "device": "is not a regular file",
    "not-utf8": "is not UTF-8 text",
    "directory": "is not a regular file",
}


@pytest.mark.parametrize("kind", list(SECRET_CASES))
def test_a_bad_secret_file_is_one_line_naming_the_key(tmp_path: Path, kind: str) -> None:
    secret = make(kind, tmp_path)
    result = run_rwc(profile(tmp_path, secret_file=secret, ca_bundle=None), tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "profiles.prod.runai_client_secret_file" in lines[0] and SECRET_CASES[kind] in lines[0]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("device", "is not a regular file"),  # --config /dev/null once opened the demo silently
        ("fifo", "is not a regular file"),
        ("empty", "no profiles in this file"),
        ("deep", "nested too deep"),
        ("not-utf8", "is not UTF-8 text"),
    ],
)
def test_a_config_file_rwc_cannot_use_is_one_line_exit_2(tmp_path: Path, kind: str, words: str) -> None:
    if kind == "device":
        config = Path("/dev/null")
    elif kind == "empty":
        config = tmp_path / "empty.toml"
        config.write_text("")
    elif kind == "deep":
        config = tmp_path / "deep.toml"
        config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    else:
        config = make(kind, tmp_path)
    result = run_rwc(config, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and result.stdout == ""
    assert str(config) in lines[0] and words in lines[0]
