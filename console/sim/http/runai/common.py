"""What every handler set of the Run:ai face shares: the versions it answers as, the error mapping, request
body checks, stable ids for what the simulator gives no UUID, and telemetry grouping.

Apart from the route table (`__init__.py`) so that the handler sets (org units, nodes, workloads, auth)
import it without importing each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from console.data.errors import BackendError, Invalid
from console.model.identity import Identity, Role
from console.sim.http.base import HttpError, Request, Response
from console.sim.http.runai.listing import terms
from console.sim.simulator import Simulator
from console.wire import runai as wire
from console.wire.common import status_of_error
from console.wire.runai import SUBMISSION_FIELDS

SERVICE = "runai"
ACCEPTED = {"code": 202, "message": "Request has been accepted."}

LATEST = "latest"
V2_18 = "2.18"
VERSIONS = (V2_18, LATEST)
"""Control planes this face can answer as (`RunaiFace(version=...)`)."""
FACE_NAMESPACE = uuid.UUID("6f1c1d7e-4b0b-4a51-9d43-8c7f3f1f6a10")
"""Seeds uuid5 ids for things the simulator does not give a UUID (pods, events, nodes)."""

Handler = Callable[[Request, Simulator, Identity], Response]
"""A route's handler: the request, the simulator (under its lock) and the acting identity."""

ADMIN = Identity(user="runai-face", role=Role.ADMIN)
"""Used only to read an org unit's current quotas before applying a partial update (the simulator still
checks the real caller's rights when it applies the change)."""


# ====================================================================================================
# errors
# ====================================================================================================
def http_error(error: BackendError, *, submission: bool = False) -> HttpError:
    field = error.field if isinstance(error, Invalid) else None
    field_path = SUBMISSION_FIELDS.get(field, field) if field is not None else None
    extra = wire.compliance_issues(error.message, field_path) if submission else {}
    return HttpError(status_of_error(error), error.message, extra=extra)


def bad_request(message: str, field_path: str | None = None) -> HttpError:
    return HttpError(400, message, extra=wire.compliance_issues(message, field_path) or None)


def expect(body: Any, key: str, kinds: type | tuple[type, ...], field_path: str, *, required: bool) -> Any:
    try:
        return wire.expect(body, key, kinds, field_path, required=required)
    except Invalid as error:
        raise bad_request(error.message, error.field) from None


def settled(sim: Simulator) -> None:
    """After an action the scheduler runs at once, as the demo backend does (`Simulator.settle`)."""
    sim.settle()


# ====================================================================================================
# wire values
# ====================================================================================================
def face_uuid(*parts: str) -> str:
    return str(uuid.uuid5(FACE_NAMESPACE, "/".join(parts)))


def check_cluster(sim: Simulator, request: Request) -> None:
    """404 for a `{cluster_uuid}` route that names another cluster."""
    if request.path_params["cluster_uuid"] != sim.runai.cluster.uuid:
        raise HttpError(404, "Resource id not found.")


# ====================================================================================================
# telemetry
# ====================================================================================================
def group_by(request: Request, allowed: Mapping[str, str]) -> list[str]:
    groups = []
    for raw in terms(request, "groupBy"):
        key = allowed.get(raw.lower())
        if key is None:
            raise HttpError(400, f"groupBy {raw!r} is not one of {', '.join(allowed.values())}.")
        groups.append(key)
    if len(groups) > 2:
        raise HttpError(400, "groupBy takes at most two fields.")
    return groups


def check_telemetry_type(kind: str | None, measures: Mapping[str, object]) -> str:
    if kind is None or kind not in measures:
        raise HttpError(400, f"telemetryType {kind!r} is not supported; supported: {', '.join(measures)}.")
    return kind


def telemetry(
    sim: Simulator,
    kind: str,
    items: Iterable[Any],
    group_of: Callable[[Any], tuple[tuple[str, str, str], ...]],
    measure: Callable[[Any], float],
) -> Response:
    totals: dict[tuple[tuple[str, str, str], ...], float] = {}
    for item in items:
        key = group_of(item)
        totals[key] = totals.get(key, 0.0) + measure(item)
    return Response.json(200, wire.telemetry_json(kind, sim.clock.now(), totals))
