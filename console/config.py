"""rwc's configuration: TOML connection profiles merged with flags and the environment into one `Config`.

The app, the backends and the tests all read a single frozen `Config`, so what the user asked for is
decided once, in `console.cli`, and nothing downstream re-reads flags or files. Profiles live in
`<XDG config dir>/rwc/config.toml` (`console.data.paths.config_file_path()`):

    default_profile = "prod"

    [profiles.prod]
    runai_url = "https://myorg.run.ai"
    runai_client_id = "rwc-console"
    runai_client_secret_env = "RWC_RUNAI_SECRET"
    cluster_id = "d73a738f-fab3-430a-8fa3-5241493d7128"
    weka_url = "https://weka01.example.com:14000"
    weka_username = "rwc"
    weka_password_file = "~/.config/rwc/weka-password"
    kube_context = "prod-admin"

Secrets never sit in this file, in flags (shell history) or in a `repr`: a profile names an environment
variable or a file, and the secret is read only when a live client asks for it.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from console.data.paths import config_file_path
from console.model import Role

if TYPE_CHECKING:
    import ssl

SCENARIO_NAMES: tuple[str, ...] = ("demo", "large", "huge")
"""Kept equal to `console.sim.scenarios.SCENARIOS` (a test checks); repeated so `rwc --help` need not
import the simulator."""

DEFAULT_SEED = 7
DEFAULT_SCENARIO = "demo"
DEMO_SITES: tuple[str, ...] = ("on-prem", "cloud")
"""`rwc --demo`'s sites: today's cluster on premises, and a smaller GPU cluster in a public cloud whose
object store holds on-prem's off-site uploads (`console.sim.cloud_scenario`)."""

_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the key and what is wrong.

    It is one line, written for the user: the CLI prints it after `rwc: error:` and exits 2.
    """


# -- profiles ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """One live connection: where Run:ai, WEKA and Kubernetes are and where their secrets come from.

    Only the *names* of secret sources are stored; `runai_client_secret()` and `weka_password()` read
    the secret when called, so it is never held in a long-lived object, a repr, a log or the audit.
    """

    name: str
    runai_url: str
    runai_client_id: str
    runai_client_secret_env: str | None = None
    runai_client_secret_file: Path | None = None
    cluster_id: str | None = None
    weka_url: str | None = None
    weka_username: str | None = None
    weka_password_env: str | None = None
    weka_password_file: Path | None = None
    weka_org: str | None = None
    kube_context: str | None = None
    kubeconfig: Path | None = None
    ca_bundle: Path | None = None
    insecure: bool = False
    allow_http: bool = False
    """Plain `http://` URLs are accepted only with this set: the token and secrets then travel unencrypted."""
    source_path: Path | None = field(default=None, compare=False, repr=False)
    """The file this profile was read from, so a secret that cannot be read is reported against it."""

    @property
    def plain_http_keys(self) -> tuple[str, ...]:
        """The URL keys that are plain `http://` (allowed by `allow_http`); the header warns of them."""
        urls = (("runai_url", self.runai_url), ("weka_url", self.weka_url))
        return tuple(key for key, url in urls if url is not None and url.lower().startswith("http://"))

    @property
    def has_weka(self) -> bool:
        """Whether this profile connects to a WEKA cluster (a Run:ai-only profile is allowed)."""
        return self.weka_url is not None

    def runai_client_secret(self, environ: Mapping[str, str] | None = None) -> str:
        """The Run:ai application's client secret, read now from the env var or file the profile names."""
        return self._read_secret(
            "runai_client_secret", self.runai_client_secret_env, self.runai_client_secret_file, environ
        )

    def weka_password(self, environ: Mapping[str, str] | None = None) -> str:
        """The WEKA user's password, read now from the env var or file the profile names."""
        if not self.has_weka:
            raise ConfigError(f"{self._where()}: profiles.{self.name} has no weka_url, so no WEKA password")
        return self._read_secret("weka_password", self.weka_password_env, self.weka_password_file, environ)

    def _where(self) -> str:
        return str(self.source_path) if self.source_path else "config"

    def _read_secret(
        self, stem: str, env_name: str | None, file_path: Path | None, environ: Mapping[str, str] | None
    ) -> str:
        if env_name is not None:
            env = os.environ if environ is None else environ
            value = env.get(env_name, "")
            if not value:
                raise ConfigError(
                    f"{self._where()}: profiles.{self.name}.{stem}_env: "
                    f"environment variable {env_name} is not set or empty"
                )
            return value
        if file_path is not None:
            key = f"{self._where()}: profiles.{self.name}.{stem}_file"
            value = read_small_text_file(file_path, key, MAX_SECRET_FILE_BYTES).strip()
            if not value:
                raise ConfigError(f"{self._where()}: profiles.{self.name}.{stem}_file: {file_path} is empty")
            return value
        raise ConfigError(f"{self._where()}: profiles.{self.name}: no source for {stem}")


