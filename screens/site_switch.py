"""`SiteSwitcher`: switching the console to another site without restarting (`:ctx`).

Every list screen is a Textual mode made with one site's `ConsoleContext`. A switch keeps the site
left behind (its Store, with what it loaded, polls only its overview from then on, at the background
pace) and makes the screens anew over the other site's session: the mode it was last on, each list
with the filter and sort it had there (`console.data.sites.SiteState`, written to the state dir so the
next run has them too). The mode on screen cannot be removed, so the screen the user lands on is
switched to first and the mode left is remade after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from console.data.sites import Sites, ViewState
from console.data.store import Store
from console.ui.keymap import DEFAULT_SCREEN
from console.ui.site_overview import SITE_OVERVIEW
from screens.site_session import SiteSession, SiteSwitchboard, restore_view, view_of

if TYPE_CHECKING:
    from textual.app import App

    from screens.base import RwcScreen

SITES_SCREEN = "sites"
"""The overview's mode: shown for every site alike, so never a site's "last screen"."""


class SiteHost(Protocol):
    """What the switcher needs of the app (`console.app.RwcApp`)."""

    session: SiteSession

    def open_session(self, name: str, store: Store) -> SiteSession: ...

    def make_screen(self, name: str) -> RwcScreen: ...

    def forget_screen_history(self) -> None: ...

    def last_screen_left(self, *, besides: str) -> str | None: ...

    def show_screen(self, name: str) -> Awaitable[object] | None: ...

    @property
    def screen_names(self) -> Iterable[str]: ...


class SiteSwitcher:
    """Owns which site's screens are mounted; the app asks it to switch, open all sites and close."""

    def __init__(self, app: App[Any], sites: Sites) -> None:
        self.app = app
        self.sites = sites
        self.switchboard = SiteSwitchboard(sites, self.switch)
        self._screens: dict[str, RwcScreen] = {}
        """The open site's screens by mode, to read their views before they go."""
        sites.watch((SITE_OVERVIEW,))

    @property
    def _host(self) -> SiteHost:
        host: SiteHost = self.app  # type: ignore[assignment]  # RwcApp is a SiteHost
        return host

    def screen_made(self, name: str, screen: RwcScreen) -> None:
        """A screen of the open site was made: give it the view the user left it with on this site."""
        self._screens[name] = screen
        restore_view(screen, self.sites.current.state.views.get(name))

    def open_all(self) -> None:
        """After the first frame: open every other site (its overview starts polling in the background)."""
        self.sites.open_all()
        self.switchboard.watch_opened_sites()

    def remember(self) -> None:
        """Note the open site's screen and views (in memory; `switch` and `aclose` write them)."""
        views: dict[str, ViewState] = {}
        for name, screen in self._screens.items():
            view = view_of(screen)
            if view is not None:
                views[name] = view
        mode = self.app.current_mode
        if mode == SITES_SCREEN:
            mode = self._host.last_screen_left(besides=SITES_SCREEN) or ""
        self.sites.remember(self.sites.current_name, mode or None, views)

    async def switch(self, name: str) -> bool:
        """Open the site `name` where the user left it; False (and a toast says why) if it cannot open."""
        app = self.app
        if name not in self.sites:
            app.notify(f"No site named {name!r} (sites: {', '.join(self.sites.names)}).", severity="warning")
            return False
        if name == self.sites.current_name:
            if app.current_mode == SITES_SCREEN:
                self.remember()
                await self._show(self.sites.current.state.screen or DEFAULT_SCREEN)
            return True
        store = self.sites.open(name)
        if store is None:
            app.notify(
                f"Site {name} cannot be opened: {self.sites[name].open_error}",
                severity="error",
                timeout=8,
            )
            return False
        store.start()
        self.switchboard.watch_opened_sites()
        self.remember()
        old_session, old_store = self._host.session, self._host.session.store
        self.sites.select(name)
        self._host.open_session(name, store)
        target = self.sites.current.state.screen or DEFAULT_SCREEN
        await self._rebuild_screens(target)
        old_session.close()
        _to_background(old_store)
        self._host.forget_screen_history()
        self.sites.save()
        return True

    async def _show(self, name: str) -> None:
        """The open site's screen `name`, as its number key opens it (esc comes back to `:sites`)."""
        mounted = self._host.show_screen(name)
        if mounted is not None:
            await mounted

    async def _rebuild_screens(self, target: str) -> None:
        """Every mode made anew over the open session, landing on `target`."""
        app, host = self.app, self._host
        while len(app.screen_stack) > 1:
            await app.pop_screen()
        if app.current_mode == target:
            # The mode on screen cannot be remade in place: step onto the overview (a site's last
            # screen is never the overview), which is remade after.
            await app.switch_mode(SITES_SCREEN)
        self._screens.clear()
        current = app.current_mode
        for mode in host.screen_names:
            if mode != current:
                await app.remove_mode(mode)
                app.add_mode(mode, partial(host.make_screen, mode))
        await app.switch_mode(target)
        await app.remove_mode(current)
        app.add_mode(current, partial(host.make_screen, current))

    async def aclose(self) -> None:
        """rwc is closing (the views were remembered as it began to, `RwcApp.exit`): write them, then stop
        every site's Store and backend."""
        self.sites.save()
        await self.sites.aclose()


def _to_background(store: Store) -> None:
    """A site left behind polls its overview only (at the background pace `Sites.select` set)."""
    for key in store.keys:
        if key != SITE_OVERVIEW and not store.is_paused(key):
            store.pause(key)
