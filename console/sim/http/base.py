"""Plumbing shared by the simulator's HTTP faces: routing, JSON, fault injection, a threaded server.

The standard library's `ThreadingHTTPServer` is enough for a local test server and keeps the
simulator free of web frameworks; the simulator itself is not thread-safe, so every request runs
under its lock (`Simulator.lock`, shared with the demo backend and with tests that move its clock).
"""

from __future__ import annotations

import json
import logging
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from console.sim.simulator import Simulator

MAX_CATCH_UP_SECONDS = 300.0


class SimulatorHost:
    """One simulator shared by every server: its lock, and real time mapped onto the sim clock.

    `clock_speed` 0 freezes the clock (tests advance it by hand through `simulator.advance`).
    """

    def __init__(self, simulator: Simulator, *, clock_speed: float = 1.0) -> None:
        self.simulator = simulator
        self.clock_speed = clock_speed
        self.lock = simulator.lock
        self._last_sync = time.monotonic()

    @contextmanager
    def session(self) -> Iterator[Simulator]:
        """The simulator, locked and brought up to real time, for the length of one request."""
        with self.lock:
            wall = time.monotonic()
            elapsed, self._last_sync = wall - self._last_sync, wall
            if self.clock_speed > 0:
                self.simulator.advance(min(elapsed * self.clock_speed, MAX_CATCH_UP_SECONDS))
            yield self.simulator


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is the client's error (400), as on the real APIs."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise HttpError(400, f"Request body is not valid JSON: {error}") from None
        except RecursionError:  # `[[[[...` deeper than the parser goes: still the client's error
            raise HttpError(400, "Request body is not valid JSON: nested too deeply") from None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None
    """When set, the body is sent chunked from this iterator (a follow stream); `body` is ignored.

    An empty chunk is a heartbeat: nothing is written, but the server checks whether the client has
    gone or the server is stopping, and ends the stream if so. Iterators should yield one every
    fraction of a second while idle, so an abandoned stream ends promptly.
    """

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(status, json.dumps(payload, separators=(",", ":")).encode(), headers=headers or {})

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, text.encode(), content_type="text/plain; charset=utf-8")


class HttpError(Exception):
    """Raised by handlers; the server turns it into the service's own error body."""

    def __init__(self, status: int, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}


Handler = Callable[[Request], Response]
ErrorBody = Callable[[int, str, dict[str, Any]], Any]


class Router:
    """Method + path template (`/api/v1/workloads/{workload_id}`) to handler."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []

    def add(self, method: str, template: str, handler: Handler, *, first: bool = False) -> None:
        """Route `method template` to `handler`; `first` puts it ahead of the routes already there (a
        benchmark or a test that replaces one answer of a face, e.g. a log that streams 10,000 lines/s)."""
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        route = (method.upper(), re.compile(f"^{pattern}$"), template, handler)
        if first:
            self._routes.insert(0, route)
        else:
            self._routes.append(route)

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return register

    @property
    def templates(self) -> list[tuple[str, str]]:
        return [(method, template) for method, _, template, _ in self._routes]

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = False
        for route_method, pattern, _, handler in self._routes:
            found = pattern.match(path)
            if found:
                if route_method == method.upper():
                    return handler, found.groupdict()
                allowed = True
        if allowed:
            raise HttpError(405, f"Method {method} is not allowed on {path}")
        raise HttpError(404, f"No such path: {path}")


class FaultKind(StrEnum):
    """What an injected fault does to a matching request."""

    LATENCY = "latency"  # answer normally after `delay_seconds`
    STATUS = "status"  # answer `status` with the service's error body
    TIMEOUT = "timeout"  # hold the request for `delay_seconds` (longer than the client waits)
    DROP = "drop"  # close the connection without answering
    MALFORMED = "malformed"  # answer 200 with a body that is not JSON
    AMEND = "amend"  # answer normally, then pass a 2xx JSON body through `amend` (e.g. add an odd item)


@dataclass
class Fault:
    """A rule: requests whose method and path match get `kind`, `times` times (None: until cleared)."""

    kind: FaultKind
    path_pattern: str = ".*"
    method: str = "*"
    status: int = 500
    delay_seconds: float = 0.0
    times: int | None = None
    message: str = "Injected fault"
    amend: Callable[[Any], Any] | None = None
    """For AMEND: the decoded JSON answer in, the answer to send out (what a real server might say)."""

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method.upper()) and bool(
            re.search(self.path_pattern, path)
        )


class FaultInjector:
    """The fault rules of one server; the first matching rule applies."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024
"""Larger than any request rwc or kubectl sends; a bigger one is answered 413, not read."""


