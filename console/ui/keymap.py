"""The one registry of screens, keys and actions (Harlequin's `HARLEQUIN_ACTIONS`, rwc-sized).

Every key rwc answers to is a `KeyAction` here. The App's and the screens' `BINDINGS`, the footer,
the `?` help screen, the `:` command line's completion and the command palette are all derived from
these tuples, so a key cannot exist in one place and be missing from another.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial


@dataclass(frozen=True, slots=True)
class ScreenEntry:
    """A top-level screen: its registry name, title, number key ("" for none) and `:` aliases."""

    name: str
    title: str
    number_key: str
    aliases: tuple[str, ...]
    description: str
    location: str = ""
    """`module:Class` of its screen, imported on first use (`console.app.SCREEN_CLASSES`)."""

    @property
    def command_names(self) -> tuple[str, ...]:
        """Everything `:` accepts for this screen, shortest first (the first alias is the k9s one)."""
        return (*self.aliases, self.name)


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(
        "projects",
        "Projects",
        "1",
        ("proj", "pj", "project"),
        "Projects and departments: quotas",
        location="screens.projects:ProjectsScreen",
    ),
    ScreenEntry(
        "workloads",
        "Workloads",
        "2",
        ("wl", "workload", "jobs"),
        "Workloads: phase, GPUs, node",
        location="screens.workloads:WorkloadsScreen",
    ),
    ScreenEntry(
        "nodes",
        "Nodes",
        "3",
        ("no", "node"),
        "Nodes: readiness, cordon/drain, GPUs",
        location="screens.nodes:NodesScreen",
    ),
    ScreenEntry(
        "gpus",
        "GPU fractions",
        "4",
        ("gpu", "fractions", "frac"),
        "Each GPU and who holds it",
        location="screens.gpus:GpusScreen",
    ),
    ScreenEntry(
        "filesystems",
        "Filesystems",
        "5",
        ("fs", "filesystem"),
        "WEKA filesystems: SSD, tiering",
        location="screens.filesystems:FilesystemsScreen",
    ),
    ScreenEntry(
        "snapshots",
        "Snapshots",
        "6",
        ("snap", "snapshot", "snaps"),
        "WEKA snapshots and uploads",
        location="screens.snapshots:SnapshotsScreen",
    ),
    ScreenEntry(
        "weka",
        "WEKA",
        "7",
        ("wk",),
        "WEKA cluster: health, capacity, IO, alerts",
        location="screens.weka_overview:WekaOverviewScreen",
    ),
    ScreenEntry(
        "alerts",
        "Alerts",
        "8",
        ("al", "alert"),
        "Every open alert: WEKA and Run:ai",
        location="screens.alerts:AlertsScreen",
    ),
    ScreenEntry(
        "pools",
        "Node pools",
        "9",
        ("np", "pool"),
        "Node pools: GPUs, quota given out, demand",
        location="screens.pools:PoolsScreen",
    ),
    ScreenEntry(
        "idle",
        "Idle GPUs",
        "0",
        ("id",),
        "GPUs held and not used: who, how long, GPU-hours",
        location="screens.idle:IdleScreen",
    ),
    # No number key is free: `:starved` (and the palette) open it.
    ScreenEntry(
        "starved",
        "GPUs starving for data",
        "",
        ("sv", "fed"),
        "Trainings under 90 % GPU on a saturated data path",
        location="screens.starved:StarvedScreen",
    ),
    # No number key is free: `:rpo` (and the palette) open it.
    ScreenEntry(
        "protection",
        "Data protection",
        "",
        ("rpo", "protect"),
        "Off-cluster copies against the RPO; fill forecast",
        location="screens.protection:ProtectionScreen",
    ),
    # No number key is free: `:sched` (and the palette, `p` on a filesystem or on `:rpo`) open it.
    ScreenEntry(
        "schedules",
        "Snapshot schedules",
        "",
        ("sched", "schedule"),
        "Snapshot schedules: every, keep, upload, RPO",
        location="screens.schedules:SchedulesScreen",
    ),
    # No number key is free: `:sites` (and the palette) open it; with several sites rwc opens on it.
    ScreenEntry(
        "sites",
        "Sites",
        "",
        ("sites", "site"),
        "Every site: GPUs, pending, WEKA, alerts, RPO, connection",
        location="screens.sites:SitesScreen",
    ),
    # No number key is free: `:dr` (and the palette) open it.
    ScreenEntry(
        "dr",
        "DR plan",
        "",
        ("dr", "restore"),
        "Which site could restore each filesystem, from which copy: a dry run",
        location="screens.dr:DrScreen",
    ),
    # No number key is free: `:ev` (and the palette) open it.
    ScreenEntry(
        "events",
        "Events",
        "",
        ("ev", "event"),
        "Events of every source: who preempted whom",
        location="screens.events:EventsScreen",
    ),
)
SCREENS_BY_NAME: dict[str, ScreenEntry] = {entry.name: entry for entry in SCREENS}
DEFAULT_SCREEN = "workloads"
"""Where rwc opens: the view an operator checks first, as k9s opens on pods."""

QUIT_COMMANDS: tuple[str, ...] = ("q", "quit", "q!", "exit")
SITE_COMMANDS: tuple[str, ...] = ("ctx", "context")
"""`:ctx` lists the sites to switch to (k9s' word for it); `:ctx NAME` switches at once."""
HELP_COMMANDS: tuple[str, ...] = ("help", "?")


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One key, the action it runs and how it is described in the footer, help and palette.

    `scope` is "app" (everywhere), "table" (every resource table screen) or a screen name
    (`workload_detail`). `show` puts it in the footer; `palette` offers it in ctrl+p.
    """

    key: str
    action: str
    description: str
    scope: str = "app"
    key_display: str | None = None
    show: bool = True
    palette: bool = True
    priority: bool = False
    group: str = "General"

    @property
    def display_key(self) -> str:
        return self.key_display or self.key.split(",")[0]


SCREEN_KEYS: tuple[KeyAction, ...] = tuple(
    KeyAction(
        entry.number_key,
        f"show_screen('{entry.name}')",
        entry.title,
        key_display=entry.number_key,
        show=False,
        group="Screens",
    )
    for entry in SCREENS
    if entry.number_key
)

APP_KEYS: tuple[KeyAction, ...] = (
    *SCREEN_KEYS,
    # Priority (as `/` below): a key that opens a prompt runs before the keys typed after it are
    # delivered, so `:no` or `/llama` arriving in one read (a paste, a slow SSH link) lands in the
    # prompt instead of running `n`, `l`... on the table. The screen's `check_action` lets these
    # keys through to an input that already has focus, so `:` and `/` can still be typed.
    KeyAction(
        "colon", "screen.open_command_line", "Command", key_display=":", group="Screens", priority=True
    ),
    KeyAction("question_mark", "show_help", "Help", key_display="?"),
    KeyAction("ctrl+p", "command_palette", "Command palette", key_display="^p", show=False, palette=False),
    KeyAction("q", "quit", "Quit"),
    # Textual's own ctrl+c only says "press ctrl+q to quit"; a terminal user's ctrl+c means stop now, as in
    # k9s and every shell tool: exit at once with the shell's status for an interrupt (130).
    KeyAction(
        "ctrl+c", "interrupt", "Quit now (exit status 130)", key_display="^c", show=False, palette=False
    ),
)
"""Keys that work on every screen (not while typing in an input: `:` is a priority key only to open
its prompt ahead of the keys typed after it, see above)."""


def scoped_keys(scope: str, group: str, *, palette: bool = True) -> partial[KeyAction]:
    """A `KeyAction` maker for one scope's table: every key of a screen shares its scope and help group
    (and a dialog's keys stay out of the palette), so each table lists only what differs per key."""
    return partial(KeyAction, scope=scope, group=group, palette=palette)


def back_key(scope: str, group: str) -> KeyAction:
    """esc: back to where the user came from (every detail and text view)."""
    return KeyAction("escape", "back", "Back", scope=scope, key_display="esc", group=group)


def reload_key(scope: str, group: str, description: str = "Refresh now") -> KeyAction:
    """^r: ask the backend again now, out of the footer."""
    return KeyAction("ctrl+r", "refresh", description, scope=scope, key_display="^r", show=False, group=group)


def cancel_key(scope: str, group: str, keys: str = "escape,q") -> KeyAction:
    """esc (and q, as on every question: "get me out", never "quit rwc with the question open")."""
    return KeyAction(keys, "cancel", "Cancel", scope=scope, key_display="esc", palette=False, group=group)


_table = scoped_keys("table", "Table")
TABLE_KEYS: tuple[KeyAction, ...] = (
    _table("slash", "start_filter", "Filter", key_display="/", priority=True),
    # Priority only so the footer shows it over the table's own (hidden) enter; the screen's
    # `check_action` lets it through to inputs, so enter still submits a prompt.
    _table("enter", "open_detail", "Detail", key_display="⏎", palette=False, priority=True),
    _table("escape", "back", "Back / clear filter", key_display="esc", show=False, palette=False),
    reload_key("table", "Table"),
)
"""Keys of every resource table screen; sort keys come from the table's columns (shift+letter)."""

TABLE_NAVIGATION_HELP: tuple[tuple[str, str], ...] = (
    ("↑ ↓ pgup pgdn", "Move the cursor"),
    ("home end", "First / last row"),
)
"""Keys the table widget itself owns, listed in help so `?` shows every key a user can press."""


def workload_action_keys(scope: str) -> tuple[KeyAction, ...]:
    """Suspend, resume, delete, logs and describe: the same keys on the workloads list and the detail."""
    key = scoped_keys(scope, "Workload")
    return (
        key("l", "show_logs", "Logs"),
        key("y", "describe_workload", "Describe", show=False),
        key("S", "suspend_workload", "Suspend", key_display="⇧s"),
        key("R", "resume_workload", "Resume", key_display="⇧r", show=False),
        key("D", "delete_workload", "Delete", key_display="⇧d"),
        key("c", "checkpoint_workload", "Checkpoint (suspend, snapshot, resume)", show=False),
        key("b", "burst_workload", "Burst to another site (data travels by snap-to-object)", show=False),
    )


_workloads = scoped_keys("workloads", "Workload")
WORKLOAD_KEYS: tuple[KeyAction, ...] = (
    _workloads("s", "submit_workload", "Submit"),
    *workload_action_keys("workloads"),
    _workloads("m", "toggle_mine", "Mine / everyone's", show=False),
)
"""The workloads list's actions; its sort keys avoid S, R and D (phase sorts on ⇧h, requested on ⇧q).
Describe, resume and the mine toggle stay out of the footer (help and the palette list them; the title
says "My workloads" while the toggle is on) so the rest fit in 80 columns."""

_text_view = scoped_keys("text_view", "View")
TEXT_VIEW_KEYS: tuple[KeyAction, ...] = (
    back_key("text_view", "View"),
    _text_view("slash", "start_search", "Search", key_display="/", priority=True),
    _text_view("n", "next_match", "Next match", show=False),
    _text_view("N", "previous_match", "Previous match", key_display="⇧n", show=False),
    _text_view("w", "toggle_wrap", "Wrap"),
    _text_view("ctrl+s", "save_text", "Save", key_display="^s"),
)
"""Keys of the log and describe views (a scrollable text with search); arrows, pgup/pgdn, home/end scroll."""

_logs = scoped_keys("logs", "Logs")
LOGS_KEYS: tuple[KeyAction, ...] = (
    _logs("f", "toggle_follow", "Follow"),
    _logs("p", "pick_pod", "Pod"),
    _logs("P", "toggle_previous", "Previous container", key_display="⇧p"),
    _logs("r", "cycle_rank", "Rank"),
    _logs("R", "pick_ranks", "Ranks…", key_display="⇧r", show=False),
)

_burst = scoped_keys("burst", "Burst")
BURST_KEYS: tuple[KeyAction, ...] = (
    _burst("enter", "start_burst", "Start", key_display="⏎"),
    _burst("t", "next_target", "Target site"),
    _burst("s", "toggle_suspend", "Suspend original"),
    _burst("d", "toggle_data_only", "Data only (bring results back)", show=False),
    _burst("x", "stop_burst", "Stop waiting", show=False),
)
"""`b` on a workload: the burst's plan, then its progress (a text view: search and save work as on logs)."""

_ranks = scoped_keys("ranks", "Ranks", palette=False)
RANKS_KEYS: tuple[KeyAction, ...] = (
    _ranks("enter", "apply", "Show", key_display="⏎", priority=True),
    cancel_key("ranks", "Ranks"),
)
"""`⇧r` on the merged log view: space shows or hides a rank (the list's own key), enter applies."""

CHOOSE_KEYS: tuple[KeyAction, ...] = (cancel_key("choose", "Choose"),)
"""A list to pick from (`p` on logs: whose log; `f` on a workload: which filesystem): arrows and enter
pick (the list's own keys)."""

DESCRIBE_KEYS: tuple[KeyAction, ...] = (
    KeyAction("J", "toggle_format", "JSON/YAML", scope="describe", key_display="⇧j", group="Describe"),
    reload_key("describe", "Describe", "Reload"),
)

_workload_detail = scoped_keys("workload_detail", "Detail")
WORKLOAD_DETAIL_KEYS: tuple[KeyAction, ...] = (
    back_key("workload_detail", "Detail"),
    *workload_action_keys("workload_detail"),
    _workload_detail("f", "open_filesystem", "Filesystem"),
    _workload_detail("w", "next_usage_window", "GPU use window", show=False),
    reload_key("workload_detail", "Detail"),
)

HELP_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "escape,question_mark,q",
        "close_help",
        "Close",
        scope="help",
        key_display="esc",
        palette=False,
        group="Help",
    ),
)

