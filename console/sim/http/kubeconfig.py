"""Write a kubeconfig that points the real `kubernetes` client at the simulator's Kubernetes face.

Tests (and a developer trying `kubectl --kubeconfig`) need a file, because rwc's live backend reads its
cluster from a kubeconfig context and nothing else. JSON is valid YAML, so the file is written with the
standard library; it holds a bearer token, so it is created readable by its owner only.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_CONTEXT = "rwc-sim"
RESEARCHER_CONTEXT = "rwc-sim-researcher"
"""The context `rwc sim serve` adds for the demo's researcher (what `kubectl auth can-i` says for them)."""


def kubeconfig_dict(
    server_url: str,
    token: str,
    *,
    context: str = DEFAULT_CONTEXT,
    cluster: str | None = None,
    user: str | None = None,
    namespace: str | None = None,
    ca_pem: bytes | None = None,
    other_contexts: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """A kubeconfig whose `current-context` is `context` (holding `token`), as a dict.

    `ca_pem`: the CA that signed an HTTPS server's certificate (`certificate-authority-data`).
    `other_contexts`: more contexts on the same cluster, context name -> token (another user's role).
    """
    cluster = cluster or f"{context}-cluster"
    cluster_body: dict[str, str] = {"server": server_url}
    if ca_pem is not None:
        cluster_body["certificate-authority-data"] = base64.b64encode(ca_pem).decode("ascii")
    contexts = {context: (user or f"{context}-user", token)}
    for name, other_token in (other_contexts or {}).items():
        contexts[name] = (f"{name}-user", other_token)
    users = []
    context_entries = []
    for name, (user_name, user_token) in contexts.items():
        body: dict[str, str] = {"cluster": cluster, "user": user_name}
        if namespace:
            body["namespace"] = namespace
        users.append({"name": user_name, "user": {"token": user_token}})
        context_entries.append({"name": name, "context": body})
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": cluster, "cluster": cluster_body}],
        "users": users,
        "contexts": context_entries,
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
    ca_pem: bytes | None = None,
    other_contexts: Mapping[str, str] | None = None,
) -> Path:
    """Write the kubeconfig (mode 0600) to `path` and return the path."""
    target = Path(path)
    body = kubeconfig_dict(
        server_url,
        token,
        context=context,
        cluster=cluster,
        user=user,
        namespace=namespace,
        ca_pem=ca_pem,
        other_contexts=other_contexts,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2)
    os.chmod(target, 0o600)
    return target
