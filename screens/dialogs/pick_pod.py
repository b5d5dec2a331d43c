"""`PodPickerDialog`: whose log to read, for a workload of several pods (a distributed training's master
and workers), as k9s asks for a container and `runai logs --pod` takes one.

One line per pod (its short name, Kubernetes phase, node, and "restarted" when a previous container's
log exists), and first "all pods, merged by time". Arrows and enter pick; esc keeps the current view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.model import Pod
from console.ui.keymap import POD_PICKER_KEYS, bindings_for
from console.ui.log_merge import pod_label
from console.ui.safe_text import visible
from widgets.safe_static import SafeStatic

ALL_PODS = "\x00all"
"""The choice "every pod, merged": not a pod name (names are DNS labels, never a NUL)."""


@dataclass(frozen=True, slots=True)
class PodChoice:
    """What the user picked: one pod by name, or every pod (`pod` None)."""

    pod: str | None


def pod_line(workload_name: str, pod: Pod, crashed: bool) -> Text:
    """`worker-0   Failed   on dgx-07   restarted` — API strings as text, never markup."""
    line = Text(visible(pod_label(workload_name, pod.name)).ljust(18), style="bold", end="")
    line.append(f" {visible(pod.k8s_phase):<10}")
    if pod.node_name:
        line.append(f" on {visible(pod.node_name)}")
    if crashed:
        line.append("  restarted", "yellow")
    return line


class PodPickerDialog(ModalScreen[PodChoice | None]):
    """Dismisses with the pod picked (or every pod), None on esc."""

    BINDINGS = bindings_for(POD_PICKER_KEYS)

    DEFAULT_CSS = """
    PodPickerDialog {
        align: center middle;
    }
    PodPickerDialog > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }
    PodPickerDialog OptionList {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }
    PodPickerDialog #pod-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """

    def __init__(
        self, workload_name: str, pods: Sequence[Pod], crashed: frozenset[str], current: str | None
    ) -> None:
        super().__init__()
        self.workload_name = workload_name
        self.pods = tuple(pods)
        self.crashed = crashed
        self.current = current

    def compose(self) -> ComposeResult:
        frame = Vertical()
        frame.border_title = Text(visible(f"Logs of {self.workload_name}"), end="")
        options = [Option(Text("All pods, merged by time", end=""), id=ALL_PODS)]
        options += [
            Option(pod_line(self.workload_name, pod, pod.name in self.crashed), id=pod.name)
            for pod in self.pods
        ]
        with frame:
            yield SafeStatic(Text("Whose log?", end=""), id="pod-question")
            picker = OptionList(*options, id="pod-options")
            yield picker
            yield SafeStatic(
                Text.assemble(
                    ("↑↓", "bold"), " choose   ", ("enter", "bold"), " read   ", ("esc", "bold"), " keep"
                ),
                id="pod-keys",
            )

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        wanted = ALL_PODS if self.current is None else self.current
        for index, option in enumerate(picker.options):
            if option.id == wanted:
                picker.highlighted = index
        picker.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.dismiss(PodChoice(None if chosen == ALL_PODS else chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
