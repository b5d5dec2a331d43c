"""The Kubernetes face's refusals, written as the apiserver writes them: a `Status` body, 403 naming the verb
and resource, 404 naming the kind, 422 with the refused field in `details.causes`, and the simulator's own
`console.data` refusals mapped onto the same statuses."""

from __future__ import annotations

from typing import Any

from console.data.errors import BackendError, Conflict, Forbidden, Invalid, NotFound
from console.model.identity import Identity
from console.sim.http.base import HttpError
from console.wire import kube_objects


def kube_status_body(status: int, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A `Status` object for an error (console.wire.kube_objects.status), with `details` if given."""
    body = kube_objects.status(status, message, reason=extra.get("reason"))
    if extra.get("details"):
        body["details"] = extra["details"]
    return body


def forbidden(identity: Identity, verb: str, resource: str, name: str, namespace: str | None) -> HttpError:
    group, _, sub = resource.partition("/")
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    return HttpError(
        403,
        f'{group} "{name}" is forbidden: User "{identity.user}" cannot {verb} resource "{resource}" '
        f'in API group "" {scope}',
        extra={"details": {"name": name, "kind": group, **({"group": ""} if sub else {})}},
    )


def not_found(kind: str, name: str) -> HttpError:
    return HttpError(404, f'{kind} "{name}" not found', extra={"details": {"name": name, "kind": kind}})


def from_sim(error: BackendError) -> HttpError:
    """A simulator refusal as the API's Status (the simulator raises console.data errors)."""
    status = {Forbidden: 403, NotFound: 404, Conflict: 409, Invalid: 422}.get(type(error), 500)
    return HttpError(status, error.message)


def invalid_node_field(name: str, field: str, message: str, reason: str) -> HttpError:
    """A 422 as the apiserver writes a field error: `Node "x" is invalid: <field>: <message>`, and the same in
    `details.causes` (reason, message, field), which is what clients show for each refused field."""
    cause = kube_objects.Cause(message=message, field=field, reason=reason)
    body = kube_objects.status(422, "", name=name, kind="Node", causes=[cause])
    return HttpError(422, f'Node "{name}" is invalid: {field}: {message}', extra={"details": body["details"]})
