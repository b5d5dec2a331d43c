"""`RankFilter`, without an app: which tagged lines of the merged log view pass, how `r` steps through
the ranks, and what the status line says."""

from __future__ import annotations

from console.ui.log_merge import tag
from console.ui.log_ranks import RankFilter, rank_of

LABELS = ("master-0", "worker-0", "worker-1", "worker-2")
LINES = [
    tag("master-0", "2026-01-01T00:00:00Z a"),
    tag("worker-0", "2026-01-01T00:00:01Z b"),
    tag("worker-1", "2026-01-01T00:00:02Z [rank1] c"),
    "— showing the first 4 of 40 pods; p picks one",
    tag("worker-0", "  File x"),
]


def test_the_rank_is_the_leading_tag_and_only_a_known_one() -> None:
    labels = frozenset(LABELS)
    assert [rank_of(line, labels) for line in LINES] == ["master-0", "worker-0", "worker-1", None, "worker-0"]
    assert rank_of("[rank1] a line of the pod's own", labels) is None
    assert rank_of("[worker-0]no space", labels) is None
    assert rank_of("[] x", labels) is None


def test_every_rank_passes_until_narrowed() -> None:
    every = RankFilter(LABELS)
    assert not every.narrowed and every.visible(LINES) == LINES and every.status_text() == ""


def test_narrowed_shows_that_rank_and_the_views_own_notes() -> None:
    worker = RankFilter(LABELS, frozenset({"worker-0"}))
    assert worker.visible(LINES) == [LINES[1], LINES[3], LINES[4]]
    assert [worker.passes(line) for line in LINES] == [False, True, False, True, True]
    assert worker.status_text() == "ranks: worker-0 of 4"


def test_r_steps_through_each_rank_then_all_again() -> None:
    steps = [RankFilter(LABELS)]
    for _ in range(len(LABELS) + 1):
        steps.append(steps[-1].cycled())
    assert [sorted(step.shown) for step in steps] == [
        [],
        ["master-0"],
        ["worker-0"],
        ["worker-1"],
        ["worker-2"],
        [],
    ]
    several = RankFilter(LABELS, frozenset({"master-0", "worker-1"}))
    assert several.cycled().shown == {"worker-2"}  # after the last of them
    assert RankFilter().cycled() == RankFilter()  # no ranks: nothing to step through


def test_toggles_make_several_ranks_and_the_status_names_them_in_order() -> None:
    picked = RankFilter(LABELS).toggled("worker-1").toggled("worker-1")
    assert picked == RankFilter(LABELS)  # hiding one then showing it again: every rank
    one = RankFilter(LABELS, frozenset({"worker-1"}))
    two = one.toggled("master-0")
    assert two.status_text() == "ranks: master-0, worker-1 of 4"
    assert two.toggled("worker-1").toggled("master-0") == RankFilter(LABELS)  # none left: all again
    assert one.toggled("nobody") == one
    three = RankFilter(LABELS).toggled("worker-0")
    assert three.status_text() == "ranks: master-0, worker-1, worker-2 of 4"
    many = RankFilter(tuple(f"worker-{n}" for n in range(32))).toggled("worker-0")
    assert many.status_text() == "ranks: worker-1, worker-2, worker-3 +28 of 32"
