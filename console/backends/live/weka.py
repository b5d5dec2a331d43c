"""The live WEKA client: the REST API v2 (reference/weka.md) over httpx, returning rwc's domain objects.

`WekaClient` logs in lazily, renews its access token shortly before it runs out, and on a 401 refreshes
(or logs in again when the refresh token is refused) and retries the request once, all through the shared
`ApiSession` (`console.backends.live.session`, which also bounds every answer). Every failure leaves as a
`console.data.errors` exception with `service="weka"`, through the shared `http_errors` mapping plus WEKA's
own details: the validation field from `data.param`, "does not exist" classes in `data.exceptionClass`
answered with 400 (§3.2), and 401 texts sent as `{"data": "..."}`.

Secrets: the password is read through a callable when a login needs it (the profile's `weka_password`), never
kept in an attribute, a repr or a message; tokens stay out of reprs too.

Wire parsing lives in `console.wire.weka` (no I/O); this module does the talking. Choices where the
reference is unsure are documented there and in `console/sim/http/weka/`, which serves the same choices.
"""

from __future__ import annotations

import math
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from console.backends.live.accepted import read_back
from console.backends.live.bounded_http import REQUEST_DEADLINE_SECONDS, loads_bounded
from console.backends.live.concurrency import together
from console.backends.live.first_seen import FirstSeen
from console.backends.live.http_errors import error_for_response
from console.backends.live.session import ApiSession, IssuedToken, Secret, profile_tls
from console.config import ConfigError, Profile
from console.data.errors import (
    BackendError,
    Invalid,
    NotFound,
    RateLimited,
)
from console.data.unreadable import answered_parts
from console.model import (
    Alert,
    Filesystem,
    FilesystemFromSnapshotSpec,
    FilesystemGroup,
    FilesystemSpec,
    ObjectStoreBucket,
    Snapshot,
    SnapshotSpec,
    UploadSite,
    WekaCluster,
    WekaMetricsSample,
)
from console.model.events import Event
from console.model.feed import ClientReads
from console.model.schedules import SnapshotSchedule, SnapshotScheduleSpec
from console.model.weka import WekaHealth
from console.wire import weka as wire
from console.wire.weka import mute_body, mute_path
from console.wire.weka import schedules as wire_schedules

SERVICE = wire.SERVICE

DEFAULT_PORT = 14000
"""WEKA's management port (§1): a URL without a port gets it."""

API_PATH = "/api/v2"

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""Per request; CSI allows 60 s, but a console should say "no answer" sooner and let the Store retry."""

RENEW_BEFORE_SECONDS = 30.0
"""Renew the access token this long before it expires (what CSI does, §2.1), saving a 401 round trip."""

CLUSTER_TIME_MAX_AGE_SECONDS = 60.0
"""How long a `/cluster` reading of the cluster's clock anchors `/stats` windows before it is re-read."""


def weka_api_url(url: str) -> str:
    """`https://host[:port][/api/v2]` -> the API base URL; no port means 14000, no scheme means https."""
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if not parts.hostname:
        raise ValueError(f"not a WEKA URL: {url!r}")
    netloc = parts.netloc if parts.port else f"{parts.netloc}:{DEFAULT_PORT}"
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path = f"{path}{API_PATH}"
    return urlunsplit((parts.scheme, netloc, path, "", ""))


