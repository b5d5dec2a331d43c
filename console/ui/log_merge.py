"""The logs of every pod of a distributed workload as one view: each line tagged with its pod, the tails
merged by time, and the follow streams joined without repeating what the tails showed.

Pure functions (no Textual), so the merge order is tested without an app. Lines are ordered by their
leading RFC 3339 stamp (`2026-11-23T08:59:55Z …`, what torchrun/kubelet `--timestamps` lines and the
simulator's training logs start with); a line without one (a traceback's continuation, a notebook line)
keeps the stamp of the line before it, so a multi-line message is never split by another pod's lines.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator, Sequence

_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")

MERGED_POD_LIMIT = 32
"""Pods read at once in the merged view: each is a follow stream (a connection in live mode); a bigger
job shows its first 32 and says so."""


def pod_label(workload_name: str, pod_name: str) -> str:
    """`worker-0` for pod `train-x-worker-0` of workload `train-x`: short enough to prefix every line."""
    prefix = f"{workload_name}-"
    return (
        pod_name[len(prefix) :] if pod_name.startswith(prefix) and len(pod_name) > len(prefix) else pod_name
    )


def tag(label: str, line: str) -> str:
    return f"[{label}] {line}"


def _stamped(lines: Iterable[str], label: str, order: int) -> Iterator[tuple[str, int, int, str]]:
    """(stamp, pod order, line order, tagged line): lines without a stamp inherit the last one seen."""
    stamp = ""
    for index, line in enumerate(lines):
        found = _STAMP.match(line)
        if found is not None:
            stamp = found.group(0)
        yield stamp, order, index, tag(label, line)


def merge_by_time(tails: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Each pod's lines (label, lines; each pod's already in time order) as one list in time order,
    tagged `[label] `; equal stamps keep the pods' order, so the master's line comes first.

    Stamps compare as text: every stamp the merge sees has the same shape (UTC `Z`, whole seconds),
    so text order is time order without parsing each line."""
    streams = [_stamped(lines, label, order) for order, (label, lines) in enumerate(tails)]
    return [line for *_, line in heapq.merge(*streams)]


class AfterTail:
    """Skips the start of a follow stream that repeats the tail already shown: lines up to and including
    the tail's last line are dropped, then everything passes. A stream that never repeats it (the tail
    was empty, or the log rotated) passes whole once `patience` lines went by without a match."""

    def __init__(self, tail: Sequence[str], patience: int) -> None:
        self._last = tail[-1] if tail else None
        self._patience = patience if tail else 0
        self._seen = 0
        self._held: list[str] = []

    def feed(self, line: str) -> list[str]:
        """The lines to show now (none while it is still looking for the tail's end)."""
        if self._last is None:
            return [line]
        self._seen += 1
        if line == self._last:
            self._last = None
            self._held.clear()
            return []
        self._held.append(line)
        if self._seen >= self._patience:
            self._last = None
            held, self._held = self._held, []
            return held
        return []
