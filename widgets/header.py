"""The two- or three-line header every screen shows: where you are, who you are, and what is wrong.

Line 1: profile, cluster, user and role, and the badges (DEMO, READ-ONLY, INSECURE, HTTP, STALE).
Line 2: this screen's title and row count, then GPUs allocated of usable (and how many are down), WEKA
health and open alerts. WEKA reads `OK` only from an answer of this round: while it does not answer, or
while the whole summary fails, it reads `? since HH:MM:SS`, never the last good word.
Line 3 (demo only): how to leave the demo and connect a real cluster.
Badges are words in reverse video, so they stand out without colour.
"""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from console.model import WekaClusterStatus
from console.ui.format import format_clock_time
from console.ui.gpu_availability import format_gpu_capacity
from console.ui.resources import HeaderSummary
from console.ui.safe_text import visible_text
from widgets.bars import capacity_bar

HEALTHY_WEKA = frozenset({WekaClusterStatus.OK})


def demo_hint(config_location: str) -> str:
    return f"DEMO: simulated. To connect, add a profile to {config_location}"


class RwcHeader(Widget):
    """The header; the screen sets `summary`, `stale`, `title` and `detail`, the app the static flags."""

    COMPONENT_CLASSES = {
        "rwc-header--brand",
        "rwc-header--badge",
        "rwc-header--badge-alarm",
        "rwc-header--title",
        "rwc-header--muted",
        "rwc-header--bad",
    }

    DEFAULT_CSS = """
    RwcHeader {
        height: auto;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    RwcHeader > .rwc-header--brand { text-style: bold; color: $accent; }
    RwcHeader > .rwc-header--badge { text-style: bold reverse; color: $primary; }
    RwcHeader > .rwc-header--badge-alarm { text-style: bold reverse; color: $error; }
    RwcHeader > .rwc-header--title { text-style: bold; color: $primary; }
    RwcHeader > .rwc-header--muted { color: $foreground-muted; }
    RwcHeader > .rwc-header--bad { text-style: bold; color: $error; }
    """

    summary: reactive[HeaderSummary | None] = reactive(None, layout=False)
    summary_failing_since: reactive[datetime | None] = reactive(None)
    """When the summary itself stopped loading (None while it loads): `summary` is then old, and its WEKA
    word no longer true."""
    stale: reactive[bool] = reactive(False)
    title: reactive[str] = reactive("")
    detail: reactive[str] = reactive("")
    """Right of the title: row counts and the active filter, e.g. `[12/40] /gpu`."""

    def __init__(
        self,
        *,
        profile_name: str,
        demo: bool,
        read_only: bool,
        insecure: bool = False,
        plain_http: bool = False,
        config_location: str = "~/.config/rwc/config.toml",
        site: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.profile_name = profile_name
        self.demo = demo
        self.read_only = read_only
        self.insecure = insecure
        self.plain_http = plain_http
        """The profile talks plain http:// (allow_http = true): tokens travel unencrypted."""
        self.config_location = config_location
        self.site = site
        """The profile is one of several sites (`:ctx`): the header says "site" before its name."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3 if self.demo else 2

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"rwc-header--{name}")

    def _badges(self) -> Text:
        badges = Text(no_wrap=True, end="")
        for word, alarm, shown in (
            ("DEMO", False, self.demo),
            ("READ-ONLY", False, self.read_only),
            ("INSECURE", True, self.insecure),
            ("HTTP", True, self.plain_http),
            ("STALE", True, self.stale),
        ):
            if shown:
                badges.append(" ")
                badges.append(f" {word} ", self._style("badge-alarm" if alarm else "badge"))
        return badges

    def _line_with_right(self, left: Text, right: Text, width: int) -> Text:
        """`left` then `right` flush right; `left` is cut with an ellipsis to keep `right` whole."""
        room = max(0, width - right.cell_len)
        if left.cell_len > room:
            left = left.copy()
            left.truncate(max(0, room - 1), overflow="ellipsis", pad=False)
        gap = max(0, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right, no_wrap=True, end="")

    def _identity_line(self) -> Text:
        muted = self._style("muted")
        line = Text(no_wrap=True, end="")
        line.append("rwc", self._style("brand"))
        line.append("  site " if self.site else "  profile ", muted)
        line.append(self.profile_name)
        summary = self.summary
        if summary is not None:
            line.append("  cluster ", muted)
            line.append(summary.cluster.name)
            line.append("  ")
            line.append(summary.identity.user)
            line.append(f" ({summary.identity.role.value})", muted)
        return line

    def _status_line(self) -> Text:
        muted = self._style("muted")
        status = Text(no_wrap=True, end="")
        summary = self.summary
        if summary is None:
            status.append("cluster summary unavailable" if self.stale else "loading…", muted)
            return status
        status.append("GPU ", muted)
        gpus = summary.gpus
        status.append_text(capacity_bar(gpus.allocated, gpus.usable, width=6))
        label = Text(f" {format_gpu_capacity(gpus)}", end="")
        if gpus.down:
            label.stylize(self._style("bad"), label.plain.index(" ("))
        status.append_text(label)
        status.append("  WEKA ", muted)
        status.append_text(self._weka_word(summary))
        # A click on the count opens the alerts list (as `8` and `:alerts` do); the action is ours, fixed
        # here, never text from a server.
        opens_alerts = Style.from_meta({"@click": "app.show_screen('alerts')"})
        status.append("  alerts ", muted + opens_alerts)
        if summary.open_alerts < 0:
            status.append("?", opens_alerts)
        else:
            count_style = self._style("bad") if summary.open_alerts else Style()
            status.append(str(summary.open_alerts), count_style + opens_alerts)
        return status

    def _weka_word(self, summary: HeaderSummary) -> Text:
        """`OK` (or the bad state) from this round's answer; `? since HH:MM:SS` while WEKA, or the whole
        summary, has not answered since then."""
        moments = (summary.weka_unknown_since, self.summary_failing_since)
        unknown_since = [moment for moment in moments if moment is not None]
        if summary.weka_status is not None and not unknown_since:
            healthy = summary.weka_status in HEALTHY_WEKA
            return Text(summary.weka_status.value, Style() if healthy else self._style("bad"), end="")
        word = Text("?", self._style("bad"), end="")
        if unknown_since:
            word.append(f" since {format_clock_time(min(unknown_since))}", self._style("bad"))
        return word

    def render(self) -> Text:
        width = max(1, self.content_region.width or self.size.width)
        title = Text(no_wrap=True, end="")
        title.append(self.title, self._style("title"))
        if self.detail:
            title.append(" ")
            title.append(self.detail)
        lines = [
            self._line_with_right(self._identity_line(), self._badges(), width),
            self._line_with_right(title, self._status_line(), width),
        ]
        if self.demo:
            hint = Text(demo_hint(self.config_location), self._style("muted"), no_wrap=True, end="")
            hint.truncate(width, overflow="ellipsis")
            lines.append(hint)
        # Cluster, user, profile and workload names come from outside: drawn, never obeyed.
        return Text("\n", end="").join(visible_text(line) for line in lines)
