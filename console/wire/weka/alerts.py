"""Alerts (§7): `GET /alerts` read and written, and muting, `PUT /alerts/{alert_type}/mute` with
`{"duration": <seconds>}` and `PUT /alerts/{alert_type}/unmute` (`AlertTypeMuteBody`: muting is per alert
type, for a while, after which WEKA unmutes it by itself). The live client writes the mute body, the
simulator's face reads it, with the same bounds.

An alert is unreadable without its `type` and `title`; `description`, `severity`, `count` and `action` are
optional, and no source shows a raise time on the wire.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from console.data.errors import Invalid
from console.data.unreadable import readable_items
from console.model import Alert, AlertSeverity
from console.wire.weka.envelope import as_bool, as_object, as_str

DEFAULT_ALERT_SEVERITY = AlertSeverity.WARNING
"""The 3.14 alert model has no severity (§7, open question 4): an alert without one shows as a warning."""

_SEVERITY_ALIASES = {"debug": AlertSeverity.INFO, "error": AlertSeverity.MAJOR}
_NUMBERS = re.compile(r"[\d.,]+")


def parse_severity(value: Any) -> AlertSeverity:
    if not isinstance(value, str) or not value.strip():
        return DEFAULT_ALERT_SEVERITY
    text = value.strip().lower()
    try:
        return AlertSeverity(text)
    except ValueError:
        return _SEVERITY_ALIASES.get(text, DEFAULT_ALERT_SEVERITY)


def alert_key(raw: Mapping[str, Any]) -> tuple[str, str, str]:
    """Identifies one standing alert across polls, for its first-seen time: type, title, and the
    description with its numbers blanked (they change as usage grows: "uses 92% of ...")."""
    description = raw.get("description")
    if not isinstance(description, str):
        description = ""
    return str(raw.get("type")), str(raw.get("title")), _NUMBERS.sub("#", description)


def parse_alert(raw: Any, index: int, raised_at: datetime) -> Alert:
    """`raised_at` is the caller's first sighting: no source shows a raise time on the wire (§7)."""
    where = f"alerts[{index}]"
    raw = as_object(raw, where)
    title = as_str(raw, "title", where)
    return Alert(
        type=as_str(raw, "type", where),
        title=title,
        description=as_str(raw, "description", where, default=""),
        severity=parse_severity(raw.get("severity")),
        muted=as_bool(raw, "muted", where, default=False),
        raised_at=raised_at,
        action=as_str(raw, "action", where, default=""),
    )


def parse_alerts(
    items: Iterable[Any], first_seen: Mapping[tuple[str, str, str], datetime], now: datetime
) -> tuple[list[Alert], dict[tuple[str, str, str], datetime]]:
    """The readable alerts, each raised when first seen (`first_seen`, else `now`), and the first
    sightings to keep for the next poll (cleared alerts are forgotten: a new one later is new)."""
    seen: dict[tuple[str, str, str], datetime] = {}

    def parse(raw: Any, index: int) -> Alert:
        parse_alert(raw, index, now)  # readable at all?
        key = alert_key(raw)
        seen[key] = first_seen.get(key, now)
        return parse_alert(raw, index, seen[key])

    return readable_items(items, parse, "WEKA alert"), seen


# -- muting --------------------------------------------------------------------------------------------------


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


# -- encoding ------------------------------------------------------------------------------------------------


def alert_json(alert: Alert) -> dict[str, Any]:
    """3.14 keys (`type`, `title`, `muted`, `action`, `params`) plus the 4.x CLI's `description`, `count`,
    `severity` (§7). No raise time: no source shows one on the wire."""
    return {
        "type": alert.type,
        "title": alert.title,
        "description": alert.description,
        "action": alert.action,
        "muted": alert.muted,
        "count": 1,
        "severity": alert.severity.value.upper(),
        "params": {},
    }
