"""Forms for projects and quotas: create a project, edit a project's or a department's quota.

Both forms show one deserved/limit/over-quota-weight triple per node pool, because Run:ai quotas are
per pool and a single total would hide where the GPUs are. Values are checked here before the backend
sees them (DNS-1123 names, non-negative numbers, a limit not below the deserved share), and what the
backend still refuses is pointed at the pool's field it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from console.data.errors import BackendError, Invalid
from console.model import Department, PoolQuota, Project
from screens.context import ConsoleContext
from screens.dialogs.form import (
    FieldValue,
    FormField,
    FormScreen,
    parse_limit,
    parse_number,
    validate_dns1123_label,
    validate_limit,
    validate_non_negative,
    validate_required,
)

DEFAULT_OVER_QUOTA_WEIGHT = PoolQuota("", 0.0).over_quota_weight
QUOTA_PARTS = ("deserved_gpus", "limit_gpus", "over_quota_weight")
"""The per-pool fields; also the `Invalid.field` names the backend uses for them."""


def quota_field_name(part: str, pool: str) -> str:
    return f"{part}:{pool}"


def format_number(value: float) -> str:
    """`4.0` -> `4`, `0.5` -> `0.5`: as a user would type it."""
    return f"{value:g}"


def quota_fields(pools: Sequence[str], quotas: Sequence[PoolQuota] = ()) -> list[FormField]:
    """Deserved, limit and weight for each pool, prefilled from `quotas` (a pool without one: 0, ∞)."""
    by_pool = {quota.node_pool: quota for quota in quotas}
    fields: list[FormField] = []
    for pool in pools:
        quota = by_pool.get(pool)
        deserved = format_number(quota.deserved_gpus) if quota else "0"
        limit = "" if quota is None or quota.is_unlimited else format_number(quota.limit_gpus)
        weight = format_number(quota.over_quota_weight if quota else DEFAULT_OVER_QUOTA_WEIGHT)
        fields += [
            FormField(
                quota_field_name("deserved_gpus", pool),
                f"{pool}: deserved GPUs",
                kind="number",
                value=deserved,
                validate=validate_non_negative,
            ),
            FormField(
                quota_field_name("limit_gpus", pool),
                f"{pool}: GPU limit",
                kind="number",
                value=limit,
                placeholder="unlimited (blank or -1)",
                validate=validate_limit,
            ),
            FormField(
                quota_field_name("over_quota_weight", pool),
                f"{pool}: over-quota wt",
                kind="number",
                value=weight,
                validate=validate_non_negative,
            ),
        ]
    return fields


class QuotaFormBase(FormScreen[object]):
    """Shared by the create and edit forms: per-pool fields, their cross-check and error mapping."""

    def __init__(
        self, title: str, fields: Sequence[FormField], pools: Sequence[str], context: ConsoleContext
    ) -> None:
        super().__init__(title, fields)
        self.pools = tuple(pools)
        self.backend = context.backend

    def quotas(self, values: Mapping[str, FieldValue]) -> list[PoolQuota]:
        """The validated per-pool values as the API takes them (limit -1 = unlimited)."""
        return [
            PoolQuota(
                node_pool=pool,
                deserved_gpus=parse_number(values[quota_field_name("deserved_gpus", pool)]),
                limit_gpus=parse_limit(values[quota_field_name("limit_gpus", pool)]),
                over_quota_weight=parse_number(values[quota_field_name("over_quota_weight", pool)]),
            )
            for pool in self.pools
        ]

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        """A limit below the deserved share cannot be met; say so at the limit, before the backend does."""
        errors: dict[str, str] = {}
        for pool in self.pools:
            deserved_text = values[quota_field_name("deserved_gpus", pool)]
            limit_text = values[quota_field_name("limit_gpus", pool)]
            if validate_non_negative(deserved_text) or validate_limit(limit_text):
                continue  # the field's own message says what is wrong
            deserved, limit = parse_number(deserved_text), parse_limit(limit_text)
            if 0 <= limit < deserved:
                errors[quota_field_name("limit_gpus", pool)] = (
                    f"Below the deserved {format_number(deserved)}; raise it, or blank for unlimited."
                )
        return errors

    def show_backend_error(self, error: BackendError) -> None:
        """The backend names the part (`limit_gpus`) and the pool only in words; find the pool's field."""
        if isinstance(error, Invalid) and error.field in QUOTA_PARTS:
            mentioned = [pool for pool in self.pools if pool in error.message]
            if mentioned:
                pool = max(mentioned, key=len)
                self._set_busy(False)
                self.show_error(str(error), quota_field_name(error.field, pool))
                return
        super().show_backend_error(error)


class CreateProjectForm(QuotaFormBase):
    """`c` on the projects screen: name, department and the per-pool quota."""

    CONFLICT_FIELD = "name"
    FIELD_ALIASES = {"department_id": "department"}

    def __init__(
        self,
        context: ConsoleContext,
        departments: Sequence[Department],
        pools: Sequence[str],
        department_id: str | None = None,
    ) -> None:
        ordered = sorted(departments, key=lambda department: department.name)
        options = [(department.name, department.id) for department in ordered]
        initial = department_id or (ordered[0].id if ordered else None)
        fields = [
            FormField("name", "Name", placeholder="e.g. team-vision", validate=validate_dns1123_label),
            FormField(
                "department",
                "Department",
                kind="select",
                options=options,
                value=initial,
                validate=validate_required,
            ),
            *quota_fields(pools),
        ]
        super().__init__("Create project", fields, pools, context)

    def submit(self, values: dict[str, FieldValue]) -> None:
        name = str(values["name"])
        department_id = str(values["department"])
        quotas = self.quotas(values)
        self.run_submit(
            f"Create project {name}",
            lambda: self.backend.create_project(name, department_id, quotas),
            success=f"Project {name} created",
        )


class EditQuotaForm(QuotaFormBase):
    """`e` on the projects screen: the selected project's or department's quota, prefilled."""

    def __init__(self, context: ConsoleContext, target: Project | Department, pools: Sequence[str]) -> None:
        self.target = target
        kind = "project" if isinstance(target, Project) else "department"
        # Pools the target has a quota in but the cluster no longer lists still show, so nothing hides.
        known = list(pools) + [q.node_pool for q in target.quotas if q.node_pool not in pools]
        super().__init__(
            f"Edit quota — {kind} {target.name}", quota_fields(known, target.quotas), known, context
        )

    def submit(self, values: dict[str, FieldValue]) -> None:
        target = self.target
        quotas = self.quotas(values)
        if isinstance(target, Project):
            label = f"Edit quota of project {target.name}"
            self.run_submit(
                label,
                lambda: self.backend.update_project_quotas(target.id, quotas),
                success=f"Quota of project {target.name} saved",
            )
        else:
            label = f"Edit quota of department {target.name}"
            self.run_submit(
                label,
                lambda: self.backend.update_department_quotas(target.id, quotas),
                success=f"Quota of department {target.name} saved",
            )
