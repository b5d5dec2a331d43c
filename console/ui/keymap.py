"""The one registry of screens, keys and actions (Harlequin's `HARLEQUIN_ACTIONS`, rwc-sized).

Every key rwc answers to is a `KeyAction` here. The App's and the screens' `BINDINGS`, the footer,
the `?` help screen, the `:` command line's completion and the command palette are all derived from
these tuples, so a key cannot exist in one place and be missing from another.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    # No number key is free: `:rpo` (and the palette) open it.
    ScreenEntry(
        "protection",
        "Data protection",
        "",
        ("rpo", "protect"),
        "Off-cluster copies against the RPO; fill forecast",
        location="screens.protection:ProtectionScreen",
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

TABLE_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "slash", "start_filter", "Filter", scope="table", key_display="/", group="Table", priority=True
    ),
    # Priority only so the footer shows it over the table's own (hidden) enter; the screen's
    # `check_action` lets it through to inputs, so enter still submits a prompt.
    KeyAction(
        "enter",
        "open_detail",
        "Detail",
        scope="table",
        key_display="⏎",
        palette=False,
        priority=True,
        group="Table",
    ),
    KeyAction(
        "escape",
        "back",
        "Back / clear filter",
        scope="table",
        key_display="esc",
        show=False,
        palette=False,
        group="Table",
    ),
    KeyAction("ctrl+r", "refresh", "Refresh now", scope="table", key_display="^r", show=False, group="Table"),
)
"""Keys of every resource table screen; sort keys come from the table's columns (shift+letter)."""

TABLE_NAVIGATION_HELP: tuple[tuple[str, str], ...] = (
    ("↑ ↓ pgup pgdn", "Move the cursor"),
    ("home end", "First / last row"),
)
"""Keys the table widget itself owns, listed in help so `?` shows every key a user can press."""


def workload_action_keys(scope: str) -> tuple[KeyAction, ...]:
    """Suspend, resume, delete, logs and describe: the same keys on the workloads list and the detail."""
    return (
        KeyAction("l", "show_logs", "Logs", scope=scope, group="Workload"),
        KeyAction("y", "describe_workload", "Describe", scope=scope, show=False, group="Workload"),
        KeyAction("S", "suspend_workload", "Suspend", scope=scope, key_display="⇧s", group="Workload"),
        KeyAction(
            "R", "resume_workload", "Resume", scope=scope, key_display="⇧r", show=False, group="Workload"
        ),
        KeyAction("D", "delete_workload", "Delete", scope=scope, key_display="⇧d", group="Workload"),
        KeyAction(
            "c",
            "checkpoint_workload",
            "Checkpoint (suspend, snapshot, resume)",
            scope=scope,
            show=False,
            group="Workload",
        ),
    )


WORKLOAD_KEYS: tuple[KeyAction, ...] = (
    KeyAction("s", "submit_workload", "Submit", scope="workloads", group="Workload"),
    *workload_action_keys("workloads"),
    KeyAction("m", "toggle_mine", "Mine / everyone's", scope="workloads", show=False, group="Workload"),
)
"""The workloads list's actions; its sort keys avoid S, R and D (phase sorts on ⇧h, requested on ⇧q).
Describe, resume and the mine toggle stay out of the footer (help and the palette list them; the title
says "My workloads" while the toggle is on) so the rest fit in 80 columns."""

TEXT_VIEW_KEYS: tuple[KeyAction, ...] = (
    KeyAction("escape", "back", "Back", scope="text_view", key_display="esc", group="View"),
    KeyAction(
        "slash", "start_search", "Search", scope="text_view", key_display="/", group="View", priority=True
    ),
    KeyAction("n", "next_match", "Next match", scope="text_view", show=False, group="View"),
    KeyAction(
        "N", "previous_match", "Previous match", scope="text_view", key_display="⇧n", show=False, group="View"
    ),
    KeyAction("w", "toggle_wrap", "Wrap", scope="text_view", group="View"),
    KeyAction("ctrl+s", "save_text", "Save", scope="text_view", key_display="^s", group="View"),
)
"""Keys of the log and describe views (a scrollable text with search); arrows, pgup/pgdn, home/end scroll."""

LOGS_KEYS: tuple[KeyAction, ...] = (
    KeyAction("f", "toggle_follow", "Follow", scope="logs", group="Logs"),
    KeyAction("p", "pick_pod", "Pod", scope="logs", group="Logs"),
    KeyAction("P", "toggle_previous", "Previous container", scope="logs", key_display="⇧p", group="Logs"),
)

CHOOSE_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "escape,q", "cancel", "Cancel", scope="choose", key_display="esc", palette=False, group="Choose"
    ),
)
"""A list to pick from (`p` on logs: whose log; `f` on a workload: which filesystem): arrows and enter
pick (the list's own keys)."""

DESCRIBE_KEYS: tuple[KeyAction, ...] = (
    KeyAction("J", "toggle_format", "JSON/YAML", scope="describe", key_display="⇧j", group="Describe"),
    KeyAction(
        "ctrl+r", "refresh", "Reload", scope="describe", key_display="^r", show=False, group="Describe"
    ),
)

