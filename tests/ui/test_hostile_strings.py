"""Strings from outside never act on the terminal and are never parsed as markup.

A workload, a snapshot and a filesystem get names (and a phase message) carrying OSC 52 (write the
clipboard), OSC 0 (set the window title), a C1 CSI, SGR blink, a BEL, a bidi override and markup
(`[/]`, `[@click=app.quit]`). The test walks every screen those names show on — the tables, the header,
the workload detail, the snapshot detail, a confirm dialog's title, a toast — and checks the bytes rwc
wrote to the terminal: none of the data's control sequences is there, and the names are (as visible
stand-ins), so the check is not passing because nothing was drawn.
"""

from __future__ import annotations

import pytest
from demo_helpers import demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until
from textual.pilot import Pilot

from console.app import RwcApp
from console.ui.safe_text import is_safe, visible
from screens.dialogs import ConfirmDialog
from widgets.resource_table import ResourceTable

SIZE = (120, 40)

HOSTILE = "ev\x1b]52;c;cHduZWQ=\x07il\x1b]0;pwned\x07\x9b31m\u202egpj.exe\x1b[5m[/][@click=app.quit]x"
"""One name, every attack: OSC 52, OSC 0, BEL, C1 CSI, bidi override, SGR, a markup closer and an action."""

FORBIDDEN_IN_OUTPUT = ("\x1b]52", "\x1b]0;", "\x9b", "\u202e", "\x07", "\x1b[5m")


def terminal_bytes(app: RwcApp) -> str:
    """What rwc would write to a real terminal for the whole screen now: the compositor's full update
    rendered as `App._display` does (the headless driver of Pilot writes nothing itself)."""
    update = app.screen._compositor.render_update(full=True)
    console = app.console
    return console._render_buffer(console.render(update))


def poison_demo(app: RwcApp) -> tuple[str, str]:
    """Give one running workload and one snapshot (and its filesystem) the hostile name; their ids."""
    sim = simulator(app)
    with sim.lock:
        state = sim.runai.state
        workload = next(w for w in state.workloads.values() if w.phase.value == "Running")
        workload.name = f"w-{HOSTILE}"
        workload.phase_message = f"message {HOSTILE}"
        state.touch(workload)
        store = sim.weka._store
        snap = next(iter(store.snaps.values()))
        snap.name = f"s-{HOSTILE}"
        snap.cache = None
        store.fs[snap.fs_uid].name = f"f-{HOSTILE}"
        store.fs[snap.fs_uid].cache = None
        if store.snap_list is not None:
            store.snap_list = None  # rebuilt from the states on the next read
    return workload.id, snap.uid


async def refreshed_row(pilot: Pilot, key: str) -> ResourceTable:
    # Under load the list can still be composing when the previous step returns: wait for its table.
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(ResourceTable)), "the list's table")
    table = pilot.app.screen.query_one(ResourceTable)
    await pilot.press("ctrl+r")
    await wait_until(
        pilot, lambda: "pwned" in table.get_row(key).search_text if table.get_row(key) else False, key
    )
    table.move_cursor_to_key(key)
    await pilot.pause(0.2)
    return table


def test_visible_keeps_length_and_leaves_nothing_a_terminal_obeys() -> None:
    shown = visible(HOSTILE)
    assert len(shown) == len(HOSTILE) and is_safe(shown)
    assert "␛]52;c;" in shown and "]0;pwned␇" in shown and "gpj.exe" in shown
    assert visible("plain name") == "plain name"


async def test_hostile_names_reach_the_screen_only_as_visible_text() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "2", "workloads")
        workload_id, snapshot_uid = poison_demo(app)
        written: list[str] = []

        await refreshed_row(pilot, workload_id)  # the workloads table
        written.append(terminal_bytes(app))
        await pilot.press("enter")  # the detail: header title, summary, phase message
        await wait_until(pilot, lambda: "pwned" in app.screen.rendered_text(), "the detail")  # type: ignore[attr-defined]
        await pilot.pause(0.2)
        written.append(terminal_bytes(app))
        await pilot.press("D")  # a confirm dialog whose title holds the name
        await wait_for_screen(pilot, ConfirmDialog)
        written.append(terminal_bytes(app))
        await pilot.press("y")  # and the toast that names it
        await wait_until(
            pilot, lambda: any("Deleting" in str(n.message) for n in app._notifications), "toast"
        )
        await pilot.pause(0.2)

        written.append(terminal_bytes(app))
        await open_list(pilot, "6", "snapshots")
        await refreshed_row(pilot, snapshot_uid)  # the snapshots table
        written.append(terminal_bytes(app))
        await pilot.press("enter")  # the snapshot detail
        await pilot.pause(0.5)
        written.append(terminal_bytes(app))
        await open_list(pilot, "5", "filesystems")
        await pilot.pause(0.3)
        written.append(terminal_bytes(app))
        assert app.is_running, "markup in a name must not crash the app"

        output = "".join(written)
        assert "pwned" in output, "the hostile names were drawn (as text)"
        for sequence in FORBIDDEN_IN_OUTPUT:
            assert sequence not in output, f"{sequence!r} from the data reached the terminal"


async def test_markup_typed_at_the_command_line_is_shown_not_parsed() -> None:
    """`:[/]` once crashed the app with MarkupError in the "unknown command" toast."""
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "2", "workloads")
        await pilot.press("colon", *"[/]x", "enter")
        await wait_until(
            pilot, lambda: any("[/]x" in str(n.message) for n in app._notifications), "the toast"
        )
        await pilot.pause(0.2)
        assert app.is_running


def test_absurd_gpu_numbers_are_a_field_error_not_a_crash() -> None:
    """320 nines parse as float infinity; `math.floor(inf)` once crashed the submit form."""
    from screens.dialogs.submit_workload import GpuRequestError, parse_gpu_request, validate_gpus

    for typed in ("9" * 320, "1e400", "65", "nan", "inf"):
        message = validate_gpus(typed)
        assert message, typed
        with pytest.raises(GpuRequestError):
            parse_gpu_request(typed)
    assert "more than any node has" in (validate_gpus("9" * 320) or "")