IDLE_KEYS: tuple[KeyAction, ...] = (
    *workload_action_keys("idle"),
    KeyAction("w", "next_window", "Window", scope="idle", group="Idle GPUs"),
)
"""The idle-GPU view: the workload keys (suspend is the point), and `w` for the next window."""

STARVED_KEYS: tuple[KeyAction, ...] = (
    *workload_action_keys("starved"),
    KeyAction("p", "prefetch_dataset", "Prefetch", scope="starved", group="Starved GPUs"),
)
"""The starved view: the workload keys, and `p` to fetch the dataset back from the object tier."""

_events = scoped_keys("events", "Events")
EVENT_KEYS: tuple[KeyAction, ...] = (
    _events("w", "toggle_warnings", "Warnings"),
    _events("p", "toggle_preemptions", "Preemptions"),
    _events("s", "next_source", "Source"),
)
"""The event list's typed filters beside `/`: Warning and Critical only, preemptions only (who took whose
GPUs), and one source at a time (all, Run:ai, Kubernetes, WEKA, NVML, all again)."""

_node_detail = scoped_keys("node_detail", "Node")
NODE_DETAIL_KEYS: tuple[KeyAction, ...] = (
    back_key("node_detail", "Node"),
    _node_detail("g", "node_gpus", "GPUs"),
    _node_detail("y", "describe_node", "Describe (YAML)"),
    _node_detail("w", "next_usage_window", "GPU history window (5m, 1h, 24h)", show=False),
)
"""The node detail: back to the list, on to the node's GPUs, the describe view, and `w` for the window of
each GPU's history."""