# -- the whole configuration ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the app needs to start, decided once by `console.cli.parse_args`.

    The defaults are the demo cluster as `rwc --demo` opens it, so tests and snapshot apps can write
    `Config(clock_speed=0, sim_start=DEFAULT_START)` and get the same app the user gets.
    """

    demo: bool = True
    """Run against the in-process simulator (forced by --demo, or because no profile is configured)."""
    scenario: str = DEFAULT_SCENARIO
    """The simulator scenario: `demo` (small, believable), `large` or `huge` (scale)."""
    seed: int = DEFAULT_SEED
    """Seeds the simulator: the same seed gives the same cluster and the same history."""
    clock_speed: float = 1.0
    """Simulated seconds per real second; 0 freezes the simulated clock (tests, snapshots)."""
    read_only: bool = False
    """Refuse every action in the data layer (and hide/dim the keys in the screens)."""
    no_color: bool = False
    """Monochrome theme: --no-color, or a non-empty NO_COLOR in the environment."""
    user: str | None = None
    """Demo only: act as this user (None: the scenario's default user for `role`)."""
    role: Role = Role.ADMIN
    """Demo only: the role to act with; live, the role comes from the credentials."""
    profile_name: str | None = None
    """The live profile in use; None in the demo."""
    config_path: Path = field(default_factory=config_file_path)
    """The config file that was (or would have been) read; shown in messages and the help screen."""
    insecure: bool = False
    """TLS verification off (--insecure or the profile's `insecure = true`); the header shows it."""
    plain_http: bool = False
    """The profile talks plain `http://` (it set `allow_http = true`): tokens travel unencrypted, and the
    header says HTTP as it says INSECURE."""
    profile: Profile | None = None
    """The live connection; None in the demo."""
    sim_start: datetime | None = None
    """Demo only: the simulator's start time (an aware datetime); None means now, to the second, in UTC.
    Not a flag: snapshot tests pin it so rendered timestamps never change."""
    sites: tuple[str, ...] = ()
    """Every site `:ctx` switches between, in order: the config file's profiles (live) or `DEMO_SITES`
    (`rwc --demo`). Empty: one cluster, as before sites existed (`profile`, or the demo)."""
    site_profiles: tuple[Profile, ...] = ()
    """Live: the profile of each of `sites`, in the same order (`profile` is the one opened first)."""

    def __post_init__(self) -> None:
        if self.sim_start is not None and self.sim_start.tzinfo is None:
            raise ConfigError("sim_start must be an aware datetime (UTC)")
        if self.scenario not in SCENARIO_NAMES:
            raise ConfigError(
                f"unknown scenario {self.scenario!r}; choose one of: {', '.join(SCENARIO_NAMES)}"
            )
        if not (math.isfinite(self.clock_speed) and self.clock_speed >= 0):
            raise ConfigError(f"clock speed must be a finite number >= 0, got {self.clock_speed!r}")
        if not self.demo and self.profile is None:
            raise ConfigError("a live configuration needs a profile")
        if not self.demo and self.sites and tuple(p.name for p in self.site_profiles) != self.sites:
            raise ConfigError("every live site needs its profile")

    def insecure_for(self, profile: Profile | None) -> bool:
        """TLS verification off for `profile` (one of the sites): `--insecure`, or its own setting. The
        open profile's own `insecure = true` is folded into `insecure`; it does not spread to the others."""
        if profile is None:
            return self.insecure
        flag = self.insecure and not (self.profile is not None and self.profile.insecure)
        return flag or profile.insecure

    @property
    def several_sites(self) -> bool:
        """More than one site: rwc opens on `:sites` and `:ctx` switches between them."""
        return len(self.sites) > 1


# -- reading config.toml ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """What config.toml holds once validated: the profiles by name and which one is the default."""

    path: Path
    profiles: Mapping[str, Profile]
    default_profile: str | None = None
    sites: tuple[str, ...] = ()
    """The top-level `sites = ["prod", "cloud"]`: which profiles rwc opens as sites, in that order (empty:
    every profile, in the file's order)."""

    @property
    def site_names(self) -> tuple[str, ...]:
        return self.sites or tuple(self.profiles)

    def select(self, requested: str | None) -> Profile | None:
        """The profile to use: the one asked for, else the default, else the only one; None if none exist."""
        if requested is not None:
            if requested not in self.profiles:
                known = ", ".join(sorted(self.profiles)) or "none"
                raise ConfigError(
                    f"{self.path}: no profile named {shown_value(requested)} (profiles: {known})"
                )
            return self.profiles[requested]
        if self.default_profile is not None:
            return self.profiles[self.default_profile]
        if not self.profiles:
            return None
        if len(self.profiles) == 1:
            return next(iter(self.profiles.values()))
        raise ConfigError(
            f"{self.path}: several profiles ({', '.join(sorted(self.profiles))}) and no default_profile; "
            "choose one with --profile NAME or set default_profile"
        )


TOP_LEVEL_KEYS = ("default_profile", "profiles", "sites")

_SECRET_HINTS = {
    "runai_client_secret": "runai_client_secret_env or runai_client_secret_file",
    "weka_password": "weka_password_env or weka_password_file",
}


def load_config_file(path: Path, *, must_exist: bool = False) -> ConfigFile:
    """Read and validate `path`; a missing file is an empty config unless the user named it (`must_exist`)."""
    if not path.exists() and not path.is_symlink():
        if must_exist:
            raise ConfigError(f"{path}: no such config file")
        return ConfigFile(path=path, profiles={})
    # `--config /dev/null` means "a config with nothing in it": it holds no profile (the CLI says so,
    # exit 2). Any other FIFO, device (/dev/zero) or huge file is refused before a byte is read.
    text = "" if _is_dev_null(path) else read_small_text_file(path, str(path), MAX_CONFIG_FILE_BYTES)
    import tomllib  # here, not at the top: a first start (no config file yet) does not need it

    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deep") from None
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line L, column C)", which is what the user needs to find it.
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return parse_config_document(document, path)