WORKLOAD_DETAIL_KEYS: tuple[KeyAction, ...] = (
    KeyAction("escape", "back", "Back", scope="workload_detail", key_display="esc", group="Detail"),
    *workload_action_keys("workload_detail"),
    KeyAction("f", "open_filesystem", "Filesystem", scope="workload_detail", group="Detail"),
    KeyAction(
        "w", "next_usage_window", "GPU use window", scope="workload_detail", show=False, group="Detail"
    ),
    KeyAction(
        "ctrl+r",
        "refresh",
        "Refresh now",
        scope="workload_detail",
        key_display="^r",
        show=False,
        group="Detail",
    ),
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

EVENT_KEYS: tuple[KeyAction, ...] = (
    KeyAction("w", "toggle_warnings", "Warnings", scope="events", group="Events"),
    KeyAction("p", "toggle_preemptions", "Preemptions", scope="events", group="Events"),
    KeyAction("s", "next_source", "Source", scope="events", group="Events"),
)
"""The event list's typed filters beside `/`: Warning and Critical only, preemptions only (who took whose
GPUs), and one source at a time (all, Run:ai, Kubernetes, WEKA, NVML, all again)."""

NODE_DETAIL_KEYS: tuple[KeyAction, ...] = (
    KeyAction("escape", "back", "Back", scope="node_detail", key_display="esc", group="Node"),
    KeyAction("g", "node_gpus", "GPUs", scope="node_detail", group="Node"),
    KeyAction("y", "describe_node", "Describe (YAML)", scope="node_detail", group="Node"),
)
"""The node detail: back to the list, or on to the node's GPUs."""

ALERT_KEYS: tuple[KeyAction, ...] = (
    KeyAction("m", "mute_alert", "Mute/unmute", scope="alerts", group="Alerts"),
    KeyAction("a", "toggle_muted", "All (muted too)", scope="alerts", group="Alerts"),
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
    KeyAction("escape,q", "cancel", "Cancel", scope="mute", key_display="esc", palette=False, group="Mute"),
)

PROJECT_KEYS: tuple[KeyAction, ...] = (
    KeyAction("c", "create_project", "New project", scope="projects", group="Projects"),
    KeyAction("e", "edit_quota", "Edit quota", scope="projects", group="Projects"),
    KeyAction("D", "delete_project", "Delete", scope="projects", key_display="⇧d", group="Projects"),
    # Out of the footer (help and the palette list it): at 80 columns it would push "q Quit" off.
    KeyAction("v", "show_events", "Events", scope="projects", show=False, group="Projects"),
    KeyAction(
        "space",
        "toggle_department",
        "Collapse / expand department",
        scope="projects",
        key_display="space",
        show=False,
        group="Projects",
    ),
)
"""Project and department actions; `e` on a department row edits the department's quota; space (and
enter) on a department row folds its projects away or back."""

NODE_KEYS: tuple[KeyAction, ...] = (
    KeyAction("c", "cordon_node", "Cordon", scope="nodes", group="Nodes"),
    KeyAction("u", "uncordon_node", "Uncordon", scope="nodes", group="Nodes"),
    KeyAction("d", "drain_node", "Drain", scope="nodes", group="Nodes"),
    KeyAction("U", "undrain_node", "Undrain", scope="nodes", key_display="⇧u", group="Nodes"),
    KeyAction("y", "describe_node", "Describe (YAML)", scope="nodes", show=False, group="Nodes"),
)

FILESYSTEM_KEYS: tuple[KeyAction, ...] = (
    KeyAction("c", "create_filesystem", "Create", scope="filesystems", group="Filesystems"),
    KeyAction("r", "resize_filesystem", "Resize", scope="filesystems", group="Filesystems"),
    KeyAction("t", "set_tiering", "Tiering", scope="filesystems", group="Filesystems"),
    KeyAction(
        "D",
        "delete_filesystem",
        "Delete",
        scope="filesystems",
        key_display="⇧d",
        group="Filesystems",
    ),
    KeyAction("v", "show_events", "Events", scope="filesystems", show=False, group="Filesystems"),
)

FILESYSTEM_DETAIL_KEYS: tuple[KeyAction, ...] = (
    KeyAction("escape", "back", "Back", scope="filesystem_detail", key_display="esc", group="Filesystem"),
    KeyAction("s", "filesystem_snapshots", "Snapshots", scope="filesystem_detail", group="Filesystem"),
)
"""One filesystem in full (enter on Filesystems): capacity, tiering, off-site copy, alerts, who mounts it."""

SNAPSHOT_KEYS: tuple[KeyAction, ...] = (
    KeyAction("c", "create_snapshot", "Create", scope="snapshots", group="Snapshots"),
    KeyAction("d", "delete_snapshot", "Delete", scope="snapshots", group="Snapshots"),
    KeyAction("R", "restore_snapshot", "Restore", scope="snapshots", key_display="⇧r", group="Snapshots"),
    KeyAction("u", "upload_snapshot", "Upload", scope="snapshots", group="Snapshots"),
    KeyAction(
        "F",
        "create_filesystem_from_snapshot",
        "Filesystem from snapshot",
        scope="snapshots",
        key_display="⇧f",
        show=False,
        group="Snapshots",
    ),
)
"""WEKA actions; uppercase keys destroy or replace data (shift to reach them). Short words so each
footer fits 80 columns; ⇧f is in help and the palette only."""

SNAPSHOT_DETAIL_KEYS: tuple[KeyAction, ...] = (
    KeyAction("escape", "back", "Back", scope="snapshot_detail", key_display="esc", group="Snapshot"),
    KeyAction(
        "ctrl+r",
        "refresh",
        "Refresh now",
        scope="snapshot_detail",
        key_display="^r",
        show=False,
        group="Snapshot",
    ),
)
"""One snapshot in full (enter on Snapshots): its upload per site, progress, rate and ETA."""

CONFIRM_KEYS: tuple[KeyAction, ...] = (
    KeyAction("y,enter", "confirm", "Yes", scope="confirm", key_display="y", palette=False, group="Confirm"),
    KeyAction(
        # q too: on a question, q means "get me out", not "quit rwc with the question open".
        "n,escape,q",
        "cancel",
        "No",
        scope="confirm",
        key_display="n/esc",
        palette=False,
        group="Confirm",
    ),
)

TYPE_NAME_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "enter", "confirm", "Confirm", scope="type_name", key_display="⏎", palette=False, group="Confirm"
    ),
    KeyAction(
        "escape", "cancel", "Cancel", scope="type_name", key_display="esc", palette=False, group="Confirm"
    ),
)
"""Enter is also the input's own submit; both end in the same exact-name check."""

