"""config.toml parsing and validation: every mistake names the file, the key and what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import certifi
import pytest

from console.config import SCENARIO_NAMES, Config, ConfigError, Profile, load_config_file
from console.model import Role

VALID_PROFILE_TEMPLATE = """\
default_profile = "prod"

[profiles.prod]
runai_url = "https://myorg.run.ai/"
runai_client_id = "rwc-console"
runai_client_secret_env = "RWC_TEST_RUNAI_SECRET"
cluster_id = "d73a738f-fab3-430a-8fa3-5241493d7128"
weka_url = "https://weka01.example.com:14000"
weka_username = "rwc"
weka_password_file = "weka-password"
weka_org = "Root"
kube_context = "prod-admin"
kubeconfig = "~/.kube/prod"
ca_bundle = "CA_BUNDLE"

[profiles.lab]
runai_url = "http://runai.lab.local:8080"
runai_client_id = "lab"
runai_client_secret_file = "/run/secrets/runai"
insecure = true
allow_http = true
"""
VALID_PROFILE = VALID_PROFILE_TEMPLATE.replace("CA_BUNDLE", certifi.where())
"""A real PEM bundle (certifi's, installed with httpx): the config checks the bundle it names."""

MINIMAL_PROFILE = """\
[profiles.prod]
runai_url = "https://myorg.run.ai"
runai_client_id = "rwc-console"
runai_client_secret_env = "RWC_TEST_RUNAI_SECRET"
"""


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the developer's real config or write to their state dir."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    """The one-line message `load_config_file` raises for `text`."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config_file(path)
    message = str(caught.value)
    assert str(path) in message, message
    assert "\n" not in message
    return message


def test_valid_profiles_parse(tmp_path: Path) -> None:
    path = write(tmp_path, VALID_PROFILE)
    config_file = load_config_file(path)
    assert config_file.default_profile == "prod"
    prod = config_file.select(None)
    assert prod is not None
    assert prod.name == "prod"
    assert prod.runai_url == "https://myorg.run.ai"  # trailing slash dropped: one spelling to join onto
    assert prod.runai_client_id == "rwc-console"
    assert prod.runai_client_secret_env == "RWC_TEST_RUNAI_SECRET"
    assert prod.cluster_id == "d73a738f-fab3-430a-8fa3-5241493d7128"
    assert prod.weka_url == "https://weka01.example.com:14000"
    assert prod.weka_username == "rwc"
    assert prod.weka_password_file == tmp_path / "weka-password"  # relative to the config file
    assert prod.weka_org == "Root"
    assert prod.kube_context == "prod-admin"
    assert prod.kubeconfig == Path("~/.kube/prod").expanduser()
    assert prod.ca_bundle == Path(certifi.where())
    assert prod.insecure is False
    assert prod.has_weka
    lab = config_file.select("lab")
    assert lab is not None and lab.insecure and not lab.has_weka
    assert lab.allow_http and lab.plain_http_keys == ("runai_url",)  # the header will say HTTP
    assert not prod.allow_http and prod.plain_http_keys == ()
    assert lab.runai_client_secret_file == Path("/run/secrets/runai")


def test_missing_file_is_empty_unless_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert load_config_file(missing).profiles == {}
    assert load_config_file(missing).select(None) is None
    with pytest.raises(ConfigError, match="no such config file") as caught:
        load_config_file(missing, must_exist=True)
    assert str(missing) in str(caught.value)


def test_only_profile_is_selected_without_default(tmp_path: Path) -> None:
    profile = load_config_file(write(tmp_path, MINIMAL_PROFILE)).select(None)
    assert profile is not None and profile.name == "prod"


def test_several_profiles_without_default_must_be_chosen(tmp_path: Path) -> None:
    text = MINIMAL_PROFILE + MINIMAL_PROFILE.replace("profiles.prod", "profiles.lab")
    config_file = load_config_file(write(tmp_path, text))
    with pytest.raises(ConfigError, match="--profile"):
        config_file.select(None)
    assert config_file.select("lab").name == "lab"  # type: ignore[union-attr]


def test_unknown_profile_name_lists_the_known_ones(tmp_path: Path) -> None:
    config_file = load_config_file(write(tmp_path, VALID_PROFILE))
    with pytest.raises(ConfigError, match=r"no profile named 'staging' \(profiles: lab, prod\)"):
        config_file.select("staging")


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "myorg.run.ai"),
            "profiles.prod.runai_url",
            "expected a URL starting with https:// or http://",
            id="url-without-scheme",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "ftp://myorg.run.ai"),
            "profiles.prod.runai_url",
            "expected a URL starting with https:// or http://",
            id="url-wrong-scheme",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "https://host:99999"),
            "profiles.prod.runai_url",
            "expected a URL starting with https:// or http://",
            id="url-bad-port",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('runai_url = "https://myorg.run.ai"', "runai_url = 443"),
            "profiles.prod.runai_url",
            "expected a string, got an integer",
            id="url-wrong-type",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('runai_url = "https://myorg.run.ai"\n', ""),
            "profiles.prod.runai_url",
            "missing",
            id="missing-url",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('runai_client_id = "rwc-console"\n', ""),
            "profiles.prod.runai_client_id",
            "missing",
            id="missing-client-id",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('runai_client_id = "rwc-console"', 'runai_client_id = "  "'),
            "profiles.prod.runai_client_id",
            "must not be empty",
            id="empty-client-id",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'runai_urll = "https://x"\n',
            "profiles.prod.runai_urll",
            "unknown key (did you mean 'runai_url'?)",
            id="unknown-key-typo",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'colour = "blue"\n',
            "profiles.prod.colour",
            "unknown key",
            id="unknown-key",
        ),
        pytest.param(
            'theme = "dark"\n' + MINIMAL_PROFILE,
            "theme",
            "unknown key",
            id="unknown-top-level-key",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'runai_client_secret = "hunter2"\n',
            "profiles.prod.runai_client_secret",
            "secrets are never read from the config file",
            id="secret-inline",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('runai_client_secret_env = "RWC_TEST_RUNAI_SECRET"\n', ""),
            "profiles.prod",
            "missing runai_client_secret_env or runai_client_secret_file",
            id="no-secret-source",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'runai_client_secret_file = "/run/secrets/x"\n',
            "profiles.prod.runai_client_secret_file",
            "set only one of runai_client_secret_env and runai_client_secret_file",
            id="two-secret-sources",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace('"RWC_TEST_RUNAI_SECRET"', '"s3cr3t value!"'),
            "profiles.prod.runai_client_secret_env",
            "expected the name of an environment variable",
            id="secret-env-not-a-name",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "http://myorg.run.ai"),
            "profiles.prod.runai_url",
            "is plain http://, which would send the credentials and every token unencrypted; "
            "use https://, or set allow_http = true",
            id="http-without-allow-http",
        ),
        pytest.param(
            MINIMAL_PROFILE
            + 'weka_url = "http://weka:14000"\nweka_username = "u"\nweka_password_env = "W"\n',
            "profiles.prod.weka_url",
            "is plain http://",
            id="weka-http-without-allow-http",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'allow_http = "yes"\n',
            "profiles.prod.allow_http",
            "expected true or false, got a string",
            id="allow-http-not-bool",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "https://myorg.run.ai/" + "a" * 100_000),
            "profiles.prod.runai_url",
            "(100,021 characters), too long to be one",
            id="url-100k-characters",
        ),
        pytest.param(
            MINIMAL_PROFILE.replace("https://myorg.run.ai", "https://myorg run.ai"),
            "profiles.prod.runai_url",
            "which holds spaces or controls",
            id="url-with-space",
        ),
        pytest.param(
            MINIMAL_PROFILE + "insecure = 1\n",
            "profiles.prod.insecure",
            "expected true or false, got an integer",
            id="insecure-not-bool",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'insecure = true\nca_bundle = "/ca.pem"\n',
            "profiles.prod.insecure",
            "not both",
            id="insecure-and-ca-bundle",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'weka_url = "https://weka:14000"\nweka_password_env = "W"\n',
            "profiles.prod.weka_username",
            "missing (required when weka_url is set)",
            id="weka-without-username",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'weka_url = "https://weka:14000"\nweka_username = "u"\n',
            "profiles.prod",
            "missing weka_password_env or weka_password_file",
            id="weka-without-password",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'weka_username = "u"\n',
            "profiles.prod.weka_username",
            "set weka_url too",
            id="weka-keys-without-url",
        ),
        pytest.param(
            MINIMAL_PROFILE + 'weka_url = "weka01:14000"\nweka_username = "u"\nweka_password_env = "W"\n',
            "profiles.prod.weka_url",
            "expected a URL starting with https:// or http://",
            id="weka-bad-url",
        ),
        pytest.param(
            'default_profile = "staging"\n' + MINIMAL_PROFILE,
            "default_profile",
            "no profile named 'staging'",
            id="default-profile-unknown",
        ),
        pytest.param(
            "default_profile = 3\n" + MINIMAL_PROFILE,
            "default_profile",
            "expected a string",
            id="default-profile-wrong-type",
        ),
        pytest.param(
            'profiles = "prod"\n',
            "profiles",
            "expected a table of profiles",
            id="profiles-not-a-table",
        ),
        pytest.param(
            '[profiles]\nprod = "https://myorg.run.ai"\n',
            "profiles.prod",
            "expected a table",
            id="profile-not-a-table",
        ),
    ],
)
def test_malformed_profile_names_file_and_key(tmp_path: Path, text: str, key: str, what: str) -> None:
    message = problem(tmp_path, text)
    assert f"config.toml: {key}: " in message, message
    assert what in message, message


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    message = problem(tmp_path, '[profiles.prod]\nrunai_url = "https://x"\nrunai_client_id = \n')
    assert "not valid TOML" in message
    assert "line 3" in message, message


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'default_profile = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8") as caught:
        load_config_file(path)
    assert str(path) in str(caught.value)


