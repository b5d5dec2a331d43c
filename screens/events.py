"""Every source's events in one list (`:ev`, `:events`): Run:ai's workload events, Kubernetes' (a node
cordoned, drained, NotReady), WEKA's; newest first — "who is preempting whom?" and "what just happened?".

It follows live: new events come in at the top while the cursor stays on the row the user is reading (the
table keeps its cursor by key). `/` narrows by any text a row shows (an object, a project, a node, a
reason); `w` keeps Warning and Critical only, `p` preemptions only, `s` one source at a time. Enter opens
the workload or node the event is about (a preemption's victim); on anything else, its full message.

The rows come from `Backend.events()` (`console.model.events`), the newest 500: a researcher reads other
projects' objects as "another project" (`console.data.visibility`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult

from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import ALL_EVENTS, EVENTS
from console.model.events import (
    Event,
    EventFilter,
    EventObject,
    EventObjectKind,
    EventSeverity,
    EventSource,
    event_key,
)
from console.ui.keymap import EVENT_KEYS
from console.ui.palette import CellPalette
from screens.base import ResourceScreen
from screens.context import ConsoleContext
from widgets.event_timeline import named, never, preemption_summary
from widgets.resource_table import AgeCell, Column, Row
from widgets.safe_static import SafeStatic

KIND_PREFIXES: dict[EventObjectKind, str] = {
    EventObjectKind.WORKLOAD: "wl/",
    EventObjectKind.POD: "pod/",
    EventObjectKind.NODE: "no/",
    EventObjectKind.PROJECT: "proj/",
    EventObjectKind.FILESYSTEM: "fs/",
    EventObjectKind.CLUSTER: "",
    EventObjectKind.GPU: "gpu/",
}
"""An object as the `:` command names its list (`wl/llama3-8b-sft`, `no/dgx-a100-01`, `fs/models`)."""

SEVERITY_SYMBOLS: dict[EventSeverity, str] = {
    EventSeverity.NORMAL: "·",
    EventSeverity.WARNING: "!",
    EventSeverity.CRITICAL: "✗",
}
"""The TYPE column: a symbol (readable without colour, narrow at 80 columns); `?` says what each means."""
SEVERITY_ORDER: dict[EventSeverity, int] = {
    EventSeverity.CRITICAL: 0,
    EventSeverity.WARNING: 1,
    EventSeverity.NORMAL: 2,
}
SOURCE_WORDS: dict[EventSource, str] = {
    EventSource.RUNAI: "Run:ai",
    EventSource.KUBERNETES: "K8s",
    EventSource.WEKA: "WEKA",
    EventSource.NVML: "NVML",
}
SOURCE_CYCLE: tuple[EventSource | None, ...] = (None, *EventSource)
"""What `s` steps through: every source, then each alone."""

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("age", "AGE", 5, align="right", sort_hotkey="A"),
    Column("type", "T", 1, sort_hotkey="T"),
    Column("source", "SOURCE", 6, priority=3, sort_hotkey="O"),
    Column("reason", "REASON", 13, sort_hotkey="E"),
    Column("object", "OBJECT", 18, sort_hotkey="B", identifies=True, max_width=24),
    Column("project", "PROJECT", 12, priority=4, sort_hotkey="P"),
    Column("node", "NODE", 12, priority=5, sort_hotkey="N"),
    Column("message", "MESSAGE", 24, grow=True),
)


def object_text(side: EventObject) -> str:
    """`wl/llama3-8b-sft`: the object as its list names it."""
    return f"{KIND_PREFIXES[side.kind]}{side.name}"


def severity_style(severity: EventSeverity, palette: CellPalette) -> Style:
    if severity is EventSeverity.CRITICAL:
        return palette.error
    if severity is EventSeverity.WARNING:
        return palette.warning
    return palette.muted


def event_message(event: Event) -> str:
    """The message, led by the other side of a preemption (`by llm-pretrain/llama3-8b-sft:`) so the
    column says who took the GPUs even where the message is cropped."""
    other = event.counterpart
    if other is None or not event.is_preemption:
        return event.message
    return f"by {named(other)}: {event.message}"


def event_row(event: Event, key: str, palette: CellPalette) -> Row:
    """One event as a row: the type as a symbol and a word (readable without colour), the source, the
    reason, what it is about and where, and the message."""
    style = severity_style(event.severity, palette)
    subject = event.subject
    return Row(
        key=key,
        cells=(
            AgeCell(event.at),
            Text(SEVERITY_SYMBOLS[event.severity], style, end=""),
            Text(SOURCE_WORDS[event.source], palette.muted, end=""),
            Text(event.reason, style if event.severity is not EventSeverity.NORMAL else "", end=""),
            Text(object_text(subject), end=""),
            Text(subject.project or "—", end=""),
            Text(subject.node or "—", end=""),
            Text(event_message(event), end=""),
        ),
        sort_values=(
            -event.at.timestamp(),
            SEVERITY_ORDER[event.severity],
            event.source.value,
            event.reason,
            object_text(subject),
            subject.project,
            subject.node,
            event.message,
        ),
    )


def keyed_events(events: Iterable[Event]) -> list[tuple[str, Event]]:
    """Each event with its row key; two events that say the same thing at the same moment (a source that
    repeats itself) keep both rows, the second keyed `…#2`."""
    seen: dict[str, int] = {}
    keyed: list[tuple[str, Event]] = []
    for event in events:
        key = event_key(event)
        count = seen.get(key, 0) + 1
        seen[key] = count
        keyed.append((key if count == 1 else f"{key}#{count}", event))
    return keyed


def shown_events(
    events: Sequence[Event], *, warnings_only: bool, preemptions_only: bool, source: EventSource | None
) -> list[Event]:
    """The events the typed toggles let through (the `/` filter then narrows the rows)."""
    return [
        event
        for event in events
        if (not warnings_only or event.severity is not EventSeverity.NORMAL)
        and (not preemptions_only or event.is_preemption)
        and (source is None or event.source is source)
    ]


class EventsScreen(ResourceScreen):
    """Every source's events, newest first, following live."""

    SCREEN_NAME = "events"
    TITLE = "Events"
    KEYS = EVENT_KEYS
    RESOURCES = (ALL_EVENTS,)
    COLUMNS = EVENT_COLUMNS
    DEFAULT_SORT = "age"
    EMPTY_MESSAGE = "No events."

    DEFAULT_CSS = """
    EventsScreen #events-summary {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(
        self, context: ConsoleContext, *, scope: EventFilter | None = None, scope_name: str = ""
    ) -> None:
        """`scope` (with `scope_name`, how the title names it: "project sandbox") makes this one object's
        timeline, pushed from its list (`v` on Projects or Filesystems), reading only that object's events."""
        super().__init__(context)
        self.warnings_only = False
        self.preemptions_only = False
        self.source: EventSource | None = None
        self._events_by_key: dict[str, Event] = {}
        self.scope = scope
        self.scope_name = scope_name
        self.events_key = EVENTS(scope) if scope is not None else ALL_EVENTS
        """Every source's events, or (scoped) only those the server has about one object."""

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (self.events_key,)

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="events-summary")
        yield from super().compose_body()

    @property
    def screen_title(self) -> str:
        narrowed = [
            word
            for word, on in (
                ("warnings", self.warnings_only),
                ("preemptions", self.preemptions_only),
                (SOURCE_WORDS[self.source] if self.source else "", self.source is not None),
            )
            if on
        ]
        title = f"{self.TITLE} of {self.scope_name}" if self.scope_name else self.TITLE
        return f"{title}: {', '.join(narrowed)} only" if narrowed else f"{title}, newest first"

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        every = values[self.events_key]
        self._show_preemption_summary(every)
        events = shown_events(
            every,
            warnings_only=self.warnings_only,
            preemptions_only=self.preemptions_only,
            source=self.source,
        )
        keyed = keyed_events(events)
        self._events_by_key = dict(keyed)
        palette = self.palette
        return [event_row(event, key, palette) for key, event in keyed]

    def _show_preemption_summary(self, events: Sequence[Event]) -> None:
        """Above a project's timeline: what it reclaimed from other projects and what it lost to them."""
        summary = ""
        if self.scope is not None and self.scope.project is not None:
            summary = preemption_summary(events, never, project=self.scope.project)
        widget = self.query_one("#events-summary", SafeStatic)
        widget.display = bool(summary)
        widget.update(Text(summary, self.palette.warning))

    def _toggled(self) -> None:
        self.header.title = self.screen_title
        self._rendered_inputs = ()  # the same values, other rows
        self.resources_changed()

    def action_toggle_warnings(self) -> None:
        """`w`: Warning and Critical events only / every event."""
        self.warnings_only = not self.warnings_only
        self._toggled()

    def action_toggle_preemptions(self) -> None:
        """`p`: preemptions only (who took whose GPUs) / every event."""
        self.preemptions_only = not self.preemptions_only
        self._toggled()

    def action_next_source(self) -> None:
        """`s`: every source, then Run:ai, Kubernetes, WEKA, NVML alone, then every source again."""
        position = SOURCE_CYCLE.index(self.source)
        self.source = SOURCE_CYCLE[(position + 1) % len(SOURCE_CYCLE)]
        self._toggled()

    def open_detail(self, key: str) -> None:
        """Enter: the workload or node the event is about (a GPU's: its node, whose detail lists its GPUs and
        their timeline); for anything else, the whole message."""
        event = self._events_by_key.get(key)
        if event is None:
            return
        subject = event.subject
        if subject.kind is EventObjectKind.WORKLOAD and subject.id:
            from screens.workload_detail import WorkloadDetailScreen

            self.app.push_screen(WorkloadDetailScreen(self.context, workload_id=subject.id))
            return
        if subject.kind is EventObjectKind.NODE or (subject.kind is EventObjectKind.GPU and subject.node):
            from screens.node_detail import NodeDetailScreen

            node = subject.name if subject.kind is EventObjectKind.NODE else subject.node
            self.app.push_screen(NodeDetailScreen(self.context, node_name=node or subject.name))
            return
        self.notify(
            event_message(event), title=f"{event.reason} · {object_text(subject)}", timeout=12, markup=False
        )
