"""A workload's container log, followed live: `l` on a workload (list or detail).

The log streams from `Backend.workload_logs(follow=True)` in a worker that only fills a bounded buffer
and posts a replaceable "lines pending" message, so a burst of thousands of lines becomes one repaint
(Toolong's `PendingLines`); the view keeps the newest 10,000 lines (`LogView`). Scrolling up pauses
follow, the bottom (or `f`) resumes it; `/` highlights a term and `n`/`N` walk its matches; `w` wraps;
ctrl+s saves what is kept to a file in rwc's state directory. Closing the screen cancels the stream.

`p` picks whose log: one pod, or every pod merged by time (each line tagged `[worker-0]`); in the merged
view `r` narrows it to one rank after another and back to all, `⇧r` marks several (`RankFilter`), over
the lines already read: the screen keeps the newest 10,000 merged lines behind the filter, so nothing is
read again or lost.

The log alone cannot say why it is empty or whether more will come, so the view also watches the
workload (its own Store resource, as the detail view does): a workload that never started says so and
why ("No logs: pod x-0-0 never started — Pending: <reason>"), and a Completed or Failed one says it
ended and that its log is complete instead of claiming to follow a stream.

`TextViewScreen` (`screens/text_view.py`) is the frame (view, status line, search, wrap, save).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.data.errors import BackendError
from console.data.resource_keys import ResourceKey
from console.data.resources import WORKLOAD
from console.model import TERMINAL_PHASES, Workload, WorkloadPhase
from console.ui.format import format_age, format_clock_time
from console.ui.keymap import LOGS_KEYS
from console.ui.log_merge import MERGED_POD_LIMIT, AfterTail, merge_by_time, pod_label, tag
from console.ui.log_ranks import RankFilter
from console.ui.palette import phase_style
from screens.context import ConsoleContext
from screens.dialogs.pick_pod import ALL_PODS, pod_picker
from screens.dialogs.pick_ranks import RanksDialog
from screens.text_view import TextViewScreen, safe_file_part
from screens.workload_detail import explain_phase
from widgets.log_view import DEFAULT_MAX_LINES

LOG_TAIL_LINES = 1_000
"""Lines of history asked for when the view opens; the follow stream adds to them."""
LOG_WORKER_GROUP = "logs"
YIELD_EVERY_LINES = 256
"""A backend that hands over a long tail without awaiting must still let the UI breathe."""

RAN_PHASES = frozenset(
    {
        WorkloadPhase.RUNNING,
        WorkloadPhase.DEGRADED,
        WorkloadPhase.COMPLETED,
        WorkloadPhase.STOPPING,
        WorkloadPhase.TERMINATING,
        WorkloadPhase.UPDATING,
    }
)
"""Phases only a workload whose containers started can be in."""
STARTED_POD_PHASES = frozenset({"Running", "Succeeded", "Failed"})
"""Kubernetes pod phases after a container started (a Pending pod has written nothing)."""
RAN_EVENT_REASONS = frozenset({"Started", "Preempted", "Evicted", "Requeued", "Completed", "BackOff"})
"""Event reasons that prove a container ran once (a preempted workload is Pending again, with a log)."""


def never_started(workload: Workload) -> bool:
    """True when no container of `workload` ever ran, so there is no log to read at all."""
    if workload.phase in RAN_PHASES:
        return False
    if any(pod.k8s_phase in STARTED_POD_PHASES for pod in workload.pods):
        return False
    return not any(event.reason in RAN_EVENT_REASONS for event in workload.events)


def why_no_logs(workload: Workload) -> str:
    """`No logs: pod x-0-0 never started — Pending: <why>`, from the phase, its reason and the events."""
    who = f"pod {workload.pods[0].name}" if workload.pods else workload.name
    why = explain_phase(workload) or (workload.events[-1].message if workload.events else "")
    reason = f"{workload.phase.value}: {why}" if why else workload.phase.value
    return f"No logs: {who} never started — {reason}"


class LogLinesPending(Message):
    """The stream worker queued lines; a burst of these collapses into one (the handler drains all)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LogLinesPending)


class LogStreamEnded(Message):
    """The log stream finished (the workload ended, or the backend closed it)."""


