"""Watch streams for the Kubernetes face: a chunked stream of WatchEvents, one JSON object per line.

Why a poller: the simulator keeps no change log, only versions (`state.generation` for the whole cluster, a
version per workload and per node). A watch keeps what it last sent (key -> object resourceVersion and body),
looks again whenever the cluster's generation moves, and sends ADDED / MODIFIED / DELETED for the
difference, the same sequence of events a client would see from the apiserver's watch cache (with changes
between two looks folded into one, as a real watch may coalesce them). A watch starting from a list's
resourceVersion begins from what that list held (the face records it), so nothing between the list and the
watch is lost; a version the face no longer knows is answered 410 Gone by the caller, and the client relists.

Semantics from the API concepts page (kubernetes.io/docs/reference/using-api/api-concepts/, "Efficient
detection of changes"): `timeoutSeconds` ends the stream, `allowWatchBookmarks` asks for BOOKMARK events
that carry only the latest resourceVersion, `sendInitialEvents=true` starts with ADDED for every object and
then a bookmark annotated `k8s.io/initial-events-end`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.sim.http.base import SimulatorHost
from console.sim.simulator import Simulator
from console.wire import kube_objects

POLL_SECONDS = 0.1
"""How often (real seconds) a watch looks at the simulator; also its heartbeat for a departed client."""
LOCK_SHARE = 0.1
"""A watch holds the simulator's lock at most about this share of the time: after a look that took `d`
seconds it waits `d / LOCK_SHARE` before the next (a pod watch over the large scenario's 18,800 pods takes
about 0.1 s a look, so it looks about once a second rather than every time the clock moves)."""
BOOKMARK_SECONDS = 5.0
"""How often an idle watch that asked for bookmarks gets one (real servers: about once a minute)."""

Known = dict[str, tuple[str, dict[str, Any] | None]]
"""key -> (the object's resourceVersion, its last encoded body if one was built)."""


@dataclass
class WatchPlan:
    """Everything one watch needs: what to look at, how to write it, and when to stop."""

    collect: Callable[[Simulator], dict[str, tuple[str, Any]]]
    """key -> (resourceVersion, entry) of every object the watch's selectors match, now."""
    encode: Callable[[Simulator, Any], dict[str, Any]]
    wrap: Callable[[dict[str, Any], datetime], dict[str, Any]]
    """The object as sent (itself, or a one-row Table when the client asked for tables)."""
    known: Known
    """What the client already has (empty: send everything as ADDED)."""
    kind: str
    api_version: str
    timeout_seconds: float
    bookmarks: bool = False
    initial_events_end: bool = False
    """Send the `k8s.io/initial-events-end` bookmark after the first look (a `sendInitialEvents` watch)."""


def _line(event: Mapping[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode() + b"\n"


def _gone(key: str, known: tuple[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The body of a DELETED event: the last body sent, or (for an object only a list saw) its identity."""
    version, body = known
    if body is not None:
        return body
    namespace, _, name = key.rpartition("/")
    metadata = {"name": name, "resourceVersion": version, **({"namespace": namespace} if namespace else {})}
    return {"metadata": metadata}


def watch_stream(host: SimulatorHost, plan: WatchPlan, closing: threading.Event) -> Iterator[bytes]:
    """The stream's chunks: event lines, and b"" heartbeats while nothing changes."""
    known = dict(plan.known)
    deadline = time.monotonic() + plan.timeout_seconds
    last_generation: int | None = None
    last_bookmark = time.monotonic()
    first = True
    while time.monotonic() < deadline and not closing.is_set():
        lines: list[bytes] = []
        looked = time.monotonic()
        with host.session() as sim:
            generation = sim.runai.generation()
            if generation != last_generation:
                last_generation = generation
                now = sim.clock.now()
                current = plan.collect(sim)
                for key, (version, entry) in current.items():
                    seen = known.get(key)
                    if seen is not None and seen[0] == version:
                        continue
                    body = plan.encode(sim, entry)
                    known[key] = (version, body)
                    lines.append(
                        _line(
                            kube_objects.watch_event(
                                "ADDED" if seen is None else "MODIFIED", plan.wrap(body, now)
                            )
                        )
                    )
                for key in [key for key in known if key not in current]:
                    gone = known.pop(key)
                    lines.append(_line(kube_objects.watch_event("DELETED", plan.wrap(_gone(key, gone), now))))
            resource_version = str(1000 + generation)
        pause = max(POLL_SECONDS, (time.monotonic() - looked) / LOCK_SHARE)
        if first and plan.initial_events_end:
            lines.append(
                _line(
                    kube_objects.bookmark(
                        plan.kind, plan.api_version, resource_version, initial_events_end=True
                    )
                )
            )
            last_bookmark = time.monotonic()
        elif plan.bookmarks and time.monotonic() - last_bookmark >= BOOKMARK_SECONDS:
            lines.append(_line(kube_objects.bookmark(plan.kind, plan.api_version, resource_version)))
            last_bookmark = time.monotonic()
        first = False
        yield b"".join(lines)
        while pause > 0 and not closing.is_set():  # heartbeats while waiting, so a departed client is noticed
            step = min(POLL_SECONDS, pause)
            time.sleep(step)
            pause -= step
            if pause > 0:
                yield b""
