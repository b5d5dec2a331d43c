"""Config errors stay config errors, through the real `rwc` entry point in a subprocess.

A bad CA bundle, an unreadable secret file, a malformed URL or a config file rwc cannot use is ONE
line on stderr that names the file and the key, exit status 2, nothing on stdout, before any screen
opens: never a traceback, an "internal error", a hang (a FIFO, /dev/zero) or a MemoryError. Each case
runs `python -m console` with its XDG folders in tmp and a timeout, so a hang fails instead of waiting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT_SECONDS = 30
GOOD_SECRET = "s3cret"
SECRET_KEY = "profiles.prod.runai_client_secret_file"


def run_rwc(arguments: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`rwc ARGUMENTS` as a user runs it, with no terminal and private XDG folders."""
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "console", *arguments],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT_SECONDS,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def write_profile(tmp_path: Path, *extra_lines: str, runai_url: str = "https://acme.run.ai") -> Path:
    """A one-profile config whose Run:ai secret is a good file, plus `extra_lines` in the profile."""
    secret = tmp_path / "runai-secret"
    if not secret.exists():
        secret.write_text(GOOD_SECRET + "\n")
    lines = [
        'default_profile = "prod"',
        "[profiles.prod]",
        f"runai_url = {toml_string(runai_url)}",
        'runai_client_id = "rwc"',
        *extra_lines,
    ]
    if not any(line.startswith("runai_client_secret") for line in extra_lines):
        lines.append(f"runai_client_secret_file = {toml_string(str(secret))}")
    config = tmp_path / "config.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these characters)."""
    import json

    return json.dumps(text)


def bad_file(kind: str, tmp_path: Path) -> Path:
    """A path that no config, secret or CA bundle can be read from, of the given `kind`."""
    target = tmp_path / f"file-{kind}"
    if kind == "missing":
        return target
    if kind == "under-a-file":  # ENOTDIR: a path that cannot be opened (root reads even mode 000)
        (tmp_path / "plain").write_text("x")
        return tmp_path / "plain" / "secret"
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # opened for reading, this would wait for a writer forever
    elif kind == "dev-zero":
        return Path("/dev/zero")  # read whole, this would never end
    elif kind == "oversized":
        target.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + b"A" * (5 * 1024 * 1024))
    elif kind == "not-utf8":
        target.write_bytes(b"\xff\xfe\xfa secret\n")
    elif kind == "empty":
        target.write_text("\n")
    elif kind == "not-pem":
        target.write_text("hello, not a certificate\n")
    elif kind == "broken-pem":
        target.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    else:  # pragma: no cover - a typo in the table below
        raise AssertionError(kind)
    return target


@dataclass(frozen=True)
class Case:
    """One way to get the configuration wrong, and what the one line must say."""

    build: Callable[[Path], tuple[list[str], Path]]
    """Makes the files in tmp; returns rwc's arguments and the file the line must name."""
    key: str
    """The dotted key the line must name ("" for a problem with the whole file)."""
    words: str


def ca_bundle(kind: str) -> Callable[[Path], tuple[list[str], Path]]:
    def build(tmp_path: Path) -> tuple[list[str], Path]:
        config = write_profile(tmp_path, f"ca_bundle = {toml_string(str(bad_file(kind, tmp_path)))}")
        return ["--config", str(config)], config

    return build


def secret_file(kind: str, stem: str = "runai_client_secret") -> Callable[[Path], tuple[list[str], Path]]:
    def build(tmp_path: Path) -> tuple[list[str], Path]:
        path = toml_string(str(bad_file(kind, tmp_path)))
        if stem == "runai_client_secret":
            config = write_profile(tmp_path, f"runai_client_secret_file = {path}")
        else:
            config = write_profile(
                tmp_path,
                'weka_url = "https://weka.acme.com:14000"',
                'weka_username = "rwc"',
                f"{stem}_file = {path}",
            )
        return ["--config", str(config)], config

    return build


