"""Reading a pod's log: at once (`read_log`), or following it as the container writes (`follow_log`).

The kubernetes client is synchronous, so a followed log is read in a worker thread and handed to the event
loop through a bounded queue, a socket read's lines at a time: a slow consumer pauses the reader (and TCP the
sender), closing the iterator shuts the socket (which ends the thread), and a stream silent for
`follow_idle` seconds is reopened from "now" (a proxy that keeps the socket but drops the stream).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import urllib3

from console.backends.live.kube_answers import map_kube_error

LOG_FOLLOW_IDLE_SECONDS = 600.0
"""A follow stream silent this long is reopened from "now" (tailLines=0). TCP keepalive already notices a dead
peer; this is the backstop for a proxy that keeps the socket but drops the stream. A line written in the
few milliseconds of a reopen is missed, so it is rare on purpose (kubectl logs -f has no read timeout)."""
LOG_LIMIT_BYTES = 8 * 1024 * 1024
"""Upper bound on a log read without `tail_lines`, so "the whole log" cannot exhaust memory."""
LOG_QUEUE_CHUNKS = 64
"""Chunks of lines buffered between the follow thread and the consumer (each at most what one socket read
gave, so at most a few MB in all); a slow consumer pauses the reader, and TCP the sender."""
LOG_LINE_BYTES = 64 * 1024
"""Longest log line kept whole: a server that never sends a newline gets its text cut into lines of this
size instead of growing one line without bound."""

_END = object()


def read_log(core: Any, namespace: str, pod: str, arguments: dict[str, Any], timeout: Any) -> str:
    """The log as one text (blocking: run it in a thread); `arguments` as `read_namespaced_pod_log`
    takes them."""
    response = core.read_namespaced_pod_log(
        pod, namespace, _preload_content=False, _request_timeout=timeout, **arguments
    )
    try:
        return response.data.decode("utf-8", errors="replace")
    finally:
        response.release_conn()


async def follow_log(
    core: Any, namespace: str, pod: str, arguments: dict[str, Any], timeout: Any, follow_idle: float
) -> AsyncIterator[str]:
    """The log's lines as the container writes them, until the stream ends or the consumer closes this."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=LOG_QUEUE_CHUNKS)
    stop = threading.Event()
    current: list[Any] = []  # the open response, so closing the iterator can shut its socket

    def hand_over(item: object) -> bool:
        """Queue `item` for the consumer; False once the consumer has gone."""
        future = asyncio.run_coroutine_threadsafe(queue.put(item), loop)
        while not stop.is_set():
            try:
                future.result(timeout=0.2)
                return True
            except FutureTimeout:
                continue
        future.cancel()
        return False

    def pump() -> None:
        options = dict(arguments)
        try:
            while not stop.is_set():
                # The answer's head must come within the usual timeout; then the stream may idle longer.
                response = core.read_namespaced_pod_log(
                    pod,
                    namespace,
                    follow=True,
                    _preload_content=False,
                    _request_timeout=timeout,
                    **options,
                )
                _set_read_timeout(response, follow_idle)
                current[:] = [response]
                if stop.is_set():
                    _shutdown(response)
                    return
                try:
                    pending = b""
                    for chunk in response.stream(amt=None, decode_content=True):
                        # One hand-over per chunk, not per line: each costs a trip through the
                        # event loop, which capped a follow at ~3,000 lines/s (benchmarks/bench_logs.py).
                        lines, pending = _split_lines(pending + chunk)
                        if lines and not hand_over(lines):
                            return
                    if pending and not hand_over([pending.decode("utf-8", errors="replace")]):
                        return
                    break  # the server ended the stream: the container stopped
                except urllib3.exceptions.ReadTimeoutError:
                    if stop.is_set():
                        return
                    # Silent for follow_idle seconds: reopen from now (no lines repeated).
                    options.pop("limit_bytes", None)
                    options["tail_lines"] = 0
                finally:
                    _shutdown(response)
            hand_over(_END)
        except Exception as error:  # handed to the consumer, which raises it as a typed error
            if not stop.is_set():
                hand_over(error)

    reader = loop.run_in_executor(None, pump)
    try:
        while True:
            item = await queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise map_kube_error(item) from None
            for line in item:  # type: ignore[attr-defined]  # a chunk's lines
                yield line
    finally:
        stop.set()
        for response in current:
            _shutdown(response)
        await asyncio.wait({reader}, timeout=2.0)


def _split_lines(data: bytes) -> tuple[list[str], bytes]:
    """The complete lines in `data` (decoded, without `\r\n`) and the unfinished rest; a rest longer
    than LOG_LINE_BYTES is cut into lines of that size, so one endless line cannot grow without bound."""
    *complete, rest = data.split(b"\n")
    while len(rest) > LOG_LINE_BYTES:
        complete.append(rest[:LOG_LINE_BYTES])
        rest = rest[LOG_LINE_BYTES:]
    return [line.decode("utf-8", errors="replace").rstrip("\r") for line in complete], rest


def _set_read_timeout(response: Any, seconds: float) -> None:
    """Let an open stream wait `seconds` for its next bytes (urllib3 set the timeout for the head)."""
    sock = getattr(getattr(response, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _shutdown(response: Any) -> None:
    """Close a streaming response from any thread; `shutdown` wakes a reader blocked in the socket."""
    for method in ("shutdown", "close", "release_conn"):
        action = getattr(response, method, None)
        if action is not None:
            with contextlib.suppress(Exception):  # closing an already closed or broken response is fine
                action()
