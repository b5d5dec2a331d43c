"""Which ranks the merged log view shows: a filter over lines tagged `[worker-0] …` by `log_merge.tag`.

The merged view of a distributed job interleaves every pod's lines; to follow one crashing worker, or the
master against one worker, the user narrows it to those ranks without leaving it. The filter is a view over
the lines already read (the screen keeps them), never a new read, so narrowing and widening again loses
nothing. Pure (no Textual): which lines pass and the status words are tested without an app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

STATUS_NAMES = 3
"""Ranks named in the status line before the rest are counted (`+2`): it must fit 80 columns."""


def rank_of(line: str, labels: frozenset[str]) -> str | None:
    """The rank whose tag starts `line` (`[worker-0] …` → `worker-0`); None for an untagged line (a note
    of the view's own, such as "showing the first 32 pods") or a tag that is not one of `labels`."""
    if not line.startswith("["):
        return None
    end = line.find("] ")
    label = line[1:end] if end > 0 else None
    return label if label in labels else None


@dataclass(frozen=True)
class RankFilter:
    """The ranks of a merged view (`labels`, in the view's order: master first) and those shown; an empty
    `shown` shows every rank, so ranks are never hidden by default."""

    labels: tuple[str, ...] = ()
    shown: frozenset[str] = frozenset()

    @property
    def narrowed(self) -> bool:
        return bool(self.shown)

    def passes(self, line: str) -> bool:
        """Shown: the line's rank is shown, or the line has no rank (the view's own notes stay)."""
        if not self.shown:
            return True
        rank = rank_of(line, frozenset(self.labels))
        return rank is None or rank in self.shown

    def visible(self, lines: Iterable[str]) -> list[str]:
        """The lines that pass, in their order."""
        if not self.shown:
            return list(lines)
        labels = frozenset(self.labels)
        return [line for line in lines if (rank := rank_of(line, labels)) is None or rank in self.shown]

    def cycled(self) -> RankFilter:
        """The next step of `r`: all → the first rank → the next … → the last → all again. From several
        ranks, the one after the last of them in the view's order."""
        if not self.labels:
            return self
        if not self.shown:
            return RankFilter(self.labels, frozenset({self.labels[0]}))
        last = max(self.labels.index(label) for label in self.shown)
        if last + 1 >= len(self.labels):
            return RankFilter(self.labels)
        return RankFilter(self.labels, frozenset({self.labels[last + 1]}))

    def toggled(self, label: str) -> RankFilter:
        """`label` shown or hidden, the others as they are; hiding the last shown rank shows all again."""
        if label not in self.labels:
            return self
        base = self.shown or frozenset(self.labels)
        shown = base - {label} if label in base else base | {label}
        return RankFilter(self.labels, frozenset() if shown == frozenset(self.labels) else shown)

    def status_text(self) -> str:
        """`ranks: worker-0, worker-1 of 4`; empty when every rank is shown (the view as it always was)."""
        if not self.shown:
            return ""
        names = [label for label in self.labels if label in self.shown]
        more = len(names) - STATUS_NAMES
        listed = ", ".join(names[:STATUS_NAMES]) + (f" +{more}" if more > 0 else "")
        return f"ranks: {listed} of {len(self.labels)}"
