"""The WEKA cluster at a glance: protection state, capacity, IO over the last minutes, hardware, alerts.

It answers "is the storage healthy and is it keeping up?" before anyone opens a filesystem: the
protection state in a word (not only a colour), SSD used against provisioned and total, the object
tier, read/write throughput, IOPS and latency as sparklines of the last five minutes, drives /
backends / clients active of total, and the open alerts in a table keyed by alert type (enter shows
an alert's full text).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Sparkline, Static

from console.data.resources import ALERTS, WEKA_CLUSTER, WEKA_METRICS
from console.model import WekaCluster, WekaClusterStatus, WekaMetricsSample
from console.ui.format import NOT_AVAILABLE, format_bytes, format_bytes_pair
from console.ui.palette import CellPalette
from screens.alerts import AlertsTable
from widgets.bars import NO_DATA, capacity_bar

METRICS_WINDOW_SECONDS = 300.0
"""The sparklines' span: long enough to see a trend, short enough to fit 80 columns at a glance."""
THROUGHPUT = WEKA_METRICS(METRICS_WINDOW_SECONDS)
"""IO activity moves by the second; the catalogue's two-second poll keeps the sparklines alive."""

CAPACITY_BAR_WIDTH = 20
LABEL_WIDTH = 12
VALUE_WIDTH = 11

STATUS_SYMBOLS: dict[WekaClusterStatus, str] = {
    WekaClusterStatus.OK: "✓",
    WekaClusterStatus.REBUILDING: "◐",
    WekaClusterStatus.REDISTRIBUTING: "◐",
    WekaClusterStatus.PARTIALLY_PROTECTED: "!",
    WekaClusterStatus.UNPROTECTED: "✗",
    WekaClusterStatus.UNAVAILABLE: "✗",
    WekaClusterStatus.UNINITIALIZED: "?",
    WekaClusterStatus.UNKNOWN: "?",
}
STATUS_WORDS: dict[WekaClusterStatus, str] = {
    WekaClusterStatus.OK: "fully protected",
    WekaClusterStatus.REBUILDING: "rebuilding after a failure",
    WekaClusterStatus.REDISTRIBUTING: "redistributing data",
    WekaClusterStatus.PARTIALLY_PROTECTED: "partially protected",
    WekaClusterStatus.UNPROTECTED: "NOT protected",
    WekaClusterStatus.UNAVAILABLE: "unavailable",
    WekaClusterStatus.UNINITIALIZED: "not initialised",
    WekaClusterStatus.UNKNOWN: "state unknown",
}
"""Each protection state in words (reference/weka.md §5), so the state reads without colour."""


def status_style(status: WekaClusterStatus, palette: CellPalette) -> Style:
    """Green only for OK, amber while WEKA repairs itself, red when data is at risk or unreachable."""
    if status is WekaClusterStatus.OK:
        return palette.ok
    if status in (WekaClusterStatus.REBUILDING, WekaClusterStatus.REDISTRIBUTING):
        return palette.warning
    return palette.error


def format_rate(bytes_per_second: float) -> str:
    if not math.isfinite(bytes_per_second):
        return NOT_AVAILABLE
    return f"{format_bytes(bytes_per_second)}/s"


def format_iops(iops: float) -> str:
    """`950`, `12.3k`, `114k`, `1.2M`: IOPS as dashboards print them."""
    if not math.isfinite(iops):
        return NOT_AVAILABLE
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if iops >= limit:
            scaled = iops / limit
            return f"{scaled:.0f}{suffix}" if scaled >= 100 else f"{scaled:.1f}{suffix}"
    return f"{iops:.0f}"


def format_latency(microseconds: float) -> str:
    """`234µs`, `1.2ms`: WEKA reports latency in µs (reference §9)."""
    if not math.isfinite(microseconds):
        return NOT_AVAILABLE
    if microseconds >= 1000:
        return f"{microseconds / 1000:.1f}ms"
    return f"{microseconds:.0f}µs"


MIN_SPARKLINE_POINTS = 2
"""Fewer points draw no trend: an empty sparkline is a flat bottom line (reads as zero) and one point a
flat full bar (reads as the peak), so below this the line says "no data" instead."""


