"""The alerts list (`8`): every source's open alerts, the ones the header counts; `a` shows the muted
ones too (last), and the title says how many are hidden. `m` mutes a WEKA alert type for the chosen while
(audited, refused for a researcher and for rwc's Run:ai alerts), and unmutes a muted one after asking."""

from __future__ import annotations

from demo_helpers import admin, audited_actions, demo_app, open_list, simulator
from pilot_waits import wait_for_screen, wait_until

from console.model import Role
from screens.dialogs import ConfirmDialog
from screens.dialogs.mute_alert import MuteAlertDialog


async def test_the_list_counts_what_the_header_counts_and_m_shows_the_muted() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        sources = {key.split(":", 1)[0] for key in table.visible_keys()}
        assert sources == {"weka", "runai"}
        weka_alert = next(key for key in table.visible_keys() if key.startswith("weka:"))
        sim = simulator(app)
        with sim.lock:
            sim.weka.mute_alert(admin(sim), weka_alert.split(":", 1)[1], 3600)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: weka_alert not in table.visible_keys(), "the muted alert hidden")
        screen = app.screen
        assert screen.header.title == "Alerts (1 muted hidden, a shows)"

        await pilot.press("a")
        await wait_until(pilot, lambda: weka_alert in table.visible_keys(), "the muted alert shown")
        assert table.visible_keys()[-1] == weka_alert  # muted ones sort last
        assert "muted" in table.cell_text(weka_alert, "severity")
        assert screen.header.title == "Alerts"


async def test_m_mutes_a_weka_alert_for_the_chosen_while_and_unmutes_it() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        weka_alert = next(key for key in table.visible_keys() if key.startswith("weka:"))
        table.move_cursor_to_key(weka_alert)
        await pilot.press("m")
        await wait_for_screen(pilot, MuteAlertDialog)
        await pilot.press("e")  # 8 hours
        await wait_until(pilot, lambda: weka_alert not in table.visible_keys(), "the alert muted")
        sim = simulator(app)
        alert_type = weka_alert.split(":", 1)[1]
        assert [a.muted for a in sim.weka.alerts() if a.type == alert_type] == [True]
        assert "mute_alert" in audited_actions()

        await pilot.press("a")
        await wait_until(pilot, lambda: weka_alert in table.visible_keys(), "the muted alert listed")
        table.move_cursor_to_key(weka_alert)
        await pilot.press("m")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_until(
            pilot, lambda: [a.muted for a in sim.weka.alerts() if a.type == alert_type] == [False], "unmuted"
        )
        assert "unmute_alert" in audited_actions()


async def test_m_is_refused_on_a_runai_alert_and_for_a_researcher() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        runai_alert = next(key for key in table.visible_keys() if key.startswith("runai:"))
        table.move_cursor_to_key(runai_alert)
        await pilot.pause()
        await pilot.press("m")
        said = lambda words: any(words in n.message for n in app._notifications)  # noqa: E731
        await wait_until(pilot, lambda: said("only WEKA's alerts"), "why")
        assert not isinstance(app.screen, MuteAlertDialog)

    app = demo_app(role=Role.RESEARCHER)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        await pilot.press("m")
        await wait_until(pilot, lambda: any("administrator" in n.message for n in app._notifications), "why")
        assert not isinstance(app.screen, MuteAlertDialog)


async def test_read_only_refuses_to_mute() -> None:
    app = demo_app(read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        table.move_cursor_to_key(next(key for key in table.visible_keys() if key.startswith("weka:")))
        await pilot.press("m")
        await wait_until(pilot, lambda: any("read-only" in n.message for n in app._notifications), "why")
        assert not isinstance(app.screen, MuteAlertDialog)


async def test_enter_on_an_alert_says_what_it_is_and_what_to_do() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await open_list(pilot, "8", "alerts")
        for prefix in ("weka:", "runai:"):
            table.move_cursor_to_key(next(key for key in table.visible_keys() if key.startswith(prefix)))
            app._notifications.clear()
            await pilot.press("enter")
            await wait_until(pilot, lambda: bool(app._notifications), "the alert's text")
            (note,) = list(app._notifications)
            assert "\nWhat to do: " in note.message and len(note.message.split("What to do: ")[1]) > 10
