"""Typed resource keys, the action table and `InvalidatingBackend`: what an action refreshes, in one place.

A user notices these as: the row changes the moment an action succeeds, on every screen that shows it
(a project's workloads as well as all workloads), and nothing is re-fetched for an action refused.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from console.data.actions import INVALIDATES, Action
from console.data.backend import ACTION_NAMES, Backend
from console.data.errors import ActionAccepted, BadResponse, ReadOnlyError
from console.data.invalidating import InvalidatingBackend
from console.data.readonly import ReadOnlyBackend
from console.data.resource_keys import ResourceKind, ResourceValues
from console.data.resources import (
    ALL_WORKLOADS,
    EVENTS,
    GPU_USAGE,
    NODES,
    PROJECTS,
    WORKLOAD,
    WORKLOADS,
    UsageWindow,
)
from console.data.store import Store
from console.model import WorkloadFilter
from console.model.events import EventFilter


def test_equal_parameters_make_one_key_and_other_parameters_another() -> None:
    vision = WORKLOADS(WorkloadFilter(project_name="vision"))
    assert vision == WORKLOADS(WorkloadFilter(project_name="vision"))
    assert hash(vision) == hash(WORKLOADS(WorkloadFilter(project_name="vision")))
    assert vision != WORKLOADS(WorkloadFilter(project_name="nlp"))
    assert vision != ALL_WORKLOADS
    assert len({WORKLOAD("w-1"), WORKLOAD("w-1"), WORKLOAD("w-2")}) == 2


def test_a_key_names_itself_in_words_for_stale_notices() -> None:
    assert str(NODES) == "nodes"
    assert str(ALL_WORKLOADS) == "workloads"
    assert str(WORKLOADS(WorkloadFilter(project_name="vision"))) == "workloads (project name vision)"
    assert str(WORKLOAD("w-1")) == "workload (w-1)"


def test_only_parameterised_keys_are_dropped_when_unused() -> None:
    assert not NODES.parameterised
    assert not ALL_WORKLOADS.parameterised
    assert WORKLOAD("w-1").parameterised


def test_a_history_polls_once_per_reading_but_never_faster_than_five_seconds() -> None:
    assert GPU_USAGE(UsageWindow(3600.0, 120.0)).interval_seconds == 120.0
    assert GPU_USAGE(UsageWindow(300.0, 1.0)).interval_seconds == 5.0


def test_a_kind_refuses_a_pace_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        ResourceKind("broken", lambda backend, params: backend.nodes(), 0)


def test_values_are_read_by_key_and_say_which_one_is_missing() -> None:
    values = ResourceValues({NODES: ["n1"], PROJECTS: None})
    assert values[NODES] == ["n1"]
    assert values.get(PROJECTS) is None
    assert not values.all_loaded
    with pytest.raises(LookupError, match="projects has not loaded yet"):
        values[PROJECTS]


def test_every_backend_action_is_named_once_and_says_what_it_changes() -> None:
    protocol_methods = {name for name, _ in inspect.getmembers(Backend) if not name.startswith("_")}
    assert set(Action) <= protocol_methods
    assert frozenset(Action) == ACTION_NAMES
    assert set(INVALIDATES) == set(Action)
    assert all(INVALIDATES[action] for action in Action)


def test_scheduling_actions_refresh_every_workload_view_and_the_events() -> None:
    for action in (Action.SUBMIT_WORKLOAD, Action.SUSPEND_WORKLOAD, Action.DRAIN_NODE):
        assert {WORKLOADS, WORKLOAD, EVENTS} <= INVALIDATES[action]
        assert NODES.kind in INVALIDATES[action]


async def test_an_action_that_went_through_invalidates_what_it_changed(
    recording_backend: Any, dummy_arguments: Any
) -> None:
    told: list[frozenset[Any]] = []
    backend = InvalidatingBackend(recording_backend, told.append)
    await backend.suspend_workload(*dummy_arguments("suspend_workload"))
    assert told == [INVALIDATES[Action.SUSPEND_WORKLOAD]]


async def test_an_action_accepted_unread_invalidates_too(
    recording_backend: Any, dummy_arguments: Any
) -> None:
    told: list[frozenset[Any]] = []
    recording_backend.failures["delete_project"] = ActionAccepted(BadResponse("the list did not answer"))
    backend = InvalidatingBackend(recording_backend, told.append)
    with pytest.raises(ActionAccepted):
        await backend.delete_project(*dummy_arguments("delete_project"))
    assert told == [INVALIDATES[Action.DELETE_PROJECT]]


async def test_a_refused_action_and_a_query_invalidate_nothing(recording_backend: Any) -> None:
    told: list[frozenset[Any]] = []
    backend = InvalidatingBackend(ReadOnlyBackend(recording_backend), told.append)
    with pytest.raises(ReadOnlyError):
        await backend.cordon_node("gpu-01")
    await backend.nodes()
    assert told == []


async def test_the_store_refreshes_every_key_of_an_invalidated_kind(recording_backend: Any) -> None:
    fetched: list[str] = []

    def counting(label: str) -> Any:
        async def fetch() -> str:
            fetched.append(label)
            return label

        return fetch

    store = Store(recording_backend)
    vision = WORKLOADS(WorkloadFilter(project_name="vision"))
    timeline = EVENTS(EventFilter(node="gpu-01"))
    for key, label in ((ALL_WORKLOADS, "all"), (vision, "vision"), (timeline, "events"), (NODES, "nodes")):
        store.register(key, counting(label), 3600)
    store.start()
    try:
        async with asyncio.timeout(2):
            while len(fetched) < 4:
                await asyncio.sleep(0)
        fetched.clear()
        store.invalidate(INVALIDATES[Action.CREATE_PROJECT] | {WORKLOADS})
        async with asyncio.timeout(2):
            while len(fetched) < 2:
                await asyncio.sleep(0)
        for _ in range(20):
            await asyncio.sleep(0)
        assert sorted(fetched) == ["all", "vision"]
    finally:
        await store.stop()


async def test_a_dropped_key_stops_polling_and_is_forgotten(recording_backend: Any) -> None:
    store = Store(recording_backend)
    key = WORKLOAD("w-1")
    store.register(key, lambda: recording_backend.workload("w-1"), 3600)
    store.start()
    try:
        async with asyncio.timeout(2):
            while not store.snapshot(key).loaded:
                await asyncio.sleep(0)
        store.drop(key)
        assert key not in store
        assert store.keys == ()
    finally:
        await store.stop()
