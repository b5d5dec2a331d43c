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
print a one-element list), `_tokens_body`; `/stats` rows `data.all.<category>[]` (`_STATS`) at one-second
resolution unless `resolution_secs` asks for coarser (a real cluster stores per minute).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from console.data.errors import BackendError, Invalid, NotFound
from console.model import (
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemSpec,
    Identity,
    Role,
    Snapshot,
    SnapshotSpec,
    WekaMetricsSample,
)
from console.sim.http.base import HttpError, Request, Response, Router, SimHttpServer, SimulatorHost
from console.sim.simulator import Simulator
from console.sim.weka import WekaSim
from console.sim.weka_events import WekaEvent
from console.sim.weka_metrics import HISTORY_SECONDS
from console.wire import weka as wire
from console.wire.common import status_of_error
from console.wire.weka import mute_seconds_from

API = "/api/v2"

ACCESS_TOKEN_SECONDS = 300
"""`expires_in` of an access token (reference §2.1: five minutes), so long tests exercise refresh."""

REFRESH_TOKEN_SECONDS = 365 * 86_400
"""Refresh tokens last a year (reference §2.1)."""

ADMIN_ROLES = frozenset({"ClusterAdmin", "OrgAdmin"})
"""WEKA roles that may change filesystems and snapshots (reference §15)."""

READ_ROLES = ADMIN_ROLES | {"ReadOnly", "CSI"}
"""Roles that may read; `Regular` may only log in and change its password (reference §15)."""

OBSERVED_SITES = ("LOCAL", "REMOTE")


def weka_event_fields(record: WekaEvent) -> dict[str, Any]:
    """What `wire.event_json` takes, from the simulator's record; its `guid` is a digest of the record
    (the simulator keeps no id), so the same event has the same guid in every answer."""
    digest = hashlib.blake2b(
        "\x1f".join((record.at.isoformat(), record.type, record.entity, record.description)).encode(),
        digest_size=16,
    ).hexdigest()
    return {
        "at": record.at,
        "type_": record.type,
        "category": record.category,
        "severity": record.severity,
        "description": record.description,
        "entity": record.entity,
        "guid": str(uuid.UUID(hex=digest)),
    }


@dataclass(frozen=True, slots=True)
class WekaUser:
    """A local WEKA user of the simulated cluster; `role` uses the API's spelling (reference §15)."""

    username: str
    password: str = field(repr=False)
    role: str = "ClusterAdmin"
    org: str = "Root"

    @property
    def identity(self) -> Identity:
        """Who `WekaSim` sees: admins act, everyone else is refused like a researcher (403)."""
        role = Role.ADMIN if self.role in ADMIN_ROLES else Role.RESEARCHER
        return Identity(user=self.username, role=role)


@dataclass(slots=True)
class _Session:
    username: str
    expires_at: float


class _TokenBook:
    """Access and refresh tokens, expiring on the face's clock (injectable, so tests need not wait)."""

    def __init__(self, clock: Callable[[], float], access_seconds: float) -> None:
        self._clock = clock
        self._access_seconds = access_seconds
        self._access: dict[str, _Session] = {}
        self._refresh: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def issue(self, username: str) -> dict[str, Any]:
        now = self._clock()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._access[access] = _Session(username, now + self._access_seconds)
            self._refresh[refresh] = _Session(username, now + REFRESH_TOKEN_SECONDS)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self._access_seconds),
            "refresh_token": refresh,
        }

    def user_of(self, access_token: str) -> str | None:
        with self._lock:
            session = self._access.get(access_token)
            if session is None or self._clock() >= session.expires_at:
                return None
            return session.username

    def redeem(self, refresh_token: str) -> str | None:
        """The user of a valid refresh token, which is used up: the new one replaces it (§2.1)."""
        with self._lock:
            session = self._refresh.pop(refresh_token, None)
        if session is None or self._clock() >= session.expires_at:
            return None
        return session.username


# -- errors -----------------------------------------------------------------------------------------------


weka_error_body = wire.error_body


