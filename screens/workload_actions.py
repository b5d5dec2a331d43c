"""What you can do to a workload — suspend, resume, delete, logs, describe — from the list or its detail.

Both screens mix in `WorkloadActions` and say which workload is meant (`selected_workload`), so the keys
(from `console.ui.keymap.workload_action_keys`), the questions asked and the messages shown are the same
wherever the user is. Every change asks first (`ConfirmDialog`), runs through `run_action` (toast,
immediate refresh, the backend's own refusal shown as written) and is audited by the data layer. In
read-only mode, and where the API would refuse (`action_refusal`), the keys are dimmed with the reason;
the data layer refuses on its own anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from console.model import WorkloadPhase
from console.ui.format import format_gpus
from console.ui.refusals import workload_refusal
from screens.action_runner import run_action
from screens.base import RwcScreen
from screens.context import ConsoleContext
from screens.dialogs.confirm import BodyLine, ConfirmDialog, confirm_then

if TYPE_CHECKING:
    from console.model import (
        Workload,
    )
    from screens.describe import DescribeScreen
    from screens.logs import LogsScreen

CHANGING_ACTIONS = frozenset(
    {
        "submit_workload",
        "suspend_workload",
        "resume_workload",
        "delete_workload",
        "checkpoint_workload",
    }
)
"""Actions that change the cluster: dimmed in read-only mode."""
WORKLOAD_ACTIONS = frozenset({*CHANGING_ACTIONS, "show_logs", "describe_workload"})


def _logs_screen() -> type[LogsScreen]:
    """The logs view, imported when first opened (it is not on the start-up path)."""
    from screens.logs import LogsScreen

    return LogsScreen


def _describe_screen() -> type[DescribeScreen]:
    from screens.describe import DescribeScreen

    return DescribeScreen


def workload_line(workload: Workload) -> Text:
    """`name  (project, Running, 2 GPUs, by ana@acme.ai)` — which workload, unmistakably."""
    line = Text(workload.name, style="bold", end="")
    line.append(
        f"  ({workload.project_name}, {workload.phase.value}, {workload.type.value.lower()}, "
        f"by {workload.submitted_by})"
    )
    return line


class WorkloadActions:
    """Mixin for a screen that shows one current workload; needs `context`, `app` and `notify`."""

    context: ConsoleContext

    def selected_workload(self) -> Workload | None:
        """The workload the keys act on (the row under the cursor, or the one shown)."""
        raise NotImplementedError

    def after_workload_deleted(self, workload: Workload) -> None:
        """Called once a delete was accepted (the detail view closes itself)."""

    def action_refusal(self, action: str) -> str | None:
        """Suspend/resume/delete that the API would refuse (someone else's workload for a researcher,
        a phase that does not allow it): dimmed, with the reason, before the question is asked."""
        identity = getattr(self, "identity", None)
        return workload_refusal(action, self.selected_workload(), identity)

    # -- helpers ---------------------------------------------------------------------------------
    def _screen(self) -> RwcScreen:
        assert isinstance(self, RwcScreen)
        return self

    def _workload_or_say_so(self) -> Workload | None:
        workload = self.selected_workload()
        if workload is None:
            self._screen().notify("No workload selected.", severity="warning", timeout=3)
        return workload

    def _confirm_then(
        self,
        title: str,
        body: Sequence[BodyLine],
        confirm_label: str,
        run: Callable[[], object],
        *,
        danger: bool = False,
    ) -> None:
        confirm_then(self._screen(), ConfirmDialog(title, body, confirm_label, danger=danger), run)

    # -- actions -----------------------------------------------------------------------------------
    def action_suspend_workload(self) -> None:
        workload = self._workload_or_say_so()
        if workload is None:
            return
        backend = self.context.backend
        self._confirm_then(
            "Suspend workload",
            [
                workload_line(workload),
                "",
                "Its pods stop and its GPUs go back to the pool; the definition is kept, and ⇧r resumes it.",
            ],
            "Suspend",
            lambda: run_action(
                self._screen(),
                f"Suspend {workload.name}",
                lambda: backend.suspend_workload(workload.id),
                success=lambda changed: f"Suspending {changed.name} ({changed.phase.value})",
            ),
        )

    def action_resume_workload(self) -> None:
        workload = self._workload_or_say_so()
        if workload is None:
            return
        backend = self.context.backend
        self._confirm_then(
            "Resume workload",
            [
                workload_line(workload),
                "",
                "It goes back in the queue and starts again when its project's quota and GPUs allow.",
            ],
            "Resume",
            lambda: run_action(
                self._screen(),
                f"Resume {workload.name}",
                lambda: backend.resume_workload(workload.id),
                success=lambda changed: f"Resuming {changed.name} ({changed.phase.value})",
            ),
        )

    def action_delete_workload(self) -> None:
        workload = self._workload_or_say_so()
        if workload is None:
            return
        backend = self.context.backend
        warning = "Its pods are killed and it cannot be brought back; its logs go with it."
        if workload.phase is WorkloadPhase.RUNNING and workload.allocated_gpus:
            warning = f"It is running on {format_gpus(workload.allocated_gpus)} GPU(s). " + warning
        self._confirm_then(
            f"Delete workload {workload.name}",
            [workload_line(workload), "", warning],
            "Delete",
            lambda: run_action(
                self._screen(),
                f"Delete {workload.name}",
                lambda: backend.delete_workload(workload.id),
                success=f"Deleting {workload.name}",
                on_success=lambda _result: self.after_workload_deleted(workload),
            ),
            danger=True,
        )

    def action_checkpoint_workload(self) -> None:
        """`c`: suspend, snapshot what it writes, optionally upload, resume (screens/checkpoint.py)."""
        from screens.checkpoint import ask_checkpoint

        workload = self._workload_or_say_so()
        if workload is not None:
            screen = self._screen()
            screen.open_after(ask_checkpoint(screen, self.context, workload))

    def action_burst_workload(self) -> None:
        """`b`: run it on another site, its data carried by snap-to-object (screens/burst.py)."""
        from screens.burst import BurstScreen, burst_refusal

        workload = self._workload_or_say_so()
        if workload is None:
            return
        screen = self._screen()
        refusal = burst_refusal(self.context, getattr(screen, "identity", None))
        if refusal is not None or self.context.sites is None:
            screen.notify(
                f"Cannot burst: {refusal}.", title=f"Burst {workload.name}", severity="warning", timeout=6
            )
            return
        screen.app.push_screen(BurstScreen(self.context, self.context.sites, workload))

    def action_show_logs(self) -> None:
        workload = self._workload_or_say_so()
        if workload is not None:
            self._screen().app.push_screen(
                _logs_screen()(self.context, workload_id=workload.id, workload_name=workload.name)
            )

    def action_describe_workload(self) -> None:
        workload = self._workload_or_say_so()
        if workload is not None:
            self._screen().app.push_screen(
                _describe_screen()(self.context, workload_id=workload.id, workload_name=workload.name)
            )
