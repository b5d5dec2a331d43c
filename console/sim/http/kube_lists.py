"""Lists, single objects and watches of every resource the simulator's Kubernetes face serves, generically.

Why one place: nodes, pods, namespaces and both kinds of events share the same protocol (selectors,
`limit`/`continue`, server-side Tables, `watch=true` from a resourceVersion); each resource only says how to
enumerate, select, version and encode its objects (`Collection`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.model.identity import Identity
from console.sim.http.base import HttpError, Request, Response, SimulatorHost
from console.sim.http.kube_watch import Known, WatchPlan, watch_stream
from console.sim.simulator import Simulator
from console.wire import kube_objects, kube_tables
from console.wire.kube_selectors import SelectorError, parse_field_selector, parse_label_selector, predicate

REMEMBERED_LISTS = 8
"""How many lists' contents the face keeps for watches that start from them (older ones answer 410)."""
WATCH_MAX_SECONDS = 600.0
"""A watch ends after this long (real seconds) even if nobody closed it, or at its `timeoutSeconds`."""
MATCH_CACHE_ENTRIES = 16


def page(total: int, request: Request) -> tuple[int, int, dict[str, Any]]:
    """(start, end, list metadata) of the page `limit`/`continue` ask for among `total` matching items.

    The continue token is an offset into the current state, not a snapshot as on a real server: a list
    paged while the simulator moves on may repeat or skip an item (the client's next refresh corrects it).
    """
    start = 0
    token = request.param("continue")
    if token:
        if not token.startswith("o:") or not token[2:].isdigit():
            raise HttpError(410, "The provided continue parameter is too old or malformed.")
        start = int(token[2:])
    limit_text = request.param("limit")
    limit = int(limit_text) if limit_text and limit_text.isdigit() and int(limit_text) > 0 else None
    end = min(total, start + limit) if limit else total
    metadata: dict[str, Any] = {}
    if end < total:
        metadata["continue"] = f"o:{end}"
        metadata["remainingItemCount"] = total - end
    return start, end, metadata


Selector = Callable[[Mapping[str, str]], bool]


def label_selector(text: str | None) -> Selector:
    """The `labelSelector` query (equality- and set-based, console.wire.kube_selectors); 400 if unparsable."""
    try:
        return predicate(parse_label_selector(text))
    except SelectorError as error:
        raise HttpError(400, str(error)) from None


def field_selector(text: str | None, supported: frozenset[str]) -> Selector:
    """`field=value` / `field!=value` terms over the fields `supported` (others: 400, as the API does)."""
    try:
        return predicate(parse_field_selector(text, supported))
    except SelectorError as error:
        raise HttpError(400, str(error)) from None


def truthy(value: str | None) -> bool:
    """Query booleans: v35/v36 send `True`, v37 `true` (reference §13); accept both."""
    return (value or "").strip().lower() in ("true", "1")


def cluster_version(sim: Simulator) -> str:
    """The cluster's resourceVersion: moves whenever anything in the simulator changes."""
    return str(1000 + sim.runai.generation())


def include_object(request: Request) -> str:
    """`includeObject` of a Table request: None, Metadata (the default) or Object."""
    value = request.param("includeObject") or "Metadata"
    if value not in ("None", "Metadata", "Object"):
        raise HttpError(400, f"includeObject must be None, Metadata or Object, not {value[:40]!r}")
    return value


@dataclass(frozen=True)
class Collection:
    """One served resource: how to enumerate, select, version and encode its objects (entries are whatever
    the simulator keeps: a NodeState, a (project, workload, pod, phase) tuple, a wire record)."""

    resource: str
    kind: str
    api_version: str
    table: str
    """Its key in console.wire.kube_tables.CELLS."""
    fields: frozenset[str]
    entries: Callable[[Simulator, str | None], Iterable[Any]]
    key: Callable[[Any], str]
    version: Callable[[Any], str]
    labels: Callable[[Simulator, Any], Mapping[str, str]]
    field_values: Callable[[Simulator, Any], Mapping[str, str]]
    encode: Callable[[Simulator, Any], dict[str, Any]]


