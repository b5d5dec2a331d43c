"""A detail view's timeline: the events about one object (a workload, a node, a project, a filesystem),
newest first, from the one event model (`console.model.events`), as a Rich renderable.

A pure function of the events and the palette, so every detail view draws its timeline alike and a test
reads it without an app. A preemption reads from where it is seen: on the victim's timeline "Preempted by
llm-pretrain/llama3-8b-sft", on the preemptor's "Preempted sandbox/bert4rec-train", on a project's "lost"
or "reclaimed"; the summary line above counts them, the question "who is preempting whom?" answered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from console.model.events import Event, EventObject, EventObjectKind, EventSeverity
from console.ui.format import format_clock_time
from console.ui.palette import CellPalette

MAX_TIMELINE_EVENTS = 50
"""A timeline shows the newest this many: a chatty object cannot grow the screen forever."""

SEVERITY_SYMBOLS = {EventSeverity.NORMAL: "·", EventSeverity.WARNING: "!", EventSeverity.CRITICAL: "✗"}

IsSelf = Callable[[EventObject], bool]
"""Is this side of an event the object whose timeline is drawn?"""


def named(side: EventObject) -> str:
    """`sandbox/bert4rec-train` for a workload, else its name ("another project" once, for a workload a
    researcher may not see: `console.data.visibility` names both its project and itself so)."""
    if side.kind is EventObjectKind.WORKLOAD and side.project and side.project != side.name:
        return f"{side.project}/{side.name}"
    return side.name


def timeline_line(event: Event, is_self: IsSelf) -> str:
    """What the event says, from where it is seen (the object's own events need no name)."""
    subject, other = event.subject, event.counterpart
    if event.is_preemption and other is not None:
        if is_self(other) and not is_self(subject):
            return f"Preempted {named(subject)} (took its GPUs)"
        if is_self(subject):
            return f"Preempted by {named(other)}: {event.message}"
    if is_self(subject):
        return event.message
    return f"{named(subject)}: {event.message}"


def preemption_summary(events: Sequence[Event], is_self: IsSelf, *, project: str | None = None) -> str:
    """ "Preempted 2 workloads: a/x, b/y · preempted by c/z" for a workload; for a project, what it
    reclaimed from others and what it lost to them. "" when no preemption touches it."""
    took: dict[str, None] = {}
    lost: dict[str, None] = {}
    for event in events:
        other = event.counterpart
        if not event.is_preemption or other is None:
            continue
        if project is not None:
            if other.project == project and event.subject.project != project:
                took[f"{named(event.subject)} (for {other.name})"] = None
            elif event.subject.project == project and other.project != project:
                lost[f"{event.subject.name} (to {named(other)})"] = None
            continue
        if is_self(other) and not is_self(event.subject):
            took[named(event.subject)] = None
        elif is_self(event.subject):
            lost[named(other)] = None
    parts: list[str] = []
    if took:
        verb = "Reclaimed GPUs from" if project is not None else "Preempted"
        parts.append(f"{verb} {len(took)}: {', '.join(took)}")
    if lost and project is not None:
        parts.append(f"Lost GPUs to preemption {len(lost)}: {', '.join(lost)}")
    elif lost:
        parts.append(f"Preempted by {', '.join(lost)}")
    return " · ".join(parts)


def event_timeline(
    events: Sequence[Event],
    palette: CellPalette,
    is_self: IsSelf,
    *,
    title: str = "Events",
    project: str | None = None,
    loading: bool = False,
) -> RenderableType:
    """The timeline: a title with the count, the preemption summary, then one line per event, newest
    first (time, type symbol, reason, what happened)."""
    shown = list(events)[:MAX_TIMELINE_EVENTS]
    heading = Text.assemble((f"{title} ({len(events)}, newest first)", "bold"))
    if not shown:
        heading.append("  loading…" if loading else "  none", palette.muted)
        heading.end = ""
        return heading
    table = Table(box=None, padding=(0, 1, 0, 0), show_header=False, show_edge=False, expand=True)
    table.add_column(style=palette.muted, no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold", ratio=1)
    for event in shown:
        style = (
            palette.error
            if event.severity is EventSeverity.CRITICAL
            else palette.warning
            if event.severity is EventSeverity.WARNING
            else palette.muted
        )
        table.add_row(
            format_clock_time(event.at),
            Text(SEVERITY_SYMBOLS[event.severity], style),
            Text(event.reason, style if event.severity is not EventSeverity.NORMAL else ""),
            Text(timeline_line(event, is_self)),
        )
    summary = preemption_summary(events, is_self, project=project)
    parts: list[RenderableType] = [heading]
    if summary:
        parts.append(Text(summary, palette.warning))
    parts.append(table)
    return Group(*parts)


def is_workload(workload_id: str, name: str, project: str) -> IsSelf:
    """The workload whose timeline is drawn: by id where the event knows it, else by name and project
    (the other side of a preemption is named, not numbered)."""

    def check(side: EventObject) -> bool:
        if side.kind is not EventObjectKind.WORKLOAD:
            return False
        if side.id:
            return side.id == workload_id
        return side.name == name and side.project == project

    return check


def is_object(kind: EventObjectKind, name: str) -> IsSelf:
    """A node or filesystem by name."""
    return lambda side: side.kind is kind and side.name == name


def never(_side: EventObject) -> bool:
    """A project's timeline: every event names its object."""
    return False