_alerts = scoped_keys("alerts", "Alerts")
ALERT_KEYS: tuple[KeyAction, ...] = (
    _alerts("m", "mute_alert", "Mute/unmute"),
    _alerts("a", "toggle_muted", "All (muted too)"),
)
"""The alerts list opens on the open alerts the header counts; `a` shows the muted ones too, `m` mutes
the WEKA alert type under the cursor for a while (or unmutes a muted one)."""

MUTE_DURATIONS: tuple[tuple[str, str, int], ...] = (
    ("h", "1 hour", 3600),
    ("e", "8 hours (a working day)", 8 * 3600),
    ("d", "1 day", 24 * 3600),
    ("w", "1 week", 7 * 24 * 3600),
)
"""The mute dialog's choices: key, words, seconds (WEKA's CLI takes `2h`, `1d`, `1w`)."""

MUTE_KEYS: tuple[KeyAction, ...] = (
    *(
        KeyAction(key, f"choose({seconds})", words, scope="mute", palette=False, group="Mute")
        for key, words, seconds in MUTE_DURATIONS
    ),
    cancel_key("mute", "Mute"),
)

_projects = scoped_keys("projects", "Projects")
PROJECT_KEYS: tuple[KeyAction, ...] = (
    _projects("c", "create_project", "New project"),
    _projects("e", "edit_quota", "Edit quota"),
    _projects("D", "delete_project", "Delete", key_display="⇧d"),
    # Out of the footer (help and the palette list it): at 80 columns it would push "q Quit" off.
    _projects("v", "show_events", "Events", show=False),
    _projects("space", "toggle_department", "Collapse / expand department", key_display="space", show=False),
    _projects("w", "next_usage_window", "GPU use window (5m, 1h, 24h)", show=False),
    _projects("b", "burst_queue", "Burst a pending workload to another site", show=False),
)
"""Project and department actions; `e` on a department row edits the department's quota; space (and
enter) on a department row folds its projects away or back."""