class CollectionServer:
    """List, get and watch handlers over one `SimulatorHost`, for any `Collection`."""

    def __init__(self, host: SimulatorHost) -> None:
        self.host = host
        self.closing = threading.Event()
        self._matches: dict[tuple[str | None, ...], tuple[int, list[Any]]] = {}
        """(path, selectors) -> (state generation, matching items): the pages of one list come from one
        selection while the simulator has not changed, as a real server's continue gives a snapshot."""
        self._lists: OrderedDict[tuple[str | None, ...], Known] = OrderedDict()
        """(path, selectors, resourceVersion) -> what that list held: where a watch from it starts."""

    def answer_list(self, collection: Collection, request: Request, identity: Identity) -> Response:
        """A list (or a Table of it), paged by `limit`/`continue`, or a watch when `watch=true`.

        Selectors are checked on labels and fields alone; JSON is built only for the page returned.
        """
        namespace = request.path_params.get("namespace")
        labels = label_selector(request.param("labelSelector"))
        fields = field_selector(request.param("fieldSelector"), collection.fields)
        if truthy(request.param("watch")):
            return self._watch(collection, request, namespace, labels, fields)
        as_table = kube_tables.wants_table(request.headers.get("accept"))
        with self.host.session() as sim:

            def select() -> list[Any]:
                return [
                    entry
                    for entry in collection.entries(sim, namespace)
                    if fields(collection.field_values(sim, entry)) and labels(collection.labels(sim, entry))
                ]

            matching = self._matching(sim, request, select)
            start, end, metadata = page(len(matching), request)
            items = [collection.encode(sim, entry) for entry in matching[start:end]]
            version = cluster_version(sim)
            if not request.param("continue"):
                # Remembered once per list, at its first page: a paged list's later pages share its version
                # while nothing changes, and rwc's own polling pages through big lists every few seconds.
                known: Known = {collection.key(e): (collection.version(e), None) for e in matching}
                for entry, item in zip(matching[start:end], items, strict=True):
                    known[collection.key(entry)] = (collection.version(entry), item)
                self._remember(request, version, known)
            now = sim.clock.now()
        list_metadata = {"resourceVersion": version, **metadata}
        if as_table:
            body = kube_tables.table(
                collection.table,
                items,
                now,
                list_metadata=list_metadata,
                include_object=include_object(request),
            )
        else:
            body = kube_objects.list_body(
                f"{collection.kind}List", collection.api_version, items, list_metadata
            )
        return Response.json(200, body)

    def read(self, collection: Collection, request: Request, identity: Identity) -> Response:
        namespace, name = request.path_params.get("namespace"), request.path_params["name"]
        key = f"{namespace}/{name}" if namespace else name
        with self.host.session() as sim:
            entry = next((e for e in collection.entries(sim, namespace) if collection.key(e) == key), None)
            if entry is None:
                raise HttpError(
                    404,
                    f'{collection.resource} "{name}" not found',
                    extra={"details": {"name": name, "kind": collection.resource}},
                )
            body = collection.encode(sim, entry)
            now = sim.clock.now()
        if kube_tables.wants_table(request.headers.get("accept")):
            body = kube_tables.table(collection.table, [body], now, include_object=include_object(request))
        return Response.json(200, body)

    def _remember(self, request: Request, version: str, known: Known) -> None:
        """What a list held at `version`, so a watch from that version starts exactly where the list ended."""
        key = (request.path, request.param("labelSelector"), request.param("fieldSelector"), version)
        self._lists[key] = known
        self._lists.move_to_end(key)
        while len(self._lists) > REMEMBERED_LISTS:
            self._lists.popitem(last=False)

    def _watch(
        self,
        collection: Collection,
        request: Request,
        namespace: str | None,
        labels: Selector,
        fields: Selector,
    ) -> Response:
        """A WatchEvent stream from `resourceVersion` (see console/sim/http/kube_watch.py)."""
        wanted = (request.param("resourceVersion") or "").strip()
        timeout_text = request.param("timeoutSeconds")
        if timeout_text is not None and not timeout_text.isdigit():
            raise HttpError(400, f"timeoutSeconds must be a whole number of seconds, not {timeout_text!r}")
        timeout = min(float(timeout_text), WATCH_MAX_SECONDS) if timeout_text else WATCH_MAX_SECONDS
        initial = truthy(request.param("sendInitialEvents"))
        as_table = kube_tables.wants_table(request.headers.get("accept"))
        include = include_object(request)

        def collect(sim: Simulator) -> dict[str, tuple[str, Any]]:
            return {
                collection.key(entry): (collection.version(entry), entry)
                for entry in collection.entries(sim, namespace)
                if fields(collection.field_values(sim, entry)) and labels(collection.labels(sim, entry))
            }

        def wrap(obj: dict[str, Any], now: datetime) -> dict[str, Any]:
            obj = {"kind": collection.kind, "apiVersion": collection.api_version, **obj}
            if as_table:
                return kube_tables.table(collection.table, [obj], now, include_object=include)
            return obj

        with self.host.session() as sim:
            current = cluster_version(sim)
            known: Known | None
            if initial or wanted in ("", "0"):
                known = {}
            elif not wanted.isdigit():
                raise HttpError(400, f"resourceVersion {wanted!r} is not a resource version")
            elif int(wanted) >= int(current):
                known = {key: (version, None) for key, (version, _) in collect(sim).items()}
            else:
                key = (request.path, request.param("labelSelector"), request.param("fieldSelector"), wanted)
                known = self._lists.get(key)
                if known is None:
                    raise HttpError(410, f"too old resource version: {wanted} ({current})")
        plan = WatchPlan(
            collect=collect,
            encode=collection.encode,
            wrap=wrap,
            known=known,
            kind=collection.kind,
            api_version=collection.api_version,
            timeout_seconds=timeout,
            bookmarks=truthy(request.param("allowWatchBookmarks")),
            initial_events_end=initial,
        )
        return Response(
            200, content_type="application/json", stream=watch_stream(self.host, plan, self.closing)
        )

    def _matching(self, sim: Simulator, request: Request, select: Callable[[], list[Any]]) -> list[Any]:
        """`select()`, or the selection an earlier page of the same list made if nothing changed since."""
        key = (request.path, request.param("labelSelector"), request.param("fieldSelector"))
        generation = sim.runai.generation()
        cached = self._matches.get(key)
        if cached is not None and cached[0] == generation and request.param("continue"):
            return cached[1]
        selected = select()
        if len(self._matches) >= MATCH_CACHE_ENTRIES:
            self._matches.clear()
        self._matches[key] = (generation, selected)
        return selected