def url(runai_url: str, *extra_lines: str) -> Callable[[Path], tuple[list[str], Path]]:
    def build(tmp_path: Path) -> tuple[list[str], Path]:
        config = write_profile(tmp_path, *extra_lines, runai_url=runai_url)
        return ["--config", str(config)], config

    return build


def config_file(kind: str) -> Callable[[Path], tuple[list[str], Path]]:
    def build(tmp_path: Path) -> tuple[list[str], Path]:
        if kind == "dev-null":
            config = Path("/dev/null")
        elif kind == "deep-arrays":
            config = tmp_path / "deep.toml"
            config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
        elif kind == "deep-tables":
            config = tmp_path / "deep.toml"
            config.write_text("a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n")
        elif kind == "oversized":
            config = tmp_path / "huge.toml"
            config.write_text("# " + "x" * (2 * 1024 * 1024) + "\n")
        elif kind == "not-toml":
            config = tmp_path / "config.toml"
            config.write_text("[profiles.prod\n")
        else:
            config = bad_file(kind, tmp_path)
        return ["--config", str(config)], config

    return build


CASES: dict[str, Case] = {
    # profiles.prod.ca_bundle
    "ca-missing": Case(ca_bundle("missing"), "profiles.prod.ca_bundle", "cannot read"),
    "ca-directory": Case(
        ca_bundle("directory"), "profiles.prod.ca_bundle", "is a directory, not a regular file"
    ),
    "ca-fifo": Case(
        ca_bundle("fifo"), "profiles.prod.ca_bundle", "is a named pipe (FIFO), not a regular file"
    ),
    "ca-dev-zero": Case(ca_bundle("dev-zero"), "profiles.prod.ca_bundle", "is a device, not a regular file"),
    "ca-oversized": Case(ca_bundle("oversized"), "profiles.prod.ca_bundle", "more than such a file can be"),
    "ca-not-utf8": Case(ca_bundle("not-utf8"), "profiles.prod.ca_bundle", "is not UTF-8 text"),
    "ca-not-pem": Case(ca_bundle("not-pem"), "profiles.prod.ca_bundle", "is not a PEM certificate bundle"),
    "ca-broken-pem": Case(
        ca_bundle("broken-pem"), "profiles.prod.ca_bundle", "holds a certificate TLS cannot use"
    ),
    # the secret files (read when the live backend is built, still before any screen opens)
    "secret-missing": Case(secret_file("missing"), SECRET_KEY, "cannot read"),
    "secret-unreadable": Case(secret_file("under-a-file"), SECRET_KEY, "cannot read"),
    "secret-directory": Case(secret_file("directory"), SECRET_KEY, "is a directory, not a regular file"),
    "secret-fifo": Case(secret_file("fifo"), SECRET_KEY, "is a named pipe (FIFO), not a regular file"),
    "secret-dev-zero": Case(secret_file("dev-zero"), SECRET_KEY, "is a device, not a regular file"),
    "secret-oversized": Case(secret_file("oversized"), SECRET_KEY, "more than such a file can be"),
    "secret-not-utf8": Case(secret_file("not-utf8"), SECRET_KEY, "is not UTF-8 text"),
    "secret-empty": Case(secret_file("empty"), SECRET_KEY, "is empty"),
    "weka-password-fifo": Case(
        secret_file("fifo", "weka_password"),
        "profiles.prod.weka_password_file",
        "is a named pipe (FIFO), not a regular file",
    ),
    # the URLs
    "url-no-scheme": Case(
        url("acme.run.ai"), "profiles.prod.runai_url", "expected a URL starting with https://"
    ),
    "url-100k-characters": Case(
        url("https://acme.run.ai/" + "a" * 100_000),
        "profiles.prod.runai_url",
        "(100,020 characters), too long",
    ),
    "url-with-spaces": Case(
        url("https://acme run.ai"), "profiles.prod.runai_url", "holds spaces or controls"
    ),
    "url-http-without-allow-http": Case(
        url("http://acme.run.ai"),
        "profiles.prod.runai_url",
        "is plain http://, which would send the credentials",
    ),
    "weka-url-http-without-allow-http": Case(
        url(
            "https://acme.run.ai",
            'weka_url = "http://weka.acme.com:14000"',
            'weka_username = "rwc"',
            'weka_password_env = "RWC_WEKA_PASSWORD"',
        ),
        "profiles.prod.weka_url",
        "is plain http://",
    ),
    # the config file itself
    "config-dev-null": Case(config_file("dev-null"), "", "no profiles in this file"),
    "config-dev-zero": Case(config_file("dev-zero"), "", "is a device, not a regular file"),
    "config-fifo": Case(config_file("fifo"), "", "is a named pipe (FIFO), not a regular file"),
    "config-directory": Case(config_file("directory"), "", "is a directory, not a regular file"),
    "config-missing": Case(config_file("missing"), "", "no such config file"),
    "config-oversized": Case(config_file("oversized"), "", "more than such a file can be"),
    "config-not-utf8": Case(config_file("not-utf8"), "", "is not UTF-8 text"),
    "config-empty": Case(config_file("empty"), "", "no profiles in this file"),
    "config-deep-arrays": Case(config_file("deep-arrays"), "", "not valid TOML: nested too deep"),
    "config-deep-tables": Case(config_file("deep-tables"), "", "not valid TOML: nested too deep"),
    "config-not-toml": Case(config_file("not-toml"), "", "not valid TOML"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_config_rwc_cannot_use_is_one_line_naming_file_and_key_exit_2(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    arguments, named_file = case.build(tmp_path)
    result = run_rwc(arguments, tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"rwc: error: {named_file}: "), line
    if case.key:
        assert f": {case.key}: " in line, line
    assert case.words in line, line
    assert len(line) < 1000, "a line to read, not to scroll"


def test_http_with_allow_http_is_accepted_and_the_header_is_told(tmp_path: Path) -> None:
    """`allow_http = true` is the one way to a plain-HTTP profile, and the app gets the flag the
    header shows as HTTP (the header's test is in tests/ui)."""
    from console.cli import parse_args

    config = write_profile(tmp_path, "allow_http = true", runai_url="http://runai.lab.local:8080")
    parsed = parse_args(["--config", str(config)])
    assert parsed.plain_http and not parsed.insecure
    https = write_profile(tmp_path, "allow_http = true")  # allowed, but nothing is plain HTTP
    assert not parse_args(["--config", str(https)]).plain_http


def test_a_path_in_the_config_cannot_act_on_the_terminal(tmp_path: Path) -> None:
    """The line quotes paths from the config; an ESC in one (a TOML "\\u001b") is shown as ␛."""
    config = write_profile(
        tmp_path, f"ca_bundle = {toml_string(str(tmp_path / 'ca') + chr(27) + ']0;pwned' + chr(7))}"
    )
    result = run_rwc(["--config", str(config)], tmp_path)
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "␛]0;pwned␇" in result.stderr


@pytest.mark.parametrize("name", ["ca-not-pem", "secret-fifo", "url-http-without-allow-http"])
def test_a_config_error_is_found_without_loading_textual(tmp_path: Path, name: str) -> None:
    """Checked before any screen could open: the failing run never imports Textual."""
    arguments, _ = CASES[name].build(tmp_path)
    program = textwrap.dedent(
        f"""
        import sys
        from console.cli import main
        code = main({arguments!r})
        print(code, sorted({{'textual', 'console.app'}} & set(sys.modules)))
        """
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env
    )
    assert result.stdout.split() == ["2", "[]"], result.stdout + result.stderr


def test_the_served_simulator_profile_allows_its_plain_http(tmp_path: Path) -> None:
    """`rwc sim serve` serves http://127.0.0.1 and writes a profile rwc accepts: it says allow_http."""
    from console.config import load_config_file
    from console.sim.http.serve import build_served

    served = build_served("demo", 7, clock_speed=0)
    try:
        path = tmp_path / "sim.toml"
        path.write_text(served.profile_toml())
    finally:
        served.stop()
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None and profile.allow_http and profile.plain_http_keys
