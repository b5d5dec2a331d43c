"""Who may do what on the simulator's Kubernetes face (SelfSubjectAccessReview), and reading request objects
that client-go's typed clients send as protobuf.

RBAC, simplified (the same rules the handlers in console/sim/http/kube.py apply): every known token may read
nodes, pods, namespaces and events (a cluster-wide "view" role); patching nodes, evicting pods and making
volumes and claims need an admin; logs follow the simulator's project membership.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.model.identity import Identity
from console.sim.http.base import HttpError, Request, Response
from console.wire import kube_discovery, kube_objects, kube_protobuf

MAX_ATTRIBUTE_CHARS = 253
"""The longest name Kubernetes allows (a DNS subdomain); longer attributes are refused, never echoed."""
_READ_VERBS = frozenset({"get", "list", "watch"})


def decide(identity: Identity, attributes: Mapping[str, str]) -> tuple[bool, str]:
    """(allowed, reason) for one resource request: everyone reads nodes, pods, namespaces and events; logs
    follow project membership (a researcher reads them in `runai-<project>` of their projects); patching
    nodes and evicting pods need an admin. What the simulator does not serve is refused for everyone."""
    verb = attributes.get("verb", "")
    group = attributes.get("group", "")
    resource = attributes.get("resource", "")
    sub = attributes.get("subresource", "")
    namespace = attributes.get("namespace", "")
    full = f"{resource}/{sub}" if sub else resource
    if verb not in kube_discovery.served_verbs(group, full):
        return False, f"the simulator does not serve {verb} on {full or 'that resource'}"
    if group == "authorization.k8s.io":
        return True, "every signed-in user may ask what they may do"
    if verb in _READ_VERBS and full != "pods/log":
        return True, 'the simulator\'s cluster-wide "view" role'
    if identity.is_admin:
        return True, "the simulator's admin role"
    if full == "pods/log" and namespace in {f"runai-{name}" for name in identity.project_names}:
        return True, f"{identity.user} is a member of the project that owns {namespace}"
    return False, f"{identity.user} is a researcher; that needs an administrator"


def request_object(request: Request, kind: str) -> Any:
    """The request's object: JSON, or (from client-go's typed clients) a Kubernetes protobuf envelope, of
    which the simulator reads what it needs (SelfSubjectAccessReview's spec; an Eviction's kind)."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
    if content_type != kube_protobuf.MEDIA_TYPE:
        return request.json()
    try:
        envelope = kube_protobuf.envelope(request.body)
        if envelope.kind != kind:
            raise HttpError(400, f"expected a {kind}, got {envelope.kind[:60]!r}")
        body: dict[str, Any] = {"kind": envelope.kind, "apiVersion": envelope.api_version}
        if kind == "SelfSubjectAccessReview":
            body["spec"] = kube_protobuf.access_review_spec(envelope.raw)
        return body
    except kube_protobuf.ProtobufError as error:
        raise HttpError(400, f"the {kind} body is not valid protobuf: {error}") from None


def access_review(request: Request, identity: Identity) -> Response:
    """`kubectl auth can-i`: POST selfsubjectaccessreviews, answered by `decide`."""
    body = request_object(request, "SelfSubjectAccessReview")
    spec = body.get("spec") if isinstance(body, dict) else None
    if not isinstance(spec, dict):
        raise HttpError(400, "a SelfSubjectAccessReview needs a spec object")
    attributes = spec.get("resourceAttributes")
    if attributes is None and isinstance(spec.get("nonResourceAttributes"), dict):
        verb = spec["nonResourceAttributes"].get("verb")
        allowed = verb in ("get", "head")
        reason = "discovery and version are readable by every signed-in user" if allowed else ""
        return Response.json(201, kube_objects.access_review(spec, allowed, reason))
    if not isinstance(attributes, dict) or not all(
        isinstance(attributes.get(key, ""), str) and len(attributes.get(key, "")) <= MAX_ATTRIBUTE_CHARS
        for key in ("verb", "group", "resource", "subresource", "namespace", "name")
    ):
        raise HttpError(
            400,
            f"spec.resourceAttributes must be an object of strings of at most {MAX_ATTRIBUTE_CHARS} "
            "characters",
        )
    allowed, reason = decide(identity, attributes)
    return Response.json(201, kube_objects.access_review(spec, allowed, reason))
