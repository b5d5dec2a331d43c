"""Sites as the screens see them: one site's session, the switchboard over all of them, and saved views.

- `SiteSession`: what the app builds over one opened site (`console.data.sites.Site`): the Store
  bridge, the backend wrapped so actions refresh what they changed, and the `ConsoleContext` every
  screen of that site is made with. A switch of site builds the screens anew over the other session;
  each site's Store (and what it has loaded) is kept.
- `SiteSwitchboard`: what `:sites`, `:ctx` and the palette know of every site (names, each overview's
  state, why a site could not be opened) and the one way they ask the app to switch.
- `view_of` / `restore_view`: a list's kept filter and sort, read from a screen and put back on a new
  one, so each site keeps its own (`console.data.sites.ViewState`, remembered across runs).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.css.query import NoMatches

from console.data.backend import Backend
from console.data.invalidating import InvalidatingBackend
from console.data.sites import Site, Sites, ViewState
from console.data.store import ResourceState, Store
from console.ui.resources import ALWAYS_POLLED
from console.ui.site_overview import SITE_OVERVIEW, SiteFacts, SiteOverview
from screens.base import ResourceScreen, RwcScreen
from screens.context import ConsoleContext
from screens.store_bridge import StoreBridge

if TYPE_CHECKING:
    from console.ui.burst_run import BurstRun

MakeContext = Callable[[Backend, StoreBridge], ConsoleContext]


class SiteSession:
    """The screens' side of one opened site: its bridge, its (invalidating) backend and its context."""

    def __init__(
        self, name: str, store: Store, backend: Backend, make_context: MakeContext, *, watched: bool = False
    ) -> None:
        """`watched`: one of several sites, whose overview polls whatever screen is shown."""
        self.name = name
        self.store = store
        always = ALWAYS_POLLED | {SITE_OVERVIEW} if watched else ALWAYS_POLLED
        self.bridge = StoreBridge(store, backend, always_polled=always)
        # Outermost: after an action, what it changed refreshes at once (`console.data.actions`).
        self.backend: Backend = InvalidatingBackend(backend, self.bridge.invalidate)
        self.context = make_context(self.backend, self.bridge)

    def close(self) -> None:
        self.bridge.close()


class SiteSwitchboard:
    """Every site of this run for the screens: facts for the overview, and `switch(name)`."""

    def __init__(self, sites: Sites, switch: Callable[[str], Awaitable[bool]]) -> None:
        self.sites = sites
        self._switch = switch
        self._listeners: list[Callable[[], None]] = []
        self._watched_stores: set[int] = set()
        self.bursts: list[BurstRun] = []
        """This rwc run's bursts, oldest first: they outlive their screen and a switch of site."""

    @property
    def names(self) -> tuple[str, ...]:
        return self.sites.names

    @property
    def current_name(self) -> str:
        return self.sites.current_name

    def overview_state(self, site: Site) -> ResourceState[SiteOverview] | None:
        store = site.store
        if store is None:
            return None
        if SITE_OVERVIEW not in store:
            return ResourceState(name=str(SITE_OVERVIEW))
        return store.snapshot(SITE_OVERVIEW)

    def facts(self) -> list[SiteFacts]:
        """One `SiteFacts` per site, in configured order."""
        return [
            SiteFacts(
                name=site.name,
                where=site.spec.where,
                current=site.name == self.sites.current_name,
                overview=self.overview_state(site),
                open_error=site.open_error,
            )
            for site in self.sites
        ]

    def choice_text(self, site: Site) -> Text:
        """A site as `:ctx` lists it: name, where, and how it is doing in a few words."""
        state = self.overview_state(site)
        line = Text(site.name, "bold", end="")
        if site.spec.where:
            line.append(f"  {site.spec.where}", "dim")
        if state is None:
            line.append(f"  cannot open: {site.open_error or '?'}", "bold red")
        elif state.error is not None:
            line.append(f"  {state.error}", "bold red")
        elif site.name == self.sites.current_name:
            line.append("  (open)", "dim")
        return line

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback()` when any site's overview changes (sites opened later too); returns the
        function that unsubscribes."""
        self._listeners.append(callback)
        self.watch_opened_sites()

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def watch_opened_sites(self) -> None:
        """Listen to the overview of every site opened since the last call (`Sites.open_all`, a switch)."""
        for site in self.sites:
            if site.store is not None and id(site.store) not in self._watched_stores:
                self._watched_stores.add(id(site.store))
                site.store.subscribe(self._overview_changed, (SITE_OVERVIEW,))

    def _overview_changed(self, _key: object, _state: object) -> None:
        for listener in list(self._listeners):
            listener()

    async def switch(self, name: str) -> bool:
        """Open `name` (its last screen, filters and sorts); False, and the user told why, if it cannot."""
        return await self._switch(name)


def view_of(screen: RwcScreen) -> ViewState | None:
    """The kept filter and sort of a list screen (None for a screen that is not a list)."""
    if not isinstance(screen, ResourceScreen) or not screen.is_mounted:
        return None
    try:
        table = screen.table
    except NoMatches:  # being taken down as rwc closes
        return None
    return ViewState(table.filter_text.strip(), table.sort_column, table.sort_reverse)


def restore_view(screen: RwcScreen, view: ViewState | None) -> None:
    """Put a remembered view on a list screen that is not mounted yet (applied as it mounts)."""
    if view is None or not isinstance(screen, ResourceScreen):
        return
    if view.sort_column is not None and any(column.key == view.sort_column for column in screen.COLUMNS):
        screen.keep_sort(view.sort_column, view.sort_reverse)
    if view.filter_text:
        screen.keep_filter(view.filter_text)
