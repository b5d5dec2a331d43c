"""`FirstSeen`: when this console first saw each thing that is still there.

WEKA alerts carry no raise time, and neither do the Run:ai-side node alerts `LiveBackend` derives, so both
show the time rwc first saw them. The rule is the same for both and lives here: a key seen again keeps its
first time; a key that vanished is forgotten, so when the same alert comes back later it is new.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class FirstSeen(Generic[K]):
    """First sightings by key, kept across polls (one instance per client)."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[K, datetime] = {}

    @property
    def known(self) -> Mapping[K, datetime]:
        """The sightings kept from the last poll (read-only)."""
        return self._seen

    def stamp(self, present: Iterable[K], now: datetime) -> Mapping[K, datetime]:
        """Record one poll: every key in `present` keeps its first time (`now` when new); the rest are
        forgotten. Returns the first time of each present key."""
        self._seen = {key: self._seen.get(key, now) for key in present}
        return self._seen
