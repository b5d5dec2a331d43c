"""The live WEKA decoders against answers generated from the 3.14 field inventory and a real status.

`../shared/reference/openapi/weka/` has no OpenAPI document, only a machine-readable inventory of the
3.14 REST models (JSON keys and codegen types: `str`, `float`, `bool`, `list[Model]`, …; nothing marked
required, anything may be null, as the generated client accepts) and the real `weka status --json` of a
4.4 cluster. `inventory_schema` turns a model into a JSON Schema, hypothesis-jsonschema generates
answers from it, and they go through the `console.wire.weka` code `WekaClient` calls. As on the Run:ai side
(test_runai_generated.py):

- decoding may fail only with a `BackendError`, and
- a list that mixes one item with what rwc needs (`NEEDS`) and random ones keeps that item and counts
  every item it leaves out.

The real status must read as it is, and with any of its keys replaced by a value of the inventory's type
for that key (or null, or removed), fail only with a `BackendError`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from console.data.errors import BackendError
from console.data.unreadable import tallying
from console.model import WekaClusterStatus
from console.wire import weka as wire

REPO_ROOT = Path(__file__).resolve().parents[2]
INVENTORY_NAME = "weka-rest-api-3.14-inventory.derived.json"
STATUS_NAME = "cli-weka-status-json-4.4.2.157.json"
REFERENCE_DIRS = (
    REPO_ROOT.parent / "shared" / "reference" / "openapi" / "weka",
    REPO_ROOT / "shared" / "reference" / "openapi" / "weka",
)
REFERENCE = next((path for path in REFERENCE_DIRS if (path / INVENTORY_NAME).is_file()), None)
if REFERENCE is None:
    pytest.skip(
        f"WEKA reference data not found: expected it in {REFERENCE_DIRS[0]} (../shared beside the repo)",
        allow_module_level=True,
    )

settings.register_profile(
    "rwc-generated-weka",
    max_examples=8,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,
    ],
)
PROFILE = settings.get_profile("rwc-generated-weka")

GOOD = "good-7c1d"
NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
_SCALARS = {"str": "string", "float": "number", "int": "integer", "bool": "boolean"}


@functools.cache
def inventory() -> dict[str, Any]:
    assert REFERENCE is not None
    return json.loads((REFERENCE / INVENTORY_NAME).read_text())


@functools.cache
def real_status() -> dict[str, Any]:
    assert REFERENCE is not None
    return json.loads((REFERENCE / STATUS_NAME).read_text())


def type_schema(kind: str, enum: list[Any] | None = None, depth: int = 0) -> dict[str, Any]:
    """A codegen type as JSON Schema, or null (every field of the 3.14 models may be absent or null)."""
    if enum:
        return {"enum": [*enum, None]}
    if kind in _SCALARS:
        return {"type": [_SCALARS[kind], "null"]}
    if kind == "object":
        return {"type": ["object", "null"]}
    listed = re.fullmatch(r"list\[(.+)\]", kind)
    if listed:
        return {
            "anyOf": [{"type": "null"}, {"type": "array", "items": type_schema(listed[1], depth=depth + 1)}]
        }
    if depth > 6:
        return {"type": ["object", "null"]}
    return {"anyOf": [{"type": "null"}, model_schema(kind, depth + 1)]}


def model_schema(name: str, depth: int = 0) -> dict[str, Any]:
    fields = inventory()["models"][name]
    return {
        "type": "object",
        "properties": {
            key: type_schema(field["type"], field.get("enum"), depth) for key, field in fields.items()
        },
        "additionalProperties": False,  # bodies spend their size on the keys the inventory names
    }


@functools.cache
def answer_schema(method: str, path: str) -> dict[str, Any]:
    """The `{"data": …}` answer of an endpoint, with `data` always present (the client requires it)."""
    (endpoint,) = [e for e in inventory()["endpoints"] if e["method"] == method and e["path"] == path]
    schema = model_schema(endpoint["response"])
    return {**schema, "required": ["data"]}


def data_schema(path: str) -> dict[str, Any]:
    return answer_schema("GET", path)["properties"]["data"]


@dataclass(frozen=True)
class Answer:
    name: str
    path: str
    decode: Callable[[Any], Any]
    needs: dict[str, Any] | None = None
    """What an item needs to be readable (with GOOD where `identify` looks); None: not a list."""
    identify: Callable[[Any], str] | None = None


def _items(body: Any) -> list[Any]:
    return wire.as_list(wire.unwrap(body), "data")


def _cluster(body: Any) -> Any:
    reading = wire.parse_cluster(wire.unwrap(body))
    return wire.sample_from_activity(reading, None, NOW)


FILESYSTEM_NEEDS = {
    "uid": GOOD,
    "name": "fs",
    "total_budget": 10,
    "ssd_budget": 5,
    "used_total": 3,
    "used_ssd": 1,
}
ANSWERS = (
    Answer("cluster", "/cluster", _cluster),
    Answer(
        "filesystems",
        "/fileSystems",
        lambda body: wire.parse_filesystems(_items(body), {}),
        FILESYSTEM_NEEDS,
        lambda filesystem: filesystem.uid,
    ),
    Answer(
        "filesystem",
        "/fileSystems/{uid}",
        lambda body: wire.parse_filesystem(wire.unwrap(body), 0, wire.SnapshotSummary()),
    ),
    Answer(
        "cluster capacity",
        "/fileSystems",
        lambda body: wire.build_weka_cluster(wire.parse_cluster(real_status()), _items(body), None),
    ),
    Answer(
        "snapshots",
        "/snapshots",
        lambda body: wire.parse_snapshots(_items(body)),
        {"uid": GOOD, "name": "s", "filesystemUid": "fs-1", "creationTime": "2026-03-01T09:00:00Z"},
        lambda reading: reading[0].uid,
    ),
    Answer("snapshot", "/snapshots/{uid}", lambda body: wire.parse_snapshot(wire.unwrap(body))),
    Answer(
        "buckets",
        "/objectStoreBuckets",
        lambda body: wire.parse_buckets(_items(body)),
        {"uid": GOOD, "name": "obs"},
        lambda bucket: bucket.uid,
    ),
    Answer(
        "groups",
        "/fileSystemGroups",
        lambda body: wire.parse_groups(_items(body)),
        {"uid": GOOD, "name": "default", "start_demote": 10, "target_ssd_retention": 20},
        lambda group: group.uid,
    ),
    Answer(
        "alerts",
        "/alerts",
        lambda body: wire.parse_alerts(_items(body), {}, NOW)[0],
        {"type": "DriveDown", "title": GOOD},
        lambda alert: alert.title,
    ),
    Answer("stats", "/stats", lambda body: wire.parse_stats(wire.unwrap(body))),
    Answer("realtime stats", "/stats/realtime", lambda body: wire.parse_realtime_latency(wire.unwrap(body))),
    Answer("client reads", "/stats/realtime", lambda body: wire.parse_client_reads(wire.unwrap(body))),
)
LIST_ANSWERS = [answer for answer in ANSWERS if answer.needs is not None]


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda answer: answer.name)
def test_an_answer_of_the_inventory_decodes_or_fails_with_a_backend_error(answer: Answer) -> None:
    @PROFILE
    @given(body=from_schema(answer_schema("GET", answer.path)))
    def check(body: Any) -> None:
        with contextlib.suppress(BackendError):  # shown as the resource's error; anything else fails
            answer.decode(body)

    check()


@pytest.mark.parametrize("answer", LIST_ANSWERS, ids=lambda answer: answer.name)
def test_a_readable_item_among_random_ones_is_kept_and_the_rest_counted(answer: Answer) -> None:
    assert answer.needs is not None and answer.identify is not None
    needs, identify = answer.needs, answer.identify
    items_schema = next(part for part in data_schema(answer.path)["anyOf"] if part.get("type") == "array")
    random_item = from_schema(items_schema["items"])
    good_item = random_item.map(lambda item: {**(item if isinstance(item, dict) else {}), **needs})

    @PROFILE
    @given(before=st.lists(random_item, max_size=2), good=good_item, after=st.lists(random_item, max_size=2))
    def check(before: list[Any], good: dict[str, Any], after: list[Any]) -> None:
        items = [*before, good, *after]
        with tallying() as tally:
            decoded = answer.decode({"data": items})
        assert GOOD in [identify(item) for item in decoded], f"the readable item was dropped from {items!r}"
        offered = sum(1 for item in items if item is not None)
        assert len(decoded) + sum(found.count for found in tally.found()) == offered

    check()


STATS_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["NaN", "1e999", "7"]),
)
STATS_TIMES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["2026-03-01T09:00:00Z", "9999-12-31T23:59:59-01:00"]),
)


@PROFILE
@given(
    layout=st.sampled_from(["rows", "series", "map"]),
    points=st.lists(
        st.tuples(STATS_TIMES, st.sampled_from(["OPS", "READS", "READ_BYTES", 7]), STATS_VALUES), max_size=6
    ),
)
def test_statistics_in_any_layout_with_any_values_never_raise_and_stay_finite(
    layout: str, points: list[tuple[Any, Any, Any]]
) -> None:
    """/stats is `{"all": {"rpc": [object]}}` in the inventory, which says little: the three layouts
    wire.weka reads, filled with anything JSON can hold. Odd points are skipped; the rest are finite."""
    if layout == "rows":
        data: Any = {
            "all": {"ops": [{"timestamp": at, "stat": stat, "value": value} for at, stat, value in points]}
        }
    elif layout == "series":
        data = {
            "ops": {
                str(stat): [{"timestamp": at, "value": value} for at, _, value in points]
                for _, stat, _ in points
            }
        }
    else:
        data = {"ops": {str(stat): {str(at): value for at, _, value in points} for _, stat, _ in points}}
    for sample in wire.parse_stats(data):
        numbers = (sample.iops, sample.read_bytes_per_second, sample.latency_microseconds)
        assert all(number == number and abs(number) != float("inf") for number in numbers), numbers


def test_the_real_status_reads_as_it_is() -> None:
    reading = wire.parse_cluster(real_status())
    assert (reading.name, reading.status, reading.io_status) == (
        "weka-infra",
        WekaClusterStatus.OK,
        "STARTED",
    )
    assert (reading.backends, reading.clients, reading.drives) == ((12, 13), (4, 4), (36, 36))
    assert reading.cluster_time == datetime(2025, 4, 9, 11, 54, 25, 979086, tzinfo=UTC)


@PROFILE
@given(data=st.data())
def test_the_real_status_with_any_key_changed_reads_or_fails_with_a_backend_error(
    data: st.DataObject,
) -> None:
    status = dict(real_status())
    fields = inventory()["models"]["InlineResponse2004Data"]
    for key in data.draw(st.lists(st.sampled_from(sorted(status)), max_size=4, unique=True)):
        field = fields.get(key)
        change = data.draw(st.sampled_from(["remove", "null", "generated"] if field else ["remove", "null"]))
        if change == "remove":
            del status[key]
        elif change == "null":
            status[key] = None
        else:
            assert field is not None
            status[key] = data.draw(from_schema(type_schema(field["type"], field.get("enum"))))
    with contextlib.suppress(BackendError):
        wire.parse_cluster(status)
