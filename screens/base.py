"""What every rwc screen shares: header, stale banner, `:` command line, footer, and Store wiring.

`RwcScreen` attaches to the Store bridge while it is visible (so only its resources poll) and keeps
the header's summary and STALE badge current. `ResourceScreen` adds the `ResourceTable`, the `/`
filter, `esc` and `enter`; a concrete screen supplies columns and `build_rows`, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker

from console.data.audit import record_ui_refusal
from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.store import ResourceState
from console.key_gate import OPENS_SCREEN
from console.ui.backend_clock import BackendClock
from console.ui.format import age_changes_at
from console.ui.keymap import TABLE_KEYS, KeyAction, resolve_command
from console.ui.palette import CellPalette
from console.ui.refusals import READ_ONLY_REASON, admin_only
from console.ui.resources import SUMMARY, HeaderSummary
from screens.context import ConsoleContext
from screens.store_bridge import StoreUpdated
from widgets.bindings import bindings_for
from widgets.header import RwcHeader
from widgets.key_bar import KeyBar
from widgets.prompt_bar import CommandLine, FilterLine, PromptBar
from widgets.resource_table import Column, ResourceTable, Row, RowCache
from widgets.stale_banner import StaleBanner

if TYPE_CHECKING:
    from console.model import Identity

T = TypeVar("T")

PROMPT_ACTIONS = frozenset({"open_command_line", "start_filter", "start_search"})
"""Actions that open a one-line prompt; their keys type themselves into an input that has focus."""


class RwcScreen(Screen[None]):
    """A screen with the rwc chrome; subclasses yield their body from `compose_body`."""

    SCREEN_NAME: ClassVar[str] = ""
    """Registry name (`console.ui.keymap.SCREENS`); also the key-scope of this screen's `KEYS`."""
    TITLE: ClassVar[str] = ""
    RESOURCES: ClassVar[tuple[ResourceKey[Any], ...]] = ()
    """Store resources this screen shows (`console.data.resources`); they poll only while it is visible."""
    KEYS: ClassVar[tuple[KeyAction, ...]] = ()
    """This screen's entries of the key registry; `BINDINGS` is derived from them."""
    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset()
    """Actions of `KEYS` that change something: dimmed in read-only mode (the backend refuses anyway)."""
    ADMIN_WRITES: ClassVar[str] = ""
    """What `WRITE_ACTIONS` do, in words, where only an administrator may ("cordon, drain or uncordon
    nodes"); empty where the screen decides alone (`action_refusal`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "KEYS" in cls.__dict__:
            cls.BINDINGS: list[BindingType] = bindings_for(cls.KEYS)  # type: ignore[misc]
        super().__init_subclass__(**kwargs)

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__()
        self.context = context
        self._palette: CellPalette | None = None
        self.backend_clock = BackendClock(context.backend.now)
        """The backend's time and pace, for ages that redraw exactly when their text changes."""
        self._age_timers: dict[str, Timer] = {}

    def redraw_when_ages_change(
        self,
        now: datetime,
        moments: Iterable[datetime | None],
        redraw: Callable[[], None],
        name: str = "ages",
    ) -> None:
        """Call `redraw` at the first moment an age shown from `moments` (as drawn at `now`) would read
        differently: `16s` a second later, `26m` a minute later, at the backend clock's pace. Nothing wakes
        for a frozen clock or while this screen is not shown (coming back redraws it anyway); a new plan
        under the same `name` replaces the last. For "x ago" text outside tables (tables do this alone)."""
        timer = self._age_timers.pop(name, None)
        if timer is not None:
            timer.stop()
        changes = [moment for moment in (age_changes_at(now, then) for then in moments) if moment is not None]
        if not changes or not self.is_current:
            return
        wait = self.backend_clock.real_seconds_until(min(changes))
        if wait is None:
            return

        def due() -> None:
            self._age_timers.pop(name, None)
            if self.is_current:
                redraw()

        self._age_timers[name] = self.set_timer(wait, due, name=name)

    def open_after(self, loading: Coroutine[Any, Any, object], name: str = "") -> Worker[object]:
        """Run `loading` (fetch, then push a dialog or screen) so that keys typed meanwhile wait for
        what it opens instead of reaching this screen (`console.key_gate.OPENS_SCREEN`)."""
        return self.run_worker(loading, name=name, group=OPENS_SCREEN, exclusive=True, exit_on_error=False)

    # -- composition -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        context = self.context
        yield RwcHeader(
            profile_name=context.profile_name,
            demo=context.demo,
            read_only=context.read_only,
            insecure=context.insecure,
            plain_http=context.plain_http,
            config_location=context.config_location,
            site=context.sites is not None,
        )
        yield StaleBanner()
        yield from self.compose_body()
        yield PromptBar(":", partial(CommandLine, id="command-line"), id="command-bar")
        # No "^p palette" hint: at 80 columns it pushes ": Command ? Help q Quit" off the line;
        # `?` lists ctrl+p with every other key.
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.header.title = self.screen_title
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.is_current:
            self._activate()

    @property
    def screen_title(self) -> str:
        return self.TITLE

    @property
    def header(self) -> RwcHeader:
        return self.query_one(RwcHeader)

    @property
    def palette(self) -> CellPalette:
        """Cell styles from the theme; rebuilt when the theme changes (see `_theme_changed`)."""
        if self._palette is None:
            self._palette = CellPalette.from_app(self.app)
        return self._palette

    def key_actions(self) -> tuple[KeyAction, ...]:
        """This screen's keys as registry entries (for help and the command palette)."""
        keys: list[KeyAction] = []
        for cls in reversed(type(self).__mro__):
            keys.extend(cls.__dict__.get("KEYS", ()))
        return tuple(keys)

    # -- Store wiring ------------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self._activate()

    def _activate(self) -> None:
        """Visible: poll this screen's resources and draw what the Store already has."""
        self.context.bridge.attach(self, (*self.resource_keys, SUMMARY))
        self._show_summary()
        self.resources_changed()

    def on_screen_suspend(self) -> None:
        self.context.bridge.detach(self)

    def on_unmount(self) -> None:
        self.context.bridge.release(self)
        self.app.theme_changed_signal.unsubscribe(self)

    def _theme_changed(self, _theme: object) -> None:
        self._palette = None
        self.palette_changed()
        if self.is_current:
            self.resources_changed()

    def palette_changed(self) -> None:
        """The theme changed: drop anything built with the old cell styles."""

    @on(StoreUpdated)
    def _store_updated(self, message: StoreUpdated) -> None:
        message.stop()
        if message.key == SUMMARY:
            self._show_summary()
        else:
            self.resources_changed()

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        """The Store resources this screen shows (`RESOURCES`, or per instance for a detail screen)."""
        return self.RESOURCES

    def resources_replaced(self) -> None:
        """`resource_keys` changed (another window, a filter sent to the server): poll the new ones now;
        the old ones pause, and are dropped once no screen holds them."""
        if self.is_current:
            self.context.bridge.attach(self, (*self.resource_keys, SUMMARY))

    def states(self) -> list[ResourceState[Any]]:
        return [self.context.bridge.snapshot(key) for key in self.resource_keys]

    def values(self) -> ResourceValues:
        """The latest value of each resource, typed by its key (None until first loaded)."""
        return ResourceValues({key: self.context.bridge.snapshot(key).value for key in self.resource_keys})

    def _show_summary(self) -> None:
        summary_state = self.context.bridge.snapshot(SUMMARY)
        if isinstance(summary_state.value, HeaderSummary):
            identity_changed = (
                self.header.summary is None or self.header.summary.identity != summary_state.value.identity
            )
            self.header.summary = summary_state.value
            if identity_changed:
                self.refresh_bindings()  # who is signed in decides which keys are dimmed
                self.identity_changed()
        self.header.summary_failing_since = summary_state.error_since if summary_state.failed else None
        self._show_staleness()

    def _show_staleness(self) -> None:
        """Banner and STALE badge from this screen's resources and the header's own summary."""
        states = [*self.states(), self.context.bridge.snapshot(SUMMARY)]
        self.query_one(StaleBanner).show_states(states)
        self.header.stale = any(state.failed for state in states)

    def resources_changed(self) -> None:
        """Called when any of `RESOURCES` changed (or the screen came back): redraw from snapshots."""
        self._show_staleness()

    # -- actions -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """None (shown dimmed, not run) for an action that would be refused (`refusal_reason`); False
        (the key is text) for the prompt-opening keys while an input has focus (priority keys, see keymap)."""
        if action in PROMPT_ACTIONS and isinstance(self.focused, Input):
            return False
        try:
            refused = self.refusal_reason(action) is not None
        except NoMatches:  # asked while its widgets are being taken down (a switch of site)
            return True
        return None if refused else True

    def refusal_reason(self, action: str) -> str | None:
        """Why `action` would be refused now (None: it may go ahead), so the key is dimmed and says why
        before any question or form. The backend stays the authority and refuses on its own too."""
        if action in self.WRITE_ACTIONS and self.context.read_only:
            return READ_ONLY_REASON
        return self.action_refusal(action)

    def action_refusal(self, action: str) -> str | None:
        """A screen's own reasons (`console.ui.refusals`): the role, the selected item's state. Here: a
        write action on a screen with `ADMIN_WRITES` asks for an administrator."""
        if self.ADMIN_WRITES and action in self.WRITE_ACTIONS:
            return admin_only(self.identity, self.ADMIN_WRITES)
        return None

    def identity_changed(self) -> None:
        """Who is signed in became known (or changed): a screen whose rows depend on it redraws."""

    @property
    def identity(self) -> Identity | None:
        """Who is signed in, from the header's summary (None until it first loads)."""
        summary = self.context.bridge.snapshot(SUMMARY).value
        return summary.identity if isinstance(summary, HeaderSummary) else None

    def on_key(self, event: events.Key) -> None:
        """A dimmed key does nothing in Textual: say why instead (read-only mode, the role, the state
        of the item under the cursor).

        Keys reach the screen before its bindings run (an input that takes the key stops it first).
        """
        if isinstance(self.focused, Input):
            return
        pressed = {event.key, event.character} if event.is_printable else {event.key}
        for key in self.key_actions():
            if pressed.isdisjoint(key.key.split(",")):
                continue
            action = key.action.partition("(")[0]
            reason = self.refusal_reason(action) if self.check_action(action, ()) is None else None
            if reason is not None:
                event.stop()
                if reason == READ_ONLY_REASON:  # an attempt to change something: the audit log says so
                    tables = self.query(ResourceTable)
                    target = tables.first().cursor_key if tables else getattr(self, "workload_id", None)
                    if action.startswith(("create_", "submit_")):
                        target = None  # the row under the cursor is not what a new item would be
                    identity = self.identity
                    record_ui_refusal(
                        self.context.backend, action, target, reason, user=identity.user if identity else None
                    )
                self.notify(
                    f"{key.description} is not available: {reason}.",
                    severity="warning",
                    timeout=5,
                    markup=False,
                )
            return

    async def action_open_command_line(self) -> None:
        await self.query_one("#command-bar", PromptBar).open()

    def _close_command_line(self) -> None:
        self.query_one("#command-bar", PromptBar).close()
        self.focus_body()

    def focus_body(self) -> None:
        """Give focus back to the screen's main widget after a prompt closes."""
        self.set_focus(None)

    @on(CommandLine.Closed)
    def _command_line_closed(self, message: CommandLine.Closed) -> None:
        message.stop()
        self._close_command_line()

    @on(CommandLine.Entered)
    async def _command_entered(self, message: CommandLine.Entered) -> None:
        """Run a `:` command through the same actions as the keys (`:no` is exactly `3`)."""
        message.stop()
        word, _, argument = message.value.strip().partition(" ")
        target = resolve_command(word)
        self._close_command_line()
        if target is None:
            if message.value.strip():
                self.notify(f"unknown command ':{message.value.strip()}' — try :help", severity="warning")
            return
        if target == "quit":
            await self.run_action("app.quit")
        elif target == "help":
            await self.run_action("app.show_help")
        elif target == "ctx" and hasattr(self.app, "action_choose_site"):
            self.app.action_choose_site(argument)  # :ctx, :ctx cloud
        elif argument.strip() and hasattr(self.app, "show_screen"):
            self.app.show_screen(target, filter_text=argument.strip())  # :wl vision, :wl @alice
        else:
            await self.run_action(f"app.show_screen('{target}')")

    def action_refresh(self) -> None:
        self.context.bridge.refresh((*self.resource_keys, SUMMARY))

    def action_back(self) -> None:
        """Esc: leave a pushed screen (detail, or a list scoped to one project/node/filesystem); on a
        list itself, back to the screen the user came from (as in k9s)."""
        if len(self.app.screen_stack) > 1:
            self.dismiss()
            return
        go_back = getattr(self.app, "go_back", None)
        if callable(go_back):
            go_back()


