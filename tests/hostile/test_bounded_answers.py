"""Answers the Run:ai and WEKA clients read are bounded as a whole: a body dripped one byte at a time
ends at the request's deadline, a body past the byte cap (declared, chunked, or gzip that inflates past
it) is refused while it streams, JSON nested 100,000 deep is a clear error, not a RecursionError. Over
real HTTP on 127.0.0.1 with the real clients; each case ends in seconds with a `BackendError` that says
what happened."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.backends.live.bounded_http import MAX_ANSWER_BYTES
from console.backends.live.runai import RunaiClient
from console.backends.live.weka import WekaClient
from console.data.errors import BackendError, BadResponse, Timeout

Answer = Callable[[BaseHTTPRequestHandler], None]
DEADLINE = 1.5


def drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    for _ in range(1000):  # a byte every 0.2 s: each read is quick, the whole never comes
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.2)


def too_big_chunked(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"[" + b"1," * (512 * 1024)
    sent = 0
    try:
        while sent < MAX_ANSWER_BYTES * 2:
            handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        return  # the client stopped reading: what the test wants


def gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress(b" " * (MAX_ANSWER_BYTES + 1024 * 1024), compresslevel=9)  # ~33 KB on the wire
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def deep_json(handler: BaseHTTPRequestHandler) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


CASES: dict[str, tuple[Answer, type[BackendError], str]] = {
    "slow-drip": (drip, Timeout, "did not arrive whole within 1.5 s"),
    "too-big-chunked": (too_big_chunked, BadResponse, "rwc reads at most 32 MB"),
    "gzip-bomb": (gzip_bomb, BadResponse, "rwc reads at most 32 MB"),
    "deep-json": (deep_json, BadResponse, "nested too deep"),
}


def serve(answer: Answer) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            if self.path.endswith("/login"):  # WEKA signs in, then every call meets the attack
                body = json.dumps({"data": {"access_token": "t", "refresh_token": "r", "expires_in": 300}})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())
                return
            answer(self)

        do_GET = do_POST = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=list(CASES))
def attack(request: pytest.FixtureRequest) -> Iterator[tuple[str, type[BackendError], str]]:
    answer, error, words = CASES[request.param]
    for url in serve(answer):
        yield url, error, words


async def test_the_run_ai_client_stops_at_the_bound(attack: tuple[str, type[BackendError], str]) -> None:
    url, expected, words = attack
    client = RunaiClient(url, "rwc", "s3cret", verify=False, deadline_seconds=DEADLINE)
    started = time.monotonic()
    try:
        with pytest.raises(BackendError) as caught:
            await client.identity()  # the token request meets the attack first
    finally:
        await client.aclose()
    assert time.monotonic() - started < DEADLINE + 5
    assert isinstance(caught.value, expected), caught.value
    assert words in str(caught.value)


async def test_the_weka_client_stops_at_the_bound(attack: tuple[str, type[BackendError], str]) -> None:
    url, expected, words = attack
    client = WekaClient(url, "admin", "pw", verify=False, trust_env=False, deadline_seconds=DEADLINE)
    started = time.monotonic()
    try:
        with pytest.raises(BackendError) as caught:
            await client.filesystem_groups()
    finally:
        await client.aclose()
    assert time.monotonic() - started < DEADLINE + 5
    assert isinstance(caught.value, expected), caught.value
    assert words in str(caught.value)
