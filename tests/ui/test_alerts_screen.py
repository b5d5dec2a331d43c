"""The alerts list (`8`): every source's open alerts, the ones the header counts; `m` shows the muted
ones too (last), and the title says how many are hidden."""

from __future__ import annotations

from demo_helpers import admin, demo_app, open_list, simulator
from pilot_waits import wait_until


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
        assert screen.header.title == "Alerts (1 muted hidden, m shows)"

        await pilot.press("m")
        await wait_until(pilot, lambda: weka_alert in table.visible_keys(), "the muted alert shown")
        assert table.visible_keys()[-1] == weka_alert  # muted ones sort last
        assert "muted" in table.cell_text(weka_alert, "severity")
        assert screen.header.title == "Alerts"
