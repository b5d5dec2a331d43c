"""`DetailScreen`: what every one-resource detail view (workload, node, snapshot, filesystem) shares.

A scrolling column of sections, the summary first ("Loading…" until the data comes), each section a
`SafeStatic` the screen fills; focus on the column, so arrows and pgup/pgdn scroll it at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from screens.base import RwcScreen
from widgets.safe_static import SafeStatic


class DetailScreen(RwcScreen):
    """A detail view: `SECTIONS` ("#summary" first) are composed in order inside `#detail`."""

    DEFAULT_CSS = """
    DetailScreen VerticalScroll {
        height: 1fr;
        padding: 0 1;
    }
    DetailScreen .detail-section {
        margin-top: 1;
    }
    """

    SECTIONS: ClassVar[tuple[str, ...]] = ("#summary",)
    """The section widgets' ids, the summary first."""
    UNSPACED_SECTIONS: ClassVar[frozenset[str]] = frozenset()
    """Sections that follow the one above without the blank line between sections."""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield SafeStatic("Loading…", id="summary")
            for section in self.SECTIONS[1:]:
                spaced = section not in self.UNSPACED_SECTIONS
                yield SafeStatic("", id=section[1:], classes="detail-section" if spaced else None)

    def focus_detail(self) -> None:
        """Focus the scrolling column of sections."""
        self.query_one("#detail", VerticalScroll).focus()

    def on_mount(self) -> None:
        self.focus_detail()  # RwcScreen.on_mount runs as well: Textual calls each class's handler
