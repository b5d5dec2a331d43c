"""Logs of a distributed workload whose worker crashed, over the simulator's HTTP faces: `p` lists the master
and every worker (the crashed one says it restarted), picking the worker shows its log, `⇧p` the container
that ran before the restart, and "All pods" every rank merged by time; each step shows the lines the demo
shows. Keys arrive in bursts, as a terminal read delivers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from served_app import demo_app, in_one_read, open_list, served, wait_until
from textual.pilot import Pilot
from textual.widgets import OptionList

from console.app import RwcApp
from console.model import Role, WorkloadPhase
from console.sim.simulator import Simulator
from console.ui.log_merge import pod_label
from screens.dialogs.choose import ChooseDialog
from screens.logs import LogsScreen

SIZE = (100, 30)


@dataclass(frozen=True)
class Crashed:
    """The demo's Degraded distributed workload and its worker that crashed."""

    name: str
    pod: str
    pods: tuple[str, ...]


def degraded_distributed(sim: Simulator) -> Crashed:
    admin = sim.runai.identity_for(None, Role.ADMIN)
    with sim.lock:
        workload = next(
            sim.runai.workload(admin, w.id)
            for w in sim.runai.workloads(admin)
            if w.phase is WorkloadPhase.DEGRADED and len(sim.runai.workload(admin, w.id).pods) > 1
        )
    crashed = next(pod.name for pod in workload.pods if pod.status == "CrashLoopBackOff")
    return Crashed(workload.name, crashed, tuple(pod.name for pod in workload.pods))


@dataclass
class Read:
    """What the user read at each step."""

    choices: list[str] = field(default_factory=list)
    worker: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


async def pick(pilot: Pilot, logs: LogsScreen, label: str) -> list[str]:
    """`p`, then (one read) down to the pod whose line starts with `label` and enter; the options shown."""
    app = pilot.app
    await in_one_read(pilot, "p")
    await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the pod picker")
    picker = app.screen.query_one(OptionList)
    shown = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
    index = next(i for i, line in enumerate(shown) if line.startswith(label))
    await in_one_read(pilot, ["<home>", *["<down>"] * index, "<enter>"])
    await wait_until(pilot, lambda: app.screen is logs, "back on the logs")
    return shown


async def settled_lines(pilot: Pilot, logs: LogsScreen, what: str) -> list[str]:
    """The view's lines once the stream has poured what it read (the clock is frozen: nothing follows)."""
    seen = -1
    await wait_until(pilot, lambda: logs.view.line_count > 0, what)
    while seen != logs.view.line_count:
        seen = logs.view.line_count
        await pilot.pause(0.2)
    return list(logs.view.lines)


async def read_the_ranks(app: RwcApp, crashed: Crashed) -> Read:
    read = Read()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "2", "workloads")
        await in_one_read(pilot, ["/", *crashed.name, "<enter>", "l"])
        await wait_until(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await wait_until(pilot, lambda: logs.workload is not None, "the workload's pods")

        label = pod_label(crashed.name, crashed.pod)
        read.choices = await pick(pilot, logs, label)
        read.worker = await settled_lines(pilot, logs, "the worker's lines")
        read.titles.append(logs.screen_title)

        await in_one_read(pilot, "P")
        await wait_until(pilot, lambda: logs.previous, "the previous container")
        read.previous = await settled_lines(pilot, logs, "the previous container's lines")
        read.titles.append(logs.screen_title)
        read.statuses.append(str(logs.query_one("#view-status").render()))

        await in_one_read(pilot, "P")  # back to the live container, then every rank
        await pick(pilot, logs, "All pods")
        await wait_until(pilot, lambda: logs.merged, "all pods")
        read.merged = await settled_lines(pilot, logs, "the merged lines")
        read.titles.append(logs.screen_title)
    return read


async def test_the_pod_picker_previous_container_and_merged_ranks_over_http_read_as_the_demo(
    tmp_path: Path,
) -> None:
    with served(tmp_path) as faces:
        crashed = degraded_distributed(faces.faces.simulator)
        live = await read_the_ranks(faces.app(), crashed)
        demo = await read_the_ranks(demo_app(), crashed)

    label = pod_label(crashed.name, crashed.pod)
    labels = [pod_label(crashed.name, pod) for pod in crashed.pods]
    assert live.choices[0] == "All pods, merged by time"
    assert [line.split()[0] for line in live.choices[1:]] == labels  # the master, then each worker
    assert any(line.startswith(label) and "restarted" in line for line in live.choices), live.choices
    assert live.choices == demo.choices

    assert "DistBackendError: NCCL error" in "\n".join(live.worker)
    assert live.worker == demo.worker

    assert len(live.previous) > 100  # the long run up to the first crash, not the short retry
    assert live.previous != live.worker
    assert live.previous == demo.previous
    assert "previous container" in live.statuses[0]

    assert {line.split("]", 1)[0][1:] for line in live.merged} == set(labels)
    stamps = [line.split("] ", 1)[1][:20] for line in live.merged if line.split("] ", 1)[1][:4].isdigit()]
    assert stamps == sorted(stamps)
    assert live.merged == demo.merged

    assert live.titles == [
        f"Logs {crashed.name} · {label}",
        f"Logs {crashed.name} · {label} (previous container)",
        f"Logs {crashed.name} · all pods",
    ]
    assert live.titles == demo.titles
