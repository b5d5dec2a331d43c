"""Every open alert in one list: WEKA's and the ones rwc raises from Run:ai (a node down, a degraded
workload), worst first.

It is where the header's alert count leads (`8`, `:alerts`, or a click on the count) and lists what that
count counts, the unmuted alerts (`a` shows the muted ones too; `m` mutes a WEKA alert type for a while,
or unmutes it); it works on a Run:ai-only profile. A
source that does not answer is named above the list ("WEKA alerts not shown: …") while the other's
alerts stay. The WEKA overview shows the same rows under the cluster's health.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.text import Text

from console.data.resource_keys import ResourceValues
from console.data.resources import ALERTS
from console.model import Alert, AlertSeverity
from console.ui.format import format_duration
from console.ui.keymap import ALERT_KEYS
from console.ui.palette import CellPalette
from console.ui.refusals import admin_only
from screens.action_runner import run_action
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from screens.dialogs import ConfirmDialog, confirm_then
from screens.dialogs.mute_alert import MuteAlertDialog
from widgets.resource_table import AgeCell, Column, Row

SEVERITY_ORDER: dict[AlertSeverity, int] = {severity: rank for rank, severity in enumerate(AlertSeverity)}
SEVERITY_SYMBOLS: dict[AlertSeverity, str] = {
    AlertSeverity.CRITICAL: "✗✗",
    AlertSeverity.MAJOR: "✗",
    AlertSeverity.MINOR: "!",
    AlertSeverity.WARNING: "!",
    AlertSeverity.INFO: "i",
}
SOURCE_WORDS: dict[str, str] = {"weka": "WEKA", "runai": "Run:ai"}

ALERT_COLUMNS: tuple[Column, ...] = (
    Column("severity", "SEVERITY", 10, sort_hotkey="V"),
    Column("type", "TYPE", 22, priority=2, sort_hotkey="T", identifies=True),
    Column("title", "TITLE", 30, grow=True, sort_hotkey="N"),
    Column("source", "FROM", 6, priority=3, sort_hotkey="O"),
    Column("age", "AGE", 5, align="right", priority=1, sort_hotkey="A"),
)


def severity_style(severity: AlertSeverity, palette: CellPalette) -> Style:
    if severity in (AlertSeverity.CRITICAL, AlertSeverity.MAJOR):
        return palette.error
    if severity in (AlertSeverity.MINOR, AlertSeverity.WARNING):
        return palette.warning
    return palette.muted


def alert_key(alert: Alert) -> str:
    """Row key: the alert type (one row per standing condition), prefixed by its source so a Run:ai
    and a WEKA alert of the same name cannot collide."""
    return f"{alert.source}:{alert.type}"


def alert_row(alert: Alert, palette: CellPalette) -> Row:
    """One alert as a row: severity in a symbol and a word (readable without colour), muted ones last."""
    style = palette.muted if alert.muted else severity_style(alert.severity, palette)
    severity = Text(f"{SEVERITY_SYMBOLS[alert.severity]} {alert.severity.value}", style, end="")
    if alert.muted:
        severity.append(" muted", palette.muted)
    return Row(
        key=alert_key(alert),
        cells=(
            severity,
            Text(alert.type, end=""),
            Text(alert.title, end=""),
            Text(SOURCE_WORDS.get(alert.source, alert.source), palette.muted, end=""),
            AgeCell(alert.raised_at),
        ),
        sort_values=(
            (alert.muted, SEVERITY_ORDER[alert.severity]),
            alert.type,
            alert.title,
            alert.source,
            -alert.raised_at.timestamp(),
        ),
    )


class AlertsTable(ResourceScreen):
    """A screen whose table is the alerts (this list, and the WEKA overview's lower half)."""

    COLUMNS = ALERT_COLUMNS
    EMPTY_MESSAGE = "No open alerts."

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self._alert_rows = self.row_cache(lambda alert: alert_row(alert, self.palette), key=alert_key)

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        return self._alert_rows.rows(self.shown_alerts(values[ALERTS] or ()))

    def shown_alerts(self, alerts: Sequence[Alert]) -> Sequence[Alert]:
        """The alerts this screen lists (all of them here)."""
        return alerts

    def open_detail(self, key: str) -> None:
        """Enter on an alert: its full description (what to do about it), which the table crops."""
        alerts: Sequence[Alert] = self.values()[ALERTS] or ()
        alert = next((a for a in alerts if alert_key(a) == key), None)
        if alert is not None:
            text = alert.description or alert.title
            if alert.action:
                text += f"\nWhat to do: {alert.action}"
            self.notify(text, title=alert.title, timeout=12, markup=False)


class AlertsScreen(AlertsTable):
    """Every source's open alerts: where the header's count leads. It lists what the count counts (the
    unmuted ones); `m` shows the muted ones too, last, and the title says how many are hidden."""

    SCREEN_NAME = "alerts"
    TITLE = "Alerts"
    KEYS = ALERT_KEYS
    RESOURCES = (ALERTS,)
    DEFAULT_SORT = "severity"

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self.show_muted = False
        self._muted_hidden = 0

    @property
    def screen_title(self) -> str:
        if self._muted_hidden:
            return f"Alerts ({self._muted_hidden} muted hidden, a shows)"
        return self.TITLE

    def shown_alerts(self, alerts: Sequence[Alert]) -> Sequence[Alert]:
        shown = alerts if self.show_muted else [alert for alert in alerts if not alert.muted]
        self._muted_hidden = len(alerts) - len(shown)
        self.header.title = self.screen_title
        return shown

    WRITE_ACTIONS = frozenset({"mute_alert"})

    def selected_alert(self) -> Alert | None:
        key = self.table.cursor_key
        alerts: Sequence[Alert] = self.values().get(ALERTS) or ()
        return next((alert for alert in alerts if alert_key(alert) == key), None) if key else None

    def action_refusal(self, action: str) -> str | None:
        """Only WEKA's own alerts can be muted (rwc raises the Run:ai ones from the cluster's state), and
        only by a cluster admin."""
        if action != "mute_alert":
            return None
        if reason := admin_only(self.identity, "mute or unmute WEKA alerts"):
            return reason
        alert = self.selected_alert()
        if alert is not None and alert.source != "weka":
            return "only WEKA's alerts can be muted; this one is rwc's reading of the Run:ai cluster"
        return None

    def action_mute_alert(self) -> None:
        """`m`: mute the WEKA alert type under the cursor for a chosen while; on a muted one, unmute it."""
        alert = self.selected_alert()
        if alert is None:
            self.notify("Choose an alert first.", severity="warning", timeout=3)
            return
        backend = self.context.backend
        if alert.muted:
            confirm_then(
                self,
                ConfirmDialog(
                    f"Unmute {alert.type}",
                    [
                        Text.assemble(
                            "Show ", (alert.type, "bold"), " alerts again, and count them in the header?"
                        )
                    ],
                    confirm_label="Unmute",
                ),
                lambda: run_action(
                    self,
                    f"Unmute {alert.type}",
                    lambda: backend.unmute_alert(alert.type),
                    success=f"{alert.type} alerts are shown again.",
                ),
            )
            return

        def chosen(seconds: int | None) -> None:
            if seconds is None:
                return
            run_action(
                self,
                f"Mute {alert.type}",
                lambda: backend.mute_alert(alert.type, seconds),
                success=f"{alert.type} alerts muted for {format_duration(seconds)}; a lists them.",
            )

        self.app.push_screen(MuteAlertDialog(alert.type, alert.title), chosen)

    def action_toggle_muted(self) -> None:
        """`a`: the muted alerts too / only the open ones."""
        self.show_muted = not self.show_muted
        self._rendered_inputs = ()  # the same values, other rows
        self.resources_changed()
