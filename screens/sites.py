"""`:sites`: every site on one screen, the opening screen when more than one is configured.

One row per site (`console.ui.site_overview.site_row`): Run:ai version, GPUs allocated of usable,
pending demand, WEKA state and SSD fill, open alerts, the worst recovery point against the RPO, and the
connection state, which says why a site is not answering (or could not be opened) while the others
carry on. The open site's overview polls at its own pace, the others' in the background, slower
(`console.data.sites`). Enter opens the site under the cursor where the user left it (`:ctx` too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from console.data.resource_keys import ResourceValues
from console.ui.site_overview import SITE_COLUMNS, SITE_OVERVIEW, SiteFacts, site_row, worst_uploads
from screens.base import ResourceScreen, RwcScreen
from widgets.resource_table import Row


class SitesScreen(ResourceScreen):
    SCREEN_NAME = "sites"
    TITLE = "Sites"
    COLUMNS = SITE_COLUMNS
    RESOURCES = (SITE_OVERVIEW,)
    EMPTY_MESSAGE: ClassVar[str] = "No sites"

    _unsubscribe: Callable[[], None] | None = None

    def facts(self) -> list[SiteFacts]:
        """Every site's facts; with one cluster (no switchboard), the open one from this screen's Store."""
        sites = self.context.sites
        if sites is not None:
            return sites.facts()
        state = self.context.bridge.snapshot(SITE_OVERVIEW)
        return [SiteFacts(name=self.context.profile_name, where="", current=True, overview=state)]

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        return [site_row(facts, self.palette, self.now) for facts in self.facts()]

    def resources_changed(self) -> None:
        """Rows come from every site's Store, not only this screen's keys: rebuild them all (a handful)."""
        RwcScreen.resources_changed(self)
        self.now = self.backend_clock.now()
        self.table.empty_message = self.EMPTY_MESSAGE
        facts = self.facts()
        self.table.update_rows([site_row(one, self.palette, self.now) for one in facts])
        self._show_counts()
        # The RPO cell is an age ("2d18h/1d"): redraw when it would read differently, not only when an
        # overview arrives (15 s for the open site, 60 s for the others).
        self.redraw_when_ages_change(self.now, worst_uploads(facts), self.resources_changed, name="rpo")

    def _activate(self) -> None:
        sites = self.context.sites
        if sites is not None and self._unsubscribe is None:
            self._unsubscribe = sites.subscribe(self._overview_changed)
        super()._activate()

    def _overview_changed(self) -> None:
        self.call_later(self.resources_changed)

    # (Textual runs RwcScreen's handlers of these too: each class's own handler is called.)
    def on_screen_suspend(self) -> None:
        self._stop_watching()

    def on_unmount(self) -> None:
        self._stop_watching()

    def _stop_watching(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def open_detail(self, key: str) -> None:
        """Enter: open that site (its last screen, filters and sorts)."""
        sites = self.context.sites
        if sites is None:
            self.call_later(self.app.run_action, "show_screen('workloads')")
            return
        from screens.site_picker import pick_site

        pick_site(self.app, sites, key)
