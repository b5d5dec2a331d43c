"""One workload in full: what it asked for, where it runs, its pods, its events, and why it is in
its phase — "why is my job pending?" and "who preempted it?" are the questions this screen answers.

The list's workload keys work here too (⇧s suspend, ⇧r resume, ⇧d delete, `l` logs, `y` describe);
after a delete the view closes, since what it showed is going away.

Its ages ("Running for 16s", "created 26m ago") redraw when their text changes, at the backend clock's
pace; a fraction that came back different from what was asked (a MIG slice) says why, from the GPUs
the workload holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.widgets import Static

from console.data.errors import BackendError
from console.data.resource_keys import ResourceKey
from console.data.resources import (
    ALERTS,
    CLIENT_READS,
    EVENTS,
    FILESYSTEMS,
    GPU_USAGE,
    WORKLOAD,
    WORKLOAD_MOUNTS,
    UsageWindow,
)
from console.data.store import ResourceState
from console.model import (
    GpuAllocation,
    PhaseReason,
    Pod,
    Workload,
    WorkloadEvent,
    WorkloadPhase,
    WorkloadUtilisation,
)
from console.model.events import Event, EventFilter
from console.ui.data_path import MountFacts, mount_facts, weka_filesystems
from console.ui.format import (
    explain_gpu_share,
    format_age,
    format_clock_time,
    format_duration,
    format_gpu_request,
    format_gpus,
    format_mib,
)
from console.ui.keymap import WORKLOAD_DETAIL_KEYS
from console.ui.node_pods import pod_status
from console.ui.palette import CellPalette, phase_style
from console.ui.sparkline import mean, sparkline
from screens.context import ConsoleContext
from screens.detail_screen import DetailScreen
from screens.detail_text import add_field, label_grid, plain_text, section_table
from screens.workload_actions import CHANGING_ACTIONS, WorkloadActions
from screens.workload_fed import fed_line
from widgets.event_timeline import event_timeline, is_workload

USAGE_WINDOWS: tuple[tuple[float, float], ...] = ((300.0, 5.0), (3600.0, 60.0), (86400.0, 1200.0))
"""(window, step) of the GPU use line: 60 or 72 readings each; `w` cycles them, opening on the hour."""
USAGE_WIDTH = 40
"""Cells of the line: with its label and figures it fits 80 columns."""
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


class WorkloadDetailScreen(WorkloadActions, DetailScreen):
    """Pushed over the workloads list by enter; esc returns to the same row."""

    SCREEN_NAME = "workload_detail"
    TITLE = "Workload"
    KEYS = WORKLOAD_DETAIL_KEYS
    WRITE_ACTIONS = CHANGING_ACTIONS
    SECTIONS = ("#summary", "#usage", "#fed", "#pods", "#data", "#events")
    UNSPACED_SECTIONS = frozenset({"#usage", "#fed"})
    """The GPU use line sits right under the summary, and how well its data feeds it under that."""

    def __init__(self, context: ConsoleContext, *, workload_id: str) -> None:
        super().__init__(context)
        self.workload_id = workload_id
        # Keys, shared with any other screen on this workload (its logs); the Store drops them once
        # no open screen holds them.
        self.workload_key = WORKLOAD(workload_id)
        self.mounts_key = WORKLOAD_MOUNTS(workload_id)
        self._data_section: RenderableType = ""
        self._usage_line: RenderableType = ""
        self._fed_line = Text("", end="")
        self.usage_window = USAGE_WINDOWS[1]
        self._data_shown: tuple[object, ...] = ()
        self._shown: Workload | None = None
        self._shown_events: Sequence[Event] | None = None
        self._shown_ages: tuple[str, ...] = ()
        self._sections: tuple[RenderableType, ...] = ()
        self._gpu_allocations: tuple[GpuAllocation, ...] = ()
        """This workload's shares of its GPUs (with MIG profiles), fetched when it holds a fraction."""
        self._allocations_for: tuple[object, ...] | None = None
        """What `_gpu_allocations` were fetched for (nodes and allocation), to fetch again on a change."""
        self.events_key: ResourceKey[Sequence[Event]] | None = None
        """Its timeline (`Backend.events`): asked for once the workload's name and project are known, since
        the other side of a preemption names the workload, not its id."""

    @property
    def usage_key(self) -> ResourceKey[Sequence[WorkloadUtilisation]]:
        """Its GPU use over the chosen window (`w`)."""
        window, step = self.usage_window
        return GPU_USAGE(UsageWindow(window_seconds=window, step_seconds=step, workload_id=self.workload_id))

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        events = (self.events_key,) if self.events_key is not None else ()
        return (self.workload_key, *self.data_keys, *events)

    @property
    def data_keys(self) -> tuple[ResourceKey[Any], ...]:
        """What the data section draws from: its mounts, and the filesystems and alerts they lead to."""
        return (self.mounts_key, FILESYSTEMS, ALERTS, self.usage_key, CLIENT_READS)

    def states(self) -> list[ResourceState[Any]]:
        """Only the workload decides whether the view is stale: the data section and the timeline are
        decorations that say on their own lines when they cannot be known (a profile without WEKA has no
        filesystems)."""
        return [self.context.bridge.snapshot(self.workload_key)]

    def _register_events(self, workload: Workload) -> None:
        """Poll the workload's events (its own, and those of the workloads it preempted) from now on."""
        if self.events_key is not None:
            return
        self.events_key = EVENTS(
            EventFilter(workload_id=workload.id, workload_name=workload.name, project=workload.project_name)
        )
        self.resources_replaced()

    @property
    def screen_title(self) -> str:
        return f"Workload {self._shown.name}" if self._shown else self.TITLE

    def focus_body(self) -> None:
        self.focus_detail()

    def resources_changed(self) -> None:
        super().resources_changed()
        self._show_data()
        self._show_usage()
        state = self.context.bridge.snapshot(self.workload_key)
        workload = state.value
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
        fed = (self._fed_line,) if self._fed_line.plain else ()
        sections = (*self._sections[:1], self._usage_line, *fed, *self._sections[1:2], self._data_section)
        return plain_text((*sections, *self._sections[2:]), width)

    def palette_changed(self) -> None:
        self._shown = None
        self._data_shown = ()

    # -- where its data lives --------------------------------------------------------------------------
    def _show_data(self) -> None:
        bridge = self.context.bridge
        state = bridge.snapshot(self.mounts_key)
        filesystems = bridge.snapshot(FILESYSTEMS).value or ()
        alerts = bridge.snapshot(ALERTS).value or ()
        now = self.backend_clock.now()
        mounts = state.value
        facts = tuple(mount_facts(m, filesystems, alerts, now) for m in mounts or ())
        error = str(state.error) if state.failed and mounts is None else None
        shown = (facts, error, mounts is None, self.palette)
        if shown == self._data_shown:
            return
        self._data_shown = shown
        self._data_section = data_section(facts, mounts is not None, error, self.palette)
        self.query_one("#data", Static).update(self._data_section)

    # -- how busy it kept its GPUs --------------------------------------------------------------------
    def _show_usage(self) -> None:
        state = self.context.bridge.snapshot(self.usage_key)
        histories = state.value or ()
        history = next((h for h in histories if h.workload_id == self.workload_id), None)
        line = usage_line(self.usage_window[0], history, state.error if state.failed else None, self.palette)
        if line != self._usage_line:
            self._usage_line = line
            self.query_one("#usage", Static).update(line)
        self._show_fed(history)

    def _show_fed(self, history: WorkloadUtilisation | None) -> None:
        """The Fed line under the GPU use line; no line at all where the figure is not about it."""
        bridge = self.context.bridge
        workload = bridge.snapshot(self.workload_key).value
        mounts, clients = bridge.snapshot(self.mounts_key).value, bridge.snapshot(CLIENT_READS).value
        fed = fed_line(workload, mounts, clients, history, self.palette) if workload else Text("", end="")
        static = self.query_one("#fed", Static)
        static.display = bool(fed.plain)
        if fed != self._fed_line:
            self._fed_line = fed
            static.update(fed)

    def action_next_usage_window(self) -> None:
        """`w`: the GPU use line over 5 minutes, 1 hour, 24 hours, then 5 minutes again."""
        position = USAGE_WINDOWS.index(self.usage_window)
        self.usage_window = USAGE_WINDOWS[(position + 1) % len(USAGE_WINDOWS)]
        self.resources_replaced()
        self._show_usage()

    def action_open_filesystem(self) -> None:
        """`f`: the WEKA filesystem behind a mount (which one, when there are several)."""
        from screens.dialogs.choose import ChooseDialog
        from screens.filesystem_detail import FilesystemDetailScreen

        mounts = self.context.bridge.snapshot(self.mounts_key).value or ()
        names = weka_filesystems(mounts)
        if not names:
            self.notify(
                "None of its volumes is on WEKA (or they are not known yet).", timeout=4, markup=False
            )
            return

        def open_detail(name: str | None) -> None:
            if name is not None:
                self.app.push_screen(FilesystemDetailScreen(self.context, filesystem_name=name))

        if len(names) == 1:
            open_detail(names[0])
            return
        options = [(name, Text(name, end="")) for name in names]
        self.app.push_screen(ChooseDialog("Filesystems", "Which filesystem?", options, names[0]), open_detail)

    # -- actions ------------------------------------------------------------------------------------
    def selected_workload(self) -> Workload | None:
        return self._shown

    def after_workload_deleted(self, workload: Workload) -> None:
        if self.is_current:
            self.dismiss()

    # -- rendering ---------------------------------------------------------------------------------
    def _summary(self, workload: Workload, palette: CellPalette, now: datetime) -> Table:
        """Label/value pairs in a grid, so long values (the reason, the command) wrap under themselves."""
        grid = label_grid(palette)
        field = partial(add_field, grid)

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
        table = section_table(title, palette)
        table.add_column("NAME", overflow="ellipsis", no_wrap=True, ratio=1)
        table.add_column("STATUS", no_wrap=True)
        table.add_column("NODE", overflow="ellipsis", no_wrap=True)
        table.add_column("GPUS", justify="right", no_wrap=True)
        table.add_column("GPU#", no_wrap=True)
        table.add_column("AGE", justify="right", no_wrap=True)
        for pod in pods:
            status = pod_status(pod.k8s_phase, pod.status)
            table.add_row(
                Text(pod.name),
                Text(status, palette.ok if status == "Running" else palette.warning),
                Text(pod.node_name or "—"),
                format_gpus(pod.allocated_gpus),
                ",".join(str(index) for index in pod.gpu_indexes) or "—",
                format_age(now, pod.created_at),
            )
        return table

    def _timeline_events(self) -> Sequence[Event] | None:
        """The merged events once they have loaded (None until then, and when they cannot be read)."""
        if self.events_key is None:
            return None
        return self.context.bridge.snapshot(self.events_key).value

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
        table = section_table(title, palette, show_header=False)
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