def _http_error(error: BackendError, kind: str) -> HttpError:
    """A `WekaSim` refusal as the HTTP error WEKA would answer; `kind` names the object for 404s."""
    status = status_of_error(error, default=error.status or 500)
    extra: dict[str, Any] = {}
    if isinstance(error, NotFound):
        extra["exceptionClass"] = [f"{kind}DoesNotExistException", "OperationFailedException"]
    if isinstance(error, Invalid) and error.field:
        extra["param"] = error.field
    return HttpError(status, error.message, extra=extra)


def _bad_request(message: str, *, param: str | None = None, missing: list[str] | None = None) -> HttpError:
    extra: dict[str, Any] = {}
    if param:
        extra["param"] = param
    if missing:
        extra["missing_params"] = missing
    return HttpError(400, message, extra=extra)


# -- request bodies -----------------------------------------------------------------------------------------


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise _bad_request("Request body must be a JSON object.")
    return body


def _required(body: Mapping[str, Any], *keys: str) -> None:
    missing = [key for key in keys if body.get(key) in (None, "")]
    if missing:
        raise _bad_request(
            f"Missing required parameter{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            param=missing[0],
            missing=missing,
        )


def _string(body: Mapping[str, Any], key: str) -> str:
    value = body[key]
    if not isinstance(value, str):
        raise _bad_request(f"{key} must be a string.", param=key)
    return value


def _optional_string(body: Mapping[str, Any], key: str) -> str | None:
    return None if body.get(key) in (None, "") else _string(body, key)


