"""The burst screen's text: the plan before it runs, then each step with its state, and the end.

Pure functions of a `BurstPlan` and a `BurstRun` (no Textual): plain lines, which the screen shows in a
text view (searchable, saved with ctrl+s) and tests read as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.ui.burst_run import BurstRun, StepState
from console.ui.format import format_bytes, format_gpu_request, format_gpus

if TYPE_CHECKING:
    from console.model.capacity import GpuCapacity
    from console.ui.burst_plan import BurstPlan

STEP_MARKS = {
    StepState.WAITING: "·",
    StepState.RUNNING: "▶",
    StepState.DONE: "✓",
    StepState.FAILED: "✗",
    StepState.SKIPPED: "–",
}


def plan_lines(
    plan: BurstPlan, *, suspend_original: bool, target_gpus: GpuCapacity | None, other_targets: int
) -> list[str]:
    """What will happen, before anything does: what travels how, what is submitted, and what stops it."""
    workload = plan.workload
    pods = max(1, workload.requested_pods)
    lines = [
        f"Burst {workload.project_name}/{workload.name} from {plan.source_site} to {plan.target_site}",
        f"  {workload.type.value}, GPUs {format_gpu_request(workload.gpu_request, pods)},"
        f" image {workload.image}, {workload.phase.value} on {plan.source_site}",
    ]
    if target_gpus is not None and target_gpus.usable:
        free = max(0.0, target_gpus.usable - target_gpus.allocated)
        lines.append(
            f"  {plan.target_site}: {format_gpus(free)} of {target_gpus.usable} GPUs free now"
            " (its scheduler decides when the copy runs)"
        )
    lines.append("")
    if plan.filesystems:
        lines.append("Data that travels (WEKA snap-to-object):")
        for carried in plan.filesystems:
            source = carried.source
            since = carried.previous_upload
            size = (
                f"only what changed since {since.name}"
                if since is not None
                else f"everything, up to {format_bytes(source.used_total_bytes)} (the first upload there)"
            )
            lines.append(
                f"  {source.name}: {format_bytes(source.used_total_bytes)} used; {plan.source_site}'s"
                f" {carried.bucket.name} → {plan.target_site}'s {carried.target_bucket.name}"
                f" ({carried.bucket.bucket} on {carried.bucket.hostname})"
            )
            lines.append(f"    becomes filesystem {carried.target_name} on {plan.target_site}")
            lines.append(f"    upload: {size}, at up to {_rate(carried.bucket.bandwidth_bytes_per_second)}")
    if plan.data_only:
        lines.append(
            f"Data only: the filesystems become new ones on {plan.target_site}; nothing is submitted,"
            f" {workload.name} is left as it is  (d: the whole burst)"
        )
    if plan.mounts:
        lines.append("Volumes of the copy (claims bound to the new filesystems):")
        for mount in plan.mounts:
            access = "ro" if mount.read_only else "rw"
            lines.append(
                f"  {mount.claim} → {mount.filesystem}:/{mount.path} at {mount.mount_path} ({access})"
                f"   was {mount.source_claim}"
            )
    if plan.spec is not None:
        pools = ", ".join(plan.spec.node_pools) or "the cluster's default order"
        lines.append(
            f"Submitted on {plan.target_site}: {plan.spec.name} in project {plan.spec.project_name}"
            f" (namespace {plan.target_namespace}), node pools {pools}"
        )
    if not plan.data_only:
        lines.append(
            f"Then: {'suspend' if suspend_original else 'leave'} {workload.name} on {plan.source_site}"
            f"  (s: {'leave it' if suspend_original else 'suspend it'} instead; d: data only)"
        )
    if plan.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in plan.notes)
    lines.append("")
    if plan.problems:
        lines.append("Cannot start:")
        lines.extend(f"  ✗ {problem}" for problem in plan.problems)
    else:
        lines.append("Press enter to start (every step is audited on its site).")
    if other_targets:
        lines.append(f"t: another target site ({other_targets} more)")
    return lines


def _rate(bytes_per_second: int) -> str:
    return f"{format_bytes(bytes_per_second)}/s" if bytes_per_second > 0 else "the bucket's bandwidth"


def run_lines(run: BurstRun) -> list[str]:
    """Each step with its mark and detail, then how it ended (or that it is running)."""
    plan = run.plan
    lines = [
        f"Burst {plan.workload.project_name}/{plan.workload.name}: {plan.source_site} → {plan.target_site}",
        "",
    ]
    for number, step in enumerate(run.steps, 1):
        detail = f": {step.detail}" if step.detail else ""
        lines.append(f"{STEP_MARKS[step.state]} {number}. on {step.site}: {step.title}{detail}")
    lines.append("")
    if not run.finished:
        lines.append("Running… (esc leaves it running; x stops waiting)")
    elif run.failed:
        lines.append(f"✗ Stopped. {run.outcome}")
    else:
        lines.append(f"✓ Done: {run.outcome}.")
    if run.ledger:
        lines.append("")
        lines.append("Made by this burst:")
        lines.extend(f"  {entry}" for entry in run.ledger)
    return lines
