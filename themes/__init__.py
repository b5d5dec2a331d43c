"""rwc's colour themes and app-wide stylesheet.

`rwc` is the default dark theme (k9s-like: cyan and blue on near-black). `rwc-mono` is the theme for
`--no-color` and NO_COLOR: greys only, and the variable `$rwc-monochrome` tells cell styling to use
weight (bold, dim, reverse) instead of colour, since every state is also spelled in words or symbols.
"""

from __future__ import annotations

from pathlib import Path

from textual.theme import Theme

STYLESHEET_PATH = Path(__file__).with_name("rwc.tcss")

RWC_THEME = Theme(
    name="rwc",
    primary="#3B9EDB",
    secondary="#5FAFAF",
    accent="#4FD6E0",
    warning="#E5B530",
    error="#E5534B",
    success="#57AB5A",
    foreground="#D0D7DE",
    background="#0D1117",
    surface="#10151C",
    panel="#1B222C",
    dark=True,
)

MONOCHROME_THEME = Theme(
    name="rwc-mono",
    primary="#FFFFFF",
    secondary="#C0C0C0",
    accent="#FFFFFF",
    warning="#E0E0E0",
    error="#FFFFFF",
    success="#C0C0C0",
    foreground="#E0E0E0",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    dark=True,
    variables={"rwc-monochrome": "true"},
)

THEMES: tuple[Theme, ...] = (RWC_THEME, MONOCHROME_THEME)


def theme_name(*, no_color: bool) -> str:
    """The theme to start with: monochrome for --no-color / NO_COLOR."""
    return MONOCHROME_THEME.name if no_color else RWC_THEME.name