def _is_dev_null(path: Path) -> bool:
    try:
        return path.samefile(os.devnull)
    except OSError:
        return False


def parse_config_document(document: Mapping[str, Any], path: Path) -> ConfigFile:
    """Validate an already-parsed TOML document; every problem names `path` and the dotted key."""
    _reject_unknown_keys(document, TOP_LEVEL_KEYS, path, prefix="")
    profiles_table = document.get("profiles", {})
    if not isinstance(profiles_table, dict):
        raise _wrong_type(path, "profiles", "a table of profiles ([profiles.NAME])", profiles_table)
    profiles: dict[str, Profile] = {}
    for name, table in profiles_table.items():
        key = f"profiles.{name}"
        if not name.strip():
            raise ConfigError(f"{path}: {key}: a profile name cannot be empty")
        if not isinstance(table, dict):
            raise _wrong_type(path, key, "a table ([profiles.NAME])", table)
        profiles[name] = _parse_profile(name, table, path)
    default_profile = document.get("default_profile")
    if default_profile is not None:
        if not isinstance(default_profile, str):
            raise _wrong_type(path, "default_profile", "a string (a profile name)", default_profile)
        if default_profile not in profiles:
            known = ", ".join(sorted(profiles)) or "none are defined"
            raise ConfigError(
                f"{path}: default_profile: no profile named {shown_value(default_profile)} "
                f"(profiles: {known})"
            )
    sites = _site_names(document.get("sites"), profiles, path)
    return ConfigFile(path=path, profiles=profiles, default_profile=default_profile, sites=sites)


