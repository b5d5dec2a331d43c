"""What the screens' notations mean, per screen, for the `?` help's legend.

A new user meets `Pending*`, `2×4`, `a100 8/∞/2`, `████+` or `↑local 40%` with no word of what they mean;
`?` is where they look. Each screen's entries sit under that screen's name (its help shows them first,
then what every screen draws, then the other screens'), and each is written against the row builder
that draws it (named in the comment above it), so a change of notation there is a change here.

Textual-free: plain (notation, meaning) pairs, read by `screens.help`.
"""

from __future__ import annotations

from dataclasses import dataclass

LegendEntry = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Legend:
    """The notations one screen draws, under the title the user knows the screen by."""

    title: str
    entries: tuple[LegendEntry, ...]


EVERY_SCREEN = Legend(
    "every screen",
    (
        # widgets/header.py _status_line, console/ui/gpu_availability.py format_gpu_capacity
        ("GPU 50.9/56", "header: GPUs allocated of those on Ready nodes"),
        ("(8 down)", "header: GPUs on nodes not Ready, not in the 56"),
        # widgets/header.py _weka_word
        ("? since 10:42", "header: WEKA has not answered since then"),
        ("STALE", "data stopped refreshing (the line above says why)"),
        # widgets/bars.py capacity_bar
        ("███░░ 3/5", "used (█) of what there is (░), then the numbers"),
        ("████+", "over the total, as a project over its quota"),
        # widgets/bars.py segmented_bar with UNAVAILABLE
        ("××××", "capacity that cannot take work (a node down)"),
        # console/ui/format.py NOT_AVAILABLE
        ("—", "no value: none applies, or none could be read"),
        ("no data", "nothing true to draw (never a zero bar)"),
        # console/ui/format.py format_age
        ("45s 3h12m 2d3h", "how long ago (AGE, UPLOAD), to the unit shown"),
    ),
)

