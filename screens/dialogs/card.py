"""The card every question is drawn in: centred over the screen, a rounded border (red for a question that
destroys), its title on the border, as wide as a line of its text needs and never wider than the terminal.

One definition, so the confirm, type-the-name, choose, mute, upload-site and form dialogs and the help
cannot drift apart.
"""

from __future__ import annotations


def card_css(dialog: str, *, width: int = 72, border: str = "$primary", body: str = "Vertical") -> str:
    """`DEFAULT_CSS` for the card of the dialog class named `dialog` (its own rules follow it); `body` is
    the container that draws the card (a form's `Vertical`, help's `VerticalScroll`)."""
    return f"""
    {dialog} {{
        align: center middle;
    }}
    {dialog} > {body} {{
        width: {width};
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round {border};
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }}
    """