def data_section(
    facts: Sequence[MountFacts], known: bool, error: str | None, palette: CellPalette
) -> RenderableType:
    """`Data (2 mounts)`: each mount, the WEKA object behind it, and that filesystem in one line."""
    if error is not None:
        return Text.assemble(("Data", "bold"), (f"  not known: {error}", palette.warning))
    if not known:
        return Text.assemble(("Data", "bold"), ("  loading…", palette.muted))
    if not facts:
        return Text.assemble(("Data", "bold"), ("  no volumes (no pods mount anything now)", palette.muted))
    table = section_table(
        f"Data ({len(facts)} mount{'s' if len(facts) != 1 else ''})  f: the filesystem", palette
    )
    table.add_column("MOUNT", overflow="fold", ratio=2)
    table.add_column("ACC", no_wrap=True)
    table.add_column("ON WEKA", overflow="fold", ratio=2)
    table.add_column("FILESYSTEM", overflow="fold", ratio=3)
    for fact in facts:
        if fact.filesystem is None:
            state = Text(fact.used, palette.warning) if fact.used else Text("")
            where = Text(fact.weka, palette.muted if not fact.used else "")
        else:
            state = Text(f"{fact.used} · {fact.tiering} · upload {fact.upload}")
            if fact.upload == "never uploaded":
                state.stylize(palette.warning, len(state) - len(fact.upload), len(state))
            if fact.alerts:
                state.append(f" · {fact.alerts} alert{'s' if fact.alerts != 1 else ''}", palette.error)
            where = Text(fact.weka)
        table.add_row(
            Text(fact.mount_path),
            Text(fact.access, palette.muted if fact.access == "ro" else palette.warning),
            where,
            state,
        )
    return table


