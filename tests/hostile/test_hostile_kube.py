"""A Kubernetes API that never stops paging, repeats its paging token, sends a body larger than any
real answer, or JSON nested beyond reason: rwc's client stops with a clear error, within bounds of
requests, time and memory, instead of asking forever (1,218 requests a second were seen) or buffering
gigabytes."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from kube_fixtures import KubeEnv

from console.backends.live import kube as kube_module
from console.backends.live import kube_answers
from console.data.errors import BadResponse
from console.sim.http.base import Fault, FaultKind

NODE_LIST = r"/api/v1/nodes$"


async def test_a_continue_token_that_never_ends_stops_with_an_error(
    kube_env: KubeEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kube_module, "MAX_LIST_PAGES", 25)  # rwc's own bound, made small to be quick
    tokens = itertools.count()
    pages: list[int] = []

    def never_ending(body: Any) -> Any:
        pages.append(1)
        # Always "from the start" (offset 0) but never the same token twice: o:0, o:00, o:000, ...
        body.setdefault("metadata", {})["continue"] = "o:" + "0" * (next(tokens) + 1)
        return body

    kube_env.server.faults.add(
        Fault(FaultKind.AMEND, path_pattern=NODE_LIST, method="GET", amend=never_ending)
    )
    client = kube_env.client(request_timeout=(2.0, 5.0))
    started = time.monotonic()
    try:
        with pytest.raises(BadResponse, match="did not end after 25 pages"):
            await client.nodes()
    finally:
        await client.aclose()
    assert len(pages) == 25  # asked exactly as often as the bound allows, then stopped
    assert time.monotonic() - started < 10


async def test_a_repeated_continue_token_stops_at_once(kube_env: KubeEnv) -> None:
    pages: list[int] = []

    def same_token(body: Any) -> Any:
        pages.append(1)
        body.setdefault("metadata", {})["continue"] = "o:0"
        return body

    kube_env.server.faults.add(Fault(FaultKind.AMEND, path_pattern=NODE_LIST, method="GET", amend=same_token))
    client = kube_env.client(request_timeout=(2.0, 5.0))
    try:
        with pytest.raises(BadResponse, match="repeated a paging token"):
            await client.nodes()
    finally:
        await client.aclose()
    assert len(pages) == 2


async def test_an_answer_larger_than_the_cap_is_refused_not_buffered(
    kube_env: KubeEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kube_answers, "MAX_BODY_BYTES", 1024 * 1024)  # rwc's cap, made small to be quick

    def padded(body: Any) -> Any:
        body["padding"] = "x" * (3 * 1024 * 1024)
        return body

    kube_env.server.faults.add(Fault(FaultKind.AMEND, path_pattern=NODE_LIST, method="GET", amend=padded))
    client = kube_env.client(request_timeout=(2.0, 5.0))
    try:
        with pytest.raises(BadResponse, match="over 1 MiB; refused"):
            await client.nodes()
        kube_env.server.faults.clear()
        assert await client.nodes()  # the client (and its pool) still works afterwards
    finally:
        await client.aclose()


class _DeepBody:
    """A raw response whose body is JSON nested 100,000 levels deep."""

    def __init__(self) -> None:
        self._data = b"[" * 100_000 + b"]" * 100_000

    def read(self, amount: int) -> bytes:
        return self._data[:amount]

    def release_conn(self) -> None:
        pass


def test_json_nested_beyond_reason_is_a_bad_response() -> None:
    with pytest.raises(BadResponse, match="nested too deep"):
        kube_answers.read_json(_DeepBody())
