"""The simulator behind the WEKA REST API v2 wire format (reference/weka.md), for the live client's tests.

Paths live under `/api/v2` on an ephemeral 127.0.0.1 port (the real API listens on 14000; that default
belongs to the live client's URL handling). Every answer is `{"data": ...}`; errors follow the reference's
§3.2 recommendation, `{"message", "data": {"exceptionClass": [...], "error"}}`, except 401, which is
`{"data": "<text>"}` as in the 3.14 spec. WEKA's own refusals come from `WekaSim` (console.data.errors
with the texts the API answers) and are mapped to statuses here: Invalid 400, Forbidden 403, NotFound 404,
Conflict 409.

Bodies are written by `console.wire.weka`, where the wire's unsure choices are made once ([UNSURE]): the
snapshot shape per release (§12.1), bucket bandwidth in Mbit/s, the realtime entries that give the latency
back (§5). The face's own: login/refresh `data` is an **object** (CSI, WMS and MAN read it so; the docs
print a one-element list), `auth._tokens_body`; `/stats` rows `data.all.<category>[]` (`stats._STATS`) at
one-second resolution unless `resolution_secs` asks for coarser (a real cluster stores per minute).

The package: `auth` (users, tokens, login and refresh, and `Handlers`, the base of the other handler sets),
`cluster` (`/cluster`, alerts, events, tasks), `stats`, `filesystems` (with groups and buckets), `snapshots`,
`schedules` (rwc's own snapshot schedules) and `common` (errors, request bodies); this module holds the
route table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.http.weka.auth import (
    ACCESS_TOKEN_SECONDS,
    ADMIN_ROLES,
    READ_ROLES,
    REFRESH_TOKEN_SECONDS,
    SignIn,
    WekaUser,
)
from console.sim.http.weka.cluster import Cluster, weka_event_fields
from console.sim.http.weka.filesystems import Filesystems
from console.sim.http.weka.schedules import Schedules
from console.sim.http.weka.snapshots import Snapshots
from console.sim.http.weka.stats import Statistics
from console.wire import weka as wire

__all__ = [
    "ACCESS_TOKEN_SECONDS",
    "ADMIN_ROLES",
    "API",
    "READ_ROLES",
    "REFRESH_TOKEN_SECONDS",
    "WekaUser",
    "build_weka_router",
    "serve_weka",
    "weka_error_body",
    "weka_event_fields",
]

API = "/api/v2"

weka_error_body = wire.error_body


def build_weka_router(
    host: SimulatorHost,
    users: Mapping[str, WekaUser],
    *,
    clock: Callable[[], float] = time.monotonic,
    access_token_seconds: float = ACCESS_TOKEN_SECONDS,
) -> Router:
    """The WEKA REST API v2 over `host`'s simulator; `users` by username; tokens expire on `clock`."""
    sign_in = SignIn(users, clock, access_token_seconds)
    cluster, stats = Cluster(host, sign_in), Statistics(host, sign_in)
    filesystems, snapshots = Filesystems(host, sign_in), Snapshots(host, sign_in)
    schedules = Schedules(host, sign_in)
    router = Router()
    routes: list[tuple[str, str, Callable[[Request], Response]]] = [
        ("POST", "/login", sign_in.login),
        ("POST", "/login/refresh", sign_in.refresh),
        ("GET", "/cluster", cluster.cluster),
        ("GET", "/alerts", cluster.alerts),
        ("GET", "/events", cluster.events),
        ("PUT", "/alerts/{alert_type}/mute", cluster.mute_alert),
        ("PUT", "/alerts/{alert_type}/unmute", cluster.unmute_alert),
        ("GET", "/stats", stats.stats),
        ("GET", "/stats/realtime", stats.stats_realtime),
        ("GET", "/tasks", cluster.tasks),
        ("GET", "/fileSystemGroups", filesystems.list_groups),
        ("GET", "/objectStoreBuckets", filesystems.list_buckets),
        ("GET", "/fileSystems", filesystems.list_filesystems),
        ("POST", "/fileSystems", filesystems.create_filesystem),
        ("POST", "/fileSystems/download", filesystems.download_filesystem),
        ("GET", "/fileSystems/{uid}", filesystems.get_filesystem),
        ("PUT", "/fileSystems/{uid}", filesystems.update_filesystem),
        ("DELETE", "/fileSystems/{uid}", filesystems.delete_filesystem),
        ("POST", "/fileSystems/{uid}/objectStoreBuckets", filesystems.attach_bucket),
        ("DELETE", "/fileSystems/{uid}/objectStoreBuckets/{obs_uid}", filesystems.detach_bucket),
        ("GET", "/snapshots", snapshots.list_snapshots),
        ("POST", "/snapshots", snapshots.create_snapshot),
        ("GET", "/snapshots/{uid}", snapshots.get_snapshot),
        ("DELETE", "/snapshots/{uid}", snapshots.delete_snapshot),
        ("POST", "/snapshots/{uid}/upload", snapshots.upload_snapshot),
        ("POST", "/snapshots/{fs_uid}/{uid}/restore", snapshots.restore_snapshot),
        # rwc's own (WEKA has no schedule API; console.wire.weka.schedules)
        ("GET", "/snapshotSchedules", schedules.list_schedules),
        ("POST", "/snapshotSchedules", schedules.create_schedule),
        ("GET", "/snapshotSchedules/{uid}", schedules.get_schedule),
        ("PUT", "/snapshotSchedules/{uid}", schedules.update_schedule),
        ("DELETE", "/snapshotSchedules/{uid}", schedules.delete_schedule),
        ("POST", "/snapshotSchedules/{uid}/run", schedules.run_schedule),
    ]
    for method, template, handler in routes:
        router.add(method, API + template, _guarded(handler))
    return router


def _guarded(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A bug in a handler answers 500 with WEKA's body instead of dropping the connection mid-test."""

    def run(request: Request) -> Response:
        try:
            return handler(request)
        except HttpError:
            raise
        except Exception as error:  # noqa: BLE001 - the server must answer something
            raise HttpError(500, f"Internal error in the simulator ({type(error).__name__}).") from error

    return run


def serve_weka(
    host: SimulatorHost,
    users: Mapping[str, WekaUser],
    *,
    port: int = 0,
    clock: Callable[[], float] = time.monotonic,
    access_token_seconds: float = ACCESS_TOKEN_SECONDS,
) -> SimHttpServer:
    """A not-yet-started server for the WEKA face (`with serve_weka(...) as server:` starts and stops it)."""
    router = build_weka_router(host, users, clock=clock, access_token_seconds=access_token_seconds)
    return SimHttpServer("weka", router, weka_error_body, port=port)
