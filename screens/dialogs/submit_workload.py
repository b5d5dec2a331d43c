"""`SubmitWorkloadForm`: submit a training, workspace or distributed training (`s` on the workloads list).

One GPU field takes what researchers already say: `2` (whole GPUs), `0.5` (a fraction of one GPU,
0.1–0.9) or `20GiB` (GPU memory), so nobody has to pick a request type first. Everything is checked as
the API would (a DNS-1123 name, an image, two or more workers for distributed) before anything is
sent, and the backend's own refusals (name taken, not a member of the project, a value out of range)
come back next to their field with every typed value kept (`FormScreen`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from textual import on
from textual.widgets import Checkbox, Select

from console.data.backend import Backend
from console.model import GpuRequest, NodePool, Project, Workload, WorkloadSpec, WorkloadType
from console.model.units import MIB
from console.ui.units import SizeError, parse_size
from screens.context import ConsoleContext
from screens.dialogs.form import (
    FieldValue,
    FormField,
    FormScreen,
    validate_dns1123_label,
    validate_required,
)

SUBMITTABLE_TYPES: tuple[WorkloadType, ...] = (
    WorkloadType.TRAINING,
    WorkloadType.WORKSPACE,
    WorkloadType.DISTRIBUTED,
)
PREEMPTIBLE_BY_DEFAULT: Mapping[WorkloadType, bool] = {
    WorkloadType.TRAINING: True,
    WorkloadType.DISTRIBUTED: True,
    WorkloadType.WORKSPACE: False,
}
"""Run:ai's defaults: batch work may be preempted when its project is over quota; interactive work not."""

MIN_FRACTION = 0.1
MAX_FRACTION = 0.9
MIN_DISTRIBUTED_WORKERS = 2
GPU_EXAMPLE = "2 (GPUs), 0.5 (of one GPU) or 20GiB (GPU memory)"
ANY_POOL = ""
"""The node-pool option meaning "let the scheduler choose from the project's pools"."""

_NUMBER = re.compile(r"^\s*[0-9]*\.?[0-9]+\s*$")


class GpuRequestError(ValueError):
    """Text that is not a GPU request; `str()` is the sentence shown under the field."""


MAX_GPUS_PER_POD = 64
"""More whole GPUs per pod than any node has (the largest GPU servers hold 16); a typo, not a request."""