def test_unreadable_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a regular file") as caught:
        load_config_file(tmp_path)  # a directory
    assert str(tmp_path) in str(caught.value)


def test_secret_from_env_var_is_read_lazily_and_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "hunter2-do-not-print"
    path = write(tmp_path, MINIMAL_PROFILE)
    profile = load_config_file(path).select(None)
    assert profile is not None
    with pytest.raises(ConfigError, match="RWC_TEST_RUNAI_SECRET is not set") as caught:
        profile.runai_client_secret()
    assert str(path) in str(caught.value) and "profiles.prod.runai_client_secret_env" in str(caught.value)

    monkeypatch.setenv("RWC_TEST_RUNAI_SECRET", secret)
    assert profile.runai_client_secret() == secret
    config = Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)
    assert secret not in repr(config)
    assert secret not in repr(profile)
    assert secret not in str(config)


def test_secret_from_file(tmp_path: Path) -> None:
    (tmp_path / "weka-password").write_text("p@ss\n", encoding="utf-8")
    text = MINIMAL_PROFILE + 'weka_url = "https://weka:14000"\nweka_username = "u"\n'
    profile = load_config_file(write(tmp_path, text + 'weka_password_file = "weka-password"\n')).select(None)
    assert profile is not None
    assert profile.weka_password() == "p@ss"  # the trailing newline editors add is dropped
    assert "p@ss" not in repr(profile)
    assert profile.runai_client_secret({"RWC_TEST_RUNAI_SECRET": "x"}) == "x"


