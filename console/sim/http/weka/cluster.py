"""The cluster as a whole on the WEKA face: `/cluster`, alerts (and muting them), events and tasks."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from console.sim.http.base import HttpError, Request, Response
from console.sim.http.weka.auth import Handlers
from console.sim.http.weka.common import RequestBody, ok
from console.sim.weka_events import WekaEvent
from console.wire import weka as wire
from console.wire.weka import mute_seconds_from


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


class Cluster(Handlers):
    """`/cluster`, `/alerts` (and muting), `/events` and `/tasks`."""

    def cluster(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (sim, weka):
            return ok(wire.cluster_json(weka.cluster(), sim.clock.start, sim.clock.now()))

    def alerts(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            return ok([wire.alert_json(alert) for alert in weka.alerts()])

    def mute_alert(self, request: Request) -> Response:
        """`PUT /alerts/{alert_type}/mute` `{"duration": seconds}`: muted until then (a cluster admin's)."""
        user = self.authorize(request, write=True)
        alert_type = request.path_params["alert_type"]
        with self.weka("Alert") as (_, weka):
            weka.mute_alert(user.identity, alert_type, mute_seconds_from(RequestBody.of(request)))
        return ok(None)

    def unmute_alert(self, request: Request) -> Response:
        user = self.authorize(request, write=True)
        with self.weka("Alert") as (_, weka):
            weka.unmute_alert(user.identity, request.path_params["alert_type"])
        return ok(None)

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
        return ok([wire.event_json(**weka_event_fields(record)) for record in records])

    def tasks(self, request: Request) -> Response:
        self.authorize(request)
        with self.weka() as (_, weka):
            fs_ids = {fs.uid: fs.id for fs in weka.filesystems()}
            bucket_uids = {bucket.name: bucket.uid for bucket in weka.buckets()}
            tasks = weka.tasks()
        return ok(
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