def _site_names(value: object, profiles: Mapping[str, Profile], path: Path) -> tuple[str, ...]:
    """`sites = [...]`: profile names, each once; None (the key is absent) is every profile."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise _wrong_type(path, "sites", "an array of profile names", value)
    for name in value:
        if name not in profiles:
            known = ", ".join(sorted(profiles)) or "none are defined"
            raise ConfigError(f"{path}: sites: no profile named {shown_value(name)} (profiles: {known})")
    if len(set(value)) != len(value):
        raise ConfigError(f"{path}: sites: a profile is named twice")
    if not value:
        raise ConfigError(f"{path}: sites: name at least one profile (or remove the key: every profile)")
    return tuple(value)


def _parse_profile(name: str, table: Mapping[str, Any], path: Path) -> Profile:
    prefix = f"profiles.{name}"
    _reject_unknown_keys(table, tuple(_PROFILE_FIELDS), path, prefix=prefix)
    values: dict[str, Any] = {}
    for key, parse in _PROFILE_FIELDS.items():
        if key in table:
            values[key] = parse(table[key], path, f"{prefix}.{key}")
    for required in ("runai_url", "runai_client_id"):
        if required not in values:
            raise ConfigError(f"{path}: {prefix}.{required}: missing (required in every profile)")
    _require_one_secret_source(values, "runai_client_secret", path, prefix)
    weka_keys = [
        key
        for key in ("weka_username", "weka_password_env", "weka_password_file", "weka_org")
        if key in values
    ]
    if "weka_url" in values:
        if "weka_username" not in values:
            raise ConfigError(f"{path}: {prefix}.weka_username: missing (required when weka_url is set)")
        _require_one_secret_source(values, "weka_password", path, prefix)
    elif weka_keys:
        raise ConfigError(f"{path}: {prefix}.{weka_keys[0]}: set weka_url too (or remove the WEKA keys)")
    if values.get("insecure") and "ca_bundle" in values:
        raise ConfigError(
            f"{path}: {prefix}.insecure: set either ca_bundle or insecure = true, not both "
            "(insecure turns verification off, so the CA bundle would be ignored)"
        )
    if not values.get("allow_http"):
        for key in ("runai_url", "weka_url"):
            if key in values and values[key].lower().startswith("http://"):
                raise ConfigError(
                    f"{path}: {prefix}.{key}: {shown_value(values[key])} is plain http://, which would send "
                    "the credentials and every token unencrypted; use https://, or set allow_http = true "
                    "in this profile (a lab or a local simulator)"
                )
    if "ca_bundle" in values:
        check_ca_bundle(values["ca_bundle"], f"{path}: {prefix}.ca_bundle")
    return Profile(name=name, source_path=path, **values)


def _require_one_secret_source(values: Mapping[str, Any], stem: str, path: Path, prefix: str) -> None:
    from_env, from_file = f"{stem}_env", f"{stem}_file"
    if from_env in values and from_file in values:
        raise ConfigError(f"{path}: {prefix}.{from_file}: set only one of {from_env} and {from_file}")
    if from_env not in values and from_file not in values:
        raise ConfigError(
            f"{path}: {prefix}: missing {from_env} or {from_file} "
            "(the name of an environment variable, or a file, holding the secret)"
        )


def _reject_unknown_keys(
    table: Mapping[str, Any], known: tuple[str, ...], path: Path, *, prefix: str
) -> None:
    for key in table:
        if key in known:
            continue
        dotted = f"{prefix}.{key}" if prefix else key
        if key in _SECRET_HINTS:
            raise ConfigError(
                f"{path}: {dotted}: secrets are never read from the config file; "
                f"name where it is with {_SECRET_HINTS[key]}"
            )
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"
        raise ConfigError(f"{path}: {dotted}: unknown key{hint}")


def _wrong_type(path: Path, key: str, expected: str, value: object) -> ConfigError:
    return ConfigError(f"{path}: {key}: expected {expected}, got {_toml_type(value)}")


def _toml_type(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


MAX_SHOWN_VALUE_CHARS = 80
"""A value quoted back in a message is cut to this: the message must stay one readable line."""
MAX_URL_CHARS = 2048
"""Longer than any base URL (browsers and proxies cap whole URLs near this); longer is a pasting accident."""


def shown_value(text: str) -> str:
    """`text` quoted for a one-line message, cut with its length when too long to read."""
    if len(text) <= MAX_SHOWN_VALUE_CHARS:
        return repr(text)
    return f"{text[:MAX_SHOWN_VALUE_CHARS]!r}… ({len(text):,} characters)"


def _string(value: object, path: Path, key: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(path, key, "a string", value)
    if not value.strip():
        raise ConfigError(f"{path}: {key}: must not be empty")
    return value.strip()


def _url(value: object, path: Path, key: str) -> str:
    text = _string(value, path, key)
    expected = "expected a URL starting with https:// or http://"
    if len(text) > MAX_URL_CHARS:
        raise ConfigError(f"{path}: {key}: {expected}, got {shown_value(text)}, too long to be one")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ConfigError(
            f"{path}: {key}: {expected}, got {shown_value(text)}, which holds spaces or controls"
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError as error:
        raise ConfigError(f"{path}: {key}: {expected}, got {shown_value(text)} ({error})") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise ConfigError(f"{path}: {key}: {expected}, got {shown_value(text)}")
    if not parts.hostname:
        raise ConfigError(f"{path}: {key}: {expected}, got {shown_value(text)}, which names no host")
    if parts.query or parts.fragment:
        raise ConfigError(
            f"{path}: {key}: expected a base URL without ?query or #fragment, got {shown_value(text)}"
        )
    # One spelling for the clients to join paths onto: no trailing slash.
    return text.rstrip("/")


def _env_var_name(value: object, path: Path, key: str) -> str:
    text = _string(value, path, key)
    if not _ENV_VAR_NAME.fullmatch(text):
        raise ConfigError(
            f"{path}: {key}: expected the name of an environment variable (letters, digits, _), "
            f"got {shown_value(text)}; "
            "the secret itself goes in that variable, not here"
        )
    return text


MAX_CONFIG_FILE_BYTES = 1024 * 1024
"""A config of many profiles is a few KB; a bigger file is not one."""
MAX_SECRET_FILE_BYTES = 64 * 1024
"""A client secret or password file is a line; anything this big is the wrong file."""
MAX_CA_BUNDLE_BYTES = 4 * 1024 * 1024
"""The system's whole CA bundle is ~200 KB."""