POOL_KEYS: tuple[KeyAction, ...] = (
    KeyAction("w", "next_usage_window", "GPU use window", scope="pools", group="Node pools"),
)
"""The node pools: `w` reads GPU USE over the next window (5m, 1h, 24h)."""

_nodes = scoped_keys("nodes", "Nodes")
NODE_KEYS: tuple[KeyAction, ...] = (
    _nodes("c", "cordon_node", "Cordon"),
    _nodes("u", "uncordon_node", "Uncordon"),
    _nodes("d", "drain_node", "Drain"),
    _nodes("U", "undrain_node", "Undrain", key_display="⇧u"),
    _nodes("y", "describe_node", "Describe (YAML)", show=False),
)

_filesystems = scoped_keys("filesystems", "Filesystems")
FILESYSTEM_KEYS: tuple[KeyAction, ...] = (
    _filesystems("c", "create_filesystem", "Create"),
    _filesystems("r", "resize_filesystem", "Resize"),
    _filesystems("t", "set_tiering", "Tiering"),
    _filesystems("D", "delete_filesystem", "Delete", key_display="⇧d"),
    _filesystems("v", "show_events", "Events", show=False),
)

FILESYSTEM_DETAIL_KEYS: tuple[KeyAction, ...] = (
    back_key("filesystem_detail", "Filesystem"),
    KeyAction("s", "filesystem_snapshots", "Snapshots", scope="filesystem_detail", group="Filesystem"),
    KeyAction("p", "filesystem_schedules", "Schedules", scope="filesystem_detail", group="Filesystem"),
)
"""One filesystem in full (enter on Filesystems): capacity, tiering, off-site copy, alerts, who mounts it."""

