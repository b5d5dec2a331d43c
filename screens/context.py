"""What every screen needs from the app, handed over explicitly instead of reached for via `self.app`.

Screens get one `ConsoleContext` at construction: the backend (the `Backend` protocol only), the
Store bridge, and the flags the header and the keys depend on. Tests can build one without an App.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.data.backend import Backend
from screens.store_bridge import StoreBridge

if TYPE_CHECKING:
    from screens.site_session import SiteSwitchboard


@dataclass(frozen=True, slots=True)
class ConsoleContext:
    backend: Backend
    bridge: StoreBridge
    profile_name: str
    demo: bool
    read_only: bool
    insecure: bool = False
    plain_http: bool = False
    """The profile talks plain http:// (`allow_http = true`); the header warns as for `insecure`."""
    config_location: str = "~/.config/rwc/config.toml"
    """Where profiles go, as the demo hint shows it (home shortened to ~)."""
    sites: SiteSwitchboard | None = None
    """Every site of this run (`:sites`, `:ctx`); None with one cluster, whose header says "profile"."""
