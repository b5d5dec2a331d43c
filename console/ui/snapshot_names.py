"""Names rwc gives the snapshots it takes for a purpose (a checkpoint, a burst): `<prefix>-<workload>-<time>`.

They say why the snapshot exists and sort together in the snapshot list; the workload's name is cut so the
whole fits WEKA's limit, and anything WEKA does not allow in a name becomes a dash.
"""

from __future__ import annotations

import re
from datetime import datetime

SNAPSHOT_NAME_LIMIT = 32
"""WEKA refuses longer snapshot names (and access points)."""


def stamped_snapshot_name(prefix: str, workload_name: str, at: datetime, stamp: str = "%m%d-%H%M") -> str:
    """`ckpt-llama3-8b-sft-1123-0912`: `prefix`, the workload's name cut to fit, and the time."""
    when = f"-{at.strftime(stamp)}"
    room = SNAPSHOT_NAME_LIMIT - len(prefix) - 1 - len(when)
    stem = re.sub(r"[^A-Za-z0-9_-]", "-", workload_name)[:room].strip("-") or "workload"
    return f"{prefix}-{stem}{when}"