class MetricLine(Horizontal):
    """`Read  13.2GiB/s  ▂▃▅▇█▆▅…`: a label with the latest value, then the sparkline of the window;
    `no data` in words where there is nothing to draw (never a flat line that looks like zero)."""

    DEFAULT_CSS = """
    MetricLine {
        height: 1;
    }
    MetricLine > .metric-label {
        width: auto;
        min-width: 24;
    }
    MetricLine > Sparkline {
        width: 1fr;
        margin: 0 1 0 0;
    }
    MetricLine > .metric-no-data {
        width: 1fr;
        color: $text-muted;
        display: none;
    }
    MetricLine.-no-data > Sparkline {
        display: none;
    }
    MetricLine.-no-data > .metric-no-data {
        display: block;
    }
    """

    def __init__(self, label: str, *, id: str) -> None:  # noqa: A002 - Textual's name for it
        super().__init__(id=id, classes="-no-data")  # nothing to draw until the first samples arrive
        self.label = label

    def compose(self) -> ComposeResult:
        yield Static(Text(f" {self.label:<8}"), classes="metric-label")
        yield Sparkline([], summary_function=max)
        yield Static(Text("loading…", end=""), classes="metric-no-data")

    def show(self, value: Text, data: Sequence[float], *, no_data_reason: str = "") -> None:
        """Latest value beside the label; the window as the sparkline (one bar per time slice), or
        `no data` and why when it has too few readable points (NaN and infinities are not points)."""
        label = Text(f" {self.label:<8}", end="")
        label.append_text(value)
        label.append(" ")
        self.query_one(".metric-label", Static).update(label)
        points = [point for point in data if math.isfinite(point)]
        drawable = len(points) >= MIN_SPARKLINE_POINTS
        if drawable:
            self.query_one(Sparkline).data = points
        else:
            words = NO_DATA if not points else f"{NO_DATA} yet (1 point)"
            reason = f" — {no_data_reason}" if no_data_reason else ""
            self.query_one(".metric-no-data", Static).update(Text(f"{words}{reason}", end=""))
        self.set_class(not drawable, "-no-data")


