"""Logs of a distributed workload with a crash-looping worker, on the demo at 80x24: `p` picks the pod
(or every pod, merged by time), `⇧p` reads the container that ran before the restart, as `kubectl logs
--previous` does, `r` narrows the merged view to one rank and back, `⇧r` marks several; keys arrive in
bursts, as a terminal read delivers them."""

from __future__ import annotations

from typing import Any

from pilot_waits import wait_until
from test_logs import SIZE, demo_app, notifications, open_view, simulator_of, status_text
from textual.widgets import OptionList, SelectionList

from console.model import Role, WorkloadPhase
from console.sim.simulator import Simulator
from console.ui.log_merge import AfterTail, merge_by_time, pod_label
from screens.dialogs.choose import ChooseDialog
from screens.dialogs.pick_ranks import RanksDialog
from screens.logs import LogsScreen


def degraded_distributed(sim: Simulator) -> Any:
    admin = sim.runai.identity_for(None, Role.ADMIN)
    with sim.lock:
        return next(
            sim.runai.workload(admin, w.id)
            for w in sim.runai.workloads(admin)
            if w.phase is WorkloadPhase.DEGRADED and len(sim.runai.workload(admin, w.id).pods) > 1
        )


def pod_log(sim: Simulator, workload_id: str, pod: str, *, previous: bool = False) -> list[str]:
    admin = sim.runai.identity_for(None, Role.ADMIN)
    with sim.lock:
        return sim.runai.workload_logs_after(admin, workload_id, 0, pod=pod, previous=previous)[0]


async def test_pick_the_crashed_worker_then_its_previous_container_then_all_pods() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = degraded_distributed(sim)
        crashed = next(pod for pod in workload.pods if pod.status == "CrashLoopBackOff")
        screen = await open_view(pilot, workload.name, "l")
        assert isinstance(screen, LogsScreen)
        await wait_until(pilot, lambda: screen.workload is not None, "the workload")

        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseDialog), "the pod picker")
        picker = app.screen.query_one(OptionList)
        shown = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert shown[0] == "All pods, merged by time"
        label = pod_label(workload.name, crashed.name)
        assert any(line.startswith(label) and "restarted" in line for line in shown), shown
        # As k9s shows it: the container crash-loops while its pod's phase is still Running.
        crashed_line = next(line for line in shown if line.startswith(label))
        assert "CrashLoopBackOff" in crashed_line and "Failed" not in crashed_line, crashed_line
        assert crashed.k8s_phase == "Running" and crashed.restarts == 1

        # one read: move to the crashed pod and pick it
        index = next(i for i, line in enumerate(shown) if line.startswith(label))
        await pilot.press(*(["down"] * (index - picker.highlighted)), "enter")
        await wait_until(pilot, lambda: app.screen is screen, "back on the logs")
        await wait_until(pilot, lambda: screen.view.line_count > 0, "the worker's lines")
        assert screen.screen_title == f"Logs {workload.name} · {label}"
        assert list(screen.view.lines) == pod_log(sim, workload.id, crashed.name)
        assert "DistBackendError: NCCL error" in screen.view.text()

        await pilot.press("P")
        previous = pod_log(sim, workload.id, crashed.name, previous=True)
        await wait_until(
            pilot, lambda: list(screen.view.lines) == previous[-len(screen.view.lines) :], "previous"
        )
        assert screen.view.line_count > 100  # the long run up to the first crash, not the short retry
        assert "previous container" in status_text(screen)
        assert screen.screen_title.endswith("(previous container)")

        await pilot.press("P")  # back to the live container
        await wait_until(pilot, lambda: "following" in status_text(screen), "following again")

        await pilot.press("p", "home", "enter")
        await wait_until(pilot, lambda: screen.merged and screen.view.line_count > 0, "all pods")
        lines = list(screen.view.lines)
        labels = {pod_label(workload.name, pod.name) for pod in workload.pods}
        assert {line.split("]", 1)[0][1:] for line in lines} == labels
        stamps = [line.split("] ", 1)[1][:20] for line in lines if line.split("] ", 1)[1][:4].isdigit()]
        assert stamps == sorted(stamps)
        assert screen.screen_title == f"Logs {workload.name} · all pods"

        await pilot.press("P")
        assert any("Pick one pod first" in message for message in notifications(app))


async def test_previous_of_a_pod_that_never_restarted_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        workload = degraded_distributed(sim)
        screen = await open_view(pilot, workload.name, "l")
        await pilot.press("P")  # the first pod (the master) never crashed
        await wait_until(pilot, lambda: "stopped" in status_text(screen), "the refusal")
        assert "previous terminated container" in status_text(screen)


async def test_a_single_pod_workload_has_nothing_to_pick() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_view(pilot, "vit-large-pretrain", "l")
        await wait_until(pilot, lambda: screen.workload is not None, "the workload")
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen
        assert any("nothing to pick" in message for message in notifications(app))


