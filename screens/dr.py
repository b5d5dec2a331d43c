"""`:dr`: the DR plan. For each filesystem (of every site) whose snapshots are uploaded where another site can
read them, which site could restore it, from which uploaded snapshot (its locator), how old that copy is
against the filesystem's RPO target, and, on Enter, the steps to restore it there as a dry run: the REST
calls and the `weka` CLI commands, to read and save (ctrl+s), never run.

Every site's WEKA filesystems, snapshots and buckets are read from its own backend
(`console.data.sites`), all at once, when the view opens, every `DR_INTERVAL_SECONDS` while it is shown,
and on ctrl+r. A site that does not answer has a row that says why; the others' rows stay. The entries
and steps are `console.ui.dr_plan`'s, the rows `console.ui.dr_rows`'.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from console.data.backend import Backend
from console.data.resource_keys import ResourceValues
from console.ui.dr_plan import DrEntry, SiteReading, plan_entries, read_site
from console.ui.dr_rows import DR_COLUMNS, dr_row, entry_text
from screens.base import ResourceScreen, RwcScreen
from screens.context import ConsoleContext
from screens.text_view import TextViewScreen, safe_file_part
from widgets.resource_table import Row

DR_INTERVAL_SECONDS = 30.0
DR_WORKER_GROUP = "dr-read"


class DrScreen(ResourceScreen):
    """Which site could restore each filesystem, from which copy, and how (a plan, never an action)."""

    SCREEN_NAME = "dr"
    TITLE = "DR plan"
    COLUMNS = DR_COLUMNS
    EMPTY_MESSAGE: ClassVar[str] = "No filesystem has a copy another site can read"
    DEFAULT_SORT = "state"

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.entries: dict[str, DrEntry] = {}
        self.readings: list[SiteReading] | None = None
        self._timer: Timer | None = None

    def backends(self) -> list[tuple[str, Backend | None, str | None]]:
        """(site, its backend or None, why none) for every site; with one cluster, this screen's own."""
        switchboard = self.context.sites
        if switchboard is None:
            return [(self.context.profile_name, self.context.backend, None)]
        return [
            (site.name, site.backend, site.open_error or ("not opened yet" if site.backend is None else None))
            for site in switchboard.sites
        ]

    # -- reading ---------------------------------------------------------------------------------------
    def _activate(self) -> None:
        super()._activate()
        self.read_sites()
        if self._timer is None:
            self._timer = self.set_interval(DR_INTERVAL_SECONDS, self.read_sites, name="dr-read")

    def on_screen_suspend(self) -> None:
        self._stop_timer()

    def on_unmount(self) -> None:
        self._stop_timer()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def action_refresh(self) -> None:
        super().action_refresh()
        self.read_sites()

    @work(exclusive=True, group=DR_WORKER_GROUP, exit_on_error=False)
    async def read_sites(self) -> list[SiteReading]:
        """Every site at once; each failure is that site's reading, never the others'."""

        async def one(name: str, backend: Backend | None, why: str | None) -> SiteReading:
            if backend is None:
                return SiteReading(name, None, why or "not opened")
            return await read_site(name, backend)

        return list(await asyncio.gather(*(one(*site) for site in self.backends())))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != DR_WORKER_GROUP or event.state is not WorkerState.SUCCESS:
            return
        if isinstance(worker.result, list):
            self.readings = worker.result
            self.resources_changed()

    # -- rows ------------------------------------------------------------------------------------------
    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        entries = plan_entries(self.readings or [])
        self.entries = {entry.key: entry for entry in entries}
        return [dr_row(entry, self.palette) for entry in entries]

    def resources_changed(self) -> None:
        """Rows come from every site's reading, not this screen's Store keys: rebuild them (a few dozen)."""
        RwcScreen.resources_changed(self)
        if not self.is_mounted:
            return
        table = self.table
        if self.readings is None:
            table.empty_message = "Reading every site…"
            table.refresh()
            return
        self.now = self.backend_clock.now()
        table.empty_message = self.EMPTY_MESSAGE
        table.update_rows(self.build_rows(self.values()))
        self._show_counts()

    def open_detail(self, key: str) -> None:
        """Enter: the entry's full step list, as text to read, search and save."""
        entry = self.entries.get(key)
        if entry is not None:
            self.app.push_screen(DrPlanScreen(self.context, entry))


class DrPlanScreen(TextViewScreen):
    """One entry's dry run: where, from which copy, and each step with its REST call and CLI command."""

    SCREEN_NAME = "dr_plan"
    SAVE_SUFFIX: ClassVar[str] = "txt"

    def __init__(self, context: ConsoleContext, entry: DrEntry) -> None:
        super().__init__(context)
        self.entry = entry

    @property
    def screen_title(self) -> str:
        entry = self.entry
        what = f"{entry.site}/{entry.filesystem}" if entry.filesystem else entry.site
        return f"DR plan {what}" + (f" → {entry.restore_site}" if entry.restore_site else "")

    def save_file_name(self, now: Any) -> str:
        entry = self.entry
        name = safe_file_part(f"dr-{entry.site}-{entry.filesystem}-{entry.restore_site}")
        return f"rwc-{name}-{now:%Y%m%d-%H%M%S}.{self.SAVE_SUFFIX}"

    def on_mount(self) -> None:
        view = self.view
        view.follow = False
        view.append_lines(entry_text(self.entry))
        view.scroll_home(animate=False, immediate=True)
        self.show_status()
