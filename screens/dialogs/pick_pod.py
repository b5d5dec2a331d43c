"""Whose log to read, for a workload of several pods (a distributed training's master and workers), as k9s
asks for a container and `runai logs --pod` takes one: one line per pod (its short name, its status as k9s
shows it — CrashLoopBackOff for a crash-looping container, whose pod's phase is still Running — its node, and
"restarted" when a previous container's log exists), and first "all pods, merged by time"."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from console.model import Pod
from console.ui.log_merge import pod_label
from console.ui.node_pods import PROBLEM_STATUSES, pod_status
from console.ui.safe_text import visible
from screens.dialogs.choose import ChooseDialog

ALL_PODS = "\x00all"
"""The choice "every pod, merged": not a pod name (names are DNS labels, never a NUL)."""


def pod_line(workload_name: str, pod: Pod, crashed: bool) -> Text:
    """`worker-0           CrashLoopBackOff on dgx-07  restarted` — API strings as text, never markup."""
    line = Text(visible(pod_label(workload_name, pod.name)).ljust(18), style="bold", end="")
    status = visible(pod_status(pod.k8s_phase, pod.status))
    line.append(f" {status:<16}", "yellow" if status in PROBLEM_STATUSES else "")
    if pod.node_name:
        line.append(f" on {visible(pod.node_name)}")
    if crashed:
        line.append("  restarted", "yellow")
    return line


def pod_picker(
    workload_name: str, pods: Sequence[Pod], crashed: frozenset[str], current: str | None
) -> ChooseDialog:
    """The dialog; it dismisses with a pod name, ALL_PODS, or None (esc). `current` None: all pods."""
    options = [(ALL_PODS, Text("All pods, merged by time", end=""))]
    options += [(pod.name, pod_line(workload_name, pod, pod.name in crashed)) for pod in pods]
    return ChooseDialog(
        f"Logs of {workload_name}", "Whose log?", options, ALL_PODS if current is None else current
    )