def parse_gpu_request(text: str) -> GpuRequest:
    """`"2"` -> 2 whole GPUs, `"0.5"` -> half of one, `"20GiB"`/`"20480MiB"` -> GPU memory per pod."""
    value = text.strip()
    if not value:
        raise GpuRequestError(f"Say how many GPUs: {GPU_EXAMPLE}; 0 for CPU only.")
    if _NUMBER.match(value):
        number = float(value)
        if not math.isfinite(number) or number > MAX_GPUS_PER_POD:
            # 320 nines parse as inf, which int() and floor() refuse: say what is wrong instead.
            raise GpuRequestError(
                f"{value[:12]}{'…' if len(value) > 12 else ''} GPUs is more than any node has; "
                f"at most {MAX_GPUS_PER_POD} per pod."
            )
        if number.is_integer():
            return GpuRequest.whole(int(number))
        if MIN_FRACTION - 1e-9 <= number <= MAX_FRACTION + 1e-9:
            return GpuRequest.fraction(round(number, 3))
        if number < MIN_FRACTION:
            raise GpuRequestError(f"A fraction must be at least {MIN_FRACTION:g} of a GPU (not {value}).")
        if number < 1:
            raise GpuRequestError(
                f"A fraction must be at most {MAX_FRACTION:g} of a GPU (not {value}); ask for 1 whole GPU."
            )
        raise GpuRequestError(
            f"{value} is not whole GPUs or a fraction: use {math.floor(number)} or {math.ceil(number)} "
            f"GPUs, or a fraction {MIN_FRACTION:g}–{MAX_FRACTION:g} of one."
        )
    if value.startswith("-"):
        raise GpuRequestError("The number of GPUs cannot be negative.")
    try:
        size_bytes = parse_size(value)
    except SizeError as error:
        raise GpuRequestError(f"Not a GPU request: {GPU_EXAMPLE}.") from error
    if size_bytes is None or size_bytes < MIB:
        raise GpuRequestError("GPU memory must be at least 1MiB, e.g. 20GiB.")
    return GpuRequest.memory(size_bytes // MIB)


def validate_gpus(value: FieldValue) -> str | None:
    try:
        parse_gpu_request(str(value or ""))
    except GpuRequestError as error:
        return str(error)
    return None


def parse_workers(value: FieldValue) -> int:
    """The worker count of a distributed training; ValueError unless a whole number."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 6:  # digits only, and not a number no cluster could schedule
        raise ValueError(text)
    return int(text)


def pool_label(pool: NodePool) -> str:
    gpus = f"{pool.gpu_model}, {pool.total_gpus} GPUs" if pool.gpu_model else "CPU only"
    return f"{pool.name} ({gpus})"


class SubmitWorkloadForm(FormScreen[Workload]):
    """Dismisses with the submitted `Workload` (as the backend returned it), or None on esc."""

    FIELD_ALIASES = {
        "project_name": "project",
        "node_pools": "node_pool",
        "gpu": "gpus",
        "gpu_request": "gpus",
    }
    CONFLICT_FIELD = "name"
    LABEL_WIDTH = 24

    def __init__(
        self,
        context: ConsoleContext,
        *,
        projects: Sequence[Project],
        node_pools: Sequence[NodePool],
        project_name: str | None = None,
        workload_type: WorkloadType = WorkloadType.TRAINING,
    ) -> None:
        project_names = sorted(project.name for project in projects)
        default_project = project_name if project_name in project_names else None
        if default_project is None and len(project_names) == 1:
            default_project = project_names[0]
        fields = [
            FormField(
                "type",
                "Type",
                "select",
                value=workload_type,
                options=[(kind.value, kind) for kind in SUBMITTABLE_TYPES],
            ),
            FormField(
                "name", "Name", placeholder="e.g. llama-sft-3 (a-z, 0-9, -)", validate=validate_dns1123_label
            ),
            FormField(
                "project",
                "Project",
                "select",
                value=default_project,
                options=[(name, name) for name in project_names],
                validate=lambda value: "Choose a project." if not value else None,
            ),
            FormField(
                "image",
                "Image",
                placeholder="e.g. nvcr.io/nvidia/pytorch:24.08-py3",
                validate=lambda value: "An image is required." if validate_required(value) else None,
            ),
            FormField("command", "Command", placeholder="optional, e.g. torchrun train.py"),
            FormField("arguments", "Arguments", placeholder="optional, e.g. --epochs 3"),
            FormField("gpus", "GPUs", value="1", placeholder=GPU_EXAMPLE, validate=validate_gpus),
            FormField(
                "workers",
                "Workers (distributed)",
                "number",
                value=str(MIN_DISTRIBUTED_WORKERS),
                disabled=workload_type is not WorkloadType.DISTRIBUTED,
            ),
            FormField(
                "node_pool",
                "Node pool",
                "select",
                value=ANY_POOL,
                options=[("any of the project's", ANY_POOL), *((pool_label(p), p.name) for p in node_pools)],
            ),
            FormField(
                "preemptible",
                "Preemptible",
                "switch",
                value=PREEMPTIBLE_BY_DEFAULT[workload_type],
            ),
        ]
        super().__init__("Submit workload", fields, submit_label="Submit")
        self.backend: Backend = context.backend
        self._preemptible_default = PREEMPTIBLE_BY_DEFAULT[workload_type]
        self._preemptible_chosen = False
        """True once the user set preemptible themselves; a type change then leaves it alone."""

    # -- the type drives the defaults ---------------------------------------------------------------
    @property
    def workload_type(self) -> WorkloadType:
        value = self.value_of("type")
        return value if isinstance(value, WorkloadType) else WorkloadType.TRAINING

    @on(Select.Changed)
    def _type_changed(self, message: Select.Changed) -> None:
        if message.control is not self.widget_for("type"):
            return
        kind = self.workload_type
        workers = self.widget_for("workers")
        workers.disabled = kind is not WorkloadType.DISTRIBUTED
        if not self._preemptible_chosen:
            self._preemptible_default = PREEMPTIBLE_BY_DEFAULT[kind]
            checkbox = self.widget_for("preemptible")
            assert isinstance(checkbox, Checkbox)
            checkbox.value = self._preemptible_default

    @on(Checkbox.Changed)
    def _preemptible_changed(self, message: Checkbox.Changed) -> None:
        if message.control is self.widget_for("preemptible"):
            self._preemptible_chosen = message.value != self._preemptible_default

    # -- checks and submit -----------------------------------------------------------------------------
    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if values["type"] is WorkloadType.DISTRIBUTED:
            try:
                workers = parse_workers(values["workers"])
            except ValueError:
                errors["workers"] = f"Enter a whole number of workers ({MIN_DISTRIBUTED_WORKERS} or more)."
            else:
                if workers < MIN_DISTRIBUTED_WORKERS:
                    errors["workers"] = (
                        f"A distributed training needs at least {MIN_DISTRIBUTED_WORKERS} workers; "
                        "submit a training for one."
                    )
        return errors

    def spec_from(self, values: Mapping[str, FieldValue]) -> WorkloadSpec:
        """The `WorkloadSpec` for validated `values`."""
        kind = values["type"] if isinstance(values["type"], WorkloadType) else WorkloadType.TRAINING
        pool = values["node_pool"] or ANY_POOL
        return WorkloadSpec(
            name=str(values["name"]),
            project_name=str(values["project"]),
            type=kind,
            image=str(values["image"]),
            gpu_request=parse_gpu_request(str(values["gpus"])),
            command=str(values["command"] or ""),
            arguments=str(values["arguments"] or ""),
            node_pools=(str(pool),) if pool else (),
            preemptible=bool(values["preemptible"]),
            workers=parse_workers(values["workers"]) if kind is WorkloadType.DISTRIBUTED else 1,
        )

    def submit(self, values: dict[str, FieldValue]) -> None:
        spec = self.spec_from(values)
        backend = self.backend
        self.run_submit(
            f"Submit {spec.name}",
            lambda: backend.submit_workload(spec),
            success=lambda workload: f"Submitted {workload.name}",
        )