def read_small_text_file(file_path: Path, key: str, limit: int) -> str:
    """The UTF-8 text of a small regular file, or a `ConfigError` naming `key`: a FIFO, a device
    (`/dev/zero`), a directory, a file over `limit` bytes or one that is not UTF-8 is refused without
    hanging or reading it whole (opened non-blocking, checked with fstat before a byte is read)."""
    try:
        descriptor = os.open(file_path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ConfigError(f"{key}: cannot read {file_path}: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise ConfigError(f"{key}: {file_path} is {_file_kind(status.st_mode)}, not a regular file")
        if status.st_size > limit:
            raise ConfigError(f"{key}: {file_path} is {status.st_size:,} bytes, more than such a file can be")
        data = os.read(descriptor, limit + 1)
    except OSError as error:
        raise ConfigError(f"{key}: cannot read {file_path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{key}: {file_path} is not UTF-8 text") from None


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in the words `ls -l` users know."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_ca_bundle(file_path: Path, key: str) -> ssl.SSLContext:
    """A CA bundle TLS can use, checked now (one line naming the key, exit 2) rather than on the
    first request (an "internal error: Unavailable" after the screen opened). Returns the context that
    trusts it, which is what the live clients verify with (`console.backends.live.session.tls_verify`)."""
    text = read_small_text_file(file_path, key, MAX_CA_BUNDLE_BYTES)
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigError(f"{key}: {file_path} is not a PEM certificate bundle")
    import ssl  # only when a profile names a bundle

    try:
        return ssl.create_default_context(cadata=text)
    except (ssl.SSLError, ValueError) as error:
        reason = getattr(error, "reason", None) or "unreadable certificate"
        raise ConfigError(f"{key}: {file_path} holds a certificate TLS cannot use ({reason})") from None


def _path(value: object, path: Path, key: str) -> Path:
    """A path as written, with `~` expanded; relative paths are taken from the config file's folder."""
    candidate = Path(_string(value, path, key)).expanduser()
    return candidate if candidate.is_absolute() else path.parent / candidate


def _boolean(value: object, path: Path, key: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(path, key, "true or false", value)
    return value


_PROFILE_FIELDS: dict[str, Callable[[object, Path, str], Any]] = {
    "runai_url": _url,
    "runai_client_id": _string,
    "runai_client_secret_env": _env_var_name,
    "runai_client_secret_file": _path,
    "cluster_id": _string,
    "weka_url": _url,
    "weka_username": _string,
    "weka_password_env": _env_var_name,
    "weka_password_file": _path,
    "weka_org": _string,
    "kube_context": _string,
    "kubeconfig": _path,
    "ca_bundle": _path,
    "insecure": _boolean,
    "allow_http": _boolean,
}
"""Every key a profile may hold and how it is checked; anything else is an error naming the key."""
