"""One workload in full: what it asked for, where it runs, its pods, its events, and why it is in
its phase — "why is my job pending?" and "who preempted it?" are the questions this screen answers.

The list's workload keys work here too (⇧s suspend, ⇧r resume, ⇧d delete, `l` logs, `y` describe);
after a delete the view closes, since what it showed is going away.

Its ages ("Running for 16s", "created 26m ago") redraw when their text changes, at the backend clock's
pace; a fraction that came back different from what was asked (a MIG slice) says why, from the GPUs
the workload holds.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.data.errors import BackendError
from console.model import GpuAllocation, PhaseReason, Pod, Workload, WorkloadEvent, WorkloadPhase
from console.model.events import Event, EventFilter
from console.ui.context import ConsoleContext
from console.ui.format import (
    explain_gpu_share,
    format_age,
    format_clock_time,
    format_gpu_request,
    format_gpus,
)
from console.ui.keymap import WORKLOAD_DETAIL_KEYS
from console.ui.palette import CellPalette, phase_style
from screens.base import RwcScreen
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from widgets.event_timeline import event_timeline, is_workload
from widgets.safe_static import SafeStatic

DETAIL_REFRESH_SECONDS = 2.0
EVENTS_REFRESH_SECONDS = 5.0
"""Its timeline refreshes slower: live, the preemptor's side reads other workloads' events too."""
MAX_EVENTS_SHOWN = 50
"""Events are bounded: the newest this many, so a chatty workload cannot grow the screen forever."""
PREEMPTION_WORDS = ("preempt", "evict", "reclaim")


def explain_phase(workload: Workload) -> str:
    """A sentence on why the workload is in its phase, from the reason, the message and the events."""
    project = workload.project_name
    if workload.phase_reason is PhaseReason.NON_PREEMPTIBLE_OVER_QUOTA:
        return (
            f"Non-preemptible ({workload.type.value.lower()}) workloads run only within deserved quota, "
            f"and {project} has no deserved GPUs left in its node pools; it starts when the project's "
            f"own work frees GPUs or its quota grows."
        )
    if workload.phase_reason is PhaseReason.OVER_LIMIT:
        return f"Starting it would take {project} over its GPU limit; it waits until the project uses less."
    preemption = latest_preemption(workload.events)
    if preemption is not None and workload.phase in (WorkloadPhase.PENDING, WorkloadPhase.CREATING):
        cause = preemption.message or preemption.reason
        return (
            f"Preempted at {format_clock_time(preemption.created_at)}: {cause}"
            " — it is back in the queue and restarts when GPUs free up."
        )
    if workload.phase_message:
        return workload.phase_message
    if workload.phase is WorkloadPhase.PENDING:
        return "Waiting for the scheduler to find GPUs in its node pools."
    return ""


def explain_gpu_shares(workload: Workload, allocations: Sequence[GpuAllocation]) -> str:
    """Why the workload's pods got other shares than asked ("asked 0.5, got 0.43: a 3g.40gb MIG slice
    is 3/7 of the GPU ..."), from the GPUs' allocations when known, else from the pods; "" when every
    pod got what it asked."""
    request = workload.gpu_request
    if not request.is_fractional:
        return ""
    if allocations:
        shares = [(allocation.fraction, allocation.mig_profile) for allocation in allocations]
    else:
        shares = [(pod.allocated_gpus, None) for pod in workload.pods if pod.allocated_gpus > 0]
    reasons = dict.fromkeys(
        reason
        for fraction, mig_profile in shares
        if (reason := explain_gpu_share(request, fraction, mig_profile))
    )
    return "; ".join(reasons)


def age_moments(workload: Workload) -> Iterable[datetime | None]:
    """Every moment this screen shows as an age."""
    yield workload.phase_updated_at
    yield workload.created_at
    yield workload.completed_at
    for pod in workload.pods:
        yield pod.created_at


def latest_preemption(events: Sequence[WorkloadEvent]) -> WorkloadEvent | None:
    for event in reversed(events):
        words = f"{event.reason} {event.message}".lower()
        if any(word in words for word in PREEMPTION_WORDS):
            return event
    return None


class WorkloadDetailScreen(WorkloadActions, RwcScreen):
    """Pushed over the workloads list by enter; esc returns to the same row."""

    SCREEN_NAME = "workload_detail"
    TITLE = "Workload"
    KEYS = WORKLOAD_DETAIL_KEYS
    WRITE_ACTIONS = CHANGING_ACTIONS

    DEFAULT_CSS = """
    WorkloadDetailScreen VerticalScroll {
        height: 1fr;
        padding: 0 1;
    }
    WorkloadDetailScreen .detail-section {
        margin-top: 1;
    }
    """

    def __init__(self, context: ConsoleContext, *, workload_id: str) -> None:
        super().__init__(context)
        self.workload_id = workload_id
        # One Store resource per open detail screen: two screens on one workload (from two modes)
        # must not unregister each other's resource when one of them closes.
        self.resource_name = f"workload:{workload_id}:{id(self):x}"
        backend = context.backend
        context.bridge.add_resource(
            self.resource_name, lambda: backend.workload(workload_id), DETAIL_REFRESH_SECONDS
        )
        self._shown: Workload | None = None
        self._shown_events: Sequence[Event] | None = None
        self._shown_ages: tuple[str, ...] = ()
        self._sections: tuple[RenderableType, ...] = ()
        self._gpu_allocations: tuple[GpuAllocation, ...] = ()
        """This workload's shares of its GPUs (with MIG profiles), fetched when it holds a fraction."""
        self._allocations_for: tuple[object, ...] | None = None
        """What `_gpu_allocations` were fetched for (nodes and allocation), to fetch again on a change."""
        self.events_resource: str | None = None
        """Its timeline (`Backend.events`): registered once the workload's name and project are known, since
        the other side of a preemption names the workload, not its id."""

    @property
    def resource_names(self) -> tuple[str, ...]:
        if self.events_resource is None:
            return (self.resource_name,)
        return (self.resource_name, self.events_resource)

    def _register_events(self, workload: Workload) -> None:
        """Poll the workload's events (its own, and those of the workloads it preempted) from now on."""
        if self.events_resource is not None:
            return
        self.events_resource = f"events:workload:{workload.id}:{id(self):x}"
        backend = self.context.backend
        wanted = EventFilter(
            workload_id=workload.id, workload_name=workload.name, project=workload.project_name
        )
        self.context.bridge.add_resource(
            self.events_resource, lambda: backend.events(wanted), EVENTS_REFRESH_SECONDS
        )
        if self.is_current:
            self.context.bridge.attach(self, self.resource_names)

    @property
    def screen_title(self) -> str:
        return f"Workload {self._shown.name}" if self._shown else self.TITLE

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield SafeStatic("Loading…", id="summary")
            yield SafeStatic("", id="pods", classes="detail-section")
            yield SafeStatic("", id="events", classes="detail-section")

    def focus_body(self) -> None:
        self.query_one("#detail", VerticalScroll).focus()

    def on_mount(self) -> None:
        self.focus_body()  # RwcScreen.on_mount runs as well: Textual calls each class's handler

    async def on_unmount(self) -> None:
        await self.context.bridge.remove_resource(self.resource_name)
        if self.events_resource is not None:
            await self.context.bridge.remove_resource(self.events_resource)

    def resources_changed(self) -> None:
        super().resources_changed()
        state = self.context.bridge.snapshot(self.resource_name)
        workload: Workload | None = state.value
        if workload is None:
            if state.failed:
                self.query_one("#summary", Static).update(Text(f"Cannot load the workload: {state.error}"))
            return
        now = self.backend_clock.now()
        ages = tuple(format_age(now, moment) for moment in age_moments(workload))
        self.redraw_when_ages_change(now, age_moments(workload), self.resources_changed)
        self._fetch_allocations_if_needed(workload)
        self._register_events(workload)
        events = self._timeline_events()
        if workload == self._shown and ages == self._shown_ages and events is self._shown_events:
            return
        self._shown_events = events
        if workload is not None and (self._shown is None or workload.phase != self._shown.phase):
            self.refresh_bindings()  # the phase decides which of suspend/resume is dimmed
        self._shown, self._shown_ages = workload, ages
        self.header.title = self.screen_title
        palette = self.palette
        self._sections = (
            self._summary(workload, palette, now),
            self._pods(workload.pods, palette, now),
            self._events(workload, events, palette),
        )
        for section_id, renderable in zip(("#summary", "#pods", "#events"), self._sections, strict=True):
            self.query_one(section_id, Static).update(renderable)

    def _fetch_allocations_if_needed(self, workload: Workload) -> None:
        """A fractional workload on GPUs: ask those nodes' GPUs which share (which MIG slice) it got."""
        wanted = (workload.node_names, workload.allocated_gpus, workload.gpu_request)
        if wanted == self._allocations_for:
            return
        self._allocations_for = wanted
        if workload.gpu_request.is_fractional and workload.node_names and workload.allocated_gpus > 0:
            self._fetch_allocations(workload.id, workload.node_names)
        else:
            self._gpu_allocations = ()

    @work(group="workload-detail-gpus", exclusive=True, exit_on_error=False)
    async def _fetch_allocations(self, workload_id: str, node_names: tuple[str, ...]) -> None:
        allocations: list[GpuAllocation] = []
        try:
            for node_name in node_names:
                for gpu in await self.context.backend.gpus(node_name):
                    allocations.extend(a for a in gpu.allocations if a.workload_id == workload_id)
        except BackendError:
            return  # the pods' own numbers still explain the difference, without the slice's name
        if tuple(allocations) != self._gpu_allocations:
            self._gpu_allocations = tuple(allocations)
            self._shown = None
            self.resources_changed()

    def rendered_text(self, width: int = 78) -> str:
        """The detail as plain text (what the screen shows, without styles): for tests and copying."""
        console = Console(width=width, file=io.StringIO(), no_color=True, legacy_windows=False)
        with console.capture() as capture:
            for renderable in self._sections:
                console.print(renderable)
        return capture.get()

    def palette_changed(self) -> None:
        self._shown = None

    # -- actions ------------------------------------------------------------------------------------
    def selected_workload(self) -> Workload | None:
        return self._shown

    def after_workload_deleted(self, workload: Workload) -> None:
        if self.is_current:
            self.dismiss()

    # -- rendering ---------------------------------------------------------------------------------
    def _summary(self, workload: Workload, palette: CellPalette, now: datetime) -> Table:
        """Label/value pairs in a grid, so long values (the reason, the command) wrap under themselves."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style=palette.muted, no_wrap=True)
        grid.add_column(overflow="fold")

        def field(label: str, value: str | Text) -> None:
            grid.add_row(label, value if isinstance(value, Text) else Text(value))

        field("Name", Text(workload.name, style=palette.accent))
        field("Project", f"{workload.project_name} ({workload.department_name})")
        preemptible = "preemptible" if workload.preemptible else "non-preemptible"
        field("Type", f"{workload.type.value}, {preemptible}, priority {workload.priority_class}")
        phase = Text(workload.phase.value, phase_style(workload.phase, palette))
        phase.append(f" for {format_age(now, workload.phase_updated_at)}", palette.muted)
        if workload.phase_reason is not None:
            phase.append(f" ({workload.phase_reason.value})", palette.warning)
        field("Phase", phase)
        why = explain_phase(workload)
        if why:
            field("Why", Text(why, palette.warning))
        field(
            "GPUs",
            f"requested {format_gpu_request(workload.gpu_request, workload.requested_pods)}"
            f" · allocated {format_gpus(workload.allocated_gpus)}"
            f" · pods {workload.running_pods}/{workload.requested_pods} running",
        )
        share = explain_gpu_shares(workload, self._gpu_allocations)
        if share:
            field("GPU share", Text(share[0].upper() + share[1:], palette.warning))
        pools = ", ".join(workload.requested_node_pools) or "any"
        field("Node pool", f"{workload.current_node_pool or '—'} (asked: {pools})")
        field("Nodes", ", ".join(workload.node_names) or "—")
        field("Submitter", workload.submitted_by)
        field("Image", workload.image)
        command = " ".join(part for part in (workload.command, workload.arguments) if part)
        if command:
            field("Command", command)
        created = f"{format_age(now, workload.created_at)} ago"
        if workload.completed_at is not None:
            created += f", finished {format_age(now, workload.completed_at)} ago"
        field("Created", created)
        return grid

    def _pods(self, pods: Sequence[Pod], palette: CellPalette, now: datetime) -> Table | Text:
        title = f"Pods ({len(pods)})"
        if not pods:
            return Text.assemble((title, "bold"), ("  none yet", palette.muted))
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            box=None,
            padding=(0, 1, 0, 0),
            header_style=palette.muted,
            show_edge=False,
        )
        table.add_column("NAME", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("PHASE", no_wrap=True)
        table.add_column("NODE", overflow="ellipsis", no_wrap=True)
        table.add_column("GPUS", justify="right", no_wrap=True)
        table.add_column("GPU#", no_wrap=True)
        table.add_column("AGE", justify="right", no_wrap=True)
        for pod in pods:
            table.add_row(
                Text(pod.name),
                Text(pod.k8s_phase, palette.ok if pod.k8s_phase == "Running" else palette.warning),
                Text(pod.node_name or "—"),
                format_gpus(pod.allocated_gpus),
                ",".join(str(index) for index in pod.gpu_indexes) or "—",
                format_age(now, pod.created_at),
            )
        return table

    def _timeline_events(self) -> Sequence[Event] | None:
        """The merged events once they have loaded (None until then, and when they cannot be read)."""
        if self.events_resource is None:
            return None
        value: Sequence[Event] | None = self.context.bridge.snapshot(self.events_resource).value
        return value

    def _events(
        self, workload: Workload, events: Sequence[Event] | None, palette: CellPalette
    ) -> RenderableType:
        """Its timeline from every source (what it preempted among it); the workload's own Run:ai events
        until that has loaded."""
        if events is None:
            return self._own_events(workload.events, palette)
        return event_timeline(
            events, palette, is_workload(workload.id, workload.name, workload.project_name), title="Events"
        )

    def _own_events(self, events: Sequence[WorkloadEvent], palette: CellPalette) -> Table | Text:
        shown = list(events)[-MAX_EVENTS_SHOWN:]
        title = f"Events ({len(events)}, newest last)"
        if not shown:
            return Text.assemble((title, "bold"), ("  none", palette.muted))
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            box=None,
            padding=(0, 1, 0, 0),
            show_header=False,
            show_edge=False,
        )
        table.add_column(style=palette.muted, no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold", ratio=1)
        for event in shown:
            table.add_row(
                format_clock_time(event.created_at),
                Text(event.reason, palette.warning if event.type == "Warning" else palette.muted),
                Text(event.message),
            )
        return table
