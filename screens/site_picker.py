"""`:ctx`: pick a site from a list (or name it: `:ctx cloud`) and switch the console to it.

The switch runs as a worker of the `OPENS_SCREEN` group, so keys typed after the choice wait for the
other site's screen instead of reaching the one being replaced (`console.key_gate`).
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from console.key_gate import OPENS_SCREEN
from screens.dialogs.choose import ChooseDialog
from screens.site_session import SiteSwitchboard


def site_named(switchboard: SiteSwitchboard, word: str) -> str | None:
    """The site `word` names: exactly, else the one site whose name starts with it (`:ctx cl`)."""
    if word in switchboard.names:
        return word
    matches = [name for name in switchboard.names if name.lower().startswith(word.lower())]
    return matches[0] if len(matches) == 1 else None


def pick_site(app: App[Any], switchboard: SiteSwitchboard, word: str = "") -> None:
    """Switch to the site `word` names, or ask which one (the open one highlighted)."""

    def switch(name: str | None) -> None:
        if name is not None:
            app.run_worker(switchboard.switch(name), group=OPENS_SCREEN, exclusive=True, exit_on_error=False)

    word = word.strip()
    if word:
        name = site_named(switchboard, word)
        if name is None:
            app.notify(
                f"No site named {word!r} (sites: {', '.join(switchboard.names)}).",
                severity="warning",
                timeout=5,
            )
            return
        switch(name)
        return
    options = [(site.name, switchboard.choice_text(site)) for site in switchboard.sites]
    app.push_screen(ChooseDialog("Sites", "Switch to which site?", options, switchboard.current_name), switch)