_snapshots = scoped_keys("snapshots", "Snapshots")
SNAPSHOT_KEYS: tuple[KeyAction, ...] = (
    _snapshots("c", "create_snapshot", "Create"),
    _snapshots("d", "delete_snapshot", "Delete"),
    _snapshots("R", "restore_snapshot", "Restore", key_display="⇧r"),
    _snapshots("u", "upload_snapshot", "Upload"),
    _snapshots(
        "F", "create_filesystem_from_snapshot", "Filesystem from snapshot", key_display="⇧f", show=False
    ),
)
"""WEKA actions; uppercase keys destroy or replace data (shift to reach them). Short words so each
footer fits 80 columns; ⇧f is in help and the palette only."""

SNAPSHOT_DETAIL_KEYS: tuple[KeyAction, ...] = (
    back_key("snapshot_detail", "Snapshot"),
    reload_key("snapshot_detail", "Snapshot"),
)
"""One snapshot in full (enter on Snapshots): its upload per site, progress, rate and ETA."""

_protection = scoped_keys("protection", "Data protection")
PROTECTION_KEYS: tuple[KeyAction, ...] = (
    _protection("u", "upload_newest", "Upload newest"),
    _protection("p", "show_schedules", "Schedules"),
)
"""On `:rpo`: copy the filesystem's newest snapshot off the cluster (what clears a red row), or open its
snapshot schedules (where its target comes from)."""

_schedules = scoped_keys("schedules", "Schedules")
SCHEDULE_KEYS: tuple[KeyAction, ...] = (
    _schedules("c", "create_schedule", "Create"),
    _schedules("e", "edit_schedule", "Edit"),
    _schedules("d", "delete_schedule", "Delete"),
    _schedules("r", "run_schedule", "Run once"),
)
"""Snapshot schedules (`:sched`); deleting one keeps the snapshots it took."""

_confirm = scoped_keys("confirm", "Confirm", palette=False)
CONFIRM_KEYS: tuple[KeyAction, ...] = (
    _confirm("y,enter", "confirm", "Yes", key_display="y"),
    # q too: on a question, q means "get me out", not "quit rwc with the question open".
    _confirm("n,escape,q", "cancel", "No", key_display="n/esc"),
)

