"""What the screens' notations mean, per screen, for the `?` help's legend.

Textual-free: plain (notation, meaning) pairs. Each entry is written against the row builder that
draws it (named in the comment), so a change of notation there is a change here.
"""

from __future__ import annotations

LegendEntry = tuple[str, str]

_BARS: tuple[LegendEntry, ...] = (
    ("████░░", "used or allocated (█) against what there is (░)"),
    ("█████+", "more than the quota or budget: the + says it is over"),
    ("××××", "capacity that cannot take work (a GPU on a node that is down)"),
    ("—", "no value, or one the API sent that rwc could not read (the reason is in the detail or log)"),
    ("no data", "a graph or bar with nothing to draw, never a flat zero"),
)

LEGENDS: dict[str, tuple[LegendEntry, ...]] = {
    # screens/workloads.py _workload_row, console/ui/format.py format_gpu_request
    "workloads": (
        ("Pending*", "the * marks a phase with a reason: Enter shows why (quota, no node fits, preempted)"),
        ("2×4", "GPUs asked per pod × pods (a distributed job: 4 pods of 2 GPUs)"),
        ("0.5 / 20GiB", "a fraction of one GPU / an amount of GPU memory per pod"),
        ("REQ vs ALLOC", "asked for vs held now; a MIG slice may hold 0.43 for 0.5 asked (Enter says why)"),
        ("@user", "/@alice or :wl @alice keeps the workloads alice submitted"),
    ),
    # screens/projects.py describe_quotas and the department rows
    "projects": (
        ("dsv/lim/wt", "per node pool: deserved (guaranteed) / limit (∞ none) / over-quota weight"),
        ("▾ name", "a department; its projects are listed under it"),
        ("your 2 of 3 projects", "a department row counting only the projects you may see"),
        ("ALLOCATED bar", "GPUs held against deserved; + when the project runs over its quota"),
    ),
    # screens/nodes.py
    "nodes": (
        ("× 8 down", "a node that is not Ready: none of its GPUs can run work"),
        ("SCHED cordoned/draining", "its work runs, nothing new lands there (draining moves work off)"),
        ("PROBLEMS", "conditions other than Ready that are True (disk, memory, PID pressure…)"),
    ),
    # screens/gpus.py
    "gpus": (
        ("█▓▒", "shares of one GPU, one shade per holder (fractions, memory or MIG slices)"),
        ("idle", "a GPU no workload holds, on a node that takes work"),
        ("idle · cordoned", "free but on a cordoned or draining node: FREE 0, nothing new lands"),
        ("down", "on a node that is not Ready"),
        ("another project", "a holder in a project you are not a member of (researchers)"),
    ),
    # screens/filesystems.py
    "filesystems": (
        ("SSD USED/BUDGET", "data on SSD against the filesystem's SSD budget"),
        ("OBJECT", "data tiered out to the object store (slower to read back)"),
        ("UPLOAD 3h", "age of the newest snapshot uploaded to object storage: how old the off-site copy is"),
    ),
    # screens/snapshots.py
    "snapshots": (
        ("✓ local / ✓ remote", "uploaded to the filesystem's local (tiering) or remote (DR) bucket"),
        ("↑local 40%", "uploading now, with how far it has got"),
        ("not uploaded", "only on this cluster: no off-site copy"),
        ("ro / rw", "read-only or writable snapshot (a writable one cannot be uploaded)"),
    ),
    "weka": (("WEKA OK / ? since", "the cluster's status; ? since HH:MM:SS when WEKA stopped answering"),),
}


def legend_for(screen_name: str) -> list[tuple[str, tuple[LegendEntry, ...]]]:
    """This screen's notations first, then the bars and marks every screen shares."""
    sections: list[tuple[str, tuple[LegendEntry, ...]]] = []
    own = LEGENDS.get(screen_name)
    if own:
        sections.append(("Legend", own))
    sections.append(("Legend: bars and marks", _BARS))
    return sections
