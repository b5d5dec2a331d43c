"""ReadOnlyBackend: queries pass through, every action is refused before it reaches the inner backend."""

from __future__ import annotations

from typing import Any

import pytest

from console.data import ACTION_NAMES, Backend, ReadOnlyError
from console.data.readonly import ForwardingBackend, ReadOnlyBackend, action_in_words

PROTOCOL_MEMBERS = sorted(name for name in vars(Backend) if not name.startswith("_"))
QUERY_NAMES = sorted(
    name
    for name in PROTOCOL_MEMBERS
    if name not in ACTION_NAMES and name not in {"profile_name", "now", "workload_logs", "aclose"}
)


def test_forwarding_backend_defines_every_protocol_member_itself() -> None:
    """A member missing here would fall back to nothing (AttributeError), or worse, be forgotten."""
    missing = [name for name in PROTOCOL_MEMBERS if name not in vars(ForwardingBackend)]
    assert missing == []
    assert set(PROTOCOL_MEMBERS) >= ACTION_NAMES


def test_read_only_backend_is_a_backend(recording_backend: Any) -> None:
    assert isinstance(ReadOnlyBackend(recording_backend), Backend)


def test_wrapping_something_that_is_not_a_backend_fails_early() -> None:
    with pytest.raises(TypeError, match="Backend protocol"):
        ReadOnlyBackend(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("action", sorted(ACTION_NAMES))
async def test_every_action_is_refused_without_calling_the_inner_backend(
    action: str, recording_backend: Any, dummy_arguments: Any
) -> None:
    read_only = ReadOnlyBackend(recording_backend)

    with pytest.raises(ReadOnlyError) as refused:
        await getattr(read_only, action)(*dummy_arguments(action))

    assert recording_backend.calls == []
    assert str(refused.value) == (
        f"Read-only mode: '{action_in_words(action)}' is disabled (started with --read-only)"
    )


async def test_refusal_message_names_the_action_in_words(recording_backend: Any) -> None:
    with pytest.raises(ReadOnlyError, match=r"^Read-only mode: 'delete project' is disabled"):
        await ReadOnlyBackend(recording_backend).delete_project("p-1")


@pytest.mark.parametrize("query", QUERY_NAMES)
async def test_every_query_is_forwarded(query: str, recording_backend: Any, dummy_arguments: Any) -> None:
    result = await getattr(ReadOnlyBackend(recording_backend), query)(*dummy_arguments(query))

    assert result == f"{query}-result"
    assert [name for name, _, _ in recording_backend.calls] == [query]


async def test_query_arguments_are_passed_through(recording_backend: Any) -> None:
    read_only = ReadOnlyBackend(recording_backend)

    await read_only.gpus("node-7")
    await read_only.snapshots("fs-3")
    await read_only.weka_metrics(60.0)

    assert recording_backend.called("gpus")[0][0] == ("node-7",)
    assert recording_backend.called("snapshots")[0][0] == ("fs-3",)
    assert recording_backend.called("weka_metrics")[0][0] == (60.0,)


async def test_profile_now_logs_and_aclose_are_forwarded(recording_backend: Any) -> None:
    read_only = ReadOnlyBackend(recording_backend)

    assert read_only.profile_name == "recording"
    assert read_only.now() == recording_backend.now()
    assert [line async for line in read_only.workload_logs("wl-1", follow=True, tail_lines=10)] == [
        "line 1",
        "line 2",
    ]
    assert recording_backend.called("workload_logs") == [
        (("wl-1",), {"follow": True, "tail_lines": 10, "pod": None, "previous": False})
    ]
    await read_only.aclose()
    assert recording_backend.called("aclose") == [((), {})]


async def test_forwarding_backend_passes_actions_through(recording_backend: Any) -> None:
    """The base class is a plain pass-through; only subclasses change what `_act` does."""
    result = await ForwardingBackend(recording_backend).resize_filesystem("fs-1", 100, 50)

    assert result == "resize_filesystem-result"
    assert recording_backend.called("resize_filesystem") == [(("fs-1", 100, 50), {})]