def _flag(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise _bad_request(f"{key} must be true or false.", param=key)
    return value


def _capacity(body: Mapping[str, Any], key: str) -> int:
    """Bytes as an integer or a unit string (`wire.parse_capacity`)."""
    value = body[key]
    capacity = wire.parse_capacity(value)
    if capacity is None:
        raise _bad_request(
            f"{key} must be a capacity such as 1099511627776 or 1TiB, not {value!r}.", param=key
        )
    return capacity


def _reject(body: Mapping[str, Any], *keys: str) -> None:
    """Keys the real API takes but the simulator does not model: refused, never silently ignored."""
    for key in keys:
        if body.get(key) not in (None, "", False):
            raise _bad_request(f"{key} is not supported by the simulator.", param=key)


# -- encoding ---------------------------------------------------------------------------------------------


def _tokens_body(tokens: dict[str, Any]) -> Any:
    """Open question 1 (§2.1, §19): an object, as every working client reads it; the docs show a list."""
    return tokens


# -- the face ---------------------------------------------------------------------------------------------


class _WekaFace:
    """Handlers of one WEKA face: authentication, then one `WekaSim` call under the host's lock."""

    def __init__(
        self,
        host: SimulatorHost,
        users: Mapping[str, WekaUser],
        clock: Callable[[], float],
        access_token_seconds: float,
    ) -> None:
        self.host = host
        self.users = dict(users)
        self.tokens = _TokenBook(clock, access_token_seconds)

    # -- plumbing ---------------------------------------------------------------------------------------
    @contextmanager
    def weka(self, kind: str = "Object") -> Iterator[tuple[Simulator, WekaSim]]:
        """The simulator, locked; its refusals leave as WEKA's HTTP errors."""
        try:
            with self.host.session() as sim:
                yield sim, sim.weka
        except BackendError as error:
            raise _http_error(error, kind) from None

    def authorize(self, request: Request, *, write: bool = False) -> WekaUser:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "Authentication token is missing; log in at /api/v2/login.")
        username = self.tokens.user_of(token.strip())
        user = self.users.get(username) if username else None
        if user is None:
            raise HttpError(401, "Authentication token is invalid or expired; refresh it or log in again.")
        allowed = ADMIN_ROLES if write else READ_ROLES
        if user.role not in allowed:
            doing = "make changes" if write else "read cluster information"
            raise HttpError(
                403,
                f"User {user.username} has role {user.role}, which may not {doing}.",
                extra={"exceptionClass": ["PermissionDeniedException", "OperationFailedException"]},
            )
        return user

    @staticmethod
    def ok(data: Any) -> Response:
        return Response.json(200, {"data": data})

    # -- authentication -----------------------------------------------------------------------------------
    def login(self, request: Request) -> Response:
        body = _body(request)
        _required(body, "username", "password")
        username, password = _string(body, "username"), _string(body, "password")
        org = _optional_string(body, "org") or "Root"
        user = self.users.get(username)
        # Org names match case-insensitively (WMS sends "root", CSI "Root": §2.1).
        if (
            user is None
            or not secrets.compare_digest(user.password.encode(), password.encode())
            or user.org.lower() != org.lower()
        ):
            raise HttpError(401, "Invalid username, password or organization.")
        return self.ok(_tokens_body(self.tokens.issue(user.username)))

    def refresh(self, request: Request) -> Response:
        body = _body(request)
        _required(body, "refresh_token")
        username = self.tokens.redeem(_string(body, "refresh_token"))
        if username is None or username not in self.users:
            raise HttpError(401, "Refresh token is invalid or expired; log in again.")
        return self.ok(_tokens_body(self.tokens.issue(username)))

    # -- cluster, alerts, statistics, tasks -----------------------------------------------------------------
    def cluster(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (sim, weka):
            return self.ok(wire.cluster_json(weka.cluster(), sim.clock.start, sim.clock.now()))

    def alerts(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return self.ok([wire.alert_json(alert) for alert in weka.alerts()])

    def mute_alert(self, request: Request) -> Response:
        """`PUT /alerts/{alert_type}/mute` `{"duration": seconds}`: muted until then (a cluster admin's)."""
        user = self.authorize(request, write=True)
        alert_type = request.path_params["alert_type"]
        with self.weka("Alert") as (_, weka):
            weka.mute_alert(user.identity, alert_type, mute_seconds_from(_body(request)))
        return self.ok(None)

    def unmute_alert(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        with self.weka("Alert") as (_, weka):
            weka.unmute_alert(user.identity, request.path_params["alert_type"])
        return self.ok(None)

    def stats_realtime(self, request: Request) -> Response:
        """One entry per active backend process; rates split evenly, every entry at the cluster's latency."""
        self.authorize(request)
        with self.weka() as (_, weka):
            cluster = weka.cluster()
        sample, count = cluster.latest, max(1, cluster.backends_active)
        if sample is None:
            return self.ok([])
        return self.ok(wire.realtime_json(cluster.name, sample, count))

    def stats(self, request: Request) -> Response:
        """`GET /stats?start_time&end_time&category&stat&resolution_secs`: rows per category (module doc)."""
        self.authorize(request)
        with self.weka() as (sim, weka):
            now = sim.clock.now()
            samples = weka.metrics(HISTORY_SECONDS)  # everything the simulator keeps
        start = _query_time(request, "start_time", now - timedelta(minutes=1))
        end = _query_time(request, "end_time", now)
        resolution = _query_int(request, "resolution_secs", 1)
        categories = request.query.get("category") or list(_STATS)
        wanted = set(request.query.get("stat") or ())
        window = [sample for sample in samples if start < sample.at <= end]
        result: dict[str, list[dict[str, Any]]] = {}
        for category in categories:
            stats = _STATS.get(category)
            if stats is None:
                raise _bad_request(f"Unknown statistics category {category!r}.", param="category")
            rows = []
            for at, sample in _resample(window, resolution):
                for stat, (unit, read) in stats.items():
                    if not wanted or stat in wanted:
                        rows.append(wire.stats_row(at, stat, unit, read(sample)))
            result[category] = rows
        return self.ok({"all": result})

    def events(self, request: Request) -> Response:
        """`GET /events` (§8): the newest `num_results` (default 50, as the CLI), oldest of them first
        unless `sort_order=desc`. UNSURE(weka-events-order): the API's default order is not documented;
        the CLI prints ascending, so that is the default here."""
        self.authorize(request)
        raw_count = request.param("num_results") or "50"
        if not raw_count.isdigit():
            raise HttpError(400, f"num_results must be a positive integer, not {raw_count[:20]!r}.")
        order = request.param("sort_order") or "asc"
        if order not in ("asc", "desc"):
            raise HttpError(400, f"sort_order must be asc or desc, not {order[:20]!r}.")
        with self.weka() as (_, weka):
            records = weka.events(min(int(raw_count), wire.MAX_EVENTS))
        if order == "desc":
            records.reverse()
        return self.ok([wire.event_json(**weka_event_fields(record)) for record in records])

    def tasks(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            fs_ids = {fs.uid: fs.id for fs in weka.filesystems()}
            bucket_uids = {bucket.name: bucket.uid for bucket in weka.buckets()}
            tasks = weka.tasks()
        return self.ok(
            [
                {
                    "uid": task.uid,
                    "id": task.id,
                    "type": task.type,
                    "state": task.state,
                    "progress": task.progress_percent,
                    "description": task.description,
                    "is_explicitly_paused": False,
                    "params": {
                        "fsId": fs_ids.get(task.filesystem_uid, task.filesystem_uid),
                        "obsId": bucket_uids.get(task.bucket_name, task.bucket_name),
                        "purpose": "",
                    },
                }
                for task in tasks
            ]
        )

    # -- filesystems ----------------------------------------------------------------------------------------
    def _encode_filesystems(self, weka: WekaSim, filesystems: list[Filesystem]) -> list[dict[str, Any]]:
        group_uids = {group.name: group.uid for group in weka.filesystem_groups()}
        buckets = {bucket.name: bucket for bucket in weka.buckets()}
        return [wire.filesystem_json(fs, group_uids, buckets) for fs in filesystems]

    def list_filesystems(self, request: Request) -> Response:
        """CSI's filters (`name`, `group_name`) are honoured; clients re-filter anyway (§3.3)."""
        self.authorize(request)
        name, group = request.param("name"), request.param("group_name")
        with self.weka() as (_, weka):
            chosen = [
                fs
                for fs in weka.filesystems()
                if (name is None or fs.name == name) and (group is None or fs.group_name == group)
            ]
            return self.ok(self._encode_filesystems(weka, chosen))

    def get_filesystem(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka("Filesystem") as (_, weka):
            return self.ok(self._encode_filesystems(weka, [weka.filesystem(request.path_params["uid"])])[0])

    def create_filesystem(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        body = _body(request)
        _required(body, "name", "group_name", "total_capacity")
        _reject(body, "thin_provision_min_ssd", "thin_provision_max_ssd", "data_reduction")
        spec = FilesystemSpec(
            name=_string(body, "name"),
            group_name=_string(body, "group_name"),
            total_capacity_bytes=_capacity(body, "total_capacity"),
            ssd_capacity_bytes=_capacity(body, "ssd_capacity")
            if body.get("ssd_capacity") is not None
            else None,
            encrypted=_flag(body, "encrypted"),
            obs_bucket=_optional_string(body, "obs_name"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_filesystem(user.identity, spec)
            return self.ok(self._encode_filesystems(weka, [created])[0])

    def update_filesystem(self, request: Request) -> Response:
        """Resize: `total_capacity` and/or `ssd_capacity`; without `ssd_capacity` `WekaSim` keeps its rule."""
        user = self.authorize(request, write=True)
        body = _body(request)
        _reject(
            body, "new_name", "thin_provision_min_ssd", "thin_provision_max_ssd", "auth_required", "max_files"
        )
        if body.get("total_capacity") is None and body.get("ssd_capacity") is None:
            raise _bad_request(
                "Nothing to update: give total_capacity or ssd_capacity.", param="total_capacity"
            )
        uid = request.path_params["uid"]
        with self.weka("Filesystem") as (_, weka):
            current = weka.filesystem(uid)
            total = (
                _capacity(body, "total_capacity")
                if body.get("total_capacity") is not None
                else current.total_budget_bytes
            )
            ssd = _capacity(body, "ssd_capacity") if body.get("ssd_capacity") is not None else None
            resized = weka.resize_filesystem(user.identity, uid, total, ssd)
            return self.ok(self._encode_filesystems(weka, [resized])[0])

    def delete_filesystem(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        if (request.param("purge_from_obs") or "false").lower() == "true":
            raise _bad_request("purge_from_obs is not supported by the simulator.", param="purge_from_obs")
        with self.weka("Filesystem") as (_, weka):
            weka.delete_filesystem(user.identity, request.path_params["uid"])
        return self.ok(None)

    def attach_bucket(self, request: Request) -> Response:
        """`{obs_name, obs_mode}`: WRITABLE tiers the filesystem; remote attach is not simulated."""
        user = self.authorize(request, write=True)
        body = _body(request)
        _required(body, "obs_name")
        mode = (_optional_string(body, "obs_mode") or "WRITABLE").upper()
        if mode != "WRITABLE":
            raise _bad_request(
                f"obs_mode {mode} is not supported by the simulator; attach WRITABLE buckets.",
                param="obs_mode",
            )
        with self.weka("Filesystem") as (_, weka):
            tiered = weka.set_filesystem_tiering(
                user.identity, request.path_params["uid"], _string(body, "obs_name")
            )
            return self.ok(self._encode_filesystems(weka, [tiered])[0])

    def detach_bucket(self, request: Request) -> Response:
        """Detaching the WRITABLE bucket un-tiers the filesystem; answers the OBS_DETACH task id (§13)."""
        user = self.authorize(request, write=True)
        uid, obs_uid = request.path_params["uid"], request.path_params["obs_uid"]
        with self.weka("Filesystem") as (_, weka):
            fs = weka.filesystem(uid)
            names = {bucket.uid: bucket.name for bucket in weka.buckets()}
            attached = {item.bucket_name: item.mode.value for item in fs.buckets}
            name = names.get(obs_uid)
            if name is None or name not in attached:
                raise HttpError(
                    404,
                    f"Object-store bucket {obs_uid} is not attached to filesystem {fs.name}.",
                    extra={
                        "exceptionClass": [
                            "ObjectStoreBucketDoesNotExistException",
                            "OperationFailedException",
                        ]
                    },
                )
            if attached[name] != "WRITABLE":
                raise _bad_request(
                    "Detaching a remote bucket is not supported by the simulator.", param="obs_uid"
                )
            weka.set_filesystem_tiering(user.identity, uid, None)
            task = next(
                (t for t in weka.tasks() if t.type == "OBS_DETACH" and t.filesystem_uid == uid),
                None,
            )
        return self.ok(task.id if task else "")

    def download_filesystem(self, request: Request) -> Response:
        """`POST /fileSystems/download`: a filesystem from an uploaded snapshot's locator (§12.6)."""
        user = self.authorize(request, write=True)
        body = _body(request)
        _required(body, "name", "group_name", "total_capacity", "ssd_capacity", "object_storage", "locator")
        _reject(body, "additional_object_storage")
        spec = FilesystemFromSnapshotSpec(
            name=_string(body, "name"),
            group_name=_string(body, "group_name"),
            total_capacity_bytes=_capacity(body, "total_capacity"),
            ssd_capacity_bytes=_capacity(body, "ssd_capacity"),
            obs_bucket=_string(body, "object_storage"),
            locator=_string(body, "locator"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_filesystem_from_snapshot(user.identity, spec)
            return self.ok(self._encode_filesystems(weka, [created])[0])

    def list_groups(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return self.ok(
                [wire.group_json(index, group) for index, group in enumerate(weka.filesystem_groups())]
            )

    def list_buckets(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return self.ok([wire.bucket_json(index, bucket) for index, bucket in enumerate(weka.buckets())])

    # -- snapshots ------------------------------------------------------------------------------------------
    def _encode_snapshots(self, weka: WekaSim, snapshots: list[Snapshot]) -> list[dict[str, Any]]:
        fs_ids = {fs.uid: fs.id for fs in weka.filesystems()}
        per_site = wire.per_site_stow(weka.cluster().release)
        return [
            wire.snapshot_json(snap, fs_ids.get(snap.filesystem_uid, ""), per_site=per_site)
            for snap in snapshots
        ]

    def list_snapshots(self, request: Request) -> Response:
        """4.0+ filters `filesystem` (a name), `name`, `access_point`; clients re-filter anyway (§3.3)."""
        self.authorize(request)
        fs_name, name, point = (
            request.param("filesystem"),
            request.param("name"),
            request.param("access_point"),
        )
        with self.weka() as (_, weka):
            chosen = [
                snap
                for snap in weka.snapshots()
                if (fs_name is None or snap.filesystem_name == fs_name)
                and (name is None or snap.name == name)
                and (point is None or snap.access_point == point)
            ]
            return self.ok(self._encode_snapshots(weka, chosen))

    def get_snapshot(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka("Snapshot") as (_, weka):
            return self.ok(self._encode_snapshots(weka, [weka.snapshot(request.path_params["uid"])])[0])

    def create_snapshot(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        body = _body(request)
        _required(body, "fs_uid", "name")
        _reject(body, "source_snap_uid")
        spec = SnapshotSpec(
            filesystem_uid=_string(body, "fs_uid"),
            name=_string(body, "name"),
            access_point=_optional_string(body, "access_point"),
            is_writable=_flag(body, "is_writable"),
        )
        with self.weka("Filesystem") as (_, weka):
            created = weka.create_snapshot(user.identity, spec)
            return self.ok(self._encode_snapshots(weka, [created])[0])

    def delete_snapshot(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        with self.weka("Snapshot") as (_, weka):
            weka.delete_snapshot(user.identity, request.path_params["uid"])
        return self.ok(None)

    def restore_snapshot(self, request: Request) -> Response:
        """`POST /snapshots/{fs_uid}/{uid}/restore`; answers the snapshot, as the 3.14 spec lists."""
        user = self.authorize(request, write=True)
        _reject(_body(request), "preserved_overwritten_snapshot_name")
        fs_uid, uid = request.path_params["fs_uid"], request.path_params["uid"]
        with self.weka("Snapshot") as (_, weka):
            snap = weka.snapshot(uid)
            if snap.filesystem_uid != fs_uid:
                raise HttpError(
                    404,
                    f"Snapshot {snap.name} does not belong to filesystem {fs_uid}.",
                    extra={"exceptionClass": ["SnapshotDoesNotExistException", "OperationFailedException"]},
                )
            weka.restore_snapshot(user.identity, uid)
            return self.ok(self._encode_snapshots(weka, [weka.snapshot(uid)])[0])

    def upload_snapshot(self, request: Request) -> Response:
        """`{obs_site}` -> `{locator, extra}`. The simulator mints the locator when the upload finishes, so
        it is empty here; poll the snapshot for it (the real API may know it at once, §12.2)."""
        user = self.authorize(request, write=True)
        body = _body(request)
        site = (_optional_string(body, "obs_site") or "LOCAL").upper()
        uid = request.path_params["uid"]
        with self.weka("Snapshot") as (_, weka):
            snap = weka.upload_snapshot(user.identity, uid, site)
            task = next(
                (
                    t
                    for t in weka.tasks()
                    if t.type == "STOW_UPLOAD" and t.filesystem_uid == snap.filesystem_uid
                ),
                None,
            )
        return self.ok({"locator": snap.locator, "extra": {"task_id": task.id} if task else {}})


def _query_time(request: Request, key: str, default: datetime) -> datetime:
    text = request.param(key)
    if not text:
        return default
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_request(f"{key} must be an ISO-8601 time, not {text!r}.", param=key) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _query_int(request: Request, key: str, default: int) -> int:
    text = request.param(key)
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise _bad_request(f"{key} must be a positive whole number of seconds.", param=key)
    return int(text)


def _resample(samples: list[WekaMetricsSample], seconds: int) -> Iterator[tuple[datetime, WekaMetricsSample]]:
    """Samples as they are (one per second), or averaged over `seconds`, stamped with each group's end."""
    if seconds <= 1:
        for sample in samples:
            yield sample.at, sample
        return
    groups: dict[int, list[WekaMetricsSample]] = {}
    for sample in samples:
        groups.setdefault(int(sample.at.timestamp()) // seconds, []).append(sample)
    for members in groups.values():
        count = len(members)
        yield (
            members[-1].at,
            WekaMetricsSample(
                at=members[-1].at,
                read_bytes_per_second=round(sum(s.read_bytes_per_second for s in members) / count, 1),
                write_bytes_per_second=round(sum(s.write_bytes_per_second for s in members) / count, 1),
                iops=round(sum(s.iops for s in members) / count, 1),
                latency_microseconds=round(sum(s.latency_microseconds for s in members) / count, 1),
                obs_upload_bytes_per_second=round(
                    sum(s.obs_upload_bytes_per_second for s in members) / count, 1
                ),
            ),
        )


_STATS: dict[str, dict[str, tuple[str, Callable[[WekaMetricsSample], float]]]] = {
    "ops": {
        "OPS": ("Ops/Sec", lambda s: s.iops),
        "READS": ("Ops/Sec", lambda s: wire.split_ops(s)[0]),
        "WRITES": ("Ops/Sec", lambda s: wire.split_ops(s)[1]),
        "READ_BYTES": ("Bytes/Sec", lambda s: s.read_bytes_per_second),
        "WRITE_BYTES": ("Bytes/Sec", lambda s: s.write_bytes_per_second),
        "THROUGHPUT": ("Bytes/Sec", lambda s: round(s.read_bytes_per_second + s.write_bytes_per_second, 1)),
        "READ_LATENCY": ("Microseconds", lambda s: s.latency_microseconds),
        "WRITE_LATENCY": ("Microseconds", lambda s: s.latency_microseconds),
    },
    "object_storage": {
        "OBS_WRITE_BYTES": ("Bytes/Sec", lambda s: s.obs_upload_bytes_per_second),
        "OBS_READ_BYTES": ("Bytes/Sec", lambda s: 0.0),
    },
}
"""Stats served per category (reference §9's table); the simulator has one latency for reads and writes."""


def build_weka_router(
    host: SimulatorHost,
    users: Mapping[str, WekaUser],
    *,
    clock: Callable[[], float] = time.monotonic,
    access_token_seconds: float = ACCESS_TOKEN_SECONDS,
) -> Router:
    """The WEKA REST API v2 over `host`'s simulator; `users` by username; tokens expire on `clock`."""
    face = _WekaFace(host, users, clock, access_token_seconds)
    router = Router()
    routes: list[tuple[str, str, Callable[[Request], Response]]] = [
        ("POST", "/login", face.login),
        ("POST", "/login/refresh", face.refresh),
        ("GET", "/cluster", face.cluster),
        ("GET", "/alerts", face.alerts),
        ("GET", "/events", face.events),
        ("PUT", "/alerts/{alert_type}/mute", face.mute_alert),
        ("PUT", "/alerts/{alert_type}/unmute", face.unmute_alert),
        ("GET", "/stats", face.stats),
        ("GET", "/stats/realtime", face.stats_realtime),
        ("GET", "/tasks", face.tasks),
        ("GET", "/fileSystemGroups", face.list_groups),
        ("GET", "/objectStoreBuckets", face.list_buckets),
        ("GET", "/fileSystems", face.list_filesystems),
        ("POST", "/fileSystems", face.create_filesystem),
        ("POST", "/fileSystems/download", face.download_filesystem),
        ("GET", "/fileSystems/{uid}", face.get_filesystem),
        ("PUT", "/fileSystems/{uid}", face.update_filesystem),
        ("DELETE", "/fileSystems/{uid}", face.delete_filesystem),
        ("POST", "/fileSystems/{uid}/objectStoreBuckets", face.attach_bucket),
        ("DELETE", "/fileSystems/{uid}/objectStoreBuckets/{obs_uid}", face.detach_bucket),
        ("GET", "/snapshots", face.list_snapshots),
        ("POST", "/snapshots", face.create_snapshot),
        ("GET", "/snapshots/{uid}", face.get_snapshot),
        ("DELETE", "/snapshots/{uid}", face.delete_snapshot),
        ("POST", "/snapshots/{uid}/upload", face.upload_snapshot),
        ("POST", "/snapshots/{fs_uid}/{uid}/restore", face.restore_snapshot),
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
