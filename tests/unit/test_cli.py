"""The `rwc` command line: flags -> Config, one-line errors and exit codes, and the backend it builds."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from console import __version__, cli
from console.cli import UsageError, build_backend, build_parser, main, parse_args
from console.config import DEMO_SITES, Config, ConfigError
from console.data.audit import read_audit_records
from console.data.errors import ReadOnlyError
from console.model import Role

REPO_ROOT = Path(__file__).resolve().parents[2]

LIVE_PROFILE = """\
[profiles.prod]
runai_url = "https://myorg.run.ai"
runai_client_id = "rwc-console"
runai_client_secret_env = "RWC_TEST_RUNAI_SECRET"
"""

HEAVY_MODULES = ("kubernetes", "httpx", "pynvml")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point config and state at temp dirs and clear NO_COLOR; returns the env for subprocesses."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return dict(os.environ)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Where rwc looks for profiles in these tests (not created)."""
    return tmp_path / "xdg-config" / "rwc" / "config.toml"


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_rwc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess: what a user's shell sees."""
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=REPO_ROOT,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


# -- help and usage errors -----------------------------------------------------------------------------


def every_flag() -> list[str]:
    return [
        option
        for action in build_parser()._actions
        for option in action.option_strings
        if option.startswith("--")
    ]


def test_parser_has_the_promised_flags() -> None:
    assert set(every_flag()) >= {
        "--demo",
        "--scenario",
        "--seed",
        "--clock-speed",
        "--read-only",
        "--profile",
        "--config",
        "--no-color",
        "--role",
        "--user",
        "--insecure",
        "--version",
        "--help",
    }


def test_help_mentions_every_flag_and_has_examples() -> None:
    result = run_rwc("--help")
    assert result.returncode == 0, result.stderr
    for flag in every_flag():
        assert flag in result.stdout, flag
    assert "examples:" in result.stdout
    assert "rwc --demo" in result.stdout
    assert result.stderr == ""


def test_version() -> None:
    result = run_rwc("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"rwc {__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--scenario", "nope"], "invalid choice: 'nope'"),
        (["--seed", "many"], "--seed: expected a whole number"),
        (["--clock-speed", "-2"], "--clock-speed: expected a number >= 0"),
        (["--role", "root"], "invalid choice: 'root'"),
        (["--dem"], "unrecognized arguments: --dem"),  # no surprising abbreviations
    ],
)
def test_usage_error_is_one_line_and_exits_2(args: list[str], expected: str) -> None:
    line = assert_one_line_error(run_rwc(*args))
    assert line.startswith("rwc: error: "), line
    assert expected in line
    assert "try 'rwc --help'" in line


def test_parse_args_raises_usage_error_instead_of_exiting() -> None:
    with pytest.raises(UsageError, match="unrecognized arguments"):
        parse_args(["--bogus"])


def test_config_error_is_one_line_and_exits_2(config_file: Path) -> None:
    write_config(config_file, LIVE_PROFILE.replace("https://myorg.run.ai", "myorg.run.ai"))
    line = assert_one_line_error(run_rwc())
    assert line.startswith("rwc: error: ")
    assert str(config_file) in line and "profiles.prod.runai_url" in line
    assert "expected a URL starting with https:// or http://" in line


def test_malformed_toml_is_one_line_and_exits_2(config_file: Path) -> None:
    write_config(config_file, "[profiles.prod\n")
    line = assert_one_line_error(run_rwc())
    assert str(config_file) in line and "line 1" in line


def test_live_profile_whose_secret_is_missing_is_one_line_naming_the_key(config_file: Path) -> None:
    """The secret is read before the screen opens: an unset variable is exit 2, naming the profile key."""
    write_config(config_file, LIVE_PROFILE)
    config = parse_args([])
    assert not config.demo and config.profile_name == "prod" and config.profile is not None
    env = {key: value for key, value in os.environ.items() if key != "RWC_TEST_RUNAI_SECRET"}
    line = assert_one_line_error(run_rwc(env=env))
    assert line.startswith("rwc: error: ")
    assert "profiles.prod.runai_client_secret_env" in line and "RWC_TEST_RUNAI_SECRET" in line


