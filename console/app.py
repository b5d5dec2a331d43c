"""`RwcApp`: the thin Textual App — screen registry, global keys, themes, command palette, Store.

Each top-level screen is a Textual *mode* with its own stack, so number keys and `:` switch between
screens (keeping each one's filter, sort and cursor) while enter/esc push and pop detail views within
one. All data comes from the `Backend` through the `Store`; nothing here fetches by itself.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import BindingType

from console.config import Config
from console.data.backend import Backend
from console.data.store import Store
from console.ui.commands import RwcCommands
from console.ui.context import ConsoleContext
from console.ui.keymap import APP_KEYS, DEFAULT_SCREEN, bindings_for
from console.ui.store_bridge import StoreBridge
from screens.base import ResourceScreen, RwcScreen
from screens.filesystems import FilesystemsScreen
from screens.gpus import GpusScreen
from screens.help import HelpScreen, sections_for
from screens.nodes import NodesScreen
from screens.projects import ProjectsScreen
from screens.snapshots import SnapshotsScreen
from screens.weka_overview import WekaOverviewScreen
from screens.workloads import WorkloadsScreen
from themes import STYLESHEET_PATH, THEMES, theme_name

SCREEN_CLASSES: dict[str, type[RwcScreen]] = {  # keyed like console.ui.keymap.SCREENS (a test checks)
    "projects": ProjectsScreen,
    "workloads": WorkloadsScreen,
    "nodes": NodesScreen,
    "gpus": GpusScreen,
    "filesystems": FilesystemsScreen,
    "snapshots": SnapshotsScreen,
    "weka": WekaOverviewScreen,
}


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

    def __init__(self, *, backend: Backend, config: Config, store: Store | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.config = config
        self.store = store if store is not None else Store(backend)
        self.bridge = StoreBridge(self.store)
        self.bridge.register(backend)
        self.context = ConsoleContext(
            backend=backend,
            bridge=self.bridge,
            profile_name=backend.profile_name,
            demo=config.demo,
            read_only=config.read_only,
            insecure=config.insecure,
            config_location=home_relative(config.config_path),
        )
        for name, screen_class in SCREEN_CLASSES.items():
            self.add_mode(name, partial(screen_class, self.context))
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = theme_name(no_color=config.no_color or bool(os.environ.get("NO_COLOR")))

    def on_mount(self) -> None:
        self.store.start()

    async def on_unmount(self) -> None:
        """Stop polling, then close the backend's connections (the app runs the loop they live on)."""
        self.bridge.close()
        await self.store.stop()
        await self.backend.aclose()

    # -- global actions ---------------------------------------------------------------------------
    def action_show_screen(self, name: str) -> None:
        """Number keys and `:name`: switch to that screen, as it was left."""
        if name in SCREEN_CLASSES:
            self.switch_mode(name)

    def action_show_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = getattr(screen, "screen_title", "rwc")
        keys = screen.key_actions() if isinstance(screen, RwcScreen) else ()
        self.push_screen(HelpScreen(title, sections_for(keys, has_table=isinstance(screen, ResourceScreen))))
