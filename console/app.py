"""`RwcApp`: the thin Textual App — screen registry, global keys, themes, command palette, Store.

Each top-level screen is a Textual *mode* with its own stack, so number keys and `:` switch between
screens (keeping each one's filter, sort and cursor) while enter/esc push and pop detail views within
one. All data comes from the `Backend` through the `Store`; nothing here fetches by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import os
import signal
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widget import AwaitMount

from console import DEFAULT_GC_THRESHOLD
from console.config import Config
from console.data.backend import Backend
from console.data.sites import Sites
from console.data.store import Store
from console.key_gate import KeyGate
from console.ui.keymap import APP_KEYS, DEFAULT_SCREEN, SCREENS
from console.ui.safe_text import visible
from screens.base import ResourceScreen, RwcScreen
from screens.commands import RwcCommands
from screens.context import ConsoleContext
from screens.site_session import SiteSession
from screens.site_switch import SiteSwitcher
from screens.store_bridge import StoreBridge
from themes import STYLESHEET_PATH, THEMES, theme_name
from widgets.bindings import bindings_for
from widgets.textual_compat import exit_on_crash, mark_css_current


class ScreenClasses(Mapping[str, type[RwcScreen]]):
    """Registry name -> screen class, importing each screen's module on first use.

    Only the screen rwc opens on is imported before the first frame; the others load when the user
    first switches to them (a few ms each), which keeps start-up close to a bare Textual app's.
    """

    def __init__(self, locations: Mapping[str, str]) -> None:
        self._locations = dict(locations)

    def __getitem__(self, name: str) -> type[RwcScreen]:
        module_name, _, class_name = self._locations[name].partition(":")
        screen_class: type[RwcScreen] = getattr(importlib.import_module(module_name), class_name)
        return screen_class

    def __iter__(self) -> Iterator[str]:
        return iter(self._locations)

    def __len__(self) -> int:
        return len(self._locations)


SCREEN_CLASSES = ScreenClasses({entry.name: entry.location for entry in SCREENS})
"""The one screen registry's classes: `console.ui.keymap.SCREENS` says where each lives."""


log = logging.getLogger(__name__)


def crash_message(error: BaseException) -> str:
    """The one screen a user sees after an unexpected error: what, and where the details are."""
    from console.data import paths

    what = visible(f"{type(error).__name__}: {error}")[:300]
    return (
        f"rwc stopped on an unexpected error ({what}).\n"
        f"The details are in {home_relative(paths.app_log_path())}; please include them when you report it."
    )


MAX_SCREEN_HISTORY = 32
"""Screens remembered for esc to walk back through."""


def restore_gc_threshold() -> None:
    """Back to Python's collector settings once the first frame is up (see `console.STARTUP_GC_THRESHOLD`)."""
    gc.set_threshold(*DEFAULT_GC_THRESHOLD)