class LogsScreen(TextViewScreen):
    """Pushed by `l` on a workload; esc returns where it came from and stops the stream."""

    SCREEN_NAME = "logs"
    TITLE = "Logs"
    KEYS = LOGS_KEYS

    DEFAULT_CSS = """
    LogsScreen #log-note {
        display: none;
        padding: 0 1;
        color: $warning;
    }
    LogsScreen #log-note.-shown {
        display: block;
    }
    """

    def __init__(
        self,
        context: ConsoleContext,
        *,
        workload_id: str,
        workload_name: str,
        max_lines: int = DEFAULT_MAX_LINES,
        tail_lines: int = LOG_TAIL_LINES,
    ) -> None:
        super().__init__(context, max_lines=max_lines)
        self.workload_id = workload_id
        self.workload_name = workload_name
        self.tail_lines = tail_lines
        self._pending: deque[str] = deque(maxlen=max_lines)
        self._stream_state = "streaming"
        self.log_pod: str | None = None
        """The pod being read; None for the first pod, until one is picked (`p`)."""
        self.merged = False
        """Every pod at once, merged by time (`p`, then "All pods")."""
        self.ranks = RankFilter()
        """Which ranks of the merged view are shown (`r`); every one until narrowed."""
        self._merged_lines: deque[str] = deque(maxlen=max_lines)
        """The merged view's newest lines of every rank, shown or not: what `r` filters anew."""
        self.previous = False
        """The container before the last restart (`⇧p`, as `kubectl logs --previous`)."""
        self.workload: Workload | None = None
        """The workload as last read (phase, pods, events); None until the first answer."""
        self.workload_key = WORKLOAD(workload_id)
        """Its phase, re-read every 2 s (to say "ended" or "never started" in time); its detail shares it."""

    @property
    def screen_title(self) -> str:
        return f"Logs {self.workload_name}{self.source_words}"

    @property
    def source_words(self) -> str:
        """` · worker-0 (previous)`, ` · all pods`, or nothing for the first pod (the usual case)."""
        if self.merged:
            return " · all pods"
        words = f" · {pod_label(self.workload_name, self.log_pod)}" if self.log_pod else ""
        return f"{words or ' · first pod'} (previous container)" if self.previous else words

    @property
    def merged_lines(self) -> Sequence[str]:
        """The merged view's newest lines of every rank, shown or not (empty outside the merged view)."""
        return self._merged_lines

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (self.workload_key,)

    def save_file_name(self, now: datetime) -> str:
        return f"rwc-{safe_file_part(self.workload_name)}-{now:%Y%m%d-%H%M%S}.log"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="log-note")
        yield from super().compose_body()

    def on_mount(self) -> None:
        self.stream_logs()

    def on_unmount(self) -> None:
        """Stop reading the moment the view goes (its workers would be cancelled with it anyway; this says
        so where the stream starts)."""
        self.workers.cancel_group(self, LOG_WORKER_GROUP)

    # -- the workload ----------------------------------------------------------------------------------
    @property
    def has_ended(self) -> bool:
        """Completed or Failed: nothing more will be written, the log is complete."""
        return self.workload is not None and self.workload.phase in TERMINAL_PHASES

    def resources_changed(self) -> None:
        super().resources_changed()
        workload = self.context.bridge.snapshot(self.workload_key).value
        if workload is not None and workload != self.workload:
            self.workload = workload
            self.show_status()

    def show_status(self) -> None:
        super().show_status()
        if not self.is_mounted:
            return
        note = self.query_one("#log-note", Static)
        workload = self.workload
        silent = workload is not None and not self.view.line_count and never_started(workload)
        note.set_class(silent, "-shown")
        note.update(Text(why_no_logs(workload)) if silent and workload is not None else "")

    def ended_text(self) -> Text:
        """`■ Completed 09:12:30 (5m ago) · log complete`: the phase, when it ended, that no more comes."""
        workload = self.workload
        assert workload is not None
        palette = self.palette
        ended_at = workload.completed_at or workload.phase_updated_at
        now = self.context.backend.now()
        text = Text("■ ", end="")
        text.append(workload.phase.value, phase_style(workload.phase, palette))
        text.append(f" {format_clock_time(ended_at)} ({format_age(now, ended_at)} ago)")
        text.append(" · log complete", palette.muted)
        self.redraw_when_ages_change(now, (ended_at,), self.show_status)  # "(5m ago)" moves on by itself
        return text

    # -- the stream ------------------------------------------------------------------------------------
    @work(exclusive=True, group=LOG_WORKER_GROUP, exit_on_error=False)
    async def stream_logs(self) -> None:
        """Read the log (tail, then follow) into the pending buffer; never touches a widget. A previous
        container has ended: its log is read once, not followed."""
        if self.merged and self.workload is not None:
            await self._stream_merged(self.workload)
        else:
            stream = self.context.backend.workload_logs(
                self.workload_id,
                follow=not self.previous,
                tail_lines=self.tail_lines,
                pod=self.log_pod,
                previous=self.previous,
            )
            await self._pour(stream, lambda line: (line,))
        self.post_message(LogStreamEnded())

    async def _pour(self, stream: AsyncIterator[str], shown: Callable[[str], Iterable[str]]) -> None:
        """Lines of `stream` (as `shown` turns each into lines to show) into the pending buffer."""
        pending = self._pending
        received = 0
        try:
            async for line in stream:
                for text in shown(line):
                    pending.append(text)
                    if len(pending) == 1:
                        self.post_message(LogLinesPending())
                received += 1
                if received % YIELD_EVERY_LINES == 0:
                    await asyncio.sleep(0)
        finally:
            # Cancelled (the screen closed) or finished: close the stream now, not at garbage collection,
            # so a live backend drops its HTTP connection at once.
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()

    async def _stream_merged(self, workload: Workload) -> None:
        """Every pod's tail, merged by time and tagged `[worker-0]`, then each pod followed at once; a
        pod whose log cannot be read says so in its own tagged line, and the others go on."""
        backend = self.context.backend
        pods = [pod.name for pod in workload.pods[:MERGED_POD_LIMIT]]
        labels = [pod_label(workload.name, name) for name in pods]

        async def tail_of(name: str) -> list[str]:
            try:
                stream = backend.workload_logs(self.workload_id, tail_lines=self.tail_lines, pod=name)
                return [line async for line in stream]
            except BackendError as error:
                return [f"— log not readable: {error}"]

        tails = await asyncio.gather(*(tail_of(name) for name in pods))
        merged = merge_by_time(list(zip(labels, tails, strict=True)))
        if len(workload.pods) > len(pods):
            merged.append(f"— showing the first {len(pods)} of {len(workload.pods)} pods; p picks one")
        await self._pour(_lines_of(merged), lambda line: (line,))

        async def follow(name: str, label: str, tail: list[str]) -> None:
            skipper = AfterTail(tail, patience=len(tail) + 1)
            stream = backend.workload_logs(
                self.workload_id, follow=True, tail_lines=max(1, len(tail)), pod=name
            )
            try:
                await self._pour(stream, lambda line: [tag(label, text) for text in skipper.feed(line)])
            except BackendError as error:
                self._pending.append(tag(label, f"— stream stopped: {error}"))
                self.post_message(LogLinesPending())

        async with asyncio.TaskGroup() as streams:
            for name, label, tail in zip(pods, labels, tails, strict=True):
                streams.create_task(follow(name, label, tail))

    # -- which pod --------------------------------------------------------------------------------------
    def action_pick_pod(self) -> None:
        """`p`: whose log (or every pod's, merged); only a workload of several pods has a choice."""
        workload = self.workload
        if workload is None:
            self.notify("Still reading the workload; try again in a moment.", timeout=3, markup=False)
            return
        if len(workload.pods) < 2:
            pods = "no pod yet" if not workload.pods else f"one pod ({workload.pods[0].name})"
            self.notify(f"{self.workload_name} has {pods}: nothing to pick.", timeout=3, markup=False)
            return
        current = None if self.merged else (self.log_pod or workload.pods[0].name)
        crashed = frozenset(
            pod.name for pod in workload.pods if pod.k8s_phase == "Failed" or (pod.restarts or 0) > 0
        )
        self.app.push_screen(
            pod_picker(self.workload_name, workload.pods, crashed, current), self._pod_picked
        )

    def _pod_picked(self, choice: str | None) -> None:
        if choice is None:
            return
        self.merged = choice == ALL_PODS
        self.log_pod = None if self.merged else choice
        if self.merged:
            self.previous = False
        pods = self.workload.pods[:MERGED_POD_LIMIT] if self.merged and self.workload else ()
        self.ranks = RankFilter(tuple(pod_label(self.workload_name, pod.name) for pod in pods))
        self.restart_stream()

    def action_cycle_rank(self) -> None:
        """`r` in the merged view: show one rank, the next, … then all again; the lines already read are
        filtered anew (kept, not read again) and following goes on."""
        self.show_ranks(self.ranks.cycled())

    def show_ranks(self, ranks: RankFilter) -> None:
        """Show `ranks` of the lines kept (none read again); following goes on where it was on."""
        self.ranks = ranks
        self.view.clear()
        self.view.append_lines(ranks.visible(self._merged_lines))
        self.show_status()

    def action_pick_ranks(self) -> None:
        """`⇧r` in the merged view: mark several ranks at once."""
        self.app.push_screen(RanksDialog(self.workload_name, self.ranks), self._ranks_picked)

    def _ranks_picked(self, ranks: RankFilter | None) -> None:
        if ranks is not None and self.merged:
            self.show_ranks(ranks)

    def action_refusal(self, action: str) -> str | None:
        """`r` and `⇧r` (dimmed) outside the merged view: one pod's log has no ranks to choose between."""
        if action in ("cycle_rank", "pick_ranks") and not self.merged:
            return "only the merged view of all pods has ranks (p, then All pods)"
        return super().action_refusal(action)

    def action_toggle_previous(self) -> None:
        """`⇧p`: the container that ran before the last restart, once; again returns to the live one."""
        if self.merged:
            self.notify(
                "Pick one pod first (p): each pod has its own previous container.", timeout=4, markup=False
            )
            return
        self.previous = not self.previous
        self.restart_stream()

    def restart_stream(self) -> None:
        """Read again from the chosen source: the view starts empty and following."""
        self._pending.clear()
        self._merged_lines.clear()
        self.view.clear()
        self.view.follow = True
        self._stream_state = "streaming"
        self.header.title = self.screen_title
        self.show_status()
        self.refresh_bindings()  # `r` is live in the merged view only
        self.stream_logs()

    @on(LogLinesPending)
    def _drain_pending(self, message: LogLinesPending) -> None:
        message.stop()
        if self._pending:
            lines = list(self._pending)
            self._pending.clear()
            if self.merged:
                self._merged_lines.extend(lines)
                lines = self.ranks.visible(lines)
            self.view.append_lines(lines)
        self.show_status()

    @on(LogStreamEnded)
    def _stream_ended(self, message: LogStreamEnded) -> None:
        message.stop()
        self._drain_pending(LogLinesPending())
        self._stream_state = "stream ended"
        self.show_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != LOG_WORKER_GROUP or event.state is not WorkerState.ERROR:
            return
        error = worker.error
        reason = str(error) if isinstance(error, BackendError) else f"{type(error).__name__}: {error}"
        self._stream_state = f"stream stopped: {reason}"
        self.show_status()
        self.notify(reason, title=f"Logs of {self.workload_name}", severity="error", timeout=8, markup=False)

    # -- follow -----------------------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        """Follow or pause; on an ended workload there is nothing to follow: go to the end and say so."""
        if self.has_ended:
            self.view.follow = True
            self.notify(
                f"{self.workload_name} has ended: its log is complete, nothing more will arrive.",
                timeout=3,
                markup=False,
            )
        else:
            self.view.follow = not self.view.follow
        self.show_status()

    def status_parts(self) -> list[Text]:
        palette = self.palette
        ranks = (
            [Text(self.ranks.status_text(), palette.accent)] if self.merged and self.ranks.narrowed else []
        )
        if self.has_ended:
            stopped = "stopped" in self._stream_state
            parts = [self.ended_text(), *ranks, *super().status_parts()]
            return [*parts, Text(self._stream_state, palette.error)] if stopped else parts
        if self.previous:
            follow = Text("previous container", palette.warning)
            follow.append(" (⇧p: the current one)", palette.muted)
        elif self.view.follow:
            follow = Text("● following", palette.ok)
        else:
            follow = Text("‖ paused", palette.warning)
            follow.append(" (f follows)", palette.muted)
        stream_state = self._stream_state
        workload = self.workload
        if stream_state == "streaming" and workload is not None and never_started(workload):
            stream_state = f"waiting for it to start ({workload.phase.value})"
        state = Text(stream_state, palette.error if "stopped" in stream_state else palette.muted)
        return [follow, *ranks, *super().status_parts(), state]


async def _lines_of(lines: Iterable[str]) -> AsyncIterator[str]:
    for line in lines:
        yield line
