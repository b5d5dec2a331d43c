"""Projects and departments: GPU quota per node pool (deserved/limit/over-quota weight) and usage.

Each department is a row followed by its projects, so the org tree reads top-down in the default order;
every project also names its department, so sorting or filtering keeps the context. Enter or space on a
department folds its projects away (`▸ research (3)`) and back. Enter on a project opens its workloads.
`c` creates a project, `e` edits the quota of the project or department under the cursor, `D` deletes
a project after its name is typed.

Every number of a department row counts one population. When the user sees all of the department's
projects (an admin), the row shows the department's own quota, deserved and allocated, and RUN/PND over
those same projects. When some are hidden (a researcher sees only their projects), it counts only the
visible ones, labelled `your 2 of 3 projects`: deserved, allocated, RUN and PND are then the sums of the
project rows under it, never a department-wide allocation beside a visible-only RUN.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text

from console.data.errors import BackendError
from console.data.resource_keys import ResourceKey, ResourceValues
from console.data.resources import DEPARTMENTS, PROJECTS
from console.data.store import ResourceState
from console.model import Department, PoolQuota, Project, ProjectPhase
from console.ui.format import format_gpu_sum, format_gpus, format_quota_limit
from console.ui.keymap import PROJECT_KEYS
from console.ui.sparkline import mean
from console.ui.usage import usage_by_project, usage_cell
from screens.context import ConsoleContext
from screens.dialogs import TypeNameDialog, confirm_then_run
from screens.dialogs.project_quota import CreateProjectForm, EditQuotaForm
from screens.usage_window import UsageWindowScreen
from screens.workloads import WorkloadsScreen
from widgets.bars import capacity_bar
from widgets.resource_table import Column, Row

DEPARTMENT_KEY_PREFIX = "department:"


def short_pool_name(pool: str) -> str:
    """`a100-pool` -> `a100`: pool names repeat on every row, so drop the obvious suffix."""
    for suffix in ("-pool", "_pool", "-nodepool"):
        if pool.endswith(suffix) and len(pool) > len(suffix):
            return pool[: -len(suffix)]
    return pool


def describe_quotas(quotas: Sequence[PoolQuota]) -> str:
    """`a100 8/∞/2 h100 4/8/1`: deserved/limit/over-quota weight per pool, pools without quota left out."""
    parts = [
        f"{short_pool_name(q.node_pool)} {format_gpus(q.deserved_gpus)}/{format_quota_limit(q.limit_gpus)}"
        f"/{format_gpus(q.over_quota_weight)}"
        for q in quotas
        if q.deserved_gpus or q.limit_gpus >= 0 or q.allocated_gpus
    ]
    return " ".join(parts) or "—"


def hidden_project_count(department: Department, visible: Sequence[Project]) -> int:
    """How many of the department's projects the user cannot see (0 when the API does not list them)."""
    return len(set(department.project_ids) - {project.id for project in visible})