def home_relative(path: Path) -> str:
    """`/home/ana/.config/rwc/config.toml` -> `~/.config/rwc/config.toml`, as a user would type it."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)


class RwcApp(App[None]):
    """The console. Build it with `console.cli.make_app(config)` so tests run what users run."""

    TITLE = "rwc"
    CSS_PATH = STYLESHEET_PATH
    BINDINGS: ClassVar[list[BindingType]] = bindings_for(APP_KEYS)
    COMMANDS = App.COMMANDS | {RwcCommands}
    DEFAULT_MODE = DEFAULT_SCREEN

    def __init__(
        self, *, backend: Backend, config: Config, store: Store | None = None, sites: Sites | None = None
    ) -> None:
        """`sites` (several clusters, `console.data.sites`): `backend` is the open one's, and rwc opens
        on the sites overview; `:ctx` switches (`screens.site_switch`)."""
        if sites is not None and sites.several:
            self.DEFAULT_MODE = "sites"  # type: ignore[misc]  # read by App.__init__: the opening screen
        super().__init__()
        self.config = config
        self.switcher = SiteSwitcher(self, sites) if sites is not None else None
        if sites is not None:
            store = sites.open(sites.current_name)
        self.session = self.open_session(backend.profile_name, store if store is not None else Store(backend))
        self.key_gate = KeyGate(self, partial(App.on_event, self))
        self._screen_history: list[str] = []
        """Modes the user left, oldest first (esc on a list walks back through them)."""
        for name in SCREEN_CLASSES:
            self.add_mode(name, partial(self.make_screen, name))
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = theme_name(no_color=config.no_color or bool(os.environ.get("NO_COLOR")))

    def open_session(self, name: str, store: Store) -> SiteSession:
        """The screens' side of a site: bridge, invalidating backend and context (`store` keeps polling)."""
        config = self.config
        switchboard = self.switcher.switchboard if self.switcher is not None else None

        def make_context(backend: Backend, bridge: StoreBridge) -> ConsoleContext:
            profile = next((p for p in config.site_profiles if p.name == name), config.profile)
            return ConsoleContext(
                backend=backend,
                bridge=bridge,
                profile_name=backend.profile_name,
                demo=config.demo,
                read_only=config.read_only,
                insecure=config.insecure_for(profile),
                plain_http=bool(profile and profile.plain_http_keys),
                config_location=home_relative(config.config_path),
                sites=switchboard,
            )

        session = SiteSession(name, store, store.backend, make_context, watched=self.switcher is not None)
        self.store, self.bridge, self.backend, self.context = (
            store,
            session.bridge,
            session.backend,
            session.context,
        )
        return session

    def make_screen(self, name: str) -> RwcScreen:
        screen = SCREEN_CLASSES[name](self.context)
        if self.switcher is not None:
            self.switcher.screen_made(name, screen)
        # A screen made now has missed no CSS change (Textual would re-parse the whole stylesheet the
        # first time its mode is shown, ~10 ms); a theme change after this still reaches it.
        mark_css_current(screen, self)
        return screen

    def on_mount(self) -> None:
        self.key_gate.watch_screens()
        self._exit_on_signals()
        # After the first frame: the first fetch builds the demo simulator (or opens connections),
        # which would otherwise compete with painting the chrome the user is waiting for.
        self.call_after_refresh(self.store.start)
        if self.switcher is not None:
            self.call_after_refresh(self.switcher.open_all)
        self.call_after_refresh(restore_gc_threshold)

    def _exit_on_signals(self) -> None:
        """SIGTERM, SIGHUP (the SSH link dropped) and SIGINT from outside (`kill -INT`; ctrl+c typed in
        rwc is a key) end rwc the normal way: the terminal leaves the alternate screen with mouse
        tracking off, and the exit status says which signal (128 + n: 143, 129, 130)."""
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                loop.add_signal_handler(signal_number, self._exit_for_signal, signal_number)
            except (NotImplementedError, RuntimeError, ValueError):
                return  # not the main thread (tests run the app beside pytest), or no signals here

    def _exit_for_signal(self, signal_number: int) -> None:
        log.info("exiting on signal %s", signal.Signals(signal_number).name)
        self.key_gate.close()
        self.exit(return_code=128 + signal_number)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go through the `KeyGate`, which delivers each one only
        after the one before it has settled (see `console.key_gate`); everything else as Textual does."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self.key_gate.accept(event)
            return
        await super().on_event(event)

    async def on_unmount(self) -> None:
        """Stop polling, then close the backend's connections (the app runs the loop they live on)."""
        self.key_gate.close()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal_number)
        self.session.close()
        if self.switcher is not None:
            await self.switcher.aclose()  # every site's Store and backend, and their views remembered
            return
        await self.store.stop()
        await self.backend.aclose()

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Every way out (q, ctrl+c, a signal): each site's views are read while its screens still stand."""
        if self.switcher is not None:
            self.switcher.remember()
        super().exit(*args, **kwargs)

    # -- global actions ---------------------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast: its words are drawn as text, never parsed as markup (`maintenance [/]` from a
        server once crashed the app) and never obeyed by the terminal (`console.ui.safe_text`).

        rwc's own messages are plain text too, so `markup` is accepted for Textual's callers and ignored.
        """
        lines = "\n".join(visible(line) for line in str(message).splitlines())
        super().notify(lines, title=visible(str(title)), severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: the traceback (no locals: they hold tokens and API data) goes to
        rwc.log, the terminal gets one short message naming the log, and rwc exits with status 1.

        Textual's own handler prints a Rich traceback with every frame's locals to the terminal and
        nothing to the log. This overrides a private method (`widgets.textual_compat.APP_EXCEPTION_HOOK`,
        checked by its test); `tests/ui/test_crash_report.py` checks the behaviour.
        """
        log.error("rwc stopped on an unexpected error", exc_info=(type(error), error, error.__traceback__))
        exit_on_crash(self, error, Text(crash_message(error), end=""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Screen keys do nothing while a dialog is open: the dialog's question must be answered (or
        dismissed with esc) first, not left pending on a screen the user switched away from."""
        return not (action == "show_screen" and isinstance(self.screen, ModalScreen))

    def action_show_screen(self, name: str) -> None:
        """Number keys and `:name`: that list screen, with its filter, sort and cursor as left."""
        self.show_screen(name)

    def show_screen(self, name: str, filter_text: str | None = None) -> AwaitMount | None:
        """Open the list screen `name` (k9s `:pods`): always the list itself, never a detail or a
        scoped sub-list left open there; `filter_text` (`:wl vision`) keeps that filter on it.

        The screen left behind is remembered, so esc on a list walks back to it (`go_back`).
        """
        if name not in SCREEN_CLASSES:
            return None
        mounted = None
        if name != self.current_mode:
            self._screen_history.append(self.current_mode)
            del self._screen_history[:-MAX_SCREEN_HISTORY]
            mounted = self.switch_mode(name)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if filter_text is not None and isinstance(self.screen, ResourceScreen):
            self.screen.keep_filter(filter_text)
        return mounted

    @property
    def screen_names(self) -> tuple[str, ...]:
        return tuple(SCREEN_CLASSES)

    def last_screen_left(self, *, besides: str) -> str | None:
        """The newest screen the user left besides `besides` (a site's last screen, seen from `:sites`)."""
        return next((name for name in reversed(self._screen_history) if name != besides), None)

    def forget_screen_history(self) -> None:
        """Another site is open: esc does not walk back into the screens of the one left."""
        self._screen_history.clear()

    def action_choose_site(self, name: str = "") -> None:
        """`:ctx` (and the palette): pick a site and switch to it; `:ctx NAME` switches at once."""
        if self.switcher is None:
            self.notify(
                f"One site only: add profiles to {home_relative(self.config.config_path)} to switch between "
                "clusters (rwc --demo has two).",
                timeout=6,
            )
            return
        from screens.site_picker import pick_site  # only when asked for: not on the start-up path

        pick_site(self, self.switcher.switchboard, name)

    def go_back(self) -> bool:
        """Esc on a list with nothing left to clear: back to the screen the user came from."""
        while self._screen_history:
            previous = self._screen_history.pop()
            if previous != self.current_mode and previous in SCREEN_CLASSES:
                self.switch_mode(previous)
                return True
        return False

    async def run_on_screen(self, name: str, action: str) -> None:
        """The palette's "Upload — Snapshots" from anywhere: go to that screen, then run its action."""
        mounted = self.show_screen(name)
        if mounted is not None:
            await mounted
        await self.run_action(action, self.screen)

    def action_interrupt(self) -> None:
        """ctrl+c: end rwc now, as an interrupted program does (status 130); the terminal is restored."""
        log.info("exiting on ctrl+c")
        self.key_gate.close()
        self.exit(return_code=130)

    def action_show_help(self) -> None:
        screen = self.screen
        from screens.help import HelpScreen, sections_for  # only when asked for: not on the start-up path

        if isinstance(screen, HelpScreen):
            return
        title = getattr(screen, "screen_title", "rwc")
        keys = screen.key_actions() if isinstance(screen, RwcScreen) else ()
        name = getattr(screen, "SCREEN_NAME", "")
        sections = sections_for(keys, has_table=isinstance(screen, ResourceScreen), screen_name=name)
        self.push_screen(HelpScreen(title, sections))