class ResourceScreen(RwcScreen):
    """A screen that is one `ResourceTable` over one or more Store resources."""

    KEYS = TABLE_KEYS
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    EMPTY_MESSAGE: ClassVar[str] = "Nothing to show"
    DEFAULT_SORT: ClassVar[str | None] = None
    """The column a list opens sorted by (its sort values ascending): ages sort newest first."""

    DEFAULT_CSS = """
    ResourceScreen ResourceTable {
        height: 1fr;
    }
    """

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self.now: datetime = self.backend_clock.now()
        """The backend's time of the rows being built; ages in cells are `AgeCell`s, which the table
        writes from `self.backend_clock` when it draws them, so rows need not be rebuilt as time passes."""
        self._row_caches: list[RowCache[Any]] = []
        self._rendered_inputs: tuple[object, ...] = ()
        self._cursor_to_key: str | None = None
        self._initial_filter: str | None = None
        self._initial_sort: tuple[str, bool] | None = None

    def row_cache(self, build: Callable[[T], Row], key: Callable[[T], str]) -> RowCache[T]:
        """A `RowCache` that this screen empties when the theme changes."""
        cache: RowCache[T] = RowCache(build, key)
        self._row_caches.append(cache)
        return cache

    def palette_changed(self) -> None:
        self._clear_row_caches()

    def _clear_row_caches(self) -> None:
        for cache in self._row_caches:
            cache.clear()

    def compose_body(self) -> ComposeResult:
        yield ResourceTable(self.COLUMNS, empty_message="Loading…", id="table")
        yield PromptBar("/", partial(FilterLine, id="filter"), id="filter-bar")

    def on_mount(self) -> None:
        # (Textual runs RwcScreen.on_mount too: handlers are called for every class that defines one.)
        # Ages ("5m") move on even when nothing else does: the table redraws them from the backend's
        # clock exactly when one in view changes.
        self.table.age_clock = self.backend_clock
        if self.DEFAULT_SORT is not None:
            self.table.sort_by(self.DEFAULT_SORT, reverse=False)
        if self._initial_sort is not None:
            (column, reverse), self._initial_sort = self._initial_sort, None
            self.table.sort_by(column, reverse=reverse)
        if self._initial_filter is not None:
            self.table.filter_text, self._initial_filter = self._initial_filter, None
        self.table.focus()

    def show_new_row(self, key: str) -> None:
        """After a create or submit, put the cursor on the new row: now, or when it first arrives."""
        self._cursor_to_key = key
        self._move_to_new_row()
        self.context.bridge.refresh(self.resource_keys)

    def _move_to_new_row(self) -> None:
        key = self._cursor_to_key
        table = self.table
        if key is not None and table.get_row(key) is not None:
            self._cursor_to_key = None
            if table.filter_text and key not in table.visible_keys():
                self.clear_filter()  # the new row must be seen, not hidden by an old filter
            table.move_cursor_to_key(key)

    @property
    def table(self) -> ResourceTable:
        return self.query_one(ResourceTable)

    def focus_body(self) -> None:
        self.table.focus()

    def sort_key_actions(self) -> tuple[KeyAction, ...]:
        """The table's sort keys (shift+letter per column), as registry entries for help and palette."""
        return tuple(
            KeyAction(
                column.sort_hotkey,
                f"sort('{column.key}')",
                f"Sort by {column.label or column.key}",
                scope=self.SCREEN_NAME,
                key_display=f"⇧{column.sort_hotkey.lower()}" if column.sort_hotkey.isupper() else None,
                show=False,
                group="Sort (again: reverse)",
            )
            for column in self.COLUMNS
            if column.sort_hotkey
        )

    def key_actions(self) -> tuple[KeyAction, ...]:
        return (*super().key_actions(), *self.sort_key_actions())

    # -- data ---------------------------------------------------------------------------------------
    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        """Rows for the current values; called only when every resource has loaded once."""
        raise NotImplementedError

    def resources_changed(self) -> None:
        super().resources_changed()
        values = self.values()
        table = self.table
        if not values.all_loaded:
            failed = [state for state in self.states() if state.failed and not state.loaded]
            table.empty_message = f"Cannot load: {failed[0].error}" if failed else "Loading…"
            table.refresh()
            return
        table.empty_message = self.EMPTY_MESSAGE
        self.now = self.backend_clock.now()
        # The Store hands back the very same objects while nothing changed (and a screen coming back
        # into view asks again): skip the rebuild unless a value or the theme is new.
        inputs = (*values.identities(), self.palette)
        if len(inputs) != len(self._rendered_inputs) or any(
            new is not old for new, old in zip(inputs, self._rendered_inputs, strict=True)
        ):
            self._rendered_inputs = inputs
            table.update_rows(self.build_rows(values))  # (brings the ages in view up to the clock too)
            self.refresh_bindings()  # the item under the cursor may have changed state
        else:
            table.refresh_ages()
        self._move_to_new_row()
        self._show_counts()

    def _show_counts(self) -> None:
        table = self.table
        counts = self.counts_text(table.visible_count, table.row_count, bool(table.filter_text))
        filter_text = table.filter_text.strip()
        self.header.detail = f"{counts} /{filter_text}" if filter_text else counts

    def counts_text(self, shown: int, total: int, filtered: bool) -> str:
        """`[12]`, or `[3/12]` while a filter hides rows; a list fetched in windows says of how many."""
        return f"[{shown}/{total}]" if filtered else f"[{total}]"

    def filter_changed(self, text: str, *, kept: bool) -> None:
        """The `/` filter is now `text` (typed: `kept` False; kept, set or cleared: True). The table filters
        at once; a list too large to hold whole may also ask the server (`WorkloadsScreen`)."""

    # -- filter ---------------------------------------------------------------------------------------
    @property
    def filter_bar(self) -> PromptBar:
        return self.query_one("#filter-bar", PromptBar)

    async def action_start_filter(self) -> None:
        await self.filter_bar.open(self.table.filter_text)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, message: Input.Changed) -> None:
        message.stop()
        if self.filter_bar.is_open:
            self.table.filter_text = message.value
            self._show_counts()
            self.filter_changed(message.value, kept=False)

    @on(FilterLine.Kept)
    def _filter_kept(self, message: FilterLine.Kept) -> None:
        message.stop()
        self.filter_bar.close()
        self.table.filter_text = message.value
        self._show_counts()
        self.table.focus()
        self.filter_changed(message.value, kept=True)

    @on(FilterLine.Cleared)
    def _filter_cleared(self, message: FilterLine.Cleared) -> None:
        message.stop()
        self.clear_filter()

    def keep_filter(self, text: str) -> None:
        """Filter the list by `text` as if typed after `/` and kept (`:wl vision`)."""
        if not self.is_mounted:
            self._initial_filter = text
            return
        self.filter_bar.close()
        self.table.filter_text = text
        self._show_counts()
        self.table.focus()
        self.filter_changed(text, kept=True)

    def keep_sort(self, column_key: str, reverse: bool) -> None:
        """Sort by `column_key` as the user left it (a site's remembered view); applied as it mounts."""
        if self.is_mounted:
            self.table.sort_by(column_key, reverse=reverse)
        else:
            self._initial_sort = (column_key, reverse)

    def clear_filter(self) -> None:
        self.filter_bar.close()
        self.table.filter_text = ""
        self._show_counts()
        self.table.focus()
        self.filter_changed("", kept=True)

    def action_back(self) -> None:
        """Esc clears a kept filter first (as in k9s), then leaves a pushed screen."""
        if self.table.filter_text:
            self.clear_filter()
        else:
            super().action_back()

    def action_sort(self, column_key: str) -> None:
        self.table.sort_by(column_key)

    # -- detail ---------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter opens a detail only from the table; anywhere else (a prompt) it falls through."""
        if action == "open_detail":
            return self.is_mounted and self.focused is self.table
        return super().check_action(action, parameters)

    def action_open_detail(self) -> None:
        key = self.table.cursor_key
        if key is not None:
            self.open_detail(key)

    @on(ResourceTable.RowHighlighted)
    def _row_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        """The item under the cursor decides which keys are dimmed (`refusal_reason`)."""
        self.refresh_bindings()

    @on(ResourceTable.RowChosen)
    def _row_chosen(self, message: ResourceTable.RowChosen) -> None:
        message.stop()
        self.open_detail(message.key)

    def open_detail(self, key: str) -> None:
        """What enter does on the row `key`; by default nothing (a screen without a detail view)."""
        self.notify("No detail view here.", timeout=2)
