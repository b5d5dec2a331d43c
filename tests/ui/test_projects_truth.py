"""A department row counts one population (demo backend, seed 7, at 80x24).

As a researcher (alice sees llm-pretrain and vision of research's three projects, and sandbox of
platform's two), a department row used to show the department-wide allocation beside RUN/PND of the
visible projects only: `30.3/30` next to 11 running, while the rows under it add up to 27.2. Now every
number of such a row is the sum of the project rows under it, and the row says so (`your 2 of 3
projects`). An admin, who sees every project, keeps the department's own quota and allocation.
"""

from __future__ import annotations

import pytest
from pilot_waits import wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.cli import make_app
from console.config import Config
from console.model import Department, Project, Role
from console.sim.clock import DEFAULT_START
from console.ui.format import format_gpu_sum, format_gpus
from screens.projects import DEPARTMENT_KEY_PREFIX, ProjectsScreen
from widgets.resource_table import ResourceTable

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def app_as(role: Role) -> RwcApp:
    return make_app(Config(clock_speed=0, sim_start=DEFAULT_START, role=role))


async def projects_table(pilot: Pilot) -> ResourceTable:
    app = pilot.app
    await pilot.press("1")
    await wait_until(pilot, lambda: isinstance(app.screen, ProjectsScreen), "the projects screen")
    table = app.screen.query_one(ResourceTable)
    await wait_until(pilot, lambda: table.row_count > 0, "project rows")
    return table


def rows_under(table: ResourceTable, department_key: str) -> list[str]:
    """The project rows listed under a department row (the default order is the org tree)."""
    keys = table.visible_keys()
    under = []
    for key in keys[keys.index(department_key) + 1 :]:
        if key.startswith(DEPARTMENT_KEY_PREFIX):
            break
        under.append(key)
    return under


def allocated_of(table: ResourceTable, key: str) -> str:
    """`27.2/24` from `████+ 27.2/24`: what the ALLOCATED cell says, without the bar."""
    return table.cell_text(key, "allocated").split()[-1]


async def test_a_researchers_department_row_adds_up_the_projects_under_it() -> None:
    app = app_as(Role.RESEARCHER)
    async with app.run_test(size=SIZE) as pilot:
        table = await projects_table(pilot)
        departments: list[Department] = list(await app.backend.departments())
        projects: list[Project] = list(await app.backend.projects())
        research = next(department for department in departments if department.name == "research")
        key = f"{DEPARTMENT_KEY_PREFIX}{research.id}"
        visible = [project for project in projects if project.department_id == research.id]
        assert len(visible) == 2 and len(research.project_ids) == 3  # alice sees 2 of research's 3

        assert set(rows_under(table, key)) == {project.id for project in visible}
        allocated = sum(project.allocated_gpus for project in visible)
        deserved = sum(project.deserved_gpus for project in visible)
        # The department-wide allocation (what the row used to show) is not the visible projects' sum.
        assert format_gpu_sum(research.allocated_gpus) != format_gpu_sum(allocated)

        assert allocated_of(table, key) == f"{format_gpu_sum(allocated)}/{format_gpu_sum(deserved)}"
        assert table.cell_text(key, "deserved").strip() in ("", format_gpus(deserved))  # (may be dropped)
        under = rows_under(table, key)
        assert int(table.cell_text(key, "running")) == sum(int(table.cell_text(k, "running")) for k in under)
        assert int(table.cell_text(key, "pending")) == sum(int(table.cell_text(k, "pending")) for k in under)
        assert table.cell_text(key, "quota").strip() == "your 2 of 3 projects"


async def test_an_admins_department_row_keeps_the_departments_own_numbers() -> None:
    app = app_as(Role.ADMIN)
    async with app.run_test(size=SIZE) as pilot:
        table = await projects_table(pilot)
        departments: list[Department] = list(await app.backend.departments())
        research = next(department for department in departments if department.name == "research")
        key = f"{DEPARTMENT_KEY_PREFIX}{research.id}"
        under = rows_under(table, key)
        assert len(under) == len(research.project_ids) == 3
        expected = f"{format_gpu_sum(research.allocated_gpus)}/{format_gpu_sum(research.deserved_gpus)}"
        assert allocated_of(table, key) == expected
        assert int(table.cell_text(key, "running")) == sum(int(table.cell_text(k, "running")) for k in under)
        assert table.cell_text(key, "quota").startswith("a100 16/∞")