SCREEN_LEGENDS: dict[str, Legend] = {
    # screens/projects.py describe_quotas, _department_row, _project_row, _allocation_bar
    "projects": Legend(
        "Projects",
        (
            ("a100 8/∞/2", "QUOTA per node pool: dsv/lim/wt, as below"),
            ("dsv", "deserved: GPUs guaranteed in that pool"),
            ("lim", "limit: the most it may hold there (∞: none)"),
            ("wt", "over-quota weight: its share of idle GPUs"),
            ("████+ 9/8", "ALLOCATED: GPUs held of deserved; + over quota"),
            ("RUN PND", "workloads running, pending"),
            ("▾ name", "a department; its projects are listed under it"),
            ("your 2 of 3", "you see 2 of its projects: its numbers count those"),
        ),
    ),
    # screens/workloads.py _workload_row, console/ui/format.py format_gpu_request
    "workloads": Legend(
        "Workloads",
        (
            ("Pending*", "*: the phase has a reason (quota…); ⏎ shows it"),
            ("2×4", "REQ: 2 GPUs per pod × 4 pods (distributed workers)"),
            ("0.5  20GiB", "REQ: a share of one GPU, or GPU memory, per pod"),
            ("ALLOC 0.43", "held now: 0.43 for 0.5 on a MIG slice (⏎ says why)"),
            ("wksp", "TYPE: workspace (dist: distributed, infer: inference)"),
            ("@alice", "/@alice or :wl @alice: what alice submitted"),
        ),
    ),
    # screens/nodes.py _node_row, scheduling_state, problem_conditions
    "nodes": Legend(
        "Nodes",
        (
            ("Ready!", "a problem condition besides readiness: PROBLEMS names it"),
            ("× 8 down", "GPUS of a node that is not Ready: none can run work"),
            ("cordoned", "SCHED: what runs there keeps running, nothing new lands"),
            ("draining", "SCHED: preemptible work moves off, nothing new lands"),
            ("—", "SCHED: work can land; CPU, MEM: not reported (see note)"),
        ),
    ),
    # screens/gpus.py _gpu_row, describe_share; console/data/visibility.py ANOTHER_PROJECT
    "gpus": Legend(
        "GPU fractions",
        (
            ("████▓▓░░ 0.75", "a GPU's shares, a glyph per holder (█ ▓ ▒); ░ free"),
            ("▓train-b 0.25", "HELD BY: each holder after its glyph, and its share"),
            ("MIG 1g.10gb", "a GPU cut into MIG slices; the holder's slice"),
            ("idle", "no workload holds it"),
            ("idle · cordoned", "free, but the node is cordoned or draining: FREE 0"),
            ("down", "node not Ready: bar ×, FREE down, runs nothing"),
            ("another project", "held by a project you are not a member of"),
        ),
    ),
    # screens/filesystems.py build_rows, tiering_bucket
    "filesystems": Legend(
        "Filesystems",
        (
            ("SSD USED/BUDGET", "data on SSD of its SSD budget"),
            ("OBJECT", "data tiered to the object store (— SSD-only)"),
            ("UPLOAD 3h", "its newest uploaded snapshot was taken 3h ago"),
            ("UPLOAD never", "no snapshot of it is in an object store"),
            ("READY enc", "STATUS, and enc when the filesystem is encrypted"),
        ),
    ),
    # screens/snapshots.py _upload_cell, _snapshot_row; screens/snapshot_detail.py site_word
    "snapshots": Legend(
        "Snapshots",
        (
            ("✓ local", "uploaded to the filesystem's local (tiering) bucket"),
            ("✓ remote", "uploaded to its remote bucket (local+remote: both)"),
            ("↑local 40%", "uploading to the local bucket, 40% done"),
            ("✓local ↑remote", "in one bucket, uploading to the other"),
            ("✓ uploaded  ↑", "uploaded, uploading; WEKA does not say where"),
            ("not uploaded", "on this cluster only: no off-site copy"),
            ("ro rw", "RW: a read-only or a writable snapshot"),
            ("(removing)", "being deleted"),
            ("LOCATOR", "what another cluster needs to bring it online"),
        ),
    ),
    # screens/weka_overview.py STATUS_SYMBOLS, STATUS_WORDS; its alerts as below
    "weka": Legend(
        "WEKA",
        (
            ("✓ OK", "fully protected"),
            ("◐", "rebuilding or redistributing data"),
            ("! ✗", "partially protected; not protected, or unavailable"),
            ("10/12 (2 down)", "drives, backends, clients: active of total"),
            ("✗✗ ✗ ! i", "alert severity: critical, major, minor/warning, info"),
            ("muted", "an alert someone muted in WEKA"),
        ),
    ),
    # screens/alerts.py SEVERITY_SYMBOLS, SOURCE_WORDS, alert_row
    "alerts": Legend(
        "Alerts",
        (
            ("✗✗ ✗ ! i", "severity: critical, major, minor/warning, info"),
            ("muted", "an alert someone muted in WEKA (listed last)"),
            ("FROM", "WEKA's own alerts, or Run:ai (raised by rwc: a node down, a degraded workload)"),
        ),
    ),
    # screens/idle.py idle_row
    "idle": Legend(
        "Idle GPUs",
        (
            ("<5% ≥30m", "listed: held GPUs used under 5 % for at least the window (w changes it)"),
            ("UTIL", "its mean utilisation over the idle time"),
            ("IDLE FOR 1h+", "idle at least since the history read begins (twice the window)"),
            ("GPU·H", "GPUs held × idle hours: what the idleness cost"),
        ),
    ),
    # screens/starved.py starved_row; console/ui/starved.py
    "starved": Legend(
        "GPUs starving for data",
        (
            ("listed", "a training under 90 % GPU for 5 min+ while its nodes' WEKA reads wait or hit S3"),
            ("FED", "GPU utilisation against 90 % (MLPerf Storage's floor for a fed accelerator)"),
            ("FOR 1h+", "under 90 % at least since the hour of history read begins"),
            ("GPU·H", "GPUs × (1 − fed) × time: the GPU time the wait cost"),
            ("EVIDENCE", "its node's WEKA client: read rate, read latency, share from the object tier"),
        ),
    ),
    # screens/pools.py pool_row
    "pools": Legend(
        "Node pools",
        (
            ("NODES 3/4 1 cordoned", "Ready of all; how many take no new work"),
            ("GPUS 22/24 (8 down)", "allocated of usable; GPUs on nodes that are not Ready"),
            ("QUOTA 18/16 over", "projects' deserved quota of usable GPUs: more is promised than fits"),
            ("PENDING 2 wl 6 GPU", "pending workloads waiting for the pool, and the GPUs they ask"),
            ("GPU USE ▆▇▇ 80%", "its workloads' GPU use over the hour, GPU-weighted, and the mean"),
        ),
    ),
    # screens/protection.py protection_row; console/ui/protection.py
    "protection": Legend(
        "Data protection",
        (
            ("UPLOADED 3h remote", "its newest snapshot copied off the cluster was taken 3h ago; where to"),
            ("RPO 1d", "the target: a schedule's (p), two periods of an uploading one, else 1d"),
            ("✗ past by 5h", "the newest off-cluster copy is older than the target by that much"),
            ("✗ past ↑41%", "past it, and an upload of a newer snapshot is 41 % done (u starts one)"),
            ("✗ never uploaded", "it has a bucket but no snapshot of it was ever uploaded"),
            ("— no bucket", "no object store attached: it cannot be copied off the cluster"),
            ("GROWTH measuring", "growth is measured while rwc watches: 10 minutes before a rate"),
            ("FULL IN", "when it fills at that growth (the title: all filesystems together)"),
        ),
    ),
    # screens/schedules.py SchedulesScreen._row
    "schedules": Legend(
        "Snapshot schedules",
        (
            ("RUNS every 1h", "every N minutes on the clock; daily 02:00, monthly 1st 00:00 (UTC)"),
            ("KEEP 24", "the newest 24 are kept; older ones it took are deleted"),
            ("UPLOAD remote", "each snapshot is copied to that bucket (local: tiering; remote: DR)"),
            ("RPO 2h / 1d*", "the target it gives its filesystem: two periods; * set by hand"),
            ("NEXT 02:00", "its next run (UTC); a date when more than a day away"),
        ),
    ),
    # console/ui/site_overview.py site_row
    "sites": Legend(
        "Sites",
        (
            ("on-prem •", "the open site (:ctx or enter switches; each keeps its screen, filters, sorts)"),
            ("PENDING 4 (16)", "workloads waiting for GPUs and the GPUs they ask (200+: a page of them)"),
            ("SSD 42%", "WEKA's SSD used of its raw capacity"),
            ("RPO 7h/24h", "the least protected filesystem's newest upload, against the 24 h target"),
            ("STATE", "open, connected, or why not (since when); other sites refresh once a minute"),
        ),
    ),
    # console/ui/dr_rows.py dr_row, state_words
    "dr": Legend(
        "DR plan",
        (
            ("on-prem/home", "a filesystem (site/name) with a copy another site can read"),
            ("RESTORE AT cloud", "the site that reads the bucket the copy is in"),
            ("AGE/RPO 1h/2h", "the restorable snapshot's age against its RPO target; red when past"),
            ("✗ never uploaded to", "the bucket is shared but no snapshot of it was uploaded there"),
            ("? cloud not read", "a site did not answer: whether it could restore it is unknown"),
            ("⏎", "the steps as a dry run: REST calls and weka CLI commands; nothing runs"),
        ),
    ),
    # screens/events.py SEVERITY_SYMBOLS, SOURCE_WORDS, KIND_PREFIXES, event_message
    "events": Legend(
        "Events",
        (
            ("T  · ! ✗", "type: Normal, Warning, Critical (WEKA's MAJOR and CRITICAL)"),
            ("SOURCE", "Run:ai (scheduler, workload controller), K8s (kubelet, nodes), WEKA, NVML"),
            ("wl/ no/ fs/", "what it is about: a workload, a node, a filesystem (as `:` names its list)"),
            ("by proj/wl:", "a preemption: the project and workload that took the GPUs"),
            ("w p s", "Warning and Critical only; preemptions only; one source at a time"),
        ),
    ),
}
"""In the number keys' order (then the screens without one); the keys are the screens' registry names
(`console.ui.keymap.SCREENS`)."""

LEGEND_OF_DETAIL: dict[str, str] = {
    "workload_detail": "workloads",
    "snapshot_detail": "snapshots",
    "node_detail": "nodes",
    "filesystem_detail": "filesystems",
    "dr_plan": "dr",
}
"""A detail view draws its list's notations: its help shows that list's legend first."""


def legend_for(screen_name: str) -> tuple[list[tuple[str, Legend]], list[tuple[str, Legend]]]:
    """This screen's legend (none for a screen that draws no notation), then the rest: what every
    screen draws, then every other screen's, each headed by the screen's title."""
    own_name = LEGEND_OF_DETAIL.get(screen_name, screen_name)
    own = SCREEN_LEGENDS.get(own_name)
    first = [(f"Legend: {own.title} (this screen)", own)] if own else []
    rest = [(f"Legend: {EVERY_SCREEN.title}", EVERY_SCREEN)]
    rest.extend(
        (f"Legend: {legend.title}", legend) for name, legend in SCREEN_LEGENDS.items() if name != own_name
    )
    return first, rest