class ProjectsScreen(UsageWindowScreen):
    """Who is entitled to which GPUs, and who is over quota right now."""

    SCREEN_NAME = "projects"
    TITLE = "Projects"
    RESOURCES = (PROJECTS, DEPARTMENTS)
    EMPTY_MESSAGE = "No projects you can see."
    KEYS = PROJECT_KEYS
    ADMIN_WRITES = "create, change or delete projects"
    """Projects and quotas are an administrator's (Run:ai answers a researcher 403)."""
    WRITE_ACTIONS = frozenset({"create_project", "edit_quota", "delete_project"})

    COLUMNS = (
        Column("name", "NAME", 16, sort_hotkey="N", grow=True, identifies=True),
        Column("department", "DEPT", 11, priority=3, sort_hotkey="T"),
        Column("quota", "QUOTA pool dsv/lim/wt", 23, priority=2),
        Column("deserved", "DSV", 4, priority=5, align="right", sort_hotkey="E"),
        Column("allocated", "ALLOCATED", 14, sort_hotkey="A"),
        Column("running", "RUN", 3, align="right", sort_hotkey="C"),
        Column("pending", "PND", 3, align="right", sort_hotkey="P"),
        Column("phase", "PHASE", 8, priority=4, sort_hotkey="H"),
        Column("use", "GPU USE 1h", 13, priority=6, sort_hotkey="I"),
    )

    def __init__(self, context: ConsoleContext) -> None:
        super().__init__(context)
        self._collapsed: set[str] = set()
        """Departments (ids) folded with enter or space: their row stays, their projects are hidden."""

    @property
    def resource_keys(self) -> tuple[ResourceKey[Any], ...]:
        return (*self.RESOURCES, self.usage_key)

    def states(self) -> list[ResourceState[Any]]:
        """The GPU use column is a decoration: its failing says "—", it does not make the list stale."""
        return [self.context.bridge.snapshot(key) for key in self.RESOURCES]

    def build_rows(self, values: ResourceValues) -> Iterable[Row]:
        projects: Sequence[Project] = values[PROJECTS]
        departments: Sequence[Department] = values[DEPARTMENTS]
        by_department: dict[str, list[Project]] = {}
        for project in projects:
            by_department.setdefault(project.department_id, []).append(project)
        # GPU use: each project's from its workloads' histories; a department's over its visible projects.
        histories = values.get(self.usage_key) or ()
        use = usage_by_project(histories)
        department_of = {project.id: project.department_id for project in projects}
        department_use = usage_by_project(histories, department_of.get)
        known_department_ids = {department.id for department in departments}
        for department in sorted(departments, key=lambda d: d.name):
            members = sorted(by_department.get(department.id, ()), key=lambda p: p.name)
            collapsed = department.id in self._collapsed
            yield self._department_row(
                department, members, department_use.get(department.id), collapsed=collapsed
            )
            if not collapsed:
                yield from (self._project_row(project, use.get(project.id)) for project in members)
        orphans = [p for p in projects if p.department_id not in known_department_ids]
        for project in sorted(orphans, key=lambda p: p.name):
            yield self._project_row(project, use.get(project.id))

    def _use_cell(self, series: Sequence[float | None] | None) -> Text:
        return usage_cell(series, self.palette.accent, self.palette.muted)

    def _allocation_bar(self, allocated: float, deserved: float) -> Text:
        over = allocated > deserved
        return capacity_bar(
            allocated,
            deserved,
            width=5,
            label=f"{format_gpu_sum(allocated)}/{format_gpu_sum(deserved)}",
            fill_style=self.palette.warning if over else self.palette.ok,
            free_style=self.palette.muted,
        )

    def _department_row(
        self,
        department: Department,
        members: Sequence[Project],
        use: Sequence[float | None] | None,
        *,
        collapsed: bool,
    ) -> Row:
        running = sum(project.running_workloads for project in members)
        pending = sum(project.pending_workloads for project in members)
        hidden = hidden_project_count(department, members)
        quota: str | Text
        if hidden:
            # Only some of its projects are visible: every number counts those, and says so.
            deserved = sum(project.deserved_gpus for project in members)
            allocated = sum(project.allocated_gpus for project in members)
            shown = len(members)
            quota = Text(f"your {shown} of {shown + hidden} projects", self.palette.muted, end="")
        else:
            deserved, allocated = department.deserved_gpus, department.allocated_gpus
            quota = describe_quotas(department.quotas)
        name = Text.assemble(
            ("▸ " if collapsed else "▾ ", self.palette.muted), (department.name, self.palette.accent), end=""
        )
        if collapsed:
            name.append(f" ({len(members)})", self.palette.muted)
        return Row(
            key=f"{DEPARTMENT_KEY_PREFIX}{department.id}",
            cells=(
                name,
                Text("department", self.palette.muted, end=""),
                quota,
                format_gpus(deserved),
                self._allocation_bar(allocated, deserved),
                str(running),
                str(pending),
                "",
                self._use_cell(use),
            ),
            sort_values=(
                department.name,
                department.name,
                None,
                deserved,
                allocated,
                running,
                pending,
                None,
                mean(use) if use else None,
            ),
        )

    def _project_row(self, project: Project, use: Sequence[float | None] | None) -> Row:
        phase_style = self.palette.ok if project.phase is ProjectPhase.READY else self.palette.warning
        pending_style = self.palette.warning if project.pending_workloads else self.palette.muted
        return Row(
            key=project.id,
            cells=(
                Text.assemble("  ", project.name, end=""),
                project.department_name,
                describe_quotas(project.quotas),
                format_gpus(project.deserved_gpus),
                self._allocation_bar(project.allocated_gpus, project.deserved_gpus),
                str(project.running_workloads),
                Text(str(project.pending_workloads), pending_style, end=""),
                Text(project.phase.value, phase_style, end=""),
                self._use_cell(use),
            ),
            sort_values=(
                project.name,
                project.department_name,
                None,
                project.deserved_gpus,
                project.allocated_gpus,
                project.running_workloads,
                project.pending_workloads,
                project.phase.value,
                mean(use) if use else None,
            ),
        )

    def open_detail(self, key: str) -> None:
        """Enter on a project shows its workloads; on a department, folds its projects away or back."""
        if key.startswith(DEPARTMENT_KEY_PREFIX):
            self._toggle(key.removeprefix(DEPARTMENT_KEY_PREFIX))
            return
        projects: Sequence[Project] = self.values().get(PROJECTS) or ()
        project = next((p for p in projects if p.id == key), None)
        if project is None:
            return
        self.app.push_screen(WorkloadsScreen(self.context, project_name=project.name))

    def action_show_events(self) -> None:
        """`v`: the project's timeline: its workloads' events, what it reclaimed and what it lost."""
        selected = self._selected()
        if not isinstance(selected, Project):
            self.notify("Choose a project first (v on a project row).", severity="warning", timeout=3)
            return
        from console.model.events import EventFilter
        from screens.events import EventsScreen

        scope = EventFilter(project=selected.name)
        self.app.push_screen(EventsScreen(self.context, scope=scope, scope_name=f"project {selected.name}"))

    def action_burst_queue(self) -> None:
        """`b`: one of the project's pending workloads to another site (screens/burst.py)."""
        from screens.burst import ask_burst_from_queue, burst_refusal

        selected = self._selected()
        if not isinstance(selected, Project):
            self.notify("Choose a project first (b on a project row).", severity="warning", timeout=3)
            return
        refusal = burst_refusal(self.context, self.identity)
        if refusal is not None:
            self.notify(f"Cannot burst: {refusal}.", title=f"Burst from {selected.name}", severity="warning")
            return
        self.open_after(ask_burst_from_queue(self, selected.name))

    def action_toggle_department(self) -> None:
        """Space: fold or unfold the department under the cursor (on a project, its department)."""
        selected = self._selected()
        if isinstance(selected, Project):
            self._toggle(selected.department_id)
            self.table.move_cursor_to_key(f"{DEPARTMENT_KEY_PREFIX}{selected.department_id}")
        elif selected is not None:
            self._toggle(selected.id)

    def _toggle(self, department_id: str) -> None:
        self._collapsed ^= {department_id}
        self._rendered_inputs = ()  # the same values, other rows
        self.resources_changed()

    # -- actions -----------------------------------------------------------------------------------------
    def _selected(self) -> Project | Department | None:
        """The project or department under the cursor (None while loading or on an empty table)."""
        key = self.table.cursor_key
        if key is None:
            return None
        if key.startswith(DEPARTMENT_KEY_PREFIX):
            department_id = key.removeprefix(DEPARTMENT_KEY_PREFIX)
            departments: Sequence[Department] = self.values().get(DEPARTMENTS) or ()
            return next((d for d in departments if d.id == department_id), None)
        projects: Sequence[Project] = self.values().get(PROJECTS) or ()
        return next((p for p in projects if p.id == key), None)

    async def _pool_names(self) -> list[str] | None:
        """Node pools for the quota fields, asked now so a pool added a minute ago is there."""
        try:
            pools = await self.context.backend.node_pools()
        except BackendError as error:
            self.notify(str(error), title="Cannot list node pools", severity="error")
            return None
        return [pool.name for pool in pools]

    def action_create_project(self) -> None:
        """`c`: the create form, in the department under the cursor if there is one."""
        departments: Sequence[Department] | None = self.values().get(DEPARTMENTS)
        if not departments:
            self.notify("Departments are still loading; try again in a moment.", severity="warning")
            return
        selected = self._selected()
        department_id: str | None = None
        if isinstance(selected, Department):
            department_id = selected.id
        elif isinstance(selected, Project):
            department_id = selected.department_id

        async def open_form() -> None:
            pools = await self._pool_names()
            if pools is not None:
                self.app.push_screen(CreateProjectForm(self.context, departments, pools, department_id))

        self.open_after(open_form())

    def action_edit_quota(self) -> None:
        """`e`: the quota of the project, or of the department, under the cursor."""
        target = self._selected()
        if target is None:
            self.notify("Choose a project or a department first.", severity="warning", timeout=3)
            return

        async def open_form() -> None:
            pools = await self._pool_names()
            if pools is not None:
                self.app.push_screen(EditQuotaForm(self.context, target, pools))

        self.open_after(open_form())

    def action_delete_project(self) -> None:
        """`D`: delete the project under the cursor once its name is typed exactly."""
        project = self._selected()
        if not isinstance(project, Project):
            self.notify("Choose a project to delete (departments are managed in Run:ai).", timeout=3)
            return
        workloads = project.running_workloads + project.pending_workloads
        explanation = Text.assemble(
            "Project ",
            (project.name, "bold"),
            f" in {project.department_name} and all its workloads ({workloads} running or pending) "
            "will be deleted. This cannot be undone.",
            end="",
        )

        backend = self.context.backend
        confirm_then_run(
            self,
            TypeNameDialog(f"Delete project {project.name}", explanation, project.name),
            f"Delete project {project.name}",
            lambda: backend.delete_project(project.id),
            success=f"Project {project.name} is being deleted",
        )
