"""One unreadable item in a Run:ai list: the real app over the simulator's HTTP faces keeps the good rows
and says what it left out.

The face answers as usual, then an AMEND fault adds one item rwc cannot read (a workload or project
without an id, a node without a name, a WEKA filesystem or snapshot without a uid) to the list's answer. On
every list screen (workloads, projects, nodes, node pools, filesystems, snapshots, alerts)
the rows stay what they were, nothing goes stale, and the notice line says "1 workload could not be read —
see log"; the log says why; once the server stops sending it, the notice goes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config, load_config_file
from console.data.resource_keys import ResourceKey
from console.data.resources import (
    ALERTS,
    FILESYSTEMS,
    NEWEST_WORKLOADS,
    NODE_POOLS,
    NODES,
    PROJECTS,
    SNAPSHOTS,
)
from console.sim.http.base import Fault, FaultKind
from console.sim.http.serve import ServedSimulator
from console.sim.scenarios import build_simulator
from screens.alerts import AlertsScreen
from screens.filesystems import FilesystemsScreen
from screens.nodes import NodesScreen
from screens.pools import PoolsScreen
from screens.projects import ProjectsScreen
from screens.snapshots import SnapshotsScreen
from screens.workloads import WorkloadsScreen
from widgets.resource_table import ResourceTable
from widgets.stale_banner import StaleBanner

SIZE = (100, 30)
CREATED = "2026-03-01T10:00:00Z"


@dataclass(frozen=True)
class BadItem:
    key: str
    screen: type
    route: str
    list_key: str
    """Where the items sit in the answer: a key of the Run:ai object, or None for WEKA's `data` list."""
    item: dict[str, Any]
    notice: str
    reason: str
    resource: ResourceKey[Any]
    """The Store resource the screen shows (it must not go stale)."""
    service: str = "runai"


CASES = (
    BadItem(
        "2",
        WorkloadsScreen,
        r"^/api/v1/workloads$",
        "workloads",
        {"name": "no-id", "projectName": "p", "createdAt": CREATED, "phaseUpdatedAt": CREATED},
        "1 workload could not be read — see log",
        "lacks the field 'id'",
        NEWEST_WORKLOADS,
    ),
    BadItem(
        "1",
        ProjectsScreen,
        r"^/api/v1/org-unit/projects$",
        "projects",
        {"name": "no-id", "createdAt": CREATED, "resources": []},
        "1 project could not be read — see log",
        "lacks the field 'id'",
        PROJECTS,
    ),
    BadItem(
        "3",
        NodesScreen,
        r"^/api/v1/nodes$",
        "nodes",
        {"status": "Ready", "nodePool": "default", "createdAt": CREATED},
        "1 node could not be read — see log",
        "lacks the field 'name'",
        NODES,
    ),
    BadItem(
        "9",
        PoolsScreen,
        r"^/api/v1/node-pools$",
        "nodepools",
        {"phase": "Ready", "createdAt": CREATED},
        "1 node pool could not be read — see log",
        "lacks the field 'name'",
        NODE_POOLS,
    ),
    BadItem(
        "5",
        FilesystemsScreen,
        r"^/api/v2/fileSystems$",
        None,
        {"name": "no-uid", "status": "READY"},
        "1 filesystem could not be read — see log",
        "The WEKA answer lacks 'fileSystems[",
        FILESYSTEMS,
        service="weka",
    ),
    BadItem(
        "6",
        SnapshotsScreen,
        r"^/api/v2/snapshots$",
        None,
        {"name": "no-uid", "filesystem": "datasets"},
        "1 snapshot could not be read — see log",
        "The WEKA answer lacks 'snapshots[",
        SNAPSHOTS,
        service="weka",
    ),
    BadItem(
        "8",
        AlertsScreen,
        r"^/api/v2/alerts$",
        None,
        {"muted": "not a boolean", "type": 7},
        "1 WEKA alert could not be read — see log",
        "alert",
        ALERTS,
        service="weka",
    ),
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedSimulator]:
    with ServedSimulator(build_simulator("demo", 7), clock_speed=0, workdir=tmp_path / "sim") as running:
        yield running


@pytest.fixture
def live_config(served: ServedSimulator, tmp_path: Path) -> Config:
    path = served.write_profile(tmp_path / "rwc-sim.toml")
    profile = load_config_file(path, must_exist=True).select(None)
    assert profile is not None
    return Config(demo=False, profile=profile, profile_name=profile.name, config_path=path)


async def wait_until(pilot: Pilot, predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def with_extra_item(list_key: str | None, item: dict[str, Any]) -> Callable[[Any], Any]:
    def amend(body: Any) -> Any:
        if list_key is None:  # WEKA: {"data": [...]}
            return {**body, "data": [*body["data"], item]}
        return {**body, list_key: [*body[list_key], item]}

    return amend


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.resource)
async def test_one_unreadable_item_leaves_the_good_rows_and_a_notice(
    case: BadItem, served: ServedSimulator, live_config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="console.data.unreadable")
    app = make_app(live_config)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, RwcApp)
        await pilot.press(case.key)
        await wait_until(pilot, lambda: isinstance(app.screen, case.screen), case.screen.__name__)
        table = app.screen.query_one(ResourceTable)
        banner = app.screen.query_one(StaleBanner)
        await wait_until(pilot, lambda: table.row_count > 0 and banner.message == "", f"the {case.list_key}")
        await pilot.pause(0.3)
        good_rows = table.visible_keys()

        faults = (served.runai if case.service == "runai" else served.weka).faults
        faults.add(Fault(FaultKind.AMEND, case.route, "GET", amend=with_extra_item(case.list_key, case.item)))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: banner.message != "", "the notice")

        assert banner.message == case.notice
        assert table.visible_keys() == good_rows
        state = app.store.snapshot(case.resource)
        assert state.error is None and not app.screen.header.stale
        assert any(case.reason in record.getMessage() for record in caplog.records), caplog.text

        faults.clear()
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: banner.message == "", "the notice to go")
        assert table.visible_keys() == good_rows