def test_merge_orders_by_stamp_and_keeps_a_traceback_together() -> None:
    master = ["2026-01-01T00:00:00Z a", "2026-01-01T00:00:10Z b"]
    worker = ["2026-01-01T00:00:05Z Traceback", "  File x", "2026-01-01T00:00:20Z c"]
    assert merge_by_time([("master-0", master), ("worker-0", worker)]) == [
        "[master-0] 2026-01-01T00:00:00Z a",
        "[worker-0] 2026-01-01T00:00:05Z Traceback",
        "[worker-0]   File x",
        "[master-0] 2026-01-01T00:00:10Z b",
        "[worker-0] 2026-01-01T00:00:20Z c",
    ]


def test_follow_skips_what_the_tail_showed_and_never_loses_a_line() -> None:
    skip = AfterTail(["a", "b"], patience=3)
    assert [line for text in ["a", "b", "c", "d"] for line in skip.feed(text)] == ["c", "d"]
    rotated = AfterTail(["a", "b"], patience=3)  # the tail's end never comes: nothing is lost
    assert [line for text in ["x", "y", "z", "w"] for line in rotated.feed(text)] == ["x", "y", "z", "w"]
    assert pod_label("train", "train-worker-3") == "worker-3"


async def open_merged(pilot: Any, *, first: tuple[str, ...] = ()) -> tuple[Any, LogsScreen, str, str]:
    """The degraded training's logs, `first` pressed on its first pod's view, then all pods merged:
    (that workload, the screen, the master's tag, the crashed worker's tag)."""
    workload = degraded_distributed(simulator_of(pilot.app))
    master, worker = (pod_label(workload.name, pod.name) for pod in workload.pods[:2])
    screen = await open_view(pilot, workload.name, "l")
    await wait_until(pilot, lambda: screen.workload is not None, "the workload")
    await pilot.press(*first)
    await pilot.press("p", "home", "enter")
    await wait_until(pilot, lambda: screen.merged and screen.view.line_count > 0, "all pods")
    await pilot.pause()
    return workload, screen, master, worker


async def test_r_narrows_the_merged_view_to_one_rank_and_back_keeping_what_was_read() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = simulator_of(app)
        # r on one pod's log: it has no ranks, the key is dimmed and says why
        workload, screen, master, worker = await open_merged(pilot, first=("r",))
        assert any("only the merged view" in message for message in notifications(app))
        before = list(screen.view.lines)
        assert {line.split("]", 1)[0][1:] for line in before} == {master, worker}

        await pilot.press("r", "r")  # a burst: the master alone, then the worker alone
        await wait_until(pilot, lambda: screen.ranks.shown == {worker}, "the worker alone")
        assert list(screen.view.lines) == [line for line in before if line.startswith(f"[{worker}] ")]
        assert f"ranks: {worker} of 2" in status_text(screen)
        assert "following" in status_text(screen)

        master_pod = workload.pods[0].name
        sim.advance(60)  # the master writes twelve more lines, the crashed worker none
        newest = f"[{master}] {pod_log(sim, workload.id, master_pod)[-1]}"
        await wait_until(pilot, lambda: screen.merged_lines[-1] == newest, "the master's new lines")
        await pilot.pause()
        assert all(line.startswith(f"[{worker}] ") for line in screen.view.lines)  # hidden rank

        await pilot.press("r")  # all ranks again: what was read is kept, the hidden lines are there
        await wait_until(pilot, lambda: not screen.ranks.narrowed, "every rank")
        assert list(screen.view.lines)[: len(before)] == before
        assert screen.view.lines[-1] == newest
        assert "ranks:" not in status_text(screen)

        await pilot.press("r")  # the master alone; its new lines keep coming
        await wait_until(pilot, lambda: screen.ranks.shown == {master}, "the master alone")
        sim.advance(60)
        newest = f"[{master}] {pod_log(sim, workload.id, master_pod)[-1]}"
        await wait_until(pilot, lambda: screen.view.lines[-1] == newest, "the master's newest line")
        assert all(line.startswith(f"[{master}] ") for line in screen.view.lines)
        assert screen.view.follow and f"ranks: {master} of 2" in status_text(screen)


async def test_shift_r_marks_the_ranks_to_show_in_a_picker() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        _, screen, master, worker = await open_merged(pilot)
        before = list(screen.view.lines)

        await pilot.press("R", "space", "enter")  # every rank is marked: unmark the master, apply
        await wait_until(pilot, lambda: screen.ranks.shown == {worker}, "the worker alone")
        assert app.screen is screen
        assert list(screen.view.lines) == [line for line in before if line.startswith(f"[{worker}] ")]
        assert f"ranks: {worker} of 2" in status_text(screen)

        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RanksDialog), "the rank picker")
        marks = app.screen.query_one(SelectionList)
        assert [str(marks.get_option_at_index(i).prompt) for i in range(marks.option_count)] == [
            master,
            worker,
        ]
        assert marks.selected == [worker]
        await pilot.press("space", "escape")  # esc keeps the view as it was
        await wait_until(pilot, lambda: app.screen is screen, "back on the logs")
        assert screen.ranks.shown == {worker}

        await pilot.press("R", "space", "enter")  # the master marked again: every rank
        await wait_until(pilot, lambda: not screen.ranks.narrowed, "every rank")
        assert list(screen.view.lines)[: len(before)] == before
