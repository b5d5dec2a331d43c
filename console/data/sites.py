"""Sites: several clusters in one console, each with its own backend, Store and remembered views.

A *site* is one configured profile (live) or one simulated cluster (the demo's `on-prem` and `cloud`):
a Run:ai cluster and the WEKA cluster beside it. rwc opens every configured site at once, shows one of
them at a time, and switches between them without restarting (`:ctx`). Each site keeps:

- its own `Backend` and `Store`, built when the site is first opened (so a site whose secret cannot be
  read, or whose API is down, costs the others nothing: its failure is its own, and said);
- the few resources every site is watched for (the `:sites` overview), polled in the background at a
  slower pace than the open site's;
- the last screen the user had open on it, and each list's filter and sort, kept across runs in
  `<XDG state dir>/sites.json` (`SiteStateFile`).

Nothing here is Textual: the app builds its screens over a site's Store (`screens.site_session`).
Later flows that span sites (a burst of a job to another site, a restore elsewhere) get both sites'
backends from `Sites` by name.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.data.backend import Backend
from console.data.paths import ensure_private_dir, state_dir
from console.data.resource_keys import ResourceKey
from console.data.store import Store

log = logging.getLogger(__name__)

SITES_STATE_FILE_NAME = "sites.json"
BACKGROUND_INTERVAL_SECONDS = 60.0
"""How often a site that is not open is asked for its overview (the open one: its keys' own pace)."""
MAX_REMEMBERED_TEXT = 200
"""A filter longer than this is not a filter someone typed; it is not written back."""


@dataclass(frozen=True, slots=True)
class ViewState:
    """One list screen's view as the user left it: the kept `/` filter and the sort."""

    filter_text: str = ""
    sort_column: str | None = None
    sort_reverse: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"filter": self.filter_text, "sort": self.sort_column, "reverse": self.sort_reverse}

    @classmethod
    def from_json(cls, data: object) -> ViewState | None:
        """The view written by `to_json`; None for anything else (a hand-edited or older file)."""
        if not isinstance(data, dict):
            return None
        filter_text, sort, reverse = data.get("filter", ""), data.get("sort"), data.get("reverse", False)
        if not isinstance(filter_text, str) or len(filter_text) > MAX_REMEMBERED_TEXT:
            return None
        if sort is not None and (not isinstance(sort, str) or len(sort) > MAX_REMEMBERED_TEXT):
            return None
        return cls(filter_text, sort, reverse is True)


@dataclass(slots=True)
class SiteState:
    """What a site remembers of the user: the screen last open on it and each list's view."""

    screen: str | None = None
    views: dict[str, ViewState] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"screen": self.screen, "views": {name: view.to_json() for name, view in self.views.items()}}

    @classmethod
    def from_json(cls, data: object) -> SiteState:
        if not isinstance(data, dict):
            return cls()
        screen = data.get("screen")
        views_data = data.get("views")
        views: dict[str, ViewState] = {}
        if isinstance(views_data, dict):
            for name, view_data in views_data.items():
                view = ViewState.from_json(view_data)
                if isinstance(name, str) and view is not None:
                    views[name] = view
        return cls(screen if isinstance(screen, str) else None, views)


class SiteStateFile:
    """Per-site state across runs, in one JSON file under the XDG state dir (0600 in a 0700 folder).

    The file holds one section per `scope` (the config file the sites came from, or `demo`), so two
    config files with a site called `prod` each keep their own. A file that cannot be read is an empty
    state and one that cannot be written is logged: remembered views are a convenience, never a reason
    for rwc to stop.
    """

    def __init__(self, scope: str, path: Path | None = None) -> None:
        self.scope = scope
        self.path = path if path is not None else state_dir() / SITES_STATE_FILE_NAME

    def _read_all(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self) -> dict[str, SiteState]:
        section = self._read_all().get(self.scope)
        if not isinstance(section, dict):
            return {}
        return {name: SiteState.from_json(data) for name, data in section.items() if isinstance(name, str)}

    def save(self, states: Mapping[str, SiteState]) -> None:
        """Write this scope's states (other scopes as they were), atomically: a crash leaves the old file."""
        document = self._read_all()
        document[self.scope] = {name: state.to_json() for name, state in states.items()}
        try:
            folder = ensure_private_dir(self.path.parent)
            descriptor, temporary = tempfile.mkstemp(prefix=".sites-", suffix=".json", dir=folder)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                    json.dump(document, handle, indent=1, sort_keys=True)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            log.warning("could not remember the sites' views in %s: %s", self.path, error)


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """How to open one site: its name (the profile's), where it is, and how to build its backend.

    `open_backend` reads secrets and builds clients but sends nothing; it may raise (a secret that
    cannot be read), which makes the site unavailable with that reason and leaves the others alone.
    """

    name: str
    open_backend: Callable[[], Backend]
    where: str = ""
    """Where it is, in words for the overview (`https://acme.run.ai`, `simulated`)."""


