"""Write a kubeconfig that points the real `kubernetes` client at the simulator's Kubernetes face.

Tests (and a developer trying `kubectl --kubeconfig`) need a file, because rwc's live backend reads its
cluster from a kubeconfig context and nothing else. JSON is valid YAML, so the file is written with the
standard library; it holds a bearer token, so it is created readable by its owner only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_CONTEXT = "rwc-sim"


def kubeconfig_dict(
    server_url: str,
    token: str,
    *,
    context: str = DEFAULT_CONTEXT,
    cluster: str | None = None,
    user: str | None = None,
    namespace: str | None = None,
) -> dict[str, object]:
    """A one-context kubeconfig (`current-context` set to it) as a dict."""
    cluster = cluster or f"{context}-cluster"
    user = user or f"{context}-user"
    context_body: dict[str, str] = {"cluster": cluster, "user": user}
    if namespace:
        context_body["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": cluster, "cluster": {"server": server_url}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": context, "context": context_body}],
        "current-context": context,
    }


def write_kubeconfig(
    path: str | os.PathLike[str],
    server_url: str,
    token: str,
    *,
    context: str = DEFAULT_CONTEXT,
    cluster: str | None = None,
    user: str | None = None,
    namespace: str | None = None,
) -> Path:
    """Write the kubeconfig (mode 0600) to `path` and return the path."""
    target = Path(path)
    body = kubeconfig_dict(
        server_url, token, context=context, cluster=cluster, user=user, namespace=namespace
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2)
    os.chmod(target, 0o600)
    return target
