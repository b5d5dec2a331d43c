"""`open_clients`: the Run:ai, WEKA and Kubernetes clients of one live profile, built before any request.

What the user must fix is found here, before the screen opens, as one `ConfigError` line: a secret whose
environment variable is unset or whose file cannot be read, a CA bundle TLS cannot use (`profile_tls`, the
same check the config file gets when it is read), a kubeconfig or context that the profile names and that
cannot be used. What the user did not ask for is not an error: a profile without WEKA has no WEKA client, and
one that names no kubeconfig, on a machine without a usable default one, has no Kubernetes client and says
why (`LiveClients.kube_missing`).

The client modules import httpx and kubernetes; they are imported inside `open_clients`, so importing this
module (or `console.cli`) stays cheap and the demo never loads them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.config import ConfigError, Profile

if TYPE_CHECKING:
    from console.backends.live.kube import KubeClient
    from console.backends.live.runai import RunaiClient
    from console.backends.live.weka import WekaClient


@dataclass(slots=True)
class LiveClients:
    """The clients of one profile; `weka` and `kube` are None where the profile has none (and
    `kube_missing` says why Kubernetes is not there)."""

    runai: RunaiClient
    weka: WekaClient | None = None
    kube: KubeClient | None = None
    kube_missing: str | None = None


def open_clients(
    profile: Profile,
    *,
    insecure: bool,
    environ: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> LiveClients:
    """Build every client of `profile` (no request is sent); `ConfigError` for what the user must fix.

    The secrets are read once here only to fail before the screen opens; the clients read them again when
    they need them and never keep them. `insecure` turns TLS verification off for all three services.
    `timeout` (seconds per request) replaces each client's own default when given.
    """
    from console.backends.live.runai import RunaiClient
    from console.backends.live.session import profile_tls
    from console.backends.live.weka import WekaClient

    profile.runai_client_secret(environ)
    if profile.has_weka:
        profile.weka_password(environ)
    verify = profile_tls(profile, insecure)
    options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    clients = LiveClients(RunaiClient.from_profile(profile, environ=environ, insecure=insecure, **options))
    try:
        if profile.has_weka:
            clients.weka = WekaClient.from_profile(profile, environ=environ, verify=verify, **options)
        _open_kube(clients, profile, insecure, timeout)
    except BaseException:
        close_now(clients)
        raise
    return clients


def _open_kube(clients: LiveClients, profile: Profile, insecure: bool, timeout: float | None) -> None:
    kube_client_class = _kube_client_class(profile)
    if kube_client_class is None:
        clients.kube_missing = f"No Kubernetes access for profile {profile.name} (kubernetes package missing)"
        return
    options: dict[str, Any] = {} if timeout is None else {"request_timeout": (timeout, timeout)}
    try:
        clients.kube = kube_client_class(
            profile.kubeconfig,
            profile.kube_context,
            ca_bundle=profile.ca_bundle,
            insecure=insecure,
            **options,
        )
    except ConfigError as error:
        if profile.kubeconfig is not None or profile.kube_context is not None:
            raise ConfigError(
                f"profiles.{profile.name}: the Kubernetes connection cannot be used: {error}"
            ) from None
        # Nothing asked for: no default kubeconfig is a Run:ai-only setup, not a mistake.
        clients.kube_missing = (
            f"No Kubernetes access for profile {profile.name} ({error}); "
            "set kubeconfig or kube_context in the profile"
        )


def _kube_client_class(profile: Profile) -> type[KubeClient] | None:
    """`KubeClient`, or None when the kubernetes package cannot be imported and the profile asks for no
    Kubernetes (a Run:ai-only host); a profile that names a kubeconfig or context needs it."""
    try:
        from console.backends.live.kube import KubeClient
    except ImportError as error:
        if profile.kubeconfig is not None or profile.kube_context is not None:
            raise ConfigError(
                f"profiles.{profile.name}: Kubernetes is configured but the kubernetes package cannot be "
                f"imported ({error})"
            ) from None
        return None
    return KubeClient


def close_now(clients: LiveClients) -> None:
    """Best effort close of what was built when construction fails half way (no loop to await on)."""
    if clients.kube is not None:
        with contextlib.suppress(Exception):
            clients.kube.close_now()
