"""`rwc sim serve` answers malformed HTTP with a 4xx and prints nothing: a garbage request line, a
Content-Length that is not a number, or one larger than any real request."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from kube_fixtures import ADMIN, ADMIN_TOKEN, demo_sim

from console.sim.http.base import SimHttpServer, SimulatorHost
from console.sim.http.kube import kube_server


@pytest.fixture
def server() -> Iterator[SimHttpServer]:
    running = kube_server(SimulatorHost(demo_sim(), clock_speed=0), {ADMIN_TOKEN: ADMIN}).start()
    try:
        yield running
    finally:
        running.stop()


def exchange(server: SimHttpServer, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"\x00\x01garbage\x7f\r\n\r\n", b" 400 "),
        (b"POST /api/v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b" 400 "),
        (b"POST /api/v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b" 400 "),
        (b"POST /api/v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", b" 413 "),
    ],
)
def test_malformed_http_gets_a_4xx_and_no_traceback(
    server: SimHttpServer, raw: bytes, status: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    answer = exchange(server, raw)
    assert status in answer.split(b"\r\n", 1)[0] + b" "
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