class _QuietServer(ThreadingHTTPServer):
    """A server that never prints: a request that breaks a handler (a malformed one from a hostile
    client) is logged, not dumped as a traceback on the terminal `rwc sim serve` runs in."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        logging.getLogger(__name__).debug("request from %s failed", client_address, exc_info=True)


class SimHttpServer:
    """Serves one `Router` on 127.0.0.1 (an ephemeral port unless given) in a daemon thread."""

    def __init__(
        self,
        name: str,
        router: Router,
        error_body: ErrorBody,
        *,
        port: int = 0,
        before_request: Callable[[Request], None] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`ssl_context` set: serve HTTPS (the TLS handshake runs in each connection's own thread, so a
        client that stalls in it holds up nobody else)."""
        self.name = name
        self.router = router
        self.error_body = error_body
        self.faults = FaultInjector()
        self.before_request = before_request
        self.requests_seen: list[tuple[str, str]] = []
        self.bytes_sent = 0
        """Response body bytes written (benchmarks count what a screen costs the server)."""
        self.closing = threading.Event()
        """Set by `stop`; streaming responses end at their next chunk or heartbeat."""
        self._server = _QuietServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self.tls = ssl_context is not None
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> SimHttpServer:
        # A short poll makes `stop()` return in ~50 ms instead of 0.5 s (tests start and stop many servers).
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sim-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> SimHttpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def dispatch(self, request: Request) -> Response:
        """Route one request, turning `HttpError` into the service's error body."""
        try:
            if self.before_request:
                self.before_request(request)
            handler, request.path_params = self.router.match(request.method, request.path)
            return handler(request)
        except HttpError as error:
            return Response.json(error.status, self.error_body(error.status, error.message, error.extra))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle on, each answer waits for the
            # client's delayed ACK (~40 ms on Linux), which made a few hundred requests take seconds.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return None  # never print: the simulator may run beside a TUI

            def _handle(self) -> None:
                split = urlsplit(self.path)
                length_text = (self.headers.get("Content-Length") or "0").strip()
                if not length_text.isdigit():
                    self.send_error(400, "Content-Length is not a number")
                    return
                length = int(length_text)
                if length > MAX_REQUEST_BODY_BYTES:
                    self.send_error(413, f"A request body may be at most {MAX_REQUEST_BODY_BYTES} bytes")
                    return
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
                server.requests_seen.append((request.method, request.path))
                fault = server.faults.take(request.method, request.path)
                if fault and fault.kind in (FaultKind.LATENCY, FaultKind.TIMEOUT):
                    time.sleep(fault.delay_seconds or 30.0)
                if fault and fault.kind is FaultKind.DROP:
                    self.close_connection = True
                    with suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault and fault.kind is FaultKind.STATUS:
                    response = Response.json(fault.status, server.error_body(fault.status, fault.message, {}))
                    if fault.status == 429:
                        response.headers["Retry-After"] = "1"
                elif fault and fault.kind is FaultKind.MALFORMED:
                    response = Response(200, b'{"data": [ {"uid": "trunc')
                elif fault and fault.kind is FaultKind.AMEND and fault.amend is not None:
                    response = _amended(server.dispatch(request), fault.amend)
                else:
                    response = server.dispatch(request)
                self._write(response)

            def _write(self, response: Response) -> None:
                if response.stream is not None:
                    self._write_stream(response)
                    return
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("Content-Length", str(len(response.body)))
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(response.body)
                        server.bytes_sent += len(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _write_stream(self, response: Response) -> None:
                """Send `response.stream` chunked until it ends, the client leaves or the server stops."""
                stream = response.stream
                assert stream is not None
                self.close_connection = True  # one stream per connection keeps the bookkeeping trivial
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    self.send_header("Transfer-Encoding", "chunked")
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    for chunk in stream:
                        if server.closing.is_set():
                            break
                        if not chunk:
                            if _client_gone(self.connection):
                                break
                            continue
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    else:
                        self.wfile.write(b"0\r\n\r\n")
                except OSError:  # BrokenPipeError, ConnectionResetError: the client went away
                    pass
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        return Handler


def _amended(response: Response, amend: Callable[[Any], Any]) -> Response:
    """`response` with its JSON body rewritten by `amend`; errors, streams and other bodies as they are."""
    if (
        response.stream is not None
        or not 200 <= response.status < 300
        or response.content_type != "application/json"
    ):
        return response
    return Response.json(response.status, amend(json.loads(response.body)), headers=response.headers)


def _client_gone(connection: socket.socket) -> bool:
    """Whether the peer closed its end (readable with nothing to read), without consuming any bytes.

    Over TLS a peek is impossible (SSLSocket refuses recv flags); a streaming answer's client sends nothing,
    so reading one byte without blocking is safe: end of stream means it left, no data yet means it stays.
    """
    try:
        readable, _, _ = select.select([connection], [], [], 0)
        if not readable:
            return False
        if isinstance(connection, ssl.SSLSocket):
            connection.setblocking(False)
            try:
                return connection.recv(1) == b""
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                return False
            finally:
                connection.setblocking(True)
        return connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True
