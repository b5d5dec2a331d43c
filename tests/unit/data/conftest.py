"""Fixtures for the data-layer unit tests: a backend that records every call and answers canned values.

The wrappers are tested against this, not a real backend: what matters is which calls reach the
inner backend and with what, so every protocol method is generated from `Backend` itself and a new
method added to the protocol is covered without touching this file.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from console.data.backend import Backend

FIXED_NOW = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)

PROTOCOL_MEMBERS: tuple[str, ...] = tuple(sorted(name for name in vars(Backend) if not name.startswith("_")))
"""Every public member of the Backend protocol (methods and the `profile_name` property)."""


class RecordingBackend:
    """Records `(method, args, kwargs)` for every call; `results[name]` / `failures[name]` steer answers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.results: dict[str, Any] = {}
        self.failures: dict[str, BaseException] = {}

    @property
    def profile_name(self) -> str:
        return "recording"

    def now(self) -> datetime:
        return FIXED_NOW

    def workload_logs(
        self,
        workload_id: str,
        *,
        follow: bool = False,
        tail_lines: int = 500,
        pod: str | None = None,
        previous: bool = False,
    ) -> AsyncIterator[str]:
        arguments = {"follow": follow, "tail_lines": tail_lines, "pod": pod, "previous": previous}
        self.calls.append(("workload_logs", (workload_id,), arguments))

        async def lines() -> AsyncIterator[str]:
            for line in ("line 1", "line 2"):
                yield line

        return lines()

    def called(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for method, args, kwargs in self.calls if method == name]


def _recording_method(name: str) -> Any:
    async def method(self: RecordingBackend, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((name, args, kwargs))
        if name in self.failures:
            raise self.failures[name]
        return self.results.get(name, f"{name}-result")

    method.__name__ = name
    return method


for _name in PROTOCOL_MEMBERS:
    if _name not in vars(RecordingBackend):
        setattr(RecordingBackend, _name, _recording_method(_name))


def dummy_arguments(name: str) -> tuple[Any, ...]:
    """Positional values for every required parameter of a protocol method (`<param>-value`)."""
    signature = inspect.signature(getattr(Backend, name))
    return tuple(
        f"{parameter.name}-value"
        for parameter in list(signature.parameters.values())[1:]
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    )


@pytest.fixture
def recording_backend() -> RecordingBackend:
    backend = RecordingBackend()
    assert isinstance(backend, Backend)
    return backend


@pytest.fixture(name="dummy_arguments")
def dummy_arguments_fixture() -> Any:
    """`dummy_arguments` for tests (conftest is not imported by test modules)."""
    return dummy_arguments
