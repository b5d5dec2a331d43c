"""The name rules the APIs enforce: Kubernetes' DNS-1123 labels (Run:ai) and WEKA's filesystem names.

One definition for the simulator, which refuses a bad name as the API would, and the forms, which say
so under the field before anything is sent; each words its own message.
"""

from __future__ import annotations

import re

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
"""RFC 1123 label: what Kubernetes (and so Run:ai) accepts as a project or workload name."""
DNS_LABEL_MAX_LENGTH = 63

WEKA_NAME_MAX_LENGTH = 32
"""Filesystem names: at most 32 characters, no `/` or `\\` (reference/weka.md §10.2); snapshots too [I]."""


def is_dns1123_label(name: str) -> bool:
    """Whether Kubernetes accepts `name` as a label: 1-63 lower-case letters, digits and '-', starting
    and ending with a letter or digit."""
    return bool(name) and len(name) <= DNS_LABEL_MAX_LENGTH and DNS_LABEL.fullmatch(name) is not None


def has_path_separator(name: str) -> bool:
    """Whether `name` holds `/` or `\\`, which WEKA refuses (names appear in mount paths)."""
    return "/" in name or "\\" in name