def usage_line(
    window_seconds: float, history: WorkloadUtilisation | None, error: object, palette: CellPalette
) -> Text:
    """`GPU use 1h ▁▂▅▇██▇  mean 84% · now 91%` (`w` changes the window), or why there is no line; and
    under it, where the backend read it, `GPU memory ▇▇▇▇▇▇▇  now 281.6 GiB` (in use over all its GPUs)."""
    label = Text.assemble(
        ("GPU use ", palette.muted), (f"{format_duration(window_seconds):<4} ", "bold"), end=""
    )
    if history is None:
        why = f"not known: {error}" if error else "no GPU readings (it holds no GPUs, or has not run yet)"
        label.append(why, palette.warning if error else palette.muted)
        return label
    percents = history.percents
    label.append(sparkline(percents, USAGE_WIDTH), palette.accent)
    average = mean(percents)
    latest = next((value for value in reversed(percents) if value is not None), None)
    figures = "  mean —" if average is None else f"  mean {average:.0f}%"
    if latest is not None:
        figures += f" · now {latest:.0f}%"
    label.append(figures)
    memory = history.memory_used_mib
    if any(value is not None for value in memory):
        top = max(value for value in memory if value is not None) or 1.0
        label.append("\nGPU memory   ", palette.muted)  # as wide as `GPU use 1h   `: the lines align
        label.append(sparkline(memory, USAGE_WIDTH, top=top), palette.accent)
        now_used = next((value for value in reversed(memory) if value is not None), None)
        label.append(f"  now {format_mib(now_used)}")
    return label