class WekaOverviewScreen(AlertsTable):
    """Cluster health, capacity and activity on top; the open alerts as the table below."""

    SCREEN_NAME = "weka"
    TITLE = "WEKA"
    RESOURCES = (WEKA_CLUSTER, THROUGHPUT, ALERTS)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    """A tall terminal gets taller sparklines (finer steps); 80x24 keeps one line each."""

    DEFAULT_CSS = """
    WekaOverviewScreen.-tall MetricLine {
        height: 3;
        margin-bottom: 1;
    }
    WekaOverviewScreen.-tall MetricLine > Sparkline {
        height: 3;
    }
    WekaOverviewScreen #weka-summary {
        height: auto;
        padding: 0 1;
    }
    WekaOverviewScreen #weka-activity-title {
        padding: 0 1;
        color: $text-muted;
    }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Loading…"), id="weka-summary")
        yield Static(
            Text(f"Activity, last {METRICS_WINDOW_SECONDS / 60:.0f} minutes"), id="weka-activity-title"
        )
        yield MetricLine("Read", id="metric-read")
        yield MetricLine("Write", id="metric-write")
        yield MetricLine("IOPS", id="metric-iops")
        yield MetricLine("Latency", id="metric-latency")
        yield from super().compose_body()

    # -- data ---------------------------------------------------------------------------------------
    def resources_changed(self) -> None:
        super().resources_changed()
        if not self.is_mounted:
            return
        values = self.values()
        cluster = values.get(WEKA_CLUSTER)
        summary = self.query_one("#weka-summary", Static)
        if cluster is not None:
            summary.update(self.summary_text(cluster))
        else:
            state = self.context.bridge.snapshot(WEKA_CLUSTER)
            if state.failed:
                # Never loaded: say why instead of "Loading…" forever (once loaded, the banner says stale).
                summary.update(Text(f"WEKA did not answer: {state.error}", self.palette.error, end=""))
        samples = values.get(THROUGHPUT)
        if samples is not None:
            self._show_metrics(samples, cluster)
        else:
            metrics_state = self.context.bridge.snapshot(THROUGHPUT)
            if metrics_state.failed:
                for metric in self.query(MetricLine):
                    metric.show(
                        Text(f"{NOT_AVAILABLE:>{VALUE_WIDTH}}", end=""),
                        (),
                        no_data_reason=f"WEKA did not answer: {metrics_state.error}",
                    )

    def summary_text(self, cluster: WekaCluster) -> Text:
        """Health and hardware on one line, then capacity: SSD used of provisioned, provisioned of the
        cluster's SSD, and what sits in the object tier."""
        palette = self.palette
        muted = palette.muted
        status = cluster.status
        line = Text(no_wrap=True, end="")
        line.append(cluster.name, palette.accent)
        line.append(f" {cluster.release}", muted)
        line.append("  ")
        line.append(f"{STATUS_SYMBOLS[status]} {status.value}", status_style(status, palette))
        line.append(f" {STATUS_WORDS[status]}", muted)
        line.append("  IO ", muted)
        line.append(cluster.io_status, palette.ok if cluster.io_status == "STARTED" else palette.error)

        hardware = Text(no_wrap=True, end="")
        for label, active, total in (
            ("drives", cluster.drives_active, cluster.drives_total),
            ("backends", cluster.backends_active, cluster.backends_total),
            ("clients", cluster.clients_active, cluster.clients_total),
        ):
            hardware.append(f"{label} ", muted)
            hardware.append(f"{active}/{total}", palette.ok if active >= total else palette.warning)
            if active < total:
                hardware.append(f" ({total - active} down)", palette.warning)
            hardware.append("   ")
        hardware.append("WEKA alerts ", muted)
        hardware.append(
            str(cluster.active_alerts_count), palette.error if cluster.active_alerts_count else palette.ok
        )

        if cluster.filesystem_totals_unknown:
            # The sums over /fileSystems: zeros would read "empty"; say they are not known (the banner
            # above says why).
            unknown = [
                Text.assemble((f"{label:<{LABEL_WIDTH}}", muted), (NO_DATA, muted), end="")
                for label in ("SSD used", "Provisioned", "Object tier")
            ]
            unknown[0].append(" — the filesystems did not answer", muted)
            return Text("\n", end="").join([line, hardware, *unknown])
        ssd_used = self._bar_line(
            "SSD used",
            cluster.ssd_used_bytes,
            cluster.ssd_provisioned_bytes,
            "of provisioned",
        )
        provisioned = self._bar_line(
            "Provisioned",
            cluster.ssd_provisioned_bytes,
            cluster.total_capacity_bytes,
            f"of SSD, {format_bytes(cluster.unprovisioned_capacity_bytes)} free",
        )
        object_tier = Text(no_wrap=True, end="")
        object_tier.append(f"{'Object tier':<{LABEL_WIDTH}}", muted)
        object_tier.append(format_bytes(cluster.object_tier_used_bytes))
        object_tier.append(" in object-store buckets", muted)
        if cluster.latest is not None and cluster.latest.obs_upload_bytes_per_second > 0:
            object_tier.append("  uploading ", muted)
            object_tier.append(format_rate(cluster.latest.obs_upload_bytes_per_second), palette.accent)
        return Text("\n", end="").join([line, hardware, ssd_used, provisioned, object_tier])

    def _bar_line(self, label: str, used: int, total: int, words: str) -> Text:
        palette = self.palette
        line = Text(no_wrap=True, end="")
        line.append(f"{label:<{LABEL_WIDTH}}", palette.muted)
        if not (math.isfinite(used) and math.isfinite(total)) or total <= 0:
            # A capacity of nothing (or unreadable) is not "0% used": say there is nothing to measure.
            line.append(NO_DATA, palette.muted)
            return line
        fraction = used / total
        style = palette.error if fraction >= 0.95 else palette.warning if fraction >= 0.85 else palette.ok
        line.append_text(
            capacity_bar(used, total, width=CAPACITY_BAR_WIDTH, fill_style=style, free_style=palette.muted)
        )
        line.append(f" {format_bytes_pair(used, total)} ")
        line.append(f"{fraction:.0%} ", style)
        line.append(words, palette.muted)
        return line

    def _show_metrics(self, samples: Sequence[WekaMetricsSample], cluster: WekaCluster | None) -> None:
        latest = samples[-1] if samples else (cluster.latest if cluster is not None else None)

        def value(text: str) -> Text:
            return Text(f"{text:>{VALUE_WIDTH}}", end="")

        reads = [sample.read_bytes_per_second for sample in samples]
        writes = [sample.write_bytes_per_second for sample in samples]
        iops = [sample.iops for sample in samples]
        latency = [sample.latency_microseconds for sample in samples]
        empty = (
            ""
            if samples
            else f"WEKA reported no activity for the last {METRICS_WINDOW_SECONDS / 60:.0f} minutes"
        )
        if latest is None:
            for line in self.query(MetricLine):
                line.show(value(NOT_AVAILABLE), (), no_data_reason=empty)
            return
        self.query_one("#metric-read", MetricLine).show(
            value(format_rate(latest.read_bytes_per_second)), reads, no_data_reason=empty
        )
        self.query_one("#metric-write", MetricLine).show(
            value(format_rate(latest.write_bytes_per_second)), writes, no_data_reason=empty
        )
        self.query_one("#metric-iops", MetricLine).show(
            value(format_iops(latest.iops)), iops, no_data_reason=empty
        )
        self.query_one("#metric-latency", MetricLine).show(
            value(format_latency(latest.latency_microseconds)), latency, no_data_reason=empty
        )
