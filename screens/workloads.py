"""Workloads: name, project, type, phase, GPUs requested and allocated, node, age, submitter.

Fractions stay fractions (`0.5`, `0.25`) and memory requests stay memory (`20GiB`), because that is
what the user asked for. Enter opens the workload's detail (pods, events, why it is pending).
Opened from a project (enter on the Projects screen), it lists only that project's workloads. `m` lists
only the signed-in user's ("My workloads"), as a researcher's list opens.

`s` submits a workload (the form opens on the project of the row under the cursor); ⇧s, ⇧r and ⇧d
suspend, resume and delete the row's workload after asking; `l` shows its log and `y` its API object.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.timer import Timer

from console.data.errors import BackendError
from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import NEWEST_WORKLOADS, WORKLOAD_NODES, WORKLOAD_PAGES
from console.key_gate import OPENS_SCREEN
from console.model import Role
from console.model.enums import PLACED_PHASES
from console.model.windows import WINDOW_PAGE, WorkloadPage, WorkloadPlacement, WorkloadWindow, newest_window
from console.ui.keymap import WORKLOAD_KEYS
from console.ui.workload_rows import workload_row
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from widgets.resource_table import Column, ResourceTable, Row

if TYPE_CHECKING:
    from console.model import (
        Workload,
    )
    from console.model.runai import WorkloadFilter

MINE_EMPTY = "None of your workloads here; m lists everyone's."
WIDEN_WITHIN_ROWS = 25
"""A page more is fetched when the cursor comes this close to the end of what is held."""
SEARCH_DEBOUNCE_SECONDS = 0.4
"""A pause in typing this long sends the filter to the server (a list longer than its window only)."""


class WorkloadsScreen(WorkloadActions, ResourceScreen):
    """Every workload the user may see; the busiest screen, so rows are cached between refreshes."""

    SCREEN_NAME = "workloads"
    TITLE = "Workloads"
    KEYS = WORKLOAD_KEYS
    WRITE_ACTIONS = CHANGING_ACTIONS
    RESOURCES = (NEWEST_WORKLOADS,)
    EMPTY_MESSAGE = "No workloads."
    DEFAULT_SORT = "age"
    COLUMNS = (
        Column("name", "NAME", 18, sort_hotkey="N", grow=True, identifies=True),
        Column("project", "PROJECT", 11, priority=2, sort_hotkey="P"),
        Column("type", "TYPE", 5, priority=4, sort_hotkey="T"),
        # Phase sorts on ⇧h and requested on ⇧q: ⇧s and ⇧r suspend and resume.
        Column("phase", "PHASE", 12, sort_hotkey="H"),
        Column("requested", "REQ", 6, align="right", priority=1, sort_hotkey="Q"),
        Column("allocated", "ALLOC", 5, align="right", sort_hotkey="L"),
        Column("node", "NODE", 12, priority=3, sort_hotkey="O", identifies=True),
        Column("age", "AGE", 5, align="right", sort_hotkey="A"),
        Column("submitter", "USER", 8, priority=5, sort_hotkey="E"),
    )

    def __init__(self, context: ConsoleContext, *, project_name: str | None = None) -> None:
        super().__init__(context)
        self.project_name = project_name
        self._rows = self.row_cache(self._workload_row, key=lambda workload: workload.id)
        self._mine: bool | None = None
        """`m` toggles it; None until pressed: then a researcher's list starts on their own workloads
        (they came for those) and an admin's, or a project's list, on everyone's."""
        self._window_limit = WINDOW_PAGE
        """How many of the newest workloads to fetch: a page, and a page more as the cursor nears the end."""
        self._total: int | None = None
        """How many workloads the server has for this list when the window holds fewer (None: all shown)."""
        self._last_page: WorkloadPage | None = None
        self._server_search: str | None = None
        """The `/` text the server was asked for (a list longer than its window); None: none."""
        self._search_timer: Timer | None = None
        self._placements: tuple[WorkloadPlacement, ...] = ()
        """The rows in view whose nodes the page came without (asked for with `WORKLOAD_NODES`)."""
        self._named_from: tuple[WorkloadPage, Mapping[str, tuple[str, ...]], WorkloadPage] | None = None

    @property
    def mine_only(self) -> bool:
        """Only the signed-in user's workloads are listed."""
        if self._mine is not None:
            return self._mine
        identity = self.identity
        return self.project_name is None and identity is not None and identity.role is Role.RESEARCHER

    @property
    def screen_title(self) -> str:
        whose = "My workloads" if self.mine_only else self.TITLE
        if self.project_name:
            return f"{whose} in {self.project_name}" if self.mine_only else f"{whose} of {self.project_name}"
        return whose

    @property
    def workload_filter(self) -> WorkloadFilter | None:
        """What the server narrows the list to: a project's (opened from Projects), the signed-in user's
        (`m`), and on a list too long to hold, the kept `/` text as a name (or `@user`). None: every
        workload the API lets this user see."""
        identity = self.identity
        mine = identity.user if self.mine_only and identity is not None else None
        search = self._server_search
        if search is not None and search.startswith("@") and mine is None:
            mine, search = search[1:] or None, None
        if self.project_name is None and mine is None and not search:
            return None
        from console.model.runai import WorkloadFilter  # with the data, not before the first frame

        return WorkloadFilter(project_name=self.project_name, submitted_by=mine, name_contains=search or None)

    @property
    def window(self) -> WorkloadWindow:
        return WorkloadWindow(self.workload_filter, self._window_limit)

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        page = WORKLOAD_PAGES(self.window)
        return (page, WORKLOAD_NODES(self._placements)) if self._placements else (page,)

    def values(self) -> ResourceValues:
        """The server's window; until it first answers (just after `m`, a wider window, a search sent to
        the server), the last window narrowed here, so the rows change at the keystroke, not a poll later."""
        key = WORKLOAD_PAGES(self.window)
        page = self.context.bridge.snapshot(key).value
        if page is not None:
            self._last_page = page
        elif self._last_page is not None:
            page = newest_window(self._last_page.workloads, self.window)
            page = WorkloadPage(page.workloads, max(page.total, len(page.workloads)))
        return ResourceValues({key: self._named(page) if page is not None else None})

    def _named(self, page: WorkloadPage) -> WorkloadPage:
        """`page` with the nodes read for the rows in view (`WORKLOAD_NODES`) where it has none; the same
        object again while neither changed, so the table is not rebuilt for nothing."""
        names = (
            self.context.bridge.snapshot(WORKLOAD_NODES(self._placements)).value if self._placements else None
        )
        if not names:
            return page
        if self._named_from is not None and self._named_from[0] is page and self._named_from[1] is names:
            return self._named_from[2]
        workloads = tuple(
            replace(w, node_names=names[w.id]) if not w.node_names and w.id in names else w
            for w in page.workloads
        )
        named = WorkloadPage(workloads, page.total)
        self._named_from = (page, names, named)
        return named

    def resources_changed(self) -> None:
        super().resources_changed()
        self._ask_for_nodes_in_view()

    def _ask_for_nodes_in_view(self) -> None:
        """Ask for the nodes of the GPU-holding rows on screen that the page came without (a live list
        reads them per workload, so only for what the user can see): the key changes only when they do."""
        page = self._last_page
        if page is None or not self.is_current:
            return
        by_id = {workload.id: workload for workload in page.workloads}
        in_view = (by_id.get(key) for key in self.table.keys_in_view())
        wanted = tuple(
            WorkloadPlacement(w.id, w.phase_updated_at)
            for w in in_view
            if w is not None and w.phase in PLACED_PHASES and not w.node_names
        )
        if wanted != self._placements:
            self._placements = wanted
            self.resources_replaced()

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        page = values[WORKLOAD_PAGES(self.window)]
        self._total = page.total if page.truncated else None
        self.table.empty_message = MINE_EMPTY if self.mine_only else self.EMPTY_MESSAGE
        return self._rows.rows(page.workloads)

    def counts_text(self, shown: int, total: int, filtered: bool) -> str:
        """`[500 of 100,000]` when the server holds more than the window (newest first)."""
        if self._total is None:
            return super().counts_text(shown, total, filtered)
        return f"[{shown}/{total} of {self._total:,}]" if filtered else f"[{total} of {self._total:,}]"

    @on(ResourceTable.RowHighlighted)
    def _widen_near_the_end(self, message: ResourceTable.RowHighlighted) -> None:
        """The cursor came within a screenful of the window's end and the server has more: ask for a
        page more (the rows already shown stay while it loads)."""
        table = self.table
        if self._total is not None and table.visible_count - table.cursor_index <= WIDEN_WITHIN_ROWS:
            self._window_limit += WINDOW_PAGE
            self.resources_replaced()
        self._ask_for_nodes_in_view()

    def filter_changed(self, text: str, *, kept: bool) -> None:
        """On a list longer than its window, a filter also goes to the server after a pause in typing
        (the table narrows the rows it has at once): names containing the text, or `@user`."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        wanted = text.strip() or None
        all_held = self._total is None and self._server_search is None
        if wanted == self._server_search or (wanted is not None and all_held):
            return
        if kept:
            self._search(wanted)
        else:
            self._search_timer = self.set_timer(SEARCH_DEBOUNCE_SECONDS, partial(self._search, wanted))

    def _search(self, wanted: str | None) -> None:
        self._search_timer = None
        self._server_search = wanted
        self._window_limit = WINDOW_PAGE
        self.resources_replaced()
        self._rendered_inputs = ()
        self.resources_changed()

    def action_toggle_mine(self) -> None:
        """`m`: only my workloads / everyone's the API lets me see."""
        self._mine = not self.mine_only
        self._redraw_for_owner()

    def identity_changed(self) -> None:
        if self._mine is None:
            self._redraw_for_owner()

    def _redraw_for_owner(self) -> None:
        """Mine or everyone's: another list from the server (the old one pauses, kept for a while)."""
        self.header.title = self.screen_title
        self.resources_replaced()
        self._rendered_inputs = ()
        self.resources_changed()

    def _workload_row(self, workload: Workload) -> Row:
        return workload_row(workload, self.palette)

    def open_detail(self, key: str) -> None:
        from screens.workload_detail import WorkloadDetailScreen  # on first use, not at start-up

        self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=key))

    # -- actions ------------------------------------------------------------------------------------
    def selected_workload(self) -> Workload | None:
        key = self.table.cursor_key
        page = self.context.bridge.snapshot(WORKLOAD_PAGES(self.window)).value or self._last_page
        workloads = page.workloads if page is not None else None
        if key is None or not workloads:
            return None
        return next((workload for workload in workloads if workload.id == key), None)

    def action_submit_workload(self) -> None:
        self._open_submit_form()

    @work(group=OPENS_SCREEN, exclusive=True, exit_on_error=False)
    async def _open_submit_form(self) -> None:
        """Fetch the projects and node pools the user may choose from, then open the form."""
        backend = self.context.backend
        try:
            projects, pools = await asyncio.gather(backend.projects(), backend.node_pools())
        except BackendError as error:
            self.notify(str(error), title="Submit workload", severity="error", timeout=8, markup=False)
            return
        current = self.selected_workload()
        project_name = self.project_name or (current.project_name if current is not None else None)
        from screens.dialogs.submit_workload import SubmitWorkloadForm  # on first use, not at start-up

        form = SubmitWorkloadForm(
            self.context, projects=projects, node_pools=pools, project_name=project_name
        )
        self.app.push_screen(form, self._submitted)

    def _submitted(self, workload: Workload | None) -> None:
        """The form closed: after a submit, put the cursor on the new row (now, or when it arrives)."""
        if workload is None:
            return
        self.show_new_row(workload.id)