TYPE_NAME_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "enter", "confirm", "Confirm", scope="type_name", key_display="⏎", palette=False, group="Confirm"
    ),
    cancel_key("type_name", "Confirm", keys="escape"),
)
"""Enter is also the input's own submit; both end in the same exact-name check."""

_form = scoped_keys("form", "Form", palette=False)
FORM_KEYS: tuple[KeyAction, ...] = (
    _form("ctrl+s", "submit", "Save", key_display="^s"),
    cancel_key("form", "Form", keys="escape"),
    _form("tab", "app.focus_next", "Next field", key_display="tab", show=False),
    _form("shift+tab", "app.focus_previous", "Previous field", key_display="⇧tab", show=False),
)
"""In a form, enter in a text field moves to the next one, and on the last field saves."""

_filter = scoped_keys("filter", "Filter (/)", palette=False)
FILTER_KEYS: tuple[KeyAction, ...] = (
    _filter("enter", "keep_filter", "Keep filter", key_display="⏎"),
    _filter("escape", "clear_filter", "Clear filter", key_display="esc"),
)

_command_line = scoped_keys("command_line", "Command line (:)", palette=False)
COMMAND_LINE_KEYS: tuple[KeyAction, ...] = (
    _command_line("tab", "complete", "Complete", key_display="tab"),
    _command_line("enter", "run_command", "Go", key_display="⏎"),
    _command_line("escape", "close_command_line", "Cancel", key_display="esc"),
)

_upload_site = scoped_keys("upload_site", "Upload", palette=False)
UPLOAD_SITE_KEYS: tuple[KeyAction, ...] = (
    _upload_site("l", "choose('LOCAL')", "Local"),
    _upload_site("r", "choose('REMOTE')", "Remote"),
    cancel_key("upload_site", "Upload"),
)
"""The snapshot upload's site question (shown when both kinds of bucket are attached)."""

ALL_KEYS: tuple[KeyAction, ...] = (
    *APP_KEYS,
    *TABLE_KEYS,
    *WORKLOAD_DETAIL_KEYS,
    *WORKLOAD_KEYS,
    *TEXT_VIEW_KEYS,
    *LOGS_KEYS,
    *BURST_KEYS,
    *DESCRIBE_KEYS,
    *FILTER_KEYS,
    *COMMAND_LINE_KEYS,
    *HELP_KEYS,
    *PROJECT_KEYS,
    *POOL_KEYS,
    *ALERT_KEYS,
    *IDLE_KEYS,
    *STARVED_KEYS,
    *EVENT_KEYS,
    *MUTE_KEYS,
    *CHOOSE_KEYS,
    *RANKS_KEYS,
    *NODE_DETAIL_KEYS,
    *NODE_KEYS,
    *FILESYSTEM_KEYS,
    *FILESYSTEM_DETAIL_KEYS,
    *SNAPSHOT_KEYS,
    *SNAPSHOT_DETAIL_KEYS,
    *PROTECTION_KEYS,
    *SCHEDULE_KEYS,
    *CONFIRM_KEYS,
    *UPLOAD_SITE_KEYS,
    *TYPE_NAME_KEYS,
    *FORM_KEYS,
)


def command_completions() -> list[str]:
    """Every word `:` understands, for the suggester; each screen's k9s alias comes first, so `:f`
    completes to `fs` and `:n` to `no` before any longer name."""
    words: list[str] = [entry.aliases[0] for entry in SCREENS]
    for entry in SCREENS:
        words.extend(entry.command_names[1:])
    words.extend(SITE_COMMANDS[:1])
    words.extend(HELP_COMMANDS[:1])
    words.extend(QUIT_COMMANDS[1:2])
    return words


def resolve_command(text: str) -> str | None:
    """The screen name (or "quit"/"help") a `:` command means; None when it means nothing."""
    word = text.strip().lstrip(":").strip().lower()
    if not word:
        return None
    if word in QUIT_COMMANDS:
        return "quit"
    if word in HELP_COMMANDS:
        return "help"
    if word in SITE_COMMANDS:
        return "ctx"
    for entry in SCREENS:
        if word in entry.command_names or word == entry.title.lower():
            return entry.name
    return None