def test_live_profile_builds_the_audited_live_backend(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:6443"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    write_config(config_file, LIVE_PROFILE + f'kubeconfig = "{kubeconfig}"\n')
    monkeypatch.setenv("RWC_TEST_RUNAI_SECRET", "s3cret-value")
    backend = build_backend(parse_args(["--read-only", "--insecure"]))
    assert type(backend).__name__ == "AuditedBackend"
    assert type(backend.inner).__name__ == "ReadOnlyBackend"  # type: ignore[attr-defined]
    assert type(backend.inner.inner).__name__ == "OwnProjectsOnly"  # type: ignore[attr-defined]
    live = backend.inner.inner.inner  # type: ignore[attr-defined]
    assert type(live).__name__ == "LiveBackend" and live.insecure and live.profile_name == "prod"
    assert "s3cret-value" not in repr(live)
    asyncio.run(backend.aclose())


def test_internal_error_is_one_line_with_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_factory(config: Config, **options: object) -> object:
        raise ZeroDivisionError("boom\nsecond line")

    monkeypatch.setattr(cli, "make_app", broken_factory)
    assert main(["--demo"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("rwc: internal error: ZeroDivisionError: boom second line")
    log_file = tmp_path / "xdg-state" / "rwc" / "rwc.log"
    assert str(log_file) in lines[0]
    assert "Traceback" in log_file.read_text(encoding="utf-8")


def test_main_returns_2_for_usage_errors_without_raising(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scenario", "nope"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--help"]) == 0


def test_clean_help_leaves_no_log_file(tmp_path: Path) -> None:
    assert run_rwc("--help").returncode == 0
    assert not (tmp_path / "xdg-state").exists()


# -- flags -> Config -------------------------------------------------------------------------------------


def test_no_config_opens_the_demo(config_file: Path) -> None:
    assert not config_file.exists()
    config = parse_args([])
    assert config.demo
    assert config.profile is None and config.profile_name is None
    assert config.config_path == config_file
    assert (config.scenario, config.seed, config.clock_speed, config.role) == ("demo", 7, 1.0, Role.ADMIN)
    assert not config.read_only and not config.no_color and not config.insecure


def test_config_without_profiles_opens_the_demo(config_file: Path) -> None:
    write_config(config_file, "# nothing yet\n")
    assert parse_args([]).demo


def test_flags_reach_the_config(tmp_path: Path) -> None:
    config = parse_args(
        [
            "--demo",
            "--scenario=large",
            "--seed",
            "42",
            "--clock-speed",
            "0",
            "--read-only",
            "--no-color",
            "--role",
            "researcher",
            "--user",
            "alice",
            "--insecure",
            "--config",
            str(tmp_path / "other.toml"),
        ]
    )
    assert config == Config(
        demo=True,
        scenario="large",
        seed=42,
        clock_speed=0.0,
        read_only=True,
        no_color=True,
        user="alice",
        role=Role.RESEARCHER,
        profile_name=None,
        config_path=tmp_path / "other.toml",
        insecure=True,
        profile=None,
        sites=DEMO_SITES,  # `rwc --demo` has two sites, on-prem and cloud
    )


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("", False)])
def test_no_color_env(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    assert parse_args([]).no_color is expected


def test_demo_does_not_read_the_config_file(config_file: Path) -> None:
    write_config(config_file, "this is not toml")
    assert parse_args(["--demo"]).demo
    with pytest.raises(ConfigError):
        parse_args([])


def test_profile_and_demo_conflict() -> None:
    with pytest.raises(UsageError, match="cannot be combined with --demo"):
        parse_args(["--demo", "--profile", "prod"])


def test_named_profile_needs_a_config_file(config_file: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file") as caught:
        parse_args(["--profile", "prod"])
    assert str(config_file) in str(caught.value)


def test_named_config_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        parse_args(["--config", str(tmp_path / "missing.toml")])


def test_profile_selection(config_file: Path) -> None:
    write_config(config_file, LIVE_PROFILE + LIVE_PROFILE.replace("profiles.prod", "profiles.lab"))
    with pytest.raises(ConfigError, match="several profiles"):
        parse_args([])
    config = parse_args(["--profile", "lab", "--insecure"])
    assert config.profile_name == "lab" and not config.demo and config.insecure
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        parse_args(["--profile", "nope"])


def test_profile_insecure_reaches_the_config(config_file: Path) -> None:
    write_config(config_file, LIVE_PROFILE + "insecure = true\n")
    assert parse_args([]).insecure


def test_demo_only_flags_with_a_live_profile_are_refused(config_file: Path) -> None:
    write_config(config_file, LIVE_PROFILE)
    with pytest.raises(UsageError, match="--scenario, --user only apply to the demo cluster; add --demo"):
        parse_args(["--scenario", "large", "--user", "bob"])
    with pytest.raises(UsageError, match="--seed only applies to the demo cluster"):
        parse_args(["--seed", "3"])


# -- the backend it builds -----------------------------------------------------------------------------


def demo_config(**overrides: object) -> Config:
    from console.sim.clock import DEFAULT_START

    return Config(**{"clock_speed": 0.0, "sim_start": DEFAULT_START, **overrides})  # type: ignore[arg-type]


def audit_lines(tmp_path: Path) -> list[dict[str, object]]:
    """One record per action (intent and outcome lines merged), see `read_audit_records`."""
    return read_audit_records(tmp_path / "xdg-state" / "rwc" / "audit.jsonl")


async def test_read_only_backend_refuses_actions_and_changes_nothing(tmp_path: Path) -> None:
    backend = build_backend(demo_config(read_only=True))
    nodes_before = await backend.nodes()
    target = next(node for node in nodes_before if not node.cordoned)
    with pytest.raises(ReadOnlyError):
        await backend.cordon_node(target.name)
    assert await backend.nodes() == nodes_before
    [record] = audit_lines(tmp_path)
    assert record["action"] == "cordon_node" and record["outcome"] == "refused"
    await backend.aclose()


async def test_writable_demo_backend_acts_and_audits(tmp_path: Path) -> None:
    backend = build_backend(demo_config())
    assert backend.profile_name == "demo"
    target = next(node for node in await backend.nodes() if not node.cordoned)
    changed = await backend.cordon_node(target.name)
    assert changed.cordoned
    [record] = audit_lines(tmp_path)
    assert record["outcome"] == "ok" and record["profile"] == "demo"
    assert record["user"] == (await backend.identity()).user
    await backend.aclose()


async def test_demo_backend_acts_as_the_requested_role() -> None:
    backend = build_backend(demo_config(role=Role.RESEARCHER))
    identity = await backend.identity()
    assert identity.role is Role.RESEARCHER
    await backend.aclose()


async def test_sim_start_pins_the_clock() -> None:
    from console.sim.clock import DEFAULT_START

    backend = build_backend(demo_config())
    assert backend.now() == DEFAULT_START
    await backend.aclose()


def test_make_app_passes_backend_and_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The factory the CLI, UI tests and snapshot apps share; a stand-in app keeps Textual out."""
    built: dict[str, object] = {}

    class FakeApp:
        return_code: int | None = 3

        def __init__(self, *, backend: object, config: Config, sites: object = None) -> None:
            built.update(backend=backend, config=config)
            if sites is not None:  # `rwc --demo`: two sites, the first built as before
                built["sites"] = sites

        def run(self) -> None:
            built["ran"] = True

    fake_module = types.ModuleType("console.app")
    fake_module.RwcApp = FakeApp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "console.app", fake_module)
    sentinel_backend = object()
    monkeypatch.setattr(cli, "build_backend", lambda config, **options: sentinel_backend)
    config = Config(clock_speed=0.0)
    app = cli.make_app(config)
    assert isinstance(app, FakeApp)
    assert built == {"backend": sentinel_backend, "config": config}
    assert main(["--demo"]) == 3  # main runs the app and returns its return code
    assert built["ran"] is True


# -- startup weight --------------------------------------------------------------------------------------


def imported_modules_after(code: str, env: dict[str, str]) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return {line.split(".")[0] for line in result.stderr.splitlines()} | set(result.stderr.splitlines())


def test_help_imports_nothing_heavy(isolated_env: dict[str, str]) -> None:
    modules = imported_modules_after("from console.cli import main\nmain(['--help'])", isolated_env)
    for heavy in (*HEAVY_MODULES, "textual", "rich", "console.sim", "console.backends.demo"):
        assert heavy not in modules, heavy


def test_demo_backend_imports_no_live_client_or_textual(isolated_env: dict[str, str]) -> None:
    code = "from console.cli import build_backend, parse_args\nbuild_backend(parse_args(['--demo']))"
    modules = imported_modules_after(code, isolated_env)
    for heavy in (*HEAVY_MODULES, "textual"):
        assert heavy not in modules, heavy


async def test_researcher_who_is_in_no_project_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--user nobody: not a member of any project .* \(try --user "):
        build_backend(demo_config(role=Role.RESEARCHER, user="nobody"))
    backend = build_backend(demo_config(role=Role.ADMIN, user="ops@example.com"))
    assert (await backend.identity()).user == "ops@example.com"
    await backend.aclose()
