"""Typed resource keys: what the Store polls, named by a kind and its parameters, never by a bare string.

A `ResourceKind` says how to fetch one kind of thing from a `Backend` (and how often); calling it with
parameters gives a `ResourceKey`, e.g. `WORKLOADS(WorkloadFilter(project_name="vision"))`. Two screens
(or a screen and the header) that ask for equal keys share one poll and one cached value; a key with
other parameters is another poll, filtered by the server. The value type travels with the key, so
`bridge.snapshot(NODES).value` is a `Sequence[Node] | None` to the type checker, not `Any`.

Kinds compare by identity (each is a module-level constant); keys compare by kind and parameters, so
parameters must be hashable values (frozen dataclasses, strings, tuples).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from console.data.backend import Backend

T = TypeVar("T")
P = TypeVar("P", bound=Hashable)


class ResourceKind(Generic[T, P]):
    """How to fetch one kind of resource with parameters `P`, and how often to poll it."""

    __slots__ = ("_interval", "fetch", "name")

    def __init__(
        self,
        name: str,
        fetch: Callable[[Backend, P], Awaitable[T]],
        interval_seconds: float | Callable[[P], float],
    ) -> None:
        if not callable(interval_seconds) and interval_seconds <= 0:
            raise ValueError(f"interval_seconds of {name!r} must be positive, not {interval_seconds}")
        self.name = name
        """Shown in "stale since … — <name>" notices and logs; unique among kinds."""
        self.fetch = fetch
        self._interval = interval_seconds

    def interval_for(self, params: P) -> float:
        """How often to poll a key with `params` (a history's step decides its own pace)."""
        return self._interval(params) if callable(self._interval) else self._interval

    def __call__(self, params: P) -> ResourceKey[T]:
        return ResourceKey(self, params)

    def __repr__(self) -> str:
        return f"ResourceKind({self.name!r})"


@dataclass(frozen=True, slots=True)
class ResourceKey(Generic[T]):
    """One pollable thing: a kind with its parameters (None: the kind's whole, unparameterised list)."""

    kind: ResourceKind[T, Any]
    params: Hashable = None

    def fetch(self, backend: Backend) -> Awaitable[T]:
        return self.kind.fetch(backend, self.params)

    @property
    def interval_seconds(self) -> float:
        return self.kind.interval_for(self.params)

    @property
    def parameterised(self) -> bool:
        """A key with parameters is one screen's view; the Store drops it when no visible screen uses it."""
        return self.params is not None

    def __str__(self) -> str:
        """`workloads`, or `workloads (project vision)`: how a notice or log names it."""
        if self.params is None:
            return self.kind.name
        return f"{self.kind.name} ({describe_params(self.params)})"


def describe_params(params: object) -> str:
    """A dataclass's set fields as `field value` words (`project_name vision`); anything else as str."""
    if is_dataclass(params) and not isinstance(params, type):
        words = [
            describe_params(value) if is_dataclass(value) else f"{field.name.replace('_', ' ')} {value}"
            for field in fields(params)
            if (value := getattr(params, field.name)) not in (None, "", ())
        ]
        return ", ".join(words) or "all"
    return str(params)


def plain_kind(
    name: str, fetch: Callable[[Backend], Awaitable[T]], interval_seconds: float
) -> ResourceKey[T]:
    """A kind without parameters, returned as its one key (`NODES`, `PROJECTS`)."""

    def fetch_plain(backend: Backend, _params: None) -> Awaitable[T]:
        return fetch(backend)

    return ResourceKind[T, None](name, fetch_plain, interval_seconds)(None)


class ResourceValues:
    """The latest value of each of a screen's keys, typed by the key: `values[NODES]` is a `Sequence[Node]`.

    Built by a screen from the Store's snapshots; `values[key]` is for code that runs once everything
    has loaded (it raises `LookupError` on a key still loading), `get(key)` for code that must cope.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[ResourceKey[Any], object]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: ResourceKey[T]) -> T:
        value = self._values.get(key)
        if value is None:
            raise LookupError(f"{key} has not loaded yet")
        return cast(T, value)  # the Store fetched it with this key's own fetch

    def get(self, key: ResourceKey[T]) -> T | None:
        return cast("T | None", self._values.get(key))

    @property
    def all_loaded(self) -> bool:
        return all(value is not None for value in self._values.values())

    def identities(self) -> tuple[object, ...]:
        """The values themselves, in key order: a screen compares them by identity to skip a rebuild."""
        return tuple(self._values.values())
