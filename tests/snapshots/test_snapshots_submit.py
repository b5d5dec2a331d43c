"""SVG snapshots of the submit-workload form at 80x24 (the floor it must fit): as it opens, with the
inline refusals a user sees before anything is sent (a bad name, no image, 1.5 GPUs), and with the
node-pool list open (it opens above its field, inside the dialog, where below there is no room).

Update the baselines with `pytest tests/snapshots/test_snapshots_submit.py --snapshot-update` and review
the SVG diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps import demo_app, settle, wait_for_table, wait_until
from textual.pilot import Pilot
from textual.widgets import Input, Select

from screens.dialogs.submit_workload import SubmitWorkloadForm
from screens.workloads import WorkloadsScreen

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


async def open_form(pilot: Pilot[Any]) -> SubmitWorkloadForm:
    await wait_for_table(pilot, WorkloadsScreen)
    await pilot.press("s")
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, SubmitWorkloadForm), "the submit form")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, SubmitWorkloadForm)
    return form


def test_submit_form(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_form(pilot)

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_submit_form_refuses_inline(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot)
        await pilot.press("tab", *"Bad_Name")  # type -> name
        gpus = form.widget_for("gpus")
        assert isinstance(gpus, Input)
        gpus.focus()
        await pilot.press("backspace", *"1.5", "ctrl+s")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_submit_form_node_pool_list_open(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot)
        pool = form.widget_for("node_pool")
        assert isinstance(pool, Select)
        pool.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: pool.expanded, "the node-pool list")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