class Site:
    """One site of this run: built on first use, then kept (its Store keeps polling what it is asked)."""

    def __init__(self, spec: SiteSpec, state: SiteState | None = None) -> None:
        self.spec = spec
        self.state = state if state is not None else SiteState()
        self.backend: Backend | None = None
        self.store: Store | None = None
        self.open_error: str | None = None
        """Why the site could not be opened (None: it opened, or has not been tried)."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def opened(self) -> bool:
        return self.store is not None

    def open(self) -> Store | None:
        """The site's Store, building its backend now if needed; None (and `open_error` says why) when
        the backend cannot be built. A failed site is tried again on the next call."""
        if self.store is not None:
            return self.store
        try:
            backend = self.spec.open_backend()
        except Exception as error:  # noqa: BLE001 - any failure is this site's, said on its row
            self.open_error = " ".join(str(error).split()) or type(error).__name__
            log.warning("site %s cannot be opened: %s", self.name, self.open_error)
            return None
        self.open_error = None
        self.backend = backend
        self.store = Store(backend)
        return self.store


class Sites:
    """Every site of this run in configured order, which one is open, and what each remembers.

    `watched` are the keys polled on every opened site whether or not it is open (the overview): on the
    open site at their own pace, on the others every `background_interval_seconds`.
    """

    def __init__(
        self,
        specs: Sequence[SiteSpec],
        *,
        current: str | None = None,
        state_file: SiteStateFile | None = None,
        background_interval_seconds: float = BACKGROUND_INTERVAL_SECONDS,
    ) -> None:
        if not specs:
            raise ValueError("Sites needs at least one site")
        names = [spec.name for spec in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"site names must be unique: {names}")
        self.state_file = state_file
        remembered = state_file.load() if state_file is not None else {}
        self._sites = {spec.name: Site(spec, remembered.get(spec.name)) for spec in specs}
        self.current_name = current if current in self._sites else names[0]
        self.background_interval_seconds = background_interval_seconds
        self._watched: tuple[ResourceKey[Any], ...] = ()

    def __iter__(self) -> Iterator[Site]:
        return iter(self._sites.values())

    def __len__(self) -> int:
        return len(self._sites)

    def __getitem__(self, name: str) -> Site:
        return self._sites[name]

    def __contains__(self, name: object) -> bool:
        return name in self._sites

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._sites)

    @property
    def current(self) -> Site:
        return self._sites[self.current_name]

    @property
    def several(self) -> bool:
        """More than one site: the header says "site", and rwc opens on the overview."""
        return len(self._sites) > 1

    def watch(self, keys: Sequence[ResourceKey[Any]]) -> None:
        """Poll `keys` on every site from now on (sites opened later too)."""
        self._watched = tuple(keys)
        for site in self:
            if site.store is not None:
                self._register_watched(site)

    def open(self, name: str) -> Store | None:
        """Open `name` (build its backend and Store if not yet) with the watched keys registered."""
        site = self._sites[name]
        was_open = site.opened
        store = site.open()
        if store is not None and not was_open:
            self._register_watched(site)
        return store

    def open_all(self) -> None:
        """Open every site (each failure stays its own) and start the Stores of those that opened."""
        for site in self:
            store = self.open(site.name)
            if store is not None:
                store.start()

    def _register_watched(self, site: Site) -> None:
        store, backend = site.store, site.backend
        assert store is not None and backend is not None
        for key in self._watched:
            if key not in store:
                store.register(key, _fetcher(key, backend), self._interval(site, key))

    def _interval(self, site: Site, key: ResourceKey[Any]) -> float:
        if site.name == self.current_name:
            return key.interval_seconds
        return max(key.interval_seconds, self.background_interval_seconds)

    def select(self, name: str) -> None:
        """Make `name` the open site: its watched keys poll at their own pace, the others' slow down."""
        if name not in self._sites:
            raise KeyError(f"no site named {name!r}")
        self.current_name = name
        for site in self:
            if site.store is None:
                continue
            for key in self._watched:
                if key in site.store:
                    site.store.set_interval(key, self._interval(site, key))

    def remember(self, name: str, screen: str | None, views: Mapping[str, ViewState]) -> None:
        """What the user had open on `name` (kept in memory now, written by `save`)."""
        state = self._sites[name].state
        if screen is not None:
            state.screen = screen
        state.views.update(views)

    def save(self) -> None:
        if self.state_file is not None:
            self.state_file.save({site.name: site.state for site in self})

    async def aclose(self) -> None:
        """Stop every Store and close every backend (each even if another fails)."""
        for site in self:
            if site.store is not None:
                await site.store.stop()
            if site.backend is not None:
                try:
                    await site.backend.aclose()
                except Exception:  # noqa: BLE001 - closing one site must not keep the others open
                    log.exception("closing site %s failed", site.name)


def _fetcher(key: ResourceKey[Any], backend: Backend) -> Callable[[], Any]:
    def fetch() -> Any:
        return key.fetch(backend)

    return fetch
