"""API discovery documents for the Kubernetes resources the simulator serves (`/api`, `/apis`, `/api/v1`).

Why: every kubectl command first asks the server which groups and resources exist (client-go's discovery
client: `GET /api`, `GET /apis`, then `GET /api/v1` and `GET /apis/<group>/<version>`), and resolves `no`,
`po`, `ev`, `ns` through the `shortNames` listed there; without these documents kubectl stops at "couldn't
get current server API group list". The shapes are the unaggregated ones (`APIVersions`, `APIGroupList`,
`APIResourceList`, meta/v1 in k8s.io/apimachinery `pkg/apis/meta/v1/types.go`). client-go asks for the
aggregated form first (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList, ...,
application/json`) and reads the answer by its Content-Type, so a plain `application/json` answer is the
legacy document, as from a server without aggregated discovery.

Only the verbs the simulator serves are listed, so `kubectl auth can-i` and kubectl's verb checks see the
truth. `pods/eviction` names its group and version (`policy/v1`, kind `Eviction`): that is how `kubectl drain`
decides evictions are supported (k8s.io/kubectl `pkg/drain/drain.go`, `CheckEvictionSupport`). The policy
group itself is not listed: a group version with no resources makes client-go's discovery fail ("received
empty response for: policy/v1"), and the simulator serves no PodDisruptionBudget objects.
"""

from __future__ import annotations

from typing import Any

CORE_RESOURCES: tuple[dict[str, Any], ...] = (
    {
        "name": "namespaces",
        "singularName": "namespace",
        "namespaced": False,
        "kind": "Namespace",
        "verbs": ["get", "list", "watch"],
        "shortNames": ["ns"],
    },
    {
        "name": "nodes",
        "singularName": "node",
        "namespaced": False,
        "kind": "Node",
        "verbs": ["get", "list", "patch", "watch"],
        "shortNames": ["no"],
    },
    {
        "name": "pods",
        "singularName": "pod",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get", "list", "watch"],
        "shortNames": ["po"],
        "categories": ["all"],
    },
    {
        "name": "pods/eviction",
        "singularName": "",
        "namespaced": True,
        "group": "policy",
        "version": "v1",
        "kind": "Eviction",
        "verbs": ["create"],
    },
    {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
    {
        "name": "events",
        "singularName": "event",
        "namespaced": True,
        "kind": "Event",
        "verbs": ["get", "list", "watch"],
        "shortNames": ["ev"],
    },
    {
        "name": "persistentvolumeclaims",
        "singularName": "persistentvolumeclaim",
        "namespaced": True,
        "kind": "PersistentVolumeClaim",
        "verbs": ["create", "get", "list", "watch"],
        "shortNames": ["pvc"],
    },
    {
        "name": "persistentvolumes",
        "singularName": "persistentvolume",
        "namespaced": False,
        "kind": "PersistentVolume",
        "verbs": ["create", "delete", "get", "list", "watch"],
        "shortNames": ["pv"],
    },
)
"""`/api/v1`'s resources."""

GROUP_RESOURCES: dict[str, tuple[dict[str, Any], ...]] = {
    "events.k8s.io/v1": (
        {
            "name": "events",
            "singularName": "event",
            "namespaced": True,
            "kind": "Event",
            "verbs": ["get", "list", "watch"],
            "shortNames": ["ev"],
        },
    ),
    "authorization.k8s.io/v1": (
        {
            "name": "selfsubjectaccessreviews",
            "singularName": "selfsubjectaccessreview",
            "namespaced": False,
            "kind": "SelfSubjectAccessReview",
            "verbs": ["create"],
        },
    ),
}
"""Each served group/version's resources (`/apis/<group>/<version>`)."""


def api_versions() -> dict[str, Any]:
    """`GET /api`: the core group's versions."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": ""}],
    }


def api_group_list() -> dict[str, Any]:
    """`GET /apis`: every named group with its (single) version."""
    groups = []
    for group_version in GROUP_RESOURCES:
        group, _, version = group_version.partition("/")
        entry = {"groupVersion": group_version, "version": version}
        groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict[str, Any] | None:
    """`GET /apis/<group>`, or None for a group the simulator does not serve."""
    for entry in api_group_list()["groups"]:
        if entry["name"] == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **entry}
    return None


def api_resource_list(group_version: str) -> dict[str, Any] | None:
    """`GET /api/v1` (group_version "v1") or `GET /apis/<group>/<version>`; None if not served."""
    resources = CORE_RESOURCES if group_version == "v1" else GROUP_RESOURCES.get(group_version)
    if resources is None:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": [dict(resource) for resource in resources],
    }


def served_verbs(group: str, resource: str) -> frozenset[str]:
    """The verbs the simulator serves on `resource` (may be `pods/log`) of `group` ("" for core)."""
    if group == "":
        table: tuple[dict[str, Any], ...] = CORE_RESOURCES
    else:
        table = next((items for key, items in GROUP_RESOURCES.items() if key.partition("/")[0] == group), ())
    for entry in table:
        if entry["name"] == resource:
            return frozenset(entry["verbs"])
    if group == "policy" and resource == "pods/eviction":
        return frozenset({"create"})
    return frozenset()
