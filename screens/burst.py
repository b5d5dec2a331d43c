"""Burst a workload to another site (`b` on a workload): its plan, then its progress, step by step.

The screen reads both sites (`console.ui.burst_read`), shows the plan (`console.ui.burst_plan`): which
filesystems travel through which shared bucket, under which names, with which claims, and what is
submitted where — or what stops it. Enter asks once (a key pressed after the question is visible), then the
run (`console.ui.burst_run`) goes step by step on each site's own backend, so each action is audited with
its site and refused in `--read-only`. The run belongs to the app, not the screen: esc leaves it running, a
toast says how it ended, and `b` on the same workload shows it again. Keys: t another target site, s
suspend the original once the copy is submitted (or not), x stop waiting (what WEKA started goes on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.worker import Worker, WorkerState

from console.data.backend import Backend
from console.data.errors import BackendError
from console.model.runai import WorkloadFilter, WorkloadPhase
from console.ui.burst_plan import BurstPlan, BurstReading, burst_plan
from console.ui.burst_read import BurstReadError, read_burst
from console.ui.burst_run import BurstRun
from console.ui.burst_text import plan_lines, run_lines
from console.ui.format import format_gpu_request
from console.ui.keymap import BURST_KEYS
from console.ui.refusals import READ_ONLY_REASON, admin_only
from screens.base import RwcScreen
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.confirm import ConfirmDialog
from screens.text_view import TextViewScreen, safe_file_part

if TYPE_CHECKING:
    from console.model import Identity, Workload
    from screens.context import ConsoleContext
    from screens.site_session import SiteSwitchboard

READ_GROUP = "burst-read"


class BurstScreen(TextViewScreen):
    """One workload's burst: the plan until it starts, its steps afterwards."""

    SCREEN_NAME = "burst"
    KEYS = BURST_KEYS
    SAVE_SUFFIX: ClassVar[str] = "txt"

    def __init__(self, context: ConsoleContext, switchboard: SiteSwitchboard, workload: Workload) -> None:
        super().__init__(context)
        self.switchboard = switchboard
        self.workload = workload
        self.source_site = switchboard.current_name
        self.targets = [name for name in switchboard.names if name != self.source_site]
        self.target_index = 0
        self.suspend_original = False
        self.data_only = False
        self.reading: BurstReading | None = None
        self.plan: BurstPlan | None = None
        self.read_error: str | None = None
        self.run: BurstRun | None = next(
            (
                run
                for run in reversed(switchboard.bursts)
                if run.plan.source_site == self.source_site and run.plan.workload.id == workload.id
            ),
            None,
        )

    @property
    def screen_title(self) -> str:
        return f"Burst {self.workload.name} → {self.target_site}"

    @property
    def target_site(self) -> str:
        if self.run is not None:
            return self.run.plan.target_site
        return self.targets[self.target_index] if self.targets else "?"

    def save_file_name(self, now: Any) -> str:
        name = safe_file_part(f"burst-{self.workload.name}-{self.target_site}")
        return f"rwc-{name}-{now:%Y%m%d-%H%M%S}.{self.SAVE_SUFFIX}"

    def on_mount(self) -> None:
        self.view.follow = False
        self.view.wrap = True  # prose, not a log: at 80 columns every line is read whole (w unwraps)
        if self.run is None:
            self.read_sites()
        self._draw()  # `is_mounted` is not yet true while on_mount runs

    # -- reading and planning ------------------------------------------------------------------------
    def _target_backend(self) -> Backend | None:
        site = self.switchboard.sites[self.target_site]
        if site.backend is None:
            site.open()  # builds its backend (None, with `open_error`, when it cannot be built)
        return site.backend

    @work(exclusive=True, group=READ_GROUP, exit_on_error=False)
    async def read_sites(self) -> BurstReading | str:
        target = self._target_backend()
        if target is None:
            site = self.switchboard.sites[self.target_site]
            return f"{self.target_site} is not open: {site.open_error or 'not opened yet'}"
        try:
            return await read_burst(
                self.source_site, self.context.backend, self.target_site, target, self.workload.id
            )
        except BurstReadError as error:
            return str(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != READ_GROUP or event.state is not WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, BurstReading):
            self.reading, self.read_error = result, None
            self.plan = burst_plan(result, data_only=self.data_only)
        elif isinstance(result, str):
            self.reading, self.plan, self.read_error = None, None, result
        self.redraw()

    # -- drawing -----------------------------------------------------------------------------------------
    def lines(self) -> list[str]:
        if self.run is not None:
            return run_lines(self.run)
        if self.read_error is not None:
            return [f"Cannot plan the burst: {self.read_error}", "", "^r reads both sites again."]
        if self.plan is None or self.reading is None:
            return [f"Reading {self.source_site} and {self.target_site}…"]
        return plan_lines(
            self.plan,
            suspend_original=self.suspend_original,
            target_gpus=self.reading.target_gpus,
            other_targets=len(self.targets) - 1,
        )

    def redraw(self) -> None:
        if self.is_mounted:
            self._draw()
            self.refresh_bindings()

    def _draw(self) -> None:
        view = self.view
        top = view.scroll_y
        view.clear()
        view.append_lines(self.lines())
        view.scroll_to(y=top, animate=False, immediate=True)
        self.show_status()

    def status_parts(self) -> list[Text]:
        state = "running" if self.run is not None and not self.run.finished else ""
        parts = [Text(f"{self.source_site} → {self.target_site}")]
        if state:
            parts.append(Text(state))
        return parts + super().status_parts()[1:]

    # -- keys --------------------------------------------------------------------------------------------
    PLANNING_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"start_burst", "next_target", "toggle_suspend", "toggle_data_only"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the burst runs, its plan's keys leave the footer; x shows only while it runs."""
        if action in self.PLANNING_ACTIONS and self.run is not None:
            return False
        if action == "stop_burst" and (self.run is None or self.run.finished):
            return False
        return super().check_action(action, parameters)

    def action_refresh(self) -> None:
        if self.run is None:
            self.read_sites()

    def action_next_target(self) -> None:
        if self.run is not None or len(self.targets) < 2:
            self.notify("There is no other site to burst to.", timeout=3)
            return
        self.target_index = (self.target_index + 1) % len(self.targets)
        self.plan = self.reading = None
        self.redraw()
        self.read_sites()

    def action_toggle_suspend(self) -> None:
        if self.run is not None or self.data_only:
            return
        self.suspend_original = not self.suspend_original
        self.redraw()

    def action_toggle_data_only(self) -> None:
        """Carry the data only (bringing a copy's results back) or the whole burst."""
        if self.run is not None:
            return
        self.data_only = not self.data_only
        if self.reading is not None:
            self.plan = burst_plan(self.reading, data_only=self.data_only)
        self.redraw()

    def action_stop_burst(self) -> None:
        if self.run is None or self.run.finished:
            self.notify("No burst is running here.", timeout=3)
            return
        self.run.cancel()
        self.notify("Stopping after the current step; what WEKA started goes on.", timeout=5)

    def action_start_burst(self) -> None:
        plan = self.plan
        if self.run is not None:
            self.notify("This burst has run; esc, then b again plans a new one.", timeout=4)
            return
        if plan is None or not plan.can_start:
            self.notify("The plan cannot start: see why above.", severity="warning", timeout=4)
            return
        target = self._target_backend()
        if target is None:
            self.notify(f"{self.target_site} is not open.", severity="error")
            return
        created = ", ".join(c.target_name for c in plan.filesystems) or "no filesystem"
        body = [
            f"On {plan.source_site}: snapshot {len(plan.filesystems)} filesystem(s), upload the snapshots.",
            f"On {plan.target_site}: create {created} from the uploads.",
        ]
        if plan.spec is not None and not plan.data_only:
            then = "suspend" if self.suspend_original else "leave"
            body.append(
                f"Then on {plan.target_site}: bind {len(plan.mounts)} claim(s), submit {plan.spec.name} to"
                f" {plan.spec.project_name}; {then} {plan.workload.name} on {plan.source_site}."
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(plan, target)

        self.app.push_screen(
            ConfirmDialog(f"{self._verb(plan)} {plan.workload.name} to {plan.target_site}?", body, "Burst"),
            answered,
        )

    @staticmethod
    def _verb(plan: BurstPlan) -> str:
        return "Carry the data of" if plan.data_only else "Burst"

    def _start(self, plan: BurstPlan, target: Backend) -> None:
        app = self.app
        screen = self

        def changed() -> None:
            if screen.is_mounted:
                screen.redraw()

        run = BurstRun(
            plan,
            self.context.backend,
            target,
            suspend_original=self.suspend_original and not plan.data_only,
            on_change=changed,
        )
        self.run = run
        self.switchboard.bursts.append(run)

        async def go() -> None:
            await run.run()
            title = f"Burst {plan.workload.name} → {plan.target_site}"
            if run.failed:
                app.notify(run.outcome, title=title, severity="error", timeout=15)
            else:
                app.notify(run.outcome, title=title, timeout=8)

        app.run_worker(go(), group="burst", exit_on_error=False)
        self.redraw()


def burst_refusal(context: ConsoleContext, identity: Identity | None) -> str | None:
    """Why `b` cannot burst here, before anything is read: one site, read-only, or a researcher."""
    if context.sites is None or len(context.sites.names) < 2:
        return "bursting needs a second site: list it in the config's sites = [...] (the demo has two)"
    if context.read_only:
        return READ_ONLY_REASON
    return admin_only(identity, "burst workloads (it snapshots and creates filesystems)")


async def ask_burst_from_queue(screen: RwcScreen, project_name: str) -> None:
    """`b` on a project: its pending workloads, one to pick (straight to the plan when only one waits)."""
    context = screen.context
    title = f"Burst from {project_name}'s queue"
    switchboard = context.sites
    try:
        waiting = [
            w
            for w in await context.backend.workloads(
                WorkloadFilter(project_name=project_name, phase=WorkloadPhase.PENDING)
            )
            if w.project_name == project_name and w.phase is WorkloadPhase.PENDING
        ]
    except BackendError as error:
        screen.notify(f"Cannot read its pending workloads: {error}", title=title, severity="error")
        return
    if switchboard is None:
        return
    if not waiting:
        screen.notify(
            f"Nothing of {project_name} is pending: there is no queue to burst.", title=title, timeout=4
        )
        return
    by_id = {w.id: w for w in waiting}
    if len(waiting) == 1:
        screen.app.push_screen(BurstScreen(context, switchboard, waiting[0]))
        return
    waiting.sort(key=lambda w: (-w.requested_gpus, w.created_at))
    options = [(w.id, Text(f"{w.name}  ({_gpus(w)} GPUs, {w.type.value})", end="")) for w in waiting]

    def chosen(workload_id: str | None) -> None:
        if workload_id is not None and workload_id in by_id:
            screen.app.push_screen(BurstScreen(context, switchboard, by_id[workload_id]))

    question = (
        f"{len(waiting)} workloads of {project_name} are pending on {switchboard.current_name}; burst which?"
    )
    screen.app.push_screen(ChooseDialog(title, question, options), chosen)


def _gpus(workload: Workload) -> str:
    return format_gpu_request(workload.gpu_request, max(1, workload.requested_pods))
