"""A server that echoes the request in its error message must not get the secrets sent to it onto the
screen, into rwc.log or into the audit log: the error's text is scrubbed of every secret the request
carried (the client secret, the WEKA password, the bearer token) before the error exists. Over real
HTTP on 127.0.0.1, with the real clients."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.backends.live.runai import RunaiClient
from console.backends.live.weka import WekaClient
from console.data.errors import BackendError

CLIENT_SECRET = "rUn-ai-5ecret-8c1f-do-not-show"
WEKA_PASSWORD = 'w3ka"pass\\word-77'
TOKEN = "eyJ-echoed-bearer-token-0d9a"


class EchoHandler(BaseHTTPRequestHandler):
    """WEKA login answers a token; anything else answers 400/403 with the whole request in `message`."""

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _echo(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if self.path.endswith("/login") and "admin" in body and self.server.issue_token:  # type: ignore[attr-defined]
            self._answer(
                200, {"data": {"access_token": TOKEN, "refresh_token": TOKEN + "-r", "expires_in": 300}}
            )
            return
        echoed = (
            f"bad request {self.command} {self.path} auth={self.headers.get('authorization')} body={body}"
        )
        self._answer(403 if self.headers.get("authorization") else 400, {"message": echoed})

    do_GET = do_POST = do_PUT = _echo


@pytest.fixture(params=[False, True], ids=["login-echoed", "token-echoed"])
def echo_server(request: pytest.FixtureRequest) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    server.issue_token = request.param  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def assert_hidden(error: BackendError, log: str, *secrets: str) -> None:
    for text in (str(error), repr(error), repr(vars(error)), log):
        for secret in secrets:
            assert secret not in text
            assert json.dumps(secret)[1:-1] not in text
    assert "••••" in str(error)  # the server's words are still shown, with the secret cut out


async def test_run_ai_sign_in_echoed_hides_the_client_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    server.issue_token = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = RunaiClient(f"http://127.0.0.1:{server.server_address[1]}", "rwc", CLIENT_SECRET, verify=False)
    try:
        with pytest.raises(BackendError) as caught:
            await client.identity()
        assert_hidden(caught.value, caplog.text, CLIENT_SECRET)
    finally:
        await client.aclose()
        server.shutdown()
        server.server_close()


async def test_weka_echoed_hides_the_password_and_the_token(
    echo_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = WekaClient(echo_server, "admin", WEKA_PASSWORD, verify=False, trust_env=False, timeout=5.0)
    try:
        with pytest.raises(BackendError) as caught:
            await client.weka_cluster()
        assert_hidden(caught.value, caplog.text, WEKA_PASSWORD, TOKEN)
    finally:
        await client.aclose()
