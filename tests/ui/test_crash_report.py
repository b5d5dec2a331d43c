"""An unexpected error is reported, not dumped: one short message on the terminal naming the log, the
traceback (without locals: they hold tokens and API data) in the log, exit status 1."""

from __future__ import annotations

import logging

import pytest
from demo_helpers import demo_app, open_list

from console.app import RwcApp


class Boom(RuntimeError):
    pass


async def test_an_unexpected_error_exits_with_a_short_message_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    app = demo_app()
    secret_local = "s3cr3t-token-value"  # a local of the failing frame: must appear nowhere
    with pytest.raises(Boom), caplog.at_level(logging.ERROR, logger="console.app"):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_list(pilot, "2", "workloads")

            def fail() -> None:
                token = secret_local
                raise Boom(f"something broke near {token[:2]}…")

            app.call_later(fail)
            await pilot.pause(0.3)
    assert isinstance(app, RwcApp)
    assert app.return_code == 1
    message = capsys.readouterr().err  # what the terminal shows once rwc has left full-screen mode
    assert "Traceback" not in message and "locals" not in message
    assert message.lstrip().startswith("rwc stopped on an unexpected error (Boom: something broke near s3…)")
    assert "rwc.log" in message and secret_local not in message
    record = next(r for r in caplog.records if r.name == "console.app")
    assert record.exc_info is not None and record.exc_info[0] is Boom
    assert secret_local not in caplog.text  # the traceback, never the frames' locals
