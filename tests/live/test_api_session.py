"""`ApiSession` over real HTTP on 127.0.0.1: the token renewed once on a 401, then the 401 is the answer;
and a CA bundle that cannot be used is a one-line `ConfigError` before any request, not a traceback later.

The server is a plain `http.server` in a thread: it issues numbered tokens at `POST /token` and answers
`GET /thing` with 401 to any token it has been told to refuse. Nothing in httpx is patched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from console.backends.live.http_errors import raise_for_response
from console.backends.live.runai_api import RunaiApi
from console.backends.live.session import ApiSession, IssuedToken, profile_tls
from console.config import ConfigError, Profile
from console.data.errors import Unauthorized


@dataclass
class TokenServer:
    """What the server has seen and what it refuses."""

    url: str = ""
    issued: int = 0
    refused: set[str] = field(default_factory=set)
    refuse_all: bool = False
    gets: int = 0
    slow_seconds: float = 0.0
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def server() -> Iterator[TokenServer]:
    state = TokenServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            with state.lock:
                state.requests.append(("POST", self.path))
                state.issued += 1
                token = f"token-{state.issued}"
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(200, {"accessToken": token})

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            with state.lock:
                state.requests.append(("GET", self.path))
                refused = state.refuse_all or token in state.refused
                state.gets += 1
                seen = state.gets
            if self.path.startswith("/slow"):
                time.sleep(state.slow_seconds)
            if refused:
                self._answer(401, {"message": "Issuer is not familiar."})
            else:
                self._answer(200, {"token": token, "get": seen})

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _session(server: TokenServer) -> ApiSession:
    session: ApiSession

    async def sign_in() -> IssuedToken:
        response = await session.send("POST", "/token", json={"secret": "s"})
        return IssuedToken(response.json()["accessToken"], session.renew_time(300.0, 60.0))

    session = ApiSession(server.url, service="runai", sign_in=sign_in, timeout=5.0)
    return session


async def test_a_401_renews_the_token_once_and_the_call_succeeds(server: TokenServer) -> None:
    session = _session(server)
    try:
        assert (await session.request("GET", "/thing")).json() == {"token": "token-1", "get": 1}
        server.refused.add("token-1")  # the server forgot the first token (it expired early, say)
        response = await session.request("GET", "/thing")
        assert response.status_code == 200 and response.json() == {"token": "token-2", "get": 3}
        assert session.tokens_fetched == 2
        assert server.requests.count(("POST", "/token")) == 2
    finally:
        await session.aclose()


async def test_a_second_401_is_the_answer_an_auth_error(server: TokenServer) -> None:
    session = _session(server)
    try:
        await session.request("GET", "/thing")
        server.refuse_all = True
        response = await session.request("GET", "/thing")
        assert response.status_code == 401
        assert session.tokens_fetched == 2  # renewed once, then gave up: no loop of sign-ins
        with pytest.raises(Unauthorized) as caught:
            raise_for_response(response, "runai")
        assert caught.value.status == 401 and caught.value.message == "Issuer is not familiar."
    finally:
        await session.aclose()


async def test_concurrent_401s_share_one_renewal(server: TokenServer) -> None:
    session = _session(server)
    try:
        await session.request("GET", "/thing")
        server.refused.add("token-1")
        answers = await asyncio.gather(*(session.request("GET", "/thing") for _ in range(6)))
        assert {answer.json()["token"] for answer in answers} == {"token-2"}
        assert session.tokens_fetched == 2
    finally:
        await session.aclose()


async def test_a_shared_get_nobody_waits_for_is_not_handed_to_the_next_caller(server: TokenServer) -> None:
    """Run:ai's identical GETs in flight share one request; when every caller gave up (a sibling failed),
    the request is dropped, so a later call gets a fresh answer, not one asked for before."""
    api = RunaiApi(server.url, "rwc", "s", cluster_id="c")
    try:
        await api.get("/thing")  # the token, first
        server.slow_seconds = 0.5
        first = asyncio.ensure_future(api.get("/slow"))
        await asyncio.sleep(0.1)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first  # its caller has given up
        server.slow_seconds = 0.0
        assert (await api.get("/slow"))["get"] == 3  # its own request, not the abandoned second one
    finally:
        await api.aclose()


def _profile(tmp_path: Path, server: TokenServer, ca_bundle: Path) -> Profile:
    return Profile(
        name="lab",
        runai_url=server.url,
        runai_client_id="rwc",
        runai_client_secret_env="RWC_TEST_SESSION_SECRET",
        ca_bundle=ca_bundle,
        allow_http=True,
        kubeconfig=tmp_path / "no-kubeconfig",
    )


def test_a_missing_ca_bundle_is_a_config_error_naming_the_key(tmp_path: Path, server: TokenServer) -> None:
    profile = _profile(tmp_path, server, tmp_path / "missing-ca.pem")
    with pytest.raises(ConfigError) as caught:
        profile_tls(profile)
    message = str(caught.value)
    assert "profiles.lab.ca_bundle" in message and "cannot read" in message and "\n" not in message


def test_the_live_backend_refuses_a_bad_ca_bundle_before_any_request(
    tmp_path: Path, server: TokenServer
) -> None:
    """A profile built without the config file's checks (or a bundle removed since): still one line."""
    from console.backends.live.backend import LiveBackend

    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    profile = _profile(tmp_path, server, not_pem)
    with pytest.raises(ConfigError, match=r"profiles\.lab\.ca_bundle: .* is not a PEM certificate bundle"):
        LiveBackend(profile, environ={"RWC_TEST_SESSION_SECRET": "s"}, use_nvml=False)
    assert server.requests == []