class WekaClient:
    """Async client for one WEKA cluster; one instance per profile, closed with `aclose()`."""

    def __init__(
        self,
        url: str,
        username: str,
        password: Callable[[], str] | str,
        *,
        org: str | None = None,
        verify: ssl.SSLContext | bool = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        trust_env: bool = True,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        deadline_seconds: float = REQUEST_DEADLINE_SECONDS,
    ) -> None:
        self.base_url = weka_api_url(url)
        self.username = username
        self.org = org
        self._password = Secret(
            password, unreadable="Cannot read the WEKA password: {error}", service=SERVICE
        )
        self._session = ApiSession(
            self.base_url,
            service=SERVICE,
            sign_in=self._refresh,
            verify=verify,
            timeout=timeout,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
            clock=monotonic,
            deadline_seconds=deadline_seconds,
            trust_env=trust_env,
        )
        self._now = now or (lambda: datetime.now(UTC))
        self._monotonic = monotonic
        self._refresh_token: str | None = None
        self._alerts_first_seen: FirstSeen[tuple[str, str, str]] = FirstSeen()
        self._cluster_clock: tuple[datetime, float] | None = None  # (cluster time, monotonic when read)

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        environ: Mapping[str, str] | None = None,
        insecure: bool = False,
        **kwargs: Any,
    ) -> WekaClient:
        """The client for a profile's WEKA cluster: URL, user, org, TLS (`insecure` turns verification off
        too); the password is read from the profile's env var or file whenever a login needs it."""
        if not profile.has_weka or not profile.weka_username:
            raise ConfigError(f"profile {profile.name} has no WEKA cluster (weka_url, weka_username)")
        kwargs.setdefault("verify", profile_tls(profile, insecure))
        return cls(
            profile.weka_url or "",
            profile.weka_username,
            lambda: profile.weka_password(environ),
            org=profile.weka_org,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"WekaClient(url={self.base_url!r}, username={self.username!r}, org={self.org!r})"

    @property
    def session(self) -> ApiSession:
        """The HTTP session (its token and connection pool)."""
        return self._session

    async def aclose(self) -> None:
        await self._session.aclose()

    async def __aenter__(self) -> WekaClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- answers ---------------------------------------------------------------------------------------------
    @staticmethod
    def _error(response: httpx.Response) -> BackendError:
        """The shared mapping, plus WEKA's details (module doc)."""
        error = error_for_response(response, SERVICE)
        try:
            body = response.json()
        except ValueError:
            return error
        data = body.get("data") if isinstance(body, Mapping) else None
        message = error.message
        if message == type(error).default_message and isinstance(data, str) and data.strip():
            message = " ".join(data.split())[:300]
        classes: Any = data.get("exceptionClass") if isinstance(data, Mapping) else None
        if classes is None and isinstance(body, Mapping):
            classes = body.get("exceptionClass")
        names = [classes] if isinstance(classes, str) else [c for c in classes or () if isinstance(c, str)]
        status = response.status_code
        if status == 400 and any(name.endswith("DoesNotExistException") for name in names):
            return NotFound(message, status=status, service=SERVICE)
        if isinstance(error, Invalid):
            param = data.get("param") if isinstance(data, Mapping) else None
            field = error.field or (param if isinstance(param, str) and param else None)
            return Invalid(message, field=field, status=status, service=SERVICE)
        if message != error.message:
            if isinstance(error, RateLimited):
                return RateLimited(message, retry_after=error.retry_after, status=status, service=SERVICE)
            return type(error)(message, status=status, service=SERVICE)
        return error

    @classmethod
    def _data(cls, response: httpx.Response) -> Any:
        if not 200 <= response.status_code < 300:
            raise cls._error(response)
        return wire.unwrap(loads_bounded(response.content, SERVICE, response.status_code, name="WEKA"))

    # -- authentication --------------------------------------------------------------------------------------
    def _issued(self, tokens: wire.Tokens) -> IssuedToken:
        self._refresh_token = tokens.refresh_token
        return IssuedToken(
            tokens.access_token, self._session.renew_time(tokens.expires_in_seconds, RENEW_BEFORE_SECONDS)
        )

    async def login(self) -> None:
        """`POST /login` with username, password and org (§2.1); done lazily by every call."""
        await self._session.renew(self._login)

    async def _login(self) -> IssuedToken:
        body = wire.login_body(self.username, self._password.reveal(), self.org)
        response = await self._session.send("POST", "/login", json=body)
        if response.status_code in (400, 401, 403):
            error = self._error(response)
            org = f" in org {self.org}" if self.org else ""
            detail = f": {error.message}" if error.message != type(error).default_message else ""
            raise type(error)(
                f"WEKA refused the login of {self.username}{org}{detail}",
                status=response.status_code,
                service=SERVICE,
            )
        return self._issued(wire.parse_tokens(self._data(response)))

    async def _refresh(self) -> IssuedToken:
        """`POST /login/refresh`; no refresh token yet, or a refused one, means a full login (what CSI
        does). The session calls this for the first token, before the token runs out, and after a 401."""
        if self._refresh_token:
            body = {"refresh_token": self._refresh_token}
            response = await self._session.send("POST", "/login/refresh", json=body)
            if response.status_code not in (400, 401, 403):
                return self._issued(wire.parse_tokens(self._data(response)))
        return await self._login()

    async def _call(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        """One API call: the `data` of the answer (the session renews the token once on a 401)."""
        return self._data(await self._session.request(method, path, json=json, params=params))

    # -- queries ---------------------------------------------------------------------------------------------
    async def weka_cluster(self) -> WekaCluster:
        """`/cluster` + `/fileSystems` (capacity sums, §10.2) + `/stats/realtime` (latency, §5 has none).

        Only `/cluster` is needed: without the filesystems the capacity sums read "not known", without
        the realtime stats the latency does, and the screen names the part that did not answer."""
        answers = await answered_parts(
            {
                "WEKA cluster": self._call("GET", "/cluster"),
                "WEKA capacity by filesystem": self._filesystem_items(),
                "WEKA latency": self._call("GET", "/stats/realtime"),
            }
        )
        if "WEKA cluster" not in answers:  # the others answered, but the cluster itself did not
            await self._call("GET", "/cluster")  # raises its error again, as the fetch's reason
        reading = self._remember_cluster_time(wire.parse_cluster(answers["WEKA cluster"]))
        realtime = answers.get("WEKA latency")
        # Unknown latency is NaN (shown as —), not the 0 µs an empty realtime list reads as.
        latency = wire.parse_realtime_latency(realtime) if realtime is not None else math.nan
        latest = wire.sample_from_activity(reading, latency, self._now())
        filesystems = answers.get("WEKA capacity by filesystem")
        cluster = wire.build_weka_cluster(reading, filesystems or (), latest)
        return cluster if filesystems is not None else replace(cluster, filesystem_totals_unknown=True)

    async def _filesystem_items(self) -> list[Any]:
        return wire.as_list(await self._call("GET", "/fileSystems"), "fileSystems")

    async def health(self) -> WekaHealth:
        """`/cluster` alone: the header's protection state and active alert count, without the
        filesystems, the realtime stats or the alert list."""
        reading = self._remember_cluster_time(wire.parse_cluster(await self._call("GET", "/cluster")))
        return WekaHealth(reading.status, max(0, reading.active_alerts_count))

    def _remember_cluster_time(self, reading: wire.ClusterReading) -> wire.ClusterReading:
        if reading.cluster_time is not None:
            self._cluster_clock = (reading.cluster_time, self._monotonic())
        return reading

    async def _cluster_now(self) -> datetime:
        """The cluster's clock now: `/stats` windows are in cluster time, which may differ from ours."""
        if (
            self._cluster_clock is None
            or self._monotonic() - self._cluster_clock[1] > CLUSTER_TIME_MAX_AGE_SECONDS
        ):
            self._remember_cluster_time(wire.parse_cluster(await self._call("GET", "/cluster")))
        if self._cluster_clock is None:
            return self._now()
        at, read = self._cluster_clock
        return at + timedelta(seconds=self._monotonic() - read)

    async def weka_metrics(self, window_seconds: float = 300.0) -> Sequence[WekaMetricsSample]:
        """History from `GET /stats` over the window (not sampled by the client): the server keeps it, so a
        fresh console shows a full sparkline. A real cluster stores one point per minute (§9); the simulator
        answers per second. The resolution is left to the server."""
        since = await self._cluster_now() - timedelta(seconds=window_seconds)
        params = {
            "start_time": since.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "category": list(wire.STATS_CATEGORIES),
            "stat": list(wire.STATS_NAMES),
        }
        return wire.parse_stats(await self._call("GET", "/stats", params=params), since)

    async def client_reads(self) -> Sequence[ClientReads]:
        """Each process's reads from `GET /stats/realtime` (§9); a GPU node's client by its hostname."""
        return wire.parse_client_reads(await self._call("GET", "/stats/realtime"))

    async def alerts(self) -> Sequence[Alert]:
        """WEKA's alerts, muted ones flagged; `raised_at` is when this client first saw each (§7)."""
        items = wire.as_list(await self._call("GET", "/alerts"), "alerts")
        now = self._now()
        alerts, seen = wire.parse_alerts(items, self._alerts_first_seen.known, now)
        self._alerts_first_seen.stamp(seen, now)
        return alerts

    async def events(self, limit: int = wire.MAX_EVENTS) -> list[Event]:
        """The newest `limit` events of `GET /events` (one page: `num_results`), newest first (§8)."""
        items = wire.as_list(await self._call("GET", "/events", params=wire.events_params(limit)), "events")
        return wire.parse_events(items)[:limit]

    async def filesystem_groups(self) -> Sequence[FilesystemGroup]:
        items = wire.as_list(await self._call("GET", "/fileSystemGroups"), "fileSystemGroups")
        return wire.parse_groups(items)

    async def buckets(self) -> Sequence[ObjectStoreBucket]:
        items = wire.as_list(await self._call("GET", "/objectStoreBuckets"), "objectStoreBuckets")
        return wire.parse_buckets(items)

    async def _snapshot_readings(self) -> list[tuple[Snapshot, bool]]:
        items = wire.as_list(await self._call("GET", "/snapshots"), "snapshots")
        return wire.parse_snapshots(items)

    async def filesystems(self) -> Sequence[Filesystem]:
        """`/fileSystems` + `/snapshots` (each filesystem's snapshot count and newest upload)."""
        fs_data, readings = await together(self._call("GET", "/fileSystems"), self._snapshot_readings())
        return wire.parse_filesystems(
            wire.as_list(fs_data, "fileSystems"), wire.summarize_snapshots(readings)
        )

    async def filesystem(self, filesystem_uid: str) -> Filesystem:
        raw, readings = await together(
            self._call("GET", f"/fileSystems/{_segment(filesystem_uid)}"), self._snapshot_readings()
        )
        summary = wire.summarize_snapshots(r for r in readings if r[0].filesystem_uid == filesystem_uid)
        return wire.parse_filesystem(raw, 0, summary.get(filesystem_uid, wire.SnapshotSummary()))

    async def snapshots(self, filesystem_uid: str | None = None) -> Sequence[Snapshot]:
        """All snapshots in the server's order, or one filesystem's (filtered here, §3.3); an unknown
        filesystem is `NotFound`, as in the demo."""
        readings = await self._snapshot_readings()
        if filesystem_uid is None:
            return [snapshot for snapshot, _ in readings]
        chosen = [snapshot for snapshot, _ in readings if snapshot.filesystem_uid == filesystem_uid]
        if not chosen:
            await self._call("GET", f"/fileSystems/{_segment(filesystem_uid)}")  # NotFound when it is gone
        return chosen

    async def snapshot(self, snapshot_uid: str) -> Snapshot:
        return wire.parse_snapshot(await self._call("GET", f"/snapshots/{_segment(snapshot_uid)}"))[0]

    # -- filesystem actions ----------------------------------------------------------------------------------
    async def create_filesystem(self, spec: FilesystemSpec) -> Filesystem:
        """`POST /fileSystems`; the answer is not ready yet (`is_creating`, §10.3) and has no snapshots."""
        raw = await self._call("POST", "/fileSystems", json=wire.filesystem_create_body(spec))
        with read_back(SERVICE):
            return wire.parse_filesystem(raw, 0, wire.SnapshotSummary())

    async def resize_filesystem(
        self, filesystem_uid: str, total_capacity_bytes: int, ssd_capacity_bytes: int | None = None
    ) -> Filesystem:
        """`PUT /fileSystems/{uid}` with the new sizes (no SSD size: the cluster keeps its rule)."""
        body = wire.filesystem_resize_body(total_capacity_bytes, ssd_capacity_bytes)
        await self._call("PUT", f"/fileSystems/{_segment(filesystem_uid)}", json=body)
        with read_back(SERVICE):
            return await self.filesystem(filesystem_uid)

    async def set_filesystem_tiering(self, filesystem_uid: str, obs_bucket: str | None) -> Filesystem:
        """Attach `obs_bucket` as WRITABLE (`POST .../objectStoreBuckets`), or detach the WRITABLE one
        (`DELETE .../objectStoreBuckets/{obs_uid}`, which starts an OBS_DETACH task, §13)."""
        path = f"/fileSystems/{_segment(filesystem_uid)}"
        if obs_bucket is not None:
            await self._call("POST", f"{path}/objectStoreBuckets", json=wire.attach_body(obs_bucket))
            with read_back(SERVICE):
                return await self.filesystem(filesystem_uid)
        raw = await self._call("GET", path)
        writable = [
            ref
            for ref in wire.attached_buckets(wire.as_object(raw, "fileSystem"), "fileSystem")
            if ref.mode.value == "WRITABLE"
        ]
        if not writable:
            return await self.filesystem(filesystem_uid)  # not tiered: nothing to detach
        obs_uid = writable[0].uid or await self._bucket_uid(writable[0].name)
        await self._call("DELETE", f"{path}/objectStoreBuckets/{_segment(obs_uid)}")
        with read_back(SERVICE):
            return await self.filesystem(filesystem_uid)

    async def _bucket_uid(self, name: str) -> str:
        for bucket in await self.buckets():
            if bucket.name == name:
                return bucket.uid
        raise NotFound(f"Object-store bucket {name} does not exist.", service=SERVICE)

    async def delete_filesystem(self, filesystem_uid: str) -> None:
        """`DELETE /fileSystems/{uid}` without `purge_from_obs` (which would make uploaded snapshots of it
        unusable, §10.6)."""
        await self._call("DELETE", f"/fileSystems/{_segment(filesystem_uid)}")

    async def create_filesystem_from_snapshot(self, spec: FilesystemFromSnapshotSpec) -> Filesystem:
        """`POST /fileSystems/download` (§12.6); ready once its STOW_DOWNLOAD_FILESYSTEM task ends."""
        raw = await self._call("POST", "/fileSystems/download", json=wire.filesystem_download_body(spec))
        with read_back(SERVICE):
            return wire.parse_filesystem(raw, 0, wire.SnapshotSummary())

    # -- snapshot actions ------------------------------------------------------------------------------------
    async def create_snapshot(self, spec: SnapshotSpec) -> Snapshot:
        raw = await self._call("POST", "/snapshots", json=wire.snapshot_create_body(spec))
        with read_back(SERVICE):
            return wire.parse_snapshot(raw)[0]

    async def delete_snapshot(self, snapshot_uid: str) -> None:
        await self._call("DELETE", f"/snapshots/{_segment(snapshot_uid)}")

    async def restore_snapshot(self, snapshot_uid: str) -> Filesystem:
        """`POST /snapshots/{fs_uid}/{uid}/restore`; the restored filesystem is returned."""
        snapshot = await self.snapshot(snapshot_uid)
        fs_uid = snapshot.filesystem_uid
        await self._call("POST", f"/snapshots/{_segment(fs_uid)}/{_segment(snapshot_uid)}/restore", json={})
        with read_back(SERVICE):
            return await self.filesystem(fs_uid)

    async def mute_alert(self, alert_type: str, duration_seconds: float) -> None:
        """`PUT /alerts/{type}/mute` (§7): WEKA hides the type for the duration, then shows it again."""
        await self._call("PUT", mute_path(alert_type, "mute"), json=mute_body(duration_seconds))

    async def unmute_alert(self, alert_type: str) -> None:
        await self._call("PUT", mute_path(alert_type, "unmute"))

    async def prefetch_dataset(self, filesystem_name: str, path: str) -> None:
        """Refused with what to run instead: WEKA's prefetch is CLI-only, on a host that mounts the
        filesystem (`weka fs tier fetch`, reference/weka.md §13 and §17: no REST path in any source)."""
        raise Invalid(
            f"WEKA has no REST call to prefetch {filesystem_name}:/{path.strip('/')}: on a host that mounts "
            f"{filesystem_name}, run `find <mount>/{path.strip('/')} -type f | xargs -r -n512 -P64 "
            "weka fs tier fetch -v`.",
            service=SERVICE,
        )

    async def upload_snapshot(self, snapshot_uid: str, site: UploadSite = UploadSite.LOCAL) -> Snapshot:
        """`POST /snapshots/{uid}/upload`; progress and the locator show on the snapshot (§12.4)."""
        await self._call("POST", f"/snapshots/{_segment(snapshot_uid)}/upload", json=wire.upload_body(site))
        with read_back(SERVICE):
            return await self.snapshot(snapshot_uid)

    # -- snapshot schedules (rwc's own resource on the WEKA face: console.wire.weka.schedules) ----------
    async def snapshot_schedules(self) -> Sequence[SnapshotSchedule]:
        """`GET /snapshotSchedules`; a WEKA that serves no schedules (404: every real one in rwc's
        references; snaptool keeps them in its YAML) has none, and the RPO view uses its default target."""
        try:
            items = await self._call("GET", wire_schedules.schedule_path())
        except NotFound:
            return []
        return wire_schedules.parse_schedules(wire.as_list(items, "snapshotSchedules"))

    async def create_snapshot_schedule(self, spec: SnapshotScheduleSpec) -> SnapshotSchedule:
        raw = await self._call(
            "POST", wire_schedules.schedule_path(), json=wire_schedules.schedule_body(spec)
        )
        with read_back(SERVICE):
            return wire_schedules.parse_schedule(raw)

    async def update_snapshot_schedule(
        self, schedule_uid: str, spec: SnapshotScheduleSpec
    ) -> SnapshotSchedule:
        path = wire_schedules.schedule_path(schedule_uid)
        raw = await self._call("PUT", path, json=wire_schedules.schedule_body(spec))
        with read_back(SERVICE):
            return wire_schedules.parse_schedule(raw)

    async def delete_snapshot_schedule(self, schedule_uid: str) -> None:
        await self._call("DELETE", wire_schedules.schedule_path(schedule_uid))

    async def run_snapshot_schedule(self, schedule_uid: str) -> Snapshot:
        """`POST /snapshotSchedules/{uid}/run`: the snapshot it took."""
        raw = await self._call("POST", wire_schedules.schedule_path(schedule_uid, run=True), json={})
        with read_back(SERVICE):
            return wire.parse_snapshot(raw)[0]


def _segment(value: str) -> str:
    """A path segment, quoted: uids are UUIDs, but a stray `/` must not change the route."""
    return quote(value, safe="")