def test_missing_secret_file_names_key(tmp_path: Path) -> None:
    text = MINIMAL_PROFILE.replace(
        'runai_client_secret_env = "RWC_TEST_RUNAI_SECRET"', 'runai_client_secret_file = "absent"'
    )
    profile = load_config_file(write(tmp_path, text)).select(None)
    assert profile is not None
    with pytest.raises(ConfigError, match="profiles.prod.runai_client_secret_file: cannot read"):
        profile.runai_client_secret()


def test_config_defaults_are_the_demo(tmp_path: Path) -> None:
    config = Config()
    assert config.demo and config.profile is None and config.profile_name is None
    assert config.scenario == "demo" and config.role is Role.ADMIN and config.clock_speed == 1.0
    assert config.config_path == tmp_path / "xdg-config" / "rwc" / "config.toml"


def test_config_rejects_impossible_values() -> None:
    with pytest.raises(ConfigError, match="unknown scenario"):
        Config(scenario="gigantic")
    with pytest.raises(ConfigError, match="clock speed"):
        Config(clock_speed=-1.0)
    with pytest.raises(ConfigError, match="needs a profile"):
        Config(demo=False)


def test_scenario_names_match_the_simulator() -> None:
    """config.py repeats the names so --help need not import the simulator; keep them equal."""
    from console.sim.scenarios import SCENARIOS

    assert SCENARIO_NAMES == SCENARIOS


def test_profile_is_frozen() -> None:
    profile = Profile(name="p", runai_url="https://x", runai_client_id="c", runai_client_secret_env="E")
    with pytest.raises(AttributeError):
        profile.runai_url = "https://y"  # type: ignore[misc]
