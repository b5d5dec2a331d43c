"""The ctrl+p command palette's rwc provider: screens, the current screen's actions and every other
list screen's actions (which go to that screen first).

It reads the same registry as the bindings and the help screen (`console.ui.keymap`), and each entry
runs the very action its key runs, so the palette is a searchable index of the keys, nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from console.ui.keymap import ALL_KEYS, APP_KEYS, SCREENS, KeyAction, ScreenEntry


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    text: str
    help: str
    run: Callable[[], Awaitable[None]]


def _keys_of(entry: ScreenEntry) -> str:
    """`8  :al`, or `:ev` for a screen without a number key."""
    return f"{entry.number_key}  :{entry.aliases[0]}" if entry.number_key else f":{entry.aliases[0]}"


class RwcCommands(Provider):
    """Offers "Go to <screen>" for every screen and every palette-worthy key of the current one."""

    def _entries(self) -> list[PaletteEntry]:
        app = self.app
        screen = self.screen
        entries = [
            PaletteEntry(
                f"Go to {entry.title}",
                f"{entry.description}  [{_keys_of(entry)}]",
                partial(self._run, f"show_screen('{entry.name}')", app),
            )
            for entry in SCREENS
        ]
        # Several sites: one entry per other site, as `:ctx NAME` (`screens.site_picker`).
        sites = getattr(getattr(screen, "context", None), "sites", None)
        choose_site = getattr(app, "action_choose_site", None)
        if sites is not None and callable(choose_site):
            entries += [
                PaletteEntry(
                    f"Switch to site {name}",
                    f"its last screen, filters and sorts  [:ctx {name}]",
                    partial(self._call, choose_site, name),
                )
                for name in sites.names
                if name != sites.current_name
            ]
        screen_keys: tuple[KeyAction, ...] = ()
        key_actions = getattr(screen, "key_actions", None)
        if callable(key_actions):
            screen_keys = key_actions()
        here = {key.action for key in screen_keys}
        for key in (*APP_KEYS, *screen_keys):
            if not key.palette or key.group == "Screens":
                continue
            target: DOMNode = app if key.scope == "app" else screen
            entries.append(
                PaletteEntry(
                    key.description, f"key {key.display_key}", partial(self._run, key.action, target)
                )
            )
        # Every other list screen's actions too (from Nodes, "upload" finds Snapshots' upload): the
        # entry goes to that screen first, then runs the action on what its cursor is on.
        run_on_screen = getattr(app, "run_on_screen", None)
        if callable(run_on_screen):
            for entry in SCREENS:
                for key in ALL_KEYS:
                    if key.scope != entry.name or not key.palette or key.action in here:
                        continue
                    entries.append(
                        PaletteEntry(
                            f"{key.description} — {entry.title}",
                            f"{entry.title}: key {key.display_key}",
                            partial(run_on_screen, entry.name, key.action),
                        )
                    )
        return entries

    async def _call(self, function: Callable[[str], None], argument: str) -> None:
        function(argument)

    async def _run(self, action: str, target: DOMNode) -> None:
        await self.app.run_action(action, target)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.text, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.text)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.text), entry.run, help=entry.help)
