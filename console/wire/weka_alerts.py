"""WEKA alert muting on the wire: `PUT /alerts/{alert_type}/mute` with `{"duration": <seconds>}` and
`PUT /alerts/{alert_type}/unmute` (reference/weka.md §7: `AlertTypeMuteBody`; muting is per alert type,
for a while, after which WEKA unmutes it by itself). The live client writes the body, the simulator's
face reads it, with the same bounds."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

from console.data.errors import Invalid

MIN_MUTE_SECONDS = 1
MAX_MUTE_SECONDS = 365 * 24 * 3600
"""A year: longer is a typo (WEKA's CLI takes `1w`-style durations; a year is the most anyone means)."""


def mute_path(alert_type: str, verb: str) -> str:
    """`/alerts/<type>/mute` (or `unmute`), the type quoted: a stray `/` must not change the route."""
    return f"/alerts/{quote(alert_type, safe='')}/{verb}"


def mute_body(duration_seconds: float) -> dict[str, Any]:
    """The request body: whole seconds, within the bounds (`Invalid` naming the field otherwise)."""
    return {"duration": checked_mute_seconds(duration_seconds)}


def checked_mute_seconds(value: Any) -> int:
    """A mute duration in whole seconds, from a number; `Invalid` for anything else or out of bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("A mute duration is a number of seconds.", field="duration")
    seconds = math.ceil(value)
    if not MIN_MUTE_SECONDS <= seconds <= MAX_MUTE_SECONDS:
        days = MAX_MUTE_SECONDS // 86400
        raise Invalid(f"A mute lasts from {MIN_MUTE_SECONDS} second to {days} days.", field="duration")
    return seconds


def mute_seconds_from(body: Any) -> int:
    """The duration a mute request asks for (what the server reads)."""
    if not isinstance(body, dict) or "duration" not in body:
        raise Invalid("The mute request lacks 'duration'.", field="duration")
    return checked_mute_seconds(body["duration"])
