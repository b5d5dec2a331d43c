"""The DR view's rows and its Enter text, from `console.ui.dr_plan` entries (pure: no Textual).

A row is red when the restorable copy is older than the filesystem's RPO target, when no snapshot was ever
uploaded where another site reads it, or when a site did not answer; when there is no plan its STATE says
why in words.
"""

from __future__ import annotations

from rich.text import Text

from console.ui.dr_plan import STATE_ORDER, DrEntry, DrState
from console.ui.dr_steps import steps_text
from console.ui.format import format_duration
from console.ui.palette import CellPalette
from console.ui.table_rows import Column, Row

DR_COLUMNS: tuple[Column, ...] = (
    Column("filesystem", "FILESYSTEM", 16, identifies=True, sort_hotkey="N"),
    Column("restore", "RESTORE AT", 10, sort_hotkey="E"),
    Column("snapshot", "SNAPSHOT", 16, priority=2),
    Column("age", "AGE/RPO", 9, align="right", sort_hotkey="A"),
    Column("state", "STATE", 12, grow=True, sort_hotkey="T"),
    Column("locator", "LOCATOR", 14, priority=3),
)


def state_words(entry: DrEntry) -> str:
    if entry.state is DrState.WITHIN:
        return "✓ within"
    if entry.state is DrState.PAST:
        age = entry.age_seconds or 0.0
        return f"✗ past by {format_duration(age - entry.target_seconds)}"
    if entry.state is DrState.NEVER:
        return f"✗ {entry.reason}"
    if entry.state is DrState.UNREADABLE:
        return f"✗ not read: {entry.reason}"
    if entry.state is DrState.UNKNOWN:
        return f"? {entry.reason}"
    return f"— {entry.reason}"


def dr_row(entry: DrEntry, palette: CellPalette) -> Row:
    red = entry.state in (DrState.PAST, DrState.NEVER, DrState.UNREADABLE)
    style = palette.error if red else (palette.ok if entry.state is DrState.WITHIN else palette.muted)
    if entry.state is DrState.UNKNOWN:
        style = palette.warning
    where = f"{entry.site}/{entry.filesystem}" if entry.filesystem else f"{entry.site}/*"
    name = Text(where, palette.error if entry.state is DrState.UNREADABLE else "", end="")
    blank = Text("—", palette.muted, end="")
    age = entry.age_seconds
    if age is not None:
        age_cell = Text(f"{format_duration(age)}/{format_duration(entry.target_seconds)}", end="")
        if red or age > entry.target_seconds:  # past, whether or not a site could restore it
            age_cell.stylize(palette.error)
    elif entry.state is DrState.NEVER:
        age_cell = Text(f"never/{format_duration(entry.target_seconds)}", palette.error, end="")
    else:
        age_cell = blank
    state = Text(state_words(entry), style, end="")
    cells = (
        name,
        Text(entry.restore_site, end="") if entry.restore_site else blank,
        Text(entry.snapshot, end="") if entry.snapshot else blank,
        age_cell,
        state,
        Text(entry.locator, palette.muted, end="") if entry.locator else blank,
    )
    sort_values = (
        where,
        entry.restore_site,
        entry.snapshot,
        age,
        (STATE_ORDER[entry.state], -(age or 0.0), where),
        entry.locator,
    )
    terms = tuple(t for t in (f"@{entry.site}", f"@{entry.restore_site}" if entry.restore_site else "") if t)
    return Row(entry.key, cells, sort_values, filter_terms=terms)


def entry_text(entry: DrEntry) -> list[str]:
    """The Enter view of one entry: what would be restored where, and the steps (a dry run)."""
    where = f"{entry.filesystem} on {entry.site}" if entry.filesystem else f"site {entry.site}"
    lines = [f"DR plan (dry run: nothing runs) for {where}"]
    if entry.restore_site:
        lines.append(f"restore at: {entry.restore_site}")
    if entry.bucket:
        lines.append(f"from bucket: {entry.bucket}")
    if entry.snapshot:
        lines.append(f"snapshot: {entry.snapshot}")
        lines.append(f"locator: {entry.locator or '(not reported)'}")
    target = format_duration(entry.target_seconds)
    age = entry.age_seconds
    if age is not None:
        verdict = "PAST" if age > entry.target_seconds else "within"
        lines.append(f"age: {format_duration(age)} against an RPO target of {target} ({verdict})")
    if not entry.steps:
        lines.append(f"no plan: {state_words(entry)}")
        return lines
    lines.append("")
    lines.extend(steps_text(entry.steps))
    return lines