FORM_KEYS: tuple[KeyAction, ...] = (
    KeyAction("ctrl+s", "submit", "Save", scope="form", key_display="^s", palette=False, group="Form"),
    KeyAction("escape", "cancel", "Cancel", scope="form", key_display="esc", palette=False, group="Form"),
    KeyAction(
        "tab",
        "app.focus_next",
        "Next field",
        scope="form",
        key_display="tab",
        show=False,
        palette=False,
        group="Form",
    ),
    KeyAction(
        "shift+tab",
        "app.focus_previous",
        "Previous field",
        scope="form",
        key_display="⇧tab",
        show=False,
        palette=False,
        group="Form",
    ),
)
"""In a form, enter in a text field moves to the next one, and on the last field saves."""

FILTER_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "enter",
        "keep_filter",
        "Keep filter",
        scope="filter",
        key_display="⏎",
        palette=False,
        group="Filter (/)",
    ),
    KeyAction(
        "escape",
        "clear_filter",
        "Clear filter",
        scope="filter",
        key_display="esc",
        palette=False,
        group="Filter (/)",
    ),
)

COMMAND_LINE_KEYS: tuple[KeyAction, ...] = (
    KeyAction(
        "tab",
        "complete",
        "Complete",
        scope="command_line",
        key_display="tab",
        palette=False,
        group="Command line (:)",
    ),
    KeyAction(
        "enter",
        "run_command",
        "Go",
        scope="command_line",
        key_display="⏎",
        palette=False,
        group="Command line (:)",
    ),
    KeyAction(
        "escape",
        "close_command_line",
        "Cancel",
        scope="command_line",
        key_display="esc",
        palette=False,
        group="Command line (:)",
    ),
)

UPLOAD_SITE_KEYS: tuple[KeyAction, ...] = (
    KeyAction("l", "choose('LOCAL')", "Local", scope="upload_site", palette=False, group="Upload"),
    KeyAction("r", "choose('REMOTE')", "Remote", scope="upload_site", palette=False, group="Upload"),
    # q too, as on every question: "get me out", never "quit rwc with the question open".
    KeyAction(
        "escape,q",
        "cancel",
        "Cancel",
        scope="upload_site",
        key_display="esc",
        palette=False,
        group="Upload",
    ),
)
"""The snapshot upload's site question (shown when both kinds of bucket are attached)."""

ALL_KEYS: tuple[KeyAction, ...] = (
    *APP_KEYS,
    *TABLE_KEYS,
    *WORKLOAD_DETAIL_KEYS,
    *WORKLOAD_KEYS,
    *TEXT_VIEW_KEYS,
    *LOGS_KEYS,
    *DESCRIBE_KEYS,
    *FILTER_KEYS,
    *COMMAND_LINE_KEYS,
    *HELP_KEYS,
    *PROJECT_KEYS,
    *ALERT_KEYS,
    *IDLE_KEYS,
    *EVENT_KEYS,
    *MUTE_KEYS,
    *CHOOSE_KEYS,
    *NODE_DETAIL_KEYS,
    *NODE_KEYS,
    *FILESYSTEM_KEYS,
    *FILESYSTEM_DETAIL_KEYS,
    *SNAPSHOT_KEYS,
    *SNAPSHOT_DETAIL_KEYS,
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
    for entry in SCREENS:
        if word in entry.command_names or word == entry.title.lower():
            return entry.name
    return None
